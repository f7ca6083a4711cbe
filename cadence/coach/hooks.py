"""What the coach asks of the apps above it (cadence/core/hooks.py says how hooks work).

The coach judges OKRs; a few of its checks need facts that only a higher app records. It asks
through these hooks, which those apps fill in their ``AppConfig.ready()``.
"""

from __future__ import annotations

from cadence.core.hooks import Hook

# ``objectives_explained(organization_id, objective_ids) -> set[UUID]``: of the given scored
# objectives, those a retrospective note explains (committed-missed is silenced by one,
# docs/method.md §5.5, §8.2). Answered by the retrospectives app.
objectives_explained = Hook("coach.objectives_explained")
