"""The read-model endpoints over HTTP: capacity, evaluation (JSON and CSV) and the
participant list, with read-your-writes, their role checks and bad input."""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import UUID

import httpx
import pytest

from domain.capacity import assess_capacity
from domain.roles import ROLES
from services.answers import encode
from services.container import Container
from services.read_side.capacity import CapacityFigures, CaseManagerLoad, capacity_figures
from tests.conftest import METRICS, headers_for
from tests.e2e.helpers import (
    LIAISON_OFFICE,
    arrest_diversion,
    at,
    enroll,
    refer,
    set_policy,
    social_contact,
)
from tests.e2e.legal_helpers import head

pytestmark = pytest.mark.e2e

EVERYONE = set(ROLES)
LIST_ROLES = {"case_manager", "supervisor", "project_manager", "prosecutor"}


async def get(
    http: httpx.AsyncClient, container: Container, path: str, role: str, **params: Any
) -> httpx.Response:
    return await http.get(path, params=params, headers=headers_for(container, role, f"{role}-a"))


async def assign(http: httpx.AsyncClient, container: Container, pid: str, cm: str) -> int:
    response = await http.post(
        f"/v1/participants/{pid}/case-manager",
        json={"case_manager_id": cm},
        headers=headers_for(container, "supervisor", "lead-cm"),
    )
    assert response.status_code == 200, response.text
    position: int = response.json()["position"]
    return position


async def case_manager(http: httpx.AsyncClient, container: Container, name: str) -> str:
    sup = headers_for(container, "supervisor", "lead-cm")
    response = await http.post("/v1/case-managers", json={"name": name}, headers=sup)
    cm: str = response.json()["case_manager_id"]
    return cm


# ----- capacity ---------------------------------------------------------------------------


def capacity_on_the_write_side(container: Container) -> CapacityFigures:
    """What the capacity view must say, computed from the caseloads aggregate itself."""
    repository = container.staff.repository
    terms, version = repository.policy_terms()
    caseloads = repository.existing_caseloads()
    counts: dict[UUID, int] = caseloads.counts() if caseloads else {}
    names = caseloads.names if caseloads else {}
    loads = [CaseManagerLoad(cm, names[cm], count) for cm, count in counts.items()]
    return capacity_figures(loads, terms, version, assess_capacity(counts, terms))


async def test_capacity_reads_its_writes_and_agrees_with_the_write_side(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container, caseload_max=3, caseload_average_threshold=2)
    alex, sam = (
        await case_manager(http, container, "Alex"),
        await case_manager(http, container, "Sam"),
    )
    position = 0
    for n in range(1, 5):
        taken = await refer(http, container, social_contact(n=n))
        position = await assign(http, container, taken["participant_id"], alex if n < 4 else sam)
        response = await get(http, container, "/v1/capacity", "police", min_position=position)
        body = response.json()
        assert body["position"] >= position
        body.pop("position")
        assert body == encode(capacity_on_the_write_side(container))
    assert [cm["caseload"] for cm in body["case_managers"]] == [3, 1]
    assert body["average_caseload"] == 2
    assert body["accepting_priority_referrals"] is True
    assert body["accepting_post_filing_referrals"] is False


async def test_capacity_roles_and_bad_input(http: httpx.AsyncClient, container: Container) -> None:
    for role in EVERYONE:
        response = await get(http, container, "/v1/capacity", role)
        assert response.status_code == (403 if role == "community_partner" else 200), role
    response = await get(http, container, "/v1/capacity", "police", min_position=-1)
    assert response.status_code == 422


VIEWS = [
    ("/v1/capacity", "police"),
    ("/v1/metrics/evaluation", "auditor"),
    ("/v1/participants", "case_manager"),
]


class StalledProjector:
    """A projector that never gets anywhere (the background loop down, say)."""

    def __init__(self, container: Container) -> None:
        self.store = container.store

    def run_batch(self) -> int:
        return 0


@pytest.mark.parametrize(("path", "role"), VIEWS)
async def test_a_view_that_cannot_reach_min_position_answers_503_with_retry_after(
    http: httpx.AsyncClient, container: Container, path: str, role: str
) -> None:
    written = await refer(http, container, social_contact(n=1))
    freshness = container.read_side.freshness
    freshness.wait_seconds = 0.3
    freshness.projector = StalledProjector(container)  # type: ignore[assignment]
    response = await get(http, container, path, role, min_position=written["position"])
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["type"].endswith("/projection-not-caught-up")


@pytest.mark.parametrize(("path", "role"), VIEWS)
async def test_a_position_never_issued_is_bad_input_not_a_wait(
    http: httpx.AsyncClient, container: Container, path: str, role: str
) -> None:
    written = await refer(http, container, social_contact(n=1))
    response = await get(http, container, path, role, min_position=written["position"] + 50)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "min_position"


@pytest.mark.parametrize(("path", "role"), VIEWS)
async def test_min_position_waits_for_the_write(
    http: httpx.AsyncClient, container: Container, path: str, role: str
) -> None:
    """No background projector runs in these tests: the read itself brings the view up."""
    written = await refer(http, container, social_contact(n=1))
    response = await get(http, container, path, role, min_position=written["position"])
    assert response.status_code == 200
    assert container.projector.positions()[name_of(path)] >= written["position"]


