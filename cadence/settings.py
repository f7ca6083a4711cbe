"""Cadence settings: one file, every value from the environment with a safe default.

SQLite is the embedded default; set DATABASE_URL (postgres://user@host:port/name) for PostgreSQL.
"""

import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# The public development fallback: with DEBUG off, `cadence serve`, `cadence worker` and
# cadence/wsgi.py refuse to start on it (cadence/core/deploy.py), and `check --deploy` fails.
DEVELOPMENT_SECRET_KEY = "cadence-insecure-development-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_NAME = os.environ.get("SITE_NAME", "Cadence")
# The address people open Cadence at: links in emails start with it. Unset, it is the address
# `cadence serve` listens at by default: 127.0.0.1 on PORT (8000 without it).
SITE_URL = (
    os.environ.get("SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "template_partials",
    "ninja",
    # Before allauth: its templates (account/, mfa/, allauth/) override allauth's own.
    "cadence.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "cadence.core",
    "cadence.audit",
    "cadence.orgs",
    "cadence.mail",
    "cadence.okrs",
    "cadence.kpis",
    "cadence.coach",
    "cadence.alignment",
    "cadence.reviews",
    "cadence.scoring",
    "cadence.retrospectives",
    "cadence.planning",
    "cadence.weekly",
    "cadence.meetings",
    "cadence.ideas",
    "cadence.scheduling",
    "cadence.onboarding",
    "cadence.feed",
    "cadence.transfer",
    "cadence.integrations",
    "cadence.calendars",
    "cadence.mailin",
    "cadence.oneonones",
    "cadence.search",
    "cadence.web",
    "cadence.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, reading the signed-in person with their organization (one query).
    "cadence.accounts.middleware.SignedInMiddleware",
    "cadence.audit.context.AuditOriginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cadence.core.middleware.PrivatePagesMiddleware",
    "cadence.core.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cadence.accounts.middleware.RequireTwoFactorMiddleware",
    "cadence.accounts.middleware.ProviderUnreachableMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page (accounts/throttle).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cadence.urls"
WSGI_APPLICATION = "cadence.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cadence" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cadence.core.context_processors.site",
                "cadence.web.nav.header",
                "cadence.scheduling.context_processors.digest_follows",
            ],
            # ``|when:"j M Y"``, the ``date`` filter's output written fast, in every template
            # (cadence/core/dates.py).
            "builtins": ["cadence.core.templatetags.dates_ui"],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'cadence.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share the file safely.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_JIT_OFF", True
):
    # PostgreSQL's JIT compiles any query whose estimate passes jit_above_cost: for the pages'
    # queries at org-100k that was 30-40 ms of compiling to save microseconds (docs/decisions.md).
    # Sent as a connection option; behind pgbouncer, which refuses it, set DATABASE_JIT_OFF=0 and
    # turn JIT off on the database instead (docs/scaling.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"


def cache_from_url(url: str) -> dict:
    """The cache of rendered fragments (cadence/okrs/fragments.py) from CACHE_URL: unset, one
    in each process's memory; ``redis://host:6379/<db>`` (or ``rediss://``), one Redis shared by
    every process. Entries are found by keys made of what they show, so neither can be stale."""
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cadence",
            "OPTIONS": {"MAX_ENTRIES": 1000},  # a card is 5–15 KB
        }
    scheme = urlsplit(url).scheme
    if scheme not in ("redis", "rediss"):
        raise ImproperlyConfigured(
            f"CACHE_URL must be a redis:// or rediss:// address (e.g. redis://127.0.0.1:6379/0), "
            f"or unset for a cache in each process's memory; its scheme is {scheme or 'missing'!r}."
        )
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "").strip())}


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.Person"
AUTHENTICATION_BACKENDS = [
    # First: refuses any password check for a locked account or address (django-axes).
    "cadence.accounts.backends.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Wherever a password is set: the sign-in pages, password change and reset, `cadence createadmin`.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Accounts (django-allauth: sign-in, password reset, email change, two-factor; cadence/accounts).
# No public sign-up: people join by an admin (cadence/accounts/adapter.py closes it).
ACCOUNT_ADAPTER = "cadence.accounts.adapter.AccountAdapter"
MFA_ADAPTER = "cadence.accounts.adapter.MFAAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
# One address per person; a new one replaces it once confirmed by a link sent to it.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_FORMS = {
    "login": "cadence.accounts.forms.LoginForm",
    "add_email": "cadence.accounts.forms.AddEmailForm",
}
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Failed sign-ins are counted by django-axes (below), not by allauth's own per-process limit.
ACCOUNT_RATE_LIMITS = {"login_failed": None, "login": None}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

