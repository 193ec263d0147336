"""The house's layers, read from the imports: each package imports only the ones below it, so
the composition root sits on top of what it builds and nothing below reaches up to it; the
domain imports nothing but the standard library and `eventsourcing.domain`."""

from __future__ import annotations

import ast
import sys
from functools import cache
from itertools import product
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
# Bottom to top; a package may import any package listed before it.
LAYERS = (
    "domain",
    "infra",
    "projections",
    "services",
    "api",
    "composition",
    "seeding",
    "cli",
    "bench",
    "reliability",
)
FORBIDDEN = [
    (low, high) for low, high in product(LAYERS, LAYERS) if LAYERS.index(low) < LAYERS.index(high)
]


@cache
def imports_of(package: str) -> dict[str, frozenset[str]]:
    """Each module of the package and the absolute module names it imports (anywhere in it)."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = frozenset(names)
    return found


def test_the_layers_name_every_package_of_the_repository() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(LAYERS)
    assert len(FORBIDDEN) == 45


@pytest.mark.parametrize(("low", "high"), FORBIDDEN)
def test_no_package_imports_one_above_it(low: str, high: str) -> None:
    upward = {
        module: sorted(n for n in names if n.split(".")[0] == high)
        for module, names in imports_of(low).items()
    }
    assert {module: names for module, names in upward.items() if names} == {}


def test_the_domain_imports_only_the_standard_library_and_eventsourcing_domain() -> None:
    allowed = sys.stdlib_module_names | {"domain"}
    impure = {
        module: sorted(
            n for n in names if n.split(".")[0] not in allowed and n != "eventsourcing.domain"
        )
        for module, names in imports_of("domain").items()
    }
    assert {module: names for module, names in impure.items() if names} == {}
