"""An organization's sign-in policy (kept beside the organization, not on it, so that the
accounts app owns it), and invitations to join it."""

from django.db import models
from django.db.models import Q

from cadence.core.models import BaseModel
from cadence.orgs.models import Organization, Person, Unit


class SignInPolicy(BaseModel):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="sign_in_policy"
    )
    # Everyone must set up two-factor authentication before anything else.
    require_two_factor = models.BooleanField(default=False)


class Invitation(BaseModel):
    """An admin's invitation to join the organization: an email with a link that is valid for
    ``INVITATION_DAYS``. Only the SHA-256 hash of the link's secret is kept; resending makes a
    new secret (the old link stops working). Open: neither accepted nor revoked (it may have
    expired); one open invitation per address and organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=10, choices=Person.Role.choices, default=Person.Role.MEMBER)
    # The teams (or departments) the invitee joins as a member on accepting.
    units = models.ManyToManyField(Unit, blank=True, related_name="+")
    invited_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    # How many times the email was sent (1, then once more per resend): the queued email's key.
    sends = models.PositiveIntegerField(default=1)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Who accepted it (the person it made).
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]
        indexes = [models.Index(fields=["organization", "email"], name="invitation_org_email")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


# allauth's name for an organization's provider is this and the organization's id (its URLs
# /accounts/oidc/org-<id>/login/ and …/login/callback/).
PROVIDER_ID_PREFIX = "org-"


class SingleSignOn(BaseModel):
    """An organization's OpenID Connect provider (set by an admin on Settings → Single sign-on).
    allauth reads it through ``adapter.SocialAccountAdapter.list_apps`` as an unsaved SocialApp
    whose ``provider_id`` is ``provider_id`` below (never through allauth's SocialApp table)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="single_sign_on"
    )
    enabled = models.BooleanField(default=False)
    # The provider's name on the sign-in button ("Sign in with Okta").
    name = models.CharField(max_length=80)
    issuer = models.URLField(max_length=500)
    client_id = models.CharField(max_length=255)
    # Write-only in the pages: never rendered back.
    client_secret = models.CharField(max_length=1000, blank=True)
    # Nobody of the organization signs in with a password (admins still may: the way back in when
    # the provider fails).
    require_sso = models.BooleanField(default=False)

    @property
    def provider_id(self) -> str:
        return f"{PROVIDER_ID_PREFIX}{self.organization_id.hex}"

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer})"


class SingleSignOnDomain(BaseModel):
    """An email domain whose people may sign in (and be created) through an organization's
    provider. A domain belongs to one organization of the install: it is how the sign-in page
    finds the organization from an email address, and why another organization's provider can
    never speak for it."""

    single_sign_on = models.ForeignKey(
        SingleSignOn, on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain
