"""Request and response bodies. Limits mirror the models' (and core.limits) so bad input is
refused with a 422 before a service runs, and the OpenAPI document says what is accepted: text
that must not be blank has a pattern that says so, numbers and dates have their bounds. The
services validate again (they are the authority)."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, WithJsonSchema

from cadence.core.limits import (
    DATE_PATTERN,
    DATE_RANGE_TEXT,
    MAX_ABS_VALUE,
    MAX_EMAIL,
    MAX_INT,
    MAX_NAME,
    MAX_SCORE,
    MAX_WEBHOOK_URL,
    MAX_WEIGHT,
    MIN_SCORE,
    MIN_WEIGHT,
    MONTH_PATTERN,
    WEEK_PATTERN,
)
from cadence.core.validators import parse_date
from cadence.integrations import selectors as data_source_selectors
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person, Unit

NUL_MESSAGE = "Text cannot contain NUL characters."


def _clean_text(value: str) -> str:
    # Neither PostgreSQL nor UTF-8 can store these; refuse them as bad input, not as a 500.
    if "\x00" in value:
        raise ValueError("Text cannot contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("Text must be valid Unicode.") from exc
    return value


def _refuse_nul(value: object) -> object:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    return value


# Patterns (searched, as JSON Schema does) and what to tell a person whose text does not match.
NO_NUL = r"^[^\x00]*$"
PATTERN_MESSAGES: dict[str, str] = {
    NO_NUL: NUL_MESSAGE,
    DATE_PATTERN: f"Enter a date as YYYY-MM-DD, {DATE_RANGE_TEXT}.",
    WEEK_PATTERN: "Enter an ISO week such as 2026-W47 (years 2000 to 2200).",
    MONTH_PATTERN: "Enter a month as YYYY-MM (years 2000 to 2200).",
}


# Spaces, spelled out: what Python's str.strip() removes and what JavaScript's \s matches, so
# that the server, which strips with Python, and a client reading the pattern agree.
SPACE = r"\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def _text_pattern(min_chars: int) -> str:
    """No NUL anywhere and, once the spaces around it are stripped (as the services do), at least
    ``min_chars`` characters."""
    if min_chars <= 0:
        return NO_NUL
    solid = rf"[^\x00{SPACE}]"
    if min_chars == 1:
        pattern = rf"^[^\x00]*{solid}[^\x00]*$"
        message = "This field cannot be blank."
    else:
        pattern = rf"^[^\x00]*{solid}[^\x00]{{{min_chars - 2},}}{solid}[^\x00]*$"
        message = f"Write at least {min_chars} characters."
    PATTERN_MESSAGES[pattern] = message
    return pattern


def text(max_length: int | None = None, *, min_chars: int = 0, description: str | None = None):
    """A text field: at most ``max_length`` characters, at least ``min_chars`` once stripped,
    never NUL or unpaired surrogates."""
    return Annotated[
        str,
        Field(
            min_length=min_chars or None,
            max_length=max_length,
            pattern=_text_pattern(min_chars),
            description=description,
        ),
        # Before the pattern: a NUL is said as such, not as "blank" or "too short".
        BeforeValidator(_refuse_nul),
        AfterValidator(_clean_text),
    ]


def _to_date(value: object) -> date:
    if not isinstance(value, str):
        raise ValueError(f"Enter a date as YYYY-MM-DD, {DATE_RANGE_TEXT}.")
    return parse_date(value)


Title = text(200, min_chars=3)
LongText = text(2000)
CycleName = text(100, min_chars=1)
StandaloneReason = text(1000)
MeasureUnit = text(30)
RequiredReason = text(2000, min_chars=1)
# A day, YYYY-MM-DD, within core.limits (JSON Schema cannot bound a date: the pattern does).
Day = Annotated[
    date,
    BeforeValidator(_to_date),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DATE_PATTERN,
            "description": f"A date, YYYY-MM-DD, {DATE_RANGE_TEXT}.",
        }
    ),
]
WeekText = Annotated[str, Field(pattern=WEEK_PATTERN, description="An ISO week such as 2026-W47.")]
MonthText = Annotated[str, Field(pattern=MONTH_PATTERN, description="A month such as 2026-11.")]
# A JSON number, finite and within ±10^15: no strings, no booleans, no NaN or ±Infinity.
Number = Annotated[
    float, Field(strict=True, allow_inf_nan=False, ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE)
]


def json_integer(value: object) -> object:
    # JSON's integers include 3.0; true, false and "3" are not numbers.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Enter a whole number.")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("Enter a whole number.")
        return int(value)
    return value


# A whole number in a body (a position): JSON integers only, 0-based.
Position = Annotated[int, Field(ge=0, le=MAX_INT), BeforeValidator(json_integer)]
# true or false, not 0/1 or "yes".
Flag = Annotated[bool, Field(strict=True)]
Weight = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=MIN_WEIGHT, le=MAX_WEIGHT)]
ScoreValue = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=MIN_SCORE, le=MAX_SCORE)]


def _omit_default(schema: dict) -> None:
    schema.pop("default", None)


def omittable(description: str | None = None, **kwargs):
    """A field that may be left out but is never null: its default (None, meaning "not sent")
    stays out of the OpenAPI document, and a null sent for it is refused by its type."""
    return Field(None, description=description, json_schema_extra=_omit_default, **kwargs)


CycleKind = Literal[tuple(Cycle.Kind.values)]
CyclePhase = Literal[tuple(Cycle.Phase.values)]
UnitKind = Literal[tuple(Unit.Kind.values)]
Role = Literal[tuple(Person.Role.values)]
Commitment = Literal[tuple(Objective.Commitment.values)]
ObjectiveState = Literal[tuple(Objective.State.values)]
NewObjectiveState = Literal["draft", "proposed", "approved"]
Visibility = Literal[tuple(Objective.Visibility.values)]
VISIBILITY_HELP = (
    "Who may see it: 'organization' (everyone, the default) or 'unit' (its unit's members, the "
    "leads above it and admins; its key results, check-ins, comments and linked weekly items "
    "go with it). For a personal objective, 'unit' means its owner, their leads and admins."
)
PERSONAL_HELP = (
    "A personal development objective is its owner's own: give owner_person_id (yourself) "
    "instead of unit_id. It is live at once, seen by you, your leads and admins unless shared "
    "('organization'; left out, visibility is 'unit' for it), never on a unit's board nor in "
    "any score."
)
KeyResultKind = Literal[tuple(KeyResult.Kind.values)]
Direction = Literal[tuple(KeyResult.Direction.values)]
Confidence = Literal[tuple(KeyResult.Confidence.values)]
Pace = Literal["on_track", "at_risk", "off_track"]
# Keys of the grading bands: bands and percent schemes, then the traffic light's.
ScoreBand = Literal["none", "partial", "successful", "outstanding", "red", "amber", "green"]


def score_band_key(score: float | None, context) -> str | None:
    """The band of a score under the caller's organization's grading scheme."""
    from cadence.scoring.rules import band  # scoring builds on okrs; imported when used

    person = getattr((context or {}).get("request"), "auth", None)
    scheme = person.organization.grading_scheme if person is not None else "bands"
    b = band(score, scheme)
    return b.key if b else None


def score_success(commitment: str, score: float | None) -> bool | None:
    """Whether a score is a success for its commitment (committed: 1.0; aspirational: 0.7)."""
    from cadence.scoring.rules import succeeded  # scoring builds on okrs; imported when used

    return succeeded(commitment, score)


BAND_HELP = (
    "The score's band on the 0.0–1.0 scale under the organization's grading scheme. It does "
    "not say whether the score is a success (a committed 0.7 is in the 'successful' band but "
    "missed its commitment): see success."
)
SUCCESS_HELP = (
    "Whether the score is a success for its commitment: committed at 1.0, aspirational at 0.7 "
    "or more. Null until scored."
)


class Input(Schema):
    """Request bodies refuse unknown fields, so a misspelt field is an error, not a no-op.
    Patterns are read by Python's ``re``, whose idea of a space is the one ``str.strip`` has."""

    model_config = ConfigDict(extra="forbid", regex_engine="python-re")


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
    archived: bool = Field(description="Archived: kept readable, assigned no new work.")
    checkin_weekday: int = Field(description="Weekly updates are due on: 0 Monday … 6 Sunday.")
    checkin_time: str = Field(description="… at this time (HH:MM), in the unit's time zone.")
    time_zone: str

    @staticmethod
    def resolve_archived(unit: Unit) -> bool:
        return unit.archived_at is not None

    @staticmethod
    def resolve_checkin_time(unit: Unit) -> str:
        value = unit.checkin_time  # a time; the model's default "17:00" on an unsaved unit
        return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)[:5]


