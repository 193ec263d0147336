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
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import DBAPIError

from infra.keyring import Keyring, MissingKeyEncryptionKey
from infra.private_files import create_exclusively, private_dir, read_private
from infra.settings import Settings, audit_seed, raw_key

log = structlog.get_logger(__name__)
TOKEN_SECRET_FILE = "token-signing.key"  # noqa: S105 (a file name)
AUDIT_KEY_FILE = "audit-signing.key"
WEBHOOK_KEY_FILE = "webhook-secrets.key"
KEK_FILE = "data-keys.kek"


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


def open_keyring(settings: Settings) -> Keyring:
    """The keyring of the store `settings` names. A store that holds data keys never gets a new
    key-encryption key: without the one that wrapped them, the service does not start."""
    engine = keyring_engine(settings)
    try:
        return keyring_on(engine, settings)
    except Exception:
        engine.dispose()
        raise


def keyring_on(engine: Engine, settings: Settings) -> Keyring:
    if settings.key_encryption_key is not None:
        kek = raw_key(settings.key_encryption_key.get_secret_value())
    else:
        path = settings.data_dir / KEK_FILE
        if not path.exists() and (held := stored_key_count(engine)):
            msg = (
                f"the key-encryption key is missing: LEAD_KEY_ENCRYPTION_KEY is unset and {path} "
                f"does not exist, yet the store holds {held} data keys it wrapped; restore that "
                "file from its backup (README: Keys)"
            )
            raise MissingKeyEncryptionKey(msg)
        kek = raw_key(kept_key(path, new_audit_seed, [], []))
    keyring = Keyring(engine, kek)
    if stored_key_count(engine):
        keyring.check_kek()
    return keyring


def keyring_engine(settings: Settings) -> Engine:
    if settings.is_sqlite:
        return create_engine(
            settings.sqlalchemy_url(asynchronous=False), connect_args={"timeout": 10}
        )
    return create_engine(
        settings.sqlalchemy_url(asynchronous=False),
        pool_size=2,
        max_overflow=2,
        pool_pre_ping=True,
    )


def stored_key_count(engine: Engine) -> int:
    """How many data keys the store holds (0 before `leadctl migrate` made the table)."""
    try:
        return Keyring.stored_count(engine)
    except DBAPIError:
        return 0
