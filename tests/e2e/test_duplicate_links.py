"""What a link between two records of one person changes beyond the records' own views, over
HTTP on both stores: the liaison prosecutor's queue names the person once (and, as a generated
matrix, shows each office only its own matters' legal section), `as_of` reads the link by its
history, forgetting one record frees every claim it held, and a pair the candidate search
finds is told from the referral event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from infra.audit_tables import access_log
from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import all_pages, auditor
from tests.e2e.helpers import iso, refer, set_policy
from tests.e2e.legal_helpers import head, open_matter, queue
from tests.e2e.test_duplicates import URL, candidates, community, decide, paired, referred_as

pytestmark = pytest.mark.e2e


async def queued(http: httpx.AsyncClient, container: Container, **params: Any) -> list[Any]:
    """The liaison office's queue: each item as (matter, the participant it names)."""
    page = await queue(http, container, min_position=head(container), **params)
    return [(item["matter_id"], item["participant_id"]) for item in page["items"]]


async def test_the_liaison_queue_names_a_linked_person_once_until_unlinked(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Each record has a case waiting for the office: while linked, both name the earlier
    record (the person), the person's id finds both and the later id finds its own; an unlink
    gives back the queue exactly as it was. An item shows the legal section and nothing more."""
    candidate, first, second = await paired(http, container)
    earlier = (await open_matter(http, container, first, "pending_case", "26-1-00001-1"))[
        "matter_id"
    ]
    later = (await open_matter(http, container, second, "pending_case", "26-1-00002-2"))[
        "matter_id"
    ]
    other = await open_matter(
        http, container, second, "pending_case", "26-1-00003-3", office="ccpo"
    )
    before = await queue(http, container, min_position=head(container))
    assert sorted(await queued(http, container)) == sorted([(earlier, first), (later, second)])
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 201
    assert sorted(await queued(http, container)) == sorted([(earlier, first), (later, first)])
    assert sorted(await queued(http, container, participant_id=first)) == sorted(
        [(earlier, first), (later, first)]
    )
    assert await queued(http, container, participant_id=second) == [(later, first)]
    page = await queue(http, container)
    assert all(set(item) == set(before["items"][0]) for item in page["items"])
    assert other["matter_id"] not in {item["matter_id"] for item in page["items"]}
    reads = await all_pages(
        http, "/v1/audit/disclosures", auditor(container), participant_id=second
    )
    [*_, last] = [r for r in reads if r["endpoint"] == "GET /v1/queues/liaison-prosecutor"]
    assert last["categories"] == ["legal"]
    assert (await decide(http, container, f"/v1/participants/{second}/unlink")).status_code == 201
    assert await queue(http, container, min_position=head(container)) == before


def accounted(container: Container, actor: str) -> dict[str, str]:
    """What the accounting of disclosures recorded for one read: participant → sections."""
    container.audit.access_log.flush()
    query = select(access_log.c.participant_id, access_log.c.categories)
    with container.sql.connect() as conn:
        rows = conn.execute(query.where(access_log.c.actor == actor)).all()
    return {str(pid): text for pid, text in rows}


OFFICES = ("kcpao", "ccpo", "pao-x")  # two offices holding matters, one holding none
STATES = ("apart", "linked", "unlinked")


def expected_queue(
    matters: list[tuple[str, str, str]], office: str, state: str, named: str | None, first: str
) -> set[tuple[str, str]]:
    """The table: an office sees the matters it holds; while linked, a matter on the later
    record names the earlier one (the person), and the person's id finds it."""

    def person(record: str) -> str:
        return first if state == "linked" else record

    return {
        (matter, person(record))
        for matter, record, holder in matters
        if holder == office and named in (None, record, person(record))
    }


async def test_the_liaison_queue_with_a_link_as_a_generated_matrix(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Every office x link state x filter (none, either record): the entries are exactly the
    table's, each shows the legal section only, and each read is accounted as `legal` on the
    records its entries came from and the person they name, and on nothing else."""
    candidate, first, second = await paired(http, container)
    matters = []
    for n, (record, office) in enumerate(((first, "kcpao"), (second, "kcpao"), (second, "ccpo"))):
        opened = await open_matter(
            http, container, record, "pending_case", f"26-1-0000{n}-1", office=office
        )
        matters.append((opened["matter_id"], record, office))
    cases = 0
    for state in STATES:
        if state != "apart":
            path = (
                f"{URL}/{candidate}/link"
                if state == "linked"
                else f"/v1/participants/{second}/unlink"
            )
            assert (await decide(http, container, path)).status_code == 201
        for office in OFFICES:
            for named in (None, first, second):
                actor = f"q-{cases}"
                params: dict[str, Any] = {"min_position": head(container)}
                if named is not None:
                    params["participant_id"] = named
                response = await http.get(
                    "/v1/queues/liaison-prosecutor",
                    params=params,
                    headers=headers_for(container, "prosecutor", office, actor=actor),
                )
                assert response.status_code == 200, response.text
                items = response.json()["items"]
                found = {(i["matter_id"], i["participant_id"]) for i in items}
                assert found == expected_queue(matters, office, state, named, first), (
                    state,
                    office,
                    named,
                )
                assert all(set(i) == {"matter_id", "participant_id", *LEGAL} for i in items)
                records = {r for m, r, _ in matters if m in {i["matter_id"] for i in items}}
                people = {i["participant_id"] for i in items}
                assert accounted(container, actor) == dict.fromkeys(records | people, "legal")
                cases += 1
            await earlier_as_the_office_sees_it(http, container, matters, office, state, first)
    assert cases == len(STATES) * len(OFFICES) * 3 == 27


async def earlier_as_the_office_sees_it(
    http: httpx.AsyncClient,
    container: Container,
    matters: list[tuple[str, str, str]],
    office: str,
    state: str,
    first: str,
) -> None:
    """The earlier record's view agrees with the queue: an office holding a matter on either
    record of a linked person reads the person, and of the legal matters only its own."""
    own = expected_queue(matters, office, state, first, first)
    headers = headers_for(container, "prosecutor", office)
    response = await http.get(f"/v1/participants/{first}", headers=headers)
    assert response.status_code == (200 if own else 404), (state, office)
    if own:
        shown = {m["matter_id"] for m in response.json()["legal_matters"]}
        assert shown == {matter for matter, _ in own}, (state, office)


LEGAL = ("kind", "state", "reason", "due_at", "case_number")


async def test_as_of_reads_a_link_by_its_history(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    """Before the link the records stand apart; while linked, the later answers with
    `linked_to` and the earlier lists it (and the later's referral); after the unlink they
    stand apart again, whatever the records say now."""
    candidate, first, second = await paired(http, container)
    moments = []
    clock.advance(timedelta(hours=1))
    moments.append(iso(clock.now()))
    clock.advance(timedelta(hours=1))
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 201
    clock.advance(timedelta(hours=1))
    moments.append(iso(clock.now()))
    clock.advance(timedelta(hours=1))
    assert (await decide(http, container, f"/v1/participants/{second}/unlink")).status_code == 201
    clock.advance(timedelta(hours=1))
    moments.append(iso(clock.now()))
    pm = headers_for(container, "project_manager", "pcg")

    async def then(pid: str, moment: str) -> tuple[Any, Any, int]:
        url = f"/v1/participants/{pid}"
        response = await http.get(url, params={"as_of": moment}, headers=pm)
        assert response.status_code == 200, response.text
        found = response.json()
        return found["linked_to"], found["linked_records"], len(found["referrals"])

    apart = [(None, [], 1), (None, [], 1)]
    assert [await then(pid, moments[0]) for pid in (first, second)] == apart
    assert [await then(pid, moments[1]) for pid in (first, second)] == [
        (None, [second], 2),
        (first, [], 1),
    ]
    assert [await then(pid, moments[2]) for pid in (first, second)] == apart


async def test_forgetting_a_variant_record_frees_its_claims_for_a_new_person(
    http: httpx.AsyncClient, container: Container
) -> None:
    """A typo opened a second record, which claimed the identifier as written. Once that
    record is forgotten, the same writing is a new person: not joined to the forgotten record,
    and listed against the record that still holds the identifier, never the forgotten one."""
    await set_policy(http, container)
    first = (await refer(http, container, referred_as(1)))["participant_id"]
    typo = referred_as(1, given_name="Tset1")
    forgotten = (await refer(http, container, typo))["participant_id"]
    assert forgotten != first
    pm = headers_for(container, "project_manager", "pcg", actor="pm-1")
    body = {"reason": "court_order", "reference": "KCSC order 26-2-01234", "approved_by": "aud-1"}
    url = f"/v1/participants/{forgotten}/forget"
    assert (await http.post(url, json=body, headers=pm)).status_code == 201
    response = await http.post(
        "/v1/referrals", json=typo, headers=headers_for(container, "police", "spd")
    )
    assert response.status_code == 201, response.text
    again = response.json()["participant_id"]
    assert again not in {first, forgotten}
    pairs = [set(c["participant_ids"]) for c in await candidates(http, container)]
    assert pairs == [{first, again}]
    assert (await refer(http, container, typo))["participant_id"] == again  # its claim now


async def feed(http: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await http.get("/v1/notifications", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_pair_the_candidate_search_finds_is_told_from_the_referral_event(
    http: httpx.AsyncClient, container: Container
) -> None:
    """No identifier is shared: the search graded the pair. The later record's `Referred`
    event tells it once the search has run for it (whether or not a view has been read), to
    who reads the queue, naming both records, the grade and the reasons; read again, the same
    item with the same id. The referring agencies are not told of the pair."""
    await set_policy(http, container)
    first = (await refer(http, container, referred_as(1)))["participant_id"]
    by = {"role": "community_partner", "agency": "cbo"}
    second = (await refer(http, container, community(1, given_name="Tesst1"), **by))[
        "participant_id"
    ]
    cm = headers_for(container, "case_manager", "lead-cm")
    told = [i for i in await feed(http, cm) if i["type"] == "possible_duplicate.found"]
    assert [i["data"]["participant_id"] for i in told] == [second]
    [pair] = told[0]["data"]["candidates"]
    assert (pair["participant_ids"], pair["grade"]) == ([first, second], "probable")
    assert pair["reasons"] == ["similar_name", "same_date_of_birth"]
    [listed] = await candidates(http, container)
    assert (pair["candidate_id"], pair["grade"]) == (listed["candidate_id"], listed["grade"])
    assert await feed(http, cm) == await feed(http, cm)
    for agency, role in (("spd", "police"), ("cbo", "community_partner")):
        others = await feed(http, headers_for(container, role, agency))
        assert "possible_duplicate.found" not in {i["type"] for i in others}


async def test_forgetting_one_record_of_a_linked_person_leaves_the_other_readable(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    """The later record is forgotten while linked: the earlier record is not (a 200, now and
    as known while both stood linked), and shows nothing of the forgotten one but its id."""
    candidate, first, second = await paired(http, container)
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 201
    clock.advance(timedelta(hours=1))
    linked_then = iso(clock.now())
    clock.advance(timedelta(hours=1))
    pm = headers_for(container, "project_manager", "pcg", actor="pm-1")
    body = {"reason": "court_order", "reference": "KCSC order 26-2-01234", "approved_by": "aud-1"}
    url = f"/v1/participants/{second}/forget"
    assert (await http.post(url, json=body, headers=pm)).status_code == 201
    for params in ({}, {"as_of": linked_then}):
        response = await http.get(f"/v1/participants/{first}", params=params, headers=pm)
        assert response.status_code == 200, (params, response.text)
        assert [r["door"] for r in response.json()["referrals"]] == ["social_contact"], params
