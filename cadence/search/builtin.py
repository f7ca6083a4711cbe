"""The kinds Cadence searches out of the box (registered by SearchConfig.ready())."""

from __future__ import annotations

from django.urls import reverse

from cadence.feed.models import Comment
from cadence.kpis.models import Kpi
from cadence.okrs.models import KeyResult, Objective
from cadence.retrospectives.models import Learning
from cadence.search.kinds import Hit, Kind, as_date, register
from cadence.weekly.models import Item, WeeklyUpdate
from cadence.weekly.weeks import format_week


def _objective_url(hit: Hit) -> str:
    return reverse("objective_detail", args=[hit.id])


def _key_result_url(hit: Hit) -> str:
    return reverse("objective_detail", args=[hit.ref(0)]) + f"#kr-{hit.id}"


def _item_url(hit: Hit) -> str:
    return reverse("weekly_update", args=[hit.ref(0), format_week(as_date(hit.ref(1)))])


def _comment_url(hit: Hit) -> str:
    # ref0: the objective the comment is about (directly or through its key result), ref1 and
    # ref2: the weekly item's person and week when it is about a weekly item.
    if hit.ref(1) is not None:
        return reverse("weekly_update", args=[hit.ref(1), format_week(as_date(hit.ref(2)))])
    return reverse("objective_detail", args=[hit.ref(0)])


def _kpi_url(hit: Hit) -> str:
    return reverse("kpi_detail", args=[hit.id])


def _learning_url(hit: Hit) -> str:
    kind = hit.ref(0)
    if kind == Learning.Kind.LEARNING:
        return reverse("team_retrospective", args=[hit.cycle_id, hit.unit_id])
    if kind == Learning.Kind.TAKEAWAY:
        return reverse("department_review", args=[hit.cycle_id, hit.unit_id])
    return reverse("company_review", args=[hit.cycle_id])


def register_builtin() -> None:
    objective = Objective._meta.db_table
    item = Item._meta.db_table
    update = WeeklyUpdate._meta.db_table
    key_result = KeyResult._meta.db_table
    register(
        Kind(
            key="objective",
            label="Objective",
            model=Objective,
            title="title",
            body="why",
            url=_objective_url,
            cycle="t.cycle_id",
            unit="t.unit_id",
            objective="t",
        )
    )
    register(
        Kind(
            key="key_result",
            label="Key result",
            model=KeyResult,
            title="title",
            body=None,
            url=_key_result_url,
            joins=f"JOIN {objective} o ON o.id = t.objective_id",
            cycle="o.cycle_id",
            unit="o.unit_id",
            objective="o",
            refs=("t.objective_id",),
        )
    )
    # A weekly item belongs to the cycle and unit of the objective it is about (none: it has
    # no cycle or unit, and a cycle or unit filter leaves it out).
    register(
        Kind(
            key="weekly_item",
            label="Weekly item",
            model=Item,
            title=None,
            body="text",
            url=_item_url,
            joins=(
                f"JOIN {update} u ON u.id = t.update_id "
                f"LEFT JOIN {objective} o ON o.id = t.objective_id"
            ),
            cycle="o.cycle_id",
            unit="o.unit_id",
            visible="t.deleted_at IS NULL",
            objective="o",
            refs=("u.person_id", "u.week"),
        )
    )
    register(
        Kind(
            key="comment",
            label="Comment",
            model=Comment,
            title=None,
            body="text",
            url=_comment_url,
            joins=(
                f"LEFT JOIN {key_result} k ON k.id = t.key_result_id "
                f"LEFT JOIN {item} i ON i.id = t.item_id "
                f"LEFT JOIN {update} u ON u.id = i.update_id "
                f"LEFT JOIN {objective} o "
                "ON o.id = COALESCE(t.objective_id, k.objective_id, i.objective_id)"
            ),
            cycle="o.cycle_id",
            unit="o.unit_id",
            visible="t.deleted_at IS NULL AND (t.item_id IS NULL OR i.deleted_at IS NULL)",
            objective="o",
            refs=("COALESCE(t.objective_id, k.objective_id)", "u.person_id", "u.week"),
        )
    )
    register(
        Kind(
            key="learning",
            label="Learning",
            model=Learning,
            title=None,
            body="text",
            url=_learning_url,
            cycle="t.cycle_id",
            unit="t.unit_id",
            refs=("t.kind",),
        )
    )
    # KPIs belong to a unit and to no cycle (a cycle filter leaves them out); archived ones are
    # still found: their history is worth finding.
    register(
        Kind(
            key="kpi",
            label="KPI",
            model=Kpi,
            title="name",
            body="unit_of_measure",
            url=_kpi_url,
            unit="t.unit_id",
        )
    )
