"""Referral POST throughput and latency over HTTP, against the same events saved straight
through the eventsourcing library in the same run."""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx

from bench.harness import Figure, bench_token, run_wrk, served
from bench.site import percentile, serve_tree_peak_rss_mb
from domain.base import Meta, Stamp
from domain.identifiers import SITE_WIDE, IdentifierClaim
from domain.participant import Participant
from domain.policy import SitePolicy
from domain.values import Arrest, Charge, Demographics, Identifier, Location, Person, PolicyTerms
from domain.values import Referral as ReferralValue
from infra.eventstore import open_store
from infra.settings import Settings
from services.idempotency import IdempotencyRecord

SCRIPT = Path(__file__).with_name("referral.lua")
POSSESSION = Charge("69.50.4013", "possession")
TERMS = PolicyTerms(divertible_charges=(POSSESSION,))
META = Meta(actor="bench", client_id="bench", agency="spd", role="police")


def adopt_policy(settings: Settings) -> None:
    store = open_store(settings)
    store.save(SitePolicy.adopt(TERMS, Stamp(META, datetime.now(tz=UTC))))
    store.close()


def referral(n: str) -> tuple[Person, ReferralValue]:
    moment = datetime(2026, 11, 24, 9, tzinfo=UTC)
    person = Person("Bench", "Person", None, (Identifier("bench-direct", n),))
    arrest = Arrest(
        (POSSESSION,),
        Location("3rd Ave and Pine St", 47.61, -122.34),
        moment + timedelta(minutes=30),
    )
    return person, ReferralValue(
        "arrest_diversion", moment, Demographics(("Black",), "not_hispanic", "woman"), arrest
    )


def library_direct(settings: Settings, seconds: float, threads: int) -> float:
    """Saves per second of the events one referral writes (participant, identifier claim,
    idempotency record), straight through the library, from `threads` writers: the library's
    own recorder, one transaction per save, without our group commit."""
    store = open_store(settings.model_copy(update={"group_commit": False}))
    stop = time.perf_counter() + seconds
    counts = [0] * threads

    def writer(index: int) -> None:
        while time.perf_counter() < stop:
            stamp = Stamp(META, datetime.now(tz=UTC))
            person, value = referral(f"{index}-{counts[index]}")
            participant = Participant.refer(
                uuid4(),
                person,
                uuid4(),
                value,
                accepted=True,
                terms=TERMS,
                policy_version=1,
                stamp=stamp,
            )
            claim = IdentifierClaim.claim(
                person.identifiers[0], participant.id, stamp, SITE_WIDE, uuid4()
            )
            record = IdempotencyRecord.accept("bench", uuid4().hex, "f", "done", {"a": 1}, stamp)
            store.save(participant, claim, record)
            counts[index] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=writer, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    store.close()
    return sum(counts) / elapsed


def measure(
    settings: Settings, label: str, workers: int, seconds: int, connections: int
) -> list[Figure]:
    adopt_policy(settings)
    baseline = library_direct(settings, seconds / 2, threads=8)
    with served(settings, workers) as url:
        env = {"BENCH_TOKEN": bench_token(settings, "police", "spd"), "BENCH_RUN": uuid4().hex[:8]}
        run_wrk(url, SCRIPT, env, seconds=2, connections=connections)  # warm-up
        env["BENCH_RUN"] = uuid4().hex[:8]
        result = run_wrk(url, SCRIPT, env, seconds=seconds, connections=connections)
        rss = serve_tree_peak_rss_mb(int(url.rsplit(":", 1)[1]))
        alone = sequential_latencies(url, env["BENCH_TOKEN"])
    return [
        Figure(f"referral_post_{label}_one_client_p50", percentile(alone, 0.5), "ms"),
        Figure(f"referral_post_{label}_one_client_p99", percentile(alone, 0.99), "ms"),
        Figure(
            f"referral_post_{label}_throughput",
            result.requests_per_second,
            "req/s",
            baseline,
            result.requests_per_second / baseline,
        ),
        Figure(f"referral_post_{label}_p50", result.p50_ms, "ms"),
        Figure(f"referral_post_{label}_p99", result.p99_ms, "ms"),
        Figure(f"referral_post_{label}_non_2xx", result.errors, "count"),
        Figure(f"api_peak_rss_{label}_write_load", rss, "MB"),
    ]


def sequential_latencies(url: str, bearer: str, requests: int = 300) -> list[float]:
    """One officer, one referral at a time: the latency a client sees on an idle service."""
    headers = {"Authorization": f"Bearer {bearer}", "X-Actor": "badge-1"}
    timings = []
    with httpx.Client(base_url=url, timeout=30) as http:
        for n in range(requests):
            person, value = referral(f"seq-{uuid4().hex[:6]}-{n}")
            body = {
                "door": "arrest_diversion",
                "referred_at": value.referred_at.isoformat(),
                "person": {
                    "given_name": person.given_name,
                    "family_name": person.family_name,
                    "identifiers": [{"system": "bench-seq", "value": person.identifiers[0].value}],
                },
                "arrest": {
                    "charges": [{"code": POSSESSION.code}],
                    "location": {"description": "3rd Ave and Pine St"},
                    "released_at": value.arrest.released_at.isoformat(),
                },
            }
            started = time.perf_counter()
            http.post("/v1/referrals", json=body, headers=headers).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def sqlite_figures(seconds: int) -> list[Figure]:
    from bench.harness import sqlite_database  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp, sqlite_database(Path(tmp)) as settings:
        return measure(settings, "sqlite", workers=1, seconds=seconds, connections=32)
