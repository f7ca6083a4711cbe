from django import forms

from cadence.core.limits import MAX_CHANNEL_LABEL, MAX_WEBHOOK_URL
from cadence.integrations.channel_payloads import MESSAGES
from cadence.integrations.events import EVENTS
from cadence.integrations.models import ChannelConnection


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="Address",
        max_length=MAX_WEBHOOK_URL,
        help_text="Where each event is sent as a signed JSON POST, such as "
        "https://example.com/hooks/cadence.",
        widget=forms.URLInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )


class ActiveForm(forms.Form):
    active = forms.BooleanField(required=False)


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(
        label="Where",
        choices=ChannelConnection.Kind.choices,
        widget=forms.RadioSelect,
        initial=ChannelConnection.Kind.SLACK,
    )
    label = forms.CharField(
        label="Channel name (optional)",
        required=False,
        max_length=MAX_CHANNEL_LABEL,
        help_text="How you recognise it here, such as #platform-team.",
    )
    url = forms.CharField(
        label="Incoming webhook address",
        max_length=MAX_WEBHOOK_URL,
        help_text="Slack: https://hooks.slack.com/services/…; Teams: the address of the "
        "Workflows webhook (“Post to a channel when a webhook request is received”).",
        widget=forms.URLInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )
    messages = forms.MultipleChoiceField(
        label="Post",
        choices=list(MESSAGES.items()),
        initial=list(MESSAGES),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one message to post."},
    )
