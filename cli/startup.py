"""What a command checks before it touches the store, each refusal one line on stderr and exit
status 2, never a traceback: settings that validate, a database that answers, and one that
`leadctl migrate` brought to the newest revision. Heavy modules are imported here, when a
command runs, so that `leadctl --help` stays fast."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from pydantic import ValidationError

    from infra.settings import Settings
    from services.container import Container

REFUSED = 2


def refuse(*lines: str) -> NoReturn:
    for line in lines:
        typer.echo(f"leadctl: {line}", err=True)
    raise typer.Exit(REFUSED)


def load_settings() -> Settings:
    from pydantic import ValidationError  # noqa: PLC0415 (see the module's docstring)

    from infra.settings import Settings  # noqa: PLC0415

    try:
        return Settings()
    except ValidationError as invalid:
        refuse(*problems(invalid))


def problems(invalid: ValidationError) -> list[str]:
    """One line per problem, naming the variable to change."""
    lines = []
    for error in invalid.errors(include_url=False, include_input=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        field = ".".join(str(part) for part in error["loc"])
        lines.append(f"LEAD_{field.upper()}: {message}" if field else message)
    return lines


def where(settings: Settings) -> str:
    """The store, as an operator names it: a file, or host:port/database (no credentials)."""
    if settings.is_sqlite:
        return str(settings.sqlite_path)
    p = settings.postgres_parts
    return f"{p['host']}:{p['port']}/{p['dbname']}"


def require_migrated(settings: Settings) -> None:
    from infra.migrations import Unreachable, revision_behind  # noqa: PLC0415

    try:
        behind = revision_behind(settings)
    except Unreachable as exc:
        refuse(f"cannot reach the database {where(settings)}: {exc}")
    if behind is not None:
        refuse(f"the database {where(settings)} is {behind}: run `leadctl migrate` first")


def open_container(settings: Settings | None = None) -> Container:
    """The service's parts, on a store checked as above."""
    from composition.bootstrap import build  # noqa: PLC0415
    from infra.keyring import MissingKeyEncryptionKey  # noqa: PLC0415
    from infra.private_files import LooseFile  # noqa: PLC0415

    settings = settings or load_settings()
    require_migrated(settings)
    try:
        return build(settings)
    except (LooseFile, MissingKeyEncryptionKey) as unusable:  # a key file loose, or gone
        refuse(str(unusable))
