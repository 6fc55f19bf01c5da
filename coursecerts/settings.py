"""coursecerts settings: one module, driven by environment variables (each is listed in README.md and
.env.example). Nothing here needs a value to start: the defaults are the embedded single-machine set-up
(SQLite under var/, eager Celery, local files)."""

import re
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from coursecerts.env import env_bool, env_choice, env_database, env_int, env_json, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("COURSECERTS_VAR_DIR", "var")).resolve()


def _secret_key() -> str:
    """SECRET_KEY (or SECRET_KEY_FILE); otherwise a random key kept in var/secret_key, made on first start."""
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    try:
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and {path} cannot be written ({exc.strerror}); set SECRET_KEY"
        ) from exc


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Open Badges issuer keys are encrypted with this key-encryption key: Fernet keys, comma-separated, the first
# encrypts (README "Open Badges credentials"). Unset: a key generated in var/credentials_kek (embedded default
# only: system check credentials.E001 stops a start on PostgreSQL/MySQL without it).
CREDENTIALS_KEY_ENCRYPTION_KEY = env_str("CREDENTIALS_KEY_ENCRYPTION_KEY", "")

# --- HTTPS (Django's names; README "Running in production") ------------------------------------------------
# Secure by default when SITE_URL is https: redirect http to https, HSTS for a year, cookies only over https.
_HTTPS = SITE_URL.startswith("https://")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _HTTPS)


def _proxy_ssl_header() -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto,https: the header and value by which the TLS-terminating proxy
    says a request came over https (Django's tuple; the header may be given as sent or as HTTP_X_...)."""
    raw = env_str("SECURE_PROXY_SSL_HEADER", "")
    if not raw:
        return None
    header, comma, value = raw.partition(",")
    header, value = header.strip().upper().replace("-", "_"), value.strip()
    if not comma or not header or not value:
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={raw!r} is not HEADER,VALUE (X-Forwarded-Proto,https)"
        )
    return (header if header.startswith("HTTP_") else f"HTTP_{header}", value)


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header()

# --- Content-Security-Policy (django-csp; README "Security headers") ----------------------------------------
# No inline script anywhere: our pages load theirs from static files; the API docs' inline script and style carry
# the request's nonce. Images may come from object storage (logos, signatures) and cannot run code. Pages drawn
# from operators' templates also allow inline and external styles (web/csp.py), never script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": ["*", "data:"],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Who may show our pages in a frame (an LMS embedding the certificate page): origins, space- or comma-separated,
# such as "https://lms.example.com 'self'"; default 'none'. X-Frame-Options agrees: DENY with 'none', SAMEORIGIN
# with 'self' alone, and not sent when other origins are allowed (browsers then follow frame-ancestors).
# (Not kept as a CSP_* setting: django-csp 4 stops the start on any setting named like its old ones, csp.E001.)
_FRAME_ANCESTORS = env_str("CSP_FRAME_ANCESTORS", "'none'").replace(",", " ").split() or ["'none'"]
CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-ancestors"] = _FRAME_ANCESTORS
X_FRAME_OPTIONS = "DENY" if _FRAME_ANCESTORS == ["'none'"] else "SAMEORIGIN"

INSTALLED_APPS = [
    "coursecerts.admin_site.CoursecertsAdminConfig",  # django.contrib.admin, its index grouped for course teams
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "coursecerts.common",
    "coursecerts.courses",
    "coursecerts.learners",
    "coursecerts.enrollments",
    "coursecerts.grades",
    "coursecerts.verify_student",
    "coursecerts.certificates",
    "coursecerts.credentials",
    "coursecerts.events",
    "coursecerts.events.webhooks",
    "coursecerts.notifications",  # email to learners, the learner's page (README "The learner's side")
    "coursecerts.api",
    "coursecerts.openedx",
    "coursecerts.ops",
    "coursecerts.accounts",  # signing in: accounts and single sign-on at /accounts/ (README)
    "social_django",  # social-auth's identities, nonces and partial pipelines (single sign-on)
    "coursecerts.console",  # the course-team console at /console/ (README "The course-team console")
    "axes",
]

MIDDLEWARE = [
    "coursecerts.ops.middleware.OpsMiddleware",  # request metrics and X-Request-ID (README "Metrics", "Logs")
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: the lockout page for a locked-out login
]
if _FRAME_ANCESTORS not in (["'none'"], ["'self'"]):
    MIDDLEWARE.remove("django.middleware.clickjacking.XFrameOptionsMiddleware")

