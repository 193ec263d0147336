"""Participants recorded before personal data was sealed (a store from before issue 18): their
events hold names and the rest in plain text, and no key destroyed can remove them. Counted
so that `leadctl migrate` says so, and refused by forgetting (README: "Existing stores")."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from infra.events_table.dialects import POSTGRES_EVENTS_TABLE, SQLITE_EVENTS_TABLE
from infra.settings import Settings

REFERRED_TOPIC = "domain.participant:Participant.Referred"
SEALED_MARK = b'"_sealed_"'


def is_sealed(state: bytes) -> bool:
    return SEALED_MARK in state


def plaintext_participants(settings: Settings) -> int:
    """How many participants' first events are in plain text (0 on a store with no events)."""
    if settings.is_sqlite:
        sql = f"SELECT count(*) FROM {SQLITE_EVENTS_TABLE} WHERE topic = :topic AND instr(state, :mark) = 0"  # noqa: E501, S608
    else:
        sql = f"SELECT count(*) FROM {POSTGRES_EVENTS_TABLE} WHERE topic = :topic AND position(:mark in state) = 0"  # noqa: E501, S608
    engine = create_engine(settings.sqlalchemy_url(asynchronous=False))
    try:
        with engine.connect() as conn:
            found = conn.execute(text(sql), {"topic": REFERRED_TOPIC, "mark": SEALED_MARK})
            return int(found.scalar_one())
    except DBAPIError:
        return 0  # no events table yet
    finally:
        engine.dispose()
