"""The legal side of a synthetic history: the diverted charge an arrest diversion opens and
what happens to it, and a coordination record with shares, refused shares and adverse
actions, built with the aggregates' own commands (as the service's reactions would)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import uuid4

from domain.base import Meta, Stamp
from domain.coordination import Coordination, ShareCheck
from domain.legal_matter import LegalMatter
from domain.legal_values import Basis, Deliberation
from domain.participant import Participant

DPA = Meta("dpa-1", "bench", "kcpao", "prosecutor")
CM = Meta("cm-1", "bench", "reach", "case_manager")
OFFICER = Meta("b-1", "bench", "spd", "police")
Stamper = Callable[[Meta, datetime], Stamp]


class LegalHistory:
    def __init__(self, rng: random.Random, stamp: Stamper) -> None:
        self.rng = rng
        self.stamp = stamp

    def divert(self, p: Participant) -> LegalMatter | None:
        referral = p.referrals[0]
        if referral.door != "arrest_diversion" or referral.arrest is None:
            return None
        at = referral.referred_at
        charges = referral.arrest.charges
        return LegalMatter.divert(referral.referral_id, p.id, charges, at, self.stamp(DPA, at))

    def expired(self, matter: LegalMatter, deadline: datetime) -> None:
        """Standard processing: the prosecutor files one in five, holds one in five (and
        declines after the review), and leaves the rest in the queue."""
        matter.refer_for_filing(deadline, self.stamp(DPA, deadline))
        at = deadline + timedelta(days=self.rng.uniform(1, 20))
        chance = self.rng.random()
        if chance < 0.2:
            matter.decide("file", self.how(at), basis=Basis(independent_source="police report"))
        elif chance < 0.4:
            matter.decide("hold", self.how(at), review_at=at + timedelta(days=30))
            matter.decide("decline", self.how(at + timedelta(days=31)))

    def how(self, at: datetime) -> Deliberation:
        return Deliberation(self.stamp(DPA, at), at, "see the file", 1)

    def enrolled(self, matter: LegalMatter, at: datetime) -> None:
        matter.close_on_enrollment(at, self.stamp(DPA, at))

    def coordinate(self, p: Participant, enrolled: datetime) -> Coordination | None:
        """For one enrolled participant in three: shares, now and then a refused one, and
        now and then an adverse action, on any kind of basis."""
        rng = self.rng
        if rng.random() > 0.33:
            return None
        record = Coordination.open(p.id, self.stamp(CM, enrolled))
        shares = []
        for k in range(rng.randint(1, 3)):
            at = enrolled + timedelta(days=7 * (k + 1))
            share_id, refused = uuid4(), rng.random() < 0.1
            check = ShareCheck(None, "no_roi") if refused else ShareCheck(p.rois[0].roi_id)
            record.share(share_id, check, ("spd", "engagement"), "update", at, self.stamp(CM, at))
            shares += [] if refused else [share_id]
        if rng.random() < 0.3:
            at = enrolled + timedelta(days=40)
            basis = rng.choice(
                [
                    Basis(independent_source="officer observed"),
                    Basis(lead_information_refs=tuple(shares)),
                    Basis(),
                ]
            )
            kind = rng.choice(["booking", "warrant_request", "case_manager_subpoena"])
            record.record_adverse_action(
                uuid4(), kind, None, basis, "", at, self.stamp(OFFICER, at)
            )
        return record