class PersonOut(Schema):
    id: UUID
    name: str
    email: str
    role: Role
    active: bool = Field(description="False once deactivated: they cannot sign in.")
    unit_ids: list[UUID] = Field(description="The units they belong to (lead or member).")


class PersonPatch(Input):
    role: Role = omittable("The last active admin keeps the admin role (409).")
    active: Flag = omittable("false deactivates (API tokens revoked), true reactivates.")


class InvitationIn(Input):
    email: text(MAX_EMAIL, min_chars=3)
    name: text(MAX_NAME) = ""
    role: Role = "member"
    unit_ids: list[UUID] = Field(
        default_factory=list, max_length=100, description="Teams the invitee joins as a member."
    )


class InvitationOut(Schema):
    id: UUID
    email: str
    name: str
    role: Role
    unit_ids: list[UUID]
    sent_at: datetime
    expires_at: datetime = Field(description="The link stops working then (7 days after sending).")


# Cycles -----------------------------------------------------------------------------------


class CycleIn(Input):
    name: CycleName
    kind: CycleKind = "quarter"
    start: Day
    end: Day = Field(description=f"The last day, after start; {DATE_RANGE_TEXT}.")


class CyclePatch(Input):
    name: CycleName = omittable()
    kind: CycleKind = omittable()
    start: Day = omittable("A closed cycle keeps its dates and kind.")
    end: Day = omittable()


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
    weight: Weight | None = Field(None, description="Relative weight in the objective (default 1).")
    owner_id: UUID | None = None
    commitment: Commitment | None = Field(None, description="Default: the objective's.")


