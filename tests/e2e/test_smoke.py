from __future__ import annotations

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import arrest_diversion, enroll, refer, set_policy

pytestmark = pytest.mark.e2e


async def test_arrest_diversion_enrolls_after_intake_and_roi(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    referral = await refer(http, container, arrest_diversion())
    assert referral["status"] == "referred"
    assert referral["intake_deadline"] == "2026-12-24T10:00:00Z"
    await enroll(http, container, referral["participant_id"])
    view = await http.get(
        f"/v1/participants/{referral['participant_id']}",
        headers=headers_for(container, "police", "spd"),
    )
    assert view.status_code == 200
    assert view.json()["status"] == "enrolled"
    assert "plan" not in view.json()
