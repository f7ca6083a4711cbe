"""How well the text checks judge real OKR text: precision and recall on the labeled set.

Run with ``-s`` to see the table. Each check must reach 0.9 precision and 0.9 recall.
"""

from collections import Counter

import pytest

from cadence.coach.checks import (
    CHECKS,
    KeyResultDraft,
    ObjectiveDraft,
    check_key_result,
    check_objective,
)
from tests.coach.labeled_set import (
    HELD_OUT_KEY_RESULTS,
    HELD_OUT_OBJECTIVES,
    KEY_RESULTS,
    OBJECTIVES,
)

CODES = {"N": "kr-no-number", "V": "kr-output-verb", "C": "kr-counts-activities"}
KR_CHECKS = tuple(CODES.values())
OBJ_CHECK = "obj-has-metric"
FLOOR = 0.9
FUNCTIONS = {
    "sales",
    "marketing",
    "product",
    "engineering",
    "support",
    "finance",
    "hr",
    "operations",
    "education",
    "nonprofit",
    "design",
    "data",
    "it",
    "legal",
    "manufacturing",
}


def _confusion(key_results, objectives):
    """check id → [tp, fp, fn], and the misses for the report."""
    counts = {check: [0, 0, 0] for check in (*KR_CHECKS, OBJ_CHECK)}
    misses = []

    def score(check, expected, fired, text):
        if expected and fired:
            counts[check][0] += 1
        elif fired:
            counts[check][1] += 1
            misses.append(f"false positive {check}: {text}")
        elif expected:
            counts[check][2] += 1
            misses.append(f"missed {check}: {text}")

    for _function, text, labels in key_results:
        fired = {f.check for f in check_key_result(KeyResultDraft(title=text))}
        for code, check in CODES.items():
            score(check, code in labels, check in fired, text)
    for _function, text, expected in objectives:
        fired = {f.check for f in check_objective(ObjectiveDraft(title=text))}
        score(OBJ_CHECK, expected, OBJ_CHECK in fired, text)
    return counts, misses


def _ratio(num, den):
    return num / den if den else 1.0


def _table(title, counts):
    lines = [title, f"{'check':24} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>7}"]
    for check, (tp, fp, fn) in counts.items():
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        lines.append(f"{check:24} {tp:4} {fp:4} {fn:4} {precision:10.3f} {recall:7.3f}")
    return "\n".join(lines)


def test_labeled_set_is_large_varied_and_well_formed():
    assert len(KEY_RESULTS) >= 150
    assert len(OBJECTIVES) >= 60
    for items in (KEY_RESULTS, HELD_OUT_KEY_RESULTS):
        for function, text, labels in items:
            assert function in FUNCTIONS, function
            assert text.strip() == text and text
            assert set(labels) <= set(CODES), labels
    for items in (OBJECTIVES, HELD_OUT_OBJECTIVES):
        for function, _text, expected in items:
            assert function in FUNCTIONS, function
            assert isinstance(expected, bool)
    assert {f for f, _, _ in KEY_RESULTS} == FUNCTIONS
    assert {f for f, _, _ in OBJECTIVES} == FUNCTIONS
    # No text twice within a kind ("Grow revenue" may be both a key result and an objective).
    for items in ((*KEY_RESULTS, *HELD_OUT_KEY_RESULTS), (*OBJECTIVES, *HELD_OUT_OBJECTIVES)):
        duplicates = [t for t, n in Counter(t for _, t, _ in items).items() if n > 1]
        assert not duplicates
    # Both sides of every check are represented, so precision and recall mean something.
    labels = Counter(code for _, _, ls in KEY_RESULTS for code in ls)
    assert all(labels[code] >= 30 for code in CODES), labels
    assert sum(1 for _, _, ls in KEY_RESULTS if not ls) >= 60
    assert 25 <= sum(e for _, _, e in OBJECTIVES) <= len(OBJECTIVES) - 25
    assert set(CODES.values()) | {OBJ_CHECK} <= set(CHECKS)


@pytest.mark.parametrize(
    ("name", "key_results", "objectives"),
    [
        ("labeled set", KEY_RESULTS, OBJECTIVES),
        ("held-out set", HELD_OUT_KEY_RESULTS, HELD_OUT_OBJECTIVES),
        (
            "all",
            KEY_RESULTS + HELD_OUT_KEY_RESULTS,
            OBJECTIVES + HELD_OUT_OBJECTIVES,
        ),
    ],
)
def test_precision_and_recall_of_the_text_checks(name, key_results, objectives):
    counts, misses = _confusion(key_results, objectives)
    print()
    print(
        _table(
            f"{name}: {len(key_results)} key results, {len(objectives)} objectives",
            counts,
        )
    )
    for miss in misses:
        print("  ", miss)
    for check, (tp, fp, fn) in counts.items():
        assert _ratio(tp, tp + fp) >= FLOOR, (check, "precision", misses)
        assert _ratio(tp, tp + fn) >= FLOOR, (check, "recall", misses)