ROOT_URLCONF = "coursecerts.urls"
WSGI_APPLICATION = "coursecerts.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'coursecerts.sqlite3'}")}
_db = DATABASES["default"]
_db.setdefault("OPTIONS", {})
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE avoids "database is locked" on upgrade to write.
    _db["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    _db["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    _db["OPTIONS"].setdefault("timeout", 20)
elif _db["ENGINE"] == "django.db.backends.mysql":
    import pymysql

    pymysql.install_as_MySQLdb()
    _db["OPTIONS"].setdefault("charset", "utf8mb4")
    _db["OPTIONS"].setdefault("isolation_level", "read committed")
    _db.setdefault("TEST", {}).update({"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"})
# Kept connections, except under the development server: it serves each request in a new thread, and a connection
# kept per thread would fill the database server's connections.
_db["CONN_MAX_AGE"] = 0 if sys.argv[1:2] == ["runserver"] else env_int("DATABASE_CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- logins: django-axes locks a username from an address out after repeated failures (README "Security") -------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "coursecerts.common.rate_limits.client_address"  # NUM_PROXIES, as rate limits
AXES_USERNAME_FORM_FIELD = "username"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# --- signing in to the console (coursecerts/accounts; README "Signing in to the console"; ADR 0022) -------------
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/console/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Single sign-on through social-auth. Both backends are always installed; one is offered when its KEY is set.
AUTHENTICATION_BACKENDS += [
    "coursecerts.accounts.backends.EdXOAuth2",  # "Sign in with Open edX": the LMS as OAuth2 provider
    "social_core.backends.open_id_connect.OpenIdConnectAuth",  # any OpenID Connect provider
]
# The LMS's OAuth2 application for coursecerts, under the names Open edX's services give these settings.
# URL_ROOT is how coursecerts reaches the LMS, PUBLIC_URL_ROOT how browsers do (when they differ).
SOCIAL_AUTH_EDX_OAUTH2_KEY = env_str("SOCIAL_AUTH_EDX_OAUTH2_KEY", "")
SOCIAL_AUTH_EDX_OAUTH2_SECRET = env_str("SOCIAL_AUTH_EDX_OAUTH2_SECRET", "")
SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = env_str("SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT", "").rstrip("/")
SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT = env_str("SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT", "").rstrip("/")
SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL = env_str("SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL", "")
# Any OpenID Connect provider (social-core's names): its issuer URL (where /.well-known/openid-configuration is),
# the client id and secret, the claim that holds the coursecerts username, and the name on the button.
SOCIAL_AUTH_OIDC_OIDC_ENDPOINT = env_str("SOCIAL_AUTH_OIDC_OIDC_ENDPOINT", "").rstrip("/")
SOCIAL_AUTH_OIDC_KEY = env_str("SOCIAL_AUTH_OIDC_KEY", "")
SOCIAL_AUTH_OIDC_SECRET = env_str("SOCIAL_AUTH_OIDC_SECRET", "")
SOCIAL_AUTH_OIDC_USERNAME_KEY = env_str("SOCIAL_AUTH_OIDC_USERNAME_KEY", "preferred_username")
SOCIAL_AUTH_OIDC_PROVIDER_NAME = env_str("SOCIAL_AUTH_OIDC_PROVIDER_NAME", "")
for _prefix, _needed in (
    ("SOCIAL_AUTH_EDX_OAUTH2", ("SECRET", "URL_ROOT")),
    ("SOCIAL_AUTH_OIDC", ("SECRET", "OIDC_ENDPOINT")),
):
    _missing = [
        f"{_prefix}_{n}" for n in _needed if globals()[f"{_prefix}_KEY"] and not globals()[f"{_prefix}_{n}"]
    ]
    if _missing:
        raise ImproperlyConfigured(f"{_prefix}_KEY is set: set {' and '.join(_missing)} too")
for _name in (
    "SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT",
    "SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT",
    "SOCIAL_AUTH_EDX_OAUTH2_LOGOUT_URL",
    "SOCIAL_AUTH_OIDC_OIDC_ENDPOINT",
):
    if globals()[_name] and not re.match(r"https?://[^/?#\s]+", globals()[_name]):
        raise ImproperlyConfigured(
            f"{_name}={globals()[_name]!r} is not an http(s) URL (https://lms.example.org)"
        )
SOCIAL_AUTH_URL_NAMESPACE = "accounts"
SOCIAL_AUTH_REDIRECT_IS_HTTPS = _HTTPS
SOCIAL_AUTH_USER_FIELDS = ["username", "email"]
SOCIAL_AUTH_RAISE_EXCEPTIONS = False
SOCIAL_AUTH_LOGIN_ERROR_URL = LOGIN_URL
# social-auth's steps, with ours (accounts/pipeline.py) where it would pick or invent a username: the identity
# signs in as the coursecerts user with its username claim (the LMS username), so its course roles apply.
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    "coursecerts.accounts.pipeline.match_user",
    "social_core.pipeline.user.create_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
)

# --- i18n, time -----------------------------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
# The languages the service speaks: the certificate page and PDF, the learners' emails and page, the console and its
# sign-in (README "Languages"). LocaleMiddleware picks among them; each app's locale/ has a catalogue for each.
LANGUAGES = [
    ("en", "English"),
    ("ar", "العربية"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt-br", "Português (Brasil)"),
    ("zh-hans", "简体中文"),
]
# Django's date formats, completed where a language lacks one (Arabic's short date-time fell back to US m/d/Y).
FORMAT_MODULE_PATH = ["coursecerts.common.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media"))).resolve()


