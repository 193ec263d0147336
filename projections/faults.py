"""The test-only fault switch (`LEAD_TEST_FAULT_PROJECTION=projection@position`, refused by the
settings without `LEAD_TEST_MODE=1`): the projection's handler fails on one event, the first it
is given at or after that position, as a bug or a value its SQL refuses would, so tests and
reliability R12 can prove the quarantine. It keeps failing on that event in this process."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from projections.engine import Item, Projection, apply_items


class InjectedFault(RuntimeError):
    """Raised by a projection the fault switch names, on the event it names."""


class FaultyProjection:
    def __init__(self, inner: Projection, position: int) -> None:
        self.inner = inner
        self.armed_from = position
        self.failing: int | None = None
        self.name = inner.name
        self.topics = inner.topics
        self.tables = getattr(inner, "tables", ())

    def apply(self, conn: Connection, event: Any, position: int) -> None:
        self.apply_batch(conn, [(position, event)])

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        positions = [position for position, _ in items]
        if self.failing is None:
            self.failing = min((p for p in positions if p >= self.armed_from), default=None)
        if self.failing in positions:
            msg = f"injected fault at position {self.failing}"
            raise InjectedFault(msg)
        apply_items(conn, self.inner, items)


def with_fault(projections: list[Projection], switch: str | None) -> list[Projection]:
    if not switch:
        return projections
    name, _, position = switch.partition("@")
    return [FaultyProjection(p, int(position)) if p.name == name else p for p in projections]
