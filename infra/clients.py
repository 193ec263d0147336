"""API clients of partner agencies: secrets are stored only as argon2 hashes."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, Row, insert, select, update

from domain.roles import ROLES
from infra.tables import agencies, api_clients

_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    """The slow hash a secret is kept as (argon2id, the library's defaults)."""
    return _hasher.hash(secret)


@functools.cache
def dummy_hash() -> str:
    """Verifying against this keeps an unknown client id as slow as a wrong secret. Made on
    first use: hashing at import cost every process (API, projector, CLI) 120 ms to start."""
    return _hasher.hash("not-a-real-secret")


@dataclass(frozen=True)
class Client:
    client_id: str
    agency: str
    role: str
    name: str = ""
    disabled: bool = False
    generation: int = 1  # of its secret: a rotation retires the tokens of the one before


@dataclass(frozen=True)
class ClientListing:
    client: Client
    created_at: datetime


class ClientRegistry:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, agency: str, role: str, name: str, now: datetime) -> tuple[Client, str]:
        if role not in ROLES:
            msg = f"role must be one of {sorted(ROLES)}"
            raise ValueError(msg)
        client = Client(str(uuid4()), agency, role, name)
        secret = secrets.token_urlsafe(32)
        self.add(client, hash_secret(secret), now)
        return client, secret

    def add(self, client: Client, secret_hash: str, now: datetime) -> None:
        """Register a client (and its agency, if new) with the hash of its secret."""
        with self.engine.begin() as conn:
            known = conn.execute(
                select(agencies.c.slug).where(agencies.c.slug == client.agency)
            ).first()
            if known is None:
                conn.execute(insert(agencies).values(slug=client.agency, registered_at=now))
            conn.execute(
                insert(api_clients).values(
                    client_id=client.client_id,
                    secret_hash=secret_hash,
                    agency=client.agency,
                    role=client.role,
                    name=client.name,
                    created_at=now,
                    disabled=client.disabled,
                    secret_generation=client.generation,
                )
            )

    def authenticate(self, client_id: str, secret: str) -> Client | None:
        """The client whose secret this is (disabled or not), else None. An unknown id costs
        the same argon2 verification as a wrong secret."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(api_clients).where(api_clients.c.client_id == client_id)
            ).first()
        stored_hash = row.secret_hash if row is not None else dummy_hash()
        try:
            _hasher.verify(stored_hash, secret)
        except (VerificationError, InvalidHashError):
            return None
        return None if row is None else client_of(row)

    def get(self, client_id: str) -> Client | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(api_clients).where(api_clients.c.client_id == client_id)
            ).first()
        return None if row is None else client_of(row)

    def listing(self) -> list[ClientListing]:
        table = api_clients
        with self.engine.connect() as conn:
            rows = conn.execute(select(table).order_by(table.c.agency, table.c.created_at)).all()
        return [ClientListing(client_of(row), row.created_at) for row in rows]

    def set_disabled(self, client_id: str, *, disabled: bool) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(api_clients)
                .where(api_clients.c.client_id == client_id)
                .values(disabled=disabled)
            )
        return result.rowcount == 1

    def rotate_secret(self, client_id: str) -> str | None:
        """A new secret (None for an unknown client); tokens of the old one stop working."""
        secret = secrets.token_urlsafe(32)
        table = api_clients
        with self.engine.begin() as conn:
            result = conn.execute(
                update(table)
                .where(table.c.client_id == client_id)
                .values(
                    secret_hash=hash_secret(secret),
                    secret_generation=table.c.secret_generation + 1,
                )
            )
        return secret if result.rowcount == 1 else None


def client_of(row: Row[Any]) -> Client:
    return Client(
        row.client_id, row.agency, row.role, row.name, row.disabled, row.secret_generation
    )
