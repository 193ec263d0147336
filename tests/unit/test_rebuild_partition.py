"""Splitting a rebuild into processes: projections that read the same events stay together,
and the groups carry about equal work."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cli.rebuild_jobs import partition

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Wants:
    name: str
    topics: frozenset[str]


COUNTS = {"referred": 100, "enrolled": 80, "assigned": 80, "legal": 120, "contact": 150}


def test_projections_sharing_events_go_together() -> None:
    projections = [
        Wants("directory", frozenset({"referred", "enrolled"})),
        Wants("evaluation", frozenset({"referred", "enrolled"})),
        Wants("capacity", frozenset({"assigned"})),
        Wants("compliance", frozenset({"legal"})),
    ]
    groups = partition(projections, COUNTS, 2)
    assert sorted(map(sorted, groups)) == [["capacity", "compliance"], ["directory", "evaluation"]]


def test_one_job_is_one_group_and_empty_groups_are_dropped() -> None:
    projections = [Wants("a", frozenset({"referred"})), Wants("b", frozenset({"legal"}))]
    assert partition(projections, COUNTS, 1) == [["a", "b"]]
    assert len(partition(projections[:1], COUNTS, 3)) == 1