def name_of(path: str) -> str:
    return {
        "/v1/capacity": "capacity",
        "/v1/metrics/evaluation": "evaluation",
        "/v1/participants": "participant_directory",
    }[path]


# ----- evaluation -------------------------------------------------------------------------


async def evaluation_history(http: httpx.AsyncClient, container: Container) -> int:
    await set_policy(http, container)
    diverted = await refer(http, container, arrest_diversion(n=1))
    await enroll(http, container, diverted["participant_id"])
    await refer(http, container, arrest_diversion(n=2))
    other = social_contact(n=3, demographics={"race": ["White", "Asian"], "ethnicity": "hispanic"})
    last = await refer(http, container, other)
    position: int = last["position"]
    return position


async def test_evaluation_counts_and_rates_by_door_and_race(
    http: httpx.AsyncClient, container: Container
) -> None:
    position = await evaluation_history(http, container)
    response = await get(
        http, container, "/v1/metrics/evaluation", "auditor", by="door,race", min_position=position
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["suppressed"] is False  # auditors see exact counts
    groups = {(g["door"], g["race"]): g for g in body["groups"]}
    assert set(groups) == {("arrest_diversion", "Black"), ("social_contact", "multiracial")}
    diverted = groups["arrest_diversion", "Black"]
    assert diverted["counts"]["referred"] == 2
    assert diverted["counts"]["enrolled"] == 1
    assert diverted["rates"]["enrolled"] == 0.5
    assert diverted["days_to_intake"]["count"] == 1
    assert diverted["days_to_intake"]["median"] == pytest.approx(0.1)  # 2 h - 30 min, in tenths
    assert body["totals"]["counts"]["referred"] == 3
    assert body["position"] >= position


async def test_project_managers_get_small_cells_suppressed_in_json_and_csv(
    http: httpx.AsyncClient, container: Container
) -> None:
    """API.md: for project managers a count from 1 to 10 reads "<11"; nothing derived from one
    (a rate, a median of fewer than 11 intakes) gives it away; zero stays zero."""
    position = await evaluation_history(http, container)
    params = {"by": "door", "min_position": position}
    body = await get(http, container, "/v1/metrics/evaluation", "project_manager", **params)
    figures = body.json()
    assert figures["suppressed"] is True
    diverted = next(g for g in figures["groups"] if g["door"] == "arrest_diversion")
    assert diverted["counts"]["referred"] == diverted["counts"]["enrolled"] == "<11"
    assert diverted["counts"]["discharged"] == 0
    assert set(diverted["rates"].values()) == {None}
    assert diverted["days_to_intake"] == {"count": "<11", "median": None, "mean": None}
    assert figures["totals"]["counts"]["referred"] == "<11"
    csv_text = await http.get(
        "/v1/metrics/evaluation",
        params=params,
        headers=headers_for(container, "project_manager", "pcg", Accept="text/csv"),
    )
    lines = list(csv.DictReader(io.StringIO(csv_text.text)))
    assert {line["referred"] for line in lines} == {"<11"}
    assert "2" not in {line["referred"] for line in lines}


async def test_evaluation_as_csv_and_by_period(
    http: httpx.AsyncClient, container: Container
) -> None:
    position = await evaluation_history(http, container)
    response = await http.get(
        "/v1/metrics/evaluation",
        params={"by": "period,ethnicity", "period": "quarter", "min_position": position},
        headers=headers_for(container, "auditor", "audit", Accept="text/csv"),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert {line["period"] for line in lines} == {"2026-Q4"}
    assert {line["ethnicity"]: line["referred"] for line in lines} == {
        "not_hispanic": "2",
        "hispanic": "1",
    }
    assert {"median_days_to_intake", "enrolled_rate"} <= set(lines[0])


async def test_evaluation_window_roles_and_bad_input(
    http: httpx.AsyncClient, container: Container
) -> None:
    position = await evaluation_history(http, container)
    later = await get(
        http,
        container,
        "/v1/metrics/evaluation",
        "auditor",
        **{"from": at(hours=1), "min_position": position},
    )
    assert later.json()["totals"]["counts"]["referred"] == 0
    for role in EVERYONE:
        response = await get(http, container, "/v1/metrics/evaluation", role)
        assert response.status_code == (200 if role in {"project_manager", "auditor"} else 403)
    for params in (
        {"by": "door,shoe_size"},
        {"by": "door,door"},
        {"by": "door;drop"},
        {"period": "week"},
        {"from": "yesterday"},
        {"from": at(hours=1), "to": at(hours=-1)},
    ):
        response = await get(http, container, "/v1/metrics/evaluation", "auditor", **params)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("application/problem+json")


# ----- the participant list ---------------------------------------------------------------


async def test_case_managers_list_filter_and_page(
    http: httpx.AsyncClient, container: Container
) -> None:
    await set_policy(http, container)
    cm = await case_manager(http, container, "Alex")
    made = [await refer(http, container, social_contact(n=n)) for n in range(1, 4)]
    position = await assign(http, container, made[1]["participant_id"], cm)
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2, "min_position": position}
    while True:
        page = (await get(http, container, "/v1/participants", "case_manager", **params)).json()
        seen += [item["participant_id"] for item in page["items"]]
        if page["next"] is None:
            break
        params = {"limit": 2, "cursor": page["next"]}
    assert seen == [p["participant_id"] for p in made]
    mine = await get(http, container, "/v1/participants", "case_manager", case_manager_id=cm)
    assert [i["participant_id"] for i in mine.json()["items"]] == [made[1]["participant_id"]]
    referred = await get(http, container, "/v1/participants", "case_manager", status="referred")
    assert len(referred.json()["items"]) == 3
    enrolled = await get(http, container, "/v1/participants", "case_manager", status="enrolled")
    assert enrolled.json() == {"items": [], "next": None}


async def test_list_items_follow_least_privilege(
    http: httpx.AsyncClient, container: Container
) -> None:
    """Case management sees everyone, whole; a prosecutor office only the people it holds a
    matter on (the liaison office: the diverted charge), and of them not the case record nor
    another agency's identifiers."""
    await set_policy(http, container)
    made = await refer(http, container, arrest_diversion(n=1))
    await refer(http, container, social_contact(n=2))
    seen = {}
    for role, agency in (("case_manager", "lead-cm"), ("prosecutor", LIAISON_OFFICE)):
        response = await http.get(
            "/v1/participants",
            params={"min_position": head(container)},
            headers=headers_for(container, role, agency),
        )
        seen[role] = response.json()["items"]
    assert len(seen["case_manager"]) == 2
    [liaison] = seen["prosecutor"]
    [whole] = [i for i in seen["case_manager"] if i["participant_id"] == made["participant_id"]]
    assert whole["demographics"]["race"] == ["Black"]
    assert whole["person"]["identifiers"] == [{"system": "spd-person", "value": "P-00001"}]
    assert liaison["participant_id"] == made["participant_id"]
    assert liaison["person"]["family_name"] == "Person"
    assert liaison["person"]["identifiers"] == []  # spd's own system, not the office's
    assert "demographics" not in liaison
    assert "referred_at" not in liaison
    assert liaison["status"] == "referred"
    other = await http.get("/v1/participants", headers=headers_for(container, "prosecutor", "x"))
    assert other.json() == {"items": [], "next": None}


async def test_list_roles_and_bad_input(http: httpx.AsyncClient, container: Container) -> None:
    for role in EVERYONE:
        response = await get(http, container, "/v1/participants", role)
        expected = 200 if role in LIST_ROLES else 403
        assert response.status_code == expected, role
    for params in (
        {"limit": 0},
        {"limit": 501},
        {"status": "lost"},
        {"case_manager_id": "not-a-uuid"},
        {"cursor": "not-a-cursor"},
        {"identifier_system": "spd-person"},
        {"min_position": -3},
    ):
        response = await get(http, container, "/v1/participants", "case_manager", **params)
        assert response.status_code == 422, params


async def test_the_identifier_look_up_keeps_its_roles_and_takes_the_filters(
    http: httpx.AsyncClient, container: Container
) -> None:
    """An unregistered system's identifiers are found only within the agency that recorded
    them (and by the site's staff); a registered one's only by its agency."""
    await set_policy(http, container)
    made = await refer(http, container, arrest_diversion(n=9))
    lookup = {"identifier_system": "spd-person", "identifier_value": "P-00009"}

    async def found(role: str, agency: str, **params: str) -> httpx.Response:
        headers = headers_for(container, role, agency)
        return await http.get("/v1/participants", params=lookup | params, headers=headers)

    for role, agency in (("police", "spd"), ("case_manager", "lead-cm")):
        answer = (await found(role, agency)).json()
        assert [i["participant_id"] for i in answer["items"]] == [made["participant_id"]]
    for role, agency in (("police", "kcso"), ("prosecutor", LIAISON_OFFICE)):
        assert (await found(role, agency)).json() == {"items": [], "next": None}
    other = await found("police", "spd", status="enrolled")
    assert other.json() == {"items": [], "next": None}
    for role in ("defense", "community_partner", "auditor", "court", "probation"):
        assert (await found(role, "x")).status_code == 403
    systems = [{"system": "spd-person", "agency": "spd"}]
    await set_policy(http, container, identifier_systems=systems)
    assert len((await found("police", "spd")).json()["items"]) == 1
    refused = await found("police", "kcso")
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/identifier-system-not-yours")


async def test_every_views_lag_is_in_metrics(http: httpx.AsyncClient, container: Container) -> None:
    await refer(http, container, social_contact(n=1))
    names = ("capacity", "evaluation", "participant_directory", "golden_rule_compliance")
    assert (await http.get("/readyz")).json() == {"status": "ready"}  # no lag for anyone
    metrics = (await http.get("/metrics", headers=METRICS)).text
    for name in names:
        assert f'lead_projection_lag_events{{projection="{name}"}}' in metrics
