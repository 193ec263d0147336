"""The service's two keys: the HS256 token secret and the Ed25519 seed that signs audit
checkpoints and read-log batches. Each comes from its setting or, when that is unset, from a
file under the data directory, generated with fresh randomness on the first start and read
on every later one. There is no default: a token signed with anything else is refused."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import structlog

from infra.private_files import create_exclusively, private_dir, read_private
from infra.settings import Settings, audit_seed

log = structlog.get_logger(__name__)
TOKEN_SECRET_FILE = "token-signing.key"  # noqa: S105 (a file name)
AUDIT_KEY_FILE = "audit-signing.key"
WEBHOOK_KEY_FILE = "webhook-secrets.key"


@dataclass(frozen=True, repr=False)
class Keys:
    token_secret: str
    audit_seed: bytes
    webhook_key: bytes = b""  # a Fernet key: webhook secrets are kept encrypted with it


def load_keys(settings: Settings) -> Keys:
    generated: list[str] = []
    kept: list[str] = []
    token_secret = (
        settings.secret_key.get_secret_value()
        if settings.secret_key is not None
        else kept_key(settings.data_dir / TOKEN_SECRET_FILE, new_token_secret, generated, kept)
    )
    seed_text = (
        settings.audit_signing_key.get_secret_value()
        if settings.audit_signing_key is not None
        else kept_key(settings.data_dir / AUDIT_KEY_FILE, new_audit_seed, generated, kept)
    )
    webhook_key = (
        settings.webhook_secrets_key.get_secret_value()
        if settings.webhook_secrets_key is not None
        else kept_key(settings.data_dir / WEBHOOK_KEY_FILE, new_webhook_key, generated, kept)
    )
    if generated:  # one line, on the first start: where they are, never what
        log.info("signing_keys_generated", files=generated, kept_in=str(settings.data_dir))
    elif kept:
        log.debug("signing_keys_read", files=kept)
    return Keys(token_secret, audit_seed(seed_text), webhook_key.encode())


def kept_key(path: Path, generate: Callable[[], str], generated: list[str], kept: list[str]) -> str:
    """The key in `path`, generated first if there is none."""
    private_dir(path.parent)
    if not path.exists() and create_exclusively(path, generate().encode()):
        generated.append(str(path))
    else:
        kept.append(str(path))
    return read_private(path).decode().strip()


def new_token_secret() -> str:
    return secrets.token_urlsafe(48)


def new_webhook_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def new_audit_seed() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()
