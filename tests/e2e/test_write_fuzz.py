"""The regression net of issue 11: referral bodies with the longest and oddest text each field
allows (and some it does not), then every projection caught up with nothing in quarantine,
every read answering, and a rebuild equal to the incremental state. On both stores; bounded
(a derandomised, fixed number of examples)."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from domain import text
from domain.text import TextRule
from projections.rebuild import Rebuilder
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import at
from tests.integration.test_read_models import rows

pytestmark = pytest.mark.e2e

EXAMPLES = 60
# Every character a store can hold: no surrogates; controls only as the rule allows.
SAFE = st.characters(
    blacklist_categories=("Cs",), blacklist_characters=[*map(chr, range(32)), "\x7f"]
)
ODD = st.sampled_from(["\u0301", "\u202e", "\ufeff", "\U0001f600", "\u00a0", "\x85", "'", '"'])


def texts(rule: TextRule) -> st.SearchStrategy[str]:
    alphabet = st.one_of(SAFE, ODD, st.sampled_from("\t\n")) if rule.multiline else SAFE | ODD
    longest = rule.max_length
    return st.one_of(
        st.text(alphabet, min_size=longest, max_size=longest),  # the longest allowed
        st.text(alphabet, min_size=max(rule.min_length, 1), max_size=16),
    )


FORBIDDEN = st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\r", "\ud800"])


def clean(value: str, rule: TextRule) -> bool:
    """Whether the API should take it: the rule's check after the schema's whitespace strip."""
    stripped = value.strip()
    try:
        rule.clean(stripped)
    except ValueError:
        return False
    return len(unicodedata.normalize("NFC", stripped)) >= rule.min_length


@st.composite
def referrals(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    values = {
        "given_name": (draw(texts(text.NAME)), text.NAME),
        "family_name": (draw(texts(text.NAME)), text.NAME),
        "organization": (draw(texts(text.LABEL)), text.LABEL),
        "ethnicity": (draw(texts(text.DEMOGRAPHIC)), text.DEMOGRAPHIC),
        "gender": (draw(texts(text.DEMOGRAPHIC)), text.DEMOGRAPHIC),
    }
    races = draw(st.lists(texts(text.DEMOGRAPHIC), max_size=10))
    spoiled = draw(st.sampled_from([None, None, None, *values]))  # a quarter: one bad value
    if spoiled is not None:
        value, rule = values[spoiled]
        at_ = draw(st.integers(0, len(value)))
        values[spoiled] = (value[:at_] + draw(FORBIDDEN) + value[at_:], rule)
    ok = all(clean(v, rule) for v, rule in values.values())
    ok = ok and all(clean(r, text.DEMOGRAPHIC) for r in races)
    body = {
        "door": "social_contact",
        "person": {"given_name": values["given_name"][0], "family_name": values["family_name"][0]},
        "referred_at": at(hours=-1),
        "criteria": {"chronic_law_violations": True, "public_expectation_of_response": True},
        "demographics": {
            "race": races,
            "ethnicity": values["ethnicity"][0],
            "gender": values["gender"][0],
        },
        "referring_organization": values["organization"][0],
    }
    return body, ok


def drawn() -> list[tuple[dict[str, Any], bool]]:
    found: list[tuple[dict[str, Any], bool]] = []

    @given(referrals())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def collect(example: tuple[dict[str, Any], bool]) -> None:
        found.append(example)

    collect()
    return found


async def test_odd_and_longest_values_are_taken_or_refused_and_the_site_stays_whole(
    http: httpx.AsyncClient, container: Container
) -> None:
    police = headers_for(container, "police", "spd") | {"Content-Type": "application/json"}
    outcomes = {201: 0, 422: 0}
    for body, ok in drawn():
        # ASCII JSON: a lone surrogate travels as the escape a client would send.
        response = await http.post("/v1/referrals", content=json.dumps(body), headers=police)
        assert response.status_code == (201 if ok else 422), (body, response.text)
        outcomes[response.status_code] += 1
    assert outcomes[201] >= EXAMPLES // 4
    assert outcomes[422] >= EXAMPLES // 10
    await assert_site_whole(http, container)


async def assert_site_whole(http: httpx.AsyncClient, container: Container) -> None:
    """Caught up, nothing quarantined, every read answers, a rebuild equals the live state."""
    projector = container.projector
    projector.run_until_caught_up()
    head = container.store.table.head()
    assert set(projector.positions().values()) == {head}
    assert projector.quarantine.entries() == []
    assert (await http.get("/readyz")).status_code == 200
    reads = {
        "/v1/participants": ("case_manager", "lead-cm"),
        "/v1/capacity": ("project_manager", "pcg"),
        "/v1/metrics/evaluation": ("project_manager", "pcg"),
        "/v1/queues/liaison-prosecutor": ("prosecutor", "kcpao"),
        "/v1/compliance/golden-rule": ("defense", "kcdpd"),
    }
    for path, (role, agency) in reads.items():
        answer = await http.get(
            path, params={"min_position": head}, headers=headers_for(container, role, agency)
        )
        assert answer.status_code == 200, (path, answer.text)
    live = rows(container, projector.projections)
    Rebuilder(container.store, container.sql, projector.projections).run()
    assert rows(container, projector.projections) == live