class KeyResultPatch(Input):
    """Every field may be left out; null resets unit, direction, commitment, weight and owner."""

    title: Title = omittable()
    kind: KeyResultKind = omittable()
    start: Number | None = None
    target: Number | None = None
    unit: MeasureUnit | None = None
    direction: Direction | None = None
    weight: Weight | None = None
    owner_id: UUID | None = None
    commitment: Commitment | None = None
    reason: LongText | None = Field(
        None,
        description="Why the start or target changes: required once the objective is approved "
        "(kept in the key result's target history).",
    )


class ForecastOut(Schema):
    value: float = Field(description="The value forecast for the cycle's last day.")
    progress: float = Field(description="The progress that value makes, 0..1.")
    reaches_target: bool = Field(
        description="Whether the value reaches the target (a threshold: whether the bound holds)."
    )


FORECAST_HELP = (
    "Where the key result is heading by the cycle's end, from a robust trend of its weekly "
    "check-ins (recent weeks weigh more; one outlier does not move it). Metric and threshold "
    "key results only; null with check-ins in fewer than 3 weeks spanning 14 days, and for "
    "abandoned objectives. After the cycle's end, the value in force at the end."
)


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
    band: ScoreBand | None = Field(None, description=BAND_HELP)
    success: bool | None = Field(None, description=SUCCESS_HELP)
    forecast: ForecastOut | None = Field(None, description=FORECAST_HELP)

    @staticmethod
    def resolve_band(obj: KeyResult, context) -> str | None:
        return score_band_key(obj.score, context)

    @staticmethod
    def resolve_success(obj: KeyResult) -> bool | None:
        if obj.score is None:
            return None
        # The key result's own commitment, else its objective's (set by the board).
        commitment = getattr(obj, "commitment_in_force", None)
        return score_success(commitment or obj.commitment or obj.objective.commitment, obj.score)

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


class DataSourceIn(Input):
    kind: Literal["http_json", "csv", "sql"] = Field(
        description="`http_json`: a number in a JSON document at `url` (`path`); `csv`: a cell "
        "or column of a CSV file at `url` (`cell`); `sql`: a query on an operator's connection."
    )
    url: text(MAX_WEBHOOK_URL, description="http_json and csv: the document's address.") = ""
    path: text(200, description="http_json: `data.items[0].value`; empty: the whole answer.") = ""
    cell: text(200, description="csv: a cell such as `B7`, or a column's header.") = ""
    connection: text(100, description="sql: a name from the operator's list.") = ""
    query: text(5000, description="sql: one statement returning one row of one number.") = ""
    headers: dict[Annotated[str, Field(max_length=100)], text(2000)] | None = Field(
        None,
        max_length=10,
        description="Request headers sent with the address (an API key). Write-only: never "
        "shown back; omitted or null keeps the saved ones, `{}` removes them.",
    )
    active: Flag = Field(True, description="false: kept but not synced.")


