"""The coach asks the apps above it through hooks (cadence/coach/hooks.py); each is answered."""

from cadence.coach import hooks
from cadence.retrospectives import selectors as retrospective_selectors


def test_the_retrospective_note_hook_is_answered_by_retrospectives():
    assert hooks.objectives_explained.required
    assert hooks.objectives_explained.provider is retrospective_selectors.objectives_explained
