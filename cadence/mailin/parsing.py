"""Pure: the new text of a reply, and the weekly items it writes.

- ``html_to_text``: an HTML-only message (Outlook sends them) as plain text; quoted history
  (``<blockquote>``, Gmail's ``gmail_quote``, Outlook's ``divRplyFwdMsg``, Thunderbird's
  ``moz-cite-prefix``) comes out as "> " lines, so it is removed like any quoted text.
- ``unflow``: a ``format=flowed`` body (RFC 3676) with its soft line breaks joined again.
- ``reply_text``: the reply without the quoted history, "On … wrote:" and "From: … Sent: …"
  headers and the signature (mail-parser-reply, then every remaining "> " line).
- ``items_from_reply``: the text as (category slug, line) pairs: lines before any heading are
  plans; a line that names a category ("Progress", "## Problems:", "**Blockers**") is a
  heading, and the lines under it go there; "Progress: shipped it" is a heading with its first
  line. Bullets ("-", "*", "•", "+", "–") and numbers ("1.", "2)") are taken off; blank lines
  and lines of punctuation are skipped.

No database, no Django: plain strings in, plain values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser

from mailparser_reply.parser import EmailMessage

PLANS = "plans"

# The languages whose reply headers ("Am … schrieb …:", "Le … a écrit :") and signatures
# mail-parser-reply knows; English is always among them.
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "sv", "da", "pl", "cs", "ja", "ko", "zh")

# Elements whose end starts a new line, and those whose content is never text.
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
    "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_HIDDEN = {"head", "script", "style", "title", "template", "noscript"}
# Where a mail client starts the quoted message it replies to (everything after is history).
_QUOTE_STARTS = (
    ("id", "divrplyfwdmsg"),  # Outlook
    ("id", "appendonsend"),  # Outlook on the web, just before the "From: … Sent: …" block
    ("class", "gmail_quote"),  # Gmail
    ("class", "moz-cite-prefix"),  # Thunderbird
    ("class", "yahoo_quoted"),  # Yahoo
)


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list] = [[0, ""]]  # [quote depth, text] per line
        self.hidden = 0
        self.quote = 0
        self.history = False  # inside or after the quoted message

    def _newline(self) -> None:
        if self.lines[-1][1].strip():
            self.lines.append([0, ""])

    def _depth(self) -> int:
        return self.quote + (1 if self.history else 0)

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
            return
        found = {name: (value or "").lower() for name, value in attrs}
        for name, value in _QUOTE_STARTS:
            if value in found.get(name, "").split() or found.get(name, "") == value:
                self.history = True
        if tag in _BLOCKS:
            self._newline()
        if tag == "blockquote":
            self.quote += 1
        elif tag == "li":
            self.lines[-1][1] += "- "
        elif tag == "hr" and self.history is False:
            self.lines[-1][1] = "________________________________"
            self._newline()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        if tag in _BLOCKS:
            self._newline()

    def handle_data(self, data):
        if self.hidden:
            return
        text = re.sub(r"\s+", " ", data)
        line = self.lines[-1]
        if not line[1].strip():
            line[0] = self._depth()
            text = text.lstrip()
        line[1] += text

    def text(self) -> str:
        out = []
        for depth, text in self.lines:
            text = text.replace("\xa0", " ").strip()
            out.append(("> " * depth + text) if text else "")
        return "\n".join(out).strip() + "\n"


def html_to_text(html: str) -> str:
    """An HTML email body as plain text (see the module's docstring)."""
    maker = _TextMaker()
    maker.feed(html or "")
    maker.close()
    return maker.text()


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join the soft line breaks of a ``format=flowed`` body (RFC 3676): a line ending in a
    space continues on the next one; "-- " (the signature line) stays a line of its own."""
    out: list[str] = []
    joining = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):  # space-stuffed
            line = line[1:]
        soft = line.endswith(" ") and line != "-- "
        if soft and delsp:
            line = line[:-1]
        if joining:
            out[-1] += line
        else:
            out.append(line)
        joining = soft
    return "\n".join(out)


# Where a forwarded message starts (Gmail, Outlook, Apple Mail, Thunderbird; a few languages).
_FORWARDED = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|original message|weitergeleitete nachricht|"
    r"ursprüngliche nachricht|message transféré|message d'origine|mensaje reenviado|"
    r"mensaje original|messaggio inoltrato|messaggio originale)\s*-{2,}|"
    r"begin forwarded message:|anfang der weitergeleiteten nachricht:|"
    r"début du message réexpédié :?|-{5,}\s*転送メッセージ\s*-{5,})\s*$",
    re.IGNORECASE,
)


def _without_attributions(lines: list[str]) -> list[str]:
    """Drop quoted lines ("> ") and the line that introduces them when it ends with a colon
    (``* Cadence <…> [2026-11-23 11:00]:``, mutt's and other clients' attributions)."""
    kept: list[str] = []
    for n, line in enumerate(lines):
        if line.lstrip().startswith(">"):
            continue
        if line.rstrip().endswith((":", "：")):
            following = next((x for x in lines[n + 1 :] if x.strip()), "")
            if following.lstrip().startswith(">"):
                continue
        kept.append(line)
    return kept


def reply_text(text: str) -> str:
    """The new text of a reply: quoted history, reply headers, a forwarded message and the
    signature removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if _FORWARDED.match(line):
            lines = lines[:n]
            break
    lines = _without_attributions(lines)
    message = EmailMessage(
        text="\n".join(lines), languages=list(LANGUAGES), keep_hyphen_lists=True
    ).read()
    newest = message.replies[0].body if message.replies else ""
    kept = [line for line in newest.split("\n") if not line.lstrip().startswith(">")]
    return "\n".join(kept).strip()


_BULLET = re.compile(r"^(?:[•▪◦・○●]\s*|[-*+–—·]\s+|\d{1,3}[.)]\s+|\[[ xX]?\]\s+)")
_MARKS = re.compile(r"^[#*_\s>]+|[*_\s]+$")
_INLINE = re.compile(r"^(?P<head>[^:：]{1,60})[:：]\s*(?P<rest>.+)$")
_SPACES = re.compile(r"\s+")


def _heading_key(text: str) -> str:
    """How a heading is compared: marks (#, **, __) and a final colon off, case folded."""
    text = _MARKS.sub("", text.strip())
    text = text.rstrip(":：").strip()
    text = _MARKS.sub("", text)
    return _SPACES.sub(" ", text).casefold()


def _clean_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    while True:
        stripped = _BULLET.sub("", line, count=1)
        if stripped == line:
            break
        line = stripped.strip()
    return line


def heading_names(categories: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The headings that name each category: its name and its slug (hyphens as spaces), case
    folded → slug. ``categories``: (slug, name) pairs."""
    names: dict[str, str] = {}
    for slug, name in categories:
        for key in (_heading_key(name), _heading_key(slug.replace("-", " ")), slug.casefold()):
            if key:
                names.setdefault(key, slug)
    return names


def items_from_reply(
    text: str, categories: Sequence[tuple[str, str]], *, default: str = PLANS
) -> list[tuple[str, str]]:
    """The reply's lines as (category slug, text) pairs, in order (see the module's
    docstring). ``categories``: the (slug, name) pairs a heading may name."""
    names = heading_names(categories)
    current = default
    items: list[tuple[str, str]] = []
    for raw in (text or "").split("\n"):
        line = raw.strip()
        if not line:
            continue
        colon = line.endswith((":", "："))
        key = _heading_key(_clean_line(line) if colon else line)
        if key in names and (colon or not _BULLET.match(line)):
            current = names[key]
            continue
        inline = _INLINE.match(_MARKS.sub("", line) if line.startswith(("#", "*", "_")) else line)
        if inline and _heading_key(inline["head"]) in names and not _BULLET.match(line):
            current = names[_heading_key(inline["head"])]
            line = inline["rest"].lstrip("*_ ")
        cleaned = _clean_line(line)
        if not re.search(r"\w", cleaned):
            continue
        items.append((current, cleaned))
    return items
