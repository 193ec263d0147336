"""Values a store could refuse never get in: the limits and characters of `domain/text.py`
hold at the API, on both stores, so no accepted write can stop a read model (issue 11)."""

from __future__ import annotations

import unicodedata
from typing import Any

import httpx
import pytest

from domain import text
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import at, refer, social_contact

pytestmark = pytest.mark.e2e


def head(container: Container) -> int:
    return int(container.store.table.head())


async def refused(
    http: httpx.AsyncClient, container: Container, body: dict[str, Any], field: str
) -> str:
    before = head(container)
    response = await http.post(
        "/v1/referrals", json=body, headers=headers_for(container, "police", "spd")
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert field in errors, errors
    assert head(container) == before
    return errors[field]


def site_is_whole(container: Container) -> None:
    """Every projection caught up with the store's head and nothing set aside."""
    container.projector.run_until_caught_up()
    latest = head(container)
    assert set(container.projector.positions().values()) == {latest}
    assert container.projector.quarantine.entries() == []


async def test_a_race_value_longer_than_the_evaluation_allows_is_422(
    http: httpx.AsyncClient, container: Container
) -> None:
    """The poison case: the API took 200 characters, the evaluation tables kept 64."""
    body = social_contact(demographics={"race": ["R" * 100]})
    message = await refused(http, container, body, "body.demographics.race.0")
    assert str(text.DEMOGRAPHIC.max_length) in message
    site_is_whole(container)


async def test_a_nul_in_a_given_name_is_422(http: httpx.AsyncClient, container: Container) -> None:
    """The poison case: PostgreSQL refuses NUL in text, SQLite keeps it."""
    body = social_contact()
    body["person"]["given_name"] = "Sa\x00m"
    message = await refused(http, container, body, "body.person.given_name")
    assert "U+0000" in message
    site_is_whole(container)


async def test_a_lone_surrogate_is_422(http: httpx.AsyncClient, container: Container) -> None:
    raw = social_contact()
    raw["person"]["family_name"] = "PLACEHOLDER"
    content = httpx.Request("POST", "/", json=raw).content.replace(b"PLACEHOLDER", b"\\ud800")
    before = head(container)
    response = await http.post(
        "/v1/referrals",
        content=content,
        headers=headers_for(container, "police", "spd") | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert "body.person.family_name" in [e["field"] for e in response.json()["errors"]]
    assert head(container) == before


async def test_the_longest_and_oddest_values_allowed_are_stored_and_projected(
    http: httpx.AsyncClient, container: Container
) -> None:
    odd = "\u00e9\U0001f600\u202e\u0627\u4e2d "  # accent, emoji, bidi override, Arabic, Han
    body = social_contact(
        demographics={
            "race": [(odd * 20)[: text.DEMOGRAPHIC.max_length]] * 10,
            "ethnicity": "e" * text.DEMOGRAPHIC.max_length,
            "gender": "\U0001f600" * text.DEMOGRAPHIC.max_length,
        },
        referring_organization="o" * text.LABEL.max_length,
    )
    body["person"]["given_name"] = ("x" + odd * 40)[: text.NAME.max_length]
    body["person"]["family_name"] = "\u4e2d" * text.NAME.max_length
    made = await refer(http, container, body)
    site_is_whole(container)
    listed = await http.get(
        "/v1/participants",
        params={"min_position": made["position"]},
        headers=headers_for(container, "case_manager", "lead-cm"),
    )
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["person"]["family_name"] == "\u4e2d" * text.NAME.max_length


async def test_names_and_identifiers_are_stored_and_compared_in_nfc(
    http: httpx.AsyncClient, container: Container
) -> None:
    decomposed = "Jose\u0301"  # "José" with a combining accent
    body = social_contact()
    body["person"]["given_name"] = decomposed
    body["person"]["identifiers"] = [{"system": "spd-person", "value": "P-" + decomposed}]
    made = await refer(http, container, body)
    composed = unicodedata.normalize("NFC", decomposed)
    found = await http.get(
        "/v1/participants",
        params={
            "identifier_system": "spd-person",
            "identifier_value": "P-" + decomposed,  # the query is normalised too
            "min_position": made["position"],
        },
        headers=headers_for(container, "police", "spd"),
    )
    assert found.status_code == 200, found.text
    [item] = found.json()["items"]
    assert item["person"]["given_name"] == composed
    assert item["person"]["identifiers"] == [{"system": "spd-person", "value": "P-" + composed}]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (
            "/v1/participants",
            {"identifier_system": "spd-person", "identifier_value": "P-\x00"},
            "query.identifier_value",
        ),
        ("/v1/participants", {"cursor": "a\x1fb"}, "query.cursor"),
        ("/v1/queues/liaison-prosecutor", {"cursor": "\x00"}, "query.cursor"),
        ("/v1/compliance/golden-rule", {"cursor": "\x7f"}, "query.cursor"),
        ("/v1/non-return-requests", {"location": "Pine\x00St"}, "query.location"),
        ("/v1/possible-duplicates", {"cursor": "\x00"}, "query.cursor"),
        ("/v1/notifications", {"cursor": "1\x00"}, "query.cursor"),
    ],
)
async def test_control_characters_in_query_parameters_are_422(
    http: httpx.AsyncClient, container: Container, path: str, params: dict[str, str], field: str
) -> None:
    role = {
        "/v1/compliance/golden-rule": "defense",
        "/v1/queues/liaison-prosecutor": "prosecutor",
        "/v1/non-return-requests": "police",
    }
    headers = headers_for(container, role.get(path, "case_manager"), "x-agency")
    response = await http.get(path, params=params, headers=headers)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_tab_and_newline_pass_in_notes_only(
    http: httpx.AsyncClient, container: Container
) -> None:
    made = await refer(http, container, social_contact())
    cm = headers_for(container, "case_manager", "lead-cm")
    intake = f"/v1/participants/{made['participant_id']}/intake"
    name_with_tab = social_contact(n=2)
    name_with_tab["person"]["given_name"] = "Sam\tTab"
    await refused(http, container, name_with_tab, "body.person.given_name")
    plan = {"completed_at": at(minutes=-30), "plan_summary": "one\n\ttwo"}
    accepted = await http.post(intake, headers=cm, json=plan)
    assert accepted.status_code == 201, accepted.text
    site_is_whole(container)


@pytest.mark.parametrize("client_id", ["spd\x00police", "c" * 200, "\x1b[31m"])
async def test_a_client_id_no_store_could_keep_is_refused_and_audited_without_it(
    http: httpx.AsyncClient, container: Container, client_id: str
) -> None:
    """Found by the PostgreSQL fuzzing: the token endpoint audited the claimed client_id as it
    came (a NUL, or longer than the column), and the audit's insert failed with a 500."""
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"}
    response = await http.post("/v1/auth/token", data=form)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    page = container.audit.authentication.page(0, 10, None, None)
    assert [event["client_id"] for event in page["items"]] == [None]
