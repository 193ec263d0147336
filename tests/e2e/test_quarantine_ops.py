"""What an operator and a load balancer see of a quarantined event (issue 11): `/readyz` is a
503 `degraded` naming the projection, the metric counts it, reads go on, and after `retry`
the site is ready again with the event applied once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from api.app import create_app
from composition.bootstrap import build
from infra.clock import SettableClock
from infra.settings import Settings
from projections.retry import retry
from services.container import Container
from tests.conftest import METRICS, headers_for
from tests.e2e.helpers import refer, social_contact

pytestmark = pytest.mark.e2e

FAULTY = "participant_directory"


@pytest.fixture
def faulty(settings: Settings, clock: SettableClock) -> Iterator[Container]:
    """The site with the directory's handler failing on the first event (the fault switch)."""
    switched = settings.model_copy(
        update={"test_mode": True, "test_fault_projection": f"{FAULTY}@1"}
    )
    built = build(switched, clock=clock)
    yield built
    built.close()


@pytest.fixture
async def faulty_http(faulty: Container) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(faulty, background=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as client:
        yield client
    await faulty.async_sql.dispose()


async def test_readyz_is_degraded_naming_the_projection_until_retry(
    faulty_http: httpx.AsyncClient, faulty: Container, container: Container
) -> None:
    first = await refer(faulty_http, faulty, social_contact(n=1))
    second = await refer(faulty_http, faulty, social_contact(n=2))
    faulty.background.tick()
    ready = await faulty_http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"status": "degraded", "projections": [FAULTY]}
    metrics = (await faulty_http.get("/metrics", headers=METRICS)).text
    assert f'lead_projection_quarantine_entries{{projection="{FAULTY}"}} 1.0' in metrics
    assert f'lead_projection_quarantined_total{{projection="{FAULTY}"}}' in metrics
    cm = headers_for(faulty, "case_manager", "lead-cm")
    listed = await faulty_http.get(
        "/v1/participants", params={"min_position": second["position"]}, headers=cm
    )
    assert listed.status_code == 200, listed.text  # the site goes on
    assert [i["participant_id"] for i in listed.json()["items"]] == [second["participant_id"]]
    assert retry(container.projector).applied == [(FAULTY, 1)]  # the fixed code's projector
    again = await faulty_http.get("/readyz")
    assert again.status_code == 200, again.text
    listed = await faulty_http.get("/v1/participants", headers=cm)
    ids = sorted(i["participant_id"] for i in listed.json()["items"])
    assert ids == sorted([first["participant_id"], second["participant_id"]])
