"""Personal data sealed inside events and snapshots with the person's own key (issue 18).

A stored event keeps its shape: every field that is not personal stays readable JSON, so the
projections that need no personal data never decrypt, and the personal fields move into one
`_sealed_` member, `[subject, key id, field names, base64(nonce + AES-GCM ciphertext)]`, bound
to the event's stream and version. The hash chain covers these bytes as stored; destroying the
subject's key (forgetting) changes no stored byte, so `verify` stays whole. A forgotten
subject's events decode with blank personal fields."""

from __future__ import annotations

import base64
import dataclasses
import re
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic

from domain.values import Identifier, Location, Person
from infra.keyring import Keyring, seal, unseal

SEALED = "_sealed_"
# Top-level event fields that are personal data wherever they occur.
PERSONAL = ("person", "plan_summary", "note", "location", "summary", "identifier", "identifiers")
BLANK: dict[str, Any] = {
    "person": Person(given_name="", family_name=""),
    "identifier": Identifier(system="", value=""),
    "identifiers": (),
    "answer": None,  # the replay of a forgotten person's answer is refused (410)
}
NO_LOCATION = Location(description="")
PARTICIPANT_MODULE = "domain.participant"
PARTICIPANT_TOPIC = f"{PARTICIPANT_MODULE}:Participant"
# The first events of the streams about one person whose later events carry personal data.
STREAM_FOUNDERS = frozenset({"LegalMatter.Opened", "Coordination.Opened"})
KEPT_ANSWER = "IdempotencyRecord.Accepted"
# The key id of a sealed member as the transcoder writes it, read without decoding the event.
SEALED_KEY_ID = re.compile(
    rb'"' + re.escape(SEALED.encode()) + rb'":\s*\[\s*"[0-9a-f]{32}"\s*,\s*"([0-9a-f]{32})"'
)


