"""A record a superuser altered in the store: asked for, it is a clear problem document
(`record-unreadable`), never a bare 500; a look-up over many records leaves it out and
answers for the others; and nothing unexpected is ever answered with its message."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import arrest_diversion, refer, set_policy
from tests.integration.audit_support import Superuser

pytestmark = pytest.mark.e2e
PROBLEM = "https://lead-service.example/problems/"


@pytest.fixture
async def served(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """As a server answers: an exception becomes a response, not a raise in the test."""
    app = create_app(container, background=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as client:
        yield client
    await container.async_sql.dispose()


def garble_first_event(container: Container, participant_id: str) -> None:
    recorder = container.store.recorder
    first = next(
        n.id
        for n in recorder.select_notifications(1, 1000)
        if str(n.originator_id) == participant_id and n.originator_version == 1
    )
    Superuser(container.settings).set_state(first, b"garbage")


async def test_a_damaged_record_is_a_clear_problem_and_never_hides_the_others(
    served: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(served, container)
    damaged = (await refer(served, container, arrest_diversion(1)))["participant_id"]
    sound = (await refer(served, container, arrest_diversion(2)))["participant_id"]
    container.projector.run_until_caught_up()
    garble_first_event(container, damaged)

    pm = headers_for(container, "project_manager", "pcg")
    answer = await served.get(f"/v1/participants/{damaged}", headers=pm)
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == PROBLEM + "record-unreadable"
    assert (await served.get(f"/v1/participants/{sound}", headers=pm)).status_code == 200
    # both requests are at the same corner: the look-up answers for the sound one
    police = headers_for(container, "police", "tpd")
    place = await served.get("/v1/non-return-requests", params={"location": "Pine"}, headers=police)
    assert place.status_code == 200, place.text
    assert [item["participant_id"] for item in place.json()["items"]] == [sound]
    described = await served.get("/problems/record-unreadable")
    assert described.status_code == 200 and described.json()["status"] == 500
    assert answer.json()["title"] == described.json()["title"]  # as the catalogue names it


async def test_an_unexpected_failure_is_a_problem_document_that_quotes_nothing(
    served: httpx.AsyncClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(*_: object, **__: object) -> None:
        raise RuntimeError("Zephyrine Quillfeather, 1977-07-19")  # what a driver might quote

    monkeypatch.setattr(container.read_side.capacity, "roster", fails)
    answer = await served.get("/v1/case-managers", headers=headers_for(container, "police", "spd"))
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == PROBLEM + "internal-error"
    assert "Zephyrine" not in answer.text and "1977" not in answer.text
