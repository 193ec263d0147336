"""Small-cell suppression of the evaluation figures for project managers (API.md): a count
from 1 to 10 reads "<11", and no rate or median gives one away; auditors see exact counts."""

from __future__ import annotations

import pytest

from projections.evaluation_queries import REPORTED, Group
from services.read_side.evaluation import RATED, figures

pytestmark = pytest.mark.unit


def group(referred: int, enrolled: int, intakes: int) -> Group:
    counts = dict.fromkeys(REPORTED, 0) | {"referred": referred, "enrolled": enrolled}
    median = 2.0 if intakes else None
    return Group({}, counts, days_total=2.0 * intakes, intakes=intakes, median_days=median)


@pytest.mark.parametrize("count", [0, 1, 5, 10, 11, 250])
def test_counts_from_one_to_ten_read_under_eleven(count: int) -> None:
    shown = figures(group(count, count, count), exact=False)
    small = 1 <= count <= 10
    assert shown["counts"]["referred"] == ("<11" if small else count)
    assert shown["days_to_intake"]["count"] == ("<11" if small else count)
    assert (shown["days_to_intake"]["median"] is None) == (small or count == 0)
    assert figures(group(count, count, count), exact=True)["counts"]["referred"] == count


def test_no_rate_reveals_a_suppressed_count_generated() -> None:
    cases = 0
    for referred in (0, 3, 11, 40):
        for enrolled in (0, 3, 11, 40):
            if enrolled > referred:
                continue
            rates = figures(group(referred, enrolled, 0), exact=False)["rates"]
            cases += 1
            hidden = referred in range(1, 11) or enrolled in range(1, 11)
            assert (rates["enrolled"] is None) == (hidden or referred == 0)
            for stage in RATED:
                assert rates[stage] is None or referred >= 11
    assert cases == 10
