"""Each person's data key (AES-256-GCM), kept in `data_keys` wrapped by the key-encryption
key (KEK), never beside the events it opens.

Keys are made ahead, a batch per transaction, and one is taken for each new person: a
referral costs no write beyond its events. Which key is whose is recorded in the events
themselves, in clear: the person's first event names its key id, and the first event of a
stream about them (a legal matter, their coordination record) names them. So the mapping is
written in the same transaction as the events, and a key taken for a save that then failed
is an unused key, nothing more.

Unwrapped keys are cached per process; a forgetting drops this process's copy at once
(another process's copy lives until it restarts, but a forgotten person's stream refuses
every command and read once the `Forgotten` event is stored)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ColumnElement, Engine, delete, func, insert, select, text, true

from domain.errors import FORGOTTEN, ParticipantForgotten
from domain.identifiers import ClaimIds
from infra.events_table.dialects import of_engine_name
from infra.forgetting_tables import data_keys, forgetting_receipts

NONCE_BYTES = 12
WRAP_CONTEXT = b"lead-data-key/v1"
BATCH = 256  # keys made per transaction (a spare costs ~100 bytes; the commit is what counts)
SEALED = "_sealed_"
# Spare keys are used long after their commit, by events committed on their own: a commit the
# server acknowledged but did not flush (synchronous_commit off, for the site or a session)
# could vanish in a crash while this process lives on and seals people's events with keys
# the store no longer holds. Their commit waits for the flush whatever the setting.
DURABLE_KEYS = text("SET LOCAL synchronous_commit TO on")
INSERT_KEYS = text(
    f"INSERT INTO {data_keys.name} (key_id, wrapped, kek_id, created_at) "  # noqa: S608 (ours)
    "SELECT key_id, wrapped, :kek, :now "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:wrapped AS bytea[])) AS made(key_id, wrapped)"
)


class MissingKeyEncryptionKey(Exception):
    """Raised when the store holds data keys and the key-encryption key that wrapped them is
    not the one configured (or none is)."""


class DataKeyLost(Exception):
    """Raised when a person's data key is gone but nobody forgot the person: the store was
    damaged, never silently read as forgotten."""


def kek_id(kek: bytes) -> str:
    return hashlib.sha256(b"lead-kek-id\n" + kek).hexdigest()[:16]


def seal(key: AESGCM, plaintext: bytes, context: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + key.encrypt(nonce, plaintext, context)


def unseal(key: AESGCM, blob: bytes, context: bytes) -> bytes:
    return key.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context)


class Keyring:
    def __init__(
        self, engine: Engine, kek: bytes, batch: int = BATCH, claim_ids: ClaimIds | None = None
    ) -> None:
        self.engine = engine
        # Identifier claim ids, keyed by the claim key (infra/keys.py); a random key unless
        # one is given (tests that open a keyring by hand).
        self.claim_ids = claim_ids or ClaimIds(os.urandom(32))
        self.kek = AESGCM(kek)
        self.kek_id = kek_id(kek)
        self.batch = batch
        self.keys: dict[UUID, AESGCM] = {}  # key id → key
        self.of_subject: dict[UUID, UUID] = {}  # subject → key id
        self.streams: dict[UUID, UUID | None] = {}  # a stream about someone → them
        self.spare: list[tuple[UUID, AESGCM]] = []
        self.lock = threading.Lock()
        dialect = of_engine_name(engine.dialect.name)
        self.postgres = dialect.postgres
        self.first_event_sql = text(
            f"SELECT state FROM {dialect.table} "  # noqa: S608 (constants)
            "WHERE originator_id = :stream AND originator_version = 1"
        )

    def check_kek(self) -> None:
        """Every stored key must be wrapped by this KEK: refuse to start otherwise."""
        with self.engine.connect() as conn:
            others = conn.execute(
                select(func.count()).where(data_keys.c.kek_id != self.kek_id)
            ).scalar_one()
        if others:
            msg = (
                f"{others} data keys were wrapped by another key-encryption key than the one "
                "configured: restore LEAD_KEY_ENCRYPTION_KEY (or the key file) they were made with"
            )
            raise MissingKeyEncryptionKey(msg)

    # ----- sealing ---------------------------------------------------------------------

    def sealing_key(self, subject: UUID, *, new: bool = False) -> tuple[UUID, AESGCM]:
        """The subject's key (id and key); a new person (`new`: their first event is the one
        being sealed, so there is nothing to look up) takes a spare one."""
        key_id = self.of_subject.get(subject) or (None if new else self.recorded_key_id(subject))
        if key_id is None:
            key_id, key = self.take_spare()
            self.of_subject[subject] = key_id
            self.keys[key_id] = key
            return key_id, key
        opened = self.opening_key(key_id, subject)
        if opened is None:  # a command on a stream about them (a legal matter, say): a 410
            raise ParticipantForgotten(FORGOTTEN)
        return key_id, opened

    def take_spare(self) -> tuple[UUID, AESGCM]:
        with self.lock:
            if not self.spare:
                self.spare = self.make_keys(self.batch)
            return self.spare.pop()

    @property
    def out_of_spares(self) -> bool:
        return not self.spare

    def restock(self) -> None:
        """Spare keys made now (a transaction), so that the next new person takes one without
        waiting: called off the event loop before a save on it."""
        with self.lock:
            if not self.spare:
                self.spare = self.make_keys(self.batch)

    def make_keys(self, count: int) -> list[tuple[UUID, AESGCM]]:
        made, ids, wrapped = [], [], []
        for _ in range(count):
            key_id, raw = uuid.uuid4(), AESGCM.generate_key(bit_length=256)
            ids.append(key_id)
            wrapped.append(seal(self.kek, raw, WRAP_CONTEXT + key_id.bytes))
            made.append((key_id, AESGCM(raw)))
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            if self.postgres:  # see DURABLE_KEYS; one statement, not one per key
                conn.execute(DURABLE_KEYS)
                conn.execute(
                    INSERT_KEYS, {"ids": ids, "wrapped": wrapped, "kek": self.kek_id, "now": now}
                )
            else:
                rows = [{"key_id": k, "wrapped": w} for k, w in zip(ids, wrapped, strict=True)]
                conn.execute(insert(data_keys).values(kek_id=self.kek_id, created_at=now), rows)
        return made

    def stream_subject(self, stream: UUID) -> UUID | None:
        """Who a legal matter or coordination stream is about: its first event names them."""
        if stream not in self.streams:
            state = self.first_event(stream)
            named = None if state is None else json.loads(state).get("participant_id")
            self.streams[stream] = UUID(hex=named["_data_"]) if isinstance(named, dict) else None
        return self.streams[stream]

    def founded(self, stream: UUID, subject: UUID) -> None:
        """A stream about `subject` is being saved now (its first event names them)."""
        self.streams[stream] = subject

    # ----- opening ---------------------------------------------------------------------

    def opening_key(self, key_id: UUID, subject: UUID) -> AESGCM | None:
        """The key to open the subject's data with; None when the subject was forgotten."""
        key = self.keys.get(key_id) or self.stored_key(key_id)
        if key is None and not self.is_forgotten(subject):
            msg = f"the data key of {subject} is missing, and no forgetting receipt says why"
            raise DataKeyLost(msg)
        return key

    def stored_key(self, key_id: UUID) -> AESGCM | None:
        self.load([key_id])
        return self.keys.get(key_id)

    def load(self, key_ids: Iterable[UUID]) -> None:
        """The keys named that this process has not cached, in one query per 500: the
        projector opens a batch's new people at once, not one round trip per person. A key
        not found (destroyed) is left to `opening_key`, which says why."""
        missing = [k for k in dict.fromkeys(key_ids) if k not in self.keys]
        for start in range(0, len(missing), 500):
            self.cache(data_keys.c.key_id.in_(missing[start : start + 500]))

    def load_all(self) -> int:
        """Every stored key into this process's cache, in one query: a replay of the whole
        store (a rebuild) opens nearly every person's events, and one query per person cost
        more than all its decoding. Keys destroyed later are dropped from the cache as ever."""
        return self.cache(true())

    def cache(self, which: ColumnElement[bool]) -> int:
        """The stored keys `which` selects, unwrapped into this process's cache; how many."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(data_keys.c.key_id, data_keys.c.wrapped).where(which))
            found = rows.all()
        for key_id, wrapped in found:
            if key_id not in self.keys:
                raw = unseal(self.kek, bytes(wrapped), WRAP_CONTEXT + key_id.bytes)
                self.keys[key_id] = AESGCM(raw)
        return len(found)

    def is_forgotten(self, subject: UUID) -> bool:
        table = forgetting_receipts
        with self.engine.connect() as conn:
            found = conn.execute(
                select(table.c.participant_id).where(table.c.participant_id == subject)
            ).scalar()
        return found is not None

    # ----- forgetting ------------------------------------------------------------------

    def recorded_key_id(self, subject: UUID) -> UUID | None:
        """The key id the person's first event names (None: no sealed event yet)."""
        state = self.first_event(subject)
        sealed = None if state is None else json.loads(state).get(SEALED)
        if not sealed:
            return None
        key_id = UUID(hex=sealed[1])
        self.of_subject[subject] = key_id
        return key_id

    def destroy(self, subject: UUID) -> None:
        """Forget: the subject's wrapped key is deleted, and this process's copy with it."""
        key_id = self.of_subject.get(subject) or self.recorded_key_id(subject)
        if key_id is not None:
            self.destroy_key(key_id)

    def destroy_key(self, key_id: UUID) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(data_keys).where(data_keys.c.key_id == key_id))
        self.keys.pop(key_id, None)

    def holds_key_of(self, subject: UUID) -> bool:
        key_id = self.recorded_key_id(subject)
        return key_id is not None and self.stored_key(key_id) is not None

    def first_event(self, stream: UUID) -> bytes | None:
        with self.engine.connect() as conn:
            state = conn.execute(
                self.first_event_sql, {"stream": stream if self.postgres else stream.hex}
            ).scalar()
        return None if state is None else bytes(state)

    @staticmethod
    def stored_count(engine: Engine) -> int:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(data_keys)).scalar_one())
