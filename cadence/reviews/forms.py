"""Reviews: forms. Four sections, each owned by one person while this app is being built."""

from django import forms

from cadence.okrs.forms import NumberField
from cadence.orgs.models import Organization
from cadence.reviews import questions as review_questions
from cadence.reviews.models import Learning, Review
from cadence.reviews.questions import MAX_ANSWER, MAX_NOTES

# --- Scoring, closing, results and charts -----------------------------------------------------


class ScoreAdjustForm(forms.Form):
    """A hand-adjusted score: 0.0 to 1.0 (one decimal; more is rounded half up by the service)
    and the reason, which the history keeps."""

    score = forms.CharField(
        label="New score",
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.7"}),
        help_text="0.0 to 1.0, one decimal.",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        error_messages={"required": "Say why the score differs from the computed one."},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CycleCloseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand: scores are fixed and the cycle's OKRs become read-only.",
        error_messages={"required": "Tick the box to confirm you want to close the cycle."},
    )


class GradingSchemeForm(forms.Form):
    scheme = forms.ChoiceField(
        label="Show scores as",
        choices=Organization.GradingScheme.choices,
        widget=forms.RadioSelect,
    )


# --- Phases, what is due, monthly and mid-cycle reviews, target changes ------------------------


class PeriodicReviewForm(forms.Form):
    """A monthly or mid-cycle review: one text answer per question of its kind, and notes.
    Field names are the question ids (``answers`` in the service)."""

    notes = forms.CharField(
        label="Notes",
        max_length=MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Decisions, owners and follow-ups from the meeting.",
    )

    def __init__(self, *args, question_list, **kwargs):
        super().__init__(*args, **kwargs)
        notes = self.fields.pop("notes")
        for question_id, text in question_list:
            self.fields[question_id] = forms.CharField(
                label=text,
                max_length=MAX_ANSWER,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[question_id].show_optional = False
        self.fields["notes"] = notes
        self.question_ids = [q for q, _ in question_list]

    def answers(self) -> dict:
        return {q: self.cleaned_data.get(q, "") for q in self.question_ids}


class TargetChangeForm(forms.Form):
    key_result = forms.UUIDField(widget=forms.HiddenInput)
    target = NumberField(label="New target")
    start = NumberField(label="New start", required=False, help_text="Leave empty to keep it.")
    reason = forms.CharField(
        label="Reason", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AbandonForm(forms.Form):
    objective = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why abandon it?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Retrospectives, department and company reviews, exports, learnings -----------------------


def _retro_textarea(label: str, *, rows: int = 3, help_text: str = "", limit: int = 4000):
    field = forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"Keep this to {limit:,} characters or fewer."},
    )
    field.show_optional = False  # every answer is optional in a draft: no "(optional)" noise
    return field


def _retro_lines(text: str) -> list[str]:
    return [line.strip(" \t-•*") for line in (text or "").splitlines() if line.strip(" \t-•*")]


