"""A full disk and a read-only processed/, for real: processed/ is a size-limited tmpfs mounted
for the test (tests run as root). The previous publish stays current, the run exits 4 with a
message naming the path, and the failed run is recorded where a reader looks (the runs table,
last_run_report.json) or, when even that cannot be written, the run says so on stderr.

Where no file system can be mounted (not root), those tests are skipped and the write-layer
tests at the end stand in: the one function that opens files for writing is replaced by one
whose writes go to /dev/full (a real ENOSPC) or that refuses as a read-only file system would.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow.parquet as pq
import pytest

from pipeline import cli
from pipeline.load import layout
from tests.conftest import DemoPublish
from tests.load.helpers import reader_view

pytestmark = pytest.mark.slow

SIZE = 8 * 1024 * 1024  # room for one demo publish (~1 MB) and a second, plus the filler


def _mount(*options: str, target: Path) -> str | None:
    """Run mount(8); the error text when it fails."""
    if shutil.which("mount") is None:
        return "no mount command"
    done = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True)
    return None if done.returncode == 0 else done.stderr.strip() or f"exit {done.returncode}"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """processed/ on its own tmpfs of SIZE bytes, unmounted after the test."""
    folder = tmp_path / "processed"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the write-layer tests below stand in")
    problem = _mount("-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", target=folder)
    if problem is not None:
        pytest.skip(f"cannot mount a tmpfs here ({problem}); the write-layer tests stand in")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def transform(raw: Path, processed: Path) -> int:
    args = ["transform", "--raw-dir", str(raw), "--processed-dir", str(processed)]
    return cli.main([*args, "--workers", "1"])


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system of folder until ``leave`` bytes are free (0: until a write fails)."""
    with (folder / "filler").open("wb", buffering=0) as handle:
        if leave:
            stat = os.statvfs(folder)
            handle.write(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))
            return
        block = b"\0" * 65536
        while block:
            try:
                handle.write(block)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                block = block[: len(block) // 2]


def runs(processed: Path) -> list[dict[str, object]]:
    return pq.read_table(processed / "runs.parquet").to_pylist()


def last_report(processed: Path) -> dict[str, object]:
    return json.loads((processed / "last_run_report.json").read_text(encoding="utf-8"))


def published_state(processed: Path) -> tuple[dict[str, str], Path]:
    return reader_view(processed), (processed / "current").resolve()


def test_a_full_disk_keeps_the_previous_publish_and_records_the_failed_run(
    demo_publish: DemoPublish, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    processed = small_disk
    assert transform(demo_publish.raw, processed) == 0
    before = published_state(processed)
    fill(processed, leave=256 * 1024)  # room for the record, not for a publish
    capsys.readouterr()

    assert transform(demo_publish.raw, processed) == 4

    err = capsys.readouterr().err
    assert f"error: no space left to write {processed}/runs/" in err
    assert "No space left on device" in err and "not fully recorded" not in err
    assert published_state(processed) == before
    assert list((processed / "runs").glob("*.tmp")) == []  # the partial folder is gone
    report = last_report(processed)
    recorded = {run["run_id"]: run for run in runs(processed)}
    assert len(recorded) == 2
    failed = recorded[str(report["run_id"])]
    assert (failed["finish_reason"], failed["exit_code"]) == ("failed", 4)
    assert "no space left" in str(report["error"])
    (processed / "filler").unlink()
    assert transform(demo_publish.raw, processed) == 0  # nothing is left stuck


def test_a_disk_too_full_even_for_the_record_says_so_on_stderr(
    demo_publish: DemoPublish, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    processed = small_disk
    assert transform(demo_publish.raw, processed) == 0
    before, runs_before = published_state(processed), runs(processed)
    fill(processed)
    capsys.readouterr()

    assert transform(demo_publish.raw, processed) == 4

    err = capsys.readouterr().err
    assert "error: no space left to write" in err and str(processed) in err
    assert "warning: this run is not fully recorded in processed/" in err
    assert published_state(processed) == before
    assert runs(processed) == runs_before  # the runs table could not be rewritten


def test_a_read_only_processed_folder_keeps_the_previous_publish_and_says_so(
    demo_publish: DemoPublish, small_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    processed = small_disk
    assert transform(demo_publish.raw, processed) == 0
    before, runs_before = published_state(processed), runs(processed)
    assert _mount("-o", "remount,ro", target=processed) is None
    capsys.readouterr()

    assert transform(demo_publish.raw, processed) == 4

    err = capsys.readouterr().err
    assert f"error: cannot write {processed}/.publish.lock" in err
    assert "Read-only file system" in err
    assert "warning: this run is not fully recorded in processed/" in err
    assert published_state(processed) == before and runs(processed) == runs_before
    assert _mount("-o", "remount,rw", target=processed) is None
    assert transform(demo_publish.raw, processed) == 0
    assert len(runs(processed)) == 2


# -- where no file system can be mounted: faults at the write layer ---------------------------


def test_write_layer_no_space_left(
    demo_publish: DemoPublish,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    processed = tmp_path / "processed"
    assert transform(demo_publish.raw, processed) == 0
    before = published_state(processed)
    real_open = layout.open_for_writing

    def full_disk(path: Path, mode: str) -> BinaryIO:
        real_open(path, mode).close()  # the file is created, as on a full disk
        return Path("/dev/full").open("wb")  # its writes fail with a real ENOSPC

    monkeypatch.setattr(layout, "open_for_writing", full_disk)
    capsys.readouterr()
    assert transform(demo_publish.raw, processed) == 4
    err = capsys.readouterr().err
    assert "error: no space left to write" in err and "No space left on device" in err
    assert "warning: this run is not fully recorded in processed/" in err
    assert published_state(processed) == before
    assert list((processed / "runs").glob("*.tmp")) == []


def test_write_layer_read_only(
    demo_publish: DemoPublish,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    processed = tmp_path / "processed"
    assert transform(demo_publish.raw, processed) == 0
    before = published_state(processed)

    def read_only(path: Path, mode: str) -> BinaryIO:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(layout, "open_for_writing", read_only)
    capsys.readouterr()
    assert transform(demo_publish.raw, processed) == 4
    err = capsys.readouterr().err
    assert f"error: cannot write {processed}/runs/" in err and "Read-only file system" in err
    assert "warning: this run is not fully recorded in processed/" in err
    assert published_state(processed) == before
