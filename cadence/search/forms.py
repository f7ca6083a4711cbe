from django import forms

from cadence.search import kinds
from cadence.search.query import MAX_QUERY


class SearchForm(forms.Form):
    """The search page's words and kind (the cycle and unit are ids, looked up by their
    organization-scoped selectors in the view). Longer text is cut, not refused."""

    q = forms.CharField(label="Search", required=False, strip=True)
    kind = forms.ChoiceField(label="Kind", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", "Everything"),
            *((k.key, k.label + "s") for k in kinds.registered()),
        ]

    def clean_q(self) -> str:
        return self.cleaned_data["q"].replace("\x00", "")[:MAX_QUERY]
