"""The chain over HTTP: the public key, signed checkpoints, verification (never a 500, even
on a store a superuser tampered with), and who may call what."""

from __future__ import annotations

import base64
import threading
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.roles import ROLES
from infra.clock import SettableClock
from services.audit.chain import checkpoint_message
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import auditor, diverted_and_enrolled, get_json
from tests.integration.audit_support import Superuser

pytestmark = pytest.mark.e2e


async def test_a_partner_checks_a_checkpoint_with_the_published_key(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await diverted_and_enrolled(http, container, clock)
    assert (await http.get("/v1/audit/checkpoint", headers=auditor(container))).status_code == 404
    container.audit.sealer.run_until_caught_up()
    kept = await get_json(http, "/v1/audit/checkpoint", auditor(container))
    published = (await http.get("/v1/audit/public-key")).json()  # no token needed
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(published["public_key"]))
    message = checkpoint_message(kept["position"], bytes.fromhex(kept["head"]), kept["time"])
    key.verify(base64.b64decode(kept["signature"]), message)  # raises if forged
    assert kept["key_id"] == published["key_id"]
    report = (await http.post("/v1/audit/verify", json=kept, headers=auditor(container))).json()
    assert report["ok"] is True
    assert report["checkpoint"] == {"position": kept["position"], "verified": True}
    assert report["events_checked"] == kept["position"]


async def test_verification_reports_tampering_as_a_finding(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    participant_id = await diverted_and_enrolled(http, container, clock)
    container.audit.sealer.run_until_caught_up()
    container.projector.run_until_caught_up()
    clean = await get_json(http, "/v1/audit/verify", auditor(container))
    assert clean["ok"] is True
    superuser = Superuser(container.settings)
    superuser.set_state(2, b"garbage")
    superuser.delete(4)
    report = await get_json(http, "/v1/audit/verify", auditor(container))
    assert report["ok"] is False
    assert report["first_bad_position"] == 2
    assert report["events_checked"] == 1
    url = f"/v1/participants/{participant_id}/history"
    history = await get_json(http, url, auditor(container))
    assert [item["position"] for item in history["items"] if item["missing"]] == [4]
    assert [item["position"] for item in history["items"] if item["undecodable"]] == [2]


async def test_a_doctored_or_malformed_checkpoint(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await diverted_and_enrolled(http, container, clock)
    container.audit.sealer.run_until_caught_up()
    kept = await get_json(http, "/v1/audit/checkpoint", auditor(container))
    doctored = kept | {"head": "0" * 64}
    report = await http.post("/v1/audit/verify", json=doctored, headers=auditor(container))
    assert report.status_code == 200
    assert report.json()["ok"] is False
    assert "not signed" in report.json()["finding"]
    for bad in ({}, kept | {"head": "xyz"}, kept | {"signature": "%%%"}, kept | {"position": -1}):
        response = await http.post("/v1/audit/verify", json=bad, headers=auditor(container))
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == "application/problem+json"


async def test_only_auditors_verify_and_take_checkpoints(
    http: httpx.AsyncClient, container: Container
) -> None:
    for role in ROLES - {"auditor"}:
        headers = headers_for(container, role, "x")
        assert (await http.get("/v1/audit/verify", headers=headers)).status_code == 403
        assert (await http.get("/v1/audit/checkpoint", headers=headers)).status_code == 403
        checkpoint = {"position": 1, "head": "0" * 64, "time": "t", "signature": "AA=="}
        posted = await http.post("/v1/audit/verify", json=checkpoint, headers=headers)
        assert posted.status_code == 403
    assert (await http.get("/v1/audit/verify")).status_code == 401


async def test_verifications_run_one_at_a_time_and_a_second_is_told_to_ask_again(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    """Each reads the whole store: an auditor asking for many at once must not take every
    worker thread. While one walks the chain, another is a 503 at once, and afterwards runs."""
    await diverted_and_enrolled(http, container, clock)
    verifier = container.audit.verifier
    walking, go_on = threading.Event(), threading.Event()
    real_walk = verifier.walk

    def held_walk(*args: Any) -> None:
        walking.set()
        go_on.wait(10)
        real_walk(*args)

    verifier.walk = held_walk  # type: ignore[method-assign]
    first = threading.Thread(target=verifier.verify)
    first.start()
    try:
        assert walking.wait(10)
        second = await http.get("/v1/audit/verify", headers=auditor(container))
        assert second.status_code == 503, second.text
        assert second.json()["type"].endswith("/problems/verification-running")
        assert int(second.headers["Retry-After"]) >= 1
    finally:
        go_on.set()
        first.join(10)
    verifier.walk = real_walk  # type: ignore[method-assign]
    report = await get_json(http, "/v1/audit/verify", auditor(container))
    assert report["ok"] is True
