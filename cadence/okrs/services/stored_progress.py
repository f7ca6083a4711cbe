"""Objective.progress, stored and kept current (docs/method.md §2)."""

from django.db import transaction

from cadence.core.bulk import update_rows
from cadence.okrs import progress as arithmetic
from cadence.okrs.models import Cycle, KeyResult, Objective

# Stored progress ---------------------------------------------------------------------------
#
# Objective.progress is the roll-up of docs/method.md §3.3 (weighted mean of its key results and
# of its live aligned children), stored so that pages read one row instead of a whole tree.
# Every write that can change it calls progress_refresh in its own transaction, so that a
# committed write never leaves a stale parent: the objective's row is recomputed first, then each
# ancestor, each under a row lock and from what is committed plus this transaction's own writes.
# Two concurrent check-ins under one parent both lock it in turn; whichever recomputes it last
# sees both.


def _chain(objective_id) -> list:
    """The objective's id and its ancestors' ids, lowest first (loops, never stored, are cut)."""
    chain: list = []
    node = objective_id
    while node is not None and node not in chain:
        chain.append(node)
        node = Objective.objects.filter(pk=node).values_list("parent_id", flat=True).first()
    return chain


def _computed_progress(objective_id) -> float | None:
    """One objective's roll-up from its key results and its children's stored progress."""
    krs = [
        (
            arithmetic.kr_progress(
                kind,
                start=start,
                target=target,
                current=current if current is not None else start,
                direction=direction or None,
            ),
            weight,
        )
        for kind, start, target, current, direction, weight in KeyResult.objects.filter(
            objective_id=objective_id
        ).values_list("kind", "start", "target", "current", "direction", "weight")
    ]
    children = (
        Objective.objects.filter(parent_id=objective_id)
        .exclude(state=Objective.State.ABANDONED)
        .exclude(owner_person__isnull=False, counts_in_parent=False)
        .exclude(pk=objective_id)
        .values_list("progress", flat=True)
    )
    return arithmetic.weighted_mean([*krs, *((p, 1.0) for p in children)])


def progress_refresh(*objective_ids) -> None:
    """Recompute the stored progress of these objectives and of all their ancestors.

    Lowest first: an objective deeper in the tree is recomputed before any objective above it
    (rows are locked in that order, the same order in every transaction)."""
    starts = [i for i in objective_ids if i is not None]
    if len(starts) == 1:
        # One chain (a check-in, a key-result edit): walk up it, each row locked and read in one
        # query, recomputed, then its parent — already the lowest-first order.
        node, seen = starts[0], set()
        while node is not None and node not in seen:
            seen.add(node)
            row = (
                Objective.objects.select_for_update()
                .filter(pk=node)
                .values_list("progress", "parent_id")
                .first()
            )
            if row is None:
                return  # deleted meanwhile
            stored, parent_id = row
            value = _computed_progress(node)
            if value != stored:
                Objective.objects.filter(pk=node).update(progress=value)
            node = parent_id
        return
    depth: dict = {}
    for objective_id in starts:
        if objective_id is None:
            continue
        chain = _chain(objective_id)
        for index, node in enumerate(chain):
            depth[node] = max(depth.get(node, 0), len(chain) - index)
    for node in sorted(depth, key=lambda n: (-depth[n], str(n))):
        stored = (
            Objective.objects.select_for_update()
            .filter(pk=node)
            .values_list("progress", flat=True)
            .first()
        )
        if stored is None and not Objective.objects.filter(pk=node).exists():
            continue  # deleted meanwhile
        value = _computed_progress(node)
        if value != stored:
            Objective.objects.filter(pk=node).update(progress=value)


@transaction.atomic
def objective_progress_recompute(*, organization, cycle: Cycle | None = None) -> int:
    """Recompute stored progress from scratch (all of an organization's objectives, or those of a
    cycle and of the shorter cycles inside it, then their ancestors outside it). Returns how many
    objectives changed. For repairs, imports and bulk loads; services keep it correct otherwise."""
    objectives = Objective.objects.filter(organization=organization)
    if cycle is not None:
        objectives = objectives.filter(cycle__start__gte=cycle.start, cycle__end__lte=cycle.end)
    rows = list(objectives.values_list("id", "parent_id", "state", "progress"))
    uncounted = set(
        objectives.filter(owner_person__isnull=False, counts_in_parent=False).values_list(
            "id", flat=True
        )
    )
    nodes = {
        oid: arithmetic.Node(
            abandoned=state == Objective.State.ABANDONED, counted=oid not in uncounted
        )
        for oid, _parent, state, _progress in rows
    }
    for oid, parent_id, _state, _progress in rows:
        if parent_id in nodes:
            nodes[parent_id].children.append(oid)
    krs = KeyResult.objects.filter(
        organization=organization, objective_id__in=objectives.values("id")
    )
    for objective_id, kind, start, target, current, direction, weight in krs.values_list(
        "objective_id", "kind", "start", "target", "current", "direction", "weight"
    ).iterator(chunk_size=5000):
        value_now = current if current is not None else start
        nodes[objective_id].krs.append(
            (
                arithmetic.kr_progress(
                    kind, start=start, target=target, current=value_now, direction=direction or None
                ),
                weight,
            )
        )
    rolled = arithmetic.roll_up(nodes)
    changed = [(oid, rolled[oid]) for oid, _p, _s, old in rows if rolled[oid] != old]
    update_rows(Objective, ["progress"], changed)
    outside = {parent for _oid, parent, _s, _p in rows if parent and parent not in nodes}
    if outside:
        progress_refresh(*outside)
    return len(changed)
