"""The agencies the site knows, as the use cases see them: a look-up, checked in one way."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from domain.policy import check_agencies_known

KnownAgencies = Callable[[Iterable[str]], frozenset[str]]  # those of these that are registered


def check_known(known: KnownAgencies, named: Iterable[str], field: str) -> None:
    """422 naming the first agency no client is registered for."""
    wanted = frozenset(named)
    if wanted:
        check_agencies_known(wanted, known(wanted), field)
