"""`uvicorn composition.asgi:make_app --factory`: the production entry point (settings from the
environment)."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from composition.bootstrap import build
from infra import gc_pauses
from infra.observability import REGISTRY, configure_logging
from infra.settings import Settings


def make_app() -> FastAPI:
    settings = Settings()
    configure_logging(settings.log_level, as_json=settings.log_json)
    app = create_app(build(settings))
    gc_pauses.settle()  # the start-up heap is never walked again (infra/gc_pauses.py)
    gc_pauses.install(REGISTRY)  # the pauses of serving, not start-up's own collection
    return app
