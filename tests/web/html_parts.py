"""Pieces of rendered HTML for tests: one element by its id (its whole outer HTML), the ids of
the out-of-band elements of an htmx answer, and a form of an element to compare with a page."""

import re

VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)\b[^>]*?(/?)>")


def element(html: str, element_id: str) -> str | None:
    """The outer HTML of the first element with this id, or None."""
    start = re.search(rf'<([a-zA-Z][\w-]*)\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    if not start:
        return None
    name = start.group(1).lower()
    if name in VOID:
        return start.group(0)
    depth = 0
    for tag in TAG.finditer(html, start.start()):
        closing, tag_name, self_closing = tag.groups()
        if tag_name.lower() != name or self_closing:
            continue
        depth += -1 if closing else 1
        if depth == 0:
            return html[start.start() : tag.end()]
    raise AssertionError(f"#{element_id} is never closed")


def oob_ids(html: str) -> list[str]:
    """The ids of the elements an htmx answer swaps out of band, in order."""
    return re.findall(r'<[a-zA-Z][\w-]*\b[^>]*\bid="([^"]+)"[^>]*\bhx-swap-oob="', html)


def comparable(fragment: str) -> str:
    """An element as the page would have it: without the out-of-band marker, with CSRF tokens
    (new on every render) blanked, and whitespace between tags ignored."""
    fragment = fragment.replace(' hx-swap-oob="true"', "")
    fragment = re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', fragment
    )
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", fragment)).strip()
