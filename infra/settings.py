"""The one validated settings object (environment variables prefixed LEAD_)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEAD_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./var/lead.sqlite3"
    # Unset keys are generated on first start into files under `data_dir` (infra/keys.py):
    # there is no default secret. Hosts that share a store must share them: set both.
    data_dir: Path = Path("./var")
    secret_key: SecretStr | None = None
    token_lifetime_seconds: int = Field(default=3600, ge=60, le=86400)
    # A disabled or rotated client's tokens stop working within this many seconds.
    client_check_seconds: float = Field(default=5, ge=0, le=5)
    token_issuer: str = "lead-service"  # noqa: S105 (a name, not a secret)
    token_audience: str = "lead-api"  # noqa: S105 (a name, not a secret)
    worker_tick_seconds: float = Field(default=2.0, gt=0, le=60)
    run_worker: bool = True
    pool_size: int = Field(default=10, ge=1, le=100)
    # Concurrent saves share one transaction and one insert lock (infra/group_commit.py).
    group_commit: bool = True
    connect_timeout_seconds: int = Field(default=5, ge=1, le=60)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    business_time_skew_seconds: int = 300
    log_level: str = "INFO"
    log_json: bool = True
    # Audit (issue 5): the checkpoint signing key is base64 of a raw 32-byte Ed25519 private
    # key, never derived from the token secret (a token signer must not sign checkpoints).
    audit_signing_key: SecretStr | None = None
    # Forgetting (issue 18): base64 of the 32-byte key that wraps every person's data key;
    # unset, it is generated into `data_dir` on the first start. Without it, nothing personal
    # in the store can be read: back it up apart from the database (README: "Keys").
    key_encryption_key: SecretStr | None = None
    # Base64 of the 32-byte HMAC key identifier claim ids are made with (domain/identifiers.py),
    # so a claim left by a forgotten person cannot be matched to a guessed identifier. Unset,
    # generated into `data_dir` on the first start; a store whose claims another key made
    # refuses to start. Hosts sharing a store share it.
    identifier_claim_key: SecretStr | None = None
    audit_flush_records: int = Field(default=100, ge=1, le=10_000)
    audit_flush_ms: int = Field(default=200, ge=10, le=60_000)
    # AC-7 by delay: failed token requests from one (client, address) pair past the free ones
    # make that pair wait 1, 2, 4, ... seconds (at most the window) before the next try.
    throttle_free_failures: int = Field(default=5, ge=1, le=100)
    throttle_window_seconds: int = Field(default=900, ge=60, le=86_400)
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDRs, comma
    # separated); none by default, so the peer address is the source address.
    forwarded_allow_ips: str = ""
    # Bearer token for GET /metrics; unset, /metrics is 404.
    metrics_token: SecretStr | None = None
    # Request bodies with more JSON members (object keys and array items) than this are
    # refused before validation: see api/json_limits.py.
    max_json_members: int = Field(default=10_000, ge=100, le=1_000_000)
    # Rate limits (429 with Retry-After; api/rate_limit.py): token requests per source address,
    # authenticated calls per client, writes on a tighter budget than reads.
    rate_limit_enabled: bool = True
    rate_limit_token_per_minute: float = Field(default=30, gt=0)
    rate_limit_token_burst: int = Field(default=10, ge=1)
    rate_limit_reads_per_second: float = Field(default=50, gt=0)
    rate_limit_read_burst: int = Field(default=200, ge=1)
    rate_limit_writes_per_second: float = Field(default=20, gt=0)
    rate_limit_write_burst: int = Field(default=100, ge=1)
    # Test-only fault switch (reliability R12, tests): `projection@position` makes that
    # projection's handler fail on the event at that position. Refused unless test_mode.
    test_mode: bool = False
    test_fault_projection: str | None = Field(default=None, pattern=r"^[a-z_]{1,64}@[0-9]{1,18}$")
    # Webhooks (issue 17): https only; http to a loopback host only when this is set (tests,
    # development). A receiver gets this long to answer; retries back off from the base,
    # doubling up to the cap, for as long as it keeps failing (at least 3 days).
    webhook_allow_http_loopback: bool = False
    webhook_timeout_seconds: float = Field(default=10, gt=0, le=60)
    webhook_retry_base_seconds: float = Field(default=5, gt=0, le=3600)
    webhook_retry_cap_seconds: float = Field(default=43_200, gt=0, le=86_400)
    # Active subscriptions an agency may hold: each is followed by a thread of the notifier.
    webhook_subscriptions_per_agency: int = Field(default=20, ge=1, le=1000)
    # Run the webhook deliverer inside `leadctl serve` (false when `leadctl notifier` runs).
    run_notifier: bool = True
    notifier_poll_seconds: float = Field(default=0.2, gt=0, le=10)
    # The key webhook secrets are kept encrypted with (urlsafe base64 of 32 random bytes);
    # unset, generated into `data_dir` like the others. Hosts sharing a store share it.
    webhook_secrets_key: SecretStr | None = None
    # Names this deliverer's leases. Unset: a new random name per start, so a restarted
    # deliverer takes over a killed one's subscriptions once their leases lapse (about 30 s);
    # set (unique per running process), a restart takes them back at once.
    notifier_id: str = Field(default="", max_length=40, pattern=r"^[A-Za-z0-9_.-]*$")

    @field_validator("secret_key")
    @classmethod
    def long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            msg = "must be at least 32 characters (or unset: one is generated)"
            raise ValueError(msg)
        return value

    @field_validator("audit_signing_key")
    @classmethod
    def an_ed25519_seed(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            audit_seed(value.get_secret_value())
        return value

    @field_validator("webhook_secrets_key")
    @classmethod
    def a_fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                raw = base64.urlsafe_b64decode(value.get_secret_value().strip())
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) != 32:
                msg = "must be urlsafe base64 of 32 random bytes"
                raise ValueError(msg)
        return value

    @field_validator("key_encryption_key", "identifier_claim_key")
    @classmethod
    def an_aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            raw_key(value.get_secret_value())
        return value

    @field_validator("metrics_token")
    @classmethod
    def a_real_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            msg = "must be at least 16 characters"
            raise ValueError(msg)
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def proxy_addresses(cls, value: str) -> str:
        for entry in proxy_entries(value):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                msg = f"{entry!r} is not an IP address or network"
                raise ValueError(msg) from None
        return value

    @model_validator(mode="after")
    def faults_only_in_tests(self) -> Settings:
        if self.test_fault_projection and not self.test_mode:
            msg = (
                "LEAD_TEST_FAULT_PROJECTION is a test-only switch: refused without LEAD_TEST_MODE=1"
            )
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def known_store(self) -> Settings:
        if not (self.is_postgres or self.is_sqlite):
            msg = "LEAD_DATABASE_URL must start with sqlite:/// or postgresql://"
            raise ValueError(msg)
        return self

    @property
    def trusted_proxies(self) -> list[str]:
        return proxy_entries(self.forwarded_allow_ips)

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:///")

    @cached_property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @cached_property
    def postgres_parts(self) -> dict[str, str]:
        url = urlsplit(self.database_url)
        return {
            "user": unquote(url.username or "postgres"),
            "password": unquote(url.password or ""),
            "host": url.hostname or "127.0.0.1",
            "port": str(url.port or 5432),
            "dbname": url.path.lstrip("/") or "lead",
        }

    def sqlalchemy_url(self, *, asynchronous: bool) -> str:
        if self.is_sqlite:
            driver = "sqlite+aiosqlite" if asynchronous else "sqlite+pysqlite"
            return f"{driver}:///{self.sqlite_path}"
        p = self.postgres_parts
        driver = "postgresql+asyncpg" if asynchronous else "postgresql+psycopg"
        auth = p["user"] + (f":{p['password']}" if p["password"] else "")
        return f"{driver}://{auth}@{p['host']}:{p['port']}/{p['dbname']}"


def proxy_entries(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(",") if entry.strip()]


def audit_seed(text: str) -> bytes:
    """The 32 bytes of an Ed25519 private key, from its base64."""
    try:
        seed = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        seed = b""
    if len(seed) != 32:
        msg = "must be base64 of a raw 32-byte Ed25519 private key"
        raise ValueError(msg)
    return seed


def raw_key(text: str) -> bytes:
    """The 32 bytes of an AES-256 key, from its base64."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        msg = "must be base64 of a random 32-byte key"
        raise ValueError(msg)
    return key
