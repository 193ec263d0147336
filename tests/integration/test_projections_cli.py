"""`leadctl projections status|rebuild` on both stores."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bench.history import History
from cli.main import app
from infra.settings import Settings
from services.container import Container
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.integration


def leadctl(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_SECRET_KEY": TEST_SECRET}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_rebuild_the_named_views_then_status_shows_them_at_the_head(
    settings: Settings, container: Container
) -> None:
    History(container.store, seed=8).write(200, per_save=20)
    head = container.store.table.head()
    code, output = leadctl(settings, "projections", "rebuild", "capacity", "evaluation")
    assert code == 0, output
    assert f"swapped in at position {head:,}" in output
    positions = container.projector.positions()
    assert positions["capacity"] == positions["evaluation"] == head
    assert positions["participant_directory"] == 0
    code, output = leadctl(settings, "projections", "status")
    assert code == 0, output
    assert "participant_directory" in output


def test_an_unknown_name_is_refused(settings: Settings, container: Container) -> None:
    code, output = leadctl(settings, "projections", "rebuild", "capacity", "nope")
    assert code != 0
    assert "nope" in output
