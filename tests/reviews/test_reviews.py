"""Monthly and mid-cycle reviews: review_save and the pages (issue 5 item 3)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadence.okrs.models import Objective, TargetChange
from cadence.orgs.selectors import company_unit
from cadence.reviews import questions
from cadence.reviews import services as review_services
from cadence.reviews.models import Review
from cadence.scoring import services as scoring_services
from tests import factories as f

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def lead(org, team):
    person = f.make_person(org, name="Lena Lead")
    f.join(team, person, role="lead")
    return person


def _save(actor, cycle, unit, kind="monthly", period=NOVEMBER, **kw):
    kw.setdefault("answers", {"monthly-behind": "Activation is behind: the new flow slipped."})
    kw.setdefault("notes", "Ana follows up with support.")
    return review_services.review_save(
        actor=actor, cycle=cycle, unit=unit, kind=kind, period=period, **kw
    )


# The service --------------------------------------------------------------------------------


def test_admin_writes_the_company_monthly_review(org, admin, cycle):
    review = _save(admin, cycle, company_unit(org), period=date(2026, 11, 17))
    assert review.kind == "monthly"
    assert review.period == NOVEMBER  # any day of the month names the month
    assert review.answers == {"monthly-behind": "Activation is behind: the new flow slipped."}
    assert review.notes == "Ana follows up with support."
    assert (review.created_by, review.updated_by) == (admin, admin)


def test_saving_again_updates_the_same_review(org, admin, lead, cycle, team):
    first = _save(lead, cycle, team)
    second = _save(
        admin, cycle, team, answers={"monthly-help": "  A designer for two weeks.  "}, notes=""
    )
    assert first.pk == second.pk
    assert Review.objects.count() == 1
    second.refresh_from_db()
    assert second.answers == {"monthly-help": "A designer for two weeks."}
    assert second.notes == ""
    assert (second.created_by, second.updated_by) == (lead, admin)


def test_each_month_and_the_mid_cycle_review_are_separate(org, admin, cycle, team):
    _save(admin, cycle, team, period=date(2026, 10, 1))
    _save(admin, cycle, team, period=NOVEMBER)
    _save(
        admin, cycle, team, kind="mid_cycle", period=None, answers={"mid-learned": "Ship smaller."}
    )
    assert sorted(Review.objects.values_list("kind", "period")) == [
        ("mid_cycle", None),
        ("monthly", date(2026, 10, 1)),
        ("monthly", NOVEMBER),
    ]


def test_empty_answers_are_dropped(org, admin, cycle, team):
    review = _save(admin, cycle, team, answers={"monthly-help": "   ", "monthly-behind": "x"})
    assert review.answers == {"monthly-behind": "x"}


def test_a_lead_above_the_unit_writes_it(org, admin, cycle):
    department = f.make_unit(org, "Product & Engineering", kind="department")
    squad = f.make_unit(org, "Growth", parent=department)
    boss = f.make_person(org, name="Dee Department")
    f.join(department, boss, role="lead")
    assert _save(boss, cycle, squad).unit == squad


@pytest.mark.parametrize("who", ["member", "viewer", "lead_of_other", "outsider"])
def test_others_may_not_write_it(org, cycle, team, member, viewer, outsider, who):
    other = f.make_unit(org, "Design")
    other_lead = f.make_person(org, name="Olga Other")
    f.join(other, other_lead, role="lead")
    actor = {
        "member": member,
        "viewer": viewer,
        "lead_of_other": other_lead,
        "outsider": outsider,
    }[who]
    with pytest.raises(PermissionDenied):
        _save(actor, cycle, team)
    assert not Review.objects.exists()


def test_a_team_lead_may_not_write_the_company_review(org, lead, cycle):
    with pytest.raises(PermissionDenied):
        _save(lead, cycle, company_unit(org))


def test_unknown_question_ids_are_refused(org, admin, cycle, team):
    with pytest.raises(ValidationError) as exc:
        _save(admin, cycle, team, answers={"mid-learned": "Wrong kind of question"})
    assert "answers" in exc.value.message_dict
    assert "mid-learned" in exc.value.message_dict["answers"][0]
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"answers": {"monthly-help": "x" * (questions.MAX_ANSWER + 1)}}, "monthly-help"),
        ({"notes": "x" * (questions.MAX_NOTES + 1)}, "notes"),
        ({"answers": {"monthly-help": 42}}, "monthly-help"),
        ({"answers": ["not", "a", "dict"]}, "answers"),
        ({"period": None}, "period"),
        ({"period": date(2027, 1, 1)}, "period"),
        ({"kind": "mid_cycle", "answers": {}}, "period"),
        ({"kind": "retrospective", "answers": {}}, "kind"),
    ],
)
def test_bad_input_is_refused_at_its_field(org, admin, cycle, team, kw, field):
    with pytest.raises(ValidationError) as exc:
        _save(admin, cycle, team, **kw)
    assert field in exc.value.message_dict
    assert not Review.objects.exists()


def test_a_closed_cycle_keeps_its_reviews_editable(org, admin, cycle, team):
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.closed_at
    review = _save(admin, cycle, team, kind="mid_cycle", period=None, answers={})
    assert review.pk


# The pages ----------------------------------------------------------------------------------


@pytest.fixture
def board(org, admin, cycle, team, member):
    objective = f.make_objective(admin, cycle, team, title="Ship the new onboarding")
    kr = f.make_kr(admin, objective, title="Activation from 20 to 40", start=20, target=40)
    top = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    return {"objective": objective, "kr": kr, "top": top}


def _monthly(cycle, unit=None, month="2026-11"):
    url = reverse("review_monthly", args=[cycle.id, month])
    return f"{url}?unit={unit.id}" if unit else url


def test_monthly_page_shows_the_unit_and_below_with_questions(client, org, admin, cycle, board):
    client.force_login(admin)
    response = client.get(_monthly(cycle))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ship the new onboarding" in body  # the team, below the company
    assert "Customers stay with us" in body
    for _, text in questions.MONTHLY:
        assert text in body
    assert 'name="action" value="save"' in body
    assert 'name="action" value="target"' in body
    assert 'name="action" value="abandon"' in body


def test_a_teams_page_leaves_out_the_company(client, admin, cycle, team, board):
    client.force_login(admin)
    body = client.get(_monthly(cycle, team)).content.decode()
    assert "Ship the new onboarding" in body
    assert "Customers stay with us" not in body


def test_members_read_it_without_forms(client, member, admin, cycle, team, board):
    _save(admin, cycle, team)
    client.force_login(member)
    body = client.get(_monthly(cycle, team)).content.decode()
    assert "Activation is behind: the new flow slipped." in body
    assert 'value="save"' not in body
    # A member may still change their own unit's targets (as when editing a key result).
    assert 'value="target"' in body


def test_viewer_sees_no_actions(client, viewer, cycle, team, board):
    client.force_login(viewer)
    body = client.get(_monthly(cycle, team)).content.decode()
    assert 'value="save"' not in body and 'value="target"' not in body
    assert 'value="abandon"' not in body


def test_saving_through_the_page(client, lead, cycle, team, board):
    client.force_login(lead)
    response = client.post(
        _monthly(cycle, team),
        {"action": "save", "monthly-blockers": "The billing API is late.", "notes": "Escalate."},
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.unit, review.period, review.kind) == (team, NOVEMBER, "monthly")
    assert review.answers == {"monthly-blockers": "The billing API is late."}
    assert review.notes == "Escalate."


def test_a_member_posting_the_review_is_refused(client, member, cycle, team, board):
    client.force_login(member)
    response = client.post(_monthly(cycle, team), {"action": "save", "notes": "Mine"})
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_too_long_answers_come_back_with_the_message(client, admin, cycle, team, board):
    client.force_login(admin)
    response = client.post(
        _monthly(cycle, team),
        {"action": "save", "monthly-help": "x" * (questions.MAX_ANSWER + 1)},
    )
    assert response.status_code == 422
    assert "characters" in response.content.decode()
    assert not Review.objects.exists()


def test_mid_cycle_page_and_save(client, admin, cycle, team, board):
    client.force_login(admin)
    url = reverse("review_mid_cycle", args=[cycle.id]) + f"?unit={team.id}"
    body = client.get(url).content.decode()
    for _, text in questions.MID_CYCLE:
        assert text in body
    response = client.post(url, {"action": "save", "mid-right-okrs": "Yes, but fewer."})
    assert response.status_code == 302
    assert Review.objects.get().answers == {"mid-right-okrs": "Yes, but fewer."}


def test_abandoning_through_the_review_needs_a_reason(client, admin, cycle, team, board):
    client.force_login(admin)
    url = reverse("review_mid_cycle", args=[cycle.id]) + f"?unit={team.id}"
    data = {"action": "abandon", "objective": str(board["objective"].id), "reason": ""}
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Say why the objective is abandoned." in response.content.decode()
    board["objective"].refresh_from_db()
    assert board["objective"].state == "draft"
    response = client.post(url, {**data, "reason": "The market moved: pricing matters more."})
    assert response.status_code == 302
    board["objective"].refresh_from_db()
    assert board["objective"].state == Objective.State.ABANDONED
    assert board["objective"].abandon_reason == "The market moved: pricing matters more."


def test_changing_a_target_through_the_review(client, admin, cycle, team, board):
    client.force_login(admin)
    review = _save(admin, cycle, team, kind="mid_cycle", period=None, answers={})
    url = reverse("review_mid_cycle", args=[cycle.id]) + f"?unit={team.id}"
    kr = board["kr"]
    data = {"action": "target", "key_result": str(kr.id), "target": "35", "reason": ""}
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Say why the target changes" in response.content.decode()
    response = client.post(url, {**data, "reason": "Seasonality: December is slow."})
    assert response.status_code == 302
    change = TargetChange.objects.get()
    assert (change.old_target, change.new_target, change.review) == (40, 35, review)
    body = client.get(url).content.decode()
    assert "Seasonality: December is slow." in body


def test_actions_on_another_cycles_objects_are_404(client, admin, cycle, team, board):
    other = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    client.force_login(admin)
    url = reverse("review_mid_cycle", args=[other.id])
    data = {"action": "target", "key_result": str(board["kr"].id), "target": "35", "reason": "x"}
    assert client.post(url, data).status_code == 404
    data = {"action": "abandon", "objective": str(board["objective"].id), "reason": "x"}
    assert client.post(url, data).status_code == 404
    assert not TargetChange.objects.exists()


@pytest.mark.parametrize(
    "month", ["2026-09", "2027-01", "2026-13", "2026-1", "november", "2026-11-01"]
)
def test_months_outside_the_cycle_are_404(client, admin, cycle, month):
    client.force_login(admin)
    assert client.get(_monthly(cycle, month=month)).status_code == 404


def test_foreign_units_and_cycles_are_404(client, admin, outsider, cycle, team):
    other_org_unit = f.make_unit(outsider.organization, "Theirs")
    client.force_login(admin)
    assert client.get(_monthly(cycle, other_org_unit)).status_code == 404
    assert client.get(_monthly(cycle) + "?unit=nonsense").status_code == 404
    client.force_login(outsider)
    assert client.get(_monthly(cycle)).status_code == 404
    assert client.get(reverse("review_mid_cycle", args=[cycle.id])).status_code == 404


def test_pages_need_a_login(client, cycle):
    response = client.get(_monthly(cycle))
    assert response.status_code == 302 and "login" in response["Location"]


def test_closed_cycle_pages_keep_the_notes_but_not_the_actions(client, admin, cycle, team, board):
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    client.force_login(admin)
    url = _monthly(cycle, team)
    body = client.get(url).content.decode()
    assert 'value="save"' in body
    assert 'value="target"' not in body and 'value="abandon"' not in body
    assert client.post(url, {"action": "save", "notes": "After the close"}).status_code == 302
    assert Review.objects.get().notes == "After the close"
    data = {"action": "target", "key_result": str(board["kr"].id), "target": "35", "reason": "x"}
    response = client.post(url, data)
    assert response.status_code == 422
    assert "is closed" in response.content.decode()


def test_the_review_board_returns_histories_and_leaves_the_objects_alone(
    org, admin, cycle, team, board
):
    """The page's markers come from the histories the selector returns, and what a person may
    do from rows (okrs.pages.board_rows): nothing is set on the objectives or key results."""
    from cadence.orgs.selectors import UnitTree
    from cadence.reviews import selectors

    tree = UnitTree.load(org)
    reviewed = selectors.review_board(
        org, cycle, team, tree, today=date(2026, 11, 16), viewer=f.ALL
    )
    assert [g.unit for g in reviewed.groups] == [team]
    assert [o.title for o in reviewed.groups[0].objectives] == ["Ship the new onboarding"]
    assert set(reviewed.histories) == {board["kr"].id}  # only the shown key results
    for objective in reviewed.board.objectives.values():
        assert not {"can_edit", "is_open", "parent_on_board"} & set(vars(objective.model))
        for kr in objective.krs:
            assert not {"history", "can_check_in", "objective"} & set(vars(kr.model))


def test_the_review_page_rows_say_who_checks_in(client, member, viewer, cycle, team, board):
    """The check-in button follows each reader's rights (the rows), and the markers still show."""
    check_in = reverse("key_result_check_in", args=[board["kr"].id])
    client.force_login(member)
    assert f'hx-get="{check_in}' in client.get(_monthly(cycle, team)).content.decode()
    client.force_login(viewer)
    assert f'hx-get="{check_in}' not in client.get(_monthly(cycle, team)).content.decode()
