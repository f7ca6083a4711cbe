"""Every hook a lower app declares is answered once the apps are loaded, by the higher app
named in its declaration (so a lower app never runs without what it asks of the apps above)."""

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from cadence.core.hooks import Hook, Listeners, all_hooks

# The hooks modules of the apps (imported so that every declaration is seen).
HOOK_MODULES = [
    "cadence.orgs.hooks",
    "cadence.okrs.hooks",
    "cadence.kpis.hooks",
    "cadence.scheduling.hooks",
]


def _declared():
    for name in HOOK_MODULES:
        importlib.import_module(name)
    return all_hooks()


def test_every_required_hook_has_a_provider():
    missing = [h.name for h in _declared() if isinstance(h, Hook) and h.required and not h.provider]
    assert missing == []


@pytest.mark.parametrize(
    "hook,provider",
    [
        ("okrs.coach_gate", "cadence.coach.services.require_no_errors_for"),
        ("okrs.objective_started", "cadence.alignment.services.objective_started"),
        ("okrs.objective_realigned", "cadence.alignment.services.objective_realigned"),
        ("okrs.objective_propose", "cadence.alignment.services.objective_propose"),
        ("okrs.objective_approve", "cadence.alignment.services.objective_approve"),
        ("okrs.objective_reopen", "cadence.alignment.services.objective_reopen"),
        ("okrs.cycle_review_count", "cadence.reviews.selectors.cycle_review_count"),
        ("okrs.cycle_reviewed_months", "cadence.reviews.selectors.cycle_reviewed_months"),
    ],
)
def test_okrs_hooks_are_answered_by_the_apps_above(hook, provider):
    (declared,) = [h for h in _declared() if h.name == hook]
    module, _, name = provider.rpartition(".")
    assert declared.provider is getattr(importlib.import_module(module), name)


def test_a_kpis_data_source_is_told_by_integrations():
    (declared,) = [h for h in _declared() if h.name == "kpis.kpi_data_source"]
    selectors = importlib.import_module("cadence.integrations.selectors")
    assert isinstance(declared, Hook) and declared.provider is selectors.kpi_data_source_of


def test_a_new_organization_is_announced_to_weekly():
    (created,) = [h for h in _declared() if h.name == "orgs.organization_created"]
    assert isinstance(created, Listeners)
    weekly = importlib.import_module("cadence.weekly.services")
    assert weekly.categories_create_defaults in created.listeners


def test_a_required_hook_without_provider_fails_loudly():
    hook = Hook("tests.unanswered")
    try:
        with pytest.raises(ImproperlyConfigured, match="tests.unanswered"):
            hook()
    finally:
        from cadence.core import hooks

        hooks._HOOKS.remove(hook)
