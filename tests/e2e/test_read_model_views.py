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
from services.answers import encode
from services.container import Container
from services.read_side.capacity import CapacityFigures, CaseManagerLoad, capacity_figures
from tests.conftest import METRICS, headers_for
from tests.e2e.helpers import arrest_diversion, at, enroll, refer, set_policy, social_contact

pytestmark = pytest.mark.e2e

EVERYONE = {
    "police",
    "community_partner",
    "case_manager",
    "supervisor",
    "prosecutor",
    "defense",
    "project_manager",
    "auditor",
}


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
        http,
        container,
        "/v1/metrics/evaluation",
        "project_manager",
        by="door,race",
        min_position=position,
    )
    assert response.status_code == 200, response.text
    body = response.json()
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
    await set_policy(http, container)
    made = await refer(http, container, arrest_diversion(n=1))
    seen = {}
    for role in ("case_manager", "prosecutor"):
        response = await get(
            http, container, "/v1/participants", role, min_position=made["position"]
        )
        [seen[role]] = response.json()["items"]
    assert seen["case_manager"]["demographics"]["race"] == ["Black"]
    assert seen["case_manager"]["person"]["family_name"] == "Person"
    assert seen["prosecutor"]["person"]["family_name"] == "Person"
    assert "demographics" not in seen["prosecutor"]
    assert "referred_at" not in seen["prosecutor"]
    assert seen["prosecutor"]["status"] == "referred"


async def test_list_roles_and_bad_input(http: httpx.AsyncClient, container: Container) -> None:
    for role in EVERYONE:
        response = await get(http, container, "/v1/participants", role)
        expected = 200 if role in {"case_manager", "prosecutor"} else 403
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
    await set_policy(http, container)
    made = await refer(http, container, arrest_diversion(n=9))
    lookup = {"identifier_system": "spd-person", "identifier_value": "P-00009"}
    for role in ("police", "case_manager", "prosecutor"):
        found = await get(http, container, "/v1/participants", role, **lookup)
        assert [i["participant_id"] for i in found.json()["items"]] == [made["participant_id"]]
    other = await get(http, container, "/v1/participants", "police", status="enrolled", **lookup)
    assert other.json() == {"items": [], "next": None}
    for role in ("defense", "community_partner", "auditor"):
        response = await get(http, container, "/v1/participants", role, **lookup)
        assert response.status_code == 403


async def test_every_views_lag_is_in_metrics(http: httpx.AsyncClient, container: Container) -> None:
    await refer(http, container, social_contact(n=1))
    names = ("capacity", "evaluation", "participant_directory", "golden_rule_compliance")
    assert (await http.get("/readyz")).json() == {"status": "ready"}  # no lag for anyone
    metrics = (await http.get("/metrics", headers=METRICS)).text
    for name in names:
        assert f'lead_projection_lag_events{{projection="{name}"}}' in metrics
