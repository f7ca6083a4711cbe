from django import forms

from cadence.core.limits import MAX_CHANNEL_LABEL, MAX_WEBHOOK_URL
from cadence.integrations import values
from cadence.integrations.channel_payloads import MESSAGES
from cadence.integrations.events import EVENTS
from cadence.integrations.models import ChannelConnection, DataSource


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


class DataSourceForm(forms.Form):
    """A key result's or a KPI's data source. The header secrets are write-only: left blank, the
    saved ones are kept; "remove" forgets them."""

    kind = forms.ChoiceField(label="Kind", choices=DataSource.Kind.choices)
    url = forms.CharField(
        label="Address",
        required=False,
        max_length=MAX_WEBHOOK_URL,
        help_text="For JSON and CSV: where the data is, such as a published Google Sheet's CSV "
        "link.",
        widget=forms.URLInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )
    path = forms.CharField(
        label="JSON path",
        required=False,
        max_length=values.MAX_PATH,
        help_text="Where the number is in the JSON, such as data.items[0].value (empty: the "
        "whole answer is the number).",
    )
    cell = forms.CharField(
        label="Cell or column",
        required=False,
        max_length=values.MAX_PATH,
        help_text="For CSV: a cell such as B7, or a column's header such as Revenue (its last "
        "value).",
    )
    connection = forms.ChoiceField(label="Connection", required=False, choices=[])
    query = forms.CharField(
        label="SQL query",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="Returns one row of one number; it runs read-only.",
    )
    headers = forms.CharField(
        label="Request headers",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}),
        help_text="One per line, such as Authorization: Bearer abc. Never shown again: leave "
        "blank to keep the saved ones.",
    )
    clear_headers = forms.BooleanField(label="Remove the saved headers", required=False)
    active = forms.BooleanField(label="Sync it daily", required=False, initial=True)

    def __init__(self, *args, connections: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        names = connections or []
        self.fields["connection"].choices = [("", "—")] + [(n, n) for n in names]

    def clean_headers(self) -> dict[str, str] | None:
        text = self.cleaned_data.get("headers") or ""
        out: dict[str, str] = {}
        for line in text.splitlines():
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon or not name.strip():
                raise forms.ValidationError("Write each header as Name: value.")
            out[name.strip()] = value.strip()
        return out or None

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        headers = data.pop("headers", None)
        if data.pop("clear_headers", False):
            headers = {}
        return {**data, "headers": headers}


class SyncHourForm(forms.Form):
    sync_hour = forms.TypedChoiceField(
        label="Sync data sources daily at",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
    )
