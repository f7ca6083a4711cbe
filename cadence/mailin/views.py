"""The inbound webhooks: django-anymail's views for the providers Cadence documents, each on
only when its secret is configured (anymail checks the provider's signature or the basic-auth
secret; its ``inbound`` signal hands the message to ``services.inbound_received``)."""

from __future__ import annotations

from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

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
