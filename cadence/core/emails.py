"""Every email Cadence sends goes through here (as in Healthchecks' ``hc/lib/emails.py``).

An email is a trio of templates under ``cadence/templates/emails/<name>/``: ``subject.txt``,
``body.txt`` (the plain-text part) and ``body.html`` (the HTML alternative). The transport is
Django's, configured from the environment in settings (``EMAIL_BACKEND``, ``EMAIL_HOST``,
``EMAIL_FILE_PATH``, …); the default backend prints mail to the console.

No request sends mail: the worker sends reminders and digests when they are due, and the emails
a change causes (mentions, approvals) are rendered here by the service that made the change and
queued as a ``cadence.mail`` delivery for the worker's next turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """A link for an email: SITE_URL followed by a path from ``reverse``."""
    return settings.SITE_URL + path


@dataclass(frozen=True)
class Rendered:
    """One email's text, rendered from its templates: what a queued delivery stores."""

    subject: str
    body: str  # the plain-text part
    html: str  # the HTML alternative


def render(name: str, context: dict[str, Any]) -> Rendered:
    """Render the ``name`` trio (subject on one line, plain text, HTML)."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}/subject.txt", context)
    # A subject is one line, whatever the template's line breaks.
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{name}/body.txt", context)
    html = render_to_string(f"emails/{name}/body.html", context)
    return Rendered(subject=subject, body=text, html=html)


def message(
    rendered: Rendered, *, to: str, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """One message with a plain-text and an HTML part."""
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def make_message(
    name: str, *, to: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """Render the ``name`` trio into one message with a plain-text and an HTML part."""
    return message(render(name, context), to=to, headers=headers)


def send(
    name: str, *, to: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    """Render and send one email now; the backend's errors propagate to the caller."""
    make_message(name, to=to, context=context, headers=headers).send(fail_silently=False)


def reminder(*, to: str, context: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    """The weekly-update reminder, before a team's deadline."""
    send("reminder", to=to, context=context, headers=headers)


def digest(*, to: str, context: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    """A team's weekly report, after its deadline."""
    send("digest", to=to, context=context, headers=headers)
