"""Builders for the pure legal-coordination unit tests: no store, no clock, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from domain.base import Meta, Stamp
from domain.legal_matter import LegalMatter
from domain.legal_values import Basis, Deliberation, MatterDetails
from domain.values import Charge

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PROSECUTOR = Meta(actor="dpa-7", client_id="kcpao-prosecutor", agency="kcpao", role="prosecutor")
THEFT = Charge("9A.56.050", "theft in the third degree")
INDEPENDENT = Basis(independent_source="victim report, case 26-1234")


def stamp(days: float = 0, meta: Meta = PROSECUTOR) -> Stamp:
    return Stamp(meta, T0 + timedelta(days=days))


def how(days: float = 0, note: str = "watching progress", policy_version: int = 3) -> Deliberation:
    moment = stamp(days)
    return Deliberation(moment, moment.recorded_at, note, policy_version)


def matter(kind: str) -> LegalMatter:
    details = MatterDetails(case_number="26-1-00042-1", court="KCSC", charges=(THEFT,))
    return LegalMatter.open(uuid4(), uuid4(), kind, details, T0, stamp())


def diverted() -> LegalMatter:
    return LegalMatter.divert(uuid4(), uuid4(), (THEFT,), T0, stamp())


def expired() -> LegalMatter:
    charge = diverted()
    charge.refer_for_filing(T0 + timedelta(days=30), stamp(30))
    return charge


def decide(m: LegalMatter, decision: str, days: float = 1, **fields: object) -> LegalMatter:
    m.decide(decision, how(days), **fields)  # type: ignore[arg-type]
    return m
