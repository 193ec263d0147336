"""A partner integrates from the document alone: the served /openapi.json passes
openapi-spec-validator, and a client generated from it by openapi-python-client runs a whole
workflow against the real service on loopback, with typed answers and parsed problems.

Police refer; case management records the intake and the ROI, and the person is enrolled;
the prosecutor finds the legal matter in the liaison queue and holds the filing decision;
the auditor reads the history."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from tests.e2e.live_server import Credentials, live_service

pytestmark = pytest.mark.e2e

ROLES = {
    "project_manager": "pcg",
    "supervisor": "lead-cm",
    "case_manager": "lead-cm",
    "police": "spd",
    "prosecutor": "kcpao",
    "auditor": "state-audit",
}
NOW = datetime.now(tz=UTC)
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "lead_partner_client"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict]]:
    with live_service(tmp_path_factory.mktemp("live"), ROLES) as running:
        yield running


@pytest.fixture(scope="module")
def document(service: tuple[str, dict]) -> dict[str, Any]:
    served: dict[str, Any] = httpx.get(f"{service[0]}/openapi.json").json()
    return served


@pytest.fixture(scope="module")
def generated(
    document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ModuleType]:
    """The client a partner would generate, into a temporary directory (never committed)."""
    where = tmp_path_factory.mktemp("client")
    (where / "openapi.json").write_text(json.dumps(document))
    (where / "config.yml").write_text(f"post_hooks: []\npackage_name_override: {PACKAGE}\n")
    run = subprocess.run(  # noqa: S603 (the generator installed with the dev dependencies)
        [
            str(GENERATOR),
            "generate",
            "--path=openapi.json",
            "--meta=none",
            f"--output-path={PACKAGE}",
            "--config=config.yml",
        ],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))


def test_the_served_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


class Partner:
    """The generated client's calls, as one agency's developer would write them."""

    def __init__(self, lead: ModuleType, base: str, who: Credentials) -> None:
        self.api = importlib.import_module(f"{lead.__name__}.api")
        self.models = importlib.import_module(f"{lead.__name__}.models")
        token_api = importlib.import_module(f"{lead.__name__}.api.authentication.token")
        form = self.models.BodyToken(
            grant_type="client_credentials",
            client_id=who.client_id,
            client_secret=who.client_secret,
        )
        answer = token_api.sync_detailed(client=lead.Client(base_url=base), body=form)
        assert answer.status_code == 200, answer.content
        token = json.loads(answer.content)["access_token"]
        self.client = lead.AuthenticatedClient(base_url=base, token=token)

    def call(self, name: str, **arguments: Any) -> Any:
        """`name`: tag module and operation, e.g. `participant_commands.complete_intake`."""
        module = importlib.import_module(f"{self.api.__name__}.{name}")
        return module.sync_detailed(client=self.client, **arguments)


def test_a_partner_workflow_through_the_generated_client(
    generated: ModuleType, service: tuple[str, dict]
) -> None:
    base, credentials = service
    partner = {role: Partner(generated, base, who) for role, who in credentials.items()}
    m = partner["police"].models
    pm, police, cm = partner["project_manager"], partner["police"], partner["case_manager"]

    policy = pm.call("site_policy_and_staff.get_policy")
    assert isinstance(policy.parsed, m.PolicyDocument)
    possession = m.ChargeIn(code="69.50.4013", description="possession")
    patch = m.AmendPolicyPatch.from_dict({"divertible_charges": [possession.to_dict()]})
    changed = pm.call(
        "site_policy_and_staff.amend_policy",
        body=patch,
        x_actor="pm-1",
        if_match=policy.headers["ETag"],
    )
    assert isinstance(changed.parsed, m.PolicyWritten), changed.content
    assert changed.parsed.version == policy.parsed.version + 1
    assert changed.parsed.caseload_max == policy.parsed.caseload_max  # the rest stays
    stale = pm.call(
        "site_policy_and_staff.amend_policy",
        body=patch,
        x_actor="pm-1",
        if_match=policy.headers["ETag"],
    )
    assert isinstance(stale.parsed, m.Problem)
    assert (stale.status_code, stale.parsed.type_.rsplit("/", 1)[1]) == (412, "precondition-failed")

    case_manager = partner["supervisor"].call(
        "site_policy_and_staff.register_case_manager",
        body=m.CaseManagerIn(name="Alex Rivera"),
        x_actor="sup-1",
    )
    assert isinstance(case_manager.parsed, m.CaseManagerWritten)

    person = m.PersonIn(
        given_name="Sam",
        family_name="Example",
        identifiers=[m.IdentifierIn(system="spd-person", value="P-0001")],
    )
    arrest = m.ArrestIn(
        charges=[possession],
        location=m.LocationIn(description="3rd Ave and Pine St"),
        released_at=NOW - timedelta(hours=1),
    )

    def referral(charge: Any) -> Any:
        body = m.ReferralIn(
            door=m.ReferralInDoor.ARREST_DIVERSION,
            person=person,
            referred_at=NOW - timedelta(hours=2),
            arrest=m.ArrestIn.from_dict(arrest.to_dict() | {"charges": [charge.to_dict()]}),
        )
        return police.call("referrals_and_participants.refer", body=body, x_actor="badge-4411")

    refused = referral(m.ChargeIn(code="9A.36.021", description="assault"))
    assert isinstance(refused.parsed, m.Problem)
    assert refused.parsed.type_.endswith("/problems/charge-not-divertible")
    assert refused.parsed.instance == "/v1/referrals"

    referred = referral(possession)
    assert isinstance(referred.parsed, m.ReferralWritten), referred.content
    participant_id = referred.parsed.participant_id
    assert referred.parsed.non_return is not None

    intake = cm.call(
        "participant_commands.complete_intake",
        participant_id=participant_id,
        body=m.IntakeIn(completed_at=NOW - timedelta(minutes=30), plan_summary="housing first"),
        x_actor="cm-7",
    )
    assert isinstance(intake.parsed, m.ParticipantWritten)
    roi = cm.call(
        "participant_commands.sign_roi",
        participant_id=participant_id,
        body=m.RoiIn(
            signed_at=NOW - timedelta(minutes=20),
            agencies=["spd", "kcpao"],
            categories=[m.RoiInCategoriesItem.ENGAGEMENT, m.RoiInCategoriesItem.LEGAL_STATUS],
        ),
        x_actor="cm-7",
        if_match=intake.headers["ETag"],
    )
    assert isinstance(roi.parsed, m.RoiWritten), roi.content
    assert roi.parsed.status == m.RoiWrittenStatus.ENROLLED
    assert roi.headers["ETag"] == f'"{roi.parsed.version}"'

    prosecutor = partner["prosecutor"]
    opened = prosecutor.call(
        "legal_coordination.open_legal_matter",
        participant_id=participant_id,
        body=m.LegalMatterIn(
            kind=m.LegalMatterInKind.PENDING_CASE,
            case_number="26-1-01234-5",
            charges=[m.ChargeIn(code="9A.56.050", description="theft")],
        ),
        x_actor="dpa-3",
    )
    assert isinstance(opened.parsed, m.MatterWritten), opened.content
    queue = prosecutor.call(
        "legal_coordination.liaison_prosecutor_queue",
        x_actor="dpa-3",
        min_position=opened.parsed.position,
    )
    assert queue.status_code == 200, queue.content
    waiting = {item["matter_id"] for item in json.loads(queue.content)["items"]}
    assert str(opened.parsed.matter_id) in waiting

    def hold(days: int) -> Any:
        body = m.DecisionIn(
            decision=m.DecisionInDecision.HOLD,
            review_at=datetime.now(tz=UTC) + timedelta(days=days),
            note="engaging well",
        )
        matter_id = opened.parsed.matter_id
        return prosecutor.call(
            "legal_coordination.decide_on_legal_matter",
            matter_id=matter_id,
            body=body,
            x_actor="dpa-3",
        )

    too_late = hold(days=400)  # beyond the policy's 90-day review maximum
    assert isinstance(too_late.parsed, m.Problem)
    assert too_late.parsed.type_.endswith("/review-date-out-of-range")
    assert too_late.parsed.errors and too_late.parsed.errors[0].field == "review_at"
    held = hold(days=30)
    assert isinstance(held.parsed, m.DecisionWritten), held.content
    assert (held.parsed.decision, held.parsed.state) == ("hold", "held")

    history = partner["auditor"].call(
        "audit.participant_history", participant_id=participant_id, x_actor="aud-1"
    )
    assert isinstance(history.parsed, m.HistoryPage), history.content
    types = [event.type_ for event in history.parsed.items]
    assert {"Participant.Referred", "Participant.IntakeCompleted", "Participant.Enrolled"} <= set(
        types
    )
