"""Request and response bodies. Limits mirror the models' so bad input is refused with a 422
before a service runs; the services validate again (they are the authority)."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, field_validator

from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person, Unit


def _clean_text(value: str) -> str:
    # Neither PostgreSQL nor UTF-8 can store these; refuse them as bad input, not as a 500.
    if "\x00" in value:
        raise ValueError("Text cannot contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("Text must be valid Unicode.") from exc
    return value


Title = Annotated[str, Field(max_length=200), AfterValidator(_clean_text)]
LongText = Annotated[str, Field(max_length=2000), AfterValidator(_clean_text)]
CycleName = Annotated[str, Field(max_length=100), AfterValidator(_clean_text)]
StandaloneReason = Annotated[str, Field(max_length=1000), AfterValidator(_clean_text)]
MeasureUnit = Annotated[str, Field(max_length=30), AfterValidator(_clean_text)]
# A JSON number, finite: no strings, no booleans, no NaN or ±Infinity.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]

CycleKind = Literal[tuple(Cycle.Kind.values)]
CyclePhase = Literal[tuple(Cycle.Phase.values)]
UnitKind = Literal[tuple(Unit.Kind.values)]
Role = Literal[tuple(Person.Role.values)]
Commitment = Literal[tuple(Objective.Commitment.values)]
ObjectiveState = Literal[tuple(Objective.State.values)]
NewObjectiveState = Literal["draft", "proposed", "approved"]
KeyResultKind = Literal[tuple(KeyResult.Kind.values)]
Direction = Literal[tuple(KeyResult.Direction.values)]
Confidence = Literal[tuple(KeyResult.Confidence.values)]
Pace = Literal["on_track", "at_risk", "off_track"]
# Keys of the grading bands: bands and percent schemes, then the traffic light's.
ScoreBand = Literal["none", "partial", "successful", "outstanding", "red", "amber", "green"]


def score_band_key(score: float | None, context) -> str | None:
    """The band of a score under the caller's organization's grading scheme."""
    from cadence.reviews.scoring import band  # reviews builds on okrs; imported when used

    person = getattr((context or {}).get("request"), "auth", None)
    scheme = person.organization.grading_scheme if person is not None else "bands"
    b = band(score, scheme)
    return b.key if b else None


class Input(Schema):
    """Request bodies refuse unknown fields, so a misspelt field is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid")


def _not_null(value):
    if value is None:
        raise ValueError("This field cannot be null.")
    return value


# Errors -----------------------------------------------------------------------------------


class ErrorOut(Schema):
    message: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages per request field ('__all__': not one field)."
    )


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# People and units -------------------------------------------------------------------------


class OrganizationOut(Schema):
    id: UUID
    name: str


class MeOut(Schema):
    id: UUID
    name: str
    email: str
    role: Role
    organization: OrganizationOut


class UnitOut(Schema):
    id: UUID
    name: str
    kind: UnitKind
    parent_id: UUID | None


# Cycles -----------------------------------------------------------------------------------


class CycleIn(Input):
    name: CycleName
    kind: CycleKind = "quarter"
    start: date
    end: date


class CycleOut(Schema):
    id: UUID
    name: str
    kind: CycleKind
    start: date
    end: date
    phase: CyclePhase
    expected: float = Field(description="Expected progress today (0..1), linear over the cycle.")

    @staticmethod
    def resolve_phase(obj: Cycle) -> str:
        return obj.phase_on(timezone.localdate())

    @staticmethod
    def resolve_expected(obj: Cycle) -> float:
        return obj.expected_on(timezone.localdate())


# Key results ------------------------------------------------------------------------------


class KeyResultIn(Input):
    title: Title
    kind: KeyResultKind
    start: Number | None = None
    target: Number | None = Field(
        None, description="Metric: the value to reach. Threshold: the bound to hold."
    )
    unit: MeasureUnit = ""
    direction: Direction | None = Field(None, description="Thresholds only (default at_least).")
    weight: Number | None = Field(None, description="Relative weight in the objective (default 1).")
    owner_id: UUID | None = None
    commitment: Commitment | None = Field(None, description="Default: the objective's.")


class KeyResultPatch(Input):
    title: Title | None = None
    kind: KeyResultKind | None = None
    start: Number | None = None
    target: Number | None = None
    unit: MeasureUnit | None = None
    direction: Direction | None = None
    weight: Number | None = None
    owner_id: UUID | None = None
    commitment: Commitment | None = None

    @field_validator("title", "kind")
    @classmethod
    def refuse_null(cls, value):
        return _not_null(value)


