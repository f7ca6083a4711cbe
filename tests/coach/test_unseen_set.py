"""The coach on text it was never tuned on (issue 18): key results and objectives in registers
the first labeled set lacks, written and labeled by someone who had not seen the rules.
``unseen_tuning.py`` to ``unseen_tuning_9.py`` (sets by other writers,
added when the one before was exhausted; each was scored before any rule was tuned on it) may
inform the rules; ``unseen_held_out.py`` to ``unseen_held_out_4.py`` never do.

Run with ``-s`` to see precision and recall per check. The target, 0.95 precision and recall
per check on the held-out part (issue 18), is asserted on each held-out set and on them together;
FLOORS hold today's scores so that nothing gets worse. The held-out sets' misses were read (never
their words put on a list) in session 18: see docs/decisions.md. ``unseen_held_out_4.py`` was
written after that, by a writer who had not read the rules nor the earlier sets' items, and was
committed before the coach was first run on it: its figures are the fresh measure.
"""

from collections import Counter

import pytest

from cadence.coach.checks import KeyResultDraft, ObjectiveDraft, check_key_result, check_objective
from tests.coach import (
    unseen_held_out,
    unseen_held_out_2,
    unseen_held_out_3,
    unseen_held_out_4,
    unseen_tuning,
    unseen_tuning_2,
    unseen_tuning_3,
    unseen_tuning_4,
    unseen_tuning_5,
    unseen_tuning_6,
    unseen_tuning_7,
    unseen_tuning_8,
    unseen_tuning_9,
)

CODES = {"N": "kr-no-number", "V": "kr-output-verb", "C": "kr-counts-activities"}
OBJ_CHECK = "obj-has-metric"
REGISTERS = {
    "public sector",
    "healthcare",
    "education",
    "manufacturing",
    "non-profit",
    "legal",
    "logistics",
    "hospitality",
    "research",
    "retail",
    "agriculture",
    "energy",
}
# (precision, recall) measured (session 10; the held-out parts in session 18), rounded down:
# nothing may get worse. Three titles that a tuning set's writer had also written were taken out
# of held-out-2 (a title tuned on is not unseen).
TARGET = 0.95
FLOORS = {
    "tuning": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (1.0, 1.0),
        "kr-counts-activities": (1.0, 1.0),
        OBJ_CHECK: (1.0, 1.0),
    },
    "tuning-2": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (1.0, 1.0),
        "kr-counts-activities": (1.0, 0.93),
        OBJ_CHECK: (1.0, 1.0),
    },
    "tuning-3": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (1.0, 1.0),
        "kr-counts-activities": (1.0, 1.0),
        OBJ_CHECK: (1.0, 1.0),
    },
    "tuning-4": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (1.0, 0.97),
        "kr-counts-activities": (1.0, 1.0),
        OBJ_CHECK: (1.0, 1.0),
    },
    "tuning-5": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (0.98, 0.96),
        "kr-counts-activities": (0.98, 0.96),
        OBJ_CHECK: (1.0, 1.0),
    },
    "tuning-6": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (1.0, 0.98),
        "kr-counts-activities": (1.0, 0.97),
        OBJ_CHECK: (1.0, 1.0),
    },
    "tuning-7": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (0.98, 0.95),
        "kr-counts-activities": (1.0, 0.97),
        OBJ_CHECK: (1.0, 0.96),
    },
    "tuning-8": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (1.0, 0.96),
        "kr-counts-activities": (1.0, 0.97),
        OBJ_CHECK: (1.0, 1.0),
    },
    "tuning-9": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (0.98, 1.0),
        "kr-counts-activities": (0.95, 0.95),
        OBJ_CHECK: (1.0, 1.0),
    },
    "held-out": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (0.96, 1.0),
        "kr-counts-activities": (0.95, 0.95),
        OBJ_CHECK: (1.0, 1.0),
    },
    "held-out-2": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (1.0, 1.0),
        "kr-counts-activities": (1.0, 1.0),
        OBJ_CHECK: (1.0, 1.0),
    },
    "held-out-3": {
        "kr-no-number": (1.0, 1.0),
        "kr-output-verb": (1.0, 0.95),
        "kr-counts-activities": (1.0, 1.0),
        OBJ_CHECK: (0.95, 1.0),
    },
    # Measured the first time the coach read it (session 19), before any change.
    "held-out-4": {
        "kr-no-number": (0.97, 1.0),
        "kr-output-verb": (0.96, 0.97),
        "kr-counts-activities": (0.96, 0.96),
        OBJ_CHECK: (0.96, 1.0),
    },
    "untuned": {
        "kr-no-number": (0.99, 1.0),
        "kr-output-verb": (0.98, 0.97),
        "kr-counts-activities": (0.97, 0.97),
        OBJ_CHECK: (0.97, 1.0),
    },
}
PARTS = {
    "tuning": unseen_tuning,
    "tuning-2": unseen_tuning_2,
    "tuning-3": unseen_tuning_3,
    "tuning-4": unseen_tuning_4,
    "tuning-5": unseen_tuning_5,
    "tuning-6": unseen_tuning_6,
    "tuning-7": unseen_tuning_7,
    "tuning-8": unseen_tuning_8,
    "tuning-9": unseen_tuning_9,
    "held-out": unseen_held_out,
    "held-out-2": unseen_held_out_2,
    "held-out-3": unseen_held_out_3,
    "held-out-4": unseen_held_out_4,
}
HELD_OUT = ("held-out", "held-out-2", "held-out-3", "held-out-4")


