"""Emails are queued by the change that causes them and sent by the worker: tests that read
``mail.outbox`` first run the worker's send, as a worker turn would."""

from django.core import mail

from cadence.mail.services import deliveries_send_queued


def send_queued() -> list:
    """Send every queued email now (one worker turn's sending); returns ``mail.outbox``."""
    deliveries_send_queued()
    return mail.outbox