def _s3_options(prefix: str, *, bucket_default: str = "", location: str = "") -> dict:
    """django-storages S3Storage options from <prefix>_* variables (any S3-compatible endpoint)."""
    bucket = env_str(f"{prefix}_BUCKET", bucket_default)
    if not bucket:
        raise ImproperlyConfigured(f"{prefix}_BUCKET is required with S3 storage")
    return {
        "bucket_name": bucket,
        "location": location,
        "endpoint_url": env_str(f"{prefix}_ENDPOINT_URL", "") or None,
        "region_name": env_str(f"{prefix}_REGION", "") or None,
        "access_key": env_str(f"{prefix}_ACCESS_KEY_ID", "") or None,
        "secret_key": env_str(f"{prefix}_SECRET_ACCESS_KEY", "") or None,
        "file_overwrite": False,
        "querystring_auth": True,
    }


# Where coursecerts keeps its own files (rendered PDFs, logos, signatures, template assets): MEDIA_ROOT, or
# an S3-compatible bucket (STORAGE_BACKEND=s3 and the S3_* variables).
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "local", ("local", "s3"))
# Rendered certificate PDFs are private: never served at MEDIA_URL, only through /certificates/<id>/pdf, which
# checks the certificate first (ADR 0011). Locally a folder outside MEDIA_ROOT; with STORAGE_BACKEND=s3 this
# prefix of the S3_BUCKET, written with a private ACL (keep it out of any public bucket policy).
CERTIFICATE_PDF_ROOT = Path(env_str("CERTIFICATE_PDF_ROOT", str(VAR_DIR / "private"))).resolve()
CERTIFICATE_PDF_S3_PREFIX = env_str("CERTIFICATE_PDF_S3_PREFIX", "private").strip("/")
# Where the legacy Open edX PDF certificates are (CERT_BUCKET of edx-certificates): a local folder, or a bucket
# (LEGACY_CERT_STORAGE_BACKEND=s3 and the LEGACY_CERT_S3_* variables). retire_learner deletes files there.
LEGACY_CERT_STORAGE_BACKEND = env_choice("LEGACY_CERT_STORAGE_BACKEND", "local", ("local", "s3"))
LEGACY_CERT_ROOT = Path(env_str("LEGACY_CERT_ROOT", str(VAR_DIR / "legacy-certificates"))).resolve()
LEGACY_CERT_PREFIX = env_str("LEGACY_CERT_PREFIX", "").strip("/")


def _path_template(name: str, default: str) -> str:
    """A legacy file path template: may use {download_uuid} and {verify_uuid}, nothing else."""
    value = env_str(name, default)
    try:
        value.format(download_uuid="d", verify_uuid="v")
    except (KeyError, IndexError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{name}={value!r} may only use {{download_uuid}} and {{verify_uuid}} ({exc!r})"
        ) from None
    return value


# The four files of a legacy PDF certificate, relative to the bucket and prefix (edx-certificates gen_cert.py).
LEGACY_CERT_PDF_PATH = _path_template("LEGACY_CERT_PDF_PATH", "downloads/{download_uuid}/Certificate.pdf")
LEGACY_CERT_SIGNATURE_PATH = _path_template(
    "LEGACY_CERT_SIGNATURE_PATH", "cert/{verify_uuid}/Certificate.pdf.sig"
)
LEGACY_CERT_VALID_PATH = _path_template("LEGACY_CERT_VALID_PATH", "cert/{verify_uuid}/valid.html")
LEGACY_CERT_VERIFY_PATH = _path_template("LEGACY_CERT_VERIFY_PATH", "cert/{verify_uuid}/verify.html")
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options("S3")}
        if STORAGE_BACKEND == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "certificate_pdfs": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**_s3_options("S3", location=CERTIFICATE_PDF_S3_PREFIX), "default_acl": "private"},
        }
        if STORAGE_BACKEND == "s3"
        else {"BACKEND": "coursecerts.certificates.storage.CertificatePdfStorage"}
    ),
    "legacy_certificates": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": _s3_options("LEGACY_CERT_S3", location=LEGACY_CERT_PREFIX),
        }
        if LEGACY_CERT_STORAGE_BACKEND == "s3"
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(LEGACY_CERT_ROOT / LEGACY_CERT_PREFIX)},
        }
    ),
}

