"""The production entry point freezes its start-up heap and shows the collector's pauses on
/metrics, where the scraper (and the benchmark) read them."""

from __future__ import annotations

import gc
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from composition.asgi import make_app
from infra.observability import REGISTRY
from tests.conftest import METRICS, METRICS_TOKEN, TEST_SECRET

pytestmark = pytest.mark.e2e


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


async def test_the_served_app_reports_its_longest_gc_pause(
    restored_collector: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sqlite_template: Path,
) -> None:
    shutil.copy(sqlite_template, tmp_path / "lead.sqlite3")
    monkeypatch.setenv("LEAD_DATABASE_URL", f"sqlite:///{tmp_path / 'lead.sqlite3'}")
    monkeypatch.setenv("LEAD_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("LEAD_METRICS_TOKEN", METRICS_TOKEN)
    monkeypatch.setenv("LEAD_RUN_WORKER", "false")
    # The process's logging stays as the other tests of this worker configured it.
    monkeypatch.setattr("composition.asgi.configure_logging", lambda *_, **__: None)
    app = make_app()
    container = app.state.container
    try:
        assert gc.get_freeze_count() > 0  # the start-up heap, left out of later collections
        gc.collect()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as http:
            text = (await http.get("/metrics", headers=METRICS)).text
        longest = re.search(r"^lead_gc_pause_max_seconds (\S+)$", text, re.M)
        assert longest is not None
        assert float(longest.group(1)) > 0
        full = re.search(r'^lead_gc_pause_seconds_count\{generation="2"\} (\S+)$', text, re.M)
        assert full is not None
        assert float(full.group(1)) >= 1
    finally:
        await container.async_sql.dispose()
        container.store.close()
        container.sql.dispose()
    assert REGISTRY.get_sample_value("lead_gc_pause_max_seconds") is not None
