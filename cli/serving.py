"""`leadctl serve`: the socket is bound here first, so a port already taken is one clear line
rather than uvicorn's error; the line that says where the service is comes once it serves."""

from __future__ import annotations

import errno
import socket
from typing import Any

import typer
import uvicorn
from uvicorn.supervisors import Multiprocess

from cli.startup import refuse, where
from infra.keyring import MissingKeyEncryptionKey
from infra.keys import load_keys, open_keyring
from infra.private_files import LooseFile
from infra.settings import Settings

APP = "composition.asgi:make_app"
NEXT_STEP = (
    "next, in another shell: .venv/bin/leadctl clients create --agency pcg "
    '--role project_manager --name PCG > var/pm.json  (README: "A first session")'
)


class AnnouncingServer(uvicorn.Server):
    """uvicorn's server, which says where it serves once it does."""

    def __init__(self, config: uvicorn.Config, announcement: list[str]) -> None:
        super().__init__(config)
        self.announcement = announcement

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            for line in self.announcement:
                typer.echo(line)


def serve_api(settings: Settings, host: str, port: int, workers: int) -> None:
    try:
        load_keys(settings)  # generated once here, not raced by the workers
        open_keyring(settings).engine.dispose()  # the KEK too; refused if it is gone
    except (LooseFile, MissingKeyEncryptionKey) as unusable:
        refuse(str(unusable))
    listening = listen(host, port)
    url = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
    announcement = [
        f"LEAD serving on {url} (API docs {url}/docs; data {where(settings)}; stop with Ctrl-C)",
        NEXT_STEP,
    ]
    config = uvicorn.Config(
        APP,
        factory=True,
        workers=workers,
        log_level="warning",
        access_log=False,
        **forwarding(settings),
    )
    if workers == 1:
        AnnouncingServer(config, announcement).run(sockets=[listening])
        return
    for line in announcement:
        typer.echo(line.replace("serving on", f"starting {workers} workers on", 1))
    Multiprocess(config, sockets=[listening]).run()


def forwarding(settings: Settings) -> dict[str, Any]:
    """X-Forwarded-For and -Proto are believed only from the configured proxies: uvicorn's own
    default trusts loopback, which let anyone on the host choose its source address."""
    proxies = settings.trusted_proxies
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or None}


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as exc:
        listening.close()
        if exc.errno == errno.EADDRINUSE:
            refuse(
                f"{host}:{port} is already in use by another program: stop it, or serve on "
                f"another port (leadctl serve --port N, make run PORT=N)"
            )
        refuse(f"cannot listen on {host}:{port}: {exc.strerror}")
    listening.listen(2048)
    listening.set_inheritable(True)
    return listening
