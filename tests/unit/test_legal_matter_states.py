"""Every decision in every state, against a table written out by hand (not derived from the
rules it checks): allowed decisions move the matter, the others are refused with a 409 error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from domain.legal_errors import DecisionNotAllowed, DivertedChargeProtected
from domain.legal_matter import LegalMatter
from domain.legal_rules import DECISIONS
from tests.unit.legal_fixtures import INDEPENDENT, T0, decide, diverted, expired, matter, stamp

pytestmark = pytest.mark.unit


def enrolled() -> LegalMatter:
    m = diverted()
    m.close_on_enrollment(T0 + timedelta(days=3), stamp(3))
    return m


def case(*decisions: str) -> Callable[[], LegalMatter]:
    def build() -> LegalMatter:
        m = matter("warrant" if "support_quash" in decisions else "pending_case")
        for day, decision in enumerate(decisions, start=1):
            decide(m, decision, days=day, **FIELDS.get(decision, {}))
        return m

    return build


FIELDS: dict[str, dict[str, object]] = {
    "hold": {"review_at": T0 + timedelta(days=30)},
    "file": {"basis": INDEPENDENT},
}
STATES: dict[str, tuple[Callable[[], LegalMatter], set[str]]] = {
    "awaiting_decision": (
        case(),
        {"hold", "decline", "file", "dismiss", "forgo_detention", "support_release", "disposition"},
    ),
    "held": (case("hold"), {"hold", "release_hold", "decline", "file", "dismiss"}),
    "filed": (case("file"), {"dismiss", "forgo_detention", "support_release", "disposition"}),
    "declined": (case("decline"), set()),
    "dismissed": (case("dismiss"), set()),
    "disposed": (case("disposition"), set()),
    "diverted": (diverted, set()),
    "referred_for_filing": (expired, {"hold", "decline", "file", "dismiss"}),
    "not_filed": (enrolled, set()),
    "warrant_active": (lambda: matter("warrant"), {"support_quash", "quashed"}),
    "quash_supported": (case("support_quash"), {"quashed"}),
    "quashed": (case("support_quash", "quashed"), set()),
}
CASES = [
    pytest.param(state, decision, decision in allowed, id=f"{state}-{decision}")
    for state, (_, allowed) in STATES.items()
    for decision in sorted(DECISIONS)
]


@pytest.mark.parametrize(("state", "decision", "allowed"), CASES)
def test_decision_in_state(state: str, decision: str, allowed: bool) -> None:
    build, _ = STATES[state]
    m = build()
    assert m.state == state
    before = len(m.pending_events)
    fields = dict(FIELDS.get(decision, {}))
    if "review_at" in fields:
        fields["review_at"] = T0 + timedelta(days=60)
    if allowed:
        decide(m, decision, days=20, **fields)
        assert len(m.pending_events) == before + 1
        return
    protected = decision == "file" and state in {"diverted", "not_filed"}
    with pytest.raises(DivertedChargeProtected if protected else DecisionNotAllowed):
        decide(m, decision, days=20, **fields)
    assert len(m.pending_events) == before
