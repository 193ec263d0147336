"""The caseload cap holds when many assignments race for the last slot."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.caseloads import Caseloads
from domain.errors import CaseloadFull
from services.container import Container
from services.context import Outcome
from services.repository import Repository
from tests.conftest import START
from tests.integration.support import (
    SUPERVISOR,
    count_events,
    refer,
    run_together,
    social_contact,
)

pytestmark = pytest.mark.integration

CASELOAD_MAX = 25  # the toolkit default the site policy starts from
ALREADY_CARRIED = 24
CONTENDERS = 26


def test_twenty_six_assignments_race_for_the_last_slot(container: Container) -> None:
    case_manager = container.staff.register_case_manager(SUPERVISOR, "Alex").result.case_manager_id
    referred_at = START - timedelta(hours=1)
    people = [
        refer(container, social_contact(n, referred_at))[0]
        for n in range(ALREADY_CARRIED + CONTENDERS)
    ]
    carried, contenders = people[:ALREADY_CARRIED], people[ALREADY_CARRIED:]
    for participant_id in carried:
        container.caseload.assign_case_manager(SUPERVISOR, participant_id, case_manager)

    results = run_together(
        CONTENDERS,
        lambda i: container.caseload.assign_case_manager(SUPERVISOR, contenders[i], case_manager),
    )

    winners = [contenders[i] for i, r in enumerate(results) if isinstance(r, Outcome)]
    refused = [r for r in results if isinstance(r, CaseloadFull)]
    assert (len(winners), len(refused)) == (1, CONTENDERS - 1), results
    repository = Repository(container.store)
    caseloads = repository.existing_caseloads()
    assert caseloads is not None
    assert caseloads.counts() == {case_manager: CASELOAD_MAX}
    assert count_events(container.store, Caseloads.ParticipantAssigned) == CASELOAD_MAX
    for participant_id in contenders:
        expected = case_manager if participant_id in winners else None
        assert repository.participant(participant_id).case_manager_id == expected
