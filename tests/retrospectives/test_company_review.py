"""Department summaries and the company-wide review."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadence.retrospectives import selectors as retro_selectors
from cadence.retrospectives import services as retro_services
from cadence.retrospectives.models import Learning
from cadence.reviews.models import Review
from tests import factories as f
from tests.retrospectives.retro_world import approved, build, retro_kwargs


@pytest.fixture
def dept(org, admin, cycle):
    """A department with two teams (one has written its retrospective) and a team straight
    below the company."""
    department = f.make_unit(org, "Product & Engineering", kind="department")
    web = f.make_unit(org, "Web", parent=department)
    apps = f.make_unit(org, "Apps", parent=department)
    solo = f.make_unit(org, "Finance")
    lead = f.make_person(org, name="Dana Lead")
    f.join(department, lead, role="lead")
    world = build(org, admin, cycle, web)
    approved(admin, cycle, apps, "Faster app start", progress=30)
    approved(admin, cycle, solo, "Close the books in five days", progress=100)
    retro_services.retrospective_save(
        actor=admin,
        cycle=cycle,
        unit=web,
        **retro_kwargs(overview="Web had a good run", worked="Pairing with support"),
    )
    return {"department": department, "web": web, "apps": apps, "solo": solo, "lead": lead, **world}


def test_department_summary_is_written_by_its_leads(org, admin, cycle, dept, member):
    review = retro_services.department_review_save(
        actor=dept["lead"],
        cycle=cycle,
        unit=dept["department"],
        answers={"dept-patterns": "Targets set too late"},
        notes="Discussed on Friday",
        takeaways=["Set targets in week one", "  ", "Share dashboards"],
    )
    assert review.kind == Review.Kind.DEPARTMENT
    assert list(
        review.learnings.filter(kind=Learning.Kind.TAKEAWAY).values_list("text", flat=True)
    ) == ["Set targets in week one", "Share dashboards"]
    # An ordinary member of a team is not a lead of the department.
    with pytest.raises(PermissionDenied):
        retro_services.department_review_save(
            actor=member,
            cycle=cycle,
            unit=dept["department"],
            answers={},
            notes="",
            takeaways=[],
        )


def test_department_summary_keeps_ten_takeaways_at_most(admin, cycle, dept):
    with pytest.raises(ValidationError) as exc:
        retro_services.department_review_save(
            actor=admin,
            cycle=cycle,
            unit=dept["department"],
            answers={},
            notes="",
            takeaways=[f"Takeaway {i}" for i in range(11)],
        )
    assert "10 takeaways at most (you have 11)" in exc.value.message_dict["takeaways"][0]
    assert not Review.objects.filter(kind="department").exists()


def test_department_summary_is_for_departments(admin, cycle, dept):
    with pytest.raises(ValidationError):
        retro_services.department_review_save(
            actor=admin, cycle=cycle, unit=dept["web"], answers={}, notes="", takeaways=[]
        )


def test_department_summary_shows_its_teams(org, cycle, dept):
    summary = retro_selectors.department_summary(org, cycle, dept["department"], viewer=f.ALL)
    assert [t.unit.name for t in summary.teams] == ["Apps", "Web"]
    web = summary.teams[1]
    assert web.review.overview == "Web had a good run" and len(web.learnings) == 3
    assert summary.teams[0].review is None


def test_company_review_is_written_by_admins(org, admin, cycle, dept):
    with pytest.raises(PermissionDenied):
        retro_services.company_review_save(
            actor=dept["lead"], cycle=cycle, answers={}, notes="", summary="", ideas=[]
        )
    review = retro_services.company_review_save(
        actor=admin,
        cycle=cycle,
        answers={"company-themes": "Onboarding everywhere"},
        notes="Long talk about hiring",
        summary="A good quarter",
        ideas=["Grow retention", "Halve onboarding time"],
    )
    assert review.kind == Review.Kind.COMPANY and review.unit.kind == "company"
    assert review.overview == "A good quarter"
    assert review.learnings.filter(kind=Learning.Kind.IDEA).count() == 2
    with pytest.raises(ValidationError) as exc:
        retro_services.company_review_save(
            actor=admin,
            cycle=cycle,
            answers={},
            notes="",
            summary="",
            ideas=[f"Idea {i}" for i in range(11)],
        )
    assert "ideas" in exc.value.message_dict


def test_company_review_assembles_everything(org, admin, cycle, dept):
    retro_services.department_review_save(
        actor=admin,
        cycle=cycle,
        unit=dept["department"],
        answers={},
        notes="",
        takeaways=["Set targets in week one"],
    )
    review = retro_selectors.company_review(org, cycle, viewer=f.ALL)
    assert [(g.unit.name if g.unit else None) for g in review.groups] == [
        "Product & Engineering",
        None,
    ]
    assert [t.unit.name for t in review.groups[0].teams] == ["Apps", "Web"]
    assert [t.text for t in review.groups[0].takeaways] == ["Set targets in week one"]
    assert [t.unit.name for t in review.groups[1].teams] == ["Finance"]
    assert [o.title for o in review.company_objectives] == ["Customers stay with us"]
    assert review.company_success_rate == 1.0
    # Web: 0.5 committed (missed) and 0.8 aspirational (ok); Apps 0.3 missed; Finance 1.0;
    # company 1.0 → 3 of 5.
    assert review.success_rate == pytest.approx(3 / 5)


def test_company_review_page_and_its_form(client, org, admin, viewer, cycle, dept):
    url = reverse("company_review", args=[cycle.id])
    client.force_login(admin)
    body = client.get(url).content.decode()
    for text in (
        "Customers stay with us",
        "Product &amp; Engineering",
        "Web had a good run",
        "Apps has not written its retrospective yet",
        "Teams reporting to the company",
        "Download PDF",
    ):
        assert text in body, text
    response = client.post(
        url,
        {
            "q_company-outcome": "Retention held",
            "notes": "Notes",
            "summary": "We learned to focus",
            "ideas": "- Grow retention\n\n• Halve onboarding time\n",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(kind="company")
    assert review.answers == {"company-outcome": "Retention held"}
    assert list(review.learnings.values_list("text", flat=True)) == [
        "Grow retention",
        "Halve onboarding time",
    ]
    client.force_login(viewer)
    body = client.get(url).content.decode()
    assert "We learned to focus" in body and "Save the review" not in body
    assert client.post(url, {"summary": "x"}).status_code == 403


def test_department_page(client, admin, member, cycle, dept):
    url = reverse("department_review", args=[cycle.id, dept["department"].id])
    client.force_login(dept["lead"])
    assert "Web had a good run" in client.get(url).content.decode()
    response = client.post(url, {"takeaways": "One\nTwo", "notes": "", "q_dept-patterns": ""})
    assert response.status_code == 302
    assert Review.objects.get(kind="department").learnings.count() == 2
    response = client.post(url, {"takeaways": "\n".join(f"T{i}" for i in range(12))})
    assert response.status_code == 422
    assert "10 takeaways at most" in response.content.decode()
    client.force_login(member)
    assert client.post(url, {"takeaways": "Mine"}).status_code == 403
    # A team is not a department.
    client.force_login(admin)
    assert (
        client.get(reverse("department_review", args=[cycle.id, dept["web"].id])).status_code == 404
    )


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_review_pages_queries_do_not_grow_with_teams(client, org, admin, cycle):
    department = f.make_unit(org, "Big department", kind="department")

    def grow(start, n):
        for i in range(start, start + n):
            unit = f.make_unit(org, f"Team {i:02d}", parent=department)
            approved(admin, cycle, unit, f"Objective {i}", progress=50)
            retro_services.retrospective_save(actor=admin, cycle=cycle, unit=unit, **retro_kwargs())
        retro_services.department_review_save(
            actor=admin,
            cycle=cycle,
            unit=department,
            answers={},
            notes="",
            takeaways=[f"Takeaway {start}"],
        )

    client.force_login(admin)
    urls = [
        reverse("company_review", args=[cycle.id]),
        reverse("company_review", args=[cycle.id]) + "?format=html",
        reverse("company_review_pdf", args=[cycle.id]),
        reverse("department_review", args=[cycle.id, department.id]),
    ]
    grow(0, 2)
    small = [_count(client, url) for url in urls]
    grow(2, 8)
    large = [_count(client, url) for url in urls]
    assert large == small
