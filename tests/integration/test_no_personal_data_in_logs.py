"""No personal data in logs (issue 11): a distinctive name goes through every failure path the
tests can provoke (a refused request, a projection's SQL refusing a value, a background job's
SQL failing, an application error as uvicorn logs it), then the captured logs are searched
for it. Driver messages quote refused values and SQLAlchemy appends parameters: both stores."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
import pytest
import structlog
from sqlalchemy import Table, insert, text

from api.app import create_app
from infra.background import BackgroundJobs
from infra.observability import configure_logging
from projections.engine import Projector
from projections.tables import projection_positions
from services.container import Container
from tests.conftest import headers_for
from tests.integration.support import notification_ids, refer, social_contact
from tests.integration.test_quarantine import POISON_NAME, Refusing

pytestmark = pytest.mark.integration


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The service's log configuration (JSON lines, the scrubbing processors); it ends with
    the test (tests/conftest.py: no logger is cached, each test starts from the same one)."""
    configure_logging("DEBUG", as_json=True)
    caplog.set_level(logging.DEBUG)
    return caplog


def failing_sql(container: Container) -> None:
    """A statement whose error quotes the value: a duplicate key (both stores), and on
    PostgreSQL a cast that names its input."""
    with container.sql.begin() as conn:
        conn.execute(insert(projection_positions).values(name=POISON_NAME, position=0))
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT CAST(:v AS integer)"), {"v": POISON_NAME})
        conn.execute(insert(projection_positions).values(name=POISON_NAME, position=0))


def everything_logged(logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> str:
    formatter = logging.Formatter()
    records = "\n".join(formatter.format(record) for record in logs.records)
    captured = capsys.readouterr()
    return "\n".join((records, logs.text, captured.out, captured.err))


async def test_a_distinctive_name_never_reaches_the_logs(
    container: Container,
    applied_table: Table,
    logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A refused request: NUL and an overlong value beside the name.
    transport = httpx.ASGITransport(app=create_app(container, background=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as http:
        body = {"door": "social_contact", "referred_at": "2026-11-24T11:00:00Z"}
        body["person"] = {"given_name": POISON_NAME + "\x00", "family_name": POISON_NAME * 50}
        response = await http.post(
            "/v1/referrals", json=body, headers=headers_for(container, "police", "spd")
        )
        assert response.status_code == 422
    await container.async_sql.dispose()

    # A projection whose SQL refuses a value: quarantined and logged once.
    refer(container, social_contact(1, container.clock.now() - timedelta(hours=1)))
    first = notification_ids(container.store)[0]
    projector = Projector(container.store, container.sql, [Refusing(applied_table, first)])
    projector.run_until_caught_up()
    assert len(projector.quarantine.entries()) == 1

    # A background job failing on the same SQL (logged, retried next tick).
    jobs = BackgroundJobs({"poisoned": lambda: failing_sql(container) or 0}, 1)
    assert jobs.tick() == {"poisoned": None}

    # An application error, logged the way uvicorn logs one ("Exception in ASGI application").
    with pytest.raises(Exception) as raised:
        failing_sql(container)
    assert POISON_NAME in str(raised.value) or container.settings.is_sqlite  # the driver quotes
    assert "parameters hidden" in str(raised.value)  # SQLAlchemy's own part: hide_parameters
    logging.getLogger("uvicorn.error").error(
        "Exception in ASGI application\n", exc_info=raised.value
    )
    structlog.get_logger("test").exception("failed", exc_info=raised.value)

    logged = everything_logged(logs, capsys)
    assert "projection_event_quarantined" in logged
    assert "background_job_failed" in logged
    assert "Exception in ASGI application" in logged
    assert POISON_NAME not in logged
    assert "Poisonname" not in logged