class SealingMapper(Mapper[UUID]):
    """The library's mapper with personal fields sealed; `keyring` None: a plaintext store."""

    def __init__(self, transcoder: Transcoder, keyring: Keyring | None) -> None:
        super().__init__(transcoder)
        self.keyring = keyring

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        if self.keyring is None:
            return super().to_stored_event(domain_event)
        cls = type(domain_event)
        state = dict(vars(domain_event))
        originator_id, version = state.pop("originator_id"), state.pop("originator_version")
        class_version = getattr(cls, "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        if cls.__qualname__ in STREAM_FOUNDERS:  # later events of the stream are about them
            self.keyring.founded(originator_id, state["participant_id"])
        personal = take_personal(state, cls)
        subject = self.subject_of(domain_event, originator_id, personal) if personal else None
        if subject is not None:
            new = version == 1 and subject == originator_id and in_participant_stream(cls)
            key_id, key = self.keyring.sealing_key(subject, new=new)
            blob = seal(key, self.transcoder.encode(personal), context(originator_id, version))
            names = sorted(personal)
            state[SEALED] = [subject.hex, key_id.hex, names, base64.b64encode(blob).decode()]
        elif personal:
            restore(state, personal)  # about nobody in particular: stays as it was
        return StoredEvent(
            originator_id=originator_id,
            originator_version=version,
            topic=get_topic(cls),
            state=self.transcoder.encode(state),
        )

    def subject_of(self, event: Any, originator_id: UUID, personal: dict[str, Any]) -> UUID | None:
        assert self.keyring is not None
        if in_participant_stream(type(event)) or "state" in personal:
            return originator_id
        if "answer" in personal:
            return answer_subject(personal["answer"])
        participant = getattr(event, "participant_id", None)
        if isinstance(participant, UUID):
            return participant
        return self.keyring.stream_subject(originator_id)

    def prefetch_keys(self, stored: Iterable[StoredEvent]) -> None:
        """The data keys these events are sealed with, read in one query: a batch's new
        people would otherwise cost the projector a round trip each."""
        if self.keyring is not None:
            found = (SEALED_KEY_ID.search(e.state) for e in stored)
            self.keyring.load(UUID(hex=m.group(1).decode()) for m in found if m is not None)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        event = super().to_domain_event(stored_event)
        state = event.__dict__
        sealed = state.pop(SEALED, None)
        if sealed is not None:
            self.open_into(state, sealed, stored_event)
        return event

    def open_into(self, state: dict[str, Any], sealed: list[Any], stored: StoredEvent) -> None:
        if self.keyring is None:
            msg = "a sealed event needs the keyring (a plaintext store cannot read it)"
            raise RuntimeError(msg)
        subject, key_id, names, blob = sealed
        key = self.keyring.opening_key(UUID(hex=key_id), UUID(hex=subject))
        if key is None:  # forgotten
            restore(state, blanks(names))
            return
        plaintext = unseal(
            key,
            base64.b64decode(blob),
            context(stored.originator_id, stored.originator_version),
        )
        restore(state, self.transcoder.decode(plaintext))


def context(originator_id: Any, version: int) -> bytes:
    """What a ciphertext is bound to: moved to another event, it does not open."""
    ident = originator_id.bytes if isinstance(originator_id, UUID) else str(originator_id).encode()
    return b"lead-sealed/v1" + ident + version.to_bytes(8, "big")


def in_participant_stream(cls: type[Any]) -> bool:
    return cls.__module__ == PARTICIPANT_MODULE


def is_participant_snapshot(state: dict[str, Any]) -> bool:
    """A snapshot (the library's class, whatever the aggregate) names its aggregate's topic."""
    topic = state.get("topic")
    return "state" in state and isinstance(topic, str) and topic.startswith(PARTICIPANT_TOPIC)


def answer_subject(answer: Any) -> UUID | None:
    """The participant a kept answer (an idempotency record's) is about, if any."""
    named = answer.get("participant_id") if isinstance(answer, dict) else None
    try:
        return UUID(str(named)) if named is not None else None
    except ValueError:
        return None


def sealed_answer(answer: Any) -> bool:
    """A kept answer about a participant is sealed, except a forgetting receipt's: it holds
    nothing personal, and a retried forgetting must still read it."""
    return answer_subject(answer) is not None and "signature" not in answer


def take_personal(state: dict[str, Any], cls: type[Any]) -> dict[str, Any]:
    """Moves the personal fields out of `state` (nested ones leave a blank behind)."""
    if is_participant_snapshot(state):
        return {"state": state.pop("state")}  # the person's whole record
    if cls.__qualname__ == KEPT_ANSWER and sealed_answer(state.get("answer")):
        return {"answer": state.pop("answer")}  # echoes names, places, plans
    personal = {name: state.pop(name) for name in PERSONAL if name in state}
    referral: Any = state.get("referral")
    arrest = getattr(referral, "arrest", None)
    if arrest is not None:
        personal["referral.arrest.location"] = arrest.location
        state["referral"] = dataclasses.replace(
            referral, arrest=dataclasses.replace(arrest, location=NO_LOCATION)
        )
    details: Any = state.get("details")
    if getattr(details, "case_number", ""):
        personal["details.case_number"] = details.case_number
        state["details"] = dataclasses.replace(details, case_number="")
    return personal


def restore(state: dict[str, Any], personal: dict[str, Any]) -> None:
    location = personal.pop("referral.arrest.location", None)
    if location is not None:
        referral = state["referral"]
        arrest = dataclasses.replace(referral.arrest, location=location)
        state["referral"] = dataclasses.replace(referral, arrest=arrest)
    case_number = personal.pop("details.case_number", None)
    if case_number is not None:
        state["details"] = dataclasses.replace(state["details"], case_number=case_number)
    state.update(personal)


def blanks(names: list[str]) -> dict[str, Any]:
    """What a forgotten person's event reads as: every personal field blank (the nested ones
    were stored blank already)."""
    if "state" in names:
        msg = "a forgotten person's snapshot cannot be read (forgetting deletes them)"
        raise LookupError(msg)
    return {name: BLANK.get(name, "") for name in names if "." not in name}
