"""Golden Rule compliance flags (DOMAIN.md), each with the positions of the events behind it.
The rules are in `compliance_rules.py`; this loads what a batch needs, folds the batch
through the rules in memory, and writes each table once."""

from __future__ import annotations

from eventsourcing.utils import get_topic
from sqlalchemy import Connection

from projections.compliance_rules import FOLDS
from projections.compliance_state import load, write
from projections.compliance_tables import (
    TABLES,
    compliance_flags,
    compliance_links,
    compliance_shares,
)
from projections.engine import BatchProjection, Item
from projections.forgetting import FORGOTTEN_TOPIC, purge


class ComplianceProjection(BatchProjection):
    name = "golden_rule_compliance"
    tables = TABLES
    topics = frozenset(get_topic(cls) for cls in FOLDS) | {FORGOTTEN_TOPIC}

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        folded = [item for item in items if type(item[1]) in FOLDS]
        state = load(conn, folded)
        for position, event in folded:
            FOLDS[type(event)](state, (position, event))
        write(conn, state)
        columns = (compliance_flags, compliance_links, compliance_shares)
        purge(conn, items, *(table.c.participant_id for table in columns))