# --- Celery ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# No broker: run tasks in-process (eager). With a broker: real workers, unless forced eager.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    # In-process broker (eager tasks). Named with a host: Celery still opens a producer for an eager task, and
    # kombu warns "No hostname was supplied" for a bare memory://.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Celery's task_routes as a JSON object, {"task name or pattern": {"queue": "name"}}: tasks routed to other queues
# than the default (each queue needs a worker started with `-Q <queue>`). LEARNER_EMAIL_QUEUE adds its route here.
CELERY_TASK_ROUTES = env_json("CELERY_TASK_ROUTES", {})
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The outbox (ADR 0013): work a data change owes is recorded in its transaction and drained after the commit,
# every OUTBOX_DRAIN_INTERVAL_SECONDS by Celery beat (`celery -A coursecerts beat`), and by `drain_outbox`.
OUTBOX_DRAIN_INTERVAL_SECONDS = env_int("OUTBOX_DRAIN_INTERVAL_SECONDS", 60, minimum=1)
# How long a drainer may hold an entry without renewing its claim before another drainer takes it over.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300, minimum=1)
# Done entries are deleted by the periodic drain after this many days.
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 7, minimum=0)

# --- certificate events out: the Open edX event bus (README "Certificate events"; ADR 0015) ---------------------
# Open edX's names. No producer: nothing is published (events still wait in the outbox for the other sinks).
# edx_event_bus_redis.create_producer (Redis streams) or edx_event_bus_kafka.create_producer (the `kafka` extra).
EVENT_BUS_PRODUCER = env_str("EVENT_BUS_PRODUCER", "")
EVENT_BUS_REDIS_CONNECTION_URL = env_str("EVENT_BUS_REDIS_CONNECTION_URL", "") or None
EVENT_BUS_TOPIC_PREFIX = env_str("EVENT_BUS_TOPIC_PREFIX", "")  # wire topic: <prefix>-<topic>
EVENT_BUS_REDIS_STREAM_MAX_LEN = env_int("EVENT_BUS_REDIS_STREAM_MAX_LEN", 10_000, minimum=1)
EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS = env_str("EVENT_BUS_KAFKA_BOOTSTRAP_SERVERS", "") or None
EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL = env_str("EVENT_BUS_KAFKA_SCHEMA_REGISTRY_URL", "") or None
EVENT_BUS_KAFKA_API_KEY = env_str("EVENT_BUS_KAFKA_API_KEY", "") or None
EVENT_BUS_KAFKA_API_SECRET = env_str("EVENT_BUS_KAFKA_API_SECRET", "") or None
EVENT_BUS_KAFKA_SCHEMA_REGISTRY_API_KEY = env_str("EVENT_BUS_KAFKA_SCHEMA_REGISTRY_API_KEY", "") or None
EVENT_BUS_KAFKA_SCHEMA_REGISTRY_API_SECRET = env_str("EVENT_BUS_KAFKA_SCHEMA_REGISTRY_API_SECRET", "") or None
# The event metadata's source is openedx/<EVENTS_SERVICE_NAME>/web (openedx-events' name).
EVENTS_SERVICE_NAME = env_str("EVENTS_SERVICE_NAME", "coursecerts")
_CERTIFICATE_TOPIC = {
    "learning-certificate-lifecycle": {"event_key_field": "certificate.course.course_key", "enabled": True}
}
# {event_type: {topic: {"event_key_field": ..., "enabled": ...}}} as in Open edX; a JSON object in the
# environment replaces the default (the three certificate events on the LMS's topic).
EVENT_BUS_PRODUCER_CONFIG = env_json(
    "EVENT_BUS_PRODUCER_CONFIG",
    {
        f"org.openedx.learning.certificate.{kind}.v1": _CERTIFICATE_TOPIC
        for kind in ("created", "changed", "revoked")
    },
)
# The relay (`coursecerts relay_events`): events handed to a sink per batch, seconds between polls when idle,
# how long an id passed over (its transaction still open) is awaited, and days sent events are kept.
EVENT_RELAY_BATCH_SIZE = env_int("EVENT_RELAY_BATCH_SIZE", 1000, minimum=1)
EVENT_RELAY_POLL_SECONDS = env_int("EVENT_RELAY_POLL_SECONDS", 1, minimum=1)
EVENT_RELAY_GAP_SECONDS = env_int("EVENT_RELAY_GAP_SECONDS", 900, minimum=1)
EVENT_OUTBOX_RETENTION_DAYS = env_int("EVENT_OUTBOX_RETENTION_DAYS", 7, minimum=0)
# Seconds between relays run by Celery beat (events.tasks.relay_events), for operators who prefer it to the
# `relay_events` worker; 0: not scheduled.
EVENT_RELAY_BEAT_SECONDS = env_int("EVENT_RELAY_BEAT_SECONDS", 0, minimum=0)

