"""A participant's record as one caller may read it at one moment: the participant, its legal
matters and shares (from the store, now or as known at a moment), and what the disclosure
table lets this caller see of them. Reads and commands both start from here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.consent import categories_for
from domain.coordination import Coordination, Share
from domain.disclosure import DEFENSE, Caller, Relation, Section, visible_sections
from domain.disclosure_rows import Rows
from domain.legal_matter import LegalMatter
from domain.participant import Participant
from domain.relations import Record, relation_of
from domain.values import PolicyTerms
from services.legal_coordination.listing import LegalMatterListing, matter_ref, matter_view

# Whether a Golden Rule flag names the participant (defense's watch), from the compliance view.
Watched = Callable[[UUID], bool]


@dataclass(frozen=True)
class ParticipantRecord:
    participant: Participant
    at: datetime
    terms: PolicyTerms
    matters: tuple[LegalMatter, ...]
    shares: tuple[Share, ...]
    rows: Rows
    coordination: Coordination | None = None
    # The later records linked into this one: their referrals show under it too.
    linked: tuple[Participant, ...] = ()

    def referrals(self) -> list[Any]:
        found = [r for p in (self.participant, *self.linked) for r in p.referrals]
        return sorted(found, key=lambda r: r.referred_at)

    @property
    def relation(self) -> Relation:
        return self.rows.relation

    @property
    def caller(self) -> Caller:
        return self.rows.caller

    def visible(self) -> frozenset[Section]:
        return visible_sections(self.caller, self.relation)

    def matter_views(self) -> list[dict[str, Any]]:
        shown = self.visible_matter_ids()
        return [matter_view(m) for m in self.matters if m.id in shown]

    def visible_matter_ids(self) -> frozenset[UUID]:
        refs = [matter_ref(m, self.terms) for m in self.matters]
        return frozenset(ref.matter_id for ref in self.rows.matters(refs))

    def sees_matter(self, matter: LegalMatter) -> bool:
        return bool(self.rows.matters([matter_ref(matter, self.terms)]))


class RecordReader:
    def __init__(self, listing: LegalMatterListing, watched: Watched | None = None) -> None:
        self.listing = listing
        self.watched = watched

    def record(
        self,
        caller: Caller,
        participant: Participant,
        terms: PolicyTerms,
        at: datetime,
        as_of: datetime | None = None,
        same_person: tuple[Participant, ...] = (),
    ) -> ParticipantRecord:
        """The record as the caller may read it at `at` (as known at `as_of` if given).
        `same_person`: the other records linked with this one. The later records' legal
        matters and referrals show under the earlier; a ROI in force on any of them covers
        the person on every record (consent is the person's, not the record's)."""
        coordination = self.listing.record(participant, as_of)
        linked = same_person if participant.linked_records else ()
        matters = tuple(self.listing.matters(participant, coordination, as_of))
        for later in linked:
            matters += tuple(self.listing.matters(later, self.listing.record(later, as_of), as_of))
        shares = tuple(coordination.shares) if coordination else ()
        watched = (
            caller.role == DEFENSE and self.watched is not None and self.watched(participant.id)
        )
        found = Record([matter_ref(m, terms) for m in matters], shares, watched)
        relation = relation_of(caller, participant, found, at)
        consented = [categories_for(other.rois, caller.agency, at) for other in same_person]
        relation = replace(relation, roi_categories=relation.roi_categories.union(*consented))
        rows = Rows(caller, relation)
        return ParticipantRecord(
            participant, at, terms, matters, shares, rows, coordination, linked=linked
        )
