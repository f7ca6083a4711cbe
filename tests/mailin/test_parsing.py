"""The pure parts: a reply's text as (category, line) pairs, HTML as text, format=flowed, the
reply without its history, and the signed token."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.mailin import tokens
from cadence.mailin.parsing import (
    heading_names,
    html_to_text,
    items_from_reply,
    reply_text,
    unflow,
)

CATEGORIES = [
    ("plans", "Plans"),
    ("progress", "Progress"),
    ("problems", "Problems"),
    ("risks-and-blockers", "Risks & Blockers"),
]


def parse(text: str) -> list[tuple[str, str]]:
    return items_from_reply(text, CATEGORIES)


def test_plain_lines_are_plans_and_blank_lines_are_skipped():
    assert parse("Write the brief\n\n\n  Call the bank  \n") == [
        ("plans", "Write the brief"),
        ("plans", "Call the bank"),
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "Progress",
        "progress",
        "PROGRESS:",
        "Progress :",
        "## Progress",
        "# progress:",
        "**Progress**",
        "**Progress:**",
        "__Progress__",
        "*Progress*",
        "- Progress:",
        "Progress：",
    ],
)
def test_headings_in_any_case_with_a_colon_or_markdown_marks(heading):
    assert parse(f"First plan\n{heading}\n- Did it") == [
        ("plans", "First plan"),
        ("progress", "Did it"),
    ]


def test_custom_categories_by_name_or_slug_and_back_to_plans():
    text = "Risks & blockers\n- Vendor late\nrisks-and-blockers:\n- Budget\nPlans\n- Next thing"
    assert parse(text) == [
        ("risks-and-blockers", "Vendor late"),
        ("risks-and-blockers", "Budget"),
        ("plans", "Next thing"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "- Ship it",
        "* Ship it",
        "• Ship it",
        "•Ship it",
        "・Ship it",
        "+ Ship it",
        "– Ship it",
        "1. Ship it",
        "12) Ship it",
        "[ ] Ship it",
        "[x] Ship it",
        "  -   Ship it  ",
        "- - Ship it",
    ],
)
def test_bullets_and_numbers_are_taken_off(line):
    assert parse(line) == [("plans", "Ship it")]


def test_a_heading_with_its_first_line_and_the_lines_after_it():
    assert parse("Progress: shipped it\n- and this\n**Problems:** the build") == [
        ("progress", "shipped it"),
        ("progress", "and this"),
        ("problems", "the build"),
    ]


def test_a_line_that_only_looks_like_a_heading_is_a_line():
    assert parse("Note: call the bank\nIdeas:\n- Progress bar on the page") == [
        ("plans", "Note: call the bank"),
        ("plans", "Ideas:"),
        ("plans", "Progress bar on the page"),
    ]


def test_lines_without_letters_or_digits_are_skipped():
    assert parse("---\n* * *\n-\n…\nReal") == [("plans", "Real")]


def test_heading_names_take_names_and_slugs():
    names = heading_names(CATEGORIES)
    assert names["risks & blockers"] == names["risks and blockers"] == "risks-and-blockers"


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)))
def test_any_text_gives_known_categories_and_clean_lines(lines):
    for slug, text in parse("\n".join(lines)):
        assert slug in {s for s, _ in CATEGORIES}
        assert text == text.strip() and text and "\n" not in text


def test_reply_text_removes_quotes_headers_and_signatures():
    text = (
        "Plan A\n- Plan B\n\n-- \nMia Member\nProduct\n\n"
        "On Mon, 23 Nov 2026 at 10:00, Cadence <c@example.com> wrote:\n> Hello\n> there\n"
    )
    assert reply_text(text) == "Plan A\n- Plan B"


@pytest.mark.parametrize(
    "history",
    [
        "On Mon, 23 Nov 2026 at 10:00, Cadence <c@example.com> wrote:\n> Hello",
        "Am Mo., 23. Nov. 2026 um 11:00 Uhr schrieb Cadence <c@example.com>:\n> Hallo",
        "Le lun. 23 nov. 2026 à 11:00, Cadence <c@example.com> a écrit :\n> Bonjour",
        "From: Cadence <c@example.com>\nSent: Monday, November 23, 2026 11:00 AM\n"
        "To: Mia\nSubject: Reminder\n\nHello",
        "-----Original Message-----\nFrom: Cadence\nHello",
        "---------- Forwarded message ---------\nFrom: Cadence <c@example.com>\nHello",
        "Begin forwarded message:\n\nFrom: Cadence <c@example.com>\nHello",
        "* Cadence <c@example.com> [2026-11-23 11:00]:\n> Hello",
        "> Hello without any attribution",
        "Sent from my iPhone\n\n> On 23 Nov 2026, at 11:00, Cadence wrote:\n> Hi",
        "Best regards,\nMia",
    ],
)
def test_reply_text_keeps_only_the_new_text(history):
    assert reply_text(f"Plan A\nProgress:\n- Did B\n\n{history}\n") == "Plan A\nProgress:\n- Did B"


def test_inline_answers_between_quoted_lines_are_kept():
    text = "> Plans: what you will do next week\nWrite the brief\n> Progress: done\nProgress: B"
    assert reply_text(text) == "Write the brief\nProgress: B"


def test_html_to_text_keeps_blocks_lists_and_marks_quotes():
    html = (
        "<html><head><style>p {color: red}</style><title>x</title></head><body>"
        "<div>Plan&nbsp;A</div><p>Plan <b>B</b></p><ul><li>one</li><li>two</li></ul>"
        "<div>Progress:<br>done</div>"
        "<blockquote>old <blockquote>older</blockquote></blockquote><script>alert(1)</script>"
        "</body></html>"
    )
    assert html_to_text(html) == (
        "Plan A\nPlan B\n- one\n- two\nProgress:\ndone\n> old\n> > older\n"
    )


@pytest.mark.parametrize(
    "quote_start",
    [
        '<div id="divRplyFwdMsg">',
        '<div id="appendonsend"></div><div>',
        '<div class="gmail_quote gmail_quote_container">',
        '<div class="moz-cite-prefix">',
    ],
)
def test_html_to_text_marks_everything_after_a_client_s_quote_start(quote_start):
    text = html_to_text(f"<div>Plan A</div>{quote_start}From: Cadence<br>Hello</div>")
    assert reply_text(text) == "Plan A"


def test_unflow_joins_soft_breaks_and_keeps_the_signature_line():
    assert unflow("A long \nline\n-- \nMia") == "A long line\n-- \nMia"
    assert unflow("A long \nline", delsp=True) == "A longline"
    assert unflow(" From the stuffed line") == "From the stuffed line"


def test_a_token_round_trips_and_fits_an_address():
    person, org = uuid4(), uuid4()
    expires = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    token = tokens.token_make(person_id=person, organization_id=org, expires=expires)
    assert len(token) == tokens.TOKEN_LENGTH and token == token.lower()
    assert len("updates+" + token) <= 64
    claim = tokens.token_read(token.upper())  # a mail system may change the case
    assert (claim.person_id, claim.expires) == (person, expires)
    assert claim.verifies(org) and not claim.verifies(uuid4())
    assert not claim.expired(expires - timedelta(seconds=1)) and claim.expired(expires)


@pytest.mark.parametrize("token", ["", "short", "0" * 48, "!" * 48, "a" * 47, "a" * 49])
def test_malformed_tokens_are_refused(token):
    claim = tokens.token_read(token)
    assert claim is None or not claim.verifies(uuid4())


def test_a_changed_token_does_not_verify():
    person, org = uuid4(), uuid4()
    expires = datetime(2026, 12, 7, tzinfo=UTC)
    token = tokens.token_make(person_id=person, organization_id=org, expires=expires)
    later = tokens.token_make(person_id=person, organization_id=org, expires=expires + timedelta(1))
    # The expiry of one token with the signature of another.
    spliced = later[:32] + token[32:]
    claim = tokens.token_read(spliced)
    assert claim is not None and not claim.verifies(org)


@pytest.mark.parametrize(
    "address,found",
    [
        ("updates+abc@replies.acme.example", "abc"),
        ("UPDATES+abc@Replies.Acme.Example", "abc"),
        ("updates@replies.acme.example", None),
        ("updates+@replies.acme.example", None),
        ("sales+abc@replies.acme.example", None),
        ("updates+abc@acme.example", None),
        ("not an address", None),
    ],
)
def test_token_in_finds_the_tag_of_the_reply_mailbox_only(address, found):
    assert tokens.token_in(address, "updates@replies.acme.example") == found
