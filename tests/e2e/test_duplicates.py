"""Possible duplicates over HTTP, on both stores: an identifier match merges only when the
names and date of birth agree (one typo, or a hostile agency, joins nobody's records); the
candidate search grades pairs found without a shared identifier; link, dismiss and unlink are
events with who, when and why; roles, bad input and the accounting of the queue's reads."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from domain.identifiers import SITE_WIDE, IdentifierClaim, legacy_variant_id
from domain.values import Identifier, Person
from projections import duplicates
from projections.duplicates import DuplicateCandidates
from projections.rebuild import Rebuilder
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import all_pages, auditor
from tests.e2e.helpers import at, community, person, refer, set_policy, social_contact
from tests.e2e.legal_helpers import head
from tests.e2e.test_forgetting import forget_body, pm

pytestmark = pytest.mark.e2e

URL = "/v1/possible-duplicates"


def cm(container: Container, actor: str = "cm-7") -> dict[str, str]:
    return headers_for(container, "case_manager", "lead-cm", actor=actor)


def referred_as(n: int = 1, **changes: Any) -> dict[str, Any]:
    """A social contact referral of person `n` (spd's identifier P-0000n), with changes."""
    return social_contact(n, person=person(n) | changes)


async def candidates(
    http: httpx.AsyncClient, container: Container, **params: Any
) -> list[dict[str, Any]]:
    params.setdefault("min_position", head(container))
    response = await http.get(URL, params=params, headers=cm(container))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def first_and_second(
    http: httpx.AsyncClient, container: Container, second: dict[str, Any], **by: str
) -> tuple[str, str]:
    await set_policy(http, container)
    first = await refer(http, container, referred_as(1))
    again = await refer(http, container, second, **by)
    return first["participant_id"], again["participant_id"]


async def view(http: httpx.AsyncClient, container: Container, pid: str) -> dict[str, Any]:
    response = await http.get(f"/v1/participants/{pid}", headers=cm(container))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def variant_claims(container: Container, given_name: str) -> dict[str, str | None]:
    """Who the variant claim of person 1's identifier written with `given_name` names, at its
    keyed id and at the guessable (uuid5) id claims had before they were keyed."""
    ids, read = container.store.claim_ids, container.referrals.repository.unsnapshotted
    identifier = Identifier("spd-person", "P-00001")
    written = Person(given_name, "Person", date(1985, 3, 2), (identifier,))
    found: dict[str, str | None] = {"keyed": None, "legacy": None}
    for scope in (SITE_WIDE, "spd"):
        for kind, claim_id in (
            ("keyed", ids.variant_id(identifier, scope, written)),
            ("legacy", legacy_variant_id(identifier, scope, written)),
        ):
            if isinstance(claim := read(claim_id), IdentifierClaim):
                found[kind] = str(claim.participant_id)
    return found


async def test_an_identifier_match_merges_when_names_and_birth_date_agree_after_normalising(
    http: httpx.AsyncClient, container: Container
) -> None:
    spelled = referred_as(1, given_name="  TÉST1 ", family_name="person")
    first, second = await first_and_second(http, container, spelled)
    assert first == second
    assert await candidates(http, container) == []


async def test_one_typo_does_not_join_two_records(
    http: httpx.AsyncClient, container: Container
) -> None:
    first, second = await first_and_second(http, container, referred_as(1, given_name="Tset1"))
    assert first != second
    [pair] = await candidates(http, container)
    assert pair["participant_ids"] == [first, second]
    assert pair["grade"] == "certain"  # the identifier and the date of birth agree
    assert pair["reasons"] == ["same_identifier", "similar_name", "same_date_of_birth"]
    assert pair["status"] == "open"
    assert len((await view(http, container, first))["referrals"]) == 1


async def test_the_same_typo_again_joins_the_record_it_opened_not_a_third(
    http: httpx.AsyncClient, container: Container
) -> None:
    typo = referred_as(1, given_name="Tset1")
    first, second = await first_and_second(http, container, typo)
    third = (await refer(http, container, referred_as(1, given_name="TSET1")))["participant_id"]
    assert third == second != first
    assert len((await view(http, container, second))["referrals"]) == 2
    assert variant_claims(container, "Tset1") == {"keyed": second, "legacy": None}
    fourth = (await refer(http, container, referred_as(1)))["participant_id"]
    assert fourth == first  # the right spelling still finds the record that holds the claim
    assert len(await candidates(http, container)) == 1


async def test_a_hostile_agency_cannot_join_two_peoples_records(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Another person's details under a known identifier: a new record, and a `probable`
    pair for a case manager to look at — never a merge."""
    other = referred_as(1, given_name="Mallory", family_name="Stranger")
    other["person"]["date_of_birth"] = "1990-11-30"
    first, second = await first_and_second(http, container, other)
    assert first != second
    [pair] = await candidates(http, container)
    assert (pair["grade"], pair["reasons"]) == ("probable", ["same_identifier"])
    first_view = await view(http, container, first)
    assert first_view["person"]["given_name"] == "Test1"
    assert len(first_view["referrals"]) == 1


GRADED = {  # the community partner's referral of person 1, changed so → grade
    "same name and birth date": ({}, "certain"),
    "a spelling variant": ({"family_name": "Persson"}, "probable"),
    "a typo in the birth date": ({"date_of_birth": "1985-03-07"}, "probable"),
    "no birth date": ({"date_of_birth": None}, "possible"),
    "someone else": ({"given_name": "Quinn", "family_name": "Okafor"}, None),
}


@pytest.mark.parametrize("case", GRADED)
async def test_another_door_without_a_shared_identifier_is_graded(
    http: httpx.AsyncClient, container: Container, case: str
) -> None:
    changes, grade = GRADED[case]
    by = {"role": "community_partner", "agency": "cbo"}
    first, second = await first_and_second(http, container, community(1, **changes), **by)
    assert first != second
    found = await candidates(http, container)
    assert [(c["participant_ids"], c["grade"]) for c in found] == (
        [([first, second], grade)] if grade else []
    )


def test_the_graded_cases_are_five() -> None:
    assert len(GRADED) == 5


async def paired(http: httpx.AsyncClient, container: Container) -> tuple[str, str, str]:
    by = {"role": "community_partner", "agency": "cbo"}
    first, second = await first_and_second(http, container, community(1), **by)
    [pair] = await candidates(http, container)
    return pair["candidate_id"], first, second


async def decide(
    http: httpx.AsyncClient, container: Container, path: str, note: str = "checked ID"
) -> httpx.Response:
    return await http.post(path, json={"note": note}, headers=cm(container))


async def test_link_points_the_later_record_to_the_earlier_and_unlink_restores_both(
    http: httpx.AsyncClient, container: Container
) -> None:
    candidate, first, second = await paired(http, container)
    before = [await view(http, container, pid) for pid in (first, second)]
    linked = await decide(http, container, f"{URL}/{candidate}/link", "same person: photo ID")
    assert linked.status_code == 201, linked.text
    assert linked.json() | {"position": 0} == {
        "candidate_id": candidate,
        "status": "linked",
        "earlier_id": first,
        "later_id": second,
        "position": 0,
    }
    assert (await view(http, container, second))["linked_to"] == first
    assert (await view(http, container, first))["linked_records"] == [second]
    assert await listed_links(http, container) == {first: None, second: first}
    [pair] = await candidates(http, container)
    assert (pair["status"], pair["decided_by"], pair["note"]) == (
        "linked",
        "cm-7",
        "same person: photo ID",
    )
    history = await http.get(
        f"/v1/participants/{second}/history", headers=headers_for(container, "auditor", "sao")
    )
    [event] = [e for e in history.json()["items"] if e["type"].endswith("LinkedInto")]
    assert (event["actor"], event["data"]["note"]) == ("cm-7", "same person: photo ID")
    unlinked = await decide(http, container, f"/v1/participants/{second}/unlink", "twins")
    assert unlinked.status_code == 201, unlinked.text
    assert unlinked.json()["status"] == "unlinked"
    after = [await view(http, container, pid) for pid in (first, second)]
    for was, now in zip(before, after, strict=True):
        assert {k: v for k, v in now.items() if k != "version"} == {
            k: v for k, v in was.items() if k != "version"
        }
    [pair] = await candidates(http, container)
    assert pair["status"] == "unlinked"
    assert await listed_links(http, container) == {first: None, second: None}


async def listed_links(http: httpx.AsyncClient, container: Container) -> dict[str, Any]:
    """`linked_to` of each participant in the list (the directory read model)."""
    params = {"min_position": head(container)}
    response = await http.get("/v1/participants", params=params, headers=cm(container))
    assert response.status_code == 200, response.text
    return {item["participant_id"]: item["linked_to"] for item in response.json()["items"]}


async def test_a_dismissed_pair_is_not_linked_and_a_linked_pair_is_not_dismissed(
    http: httpx.AsyncClient, container: Container
) -> None:
    candidate, _, second = await paired(http, container)
    assert (await decide(http, container, f"{URL}/{candidate}/dismiss")).status_code == 201
    assert (await candidates(http, container))[0]["status"] == "dismissed"
    refused = await decide(http, container, f"{URL}/{candidate}/link")
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert (await view(http, container, second)).get("linked_to") is None


async def test_linked_pairs_are_unlinked_before_a_dismissal(
    http: httpx.AsyncClient, container: Container
) -> None:
    candidate, _, second = await paired(http, container)
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 201
    assert (await decide(http, container, f"{URL}/{candidate}/dismiss")).status_code == 409
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 409
    assert (await view(http, container, second))["linked_to"] is not None


async def test_roles_and_bad_input_change_nothing(
    http: httpx.AsyncClient, container: Container
) -> None:
    candidate, _, second = await paired(http, container)
    police = headers_for(container, "police", "spd")
    pm = headers_for(container, "project_manager", "pcg")
    assert (await http.get(URL, headers=police)).status_code == 403
    assert (await http.get(URL, headers=pm)).status_code == 200
    link = f"{URL}/{candidate}/link"
    assert (await http.post(link, json={"note": "x"}, headers=pm)).status_code == 403
    for body in ({}, {"note": ""}, {"note": "x" * 2001}, {"note": "ok", "extra": 1}):
        response = await http.post(link, json=body, headers=cm(container))
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
    unknown = f"{URL}/00000000-0000-4000-8000-000000000009/link"
    assert (await decide(http, container, unknown)).status_code == 404
    assert (await decide(http, container, f"/v1/participants/{second}/unlink")).status_code == 404
    assert (await http.get(URL, params={"grade": "likely"}, headers=pm)).status_code == 422
    [pair] = await candidates(http, container)
    assert pair["status"] == "open"
    assert (await view(http, container, second)).get("linked_to") is None


async def test_each_candidate_read_is_accounted_for_both_records(
    http: httpx.AsyncClient, container: Container
) -> None:
    _, first, second = await paired(http, container)
    for pid in (first, second):
        reads = await all_pages(
            http, "/v1/audit/disclosures", auditor(container), participant_id=pid
        )
        assert [r["endpoint"] for r in reads if r["endpoint"] == "GET /v1/possible-duplicates"]


async def test_a_link_shows_the_later_records_referrals_and_matters_under_the_earlier(
    http: httpx.AsyncClient, container: Container
) -> None:
    candidate, first, second = await paired(http, container)
    matter = await http.post(
        f"/v1/participants/{second}/legal-matters",
        json={
            "kind": "pending_case",
            "case_number": "24-1-00019-9",
            "court": "KCSC",
            "charges": [{"code": "9A.56.050", "description": "theft"}],
            "incident_at": at(days=-20),
        },
        headers=cm(container),
    )
    assert matter.status_code == 201, matter.text
    assert len((await view(http, container, first))["referrals"]) == 1
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 201
    earlier = await view(http, container, first)
    assert [r["door"] for r in earlier["referrals"]] == ["social_contact", "community"]
    assert [m["matter_id"] for m in earlier["legal_matters"]] == [matter.json()["matter_id"]]
    assert len((await view(http, container, second))["referrals"]) == 1  # its own, as it was
    assert "Participant.Referred" in await history_types(http, container, first)
    assert (await decide(http, container, f"/v1/participants/{second}/unlink")).status_code == 201
    earlier = await view(http, container, first)
    assert (len(earlier["referrals"]), earlier["legal_matters"]) == (1, [])
    assert "Participant.Referred" not in await history_types(http, container, first)


async def history_types(http: httpx.AsyncClient, container: Container, pid: str) -> list[str]:
    """The types of the record's history, after its own first event."""
    auditor_headers = headers_for(container, "auditor", "sao")
    response = await http.get(f"/v1/participants/{pid}/history", headers=auditor_headers)
    assert response.status_code == 200, response.text
    return [item["type"].rsplit(":", 1)[-1] for item in response.json()["items"][1:]]


async def test_a_roi_signed_on_one_record_covers_the_linked_person(
    http: httpx.AsyncClient, container: Container
) -> None:
    """The community partner referred the later record; the participant signed a ROI on the
    earlier one naming it for engagement: it covers the person on both records while linked."""
    candidate, first, second = await paired(http, container)
    roi = await http.post(
        f"/v1/participants/{first}/roi",
        json={"signed_at": at(minutes=-5), "agencies": ["cbo"], "categories": ["engagement"]},
        headers=cm(container),
    )
    assert roi.status_code == 201, roi.text
    partner = headers_for(container, "community_partner", "cbo")

    async def partner_sees_engagement() -> bool:
        response = await http.get(f"/v1/participants/{second}", headers=partner)
        assert response.status_code == 200, response.text
        return "active" in response.json()

    assert not await partner_sees_engagement()
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 201
    assert await partner_sees_engagement()
    assert (await decide(http, container, f"/v1/participants/{second}/unlink")).status_code == 201
    assert not await partner_sees_engagement()


async def test_the_queue_rebuilt_from_the_events_is_the_queue(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Replayed in one batch (a referral then finds the ones before it in the same batch),
    the pairs, grades, reasons and decisions come back the same."""
    candidate, _, _ = await paired(http, container)
    await refer(http, container, community(1, family_name="Persson"), "community_partner", "cbo")
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 201
    before = await candidates(http, container)
    assert len(before) == 3
    Rebuilder(container.store, container.sql, [DuplicateCandidates()], batch_size=1000).run()
    assert await candidates(http, container) == before


async def test_a_crowded_block_is_compared_by_its_newest_records_whatever_the_batches(
    http: httpx.AsyncClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten people entered alike (a placeholder name and date of birth): each is compared only
    with the BLOCK_CAP (here 4) most recent before it, live and replayed in any batch size."""
    monkeypatch.setattr(duplicates, "BLOCK_CAP", 4)
    await set_policy(http, container)
    ids = [
        (await refer(http, container, referred_as(n, given_name="Sam")))["participant_id"]
        for n in range(1, 11)
    ]
    live = await candidates(http, container, limit=100)
    partners = {later: {earlier for earlier, lat in pairs(live) if lat == later} for later in ids}
    for n, later in enumerate(ids):
        assert partners[later] == set(ids[max(0, n - 4) : n]), n
    assert {c["grade"] for c in live} == {"certain"}
    for batch_size in (1, 3, 1000):
        Rebuilder(container.store, container.sql, [DuplicateCandidates()], batch_size).run()
        assert await candidates(http, container, limit=100) == live, batch_size


async def test_a_forgotten_record_leaves_its_blocks_live_and_replayed(
    http: httpx.AsyncClient, container: Container
) -> None:
    """A person forgotten between two alike referrals is no candidate for the later one,
    live or replayed in any batch size (a rebuild on PostgreSQL holds the blocks in memory:
    the forgetting must reach them there too)."""
    await set_policy(http, container)
    first, gone = [
        (await refer(http, container, referred_as(n, given_name="Sam")))["participant_id"]
        for n in (1, 2)
    ]
    forgot = await http.post(
        f"/v1/participants/{gone}/forget", json=forget_body(), headers=pm(container)
    )
    assert forgot.status_code == 201, forgot.text
    later = (await refer(http, container, referred_as(3, given_name="Sam")))["participant_id"]
    live = await candidates(http, container, limit=100)
    assert set(pairs(live)) == {(first, later)}
    for batch_size in (1, 2, 1000):
        Rebuilder(container.store, container.sql, [DuplicateCandidates()], batch_size).run()
        assert await candidates(http, container, limit=100) == live, batch_size


def pairs(found: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(c["participant_ids"][0], c["participant_ids"][1]) for c in found]


async def test_a_retried_link_replays_its_answer_and_links_once(
    http: httpx.AsyncClient, container: Container
) -> None:
    candidate, first, second = await paired(http, container)
    keyed = cm(container) | {"Idempotency-Key": "link-19"}
    body = {"note": "same person"}
    once = await http.post(f"{URL}/{candidate}/link", json=body, headers=keyed)
    again = await http.post(f"{URL}/{candidate}/link", json=body, headers=keyed)
    assert (once.status_code, again.status_code) == (201, 201)
    assert again.json() == once.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (await view(http, container, first))["linked_records"] == [second]
    other = await http.post(f"{URL}/{candidate}/link", json={"note": "x"}, headers=keyed)
    assert other.status_code == 422  # the same key with another body


async def test_a_note_with_control_characters_is_refused(
    http: httpx.AsyncClient, container: Container
) -> None:
    candidate, _, second = await paired(http, container)
    response = await decide(http, container, f"{URL}/{candidate}/link", "same\x00person")
    assert response.status_code == 422
    assert (await view(http, container, second)).get("linked_to") is None
    kept = await decide(http, container, f"{URL}/{candidate}/link", "same person:\n\tphoto ID")
    assert kept.status_code == 201  # tab and newline belong in a note


async def evaluation(http: httpx.AsyncClient, container: Container, by: str) -> dict[str, Any]:
    params: dict[str, str | int] = {"by": by, "min_position": head(container)}
    report = await http.get("/v1/metrics/evaluation", params=params, headers=auditor(container))
    assert report.status_code == 200, report.text
    found: dict[str, Any] = report.json()
    found.pop("position")
    return found


async def test_the_evaluation_counts_a_linked_pair_as_one_person_until_unlinked(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Referrals stay two (each door referred once); people are one while linked: in the
    totals, and once in each door's group the person came through."""
    candidate, _, second = await paired(http, container)
    before = await evaluation(http, container, "door")
    assert (before["totals"]["counts"]["referred"], before["totals"]["people"]["referred"]) == (
        2,
        2,
    )
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 201
    linked = await evaluation(http, container, "door")
    assert (linked["totals"]["counts"]["referred"], linked["totals"]["people"]["referred"]) == (
        2,
        1,
    )
    doors = {
        g["door"]: (g["counts"]["referred"], g["people"]["referred"]) for g in linked["groups"]
    }
    assert doors == {"social_contact": (1, 1), "community": (1, 1)}
    csv = await http.get(
        "/v1/metrics/evaluation",
        params={"min_position": head(container)},
        headers=auditor(container) | {"Accept": "text/csv"},
    )
    header, line = csv.text.splitlines()
    assert dict(zip(header.split(","), line.split(","), strict=True))["people_referred"] == "1"
    assert (await decide(http, container, f"/v1/participants/{second}/unlink")).status_code == 201
    assert await evaluation(http, container, "door") == before


async def caseloads(http: httpx.AsyncClient, container: Container) -> dict[str, int]:
    params = {"min_position": head(container)}
    response = await http.get("/v1/capacity", params=params, headers=cm(container))
    assert response.status_code == 200, response.text
    return {c["name"]: c["caseload"] for c in response.json()["case_managers"]}


async def test_a_linked_pair_takes_one_caseload_slot_until_unlinked(
    http: httpx.AsyncClient, container: Container
) -> None:
    """With a maximum of one, the person's second record joins the case manager carrying the
    first only while linked; unlinked, both records stay assigned and count two again (over
    the maximum: an unlink takes nobody off a caseload). Records of one person with two case
    managers count once for each."""
    candidate, first, second = await paired(http, container)
    await set_policy(http, container, caseload_max=1, caseload_average_threshold=1)
    sup = headers_for(container, "supervisor", "lead-cm")
    alex, sam = [
        (await http.post("/v1/case-managers", json={"name": n}, headers=sup)).json()[
            "case_manager_id"
        ]
        for n in ("Alex", "Sam")
    ]

    async def assign(pid: str, to: str) -> httpx.Response:
        path = f"/v1/participants/{pid}/case-manager"
        return await http.post(path, json={"case_manager_id": to}, headers=sup)

    assert (await assign(first, alex)).status_code == 200
    assert (await assign(second, alex)).status_code == 409  # two people, one slot
    assert (await decide(http, container, f"{URL}/{candidate}/link")).status_code == 201
    joined = await assign(second, alex)
    assert (joined.status_code, joined.json()["caseload"]) == (200, 1), joined.text
    assert await caseloads(http, container) == {"Alex": 1, "Sam": 0}
    assert (await assign(second, sam)).status_code == 200
    assert await caseloads(http, container) == {"Alex": 1, "Sam": 1}
    assert (await assign(second, alex)).status_code == 200
    assert (await decide(http, container, f"/v1/participants/{second}/unlink")).status_code == 201
    assert await caseloads(http, container) == {"Alex": 2, "Sam": 0}
    assert (await assign(second, sam)).status_code == 200
    assert await caseloads(http, container) == {"Alex": 1, "Sam": 1}
