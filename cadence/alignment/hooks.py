"""What alignment announces to the apps above it (see cadence/core/hooks.py). Each is called
inside the transaction of the change (a rollback tells nobody); the feed notifies the people
concerned on the channels they chose."""

from cadence.core.hooks import Listeners

# An objective now waits for approval (proposed, started as proposed, or proposed again after
# its alignment changed): ``approval_asked(event=…)``, the ApprovalEvent that says so.
approval_asked = Listeners("alignment.approval_asked")

# An approver approved or returned an objective: ``objective_reviewed(event=…)``; its owner and
# author (not the approver) are told.
objective_reviewed = Listeners("alignment.objective_reviewed")

# A team asked another unit for something: ``dependency_asked(dependency=…)``.
dependency_asked = Listeners("alignment.dependency_asked")
