"""Recording a missed diversion (defense, the project manager): a Golden Rule flag, and the
first stage of the equity figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from domain.base import Stamp
from domain.missed_diversion import MissedDiversion
from domain.values import Charge, Demographics
from infra.clock import Clock
from services.agencies import KnownAgencies, check_known
from services.context import Outcome, RequestContext
from services.repository import Repository
from services.results import MissedDiversionRecorded
from services.unit_of_work import Decision, UnitOfWork
from services.write_service import WriteService


@dataclass(frozen=True)
class MissedDiversionCommand:
    arrested_at: datetime
    booked_at: datetime
    charges: tuple[Charge, ...]
    agency: str
    demographics: Demographics
    note: str = ""


class MissedDiversionService(WriteService):
    def __init__(
        self,
        repository: Repository,
        uow: UnitOfWork,
        clock: Clock,
        skew: timedelta,
        agencies: KnownAgencies,
    ) -> None:
        super().__init__(repository, uow, clock, skew)
        self.agencies = agencies

    def record(
        self, ctx: RequestContext, command: MissedDiversionCommand
    ) -> Outcome[MissedDiversionRecorded]:
        """The arresting agency must be one the site knows; the charges divertible."""
        self.check_times(arrested_at=command.arrested_at, booked_at=command.booked_at)
        check_known(self.agencies, [command.agency], "agency")
        missed_id = uuid4()

        def decide(stamp: Stamp) -> Decision[MissedDiversionRecorded]:
            arrest = (command.arrested_at, command.booked_at, command.charges, command.agency)
            missed = MissedDiversion.record(
                missed_id,
                arrest,
                command.demographics,
                command.note,
                self.repository.policy_terms(),
                stamp,
            )
            return Decision([missed], MissedDiversionRecorded(missed.id))

        return self.uow.run(ctx, decide, MissedDiversionRecorded)
