"""Pure: find the @mentions in a comment's text.

A mention is ``@`` followed by a person's email address or by its local part (the text before
the ``@``): ``@lena.okafor`` or ``@lena.okafor@example.com``. The local part is enough while only
one person of the organization has it; when two share it, write the whole address. An ``@`` in
the middle of a word (an email address written as text, ``write to bob@example.com``) is not a
mention.
"""

import re

MENTION = re.compile(
    r"(?<![\w@.+%-])@([A-Za-z0-9][A-Za-z0-9._%+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)"
)


def mention_tokens(text: str) -> list[str]:
    """The distinct mention handles in ``text``, lower-cased, in order of appearance."""
    out: list[str] = []
    for match in MENTION.finditer(text or ""):
        token = match.group(1).rstrip("._-%+").lower()
        if token and token not in out:
            out.append(token)
    return out


def local_part(email: str) -> str:
    return email.rsplit("@", 1)[0].lower()


def resolve(tokens: list[str], people: list) -> list:
    """The people the tokens name, each once, in order: a whole address matches exactly; a local
    part matches when exactly one of ``people`` has it (``people`` have an ``email``)."""
    by_email = {p.email.lower(): p for p in people}
    by_local: dict[str, list] = {}
    for p in people:
        by_local.setdefault(local_part(p.email), []).append(p)
    out = []
    for token in tokens:
        if "@" in token:
            found = by_email.get(token)
        else:
            candidates = by_local.get(token, [])
            found = candidates[0] if len(candidates) == 1 else None
        if found is not None and found not in out:
            out.append(found)
    return out