# --- events in: the LMS's event bus (coursecerts/openedx, README "Events in (the LMS's event bus)", ADR 0021) -----
# `coursecerts consume_events -t TOPIC -g GROUP` makes its consumer with EVENT_BUS_CONSUMER, as Open edX does:
# coursecerts' own acknowledges a message once the inbox holds it, and applies events in batches.
EVENT_BUS_CONSUMER = env_str("EVENT_BUS_CONSUMER", "coursecerts.openedx.consumer.InboxRedisConsumer")
# Seconds a consumer waits for new messages in one read: below redis-py's 5-second socket timeout.
EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT = env_int("EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT", 1, minimum=1)
# Events recorded and applied together (one transaction per course of a batch), and the longest an event waits
# for its batch to fill.
EVENTS_INBOX_BATCH_SIZE = env_int("EVENTS_INBOX_BATCH_SIZE", 1000, minimum=1)
EVENTS_INBOX_BATCH_MILLISECONDS = env_int("EVENTS_INBOX_BATCH_MILLISECONDS", 500, minimum=1)
# Days applied, skipped and discarded events are kept (`coursecerts inbox_events prune`).
EVENTS_INBOX_KEEP_DAYS = env_int("EVENTS_INBOX_KEEP_DAYS", 7, minimum=0)


# --- webhooks (coursecerts/events/webhooks, README "Webhooks") ------------------------------------------------
# Endpoints on loopback, private, link-local, multicast or reserved addresses are refused (at registration and at
# each delivery) unless this is true: a receiver on the same host or network.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)


def _retry_schedule(name: str, default: str) -> tuple[int, ...]:
    """Seconds to wait before each retry, comma-separated: "5,300" is 3 attempts (now, +5 s, +5 min)."""
    raw = env_str(name, default)
    try:
        delays = tuple(int(part) for part in raw.split(","))
    except ValueError:
        delays = ()
    if not delays or min(delays) < 0:
        raise ImproperlyConfigured(f"{name}={raw!r} must be whole numbers of seconds, comma-separated")
    return delays


# The Standard Webhooks schedule: an attempt at once, then retries 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h
# after each failure (with up to 10% jitter); a message is failed after the last.
WEBHOOK_RETRY_SCHEDULE = _retry_schedule("WEBHOOK_RETRY_SCHEDULE", "5,300,1800,7200,18000,36000,36000")
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 15, minimum=1)
# Deliveries in flight at once, per relay process.
WEBHOOK_DELIVERY_THREADS = env_int("WEBHOOK_DELIVERY_THREADS", 16, minimum=1)
# After a secret rotation, messages are signed with the old secret too for this long (unless the call says).
WEBHOOK_SECRET_GRACE_SECONDS = env_int("WEBHOOK_SECRET_GRACE_SECONDS", 86400)


# --- email to learners (coursecerts/notifications; README "The learner's side"; ADR 0023) ----------------------
# EMAIL_URL (django-environ's email_url: smtp+tls://user:password@host:587, smtp+ssl://host:465,
# consolemail://, filemail:///path) or Django's EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS, EMAIL_USE_SSL. Neither: emails are written as files under var/emails (the embedded default: the
# demo needs no mail server). EMAIL_BACKEND overrides the backend either way.
def _email_settings() -> dict:
    """The backend and server from EMAIL_URL, else from the EMAIL_* variables, else the file backend."""
    url = env_str("EMAIL_URL", "")
    if url:
        try:
            return environ.Env.email_url_config(url)
        except Exception as exc:  # django-environ raises several types for malformed URLs
            raise ImproperlyConfigured(f"EMAIL_URL is not a valid email URL: {exc}") from None
    if env_str("EMAIL_HOST", ""):
        return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}


_EMAIL = _email_settings()
EMAIL_BACKEND = env_str("EMAIL_BACKEND", _EMAIL["EMAIL_BACKEND"])
EMAIL_HOST = _EMAIL.get("EMAIL_HOST") or env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = _EMAIL.get("EMAIL_PORT") or env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER") or env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD") or env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = bool(_EMAIL.get("EMAIL_USE_TLS")) or env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = bool(_EMAIL.get("EMAIL_USE_SSL")) or env_bool("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = Path(
    _EMAIL.get("EMAIL_FILE_PATH") or env_str("EMAIL_FILE_PATH", str(VAR_DIR / "emails"))
).resolve()
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)  # seconds an SMTP server may take to answer
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "coursecerts <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Learners are emailed when a certificate is issued (a course team can turn it off per run); false: never.
LEARNER_EMAILS_ENABLED = env_bool("LEARNER_EMAILS_ENABLED", True)
# Emails rendered and handed to the mail server on one connection, per batch.
LEARNER_EMAIL_BATCH_SIZE = env_int("LEARNER_EMAIL_BATCH_SIZE", 200, minimum=1)
# SMTP connections a sender uses at once for a batch (threads: while one waits for the server, another builds).
LEARNER_EMAIL_CONNECTIONS = env_int("LEARNER_EMAIL_CONNECTIONS", 1, minimum=1)
# Seconds before each retry of an email the server did not take: "60,600" is 3 attempts; failed after the last.
LEARNER_EMAIL_RETRY_SCHEDULE = _retry_schedule("LEARNER_EMAIL_RETRY_SCHEDULE", "60,600,3600,21600,86400")
# The Celery queue of the task that sends the learner emails; empty: the default queue, shared with the generation
# chunks. With few workers, a queue of their own (and a worker started with `-Q <queue>`) keeps a course-wide run's
# issue emails from slowing its chunks. (Open edX's ACE_ROUTING_KEY does this for edx-ace, which coursecerts does
# not use.)
LEARNER_EMAIL_QUEUE = env_str("LEARNER_EMAIL_QUEUE", "")


