"""The inbound webhooks: django-anymail's views for the providers Cadence documents, each on
only when its secret is configured (anymail checks the provider's signature or the basic-auth
secret; its ``inbound`` signal hands the message to ``services.inbound_received``)."""

from __future__ import annotations

from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from cadence.core.errors import Conflict
from cadence.mailin import selectors, services

_mailgun = MailgunInboundWebhookView.as_view()
_postmark = PostmarkInboundWebhookView.as_view()


def _anymail(name: str) -> str:
    return (getattr(settings, "ANYMAIL", {}) or {}).get(name) or ""


@csrf_exempt
def mailgun_inbound(request: HttpRequest) -> HttpResponse:
    """Mailgun's route ``forward("https://…/integrations/mail-in/mailgun-mime/")`` (the whole
    message, as "mime" in the address asks of Mailgun): signed with
    the webhook signing key."""
    if not _anymail("MAILGUN_WEBHOOK_SIGNING_KEY"):
        raise Http404("The Mailgun inbound webhook is not configured.")
    return _mailgun(request)


@csrf_exempt
def postmark_inbound(request: HttpRequest) -> HttpResponse:
    """Postmark's inbound webhook, posting to ``https://user:password@…/integrations/mail-in/
    postmark/`` (ANYMAIL_WEBHOOK_SECRET is that user:password)."""
    if not _anymail("WEBHOOK_SECRET"):
        raise Http404("The Postmark inbound webhook is not configured.")
    return _postmark(request)


@login_required
def reply_settings(request: HttpRequest) -> HttpResponse:
    """Settings → Integrations → Replies by email (admins): how replies come in, the last one
    taken, and a test email whose answer goes to the admin's own reply address."""
    person = request.user
    if not person.is_admin:
        raise PermissionDenied("Only admins manage the organization's integrations.")
    if request.method == "POST":
        try:
            address = services.reply_test_send(actor=person)
        except Conflict as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"A test email is queued for {person.email}: the worker sends it within a "
                f"minute. Answer it; your answer goes to {address}.",
            )
        return redirect("mailin_settings")
    context = {"status": selectors.reply_status(person.organization), "nav": "settings"}
    return render(request, "mailin/settings.html", context)
