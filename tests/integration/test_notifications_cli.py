"""`leadctl agencies allow-webhook-host` and `leadctl subscriptions list` on both stores."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from domain.notifications import NotificationType
from infra.settings import Settings
from services.container import Container
from services.context import Viewer
from services.notifications.subscriptions import NewSubscription
from tests.conftest import TEST_SECRET, register_agency

pytestmark = pytest.mark.integration
PUBLIC = "93.184.215.14"  # an address literal: nothing to resolve


def leadctl(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_SECRET_KEY": TEST_SECRET}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_the_operator_allows_a_host_then_lists_the_subscriptions(
    settings: Settings, container: Container
) -> None:
    register_agency(container, "spd")
    code, output = leadctl(settings, "agencies", "allow-webhook-host", "spd", PUBLIC)
    assert code == 0, output
    assert json.loads(output) == {"agency": "spd", "host": PUBLIC, "allowed": True}
    viewer = Viewer("spd-police", "spd", "police", "badge-1")
    wanted = NewSubscription(f"https://{PUBLIC}/lead", (NotificationType.PARTICIPANT_ENROLLED,))
    made = container.notifications.subscriptions.create(viewer, wanted)
    code, output = leadctl(settings, "subscriptions", "list")
    assert code == 0, output
    [listed] = [json.loads(line) for line in output.splitlines()]
    assert listed["subscription_id"] == str(made.subscription.subscription_id)
    assert listed["status"] == "active" and listed["lag_events"] == 0
    assert made.secret not in output


@pytest.mark.parametrize(
    ("agency", "host", "why"),
    [
        ("spd", "https://hooks.spd.example", "a URL, not a host"),
        ("spd", "hooks.spd.example:443", "a port"),
        ("spd", "hooks..example", "an empty label"),
        ("nobody", "hooks.spd.example", "an unregistered agency"),
    ],
)
def test_the_operator_is_told_what_is_wrong(
    settings: Settings, container: Container, agency: str, host: str, why: str
) -> None:
    register_agency(container, "spd")
    code, output = leadctl(settings, "agencies", "allow-webhook-host", agency, host)
    assert code == 2, (why, output)
    assert container.notifications.rows.hosts(agency) == frozenset(), why