def _learner_email_routes(routes: dict, queue: str) -> dict:
    """The task routes with the learner emails' task on `queue` (unchanged without one). CELERY_TASK_ROUTES routing
    the same task to another queue contradicts it: that stops the start."""
    if not queue:
        return routes
    task = "coursecerts.notifications.tasks.send_learner_emails"
    if routes.get(task, queue) not in (queue, {"queue": queue}):
        raise ImproperlyConfigured(
            f"CELERY_TASK_ROUTES routes {task} to {routes[task]!r} and LEARNER_EMAIL_QUEUE to {queue!r}: set one"
        )
    return {**routes, task: {"queue": queue}}


CELERY_TASK_ROUTES = _learner_email_routes(CELERY_TASK_ROUTES, LEARNER_EMAIL_QUEUE)
# How long the signed link to a learner's page of certificates (in their emails, or minted by the platform) works.
LEARNER_PAGE_LINK_MAX_AGE_DAYS = env_int("LEARNER_PAGE_LINK_MAX_AGE_DAYS", 90, minimum=1)

# --- certificate rules (Open edX names) -----------------------------------------------------------------
# When grade, allowlist, ID-verification and enrollment triggers generate certificates (Open edX waffle switch
# certificates.auto_certificate_generation). It never decides whether a learner is eligible.
AUTO_CERTIFICATE_GENERATION = env_bool("AUTO_CERTIFICATE_GENERATION", True)
# Learners in verified-type modes need an approved, unexpired ID verification.
ENABLE_CERTIFICATES_IDV_REQUIREMENT = env_bool("ENABLE_CERTIFICATES_IDV_REQUIREMENT", False)
# Honor-mode learners get no certificate.
DISABLE_HONOR_CERTIFICATES = env_bool("DISABLE_HONOR_CERTIFICATES", False)
# Web (HTML) certificates, globally. A run also needs its own cert_html_view_enabled flag.
CERTIFICATES_HTML_VIEW = env_bool("CERTIFICATES_HTML_VIEW", True)
# purge_pii_from_generatedcertificates also blanks names in certificate history.
REDACT_CERTIFICATES_HISTORICAL_PII = env_bool("REDACT_CERTIFICATES_HISTORICAL_PII", False)
# Course-wide generation: learners per chunk (one task, one transaction), and the lease of a worker on its chunk:
# the worker renews it every quarter lease while it writes (a heartbeat), so a chunk whose worker died is taken
# over within a lease of its last heartbeat (ADR 0007).
CERTIFICATE_GENERATION_CHUNK_SIZE = env_int("CERTIFICATE_GENERATION_CHUNK_SIZE", 2000, minimum=1)
CERTIFICATE_GENERATION_LEASE_SECONDS = env_int("CERTIFICATE_GENERATION_LEASE_SECONDS", 60, minimum=1)
# Redis (and SQS): a message whose worker died unacknowledged is delivered again after this many seconds. At least
# a lease, so that it finds its chunk's lease expired; longer than the longest task (a longer task is delivered
# a second time while it runs; a chunk's claim makes that harmless, and other tasks are idempotent).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int(
        "CELERY_BROKER_VISIBILITY_TIMEOUT",
        max(300, 5 * CERTIFICATE_GENERATION_LEASE_SECONDS),
        minimum=CERTIFICATE_GENERATION_LEASE_SECONDS,
    )
}
# `celery -A coursecerts beat` queues again the chunks of runs whose workers died (services.generation_jobs),
# and drains the outbox (events.tasks).
CELERY_BEAT_SCHEDULE = {
    "recover-generation-jobs": {
        "task": "coursecerts.certificates.tasks.recover_generation_jobs",
        "schedule": float(CERTIFICATE_GENERATION_LEASE_SECONDS),
    },
    "drain-outbox": {
        "task": "coursecerts.events.tasks.drain_outbox",
        "schedule": float(OUTBOX_DRAIN_INTERVAL_SECONDS),
        "kwargs": {"purge": True},
    },
}
# Name corrections, expiry and renewal (README "Name corrections, expiry and renewal"; ADRs 0024, 0025): how long
# a signed name-correction link stays usable, how many weeks before expiry the learner is told, and how often
# celery beat looks for certificates expiring within that window (each notice is recorded and handed over once).
NAME_CORRECTION_LINK_MAX_AGE_DAYS = env_int("NAME_CORRECTION_LINK_MAX_AGE_DAYS", 30, minimum=1)
CERTIFICATE_EXPIRY_NOTICE_WEEKS = env_int("CERTIFICATE_EXPIRY_NOTICE_WEEKS", 4, minimum=0)
CERTIFICATE_EXPIRY_NOTICE_INTERVAL_SECONDS = env_int(
    "CERTIFICATE_EXPIRY_NOTICE_INTERVAL_SECONDS", 3600, minimum=60
)
CELERY_BEAT_SCHEDULE["certificate-expiry-notices"] = {
    "task": "coursecerts.certificates.tasks.record_expiry_notices",
    "schedule": float(CERTIFICATE_EXPIRY_NOTICE_INTERVAL_SECONDS),
}
if EVENT_RELAY_BEAT_SECONDS:
    CELERY_BEAT_SCHEDULE["relay-events"] = {
        "task": "coursecerts.events.tasks.relay_events",
        "schedule": float(EVENT_RELAY_BEAT_SECONDS),
    }
