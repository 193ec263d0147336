"""Forgetting a participant: the project manager asks, an auditor approves (named in the
request), and then the person's data key is destroyed. The `Forgotten` event carries no
personal data; the projections drop the person's rows when they apply it; the person's
snapshots are deleted; the receipt is signed with the audit key. The events stay, sealed
with a key nobody has any more, so the hash chain and `verify` are untouched.

Destroying the key comes after the event is stored: a crash in between leaves a forgotten
participant whose key still exists, and asking again finishes the job (no 409 until the
receipt is kept)."""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass
from uuid import UUID

from domain.base import Stamp
from domain.errors import RecordNotSealed
from domain.participant import Participant
from infra.eventstore import LeadStore
from infra.keyring import Keyring
from infra.plaintext import is_sealed
from infra.receipt_store import ReceiptStore
from infra.signing import CheckpointSigner
from services.context import Outcome, RequestContext
from services.forgetting.receipts import Receipt, signed
from services.repository import Repository
from services.unit_of_work import Decision, UnitOfWork


@dataclass(frozen=True)
class ForgetCommand:
    reason: str
    reference: str
    approved_by: str


class ForgettingService:
    def __init__(
        self,
        repository: Repository,
        uow: UnitOfWork,
        keyring: Keyring | None,
        receipts: ReceiptStore,
        signer: CheckpointSigner,
    ) -> None:
        self.repository = repository
        self.uow = uow
        self.keyring = keyring
        self.receipts = receipts
        self.signer = signer

    @property
    def store(self) -> LeadStore:
        return self.repository.store

    def forget(
        self, ctx: RequestContext, participant_id: UUID, command: ForgetCommand
    ) -> Outcome[Receipt]:
        participant = self.repository.load(Participant, participant_id)
        if participant.forgotten and self.receipts.get(participant_id) is None:
            return self.finish_interrupted(participant)
        self.check_sealed(participant_id)

        def decide(stamp: Stamp) -> Decision[Receipt]:
            found = self.repository.load(Participant, participant_id)
            found.forget(command.reason, command.reference, command.approved_by, stamp)
            receipt = Receipt(
                participant_id,
                stamp.recorded_at,
                command.reason,
                command.reference,
                stamp.meta.actor,
                command.approved_by,
            )
            claims = self.repository.claims_of(found)  # free to claim for a new record
            for claim in claims:
                claim.release(stamp)
            return Decision([found, *claims], signed(receipt, self.signer))

        outcome = self.uow.run(ctx, decide, Receipt)
        self.complete(outcome.result, outcome.position)
        return outcome

    def check_sealed(self, participant_id: UUID) -> None:
        """A person recorded after sealing began has every event sealed (their first one
        is); one recorded before cannot be forgotten by destroying a key."""
        if self.keyring is None or not is_sealed(self.store.table.first_state(participant_id)):
            raise RecordNotSealed(
                f"participant {participant_id} was recorded before personal data was "
                "encrypted: their events cannot be forgotten by destroying a key"
            )

    def finish_interrupted(self, participant: Participant) -> Outcome[Receipt]:
        """The receipt from the stored `Forgotten` event, then what the crash left undone."""
        event = self.last_event(participant)
        receipt = signed(
            Receipt(
                participant.id,
                event.timestamp,
                event.reason,
                event.reference,
                event.meta.actor,
                event.approved_by,
            ),
            self.signer,
        )
        position = self.store.table.position_of(participant.id, participant.version)
        self.complete(receipt, position)
        return Outcome(receipt, position)

    def last_event(self, participant: Participant) -> Participant.Forgotten:
        events = self.store.events.get(participant.id, gt=participant.version - 1)
        event = next(iter(events))
        assert isinstance(event, Participant.Forgotten)
        return event

    def complete(self, receipt: Receipt, position: int) -> None:
        """The receipt first: a key that is gone without one reads as damage, not forgetting."""
        row = asdict(receipt) | {
            "position": position,
            "signature": base64.b64decode(receipt.signature),
        }
        self.receipts.add(row)
        if self.keyring is not None:
            self.keyring.destroy(receipt.participant_id)
        self.store.table.drop_snapshots(receipt.participant_id)

    def receipts_list(self) -> list[Receipt]:
        """Every receipt, oldest first (GET /v1/audit/forgotten)."""
        return [
            Receipt(
                **{k: v for k, v in row.items() if k != "position"}
                | {"signature": base64.b64encode(bytes(row["signature"])).decode()}
            )
            for row in self.receipts.every()
        ]

    def is_forgotten(self, participant_id: UUID) -> bool:
        return self.receipts.get(participant_id) is not None
