"""The one rule for work over many items (`services/set_aside.py`): an item failing for good
is passed over and counted; a passing database error stops the work, to be tried again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import OperationalError

from domain.errors import StateConflict
from infra.observability import REGISTRY
from services.set_aside import done_each, or_set_aside

pytestmark = pytest.mark.unit


def counted(where: str) -> float:
    return REGISTRY.get_sample_value("lead_items_set_aside_total", {"where": where}) or 0.0


def failing(exc: Exception) -> Callable[[], bool]:
    def act() -> bool:
        raise exc

    return act


def test_an_item_failing_for_good_is_passed_over_and_counted_and_the_rest_go_on() -> None:
    before = counted("unit_items")
    acts = [
        lambda: True,
        failing(StateConflict("no")),
        lambda: False,
        failing(ValueError()),
        lambda: True,
    ]
    assert done_each(acts, "unit_items") == 2
    assert counted("unit_items") == before + 2
    assert or_set_aside(lambda: "read", "unit_items") == "read"


def test_a_passing_database_error_stops_the_work_and_sets_nothing_aside() -> None:
    before = counted("unit_outage")
    outage = OperationalError("SELECT 1", {}, Exception("connection refused"))
    with pytest.raises(OperationalError):
        done_each([lambda: True, failing(outage), lambda: True], "unit_outage")
    assert counted("unit_outage") == before
