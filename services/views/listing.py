"""`GET /v1/participants`: the list's items (summaries from the directory), and the page that
holds them or, for a look-up by identifier, whole participant views."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.disclosure import Caller, Relation, Section, visible_sections
from domain.disclosure_rows import Rows
from domain.values import Identifier, PolicyTerms
from projections.sql import Row
from services.views.participant import ParticipantView
from services.views.parts import DemographicsOut, ParticipantStatus, PersonOut, absent
from services.views.sections import Built, In, Key, Sectioned, disclose

S = Section
ROI_KIND = "roi_"


class ParticipantSummary(Sectioned):
    """A list item: the participant view's fields under the participant view's rules."""

    participant_id: Annotated[UUID, Key()]
    status: Annotated[ParticipantStatus, In(S.PARTICIPATION)] = absent()
    case_manager_id: Annotated[UUID | None, In(S.PARTICIPATION)] = absent()
    intake_deadline: Annotated[datetime | None, In(S.PARTICIPATION)] = absent()
    linked_to: Annotated[UUID | None, In(S.PARTICIPATION)] = (
        absent()
    )  # the same person's earlier record
    person: PersonOut | None = None
    demographics: Annotated[DemographicsOut | None, In(S.CASE_RECORD)] = absent()
    referred_at: Annotated[datetime, In(S.CASE_RECORD)] = absent()
    last_referred_at: Annotated[datetime, In(S.CASE_RECORD)] = absent()
    enrolled_at: Annotated[datetime | None, In(S.CASE_RECORD)] = absent()
    discharged_at: Annotated[datetime | None, In(S.CASE_RECORD)] = absent()


class ParticipantPage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[ParticipantView | ParticipantSummary]
    next: str | None


def relation_from(kinds: set[str]) -> Relation:
    """The relation the directory's rows record (those a list needs)."""
    return Relation(
        referred="referred" in kinds,
        holds_matter="matter_office" in kinds,
        party_to_matter="matter_party" in kinds,
        roi_categories=frozenset(k[len(ROI_KIND) :] for k in kinds if k.startswith(ROI_KIND)),
    )


def summary(row: Row, caller: Caller, kinds: set[str], terms: PolicyTerms) -> Built:
    relation = relation_from(kinds)
    rows = Rows(caller, relation)
    identifiers = [
        (Identifier(i["system"], i["value"]), i.get("agency", "")) for i in row["identifiers"]
    ]
    values: dict[str, Any] = {
        "participant_id": row["participant_id"],
        "status": row["status"],
        "case_manager_id": row["case_manager_id"],
        "intake_deadline": row["intake_deadline"],
        "linked_to": row["linked_to"],
        "person": {
            "given_name": row["given_name"],
            "family_name": row["family_name"],
            "date_of_birth": row["date_of_birth"],
            "identifiers": lambda: [vars(i) for i in rows.identifiers(identifiers, terms)],
        },
        "demographics": row["demographics"] or None,
        "referred_at": row["referred_at"],
        "last_referred_at": row["last_referred_at"],
        "enrolled_at": row["enrolled_at"],
        "discharged_at": row["discharged_at"],
    }
    return disclose(ParticipantSummary, values, visible_sections(caller, relation))
