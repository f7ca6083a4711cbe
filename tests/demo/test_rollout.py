"""The demo's rollout: everyone takes part, and the checklist is ticked but for the alignment
session, so the dashboard shows what is left."""

from django.urls import reverse

from cadence.onboarding.rollout_selectors import rollout_checklist
from cadence.onboarding.selectors import setup_checklist
from cadence.orgs.models import Person
from cadence.orgs.rollout_selectors import rollout_of


def test_the_demo_rolls_out_to_everyone_with_one_step_left(demo, client):
    assert rollout_of(demo).mode == "everyone"
    checklist = rollout_checklist(demo)
    assert [s.id for s in checklist.steps if not s.done] == ["alignment_session"]
    by = {s.id: s.done_by for s in checklist.steps}
    admin = Person.objects.get(organization=demo, role="admin")
    assert by["learn"] == str(admin.pk)
    assert {by[k] for k in ("levels", "company_objectives", "teams_drafted", "aligned")} == {"auto"}
    assert setup_checklist(admin) is None
    client.force_login(admin)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Rollout: 7 of 8 steps done" in html
    assert "Next: Hold the alignment session." in html