class DataSourceOut(Schema):
    """A key result's or a KPI's data source (README, "Key results from a data source"). Header
    values are never shown: only their names."""

    kind: Literal["http_json", "csv", "sql"]
    label: str = Field(description="What the source is, as its check-ins and values name it.")
    url: str
    path: str = Field(description="http_json: where the number is (`data.items[0].value`).")
    cell: str = Field(description="csv: a cell (`B7`) or a column's header (its last value).")
    connection: str = Field(description="sql: the operator's connection name.")
    query: str
    header_names: list[str] = Field(description="The request headers sent (values hidden).")
    active: bool = Field(description="false: switched off, not synced.")
    pending: Literal["sync", "test"] | None = Field(
        description="What was asked and waits for the worker's next turn."
    )
    last_value: float | None
    last_synced_at: datetime | None
    last_error: str = Field(description="Why the last sync failed; empty after a success.")
    failures_in_a_row: int
    next_run_at: datetime = Field(description="The next scheduled sync (daily, or a retry).")
    test_result: str = Field(description="The last test's outcome (a test records nothing).")
    tested_at: datetime | None
    configured_by_id: UUID | None = Field(
        description="Whom the source acts for: its check-ins need their right to check in, a "
        "KPI's values their right to enter values."
    )

    @staticmethod
    def resolve_header_names(obj) -> list[str]:
        return sorted(obj.headers or {})

    @staticmethod
    def resolve_pending(obj) -> str | None:
        return obj.requested or None


class KeyResultDetailOut(KeyResultOut):
    objective: ObjectiveSummary = Field(
        description="The objective it belongs to, with its rolled-up progress."
    )
    data_source: DataSourceOut | None = Field(
        None, description="Where its value comes from, if it updates itself; null otherwise."
    )

    @staticmethod
    def resolve_data_source(obj):
        return data_source_selectors.data_source_for(obj.organization_id, obj.id)


class CheckInIn(Input):
    value: Number = Field(
        description="The measured value; a milestone takes 1 (done) or 0 (409 otherwise)."
    )
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
    source: str = Field(
        "",
        description="Set when a data source recorded the check-in (then it has no author): "
        "what the source is, e.g. `JSON from api.example.com`.",
    )

    @staticmethod
    def resolve_author_name(obj) -> str | None:
        return obj.author.name if obj.author_id else None


# Objectives -------------------------------------------------------------------------------


class ObjectiveIn(Input):
    title: Title
    cycle_id: UUID
    unit_id: UUID | None = Field(None, description="The unit whose objective it is.")
    owner_person_id: UUID | None = Field(None, description=PERSONAL_HELP)
    counts_in_parent: Flag = Field(
        False,
        description="A personal objective aligned to a team objective counts in its progress "
        "only when true.",
    )
    parent_id: UUID | None = Field(None, description="The objective this one is aligned to.")
    commitment: Commitment = "committed"
    why: LongText = ""
    owner_id: UUID | None = None
    state: NewObjectiveState = "draft"
    standalone_reason: StandaloneReason = Field(
        "", description="Why a team objective aligns to nothing (alignment health)."
    )
    visibility: Visibility = Field("organization", description=VISIBILITY_HELP)


class ObjectivePatch(Input):
    """Every field may be left out; null clears why, parent_id, owner_id and standalone_reason."""

    title: Title = omittable()
    why: LongText | None = None
    commitment: Commitment = omittable()
    parent_id: UUID | None = Field(None, description="null: no longer aligned.")
    owner_id: UUID | None = None
    unit_id: UUID = omittable()
    standalone_reason: StandaloneReason | None = None
    visibility: Visibility = omittable(VISIBILITY_HELP)
    counts_in_parent: Flag = omittable("A personal objective: whether it counts in its parent's.")
    state: ObjectiveState = omittable()
    reason: RequiredReason = omittable("Required with state 'abandoned', and only with it.")


class ObjectiveOut(Schema):
    id: UUID
    title: str
    cycle_id: UUID
    unit_id: UUID | None = Field(description="null for a personal objective.")
    owner_person_id: UUID | None = Field(
        description="Whose own objective it is (a personal one); null for a unit's."
    )
    counts_in_parent: bool = Field(
        description="A personal objective counted in its parent's progress; false for a unit's "
        "objective (which always counts)."
    )
    parent_id: UUID | None
    owner_id: UUID | None
    commitment: Commitment
    state: ObjectiveState
    visibility: Visibility = Field(description=VISIBILITY_HELP)
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
    band: ScoreBand | None = Field(None, description=BAND_HELP)
    success: bool | None = Field(None, description=SUCCESS_HELP)
    carried_from_id: UUID | None = Field(
        None, description="The objective of an earlier cycle this one was carried forward from."
    )

    @staticmethod
    def resolve_band(obj: Objective, context) -> str | None:
        return score_band_key(obj.score, context)

    @staticmethod
    def resolve_success(obj: Objective) -> bool | None:
        return score_success(obj.commitment, obj.score)

    @staticmethod
    def resolve_reason(obj: Objective) -> str:
        return obj.abandon_reason

    @staticmethod
    def resolve_key_results(obj: Objective) -> list[KeyResult]:
        return list(obj.krs)

    @staticmethod
    def resolve_children(obj: Objective) -> list[UUID]:
        return list(obj.child_ids)
