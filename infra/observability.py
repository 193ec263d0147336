"""Structured JSON logs (structlog) and Prometheus metrics (prometheus-client)."""

from __future__ import annotations

import logging
import sys

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from infra import scrub

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "lead_http_requests_total", "HTTP requests", ["method", "route", "status"], registry=REGISTRY
)
LATENCY = Histogram(
    "lead_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    registry=REGISTRY,
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_WRITTEN = Counter(
    "lead_events_written_total", "Events written to the store", registry=REGISTRY
)
HEAD_POSITION = Gauge(
    "lead_store_head_position", "Global position of the newest event", registry=REGISTRY
)
QUARANTINED = Counter(
    "lead_projection_quarantined_total",
    "Events a projection could not apply and set aside",
    ["projection"],
    registry=REGISTRY,
)
QUARANTINE_SIZE = Gauge(
    "lead_projection_quarantine_entries",
    "Events set aside and not yet re-applied, per projection",
    ["projection"],
    registry=REGISTRY,
)
ITEMS_SET_ASIDE = Counter(
    "lead_items_set_aside_total",
    "Items a worker or the notification log failed on for good and passed over",
    ["where"],
    registry=REGISTRY,
)
PROJECTION_LAG = Gauge(
    "lead_projection_lag_events",
    "Events not yet applied, per projection",
    ["projection"],
    registry=REGISTRY,
)

# Webhooks (issue 17), per subscription: deliveries acknowledged, failed attempts, and the
# lag from an event's commit to the receiver's 2xx (seconds) and in positions behind the head.
WEBHOOK_DELIVERIES = Counter(
    "lead_webhook_deliveries_total",
    "Notifications a receiver acknowledged (2xx)",
    ["subscription"],
    registry=REGISTRY,
)
WEBHOOK_FAILURES = Counter(
    "lead_webhook_failures_total",
    "Delivery attempts that failed (non-2xx, timeout, refused)",
    ["subscription"],
    registry=REGISTRY,
)
WEBHOOK_LAG = Histogram(
    "lead_webhook_lag_seconds",
    "From the event's commit to the receiver's 2xx",
    ["subscription"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 60, 600, 3600),
    registry=REGISTRY,
)
WEBHOOK_POSITION_LAG = Gauge(
    "lead_webhook_position_lag",
    "Events between the store's head and the subscription's position",
    ["subscription"],
    registry=REGISTRY,
)


def configure_logging(level: str, *, as_json: bool) -> None:
    scrub.install()
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level.upper())
    # Alembic's INFO ("setup plugin …" on import, "Context impl …" on every revision check) was
    # the only plain-text chatter in a long-running command's JSON log, nine lines per start.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            scrub.structlog_exceptions,  # never format_exc_info: messages carry values
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )
