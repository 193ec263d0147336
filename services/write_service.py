"""What every write-side service holds."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.times import check_not_in_future
from infra.clock import Clock
from services.authority import Gate
from services.repository import Repository
from services.unit_of_work import UnitOfWork


class WriteService:
    """Where aggregates come from (through the gate that checks who may change what), the unit
    of work that saves them, and the clock that business times (which may lie in the past,
    never more than `skew` ahead) are checked against."""

    def __init__(
        self, repository: Repository, uow: UnitOfWork, clock: Clock, skew: timedelta
    ) -> None:
        self.repository = repository
        self.uow = uow
        self.clock = clock
        self.skew = skew
        self.gate = Gate(repository)

    def check_times(self, **times: datetime | None) -> None:
        now = self.clock.now()
        for name, value in times.items():
            check_not_in_future(name, value, now, self.skew)
