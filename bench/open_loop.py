"""An open-loop load generator: referrals at a steady offered rate, whatever the service does.

Send times are fixed before the run (request i at start + i / rate). Each request goes out at
its time on an idle keep-alive connection, or a new one if none is idle, so no request ever
waits for another's answer; its latency is measured from its *intended* send time, so a stall
of the service counts against every request it delayed (no coordinated omission). A request
the generator itself dispatched more than `LATE_MS` after its time is counted as not sent on
time (it still counts from its intended time). Raw HTTP/1.1 on asyncio (uvloop when there):
wrk cannot hold a rate, and wrk2 and vegeta are not installable here."""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

LATE_MS = 5.0
PRE_OPENED = 32


@dataclass(frozen=True)
class OpenLoopResult:
    offered_per_second: float
    seconds: float
    sent: int
    answered: int
    non_2xx: int
    unanswered: int  # no answer by the end of the grace period, or the connection failed
    late: int  # dispatched more than LATE_MS after the intended time
    connections: int  # most open at once
    p50_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    generator_cpu_ms_per_request: float


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def referral_request(host: str, token: str, key: str) -> bytes:
    """The same arrest diversion as bench/referral.lua, with its own identifier and key."""
    body = json.dumps(
        {
            "door": "arrest_diversion",
            "person": {
                "given_name": "Bench",
                "family_name": "Person",
                "identifiers": [{"system": "bench", "value": key}],
            },
            "referred_at": "2026-11-24T09:00:00Z",
            "demographics": {"race": ["Black"], "ethnicity": "not_hispanic", "gender": "woman"},
            "arrest": {
                "charges": [{"code": "69.50.4013", "description": "possession"}],
                "location": {
                    "description": "3rd Ave and Pine St",
                    "latitude": 47.61,
                    "longitude": -122.34,
                },
                "released_at": "2026-11-24T09:30:00Z",
            },
        },
        separators=(",", ":"),
    ).encode()
    head = (
        f"POST /v1/referrals HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nX-Actor: badge-open\r\nIdempotency-Key: {key}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Generator:
    def __init__(self, url: str, token: str, rate: float, seconds: float, run: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.rate, self.seconds = rate, seconds
        count = int(rate * seconds)
        host = f"{self.host}:{self.port}"
        self.requests = [referral_request(host, token, f"{run}-open-{i}") for i in range(count)]
        self.idle: list[Connection] = []
        self.open = 0
        self.most_open = 0
        self.latencies: list[float] = []
        self.non_2xx = 0
        self.failed = 0
        self.late = 0

    async def connect(self) -> Connection:
        connection = await asyncio.open_connection(self.host, self.port)
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        return connection

    async def one(self, request: bytes, intended: float, *, again: bool = True) -> None:
        reused = again and bool(self.idle)  # the second try takes a new connection
        connection = self.idle.pop() if reused else await self.connect()
        reader, writer = connection
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length, close = 0, False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, ValueError) as failed:
            self.open -= 1
            writer.close()
            if again and reused and unanswered(failed):
                # The server closed it while it sat idle (uvicorn's keep-alive timeout is 5 s):
                # an HTTP client sends again on a new connection, and so does this one, the
                # latency still counted from the intended send time.
                await self.one(request, intended, again=False)
                return
            self.failed += 1
            return
        self.latencies.append((time.perf_counter() - intended) * 1000)
        self.non_2xx += not 200 <= status < 300
        if close:
            self.open -= 1
            writer.close()
        else:
            self.idle.append(connection)

    async def run(self, grace: float = 10.0) -> OpenLoopResult:
        """Times are perf_counter's: uvloop's clock ticks in whole milliseconds."""
        self.idle = [await self.connect() for _ in range(PRE_OPENED)]
        cpu = time.process_time()
        start = time.perf_counter() + 0.05
        tasks = []
        for i, request in enumerate(self.requests):
            intended = start + i / self.rate
            delay = intended - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            elif -delay * 1000 > LATE_MS:
                self.late += 1
            tasks.append(asyncio.create_task(self.one(request, intended)))
        _, pending = await asyncio.wait(tasks, timeout=grace) if tasks else (set(), set())
        for task in pending:
            task.cancel()
        cpu = time.process_time() - cpu
        for _, writer in self.idle:
            writer.close()
        sent = len(self.requests)
        return OpenLoopResult(
            self.rate,
            self.seconds,
            sent,
            len(self.latencies),
            self.non_2xx,
            sent - len(self.latencies),
            self.late,
            self.most_open,
            quantile(self.latencies, 0.5),
            quantile(self.latencies, 0.99),
            quantile(self.latencies, 0.999),
            max(self.latencies, default=float("nan")),
            cpu * 1000 / max(1, sent),
        )


def unanswered(failed: Exception) -> bool:
    """Closed before any byte of an answer came back."""
    if isinstance(failed, asyncio.IncompleteReadError):
        return not failed.partial
    return isinstance(failed, ConnectionError)


def open_loop(url: str, token: str, rate: float, seconds: float, run: str) -> OpenLoopResult:
    """Run the generator on an event loop of its own (uvloop when installed). A stalled
    service makes it open a connection per request it owes: allow as many as the system does."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    generator = Generator(url, token, rate, seconds, run)
    with contextlib.suppress(ImportError):
        import uvloop  # noqa: PLC0415 (optional)

        return uvloop.run(generator.run())
    return asyncio.run(generator.run())
