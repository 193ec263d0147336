"""/docs as a partner on a locked-down network sees it: headless Chromium, every host but
loopback unresolvable, renders the operations from the service's own assets. The screenshot
is kept under var/test-artifacts/ (git-ignored) for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live_server import live_service

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
SHOWN = ("refer", "getParticipant", "amendPolicy", "decideOnLegalMatter", "participantHistory")


@pytest.fixture(scope="module")
def docs_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_service(tmp_path_factory.mktemp("docs"), {}) as (base, _):
        yield f"{base}/docs"


def chromium(profile: Path, *arguments: str) -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "Chromium is missing: `make test` installs it (apt-get install chromium)"
    run = subprocess.run(  # noqa: S603 (the system's browser, our own arguments)
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            OFFLINE,
            "--virtual-time-budget=20000",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_docs_render_the_operations_offline(docs_url: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path / "profile-dom", "--dump-dom", docs_url)
    assert dom.count('class="opblock ') >= 30, dom[-2000:]
    for operation_id in SHOWN:
        assert f">{operation_id}<" in dom, operation_id
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "docs.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path / "profile-shot", "--window-size=1280,2400", f"--screenshot={shot}", docs_url)
    assert shot.stat().st_size > 50_000
