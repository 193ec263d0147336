"""Exceptions as logs and operators may see them: by type and a summary that cannot carry
personal data. Driver messages quote the values they refused (`invalid input syntax: "Sam"`,
`Key (value)=(P-0001) already exists`) and SQLAlchemy appends the statement's parameters, so
no exception message is ever logged as it stands; frames (file, line, code) are kept."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import MutableMapping
from typing import Any

from sqlalchemy.exc import DBAPIError, StatementError


def error_class(exc: BaseException) -> str:
    """The driver's error class when SQLAlchemy wraps one, else the exception's own."""
    inner = getattr(exc, "orig", None) if isinstance(exc, StatementError) else None
    return type(inner if inner is not None else exc).__qualname__


def safe_summary(exc: BaseException) -> str:
    """What failed, never with what values: the class, and for database errors the SQLSTATE
    and the kind of statement."""
    summary = error_class(exc)
    inner = getattr(exc, "orig", None)
    sqlstate = getattr(inner, "sqlstate", None) or getattr(exc, "sqlstate", None)
    if sqlstate:
        summary += f" (SQLSTATE {sqlstate})"
    if isinstance(exc, DBAPIError | StatementError) and exc.statement:
        verb = exc.statement.lstrip().split(None, 1)[0].upper() if exc.statement.strip() else ""
        summary += f" in {verb}" if verb else ""
    return summary


def scrubbed_traceback(exc: BaseException) -> str:
    """The traceback with every message replaced by its safe summary (causes included)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{safe_summary(current)}")
        current = current.__cause__ or current.__context__
    return "\n\nwhich was raised while handling\n\n".join(reversed(parts))


def scrub_record(record: logging.LogRecord) -> None:
    """A log record whose traceback is scrubbed; `exc_text` is what formatters print."""
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = scrubbed_traceback(record.exc_info[1])


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


_base_factory = logging.getLogRecordFactory()


def _scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    scrub_record(record)
    return record


def install() -> None:
    """Every log record of the process, whichever library logs it (uvicorn's "Exception in
    ASGI application" included), gets a scrubbed traceback. Idempotent."""
    logging.setLogRecordFactory(_scrubbing_factory)


def structlog_exceptions(
    _: Any, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog's `format_exc_info`, scrubbed."""
    info = event.pop("exc_info", None)
    exc = info[1] if isinstance(info, tuple) else info
    if info is True:
        exc = sys.exc_info()[1]
    if isinstance(exc, BaseException):
        event["exception"] = scrubbed_traceback(exc)
    return event
