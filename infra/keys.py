"""The service's two keys: the HS256 token secret and the Ed25519 seed that signs audit
checkpoints and read-log batches. Each comes from its setting or, when that is unset, from a
file under the data directory, generated with fresh randomness on the first start and read
on every later one. There is no default: a token signed with anything else is refused."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog
from sqlalchemy import Engine, create_engine, insert, select
from sqlalchemy.exc import DBAPIError

from domain.identifiers import ClaimIds
from infra.forgetting_tables import claim_keys
from infra.keyring import Keyring, MissingKeyEncryptionKey
from infra.plaintext import plaintext_participants
from infra.private_files import create_exclusively, private_dir, read_private
from infra.settings import Settings, audit_seed, raw_key

log = structlog.get_logger(__name__)
TOKEN_SECRET_FILE = "token-signing.key"  # noqa: S105 (a file name)
AUDIT_KEY_FILE = "audit-signing.key"
WEBHOOK_KEY_FILE = "webhook-secrets.key"
KEK_FILE = "data-keys.kek"
CLAIM_KEY_FILE = "identifier-claims.key"


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
    keyring = Keyring(engine, kek, claim_ids=claim_ids_of(engine, settings))
    if stored_key_count(engine):
        keyring.check_kek()
    return keyring


def claim_ids_of(engine: Engine, settings: Settings) -> ClaimIds:
    """The store's claim ids: keyed by the claim key its claims were made with (refused if
    that key is gone or another is configured), and looking up legacy ids too while the store
    holds records from before issue 18."""
    made_with = claim_key_ids(engine)
    if settings.identifier_claim_key is not None:
        key = raw_key(settings.identifier_claim_key.get_secret_value())
    else:
        path = settings.data_dir / CLAIM_KEY_FILE
        if not path.exists() and made_with:
            msg = (
                f"the identifier claim key is missing: LEAD_IDENTIFIER_CLAIM_KEY is unset and "
                f"{path} does not exist, yet the store's identifier claims were made with one; "
                "restore that file from its backup (README: Keys)"
            )
            raise MissingKeyEncryptionKey(msg)
        key = raw_key(kept_key(path, new_audit_seed, [], []))
    key_id = claim_key_id(key)
    if made_with and key_id not in made_with:
        msg = (
            "the identifier claim key configured is not the one the store's claims were made "
            "with: restore LEAD_IDENTIFIER_CLAIM_KEY (or the key file) it had (README: Keys)"
        )
        raise MissingKeyEncryptionKey(msg)
    if not made_with:
        record_claim_key(engine, key_id)
    return ClaimIds(key, legacy=plaintext_participants(settings) > 0)


def claim_key_id(key: bytes) -> str:
    return hashlib.sha256(b"lead-claim-key-id\n" + key).hexdigest()[:16]


def claim_key_ids(engine: Engine) -> set[str]:
    """The fingerprints of the claim keys the store was used with (none before migrating)."""
    try:
        with engine.connect() as conn:
            return set(conn.execute(select(claim_keys.c.key_id)).scalars())
    except DBAPIError:
        return set()


def record_claim_key(engine: Engine, key_id: str) -> None:
    try:
        with engine.begin() as conn:
            conn.execute(insert(claim_keys).values(key_id=key_id, created_at=datetime.now(UTC)))
    except DBAPIError:  # no table yet (before `leadctl migrate`), or another host raced us
        if key_id not in claim_key_ids(engine):
            if not claim_key_ids(engine):
                return
            msg = "another identifier claim key was recorded for this store at the same time"
            raise MissingKeyEncryptionKey(msg) from None


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
