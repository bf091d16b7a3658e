"""update_history on small hand-made publishes: the exact change rows and versions for an
added, changed, removed and restored commitment, causes, and nothing for a publish that
changed nothing a reader sees."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.history.update import HistoryUpdate, Publish, empty_history, update_history
from pipeline.schema import COMMITMENTS
from pipeline.tables import build_table

NIGHT = [datetime(2025, 3, day, 2, tzinfo=UTC) for day in range(1, 6)]
RUNS = [Publish(f"2025030{day}T020000Z-000{day}", NIGHT[day - 1]) for day in range(1, 6)]
FETCHED = datetime(2025, 3, 1, 2, 5, tzinfo=UTC)


def row(cid: str, **values: object) -> dict[str, object]:
    """A commitments row: nulls, a few required values, then ``values``."""
    base: dict[str, object] = dict.fromkeys(COMMITMENTS.schema.names)
    base.update(
        commitment_id=cid,
        title=f"Title of {cid}",
        member_name="Mongolia",
        member_name_shown=True,
        member_slug="mongolia",
        language="en",
        url=f"https://www.opengovpartnership.org/members/mongolia/commitments/{cid}/",
        template="T3",
        description="Old text.",
        policy_areas=["Open Data"],
        irm_reports=[],
        ogp_values=[],
        source_url=f"https://www.opengovpartnership.org/members/mongolia/commitments/{cid}/",
        fetched_at=FETCHED,
        content_sha256=cid.lower() * 10,
        parser_version="2.0.0",
        run_id=RUNS[0].run_id,
    )
    base.update(values)
    return base


def table(*rows: dict[str, object]) -> pa.Table:
    return build_table(COMMITMENTS, list(rows))


def publish(
    commitments: pa.Table, previous: pa.Table | None, before: HistoryUpdate | None, run: Publish
) -> HistoryUpdate:
    changes, history = (before.changes, before.history) if before else empty_history()
    return update_history(commitments, previous, changes, history, run)


def changes_of(update: HistoryUpdate) -> list[tuple[object, ...]]:
    names = ["run_id", "commitment_id", "change", "field", "old_value", "new_value", "cause"]
    return [tuple(r.values()) for r in update.new_changes.select(names).to_pylist()]


def versions(update: HistoryUpdate, cid: str) -> list[tuple[object, ...]]:
    rows = update.history.filter(pc.equal(update.history["commitment_id"], cid))
    names = ["version", "valid_from", "valid_to", "removed", "removed_at", "description"]
    ordered = rows.sort_by([("version", "ascending")]).select(names).to_pylist()
    return [tuple(r.values()) for r in ordered]


def test_the_first_publish_adds_every_commitment_as_version_1() -> None:
    first = publish(table(row("MN0001"), row("MN0002")), None, None, RUNS[0])
    assert changes_of(first) == [
        (RUNS[0].run_id, "MN0001", "added", None, None, None, "site"),
        (RUNS[0].run_id, "MN0002", "added", None, None, None, "site"),
    ]
    assert versions(first, "MN0001") == [(1, NIGHT[0], None, False, None, "Old text.")]
    assert first.changes.num_rows == 2 and first.history.num_rows == 2


def test_a_publish_that_changes_no_value_adds_nothing() -> None:
    one = table(row("MN0001"))
    first = publish(one, None, None, RUNS[0])
    # A new body that reads the same (new markup), a new parser version, another fetch: no row.
    again = table(
        row("MN0001", content_sha256="f" * 64, parser_version="2.1.0", run_id=RUNS[1].run_id,
            stale_since=NIGHT[1], stale_reason="fetch failed: HTTP 503")
    )  # fmt: skip
    second = publish(again, one, first, RUNS[1])
    assert second.new_changes.num_rows == 0
    assert second.history is first.history and second.changes is first.changes


def test_a_changed_value_closes_the_version_and_records_one_row_per_column() -> None:
    one = table(row("MN0001"), row("MN0002"))
    first = publish(one, None, None, RUNS[0])
    edited = table(
        row("MN0001", description="New text.", irm_reports=["Mongolia Design Report 2021-2023"],
            status="Complete", status_missing=None, content_sha256="a" * 64),
        row("MN0002"),
    )  # fmt: skip
    second = publish(edited, one, first, RUNS[1])
    assert changes_of(second) == [
        (RUNS[1].run_id, "MN0001", "changed", "description", "Old text.", "New text.", "site"),
        (RUNS[1].run_id, "MN0001", "changed", "irm_reports", "[]",
         '["Mongolia Design Report 2021-2023"]', "site"),
        (RUNS[1].run_id, "MN0001", "changed", "status", None, "Complete", "site"),
    ]  # fmt: skip
    assert versions(second, "MN0001") == [
        (1, NIGHT[0], NIGHT[1], False, None, "Old text."),
        (2, NIGHT[1], None, False, None, "New text."),
    ]
    assert versions(second, "MN0002") == [(1, NIGHT[0], None, False, None, "Old text.")]
    assert second.changes.num_rows == 5


def test_the_same_body_read_differently_by_a_new_parser_is_caused_by_the_parser() -> None:
    one = table(row("MN0001"), row("MN0002"))
    first = publish(one, None, None, RUNS[0])
    reparsed = table(
        row("MN0001", description="Old text, read whole.", parser_version="2.1.0"),
        row("MN0002", description="Edited on the site.", parser_version="2.1.0",
            content_sha256="b" * 64),
    )  # fmt: skip
    second = publish(reparsed, one, first, RUNS[1])
    assert [(c[1], c[6]) for c in changes_of(second)] == [("MN0001", "parser"), ("MN0002", "site")]


def test_a_removed_commitment_gets_a_tombstone_and_a_restored_one_a_new_version() -> None:
    both = table(row("MN0001"), row("MN0002"))
    first = publish(both, None, None, RUNS[0])
    only = table(row("MN0001"))
    second = publish(only, both, first, RUNS[1])
    assert changes_of(second) == [(RUNS[1].run_id, "MN0002", "removed", None, None, None, "site")]
    assert versions(second, "MN0002") == [
        (1, NIGHT[0], NIGHT[1], False, None, "Old text."),
        (2, NIGHT[1], None, True, NIGHT[1], "Old text."),  # the last values, removed
    ]
    third = publish(only, only, second, RUNS[2])  # still gone: nothing more
    assert third.new_changes.num_rows == 0
    back = table(row("MN0001"), row("MN0002", description="Back, edited."))
    fourth = publish(back, only, third, RUNS[3])
    assert changes_of(fourth) == [
        (RUNS[3].run_id, "MN0002", "changed", "description", "Old text.", "Back, edited.", "site"),
        (RUNS[3].run_id, "MN0002", "restored", None, None, None, "site"),
    ]
    assert versions(fourth, "MN0002") == [
        (1, NIGHT[0], NIGHT[1], False, None, "Old text."),
        (2, NIGHT[1], NIGHT[3], True, NIGHT[1], "Old text."),
        (3, NIGHT[3], None, False, None, "Back, edited."),
    ]
    assert fourth.changes.num_rows == 5  # 2 added, 1 removed, 1 changed, 1 restored


def test_history_rows_keep_the_provenance_of_the_content_that_first_showed_them() -> None:
    one = table(row("MN0001"))
    first = publish(one, None, None, RUNS[0])
    rebodied = table(row("MN0001", content_sha256="c" * 64, run_id=RUNS[1].run_id))
    second = publish(rebodied, one, first, RUNS[1])
    (version,) = second.history.to_pylist()
    assert (version["content_sha256"], version["run_id"]) == ("mn0001" * 10, RUNS[0].run_id)