# A CLDR date format by name (short, medium, long, full) or pattern, in each language's conventions; a strftime
# format (with %) is the same for every language (rendering/dates.py, README "Web certificates").
CERTIFICATE_DATE_FORMAT = env_str("CERTIFICATE_DATE_FORMAT", "long")
PLATFORM_NAME = env_str("PLATFORM_NAME", "")  # empty: no platform name on certificates (README)
# --- web certificates and their PDFs (ADRs 0005, 0006) --------------------------------------------------------
# The languages the certificate page is translated into; a visitor's language outside them falls back.
CERTIFICATE_LANGUAGES = env_list("CERTIFICATE_LANGUAGES", ["en", "ar", "es", "fr", "pt-br", "zh-hans"])
# Paper of the built-in design's PDF (the page itself prints landscape on A4 and US Letter alike).
CERTIFICATE_PDF_PAPER = env_choice("CERTIFICATE_PDF_PAPER", "a4", ("a4", "us-letter"))
# Render the PDF by a task right after issue; otherwise on its first request. Either way it is stored once.
CERTIFICATE_PDF_ON_ISSUE = env_bool("CERTIFICATE_PDF_ON_ISSUE", False)
# Folders searched for the certificate fonts (Noto; Debian's fonts-noto-core, fonts-noto-cjk and
# fonts-noto-color-emoji).
CERTIFICATE_FONT_DIRS = env_list(
    "CERTIFICATE_FONT_DIRS", ["/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto"]
)
# Serve MEDIA_ROOT (logos, signatures, template assets) at MEDIA_URL from Django itself, as the embedded set-up
# needs; set false when a proxy or object storage serves them.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Rendered certificate pages kept per process (0: none), and for at most this many seconds (web/page_cache.py).
CERTIFICATE_PAGE_CACHE_SIZE = env_int("CERTIFICATE_PAGE_CACHE_SIZE", 2000)
CERTIFICATE_PAGE_CACHE_SECONDS = env_int("CERTIFICATE_PAGE_CACHE_SECONDS", 300)
# Render each certificate's page ahead of its first visit and store it with the certificate (issue 20): a Celery
# task per batch of the certificates a generation wrote, queued after its commit, behind the run's own chunks
# (coursecerts.ops.tasks.render_certificate_pages; CELERY_TASK_ROUTES can give it a queue of its own). On by default
# only with a broker: eager (no broker), the generation itself would wait for the renders (10 to 18 ms a page).
CERTIFICATE_PAGES_RENDER_AHEAD = env_bool("CERTIFICATE_PAGES_RENDER_AHEAD", not CELERY_TASK_ALWAYS_EAGER)

# --- health and metrics (coursecerts/ops, README "Operations") -------------------------------------------------
# /health/ready fails when the oldest owed outbox entry or unsent outgoing event is older than this.
HEALTH_MAX_LAG_SECONDS = env_int("HEALTH_MAX_LAG_SECONDS", 600, minimum=1)
HEALTH_CHECK_TIMEOUT_SECONDS = env_int("HEALTH_CHECK_TIMEOUT_SECONDS", 3, minimum=1)
# /metrics answers a request with `Authorization: Bearer <METRICS_TOKEN>`, or from these addresses or networks.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES", ["127.0.0.1", "::1"])

