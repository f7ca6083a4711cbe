"""The wizard's examples library: big enough, well formed, and clean by the coach's own rules."""

import pytest

from cadence.coach import examples
from cadence.coach.checks import (
    ERROR,
    WARN,
    KeyResultDraft,
    ObjectiveDraft,
    check_key_result,
    check_objective,
)
from cadence.okrs.models import KeyResult, Objective

ALL_OBJECTIVES = [(f, o) for f in examples.FUNCTIONS for o in f.objectives]
ALL_KEY_RESULTS = [(o, kr) for _, o in ALL_OBJECTIVES for kr in o.key_results]


def _id(value) -> str:
    return getattr(value, "title", None) or getattr(value, "slug", "")[:40]


def test_at_least_fifteen_functions_with_three_objectives_of_three_or_four_key_results():
    assert len(examples.FUNCTIONS) >= 15
    for function in examples.FUNCTIONS:
        assert len(function.objectives) == 3, function.slug
        for objective in function.objectives:
            assert 3 <= len(objective.key_results) <= 4, objective.title


def test_slugs_and_titles_are_unique():
    slugs = [f.slug for f in examples.FUNCTIONS]
    assert len(set(slugs)) == len(slugs)
    titles = [o.title for _, o in ALL_OBJECTIVES]
    assert len(set(titles)) == len(titles)
    assert len({kr.title for _, kr in ALL_KEY_RESULTS}) == len(ALL_KEY_RESULTS)


def test_function_get_finds_by_slug_and_nothing_else():
    assert examples.function_get("sales").name == "Sales"
    assert examples.function_get("no-such-function") is None


def test_every_function_has_a_name_and_a_blurb():
    for function in examples.FUNCTIONS:
        assert function.name.strip() and function.blurb.strip(), function.slug
        assert function.slug == function.slug.lower() and " " not in function.slug


@pytest.mark.parametrize(("function", "objective"), ALL_OBJECTIVES, ids=_id)
def test_objective_is_well_formed_and_passes_the_coach(function, objective):
    assert 3 <= len(objective.title) <= 200
    assert objective.why.strip()
    assert objective.commitment in Objective.Commitment.values
    codes = [f.check for f in check_objective(ObjectiveDraft(objective.title))]
    assert "obj-has-metric" not in codes, objective.title


@pytest.mark.parametrize(("objective", "kr"), ALL_KEY_RESULTS, ids=_id)
def test_key_result_is_a_valid_measure_that_passes_the_coach(objective, kr):
    assert kr.kind in (KeyResult.Kind.METRIC, KeyResult.Kind.THRESHOLD), kr.title
    assert kr.start != kr.target, kr.title
    assert 3 <= len(kr.title) <= 200
    assert 0 < len(kr.unit) <= 30, kr.title
    if kr.kind == KeyResult.Kind.THRESHOLD:
        assert kr.direction in KeyResult.Direction.values, kr.title
    else:
        assert kr.direction == ""
    findings = check_key_result(KeyResultDraft(kr.title, kr.kind, kr.start, kr.target, kr.unit))
    serious = [(f.check, f.message) for f in findings if f.level in (WARN, ERROR)]
    assert serious == [], kr.title


def test_a_weak_example_would_be_caught():
    """The clean-example test can fail: an activity with no number is flagged."""
    findings = check_key_result(KeyResultDraft("Launch the new website", "milestone"))
    assert {f.level for f in findings} & {WARN, ERROR}
