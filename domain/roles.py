"""The roles a partner agency's API client acts in (a role is necessary, never sufficient: an
agency acts on its own records)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    POLICE = "police"
    COMMUNITY_PARTNER = "community_partner"
    CASE_MANAGER = "case_manager"
    SUPERVISOR = "supervisor"
    PROSECUTOR = "prosecutor"
    DEFENSE = "defense"
    COURT = "court"  # reads (issue 13); its write capabilities come with issue 16
    PROBATION = "probation"
    PROJECT_MANAGER = "project_manager"
    AUDITOR = "auditor"


ROLES = frozenset(Role)
