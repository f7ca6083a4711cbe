"""Organizations (tenants), their unit tree, people, memberships and API tokens."""

import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cadence.core.models import BaseModel

TIME_ZONES = sorted(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Unknown time zone.", code="invalid")


class Organization(BaseModel):
    class CycleKind(models.TextChoices):
        QUARTER = "quarter", "Quarter"
        HALF_YEAR = "half_year", "Half-year"

    name = models.CharField(max_length=200)
    default_cycle_kind = models.CharField(
        max_length=20, choices=CycleKind.choices, default=CycleKind.QUARTER
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    class GradingScheme(models.TextChoices):
        BANDS = "bands", "0.0–1.0 with bands"
        PERCENT = "percent", "Percent"
        TRAFFIC_LIGHT = "traffic_light", "Traffic light"

    # How end-of-cycle scores are shown (docs/method.md §3); the score itself is always 0.0–1.0.
    grading_scheme = models.CharField(
        max_length=16, choices=GradingScheme.choices, default=GradingScheme.BANDS
    )

    # Each integration can be switched off by an admin (Settings → Integrations); while off it
    # neither sends nor receives anything and its connections are kept (issue 15).
    calendar_feeds_on = models.BooleanField(default=True)
    email_replies_on = models.BooleanField(default=True)
    webhooks_on = models.BooleanField(default=True)
    channels_on = models.BooleanField(default=True)
    data_sources_on = models.BooleanField(default=True)

    class RolloutMode(models.TextChoices):
        PILOT = "pilot", "Pilot units"
        LEADS = "leads", "Team leads only"
        EVERYONE = "everyone", "Everyone"

    # Who the weekly rhythm asks for updates while Cadence is rolled out (docs/method.md §9):
    # people outside it are never reminded nor counted missing (orgs.rollout). The pilot units are
    # the units marked ``Unit.rollout_pilot``.
    rollout_mode = models.CharField(
        max_length=10, choices=RolloutMode.choices, default=RolloutMode.EVERYONE
    )

    INTEGRATIONS = {
        "calendar_feeds": "calendar_feeds_on",
        "email_replies": "email_replies_on",
        "webhooks": "webhooks_on",
        "channels": "channels_on",
        "data_sources": "data_sources_on",
    }

    def integration_on(self, name: str) -> bool:
        return bool(getattr(self, self.INTEGRATIONS[name]))

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager):
    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class Person(AbstractBaseUser, BaseModel):
    """A person: the login identity, belonging to exactly one organization."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"
        VIEWER = "viewer", "Viewer"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)
    # Notification preferences: the weekly reminder before the deadline, the team digest after.
    weekly_reminders = models.BooleanField(default=True)
    weekly_digests = models.BooleanField(default=True)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_erased(self) -> bool:
        """Their personal data was erased (``person_services.person_erase``)."""
        return self.email.startswith("erased-") and self.email.endswith("@invalid")

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_viewer(self) -> bool:
        return self.role == self.Role.VIEWER

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"


class Unit(BaseModel):
    """A node of the organization's tree: the company at the root, departments, teams."""

    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        DEPARTMENT = "department", "Department"
        TEAM = "team", "Team"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Rhythm settings (docs/method.md §1): when the weekly update is due, in the team's time zone.
    checkin_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.FRIDAY
    )
    checkin_time = models.TimeField(default="17:00")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # When an admin archived it (None: active). An archived unit keeps its history readable and
    # leaves the lists where new work is assigned (orgs.unit_services).
    archived_at = models.DateTimeField(null=True, blank=True)
    # Chosen by an admin as a pilot unit of the rollout (read only in the "pilot" mode): its
    # people, and those of the units below it, are in the rollout.
    rollout_pilot = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(kind="company"),
                name="unit_one_company_per_organization",
            ),
            models.CheckConstraint(
                condition=(Q(kind="company") & Q(parent__isnull=True))
                | (~Q(kind="company") & Q(parent__isnull=False)),
                name="unit_company_is_the_only_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(BaseModel):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        MEMBER = "member", "Member"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "person"], name="membership_unique_person")
        ]


class ApiToken(BaseModel):
    """A personal API token. Only its SHA-256 hash is stored; the secret is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
