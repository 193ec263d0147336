"""Tables of forgetting (issue 18): the data keys, wrapped by the key-encryption key and kept
apart from the events (each person's first event names theirs), and the signed receipt of
every forgetting. Destroying a `data_keys` row is what forgets."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, LargeBinary, String, Table, Text, Uuid

from infra.tables import metadata

data_keys = Table(
    "data_keys",
    metadata,
    Column("key_id", Uuid, primary_key=True),  # named, in clear, by its person's first event
    Column("wrapped", LargeBinary, nullable=False),  # nonce + AES-GCM(KEK, key)
    Column("kek_id", String(16), nullable=False),  # which key-encryption key wrapped it
    Column("created_at", DateTime(timezone=True), nullable=False),
)

forgetting_receipts = Table(
    "forgetting_receipts",
    metadata,
    Column("participant_id", Uuid, primary_key=True),
    Column("position", BigInteger, nullable=False),  # of the Forgotten event
    Column("forgotten_at", DateTime(timezone=True), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("reference", Text, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("approved_by", Text, nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

# Which identifier claim keys made the store's claim ids (a fingerprint, never the key): a
# start with another key would miss every claim and open a second record for each person.
claim_keys = Table(
    "claim_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
