"""Panels a page reads only when there is something in them.

A page that reads one object (the objective page) reads it with a few ``Exists`` annotations,
one per panel that is empty for most objects (its dependencies, the idea it came from...): each
app offers the flags of its panels (``*_flags()``: name → ``Exists`` over the object's row), and
its reader of the panel spares its query when the object carries the flag and the flag says
there is nothing. A flag may say "something" when the read then finds nothing (it only gates the
read); it never says "nothing" when there is something. An object read without the flag (any
other caller) is read as before.
"""

from __future__ import annotations


def said_empty(model, flag: str) -> bool:
    """Whether ``model`` was read with ``flag`` and the flag says the panel is empty."""
    return model is not None and getattr(model, flag, True) is False