def test_the_unseen_set_is_large_varied_and_well_formed():
    krs = [row for module in PARTS.values() for row in module.KEY_RESULTS]
    objectives = [row for module in PARTS.values() for row in module.OBJECTIVES]
    assert len(krs) >= 150 and len(objectives) >= 50
    assert len(unseen_held_out.KEY_RESULTS) >= 50 and len(unseen_held_out.OBJECTIVES) >= 20
    for module in PARTS.values():
        assert {r for r, _, _ in module.KEY_RESULTS} == REGISTERS
        assert {r for r, _, _ in module.OBJECTIVES} == REGISTERS
    for _register, text, labels in krs:
        assert text == text.strip() and set(labels) <= set(CODES), (text, labels)
    for _register, _text, expected in objectives:
        assert isinstance(expected, bool)
    for items in (krs, objectives):
        repeated = [t for t, n in Counter(t for _, t, _ in items).items() if n > 1]
        assert not repeated
    labels = Counter(code for _, _, ls in krs for code in ls)
    assert all(labels[code] >= 40 for code in CODES), labels


def _scores(*modules) -> dict[str, tuple[float, float]]:
    counts = {check: [0, 0, 0] for check in (*CODES.values(), OBJ_CHECK)}

    def count(check, expected, fired):
        if expected or fired:
            counts[check][0 if expected and fired else 1 if fired else 2] += 1

    key_results = [row for module in modules for row in module.KEY_RESULTS]
    objectives = [row for module in modules for row in module.OBJECTIVES]
    for _register, text, labels in key_results:
        fired = {f.check for f in check_key_result(KeyResultDraft(title=text))}
        for code, check in CODES.items():
            count(check, code in labels, check in fired)
    for _register, text, expected in objectives:
        count(
            OBJ_CHECK,
            expected,
            OBJ_CHECK in {f.check for f in check_objective(ObjectiveDraft(title=text))},
        )
    return {
        check: (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)
        for check, (tp, fp, fn) in counts.items()
    }


@pytest.mark.parametrize("part", [*PARTS, "untuned"])
def test_precision_and_recall_on_unseen_text_do_not_fall(part):
    modules = [PARTS[p] for p in HELD_OUT] if part == "untuned" else [PARTS[part]]
    scores = _scores(*modules)
    krs = sum(len(m.KEY_RESULTS) for m in modules)
    objectives = sum(len(m.OBJECTIVES) for m in modules)
    print(f"\n{part}: {krs} key results, {objectives} objectives")
    for check, (precision, recall) in scores.items():
        print(f"  {check:24} precision {precision:.3f} recall {recall:.3f}")
    for check, (precision, recall) in scores.items():
        low_precision, low_recall = FLOORS[part][check]
        assert precision >= low_precision and recall >= low_recall, (check, precision, recall)
        if part in (*HELD_OUT, "untuned"):
            assert precision >= TARGET and recall >= TARGET, (part, check, precision, recall)
