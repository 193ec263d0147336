"""HTTP as the RFCs write it: JSON merge patch (RFC 7396) on the policy with `If-Match`
required, strong `If-Match` and weak `If-None-Match` (RFC 9110 §13), ETags on write answers,
`Allow` on 405, a problem's `instance`, and the idempotent replay's header."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from api.policy import MERGE_PATCH
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import POSSESSION, THEFT, at, refer, set_policy, social_contact

pytestmark = pytest.mark.e2e
JSON = {"Content-Type": "application/json"}


def pm(container: Container, **extra: str) -> dict[str, str]:
    return headers_for(container, "project_manager", "pcg", **extra)


async def patch(
    http: httpx.AsyncClient, container: Container, body: Any, **headers: str
) -> httpx.Response:
    sent = {"Content-Type": MERGE_PATCH} | headers
    return await http.patch("/v1/policy", content=json.dumps(body), headers=pm(container, **sent))


async def policy(http: httpx.AsyncClient, container: Container) -> httpx.Response:
    return await http.get("/v1/policy", headers=pm(container))


async def test_a_merge_patch_changes_only_what_it_sends(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container, caseload_max=30, intake_deadline_days=45)
    before = (await policy(http, container)).json()
    changed = await patch(
        http, container, {"divertible_charges": [THEFT]}, **{"If-Match": f'"{before["version"]}"'}
    )
    assert changed.status_code == 200, changed.text
    after = (await policy(http, container)).json()
    assert after["divertible_charges"] == [THEFT]
    assert after["version"] == before["version"] + 1
    unchanged = {k: v for k, v in before.items() if k not in ("divertible_charges", "version")}
    assert {k: after[k] for k in unchanged} == unchanged
    assert changed.headers["ETag"] == f'"{after["version"]}"'
    assert changed.json() == after | {"position": changed.json()["position"]}


async def test_policy_writes_require_a_current_strong_if_match(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Each refusal changes nothing: 428 without, 412 stale or weak, 415 not a merge patch."""
    await set_policy(http, container)
    version = (await policy(http, container)).json()["version"]
    before = container.store.table.head()
    whole = (await policy(http, container)).json()
    whole.pop("version")
    cases: list[tuple[int, str, httpx.Response]] = [
        (428, "precondition-required", await patch(http, container, {"caseload_max": 9})),
        (
            428,
            "precondition-required",
            await http.put("/v1/policy", json=whole, headers=pm(container)),
        ),
        (
            412,
            "precondition-failed",
            await patch(http, container, {"caseload_max": 9}, **{"If-Match": '"0"'}),
        ),
        (
            412,
            "precondition-failed",
            await patch(http, container, {"caseload_max": 9}, **{"If-Match": f'W/"{version}"'}),
        ),
        (
            412,
            "precondition-failed",
            await http.put(
                "/v1/policy", json=whole, headers=pm(container, **{"If-Match": f'W/"{version}"'})
            ),
        ),
        (
            415,
            "unsupported-media-type",
            await patch(
                http,
                container,
                {"caseload_max": 9},
                **{"If-Match": f'"{version}"', "Content-Type": "application/json"},
            ),
        ),
    ]
    for status, slug, response in cases:
        assert (response.status_code, response.json()["type"].rsplit("/", 1)[1]) == (
            status,
            slug,
        ), response.text
    assert cases[-1][2].headers["Accept-Patch"] == MERGE_PATCH
    assert container.store.table.head() == before
    assert (await policy(http, container)).json()["version"] == version


async def test_put_is_the_whole_document(http: httpx.AsyncClient, container: Container) -> None:
    """The README's old example sent only the charges and reset every other field: now a 422."""
    await set_policy(http, container, caseload_max=30)
    current = await policy(http, container)
    only_charges = {"divertible_charges": [POSSESSION]}
    refused = await http.put(
        "/v1/policy",
        json=only_charges,
        headers=pm(container, **{"If-Match": current.headers["ETag"]}),
    )
    assert refused.status_code == 422
    missing = {error["field"] for error in refused.json()["errors"]}
    assert "body.caseload_max" in missing
    assert (await policy(http, container)).json()["caseload_max"] == 30


async def test_if_none_match_answers_304_for_the_policy_and_a_participant(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    tag = (await policy(http, container)).headers["ETag"]
    pid = (await refer(http, container, social_contact()))["participant_id"]
    cm = headers_for(container, "case_manager", "lead-cm")
    seen = await http.get(f"/v1/participants/{pid}", headers=cm)
    for url, headers, etag in (
        ("/v1/policy", pm(container), tag),
        (f"/v1/participants/{pid}", cm, seen.headers["ETag"]),
    ):
        for sent in (etag, f"W/{etag}", "*", f'"999", {etag}'):
            again = await http.get(url, headers=headers | {"If-None-Match": sent})
            assert (again.status_code, again.content) == (304, b""), (url, sent)
            assert again.headers["ETag"] == etag
        fresh = await http.get(url, headers=headers | {"If-None-Match": '"999"'})
        assert fresh.status_code == 200


async def test_participant_commands_answer_with_the_new_etag_and_compare_strongly(
    http: httpx.AsyncClient, container: Container
) -> None:
    pid = (await refer(http, container, social_contact()))["participant_id"]
    cm = headers_for(container, "case_manager", "lead-cm")
    tag = (await http.get(f"/v1/participants/{pid}", headers=cm)).headers["ETag"]
    contact = {"contacted_at": at(minutes=-5), "kind": "attempt"}
    url = f"/v1/participants/{pid}/contacts"
    weak = await http.post(url, json=contact, headers=cm | {"If-Match": f"W/{tag}"})
    assert weak.status_code == 412, weak.text
    garbled = await http.post(url, json=contact, headers=cm | {"If-Match": "5"})
    assert garbled.status_code == 422, garbled.text
    done = await http.post(url, json=contact, headers=cm | {"If-Match": tag})
    assert done.status_code == 201, done.text
    now = (await http.get(f"/v1/participants/{pid}", headers=cm)).headers["ETag"]
    assert done.headers["ETag"] == now == f'"{done.json()["version"]}"' != tag


async def test_405_names_the_methods_the_path_takes(http: httpx.AsyncClient) -> None:
    response = await http.delete("/v1/policy")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, PATCH, PUT"
    assert response.headers["content-type"] == "application/problem+json"


async def test_every_problem_names_its_instance(
    http: httpx.AsyncClient, container: Container
) -> None:
    url = "/v1/participants/00000000-0000-4000-8000-000000000001/intake"
    answers = [
        await http.post(url, json={}),  # 401
        await http.post(url, json={}, headers=headers_for(container, "police", "spd")),  # 403
        await http.post(
            url, content=b"{", headers=headers_for(container, "case_manager", "c") | JSON
        ),
        await http.post(url, json={}, headers=headers_for(container, "case_manager", "c")),
        await http.delete(url),  # 405
    ]
    assert [a.status_code for a in answers] == [401, 403, 400, 422, 405]
    assert {a.json()["instance"] for a in answers} == {url}


async def test_a_replay_says_so_and_answers_the_same(
    http: httpx.AsyncClient, container: Container
) -> None:
    headers = headers_for(container, "police", "spd", **{"Idempotency-Key": "k-0001"})
    first = await http.post("/v1/referrals", json=social_contact(), headers=headers)
    again = await http.post("/v1/referrals", json=social_contact(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
