"""One `partner-analytics run` of the end-to-end landing set with the SPEC 12 customers and partner admins
(tests/e2e/test_customer_exports.py: US has 5 customers at D, zoe manages 2 of them; D = 2026-11-22),
whose export step renders the dashboard; a headless Chromium (Debian's, driven by Playwright) to open it."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for the e2e landing set
from e2e.conftest import CLI, D_ISO, REPO, D, run_cli  # noqa: E402
from e2e.test_customer_exports import build_customer_landing  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


class DashboardRun:
    def __init__(self, home: Path, proc):
        self.home, self.proc = home, proc

    def require_success(self) -> None:
        if self.proc.returncode != 0:
            pytest.fail(f"partner-analytics run exited {self.proc.returncode}\n{self.proc.stderr[-6000:]}", pytrace=False)

    def page(self, region: str = "US") -> Path:
        return self.home / "dashboard" / region / f"{D_ISO}.html"

    def csv(self, name: str, region: str = "US", folder: Path | None = None) -> tuple[list[str], list[list[str]]]:
        pattern = re.compile(rf"^{re.escape(name)}_[0-9a-f]{{8}}_{D_ISO}\.csv$")
        [path] = [p for p in (folder or self.home / "exports" / region).glob("*.csv") if pattern.match(p.name)]
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        return rows[0], rows[1:]


@pytest.fixture(scope="session")
def dashboard_run(tmp_path_factory) -> DashboardRun:
    base = tmp_path_factory.mktemp("dashboard")
    landing = build_customer_landing(base / "landing")
    home = base / "home"
    run = DashboardRun(home, run_cli(landing, home))
    run.require_success()
    return run


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run installs it)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    """`partner-analytics ARGS --home HOME` as a user types it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PA_")}
    return subprocess.run([str(CLI), *args, "--home", str(home)], capture_output=True, text=True, env=env, cwd=str(REPO), timeout=900)


__all__ = ["D", "D_ISO", "cli"]
