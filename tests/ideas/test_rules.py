"""The pure rules: a round's status by day, the period and prompt checks."""

from datetime import date

from cadence.ideas import rules


def test_status_counts_both_ends_as_open():
    opens, closes = date(2026, 11, 23), date(2026, 11, 29)
    assert rules.status(opens, closes, date(2026, 11, 22)) == rules.UPCOMING
    assert rules.status(opens, closes, opens) == rules.OPEN
    assert rules.status(opens, closes, closes) == rules.OPEN
    assert rules.status(opens, closes, date(2026, 11, 30)) == rules.CLOSED


def test_period_errors():
    today, end = date(2026, 11, 23), date(2027, 3, 31)
    ok = rules.period_errors(today, date(2026, 11, 29), today=today, cycle_end=end)
    assert ok == {}
    assert "opens_on" in rules.period_errors(
        date(2026, 11, 22), date(2026, 11, 29), today=today, cycle_end=end
    )
    assert "opens_on" in rules.period_errors(
        date(2027, 6, 1), date(2027, 6, 2), today=today, cycle_end=date(2027, 12, 31)
    )
    assert "closes_on" in rules.period_errors(today, date(2026, 11, 22), today=today, cycle_end=end)
    # 31 days is the longest round; the 32nd day is refused.
    assert rules.period_errors(today, date(2026, 12, 23), today=today, cycle_end=end) == {}
    assert "closes_on" in rules.period_errors(today, date(2026, 12, 24), today=today, cycle_end=end)
    assert "closes_on" in rules.period_errors(
        today, date(2026, 11, 29), today=today, cycle_end=date(2026, 11, 28)
    )


def test_prompts_are_cleaned_and_bounded():
    assert rules.clean_prompts(["  What  works? ", "", "What stops us?"]) == (
        ["What works?", "What stops us?"],
        "",
    )
    assert rules.clean_prompts(["", "  "])[1]
    assert rules.clean_prompts([f"Question {n}?" for n in range(9)])[1]
    assert rules.clean_prompts(["x" * 201])[1]
    assert rules.clean_prompts(["Same?", "same?"])[1]
    assert len(rules.DEFAULT_PROMPTS) == 4
