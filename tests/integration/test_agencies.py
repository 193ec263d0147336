"""Which agencies are registered, asked on every ROI and legal matter: a registered one is
remembered (agencies are never removed), one not registered is asked again, since another
process (`leadctl clients create`) may register it at any moment. On both stores."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from infra.agencies import Agencies
from services.container import Container

pytestmark = pytest.mark.integration


def test_a_registered_agency_is_remembered_and_an_unknown_one_asked_again(
    container: Container,
) -> None:
    engine = container.agencies.engine
    asked: list[Any] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            asked.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    agencies = Agencies(engine)
    elsewhere = Agencies(engine)  # another process: `leadctl clients create`
    now = container.clock.now()
    elsewhere.register("spd", now)
    assert agencies.known(["spd", "kcpao"]) == {"spd"}
    assert len(asked) == 1
    assert agencies.known(["spd"]) == {"spd"}
    assert len(asked) == 1  # remembered
    elsewhere.register("kcpao", now)
    assert agencies.known(["spd", "kcpao"]) == {"spd", "kcpao"}  # asked again, found now
    assert len(asked) == 2
    assert agencies.known([]) == frozenset()
    assert len(asked) == 2
