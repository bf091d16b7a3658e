"""A full disk under raw/ ends the run with exit 4 and a clear message (never a traceback),
keeps what was committed, and a rerun with space resumes. On a real size-limited file system
(a tmpfs mounted for the test) where this machine allows mounting one; otherwise the same run
in a child process under a real file size limit (RLIMIT_FSIZE), which the OS enforces the same
way for every write."""

from __future__ import annotations

import base64
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from demosite.sample import sample_pages
from pipeline.exit_codes import EXIT_NOT_PUBLISHED, EXIT_OK
from tests.loopback import Demo, demo_site, page_rows
from tests.paths import ROOT

pytestmark = pytest.mark.slow

# The child sets its limits, then runs the CLI (SIGXFSZ ignored: a write past the limit then
# fails with EFBIG instead of killing the process).
CHILD = """
import resource, signal, sys
limit = int(sys.argv[1])
if limit:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from pipeline.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _mount(point: Path, size: str, *, remount: bool = False) -> bool:
    options = f"remount,size={size}" if remount else f"size={size}"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                          capture_output=True, check=False)  # fmt: skip
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A 384 KiB tmpfs, or None where mounting is not allowed (not root, no CAP_SYS_ADMIN)."""
    point = tmp_path / "disk"
    point.mkdir()
    if not _mount(point, "384k"):
        yield None
        return
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False)


def _incompressible_pages(demo: Demo, size: int) -> None:
    noise = random.Random(8)
    for page in demo.site.pages():
        text = base64.b64encode(noise.randbytes(size)).decode()
        demo.site.change(page.commitment_id, page.html.replace("</main>", text + "</main>"))


def _extract(demo: Demo, raw: Path, file_limit: int = 0) -> subprocess.CompletedProcess[str]:
    args = ["extract", "--base-url", demo.url, "--raw-dir", str(raw), "--delay", "0",
            "--concurrency", "1", "--no-sitemaps", "--no-probe", "--no-progress"]  # fmt: skip
    command = [sys.executable, "-c", CHILD, str(file_limit), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_a_full_disk_under_raw_exits_4_with_a_message_and_a_rerun_resumes(
    small_disk: Path | None, tmp_path: Path
) -> None:
    with demo_site(sample_pages(6, member_count=1)) as demo:
        _incompressible_pages(demo, 48 * 1024)  # ~64 KB stored per page: a few fit
        if small_disk is not None:
            raw = small_disk / "raw"
            full = _extract(demo, raw)
        else:  # a limit the OS enforces on every file: no ~64 KB body may be written
            raw = tmp_path / "raw"
            full = _extract(demo, raw, file_limit=60 * 1024)
        assert full.returncode == EXIT_NOT_PUBLISHED, full.stderr[-2000:]
        assert "no space left to write under" in full.stderr and str(raw) in full.stderr
        assert "run again to resume" in full.stderr and "Traceback" not in full.stderr
        kept = [url for url, state, _ in page_rows(raw) if state == "ok"]
        assert len(kept) < 6  # what was committed before the disk filled stays
        if small_disk is not None:
            assert _mount(small_disk, "4m", remount=True)
        again = _extract(demo, raw)
    assert again.returncode == EXIT_OK, again.stderr[-2000:]
    assert [state for _, state, _ in page_rows(raw)] == ["ok"] * 6
