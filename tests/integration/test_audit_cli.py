"""`leadctl audit seal|checkpoint|verify` on both stores: a checkpoint written to a file
still vouches for the prefix after a superuser tampers with later events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from infra.clock import SettableClock
from infra.settings import Settings
from services.container import Container
from tests.conftest import TEST_SECRET
from tests.integration.audit_support import Superuser, refer_people

pytestmark = pytest.mark.integration


def leadctl(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_SECRET_KEY": TEST_SECRET}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_checkpoint_to_a_file_then_verify_from_it(
    settings: Settings, container: Container, clock: SettableClock, tmp_path: Path
) -> None:
    refer_people(container, clock, 3)
    kept = tmp_path / "checkpoint.json"
    code, output = leadctl(settings, "audit", "checkpoint", "--out", str(kept))
    assert code == 0, output
    document = json.loads(kept.read_text())
    assert document["position"] == 6
    assert set(document) >= {"position", "head", "time", "signature"}
    refer_people(container, clock, 2, first=3)
    code, output = leadctl(settings, "audit", "seal")
    assert (code, json.loads(output)) == (0, {"sealed": 4, "position": 10})
    code, output = leadctl(settings, "audit", "verify", "--from-checkpoint", str(kept))
    assert code == 0, output
    assert json.loads(output)["events_checked"] == 10
    Superuser(settings).set_state(8, b"{}")
    code, output = leadctl(settings, "audit", "verify", "--from-checkpoint", str(kept))
    report = json.loads(output)
    assert code == 1
    assert (report["first_bad_position"], report["checkpoint"]) == (
        8,
        {"position": 6, "verified": True},
    )


def test_a_checkpoint_file_that_is_not_one_is_refused(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"position": "six"}')
    code, _ = leadctl(settings, "audit", "verify", "--from-checkpoint", str(bad))
    assert code == 2  # a usage error, before anything is read


def test_a_deep_verify_decodes_every_value(
    settings: Settings, container: Container, clock: SettableClock
) -> None:
    refer_people(container, clock, 2)
    superuser = Superuser(settings)
    state = superuser.state(3)
    superuser.set_state(3, state.replace(b'"datetime_iso"', b'"no_such_type"', 1))
    container.audit.sealer.run_until_caught_up()
    assert leadctl(settings, "audit", "verify")[0] == 0
    code, output = leadctl(settings, "audit", "verify", "--deep")
    assert (code, json.loads(output)["first_bad_position"]) == (1, 3)
