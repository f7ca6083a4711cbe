from django import forms

from cadence.core.limits import MAX_WEBHOOK_URL
from cadence.integrations.events import EVENTS


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
