"""The notification catalogue and the pure rules under it: which event makes which type, the
alert window, the backoff, stable webhook ids and secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise, product
from types import SimpleNamespace
from uuid import uuid4

import pytest

from domain import alerts
from domain.compliance import (
    ACTION_WITHOUT_BASIS,
    DIVERTED_CHARGE_FILED,
    NEEDS_REVIEW,
    OPEN,
    POST_FILING_CROWDED_OUT,
)
from domain.coordination import Coordination, ShareCheck
from domain.golden_rule import FROM_HISTORY, RAISED_FROM_HISTORY_AT, RAISERS
from domain.legal_values import Basis
from domain.notifications import (
    ALSO,
    MAKERS,
    FoundPair,
    HistoryFlag,
    Notice,
    NotificationType,
    backoff_seconds,
    duplicates_found,
    flag_raised,
    flag_section,
    new_secret,
    notice_of,
    notices_of,
    webhook_id,
    with_history_flags,
)
from projections.compliance_rules import FOLDS
from projections.compliance_state import ComplianceState
from tests.unit.builders import T0, stamp

pytestmark = pytest.mark.unit
DAYS = [1, 7, 14]
# (offset from the deadline in hours, due?) for a threshold of d days: due from d days before
# the deadline up to (not including) the deadline itself.
PERSON, SHARE = uuid4(), uuid4()
OFFSETS = [(-1e6, False), (-1, True), (0, False), (1, False)]


def test_the_alert_window_as_a_matrix() -> None:
    cases = 0
    for days, (hours, expected) in product(DAYS, OFFSETS):
        deadline = T0 + timedelta(days=30)
        now = deadline + timedelta(hours=hours) if hours > -1e6 else T0
        assert alerts.due(deadline, days, now) is expected, (days, hours)
        edge = deadline - timedelta(days=days)
        assert alerts.due(deadline, days, edge) is True
        assert alerts.due(deadline, days, edge - timedelta(seconds=1)) is False
        cases += 1
    assert cases == len(DAYS) * len(OFFSETS) == 12


def test_a_moved_deadline_or_another_threshold_is_another_alert() -> None:
    subject = uuid4()
    key = alerts.alert_key("intake", subject, T0, 7)
    assert key == alerts.alert_key("intake", subject, T0, 7)
    assert key != alerts.alert_key("intake", subject, T0 + timedelta(days=1), 7)
    assert key != alerts.alert_key("intake", subject, T0, 3)


def test_backoff_doubles_to_its_cap_and_covers_three_days() -> None:
    waits = [backoff_seconds(n, 5, 43_200) for n in range(1, 40)]
    assert waits[:4] == [5, 10, 20, 40]
    assert max(waits) == 43_200
    assert all(a <= b for a, b in pairwise(waits))
    assert sum(waits[:25]) > 3 * 86_400  # 25 attempts span more than 3 days


def test_webhook_ids_are_stable_per_subscription_and_position() -> None:
    sub = uuid4()
    assert webhook_id(sub, 5) == webhook_id(sub, 5)
    assert webhook_id(sub, 5) != webhook_id(sub, 6)
    assert webhook_id(sub, 5) != webhook_id(uuid4(), 5)


def test_secrets_are_standard_webhooks_secrets_of_enough_randomness() -> None:
    assert new_secret(b"\x00" * 32).startswith("whsec_")
    with pytest.raises(ValueError, match="24 random bytes"):
        new_secret(b"\x00" * 16)


def test_the_catalogue_produces_every_type() -> None:
    makers = [*MAKERS.values(), *ALSO.values(), duplicates_found]  # the last: with the search
    produced = {maker.__name__ for maker in makers}
    assert len(MAKERS) == 15 and len(ALSO) == 1 and len(produced) == 11
    assert len(NotificationType) == 11
    # Every event that raises a flag by itself makes the flag's notification: one rule.
    flagged = [kind for kinds in (MAKERS, ALSO) for kind, m in kinds.items() if m is flag_raised]
    assert set(flagged) == set(RAISERS)


def test_a_new_records_pairs_are_told_thin_and_only_when_the_search_raised_some() -> None:
    """Ids, the grade and the reasons: never a name or a date of birth."""
    event = SimpleNamespace(originator_id=uuid4(), occurred_at=datetime(2026, 12, 5, tzinfo=UTC))
    assert duplicates_found(event, []) is None
    earlier = uuid4()
    pair = FoundPair(uuid4(), earlier, event.originator_id, "probable", ("similar_name",))
    told = duplicates_found(event, [pair])
    assert told is not None
    assert (told.participant_id, told.names) == (event.originator_id, (earlier,))
    assert told.data == {
        "candidates": [
            {
                "candidate_id": pair.candidate_id,
                "participant_ids": [earlier, event.originator_id],
                "grade": "probable",
                "reasons": ["similar_name"],
            }
        ]
    }


BASES = {
    "independent": Basis(independent_source="officer saw it"),
    "none": Basis(),
    "lead": Basis(lead_information_refs=(SHARE,)),
    "lead_and_independent": Basis(independent_source="see file", lead_information_refs=(SHARE,)),
    "exceptional": Basis(exceptional_circumstances="threat to life"),
}
KINDS = ["booking", "case_manager_subpoena"]


def test_a_flag_is_told_exactly_when_the_compliance_view_raises_it_as_a_matrix() -> None:
    """The notification and the compliance view ask the same rule (`domain/golden_rule.py`):
    for each basis and kind of adverse action, the flags told are the flags the view raises,
    with the same ids and statuses; and nothing of the note or the basis text is told."""
    cases = 0
    for (name, basis), kind in product(BASES.items(), KINDS):
        state, record = ComplianceState(), Coordination.open(PERSON, stamp())
        record.share(SHARE, ShareCheck(uuid4()), ("spd", "engagement"), "summary", T0, stamp())
        record.record_adverse_action(uuid4(), kind, None, basis, "held at the jail", T0, stamp())
        *before, acted = record.collect_events()
        for position, event in enumerate((*before, acted), start=1):
            FOLDS[type(event)](state, (position, event))
        viewed = {(f["flag_id"], f["rule"], f["status"]) for f in state.flags.values()}
        notice = notice_of(acted)
        told = {
            (f["flag_id"], f["rule"], f["status"]) for f in (notice.data["flags"] if notice else [])
        }
        assert told == viewed, (name, kind)
        assert bool(viewed) == (name != "independent" or kind != "booking"), (name, kind)
        if notice is not None:
            assert notice.type == NotificationType.GOLDEN_RULE_FLAG_RAISED
            assert (notice.participant_id, notice.record_id) == (None, record.id)
            words = str(notice.data)
            assert "jail" not in words and "officer" not in words and "threat" not in words
        cases += 1
    assert cases == len(BASES) * len(KINDS) == 10


def test_a_request_to_report_violations_is_told_as_the_request_and_as_its_flag() -> None:
    record = Coordination.open(PERSON, stamp())
    for kind in ("violation_report", "progress_report"):
        record.request_report(uuid4(), kind, "hearing on the 14th", T0, stamp())
    _, violation, progress = record.collect_events()
    request, flag = notices_of(violation)
    assert request.type == NotificationType.REPORT_REQUEST_MADE
    assert flag.type == NotificationType.GOLDEN_RULE_FLAG_RAISED
    assert request.data["flags"] == flag.data["flags"] and len(flag.data["flags"]) == 1
    assert request.audience is None and flag.audience is flag_section
    [only] = notices_of(progress)
    assert (only.type, only.data["flags"]) == (NotificationType.REPORT_REQUEST_MADE, [])
    assert "hearing" not in str(request.data) + str(only.data)


def test_flags_from_history_join_the_events_own_flag_notice_or_make_one() -> None:
    """The two rules that need what came before are told from the compliance view: beside
    the event's own flags when it raised some, else as a flag notice of their own, told as
    the Golden Rule view reads them and naming the participants the flags are about."""
    assert set(RAISED_FROM_HISTORY_AT) <= set(FOLDS)  # the view folds every such event
    assert set(FROM_HISTORY) == {DIVERTED_CHARGE_FILED, POST_FILING_CROWDED_OUT}
    event = SimpleNamespace(occurred_at=T0)
    declined, other = uuid4(), uuid4()
    crowded = HistoryFlag(uuid4(), POST_FILING_CROWDED_OUT, OPEN, declined)
    filed = HistoryFlag(uuid4(), DIVERTED_CHARGE_FILED, NEEDS_REVIEW, other)

    nothing, alone = with_history_flags(event, [None], [crowded])
    assert nothing is None
    assert alone is not None and alone.type == NotificationType.GOLDEN_RULE_FLAG_RAISED
    assert (alone.participant_id, alone.names, alone.audience) == (declined, (), flag_section)
    assert alone.data == {
        "flags": [{"flag_id": crowded.flag_id, "rule": crowded.rule, "status": OPEN}]
    }

    [both] = with_history_flags(event, [], [crowded, filed, crowded])
    assert both is not None and (both.participant_id, both.names) == (declined, (other,))

    record = uuid4()
    own = {"flag_id": uuid4(), "rule": ACTION_WITHOUT_BASIS, "status": OPEN}
    flag = Notice(NotificationType.GOLDEN_RULE_FLAG_RAISED, None, T0, {"flags": [own]}, record)
    request = Notice(NotificationType.REPORT_REQUEST_MADE, None, T0, {}, record)
    first, joined = with_history_flags(event, [request, flag], [filed])
    assert first == request and joined is not None
    assert joined.record_id == record and joined.audience is None
    assert [f["rule"] for f in joined.data["flags"]] == [
        ACTION_WITHOUT_BASIS,
        DIVERTED_CHARGE_FILED,
    ]
    assert notices_of(event) == []  # no history, no flag: nothing told