class _AnswersForm(forms.Form):
    """Adds one optional textarea per question (``q_<id>``); ``answers()`` collects them."""

    QUESTIONS: tuple[tuple[str, str], ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for qid, text in self.QUESTIONS:
            self.fields[f"q_{qid}"] = _retro_textarea(text)
        # The questions first, then the form's own fields.
        self.order_fields([f"q_{qid}" for qid, _ in self.QUESTIONS])

    def answers(self) -> dict[str, str]:
        return {qid: self.cleaned_data.get(f"q_{qid}", "") for qid, _ in self.QUESTIONS}

    @staticmethod
    def initial_answers(answers: dict) -> dict[str, str]:
        return {f"q_{k}": v for k, v in (answers or {}).items()}

    def question_fields(self, ids) -> list:
        return [self[f"q_{qid}"] for qid in ids]


class RetrospectiveForm(_AnswersForm):
    QUESTIONS = tuple((q, t) for _, _, qs in review_questions.RETROSPECTIVE for q, t in qs)

    overview = _retro_textarea(
        "How did the cycle go?",
        rows=4,
        help_text="Two or three sentences for the company review: the results and why.",
    )
    satisfaction = forms.ChoiceField(
        label="Are we satisfied with this cycle?",
        required=False,
        choices=Review.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    satisfaction.show_optional = False
    worked = _retro_textarea("Main initiatives that worked")
    failed = _retro_textarea("Main initiatives that did not work")

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, review_questions.MAX_LEARNINGS + 1):
            self.fields[f"learning_{i}"] = forms.CharField(
                label=f"Learning {i}",
                required=False,
                max_length=1000,
                error_messages={"max_length": "Keep each learning to 1,000 characters or fewer."},
            )
        self.objectives = list(objectives)
        for o in self.objectives:
            self.fields[f"explain_{o.id}"] = _retro_textarea(
                f"Why did “{o.title}” score {o.final_score:.1f}?"
                if o.final_score is not None
                else f"About “{o.title}”",
                help_text="Required for a committed objective below 1.0."
                if o.needs_explanation
                else "",
            )

    def group_fields(self) -> list[tuple[str, list]]:
        return [
            (title, self.question_fields(q for q, _ in qs))
            for _, title, qs in review_questions.RETROSPECTIVE
        ]

    def learning_fields(self) -> list:
        return [self[f"learning_{i}"] for i in range(1, review_questions.MAX_LEARNINGS + 1)]

    def explanation_fields(self) -> list:
        return [(o, self[f"explain_{o.id}"]) for o in self.objectives]

    def learnings(self) -> list[str]:
        return [
            self.cleaned_data.get(f"learning_{i}", "")
            for i in range(1, review_questions.MAX_LEARNINGS + 1)
        ]

    def explanations(self) -> dict:
        return {o.id: self.cleaned_data.get(f"explain_{o.id}", "") for o in self.objectives}

    @classmethod
    def initial_from(cls, retro) -> dict:
        review = retro.review
        initial = {}
        if review is not None:
            initial.update(cls.initial_answers(review.answers))
            initial.update(
                overview=review.overview,
                satisfaction=review.satisfaction,
                worked=review.worked,
                failed=review.failed,
            )
        for i, learning in enumerate(retro.learnings[: review_questions.MAX_LEARNINGS], 1):
            initial[f"learning_{i}"] = learning.text
        for o in retro.objectives:
            initial[f"explain_{o.id}"] = retro.explanations.get(o.id, "")
        return initial


class DepartmentReviewForm(_AnswersForm):
    QUESTIONS = review_questions.DEPARTMENT

    takeaways = _retro_textarea(
        "Takeaways",
        rows=6,
        help_text=f"Up to {review_questions.MAX_TAKEAWAYS}, one per line.",
        limit=12000,
    )
    notes = _retro_textarea("Notes", rows=5, limit=10000)

    def takeaway_list(self) -> list[str]:
        return _retro_lines(self.cleaned_data.get("takeaways", ""))


class CompanyReviewForm(_AnswersForm):
    QUESTIONS = review_questions.COMPANY

    notes = _retro_textarea("Discussion notes", rows=6, limit=10000)
    summary = _retro_textarea(
        "Closing summary", rows=4, help_text="What the company takes from this cycle."
    )
    ideas = _retro_textarea(
        "Ideas for next cycle’s company objectives",
        rows=5,
        help_text=f"Up to {review_questions.MAX_IDEAS}, one per line.",
        limit=12000,
    )

    def idea_list(self) -> list[str]:
        return _retro_lines(self.cleaned_data.get("ideas", ""))


class LearningSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    unit = forms.CharField(label="Team or unit", required=False)
    cycle = forms.CharField(label="Cycle", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *Learning.Kind.choices]
    )


# --- Next cycle: carry forward ------------------------------------------------------------------
