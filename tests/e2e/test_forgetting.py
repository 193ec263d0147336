"""Forgetting a participant (issue 18), over HTTP on both stores: the key is destroyed, reads
answer 410 or leave the person out, history keeps the shape with `data: null`, evaluation
counts and `verify` are unchanged, and a dump of every table and the captured logs hold none
of the person's data."""

from __future__ import annotations

import base64
import json
import logging
import sqlite3
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest

from domain.base import Meta, Stamp
from domain.identifiers import SITE_WIDE, legacy_index_id
from domain.participant import Participant
from domain.values import Identifier
from infra.clock import SettableClock
from infra.keyring import Keyring
from services.container import Container
from services.forgetting.receipts import Receipt, verified
from tests.conftest import headers_for
from tests.e2e.audit_helpers import all_pages, auditor, feed, get_json
from tests.e2e.helpers import arrest_diversion, at, community, refer, set_policy
from tests.e2e.legal_helpers import decide, open_matter

# What only the forgotten person's record holds: none of it may survive anywhere.
SECRETS = {
    "given_name": "Zephyrine",
    "family_name": "Quillfeather",
    "date_of_birth": "1977-07-19",
    "identifier": "ZQ-778899",
    "location": "Larkspur Alley",
    "plan": "Kestrelhouse shelter plan",
    "share": "Marrowind clinic visits",
    "case_number": "26-9-55441-7",
}
KEPT = {"given_name": "Oleander", "family_name": "Keepsake"}  # another person, who stays


def forgettable_person() -> dict[str, Any]:
    body = arrest_diversion(1)
    body["person"] = {
        "given_name": SECRETS["given_name"],
        "family_name": SECRETS["family_name"],
        "date_of_birth": SECRETS["date_of_birth"],
        "identifiers": [{"system": "spd-person", "value": SECRETS["identifier"]}],
    }
    body["arrest"]["location"]["description"] = f"{SECRETS['location']} 9"
    return body


def kept_person() -> dict[str, Any]:
    body = arrest_diversion(2)
    body["person"] = body["person"] | KEPT
    return body


def as_receipt(document: dict[str, Any]) -> Receipt:
    forgotten_at = datetime.fromisoformat(document["forgotten_at"])
    return Receipt(
        **document
        | {"participant_id": UUID(document["participant_id"]), "forgotten_at": forgotten_at}
    )


def pm(container: Container, **extra: str) -> dict[str, str]:
    return headers_for(container, "project_manager", "pcg", actor="pm-1", **extra)


def forget_body(**overrides: str) -> dict[str, str]:
    body = {"reason": "court_order", "reference": "KCSC order 26-2-01234", "approved_by": "aud-1"}
    return body | overrides


