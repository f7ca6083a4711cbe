"""What okrs lets the apps above it take part in (cadence/core/hooks.py explains hooks).

Every hook here is answered by a higher app's services or selectors, registered in its
``AppConfig.ready()``: alignment (the approval conversation, docs/method.md §7), coach (the
checks that block a save, §8) and reviews (what a cycle's reviews hold).
"""

from cadence.core.hooks import Hook, Listeners

# The coach's gate: raise ValidationError when error-level findings block saving this objective or
# key result (under the organization's settings). Answered by coach.services.require_no_errors_for.
coach_gate = Hook("okrs.coach_gate")

# The approval conversation (alignment.services), each called inside the okrs service's
# transaction with ``actor=`` and ``objective=``:
# - a new objective started as proposed or approved: the approval trail starts;
objective_started = Hook("okrs.objective_started")
# - an approved objective's parent or unit changed: it is proposed again; returns the objective;
objective_realigned = Hook("okrs.objective_realigned")
# - the moves between draft, proposed and approved asked of objective_set_state; returns the
#   objective.
objective_propose = Hook("okrs.objective_propose")
objective_approve = Hook("okrs.objective_approve")
objective_reopen = Hook("okrs.objective_reopen")

# What the reviews of a cycle hold, as plain data: ``cycle_review_count(cycle)`` -> int (a cycle
# with reviews cannot be deleted) and ``cycle_reviewed_months(cycle)`` -> set of the first days
# of the months a monthly review was written for (a cycle's dates must keep them).
cycle_review_count = Hook("okrs.cycle_review_count")
cycle_reviewed_months = Hook("okrs.cycle_reviewed_months")

# What happened, told inside the transaction of the change (any number of listeners: the outgoing
# webhooks of integrations queue their deliveries here, so they commit or roll back with it):
# - ``check_in_created(actor=, key_result=, check_in=)``: check_in_create appended a check-in
#   (not told for the check-ins an import writes in bulk, okrs_bulk_create);
check_in_created = Listeners("okrs.check_in_created")
# - ``objective_state_changed(actor=, objective=, before=)``: an objective moved from state
#   ``before`` to its current one (every move recorded by trail.record_state; closing a cycle
#   is told as scoring.hooks.cycle_closed instead).
objective_state_changed = Listeners("okrs.objective_state_changed")
