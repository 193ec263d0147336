"""The one validated settings object (environment variables prefixed LEAD_)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-insecure-secret-change-me-0123456789"  # noqa: S105 (a refusal marker)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEAD_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./var/lead.sqlite3"
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    token_lifetime_seconds: int = Field(default=3600, ge=60, le=86400)
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
    # key; unset, it is derived from the secret key (so the development key, like the
    # development secret, can never reach PostgreSQL).
    audit_signing_key: SecretStr | None = None
    audit_flush_records: int = Field(default=100, ge=1, le=10_000)
    audit_flush_ms: int = Field(default=200, ge=10, le=60_000)
    lockout_failures: int = Field(default=5, ge=1, le=100)
    lockout_window_seconds: int = Field(default=900, ge=60, le=86_400)
    # Rate limits (429 with Retry-After; api/rate_limit.py): token requests per source address,
    # authenticated calls per client, writes on a tighter budget than reads.
    rate_limit_enabled: bool = True
    rate_limit_token_per_minute: float = Field(default=30, gt=0)
    rate_limit_token_burst: int = Field(default=10, ge=1)
    rate_limit_reads_per_second: float = Field(default=50, gt=0)
    rate_limit_read_burst: int = Field(default=200, ge=1)
    rate_limit_writes_per_second: float = Field(default=20, gt=0)
    rate_limit_write_burst: int = Field(default=100, ge=1)

    @model_validator(mode="after")
    def refuse_insecure_defaults(self) -> Settings:
        if self.is_postgres and self.secret_key.get_secret_value() == DEV_SECRET:
            msg = (
                "LEAD_SECRET_KEY is the development default; set a secret of at least "
                "32 random characters before running on PostgreSQL"
            )
            raise ValueError(msg)
        if len(self.secret_key.get_secret_value()) < 32:
            msg = "LEAD_SECRET_KEY must be at least 32 characters"
            raise ValueError(msg)
        if not (self.is_postgres or self.is_sqlite):
            msg = "LEAD_DATABASE_URL must start with sqlite:/// or postgresql://"
            raise ValueError(msg)
        self.audit_signing_seed()
        return self

    def audit_signing_seed(self) -> bytes:
        """The 32 bytes of the Ed25519 private key that signs audit checkpoints."""
        if self.audit_signing_key is None:
            derived = b"lead-audit-signing-key\x00" + self.secret_key.get_secret_value().encode()
            return hashlib.sha256(derived).digest()
        try:
            seed = base64.b64decode(self.audit_signing_key.get_secret_value(), validate=True)
        except (binascii.Error, ValueError):
            seed = b""
        if len(seed) != 32:
            msg = "LEAD_AUDIT_SIGNING_KEY must be base64 of a raw 32-byte Ed25519 private key"
            raise ValueError(msg)
        return seed

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
