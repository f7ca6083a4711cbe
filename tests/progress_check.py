"""The from-scratch roll-up of an organization, to hold the stored ``Objective.progress`` against.

Reads rows only and computes with the pure ``okrs.progress.roll_up``: it shares no code with the
services' incremental refresh (``okrs.services.progress_refresh``) beyond the arithmetic."""

from cadence.okrs import progress as arithmetic
from cadence.okrs.models import KeyResult, Objective


def from_scratch(organization) -> dict:
    rows = list(
        Objective.objects.filter(organization=organization).values_list("id", "parent_id", "state")
    )
    nodes = {oid: arithmetic.Node(abandoned=state == "abandoned") for oid, _p, state in rows}
    for oid, parent_id, _state in rows:
        if parent_id in nodes:
            nodes[parent_id].children.append(oid)
    for kr in KeyResult.objects.filter(organization=organization):
        nodes[kr.objective_id].krs.append((kr.progress, kr.weight))
    return arithmetic.roll_up(nodes)


def stale_objectives(organization) -> list[tuple[str, float | None, float | None]]:
    """(title, stored, from scratch) of every objective whose stored progress is wrong."""
    want = from_scratch(organization)
    out = []
    for o in Objective.objects.filter(organization=organization):
        expected = want[o.id]
        ok = (
            o.progress is None
            if expected is None
            else o.progress is not None and abs(o.progress - expected) < 1e-9
        )
        if not ok:
            out.append((o.title, o.progress, expected))
    return out
