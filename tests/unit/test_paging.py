"""One page helper and one cursor codec for every list: a cursor carries the keyset of the
last row shown and comes back as it went; anything this service did not issue is a 422."""

from __future__ import annotations

import base64
import json

import pytest

from domain.errors import InvalidInput
from services.paging import decode_cursor, encode_cursor, page_of, position

pytestmark = pytest.mark.unit


def forged(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


FORGED = [
    "not base64 at all!",
    forged("not json"),
    forged("[]"),
    forged('{"before": 3}'),
    forged('{"after": -1}'),
    forged('{"after": true}'),
    forged('{"after": 2.5}'),
    forged('{"after": "7"}'),
    forged('{"after": [7]}'),
    forged('{"after": null}'),
]


@pytest.mark.parametrize("cursor", FORGED)
def test_a_cursor_this_service_did_not_issue_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(cursor, position)
    assert refused.value.field == "cursor"


def test_the_forgeries_are_the_ten_kinds_listed() -> None:
    assert len(set(FORGED)) == 10


@pytest.mark.parametrize("keyset", [0, 1, 2**62, ["2026-11-24T09:00:00+00:00", "ab" * 16]])
def test_a_cursor_carries_its_keyset_back(keyset: object) -> None:
    cursor = encode_cursor(keyset)
    assert "=" not in cursor
    assert decode_cursor(cursor, lambda k: k) == keyset


@pytest.mark.parametrize(
    ("rows", "limit", "shown", "more"), [(5, 3, 3, True), (3, 3, 3, False), (0, 3, 0, False)]
)
def test_a_page_shows_its_limit_and_says_whether_more_follow(
    rows: int, limit: int, shown: int, more: bool
) -> None:
    page = page_of([{"seq": n} for n in range(rows)], limit, lambda row: row["seq"])
    assert len(page.shown) == shown
    assert (page.next is not None) is more
    if more:
        assert decode_cursor(page.next or "", position) == limit - 1


def test_a_list_cursor_issued_before_this_codec_still_reads() -> None:
    earlier = forged(json.dumps({"after": 3}))  # what the participant list and flags issued
    assert decode_cursor(earlier, position) == 3