# Single sign-on: each organization's OpenID Connect provider, set by its admin (accounts.models.
# SingleSignOn, fed to allauth by accounts.adapter.SocialAccountAdapter; docs/decisions.md).
SOCIALACCOUNT_ADAPTER = "cadence.accounts.adapter.SocialAccountAdapter"
# People are found or created by the adapter (verified email, allowed domains, one organization),
# never by allauth's own sign-up form or its install-wide email matching.
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# Outbound HTTP (cadence/core/outbound.py: the SSO provider's discovery, keys and tokens) goes to
# public addresses only, over HTTPS; ALLOW_PRIVATE_OUTBOUND=1 allows private and loopback ones and
# plain HTTP (a provider inside the company network, tests); CADENCE_OUTBOUND_ALLOW (the documented
# name) and OUTBOUND_ALLOWED_NETWORKS (its earlier name, still read) list networks (CIDRs).
ALLOW_PRIVATE_OUTBOUND = env_bool("ALLOW_PRIVATE_OUTBOUND", False)
OUTBOUND_ALLOWED_NETWORKS = [
    n.strip()
    for name in ("CADENCE_OUTBOUND_ALLOW", "OUTBOUND_ALLOWED_NETWORKS")
    for n in os.environ.get(name, "").split(",")
    if n.strip()
]
# The optional Slack app (integrations, README "Slack and Microsoft Teams"): the app's signing
# secret verifies every request from Slack, its bot token opens the /cadence modal; the API's
# address is overridable for tests. Unset: the app's endpoints refuse every request.
SLACK_SIGNING_SECRET = os.environ.get("SLACK_SIGNING_SECRET", "")
SLACK_BOT_TOKEN = os.environ.get("SLACK_BOT_TOKEN", "")
SLACK_API_URL = os.environ.get("SLACK_API_URL") or "https://slack.com/api/"
# Data sources' SQL connections (cadence/integrations/sql.py): a JSON object of names to
# read-only connection URLs, e.g. {"sales": "postgres://readonly@db/sales",
# "sheet": "sqlite:////srv/data/metrics.db"}. Users pick a name; they never give a URL.
CADENCE_DATA_SOURCES = os.environ.get("CADENCE_DATA_SOURCES", "")
MFA_TOTP_ISSUER = SITE_NAME

# Sign-in throttling (django-axes, cadence/accounts/throttle.py): at most SIGN_IN_FAILURE_LIMIT
# failed attempts per account and, separately, per client address in AXES_COOLOFF_TIME hours;
# then even the right password is refused until the hour has passed or an admin unlocks it.
# API tokens that fail count for their address only.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = "cadence.accounts.throttle.lockout_parameters"
AXES_USERNAME_CALLABLE = "cadence.accounts.throttle.username"
AXES_CLIENT_IP_CALLABLE = "cadence.accounts.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "cadence.accounts.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy: name the header that carries the
# client's address (X-Forwarded-For: its last entry, the one the proxy added; X-Real-IP).
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip()

# The audit trail (cadence/audit): events older than this many days are deleted by the worker;
# 0 keeps them forever.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "730"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "cadence" / "static"]
# Hashed, compressed file names once `collectstatic` has written its manifest (production);
# plain names straight from the app's folders before that (demo, development, tests).
_MANIFEST = (STATIC_ROOT / "staticfiles.json").is_file()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _MANIFEST and not DEBUG and not env_bool("CADENCE_PLAIN_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Before collectstatic, STATIC_ROOT does not exist yet; WhiteNoise's warning about it is noise.
warnings.filterwarnings("ignore", message="No directory at: ")
# Serve straight from the app's static folders when collectstatic has not run (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
# Secure cookies by default when Cadence is reached over HTTPS (SITE_URL).
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", SITE_URL.startswith("https://"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# HTTPS in production (README "Running in production"): all off by default, so that
# `cadence serve` on http://127.0.0.1 works; set them once Cadence is served over HTTPS.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The header a TLS-terminating proxy sets to "https": SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto.
_PROXY_SSL_HEADER = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cadence@localhost")

# Replies to the reminder and digest emails become weekly items (cadence/mailin, README).
# CADENCE_REPLY_ADDRESS: the mailbox replies go to; each email carries a signed address of it
# (updates+<token>@example.com). Unset: the emails carry no reply address.
CADENCE_REPLY_ADDRESS = os.environ.get("CADENCE_REPLY_ADDRESS", "").strip()
# Days a reply address stays valid after the email that carried it.
CADENCE_REPLY_DAYS = int(os.environ.get("CADENCE_REPLY_DAYS", "14"))
# The worker reads unseen replies from this mailbox each turn (imaps://user:pass@host:993/INBOX;
# imap:// only for a server on this machine).
CADENCE_IMAP_URL = os.environ.get("CADENCE_IMAP_URL", "").strip()
# Inbound webhooks (django-anymail) at /integrations/mail-in/<provider>/: Mailgun signs its
# posts (the webhook signing key); Postmark and the others sign in with ANYMAIL_WEBHOOK_SECRET
# ("user:password" in the URL the provider posts to). A provider without its secret is off.
ANYMAIL = {
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", "").strip() or None,
    "MAILGUN_WEBHOOK_SIGNING_KEY": os.environ.get("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY", "").strip()
    or None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
