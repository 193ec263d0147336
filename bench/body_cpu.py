"""CPU of the service for one hostile body: `POST /v1/referrals` with about 1 MB of 60,000
unknown keys (issue 12), in process on an SQLite store. `python -m bench.body_cpu [KEYS]`
prints the answer's status and size, the errors it lists and the median CPU of 5 requests."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from api.app import create_app
from composition.bootstrap import build
from infra.clients import Client
from infra.migrations import upgrade
from infra.settings import Settings


async def measure(keys: int) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp())
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'body.sqlite3'}",
        data_dir=tmp,
        run_worker=False,
        rate_limit_enabled=False,
    )
    upgrade(settings)
    container = build(settings)
    client = Client("bench-police", "spd", "police", "bench")
    container.clients.add(client, "!", datetime.now(tz=UTC))
    body = json.dumps({f"key{n:08d}": 1 for n in range(keys)}, separators=(",", ":")).encode()
    headers = {
        "Authorization": f"Bearer {container.tokens.issue(client)}",
        "X-Actor": "bench-1",
        "content-type": "application/json",
    }
    transport = httpx.ASGITransport(app=create_app(container, background=False))
    runs: list[float] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for _ in range(6):  # the first warms up
            started = time.process_time()
            response = await http.post("/v1/referrals", content=body, headers=headers)
            runs.append(time.process_time() - started)
    container.close()
    return {
        "body_bytes": len(body),
        "status": response.status_code,
        "answer_bytes": len(response.content),
        "errors_listed": len(response.json().get("errors", [])),
        "cpu_ms_median": round(statistics.median(runs[1:]) * 1000, 1),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 60_000))))  # noqa: T201
