"""Every write of the coach app: settings, dismissals, the wizard's drafts, and the check that
blocks saving an OKR with an error-level finding."""

from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.audit.services import audit_record, changes_between
from cadence.coach import checks
from cadence.coach import selectors as coach_selectors
from cadence.coach.models import CheckSetting, Dismissal
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_DISMISS_REASON
from cadence.okrs import permissions as okr_permissions
from cadence.okrs import selectors as okr_selectors
from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Organization, Person, Unit
from cadence.orgs.selectors import Access

MAX_REASON = MAX_DISMISS_REASON
# Checks that protect the arithmetic itself (progress divides by target − start): they stay on,
# at their level, whatever an organization chooses.
FIXED_CHECKS = {"kr-start-equals-target"}
# Which field of a form or API body an error-level finding is reported at.
FINDING_FIELDS = {"kr-start-equals-target": "target"}

# --- Settings, dismissals and enforcement -------------------------------------------------


def _require_member(actor: Person, organization_id) -> None:
    if actor.organization_id != organization_id or not actor.is_active:
        raise PermissionDenied("You are not part of this organization.")


# Who may (the services below and the pages ask the same predicates) ---------------------------


def can_change_settings(actor: Person) -> bool:
    """Whether ``actor`` switches checks on or off and sets their levels: organization admins."""
    return actor.is_active and actor.is_admin


def can_dismiss(actor: Person, unit: Unit, access: Access | None = None) -> bool:
    """Whether ``actor`` dismisses the coach's findings about ``unit`` and its OKRs, and takes
    such dismissals back: the unit's editors (docs/method.md §8.1). ``access``: the actor's,
    when the caller has it loaded."""
    if actor.organization_id != unit.organization_id or not actor.is_active:
        return False
    return (access or Access(actor)).can_edit_unit(unit)


SETTINGS_ADMINS_ONLY = "Only organization admins change the coach's settings."


def require_settings_admin(actor: Person) -> None:
    """PermissionDenied unless ``actor`` may change the coach's settings (the settings page
    refuses a POST by anyone else, even one that changes nothing)."""
    _require_member(actor, actor.organization_id)
    if not can_change_settings(actor):
        raise PermissionDenied(SETTINGS_ADMINS_ONLY)


def _require_unit_editor(actor: Person, unit: Unit) -> None:
    _require_member(actor, unit.organization_id)
    if not can_dismiss(actor, unit):
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins may do this.")


@transaction.atomic
def check_setting_update(
    *, actor: Person, check_id: str, enabled: bool, level: str | None = None
) -> CheckSetting:
    """Switch a check on or off for the organization, or set its level (None or "": the
    check's own level). Admins only."""
    require_settings_admin(actor)
    check = checks.CHECKS.get(check_id)
    if check is None:
        raise ValidationError({"check_id": f"There is no check called {check_id!r}."})
    level = level or ""
    if level and level not in checks.LEVELS:
        raise ValidationError({"level": "Choose error, warn or info."})
    if level == check.level:
        level = ""
    if check_id in FIXED_CHECKS and (not enabled or level):
        raise ValidationError(
            {
                "enabled": "This check protects the progress arithmetic: a target equal to its "
                "start can never be measured, so it stays on as an error."
            }
        )
    setting = (
        CheckSetting.objects.select_for_update()
        .filter(organization=actor.organization, check_id=check_id)
        .first()
    ) or CheckSetting(organization=actor.organization, check_id=check_id)
    # The level in effect (the check's own when none is set), before and after.
    before = {"enabled": setting.enabled, "level": setting.level or check.level}
    setting.enabled = bool(enabled)
    setting.level = level
    setting.changed_by = actor
    setting.save()
    changes = changes_between(before, {"enabled": setting.enabled, "level": level or check.level})
    if changes:
        audit_record(
            organization=actor.organization_id,
            kind="organization.coach_check_changed",
            actor=actor,
            target_type="coach.check",
            target_id=check_id,
            target_label=check.title,
            changes=changes,
        )
    return setting


@transaction.atomic
def check_settings_update(
    *, actor: Person, changes: list[tuple[str, bool, str | None]]
) -> list[CheckSetting]:
    """Several ``check_setting_update`` at once (the settings page's rows that changed: check
    id, enabled, level), all or none."""
    require_settings_admin(actor)
    return [
        check_setting_update(actor=actor, check_id=check_id, enabled=enabled, level=level)
        for check_id, enabled, level in changes
    ]


