"""Pure: what a typed search becomes — its words, the engines' query expressions, and the
highlighted snippet of a result. No database, no Django.

A query is read as words (letters and digits; everything else separates them, so FTS5's and
tsquery's syntax characters — quotes, ``*``, parentheses, ``:``, ``&``, ``|``, ``!``, NUL — never
reach an engine as syntax, and ``NEAR``, ``AND``, ``OR``, ``NOT`` are only words, quoted). At most
``MAX_QUERY`` characters and ``MAX_WORDS`` words are read. Every word must match; the last one
also matches as a prefix (the user may still be typing it), and an exact match of it ranks above
a prefix match (the engines count the word once for the exact form and once for the prefix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUERY = 200  # characters of a query read
MAX_WORDS = 8
MIN_PREFIX = 2  # a last word shorter than this matches only itself (no "a*" over everything)
SNIPPET = 160  # characters of a snippet around the first match

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]
    prefix: bool  # the last word also matches as a prefix

    def __bool__(self) -> bool:
        return bool(self.words)

    def fts5(self) -> str:
        """The FTS5 MATCH expression: every word quoted; the last as ("w" OR "w"*)."""
        quoted = [f'"{w}"' for w in self.words]
        if self.prefix:
            last = quoted.pop()
            quoted.append(f"({last} OR {last}*)")
        return " AND ".join(quoted)

    def tsquery(self, *, exact: bool = False) -> str:
        """The to_tsquery('simple', …) text: every word quoted as a lexeme; the last as
        ('w' | 'w':*) — or, ``exact``, only 'w': ts_rank does not count an OR's operands twice,
        so the search adds the rank of the exact query to the rank of this one."""
        quoted = [f"'{w}'" for w in self.words]
        if self.prefix and not exact:
            last = quoted.pop()
            quoted.append(f"({last} | {last}:*)")
        return " & ".join(quoted)


def parse(text: str) -> Query:
    """The words of what was typed (NUL dropped): lower-cased, at most MAX_WORDS of the first
    MAX_QUERY characters, repeats dropped. No words (blank, only punctuation): an empty Query, which
    finds nothing."""
    text = (text or "").replace("\x00", "")[:MAX_QUERY]
    words: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if word not in words:
            words.append(word)
        if len(words) == MAX_WORDS:
            break
    if not words:
        return Query((), False)
    # The last word is a prefix while it is being typed: when the text ends inside it.
    ends_in_word = bool(re.search(r"[^\W_]$", text))
    return Query(tuple(words), ends_in_word and len(words[-1]) >= MIN_PREFIX)


def _matcher(query: Query) -> re.Pattern | None:
    if not query:
        return None
    parts = []
    for i, word in enumerate(query.words):
        last = i == len(query.words) - 1
        tail = r"[^\W_]*" if last and query.prefix else ""
        parts.append(rf"(?<![^\W_]){re.escape(word)}{tail}(?![^\W_])")
    return re.compile("|".join(parts), re.IGNORECASE | re.UNICODE)


def snippet(text: str, query: Query, *, width: int = SNIPPET) -> list[tuple[str, bool]]:
    """``text`` cut to about ``width`` characters around its first match, as (part, matched)
    pairs: the template escapes every part and marks the matched ones. No match: the start."""
    text = " ".join((text or "").split())
    pattern = _matcher(query)
    first = pattern.search(text) if pattern else None
    start = 0
    if first and first.start() > width // 3:
        start = text.rfind(" ", 0, first.start() - width // 3) + 1
    end = start + width
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    window = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    parts: list[tuple[str, bool]] = []
    position = 0
    if pattern:
        for m in pattern.finditer(window):
            if m.start() > position:
                parts.append((window[position : m.start()], False))
            parts.append((m.group(0), True))
            position = m.end()
    if position < len(window):
        parts.append((window[position:], False))
    if prefix:
        parts.insert(0, (prefix, False))
    if suffix:
        parts.append((suffix, False))
    return parts
