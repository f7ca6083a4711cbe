"""Forms of the KPI pages: the shape of input; the services decide the rest."""

from django import forms

from cadence.core.limits import MAX_MEASURE_UNIT, MAX_NAME
from cadence.core.validators import validate_date_in_range
from cadence.kpis.models import Kpi
from cadence.okrs.forms import NumberField


class KpiForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=MAX_NAME, help_text="For example “Uptime” or “Support backlog”."
    )
    unit_of_measure = forms.CharField(
        label="Unit of measure",
        required=False,
        max_length=MAX_MEASURE_UNIT,
        help_text="Optional: %, tickets, days, €…",
    )
    band_min = NumberField(
        label="Healthy at or above", required=False, help_text="Leave empty for no lower bound."
    )
    band_max = NumberField(
        label="Healthy at or below", required=False, help_text="Leave empty for no upper bound."
    )
    frequency = forms.ChoiceField(
        label="Measured", choices=Kpi.Frequency.choices, initial=Kpi.Frequency.WEEKLY
    )
    owner = forms.ModelChoiceField(
        label="Keeps the values", queryset=None, required=False, empty_label="Nobody in particular"
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("band_min") is None and data.get("band_max") is None:
            self.add_error(
                "band_min", "Give the healthy band a lower bound, an upper bound or both."
            )
        return data


class KpiValueForm(forms.Form):
    value = NumberField(label="Value")
    at = forms.DateField(
        label="Measured on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_date_in_range],
        help_text="Today when left empty.",
    )