def _firing(
    organization: Organization,
    *,
    check_id: str,
    objective: Objective | None,
    key_result: KeyResult | None,
    unit: Unit | None,
    cycle: Cycle | None,
) -> coach_selectors.StoredFinding | None:
    """The finding of this check about this target as the coach sees it now, if it fires."""
    if unit is not None:
        live_scores = list(
            okr_selectors.objectives_of(organization, Sight.whole(organization.id))
            .filter(unit=unit, cycle=cycle)
            .exclude(state=Objective.State.ABANDONED)
            .values_list("score", flat=True)
        )
        raw = coach_selectors.unit_findings_raw(
            len(live_scores), tuple(s for s in live_scores if s is not None)
        )
        for f in checks.apply_settings(raw, coach_selectors.settings_of(organization)):
            if f.check == check_id:
                return coach_selectors.StoredFinding(
                    check=checks.CHECKS[f.check],
                    level=f.level,
                    message=f.message,
                    subject="unit",
                    unit=unit,
                )
        return None
    stored_objective = objective if objective is not None else key_result.objective
    # The coach's own judgement (is this finding still firing?), not a page: every objective.
    annotated, board = okr_selectors.objective_with_progress(
        organization, stored_objective, viewer=Sight.whole(organization.id)
    )
    found = coach_selectors.findings_for_objective(organization, annotated, board)
    for f in found.findings:
        if f.check_id != check_id:
            continue
        if key_result is not None and f.key_result is not None and f.key_result.id == key_result.id:
            return f
        if key_result is None and f.subject == "objective":
            return f
    return None


