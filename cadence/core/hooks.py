"""Hooks: the one way a lower app lets a higher one take part in what it does.

Apps depend one way (ARCHITECTURE.md, enforced by import-linter in `make lint`): okrs may not
import coach, orgs may not import weekly. When a lower app's service or page needs something
only a higher app knows — the coach's judgement before an objective is saved, the weekly
categories a new team starts with — the lower app declares a hook in its own ``hooks.py`` and
calls it; the higher app fills it in its ``AppConfig.ready()``. The call site names the hook, so a
reader of the lower app sees that something above takes part, and ``grep`` finds who.

Two kinds:

- ``Hook``: exactly one provider answers (the coach's gate, the reasons a cycle cannot be
  deleted). ``required=True`` hooks fail loudly when called with no provider; others fall back
  to their ``default``.
- ``Listeners``: any number of apps are told, in registration order (a unit was created).

Hooks are filled once per process at start-up and never change afterwards; tests that need
another behaviour use the services, not a replaced hook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_HOOKS: list[Hook | Listeners] = []


class Hook:
    """A call a lower app makes that a higher app answers."""

    def __init__(self, name: str, *, default: Callable[..., Any] | None = None) -> None:
        self.name = name
        self.default = default
        self.provider: Callable[..., Any] | None = None
        _HOOKS.append(self)

    @property
    def required(self) -> bool:
        return self.default is None

    def register(self, provider: Callable[..., Any]) -> Callable[..., Any]:
        if self.provider is not None and self.provider is not provider:
            raise ImproperlyConfigured(f"hook {self.name!r} is already answered by {self.provider}")
        self.provider = provider
        return provider

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.provider is not None:
            return self.provider(*args, **kwargs)
        if self.default is None:
            raise ImproperlyConfigured(
                f"hook {self.name!r} has no provider: is the app that answers it installed?"
            )
        return self.default(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"


class Listeners:
    """Something a lower app announces; every registered listener is called, in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.listeners: list[Callable[..., Any]] = []
        _HOOKS.append(self)

    def register(self, listener: Callable[..., Any]) -> Callable[..., Any]:
        if listener not in self.listeners:
            self.listeners.append(listener)
        return listener

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        return [listener(*args, **kwargs) for listener in self.listeners]

    def __repr__(self) -> str:
        return f"<Listeners {self.name}>"


def all_hooks() -> list[Hook | Listeners]:
    """Every hook declared so far (tests check that each required one has a provider)."""
    return list(_HOOKS)
