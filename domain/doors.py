"""The doors into LEAD (toolkit: "Three Doors into LEAD", and the post-filing referrals of
courts and prosecutors, which must never crowd out the first three)."""

from __future__ import annotations

from enum import StrEnum


class Door(StrEnum):
    ARREST_DIVERSION = "arrest_diversion"
    SOCIAL_CONTACT = "social_contact"
    COMMUNITY = "community"
    COURT = "court"
    PROSECUTOR = "prosecutor"


PRIORITY_DOORS = frozenset({Door.ARREST_DIVERSION, Door.SOCIAL_CONTACT, Door.COMMUNITY})
POST_FILING_DOORS = frozenset({Door.COURT, Door.PROSECUTOR})
DOORS = frozenset(Door)
WITHOUT_ARREST = frozenset({Door.SOCIAL_CONTACT, Door.COMMUNITY})  # need the core criteria