@transaction.atomic
def finding_dismiss(
    *,
    actor: Person,
    check_id: str,
    reason: str,
    objective: Objective | None = None,
    key_result: KeyResult | None = None,
    unit: Unit | None = None,
    cycle: Cycle | None = None,
) -> Dismissal:
    """Record that a warning or a piece of advice does not apply here, and why. Only a finding
    the coach currently makes can be dismissed; error-level findings must be fixed instead."""
    targets = [t for t in (objective, key_result, unit) if t is not None]
    if len(targets) != 1:
        raise ValidationError(
            "Dismiss a finding about exactly one objective, key result or unit (with its cycle)."
        )
    if unit is not None and cycle is None:
        raise ValidationError({"cycle": "Say in which cycle the unit was judged."})
    if key_result is not None:
        key_result = KeyResult.objects.select_related("objective__unit", "objective__cycle").get(
            pk=key_result.pk
        )
        editing_unit = key_result.objective.unit
    elif objective is not None:
        objective = Objective.objects.select_related("unit", "cycle").get(pk=objective.pk)
        editing_unit = objective.unit
    else:
        editing_unit = unit
    personal = key_result.objective if key_result is not None else objective
    if personal is not None and personal.owner_person_id is not None:
        if refusal := okr_permissions.objective_editor_refusal(actor, personal):
            raise refusal
    else:
        _require_unit_editor(actor, editing_unit)
    if cycle is not None and cycle.organization_id != actor.organization_id:
        raise ValidationError({"cycle": "Choose a cycle of this organization."})
    check = checks.CHECKS.get(check_id)
    if check is None:
        raise ValidationError({"check_id": f"There is no check called {check_id!r}."})
    subject = checks.KEY_RESULT if key_result else checks.OBJECTIVE if objective else checks.UNIT
    if check.subject != subject:
        what = subject.replace("_", " ")
        raise ValidationError({"check_id": f"“{check.title}” is not about a {what}."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this does not apply here."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    finding = _firing(
        actor.organization,
        check_id=check_id,
        objective=objective,
        key_result=key_result,
        unit=unit,
        cycle=cycle,
    )
    if finding is None:
        raise Conflict(
            {
                "check_id": f"The coach does not currently say “{check.title}” here: "
                "nothing to dismiss."
            }
        )
    if finding.level == checks.ERROR:
        raise Conflict(
            {
                "check_id": "A finding that needs fixing cannot be dismissed: fix it, or ask an "
                "admin to change this check's level in the coach settings."
            }
        )
    if finding.dismissal is not None or (
        unit is not None
        and Dismissal.objects.filter(check_id=check_id, unit=unit, cycle=cycle).exists()
    ):
        raise Conflict({"check_id": "This finding was already dismissed."})
    dismissal = Dismissal(
        organization=actor.organization,
        check_id=check_id,
        objective=objective,
        key_result=key_result,
        unit=unit,
        cycle=cycle if unit is not None else None,
        reason=reason,
        dismissed_by=actor,
    )
    dismissal.save()
    return dismissal


@transaction.atomic
def dismissal_withdraw(*, actor: Person, dismissal: Dismissal) -> None:
    """Take a dismissal back: the finding is open again. The unit's editors may."""
    dismissal = (
        Dismissal.objects.select_for_update()
        .filter(pk=dismissal.pk, organization_id=actor.organization_id)
        .first()
    )
    if dismissal is None:
        raise Conflict("This dismissal was already withdrawn.")
    unit = coach_selectors.dismissal_unit(dismissal)
    if unit is None:  # a personal objective's (or its key result's): its owner's
        objective = dismissal.objective or dismissal.key_result.objective
        if refusal := okr_permissions.objective_editor_refusal(actor, objective):
            raise refusal
    else:
        _require_unit_editor(actor, unit)
    dismissal.delete()


def blocking_errors(
    *,
    settings: checks.Settings,
    subject: str,
    draft: checks.KeyResultDraft | checks.ObjectiveDraft,
) -> dict[str, list[str]]:
    """The messages, by field, of the error-level findings that block saving this draft under
    these settings (none: it may be saved). Pure: callers judging many drafts (an import) load
    the settings once."""
    blockers = checks.may_block(settings, subject)
    if not blockers:
        return {}  # nothing can block: the text need not be read (an import judges thousands)
    if subject == checks.KEY_RESULT and blockers == {"kr-start-equals-target"}:
        found = [f for f in (checks.start_equals_target(draft),) if f is not None]
    elif subject == checks.KEY_RESULT:
        found = checks.check_key_result(draft)
    else:
        found = checks.check_objective(draft)
    errors: dict[str, list[str]] = {}
    for f in checks.blocking(checks.apply_settings(found, settings)):
        title = checks.CHECKS[f.check].title
        errors.setdefault(FINDING_FIELDS.get(f.check, "title"), []).append(
            f"{title}: {f.message} Fix this to save: your organization's coach treats it as an "
            "error."
        )
    return errors


def require_no_errors(
    *,
    organization: Organization | UUID,
    subject: str,
    draft: checks.KeyResultDraft | checks.ObjectiveDraft,
) -> None:
    """Refuse (ValidationError at the field) a key result or objective that an error-level
    finding judges, under the organization's settings. Judges what is being saved (as the live
    check does), not the stored context: a stale check-in never blocks an edit."""
    errors = blocking_errors(
        settings=coach_selectors.settings_of(organization), subject=subject, draft=draft
    )
    if errors:
        raise ValidationError(errors)


def require_no_errors_for(instance: Objective | KeyResult) -> None:
    """``require_no_errors`` for an objective or key result about to be saved (the okrs services
    call it after their own validation)."""
    if isinstance(instance, KeyResult):
        require_no_errors(
            organization=instance.organization_id,
            subject=checks.KEY_RESULT,
            draft=checks.KeyResultDraft(
                title=instance.title,
                kind=instance.kind,
                start=instance.start,
                target=instance.target,
                unit=instance.unit,
            ),
        )
    else:
        require_no_errors(
            organization=instance.organization_id,
            subject=checks.OBJECTIVE,
            draft=checks.ObjectiveDraft(
                title=instance.title, why=instance.why, unit_kind=checks.unit_kind_of(instance)
            ),
        )


# --- The OKR wizard ------------------------------------------------------------------------

WIZARD_MAX_KEY_RESULTS = 5
WIZARD_KR_FIELDS = ("title", "kind", "start", "target", "unit", "direction")


def _blank_row(row: dict) -> bool:
    return not str(row.get("title") or "").strip() and all(
        row.get(name) in (None, "") for name in ("start", "target", "unit")
    )


@transaction.atomic
def wizard_draft_create(
    *,
    actor: Person,
    cycle: Cycle,
    unit: Unit,
    title: str,
    why: str = "",
    commitment: str = Objective.Commitment.COMMITTED,
    parent: Objective | None = None,
    standalone_reason: str = "",
    key_results: list[dict],
) -> Objective:
    """Create a draft objective and its key results in one go (the wizard's last step).

    ``key_results`` holds up to five rows of title, kind, start, target, unit (and direction
    for a threshold); blank rows are ignored. All or nothing: a bad row raises a ValidationError
    keyed ``key_results-<row>-<field>`` (its position in the list given) and nothing is saved.
    """
    objective = okr_services.objective_create(
        actor=actor,
        cycle=cycle,
        unit=unit,
        title=title,
        why=why,
        commitment=commitment,
        parent=parent,
        owner=actor,
        state=Objective.State.DRAFT,
        # Why it aligns to nothing above it: only meaningful without a parent.
        standalone_reason="" if parent is not None else (standalone_reason or ""),
    )
    rows = [(i, row) for i, row in enumerate(key_results) if not _blank_row(row)]
    if len(rows) > WIZARD_MAX_KEY_RESULTS:
        raise ValidationError(
            {"key_results": f"Keep it to {WIZARD_MAX_KEY_RESULTS} key results at most."}
        )
    for i, row in rows:
        unknown = set(row) - set(WIZARD_KR_FIELDS)
        if unknown:
            raise ValidationError(f"Unknown key result fields: {', '.join(sorted(unknown))}.")
        try:
            okr_services.key_result_create(
                actor=actor,
                objective=objective,
                title=row.get("title") or "",
                kind=row.get("kind") or KeyResult.Kind.METRIC,
                start=row.get("start"),
                target=row.get("target"),
                unit=row.get("unit") or "",
                direction=row.get("direction") or "",
            )
        except ValidationError as error:
            raise ValidationError(_row_errors(i, error)) from error
    return objective


def _row_errors(index: int, error: ValidationError) -> dict[str, list[str]]:
    """A key result's errors keyed by its row: ``key_results-<row>-<field>``."""
    label = f"Key result {index + 1}"
    if not hasattr(error, "error_dict"):
        return {f"key_results-{index}-title": [f"{label}: {m}" for m in error.messages]}
    out: dict[str, list[str]] = {}
    for field, errors in error.error_dict.items():
        name = field if field in WIZARD_KR_FIELDS else "title"
        for e in errors:
            out.setdefault(f"key_results-{index}-{name}", []).extend(
                f"{label}: {m}" for m in e.messages
            )
    return out