# --- logging --------------------------------------------------------------------------------------------
TRACKING_LOG_FILE = Path(env_str("TRACKING_LOG_FILE", str(VAR_DIR / "tracking.log"))).resolve()
TRACKING_LOG_FILE.parent.mkdir(parents=True, exist_ok=True)
# Warnings and up by default, on stderr, so that a command's own output is not mixed with log lines; LOG_LEVEL=INFO
# shows coursecerts' INFO lines (generation decisions, tasks). Other libraries, Django included, log warnings and
# up whatever LOG_LEVEL says (Django's own INFO lines, such as the autoreloader's, would otherwise show).
LOG_LEVEL = env_choice("LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR"))
# plain: one readable line a record; json: one JSON object a line with the request id (README "Logs").
LOG_FORMAT = env_choice("LOG_FORMAT", "plain", ("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Open edX-style tracking events (edx.certificate.created...), one JSON object a line, kept apart from
        # the service log so that bulk work does not flood the console.
        "tracking": {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": str(TRACKING_LOG_FILE),
            "formatter": "event",
            "delay": True,
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "coursecerts": {"level": LOG_LEVEL},
        "django": {"level": "WARNING"},
        # runserver's request lines, as Django logs them by default (configuring "django" above resets its children)
        "django.server": {"level": "INFO", "handlers": ["django.server"], "propagate": False},
        "coursecerts.tracking": {"level": "INFO", "handlers": ["tracking"], "propagate": False},
        # A worker's "Task ... succeeded" lines, at LOG_LEVEL (with LOG_FORMAT=json they carry the id of the request
        # that queued the task: coursecerts/ops/request_id.py).
        "celery.app.trace": {"level": LOG_LEVEL},
    },
}
LOGGING["formatters"]["event"] = {"format": "%(message)s"}
LOGGING["formatters"]["json"] = {"()": "coursecerts.ops.log_format.JsonLogFormatter"}
LOGGING["filters"] = {"request_id": {"()": "coursecerts.ops.request_id.RequestIdFilter"}}
LOGGING["handlers"]["console"].update(formatter=LOG_FORMAT, filters=["request_id"])
LOGGING["formatters"]["django.server"] = {
    "()": "django.utils.log.ServerFormatter",
    "format": "[{server_time}] {message}",
    "style": "{",
}

REST_FRAMEWORK = {
    # Bearer first: its WWW-Authenticate header is what makes a request without credentials answer 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coursecerts.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "coursecerts.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "coursecerts.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Our JSON parser refuses deep nesting and duplicated keys with a 400 (coursecerts/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "coursecerts.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "URL_FORMAT_OVERRIDE": None,  # ?format= belongs to the report endpoint (csv|json), not to DRF
}

# --- API (coursecerts.api) ------------------------------------------------------------------------------
# Reverse proxies of ours in front of coursecerts: 0, the client is REMOTE_ADDR; N, the Nth address from the right
# of X-Forwarded-For (what a client writes there itself is ignored). Rate limits count per client (common.rate_limits).
NUM_PROXIES = env_int("NUM_PROXIES", 0)
# Per-client rate limits (DRF rate syntax: N/second|minute|hour|day; empty: no limit), kept in the default cache.
API_THROTTLE_VERIFY = env_str("API_THROTTLE_VERIFY", "60/minute")
API_THROTTLE_V0_LIST = env_str("API_THROTTLE_V0_LIST", "120/minute")
# Visits of certificate pages and PDFs per client address (web/rate_limit.py); beyond it, 429 with Retry-After.
CERTIFICATE_PAGE_RATE = env_str("CERTIFICATE_PAGE_RATE", "60/minute")
for _name in ("API_THROTTLE_VERIFY", "API_THROTTLE_V0_LIST", "CERTIFICATE_PAGE_RATE"):
    _rate = globals()[_name]
    if _rate and not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", _rate):
        raise ImproperlyConfigured(f"{_name}={_rate!r} is not a rate such as 60/minute (or empty for none)")
# The largest import file accepted (bytes); 100,000 rows take about 6 MB.
API_IMPORT_MAX_BYTES = env_int("API_IMPORT_MAX_BYTES", 64 * 1024 * 1024, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": "coursecerts API",
    "DESCRIPTION": (
        "Open edX Certificates API v0 (same URLs, fields, errors and permissions) and coursecerts v1: data in, "
        "course-team operations, public verification. Authenticate with `Authorization: Bearer <token>` "
        "(`coursecerts create_api_token <username>`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's Swagger UI from drf-spectacular-sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"CourseModeEnum": "coursecerts.courses.models.CourseModes"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "coursecerts.api.schema.add_path_examples",
        "coursecerts.api.schema.close_json_bodies",
        "coursecerts.api.schema.add_common_errors",
        "coursecerts.api.schema.add_links",
    ],
    # Request bodies are documented as JSON (the import and the allowlist CSV declare their own types): the
    # form parsers DRF also accepts are not part of the API's contract.
    "PARSER_WHITELIST": ["coursecerts.api.parsers.JSONParser"],
}
