"""One result per test, the table and `var/reliability/latest.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import ROOT
from reliability.invariants import Findings

RESULTS = ROOT / "var" / "reliability" / "latest.json"


@dataclass
class Result:
    name: str
    runs: int
    findings: Findings
    expected_to_fail: bool = False  # a negative control: it passes when it catches a failure
    seconds: float = 0.0
    error: str | None = None  # the test itself could not run to its end
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        f = self.findings
        if self.error is not None:
            return False
        if self.expected_to_fail:
            return f.lost + f.duplicated > 0
        return f.lost == f.duplicated == f.violations == 0

    def to_json(self) -> dict[str, Any]:
        f = self.findings
        return {
            "name": self.name,
            "runs": self.runs,
            "acked": f.acked,
            "lost": f.lost,
            "duplicated": f.duplicated,
            "violations": f.violations,
            "pass": self.passed,
            "expected": "fail" if self.expected_to_fail else "hold",
            "seconds": round(self.seconds, 1),
            "error": self.error,
            "notes": (f.notes + self.notes)[:20],
        }


def write_results(results: list[Result], path: Path = RESULTS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([r.to_json() for r in results], indent=2) + "\n")
    return path


def table(results: list[Result]) -> str:
    head = (
        f"{'test':<44} {'runs':>5} {'acked':>7} {'lost':>5} {'dup':>5} {'viol':>5}  {'s':>6}"
        "  result"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        f = r.findings
        verdict = "PASS" if r.passed else "FAIL"
        if r.expected_to_fail:
            verdict += " (negative control: must catch a failure)"
        if r.error:
            verdict += f" — {r.error}"
        lines.append(
            f"{r.name:<44} {r.runs:>5} {f.acked:>7} {f.lost:>5} {f.duplicated:>5} "
            f"{f.violations:>5}  {r.seconds:>6.1f}  {verdict}"
        )
    return "\n".join(lines)
