"""R11: `kill -9` of a separate `leadctl notifier` while it delivers webhooks and writers keep
committing arrest diversions (each opens a diverted-charge matter: a `legal_matter.opened`
owed to the referring police). Afterwards every notification owed was acknowledged by the
receiver (0 lost), none was sent that was not owed, every delivery verifies with the
`standardwebhooks` package, and first acknowledgements come in log order. Re-deliveries of the
one in flight at a kill (same `webhook-id`) are at-least-once, counted in the notes."""

from __future__ import annotations

import random
import subprocess
import time

import httpx
import psycopg

from bench.harness import ROOT, postgres_database
from bench.receiver import Receiver, receiving
from infra.events_table.dialects import POSTGRES_EVENTS_TABLE as EVENTS
from infra.settings import Settings
from reliability.clients import headers_for, open_site
from reliability.invariants import Findings
from reliability.processes import LEADCTL, Api, Process, service_env
from reliability.report import Result
from reliability.writers import Writers

PATHS = ("/ok/r11", "/flaky/r11")  # the second answers 500 first: a retry is in the mix
FAST = {
    "LEAD_WEBHOOK_ALLOW_HTTP_LOOPBACK": "true",
    "LEAD_NOTIFIER_POLL_SECONDS": "0.05",
    "LEAD_WEBHOOK_RETRY_BASE_SECONDS": "0.2",
    "LEAD_WEBHOOK_RETRY_CAP_SECONDS": "1",
    "LEAD_RUN_WORKER": "false",
}


def owed(settings: Settings) -> set[int]:
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        rows = conn.execute(
            f"SELECT notification_id FROM {EVENTS} WHERE topic LIKE %s",  # noqa: S608
            ("%LegalMatter.Opened",),
        ).fetchall()
    return {int(row[0]) for row in rows}


def behind(settings: Settings) -> int:
    """Events the furthest-behind subscription has still to go through."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        head = conn.execute(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS}")  # noqa: S608
        low = conn.execute("SELECT coalesce(min(position), 0) FROM webhook_subscriptions")
        return int(head.fetchone()[0]) - int(low.fetchone()[0])  # type: ignore[index]


def subscribe(settings: Settings, url: str, receiver: Receiver) -> None:
    police = headers_for(settings, url, "police", "spd")
    allowed = subprocess.run(  # noqa: S603 (our own CLI, as the operator runs it)
        [str(LEADCTL), "agencies", "allow-webhook-host", "spd", "127.0.0.1"],
        env=service_env(settings),
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if allowed.returncode != 0:
        raise RuntimeError(allowed.stderr.decode()[-500:])
    for path in PATHS:
        body = {"url": receiver.url(path), "types": ["legal_matter.opened"]}
        made = httpx.post(f"{url}/v1/subscriptions", json=body, headers=police, timeout=30)
        made.raise_for_status()
        receiver.secrets[path] = made.json()["secret"]


def kill_cycles(notifier: Process, receiver: Receiver, writers: Writers, kills: int) -> None:
    with writers:
        for _ in range(kills):
            before = len(receiver.received)
            deadline = time.monotonic() + 10
            while len(receiver.received) == before and time.monotonic() < deadline:
                time.sleep(0.02)  # strike while it delivers
            time.sleep(random.uniform(0, 0.2))  # noqa: S311 (when to strike)
            notifier.kill()
            time.sleep(random.uniform(0, 0.5))  # noqa: S311 (notifications pile up meanwhile)
            notifier.start()
        writers.stop()


def wait_delivered(settings: Settings, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while behind(settings) > 0 and time.monotonic() < deadline:
        time.sleep(0.1)


def check(receiver: Receiver, owed_positions: set[int]) -> Findings:
    found = Findings(acked=len(owed_positions) * len(PATHS))
    for path in PATHS:
        acked = receiver.at(path)
        positions = [r.json["data"]["position"] for r in acked]
        firsts = list(dict.fromkeys(positions))
        found.lost += len(owed_positions - set(positions))
        found.violation(f"{path}: sent but not owed", len(set(positions) - owed_positions))
        found.violation(f"{path}: unverified", sum(not r.verified for r in acked))
        found.violation(f"{path}: out of order", int(firsts != sorted(firsts)))
        ids = [r.headers["webhook-id"] for r in acked]
        found.notes.append(f"{path}: {len(ids) - len(set(ids))} re-delivered after a kill")
    return found


def run(kills: int = 10) -> Result:
    started = time.monotonic()
    with postgres_database() as settings, receiving() as receiver:
        env = FAST | {"LEAD_RUN_NOTIFIER": "false"}
        api = Api(settings, "r11-api", **env)
        notifier = Process(
            ["notifier"], service_env(settings, **FAST, LEAD_NOTIFIER_ID="r11"), "r11-notifier"
        )
        api.start()
        try:
            open_site(settings, api.url)
            subscribe(settings, api.url, receiver)
            notifier.start()
            police = headers_for(settings, api.url, "police", "spd")
            kill_cycles(notifier, receiver, Writers(api.url, police, 2), kills)
            wait_delivered(settings)
        finally:
            notifier.stop()
            api.stop()
        found = check(receiver, owed(settings))
    result = Result("R11 kill -9 notifier", kills, found)
    result.seconds = time.monotonic() - started
    return result
