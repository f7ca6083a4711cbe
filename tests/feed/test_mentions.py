"""Pure mention parsing and resolution."""

from types import SimpleNamespace

import pytest

from cadence.feed.mentions import mention_tokens, resolve


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("@lena.okafor can you look?", ["lena.okafor"]),
        ("Thanks @lena.okafor.", ["lena.okafor"]),
        ("(@Lena.Okafor) and @sam, @lena.okafor again", ["lena.okafor", "sam"]),
        ("ask @lena.okafor@example.com!", ["lena.okafor@example.com"]),
        ("write to bob@example.com", []),
        ("no mention @ here, nor @.dot", []),
        ("", []),
    ],
)
def test_tokens(text, tokens):
    assert mention_tokens(text) == tokens


def _p(email):
    return SimpleNamespace(email=email)


def test_resolve_local_parts_and_whole_addresses():
    lena, sam_a, sam_b = _p("lena.okafor@a.test"), _p("sam@a.test"), _p("sam@b.test")
    people = [lena, sam_a, sam_b]
    assert resolve(["lena.okafor"], people) == [lena]
    # Two people share "sam": the local part is ambiguous, the whole address is not.
    assert resolve(["sam"], people) == []
    assert resolve(["sam@b.test"], people) == [sam_b]
    assert resolve(["lena.okafor", "lena.okafor@a.test", "nobody"], people) == [lena]
