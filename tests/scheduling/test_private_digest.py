"""A team's weekly digest is read as its recipient: an item linked to a private objective the
recipient may not see is left out of their email, and kept in the email of whoever may."""

from django.core import mail

from cadence.okrs.models import Objective
from cadence.scheduling import services as scheduling_services
from cadence.weekly import services as weekly_services
from tests import factories as f
from tests.scheduling.conftest import WEEK, berlin, join, make_team


def test_the_digest_leaves_out_what_its_reader_may_not_see(org, admin, alice, bob, board):
    squad = make_team(org, "Quiet squad", "Europe/Berlin")
    join(squad, alice)
    cycle = f.make_cycle(admin, name="Q4")
    private = f.make_objective(
        admin, cycle, squad, title="Reshape the support rota", visibility=Objective.Visibility.UNIT
    )
    weekly_services.item_create(
        actor=alice, person=alice, week=WEEK, category="plans", text="Draft the rota swap",
        objective=private,
    )  # fmt: skip
    weekly_services.item_create(
        actor=alice, person=alice, week=WEEK, category="plans", text="Ship the onboarding email"
    )
    scheduling_services.run_once(berlin(27, 17, 5))
    bodies = {
        m.to[0]: m.body + "".join(a[0] for a in getattr(m, "alternatives", []))
        for m in mail.outbox
        if m.extra_headers.get("X-Cadence-Kind") == "digest"
    }
    assert set(bodies) >= {alice.email, bob.email, board.email}
    assert "Draft the rota swap" in bodies[alice.email]
    for reader in (bob, board):
        assert "Ship the onboarding email" in bodies[reader.email]
        assert "Draft the rota swap" not in bodies[reader.email]
        assert "Reshape the support rota" not in bodies[reader.email]