async def site_with_a_record(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> tuple[str, str, str]:
    """Two people; the first with a plan, a share, a legal matter and a kept answer:
    (the first, the second, the first's legal matter)."""
    await set_policy(http, container)
    police = headers_for(container, "police", "spd", **{"Idempotency-Key": "forget-me-1"})
    first = await http.post("/v1/referrals", json=forgettable_person(), headers=police)
    assert first.status_code == 201, first.text
    participant_id: str = first.json()["participant_id"]
    kept: str = (await refer(http, container, kept_person()))["participant_id"]
    clock.advance(timedelta(minutes=1))
    cm = headers_for(container, "case_manager", "lead-cm")
    plan = {"completed_at": at(minutes=-30), "plan_summary": SECRETS["plan"]}
    roi = {"signed_at": at(minutes=-20), "agencies": ["spd"], "categories": ["plan"]}
    for step, body in (("intake", plan), ("roi", roi)):
        done = await http.post(f"/v1/participants/{participant_id}/{step}", json=body, headers=cm)
        assert done.status_code == 201, done.text
    summary = {
        "recipient_agency": "spd",
        "category": "plan",
        "summary": SECRETS["share"],
        "shared_at": at(minutes=-1),
    }
    shared = await http.post(
        f"/v1/participants/{participant_id}/information-shares", json=summary, headers=cm
    )
    assert shared.status_code == 201, shared.text
    case = await open_matter(
        http, container, participant_id, "pending_case", SECRETS["case_number"]
    )
    container.projector.run_until_caught_up()
    return participant_id, kept, case["matter_id"]


EVENT_TABLES = frozenset(
    {"stored_events", "stored_snapshots", "leadstore_events", "leadstore_snapshots"}
)


def dump(container: Container, only: frozenset[str] | None = None) -> str:
    """Every row of every table (or of `only` those), as text; bytes as Latin-1, so JSON in a
    blob shows as itself."""
    if container.settings.is_sqlite:
        with sqlite3.connect(container.settings.sqlite_path) as conn:
            listed = conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            names = [r[0] for r in listed if only is None or r[0] in only]
            rows = [row for name in names for row in conn.execute(f'SELECT * FROM "{name}"')]  # noqa: S608
    else:
        with psycopg.connect(container.settings.database_url) as conn:
            listed = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
            names = [r[0] for r in listed if only is None or r[0] in only]
            rows = [row for name in names for row in conn.execute(f'SELECT * FROM "{name}"')]  # noqa: S608
    assert len(names) > (1 if only else 20)  # every table asked for, not a few
    return "\n".join(" | ".join(text(value) for value in row) for row in rows)


def text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    return str(value)


def guessable_claim_ids(haystack: str, value: str) -> list[UUID]:
    """The ids anyone could compute from the identifier (uuid5, as claims had before they
    were keyed) that the dump holds, in any of the forms a UUID is stored in."""
    identifier = Identifier("spd-person", value)
    guesses = [legacy_index_id(identifier, scope) for scope in (SITE_WIDE, "spd")]
    flat = haystack.replace("-", "")
    return [
        g
        for g in guesses
        if g.hex in flat or g.hex.upper() in flat or g.bytes.decode("latin-1") in haystack
    ]


def leaked(haystack: str, secrets: dict[str, str]) -> list[str]:
    return [name for name, secret in secrets.items() if secret in haystack]


async def evaluation(http: httpx.AsyncClient, container: Container) -> dict[str, Any]:
    figures = await get_json(
        http,
        "/v1/metrics/evaluation",
        auditor(container),
        **{"from": at(days=-30), "to": at(days=1)},
    )
    figures.pop("position")  # how far the figures are read: the forgetting moved it on
    return figures


async def test_forgetting_leaves_no_personal_data_and_keeps_the_record_whole(
    http: httpx.AsyncClient,
    container: Container,
    clock: SettableClock,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO)
    participant_id, kept, matter_id = await site_with_a_record(http, container, clock)
    events = dump(container, EVENT_TABLES)
    assert leaked(events, SECRETS) == []  # sealed in events and snapshots from the start
    assert leaked(events, KEPT) == []
    # the read models hold it in plain text (what the grep below must find if it is left)
    assert set(leaked(dump(container), SECRETS)) >= {"given_name", "identifier", "case_number"}
    counts = await evaluation(http, container)
    history_before = await all_pages(
        http, f"/v1/participants/{participant_id}/history", auditor(container)
    )

    clock.advance(timedelta(minutes=1))
    response = await http.post(
        f"/v1/participants/{participant_id}/forget", json=forget_body(), headers=pm(container)
    )
    assert response.status_code == 201, response.text
    receipt = response.json()["receipt"]
    assert receipt["requested_by"] == "pm-1" and receipt["approved_by"] == "aud-1"
    assert verified(as_receipt(receipt), container.audit.signer)
    tampered = as_receipt(receipt | {"reason": "retention_expired"})
    assert not verified(tampered, container.audit.signer)
    container.projector.run_until_caught_up()

    # reads: 410, or the person is left out
    view = await http.get(f"/v1/participants/{participant_id}", headers=pm(container))
    assert view.status_code == 410
    assert view.json()["type"].endswith("/problems/participant-forgotten")
    lookup = await http.get(
        "/v1/participants",
        params={"identifier_system": "spd-person", "identifier_value": SECRETS["identifier"]},
        headers=headers_for(container, "police", "spd"),
    )
    assert lookup.status_code == 200, lookup.text
    assert lookup.json()["items"] == []
    listed = await get_json(http, "/v1/participants", pm(container))
    ids = [item["participant_id"] for item in listed["items"]]
    assert participant_id not in ids and kept in ids
    replay = await http.post(
        "/v1/referrals",
        json=forgettable_person(),
        headers=headers_for(container, "police", "spd", **{"Idempotency-Key": "forget-me-1"}),
    )
    assert replay.status_code == 410
    dismissed = await decide(http, container, matter_id, "dismiss")  # a stream about them
    assert dismissed.status_code == 410, dismissed.text
    # police could not see the matter: its answer must not say whose it was
    matter = await http.get(
        f"/v1/legal-matters/{matter_id}", headers=headers_for(container, "police", "spd")
    )
    assert matter.status_code == 410 and participant_id not in matter.text, matter.text
    # history: the same events, their shape only
    history = await all_pages(
        http, f"/v1/participants/{participant_id}/history", auditor(container)
    )
    known = len(history_before)
    assert [e["position"] for e in history[:known]] == [e["position"] for e in history_before]
    added = {e["type"] for e in history[known:]}
    assert added == {"Participant.Forgotten", "IdentifierClaim.Released"}
    assert all(e["data"] is None and e["forgotten"] for e in history)
    # the figures and the chain
    assert await evaluation(http, container) == counts
    report = await get_json(http, "/v1/audit/verify", auditor(container))
    assert report["ok"] is True, report
    receipts = await get_json(http, "/v1/audit/forgotten", auditor(container))
    assert receipts["items"] == [receipt]
    # nothing personal anywhere: the database, the logs
    after = dump(container)
    assert leaked(after, SECRETS) == []
    assert guessable_claim_ids(after, SECRETS["identifier"]) == []
    assert participant_id.replace("-", "") in after.replace("-", "")  # the shape is kept
    captured = capsys.readouterr()
    # the service's logs: the test's own HTTP client logs the URLs it asks for
    served = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    logs = "\n".join(served) + captured.out + captured.err
    assert leaked(logs, SECRETS) == []
    # the other person is untouched
    other = await http.get(f"/v1/participants/{kept}", headers=pm(container))
    assert other.status_code == 200


async def test_forgetting_refuses_bad_requests_and_changes_nothing(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    await set_policy(http, container)
    participant_id = (await refer(http, container, kept_person()))["participant_id"]
    url = f"/v1/participants/{participant_id}/forget"
    head = container.store.table.head()
    cases = [
        ("/v1/participants/00000000-0000-4000-8000-000000000009/forget", forget_body(), 404),
        (url, forget_body(approved_by="pm-1"), 422),  # the approver is the caller
        (url, forget_body(reason="bored"), 422),
        (url, forget_body(reference=""), 422),
        (url, {"reason": "court_order", "reference": "x"}, 422),
        (url, forget_body(reference="order\x00 7"), 422),  # no store keeps a NUL
        (url, forget_body(reference="order \ud800"), 422),  # nor a lone surrogate
    ]
    for path, body, status in cases:
        # json.dumps escapes a lone surrogate as JSON may ("\\ud800"); httpx's json= cannot send it.
        content = json.dumps(body)
        json_type = {"Content-Type": "application/json"}
        response = await http.post(path, content=content, headers=pm(container) | json_type)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert len(cases) == 7
    assert container.store.table.head() == head  # no change
    view = await http.get(f"/v1/participants/{participant_id}", headers=pm(container))
    assert view.status_code == 200
    police = headers_for(container, "police", "spd")
    assert (await http.post(url, json=forget_body(), headers=police)).status_code == 403
    first = await http.post(url, json=forget_body(), headers=pm(container))
    assert first.status_code == 201, first.text
    again = await http.post(url, json=forget_body(), headers=pm(container))
    assert again.status_code == 409
    assert again.json()["type"].endswith("/problems/already-forgotten")


async def test_a_forgotten_persons_identifier_names_a_new_record_when_referred_again(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Their claims are released as they are forgotten: a new referral is a new person, and
    says nothing of the record that was."""
    await set_policy(http, container)
    first = (await refer(http, container, forgettable_person()))["participant_id"]
    url = f"/v1/participants/{first}/forget"
    assert (await http.post(url, json=forget_body(), headers=pm(container))).status_code == 201
    again = (await refer(http, container, forgettable_person()))["participant_id"]
    assert again != first
    container.projector.run_until_caught_up()
    lookup = await http.get(
        "/v1/participants",
        params={"identifier_system": "spd-person", "identifier_value": SECRETS["identifier"]},
        headers=headers_for(container, "police", "spd"),
    )
    assert [p["participant_id"] for p in lookup.json()["items"]] == [again]
    other = await refer(http, container, forgettable_person())  # the same person again
    assert other["participant_id"] == again
    url = f"/v1/participants/{again}/forget"
    assert (await http.post(url, json=forget_body(), headers=pm(container))).status_code == 201
    assert (await refer(http, container, forgettable_person()))["participant_id"] not in {
        first,
        again,
    }


async def test_an_interrupted_forgetting_is_finished_by_asking_again(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    """The event stored, then a crash before the key went: asking again destroys it."""
    await set_policy(http, container)
    participant_id = (await refer(http, container, kept_person()))["participant_id"]
    # What a crash right after the save leaves: the event stored, nothing else done.
    stored = container.forgetting.repository.load(Participant, UUID(participant_id))
    meta = Meta("pm-1", "pcg-project_manager", "pcg", "project_manager")
    stored.forget("court_order", "KCSC order 26-2-01234", "aud-1", Stamp(meta, clock.now()))
    container.store.save(stored)
    url = f"/v1/participants/{participant_id}/forget"
    keyring = container.store.keyring
    assert isinstance(keyring, Keyring)
    assert keyring.holds_key_of(UUID(participant_id))  # the key survived the "crash"
    finished = await http.post(url, json=forget_body(), headers=pm(container))
    assert finished.status_code == 201, finished.text
    assert not keyring.holds_key_of(UUID(participant_id))
    assert (await http.post(url, json=forget_body(), headers=pm(container))).status_code == 409
    signature = base64.b64decode(finished.json()["receipt"]["signature"])
    assert len(signature) == 64


# Every role that reads the feed, and an agency of each (the matrix's rows).
FEED_READERS = (
    ("police", "spd"),
    ("prosecutor", "kcpao"),
    ("defense", "pdx"),
    ("case_manager", "lead-cm"),
    ("supervisor", "lead-cm"),
    ("project_manager", "pcg"),
    ("auditor", "state-audit"),
    ("community_partner", "cbo"),
    ("court", "kcsc"),
)


def naming(items: list[dict[str, Any]], participant_id: str) -> list[dict[str, Any]]:
    """The feed items that name the participant, alone or in a pair."""
    return [item for item in items if participant_id in json.dumps(item)]


async def test_the_notification_feed_leaves_a_forgotten_person_out_and_moves_on(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    """API.md: lists leave a forgotten person out. Every role's feed goes on past the
    person's notifications (it answered 410 to the roles that read through consent, for
    good: its cursor could not pass them), and what it tells of others is unchanged."""
    participant_id, _, _ = await site_with_a_record(http, container, clock)
    # the same person as a community partner knows them: a pair naming the record forgotten
    same = {k: SECRETS[k] for k in ("given_name", "family_name", "date_of_birth")}
    await refer(http, container, community(9, **same), "community_partner", "cbo")
    container.projector.run_until_caught_up()
    before = {who: await feed(http, headers_for(container, *who)) for who in FEED_READERS}
    told = {who: naming(items, participant_id) for who, items in before.items()}
    assert sum(len(items) for items in told.values()) >= 12, told
    queue = told[("case_manager", "lead-cm")]
    assert [i["type"] for i in queue].count("possible_duplicate.found") == 1, queue

    clock.advance(timedelta(minutes=1))
    forgot = await http.post(
        f"/v1/participants/{participant_id}/forget", json=forget_body(), headers=pm(container)
    )
    assert forgot.status_code == 201, forgot.text
    container.projector.run_until_caught_up()

    cases = 0
    for who in FEED_READERS:
        after = await feed(http, headers_for(container, *who))
        assert naming(after, participant_id) == [], who
        assert after == [item for item in before[who] if item not in told[who]], who
        cases += 1
    assert cases == len(FEED_READERS) == 9
