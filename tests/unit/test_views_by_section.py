"""Views are built from sections: every field of every view model says which section it
belongs to (or that it is a key), a section the caller may not see is absent (not null), and
what it would cost to compute is not computed."""

from __future__ import annotations

import pytest

from domain.disclosure import Section
from services.views import flags, history, listing, participant, queue, referral
from services.views.sections import Sectioned, disclose, layout

pytestmark = pytest.mark.unit
VIEWS = [
    participant.ParticipantView,
    listing.ParticipantSummary,
    queue.QueueItem,
    flags.FlagItem,
    referral.ReferralAnswer,
]


def every_sectioned(cls: type[Sectioned]) -> list[type[Sectioned]]:
    return [cls, *(c for sub in cls.__subclasses__() for c in every_sectioned(sub))]


def test_every_field_of_every_view_declares_its_section() -> None:
    models = every_sectioned(Sectioned)
    assert set(VIEWS) <= set(models)
    for model in models:
        if model.__module__.startswith("services."):
            assert len(layout(model)) == len(model.model_fields)  # raises if one declares none
    assert history.HistoryEvent.model_fields["withheld"].default is False


def test_a_field_without_a_section_is_refused() -> None:
    class Careless(Sectioned):
        leaked: str = ""

    with pytest.raises(TypeError, match="declares no section"):
        disclose(Careless, {"leaked": "x"}, frozenset(Section))


def test_absent_sections_are_absent_and_their_values_never_computed() -> None:
    def never() -> object:
        raise AssertionError("a section nobody may see was computed")

    values = {
        "participant_id": "00000000-0000-4000-8000-000000000001",
        "version": 3,
        "status": "enrolled",
        "plan": never,
        "person": {"given_name": "A", "family_name": "B", "identifiers": never},
    }
    built = disclose(participant.ParticipantView, values, frozenset({Section.PARTICIPATION}))
    assert built.shown == frozenset({Section.PARTICIPATION})
    assert built.view.model_dump(mode="json", exclude_unset=True) == {
        "participant_id": "00000000-0000-4000-8000-000000000001",
        "version": 3,
        "status": "enrolled",
    }


def test_a_visible_section_without_a_value_reads_null() -> None:
    values = {"participant_id": "00000000-0000-4000-8000-000000000001", "version": 1, "plan": None}
    built = disclose(participant.ParticipantView, values, frozenset({Section.PLAN}))
    assert built.view.model_dump(exclude_unset=True)["plan"] is None
    assert built.shown == frozenset({Section.PLAN})
