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


@pytest.mark.parametrize("size", ["0", "-5", "1000001"])
def test_a_batch_size_out_of_range_is_refused_and_nothing_is_swapped(
    settings: Settings, container: Container, size: str
) -> None:
    """A batch of 0 would read nothing and swap empty tables in at the head."""
    History(container.store, seed=9).write(60, per_save=20)
    container.projector.run_until_caught_up()
    before = container.projector.positions()
    code, output = leadctl(settings, "projections", "rebuild", "--batch-size", size)
    assert code == 2, output
    assert "--batch-size" in output
    assert container.projector.positions() == before
