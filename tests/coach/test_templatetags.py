"""The coach's template tags run no queries: the page hands them what it read once."""

from django.template import Context, Template

from cadence.coach import checks


def test_plan_count_advice_runs_no_query(db, django_assert_num_queries):
    template = Template("{% load coach_ui %}{% coach_plan_count settings plans %}")
    with django_assert_num_queries(0):
        html = template.render(Context({"settings": checks.Settings(overrides={}), "plans": 9}))
    assert 'data-check="plan-count"' in html and "9 plans this week" in html
    switched_off = checks.Settings(overrides={"plan-count": None})
    html = template.render(Context({"settings": switched_off, "plans": 9}))
    assert "plan-count" not in html
