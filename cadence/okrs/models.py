"""Cycles, objectives, key results and their append-only check-ins."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cadence.core.limits import MAX_EXTERNAL_ID, MAX_SHORT_TEXT, MAX_TEXT, MAX_WEIGHT, MIN_WEIGHT
from cadence.core.models import BaseModel
from cadence.core.validators import validate_date_in_range, validate_finite
from cadence.okrs import progress as arithmetic
from cadence.orgs.models import Organization, Person, Unit

REVIEW_WINDOW = timedelta(days=14)
PLANNING_WINDOW = timedelta(days=28)


class Cycle(BaseModel):
    class Kind(models.TextChoices):
        QUARTER = "quarter", "Quarter"
        HALF_YEAR = "half_year", "Half-year"
        YEAR = "year", "Year"
        CUSTOM = "custom", "Custom"

    class Phase(models.TextChoices):
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active"
        REVIEW = "review", "Review"
        CLOSED = "closed", "Closed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(max_length=100, validators=[MinLengthValidator(1)])
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.QUARTER)
    start = models.DateField(validators=[validate_date_in_range])
    end = models.DateField(validators=[validate_date_in_range])
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="cycle_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["organization", "start", "end"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The cycle must end after it starts."})

    def phase_on(self, day: date) -> str:
        """planning before the start; active; review in the last two weeks and after the end;
        closed once the cycle has been closed."""
        if self.closed_at:
            return self.Phase.CLOSED
        if day < self.start:
            return self.Phase.PLANNING
        if self.end - day < REVIEW_WINDOW:  # (no date arithmetic near the calendar's ends)
            return self.Phase.REVIEW
        return self.Phase.ACTIVE

    def expected_on(self, day: date) -> float:
        return arithmetic.expected_progress(day, self.start, self.end)

    def contains(self, other: "Cycle") -> bool:
        return self.start <= other.start and other.end <= self.end


class Objective(BaseModel):
    class Commitment(models.TextChoices):
        COMMITTED = "committed", "Committed"
        ASPIRATIONAL = "aspirational", "Aspirational"

    class Visibility(models.TextChoices):
        ORGANIZATION = "organization", "Everyone in the organization"
        UNIT = "unit", "Its team, the leads above it and admins"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        CLOSED = "closed", "Closed"
        ABANDONED = "abandoned", "Abandoned"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="objectives"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="objectives")
    # A unit's objective, or one person's own (a personal development objective: ``unit`` is
    # empty and ``owner_person`` names whose it is; okrs.visibility keeps it off every shared
    # page, list and score).
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="objectives"
    )
    owner_person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_objectives",
    )
    # A personal objective aligned to a team objective counts in that objective's roll-up only
    # when its owner chooses so (team objectives always count).
    counts_in_parent = models.BooleanField(default=False, db_default=False)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_objectives"
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200, validators=[MinLengthValidator(3)])
    why = models.TextField(max_length=MAX_TEXT, blank=True)
    commitment = models.CharField(
        max_length=12, choices=Commitment.choices, default=Commitment.COMMITTED
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    # Who may see it (okrs.visibility): the whole organization (the default), or only its unit's
    # members, the leads above it and admins; its key results, check-ins, comments and linked
    # weekly items go with it.
    visibility = models.CharField(
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.ORGANIZATION,
        db_default=Visibility.ORGANIZATION,
    )
    abandon_reason = models.TextField(max_length=MAX_TEXT, blank=True)
    # Why a team objective aligns to nothing above it (docs/method.md §7: alignment health).
    standalone_reason = models.TextField(max_length=MAX_SHORT_TEXT, blank=True)
    position = models.PositiveIntegerField(default=0)
    # End-of-cycle score (docs/method.md §3): computed from progress when the cycle closes;
    # ``score`` differs from ``computed_score`` only after a manual adjustment (with its reason
    # kept in scoring.ScoreChange). Both null until scored.
    computed_score = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    # Carried forward from an objective of an earlier cycle (a new objective, linked, not a copy).
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    # Rolled-up progress (docs/method.md §2): the weighted mean of its key results and of its live
    # aligned children, 0–1, null while nothing is measured. Denormalized so that a page reads it
    # instead of loading a whole tree; kept correct by okrs.services in the same transaction as
    # every write that can change it (this objective's and every ancestor's).
    progress = models.FloatField(null=True, blank=True, editable=False)
    # The id another system (a spreadsheet, a previous tool) knows it by: a re-import matches on
    # it. Unique within the organization when set.
    external_id = models.CharField(max_length=MAX_EXTERNAL_ID, blank=True, default="")

    class Meta:
        # The id last: rows made at the same moment (an import, the demo) keep one order.
        ordering = ["position", "created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "cycle", "unit"]),
            models.Index(fields=["parent"]),
            # The approvals badge in every page's navigation counts proposed objectives.
            models.Index(fields=["organization", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="okrs_objective_external_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, owner_person__isnull=True)
                | models.Q(unit__isnull=True, owner_person__isnull=False),
                name="okrs_objective_unit_or_person",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_personal(self) -> bool:
        return self.owner_person_id is not None

    @property
    def counts_in_roll_up(self) -> bool:
        """Whether it counts in its parent's progress (when live)."""
        return self.owner_person_id is None or self.counts_in_parent

    @property
    def is_aspirational(self) -> bool:
        return self.commitment == self.Commitment.ASPIRATIONAL

    @property
    def is_abandoned(self) -> bool:
        return self.state == self.State.ABANDONED


