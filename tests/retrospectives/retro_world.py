"""Shared data for the retrospective, department, company review, export and learnings tests."""

from cadence.okrs import services as okr_services
from cadence.orgs.selectors import company_unit
from tests import factories as f


def approved(admin, cycle, unit, title, *, commitment="committed", progress=None, **kw):
    """An approved objective (an admin starts it so) with one key result checked in at
    ``progress`` (0–100)."""
    objective = f.make_objective(
        admin, cycle, unit, title=title, commitment=commitment, state="approved", **kw
    )
    if progress is not None:
        kr = f.make_kr(admin, objective, title=f"{title} measure")
        okr_services.check_in_create(
            actor=admin, key_result=kr, value=progress, confidence="on_track"
        )
    objective.refresh_from_db()
    return objective


def build(org, admin, cycle, team):
    """The team has a committed objective at 0.5 (needs an explanation) and an aspirational one
    at 0.8 (succeeded); the company has one committed objective at 1.0."""
    missed = approved(admin, cycle, team, "Ship the onboarding flow", progress=50)
    stretch = approved(
        admin, cycle, team, "Delight every new customer", commitment="aspirational", progress=80
    )
    top = approved(admin, cycle, company_unit(org), "Customers stay with us", progress=100)
    return {"missed": missed, "stretch": stretch, "top": top}


LEARNINGS = [
    "Small weekly targets beat one big quarterly push",
    "Measure onboarding from the first login, not the signup",
    "Ask support for numbers before setting a target",
]


def retro_kwargs(**overrides):
    kw = {
        "answers": {"retro-success-wins": "The new sign-up page."},
        "overview": "A solid cycle: onboarding improved, the big launch slipped.",
        "satisfaction": "partly",
        "worked": "Pairing with support",
        "failed": "The launch plan",
        "learnings": list(LEARNINGS),
        "explanations": {},
    }
    kw.update(overrides)
    return kw
