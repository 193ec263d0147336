"""One rule for work that goes over many items (the notification log's events, the deadline
and alert workers' due items): an item that fails for good (its record cannot be read, a
rule refuses it) is set aside: logged, counted, and the rest go on, as a projection sets an
event it cannot apply aside. A passing database error is raised: the work is tried again
later, so an outage never makes an item be passed over."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import structlog

from infra.observability import ITEMS_SET_ASIDE
from infra.scrub import safe_summary
from projections.quarantine import TRANSIENT

log = structlog.get_logger(__name__)
T = TypeVar("T")


def or_set_aside(act: Callable[[], T], where: str, **context: int) -> T | None:
    """What `act` gives; None when it failed for good, and it was set aside."""
    try:
        return act()
    except TRANSIENT:
        raise
    except Exception as exc:  # noqa: BLE001 (one item never stops the rest for good)
        log.warning("item_set_aside", where=where, error=safe_summary(exc), **context)
        ITEMS_SET_ASIDE.labels(where).inc()
        return None


def done_each(acts: Iterable[Callable[[], bool]], where: str) -> int:
    """How many of `acts` did something, each alone: one failing for good is set aside."""
    return sum(bool(or_set_aside(act, where)) for act in acts)