class KeyResult(BaseModel):
    class Kind(models.TextChoices):
        METRIC = arithmetic.METRIC, "Metric"
        THRESHOLD = arithmetic.THRESHOLD, "Threshold"
        MILESTONE = arithmetic.MILESTONE, "Milestone"

    class Direction(models.TextChoices):
        AT_LEAST = arithmetic.AT_LEAST, "At least"
        AT_MOST = arithmetic.AT_MOST, "At most"

    class Confidence(models.TextChoices):
        ON_TRACK = arithmetic.ON_TRACK, "On track"
        AT_RISK = arithmetic.AT_RISK, "At risk"
        OFF_TRACK = arithmetic.OFF_TRACK, "Off track"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="key_results"
    )
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_key_results"
    )
    title = models.CharField(max_length=200, validators=[MinLengthValidator(3)])
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.METRIC)
    start = models.FloatField(null=True, blank=True, validators=[validate_finite])
    target = models.FloatField(null=True, blank=True, validators=[validate_finite])
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, blank=True, default="")
    weight = models.FloatField(
        default=1.0,
        validators=[
            validate_finite,
            MinValueValidator(MIN_WEIGHT),
            MaxValueValidator(MAX_WEIGHT),
        ],
    )
    commitment = models.CharField(
        max_length=12, choices=Objective.Commitment.choices, blank=True, default=""
    )
    position = models.PositiveIntegerField(default=0)
    # Kept by services under a row lock, together with the append-only check-ins below.
    current = models.FloatField(null=True, blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    # True when no start value was given and the first check-in's value became the start.
    start_from_first_check_in = models.BooleanField(default=False)
    # End-of-cycle score, as on Objective.
    computed_score = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    external_id = models.CharField(max_length=MAX_EXTERNAL_ID, blank=True, default="")

    class Meta:
        # The id last: rows made at the same moment (an import, the demo) keep one order.
        ordering = ["position", "created_at", "id"]
        indexes = [models.Index(fields=["organization", "objective"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="okrs_keyresult_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def value_now(self) -> float | None:
        """The latest check-in's value, else the start value (docs/method.md §2)."""
        return self.current if self.current is not None else self.start

    @property
    def progress(self) -> float | None:
        return arithmetic.kr_progress(
            self.kind,
            start=self.start,
            target=self.target,
            current=self.value_now,
            direction=self.direction or None,
        )


class CheckIn(BaseModel):
    """One key-result check-in. Append-only: never updated, never deleted on its own."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_ins"
    )
    value = models.FloatField(validators=[validate_finite])
    confidence = models.CharField(max_length=10, choices=KeyResult.Confidence.choices)
    note = models.TextField(max_length=MAX_TEXT, blank=True)
    # Written by a data source (integrations), not a person: what the source is, as shown in the
    # history ("from <source>"); its author is then empty. Blank for a person's check-in.
    # (db_default: rows streamed in by raw inserts — imports, the bench — leave it out.)
    source = models.CharField(max_length=200, blank=True, default="", db_default="")
    # When the value was true. Services set it to now; the demo and imports may backdate it.
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "created_at"]
        indexes = [models.Index(fields=["key_result", "at"])]


class TargetChange(BaseModel):
    """A key result's target (or start) changed at a review or while committed, with the reason.
    Append-only.

    It lives with the key result it records (okrs writes it when a committed key result's target
    moves); ``review`` names the review it was made at, if any, by a lazy reference (no import of
    the higher reviews app). The table keeps its first name, ``reviews_targetchange``.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, related_name="target_changes"
    )
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="target_changes",
    )
    old_start = models.FloatField(null=True, blank=True)
    old_target = models.FloatField(null=True, blank=True)
    new_start = models.FloatField(null=True, blank=True)
    new_target = models.FloatField(null=True, blank=True)
    reason = models.TextField(max_length=MAX_TEXT)
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "reviews_targetchange"
        ordering = ["created_at"]
