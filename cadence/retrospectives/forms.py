"""Retrospectives: forms of the retrospective, department and company review pages and of the
learnings archive's search."""

from django import forms

from cadence.core.limits import MAX_SHORT_TEXT
from cadence.retrospectives.models import Learning
from cadence.reviews import questions as review_questions
from cadence.reviews.models import Review


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
                max_length=MAX_SHORT_TEXT,
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

    def values(self) -> dict:
        """The keyword arguments of ``services.retrospective_save`` (the actor's, cycle's and
        unit's aside)."""
        data = self.cleaned_data
        return {
            "answers": self.answers(),
            "overview": data["overview"],
            "satisfaction": data["satisfaction"],
            "worked": data["worked"],
            "failed": data["failed"],
            "learnings": self.learnings(),
            "explanations": self.explanations(),
        }

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

    def values(self) -> dict:
        """The keyword arguments of ``services.department_review_save``."""
        return {
            "answers": self.answers(),
            "notes": self.cleaned_data["notes"],
            "takeaways": self.takeaway_list(),
        }

    @classmethod
    def initial_from(cls, summary) -> dict:
        initial = {}
        if summary.review is not None:
            initial = cls.initial_answers(summary.review.answers)
            initial["notes"] = summary.review.notes
        initial["takeaways"] = "\n".join(t.text for t in summary.takeaways)
        return initial


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

    def values(self) -> dict:
        """The keyword arguments of ``services.company_review_save``."""
        return {
            "answers": self.answers(),
            "notes": self.cleaned_data["notes"],
            "summary": self.cleaned_data["summary"],
            "ideas": self.idea_list(),
        }

    @classmethod
    def initial_from(cls, company_review) -> dict:
        initial = {}
        review = company_review.review
        if review is not None:
            initial = cls.initial_answers(review.answers)
            initial.update(notes=review.notes, summary=review.overview)
        initial["ideas"] = "\n".join(i.text for i in company_review.ideas)
        return initial


class LearningSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    unit = forms.CharField(label="Team or unit", required=False)
    # Not ``cycle``: that is the cycle chosen in the header, which every page keeps.
    learned_in = forms.CharField(label="Cycle", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *Learning.Kind.choices]
    )
