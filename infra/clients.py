"""API clients of partner agencies: secrets are stored only as argon2 hashes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, insert, select, update

from domain.roles import ROLES
from infra.tables import agencies, api_clients

_hasher = PasswordHasher()
# Verifying against this keeps an unknown client id as slow as a wrong secret.
_DUMMY_HASH = _hasher.hash("not-a-real-secret")


@dataclass(frozen=True)
class Client:
    client_id: str
    agency: str
    role: str
    name: str
    locked: bool


class ClientRegistry:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, agency: str, role: str, name: str, now: datetime) -> tuple[Client, str]:
        if role not in ROLES:
            msg = f"role must be one of {sorted(ROLES)}"
            raise ValueError(msg)
        client_id = str(uuid4())
        secret = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            known = conn.execute(select(agencies.c.slug).where(agencies.c.slug == agency)).first()
            if known is None:
                conn.execute(insert(agencies).values(slug=agency, registered_at=now))
            conn.execute(
                insert(api_clients).values(
                    client_id=client_id,
                    secret_hash=_hasher.hash(secret),
                    agency=agency,
                    role=role,
                    name=name,
                    created_at=now,
                    locked=False,
                    failed_attempts=0,
                )
            )
        return Client(client_id, agency, role, name, locked=False), secret

    def authenticate(self, client_id: str, secret: str) -> Client | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(api_clients).where(api_clients.c.client_id == client_id)
            ).first()
        stored_hash = row.secret_hash if row is not None else _DUMMY_HASH
        try:
            _hasher.verify(stored_hash, secret)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or row.locked:
            return None
        return Client(row.client_id, row.agency, row.role, row.name, row.locked)

    def get(self, client_id: str) -> Client | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(api_clients).where(api_clients.c.client_id == client_id)
            ).first()
        return (
            None
            if row is None
            else Client(row.client_id, row.agency, row.role, row.name, row.locked)
        )

    def set_locked(self, client_id: str, *, locked: bool) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(api_clients)
                .where(api_clients.c.client_id == client_id)
                .values(locked=locked, failed_attempts=0)
            )
        return result.rowcount == 1