class KeyResultOut(Schema):
    id: UUID
    objective_id: UUID
    title: str
    kind: KeyResultKind
    start: float | None
    target: float | None
    current: float | None = Field(description="The latest check-in's value.")
    unit: str
    direction: Direction | None
    weight: float
    commitment: Commitment | None
    owner_id: UUID | None
    progress: float | None = Field(description="0..1, or null when nothing is measured yet.")
    expected: float
    pace: Pace | None
    confidence: Confidence | None
    last_check_in_at: datetime | None
    score: float | None = Field(
        None, description="End-of-cycle score 0.0–1.0 (one decimal); null until scored."
    )
    band: ScoreBand | None = Field(
        None, description="The score's band under the organization's grading scheme."
    )

    @staticmethod
    def resolve_band(obj: KeyResult, context) -> str | None:
        return score_band_key(obj.score, context)

    @staticmethod
    def resolve_direction(obj: KeyResult) -> str | None:
        return obj.direction or None

    @staticmethod
    def resolve_commitment(obj: KeyResult) -> str | None:
        return obj.commitment or None

    @staticmethod
    def resolve_confidence(obj: KeyResult) -> str | None:
        return obj.confidence or None


class ObjectiveSummary(Schema):
    id: UUID
    title: str
    state: ObjectiveState
    progress: float | None
    expected: float
    pace: Pace | None


class KeyResultDetailOut(KeyResultOut):
    objective: ObjectiveSummary = Field(
        description="The objective it belongs to, with its rolled-up progress."
    )


class CheckInIn(Input):
    value: Number = Field(description="The measured value; a milestone takes 1 (done) or 0.")
    confidence: Confidence
    note: LongText = ""


class CheckInOut(Schema):
    id: UUID
    key_result_id: UUID
    value: float
    confidence: Confidence
    note: str
    at: datetime
    author_id: UUID | None
    author_name: str | None

    @staticmethod
    def resolve_author_name(obj) -> str | None:
        return obj.author.name if obj.author_id else None


# Objectives -------------------------------------------------------------------------------


class ObjectiveIn(Input):
    title: Title
    cycle_id: UUID
    unit_id: UUID
    parent_id: UUID | None = Field(None, description="The objective this one is aligned to.")
    commitment: Commitment = "committed"
    why: LongText = ""
    owner_id: UUID | None = None
    state: NewObjectiveState = "draft"
    standalone_reason: StandaloneReason = Field(
        "", description="Why a team objective aligns to nothing (alignment health)."
    )


class ObjectivePatch(Input):
    title: Title | None = None
    why: LongText | None = None
    commitment: Commitment | None = None
    parent_id: UUID | None = Field(None, description="null: no longer aligned.")
    owner_id: UUID | None = None
    unit_id: UUID | None = None
    standalone_reason: StandaloneReason | None = None
    state: ObjectiveState | None = None
    reason: LongText | None = Field(None, description="Required with state 'abandoned'.")

    @field_validator("title", "commitment", "unit_id", "state")
    @classmethod
    def refuse_null(cls, value):
        return _not_null(value)


class ObjectiveOut(Schema):
    id: UUID
    title: str
    cycle_id: UUID
    unit_id: UUID
    parent_id: UUID | None
    owner_id: UUID | None
    commitment: Commitment
    state: ObjectiveState
    why: str
    standalone_reason: str = Field(description="Why it aligns to nothing ('' if not said).")
    reason: str = Field(description="Why it was abandoned ('' unless abandoned).")
    progress: float | None = Field(
        description="Rolled up from its key results and aligned objectives: 0..1, or null."
    )
    expected: float
    pace: Pace | None
    key_results: list[KeyResultOut]
    children: list[UUID] = Field(description="Ids of the objectives aligned to this one.")
    score: float | None = Field(
        None, description="End-of-cycle score 0.0–1.0 (one decimal); null until scored."
    )
    band: ScoreBand | None = Field(
        None, description="The score's band under the organization's grading scheme."
    )
    carried_from_id: UUID | None = Field(
        None, description="The objective of an earlier cycle this one was carried forward from."
    )

    @staticmethod
    def resolve_band(obj: Objective, context) -> str | None:
        return score_band_key(obj.score, context)

    @staticmethod
    def resolve_reason(obj: Objective) -> str:
        return obj.abandon_reason

    @staticmethod
    def resolve_key_results(obj: Objective) -> list[KeyResult]:
        return obj.krs

    @staticmethod
    def resolve_children(obj: Objective) -> list[UUID]:
        return obj.child_ids
