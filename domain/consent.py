"""The multi-party ROI as the participant signed it: every ROI in force counts, a new one may
replace earlier ones, a revocation names one or (by default) all, and access is exactly what
the ROIs in force at the moment allow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal
from uuid import UUID

from domain.disclosure import ROI_CATEGORIES
from domain.errors import InvalidInput, StateConflict
from domain.participant_state import RoiState

ALL = "all"
RELEASABLE = ", ".join(sorted(ROI_CATEGORIES))
Replaces = tuple[UUID, ...] | Literal["all"]


def check_roi_terms(
    agencies: Sequence[str], categories: Sequence[str], expires: datetime | None, signed: datetime
) -> None:
    if not agencies:
        raise InvalidInput("a ROI names at least one agency", field="agencies")
    if not categories:
        raise InvalidInput("a ROI names at least one category of information", field="categories")
    unknown = [c for c in categories if c not in ROI_CATEGORIES]
    if unknown:
        raise InvalidInput(
            f"unknown category {unknown[0]!r}: a ROI releases only {RELEASABLE}",
            field="categories",
        )
    if expires is not None and expires <= signed:
        raise InvalidInput("expires_at must be after signed_at", field="expires_at")


def in_force(rois: Sequence[RoiState], at: datetime) -> list[RoiState]:
    return [roi for roi in rois if roi.in_force(at)]


def categories_for(rois: Sequence[RoiState], agency: str, at: datetime) -> frozenset[str]:
    """What the ROIs in force at `at` release to the agency, together."""
    return frozenset(
        category
        for roi in in_force(rois, at)
        if agency in roi.agencies
        for category in roi.categories
    )


def chosen(
    rois: Sequence[RoiState], at: datetime, wanted: Replaces | UUID | None, field: str = "roi_id"
) -> list[UUID]:
    """The ROIs a revocation or replacement ends at `at`: those named (each must be in force
    then), or every ROI in force then (`all`, or nothing named); at least one."""
    current = {roi.roi_id for roi in in_force(rois, at)}
    if wanted is None or isinstance(wanted, str):
        if not current:
            raise StateConflict("there is no ROI in force to revoke")
        return [roi.roi_id for roi in rois if roi.roi_id in current]
    named = [wanted] if isinstance(wanted, UUID) else list(dict.fromkeys(wanted))
    known = {roi.roi_id for roi in rois}
    for roi_id in named:
        if roi_id not in known:
            raise InvalidInput(f"no ROI {roi_id} was signed for this participant", field=field)
        if roi_id not in current:
            raise StateConflict(f"the ROI {roi_id} is not in force at that time")
    return named
