"""The hand-written parts of docs/DATA.md; everything about tables and columns is generated
from the schema module by ``datadict``."""

from __future__ import annotations

from pipeline.config import LoadConfig

INTRO = """\
# Data dictionary

Generated from `pipeline/schema/` and the vocabularies in `pipeline/vocabulary.toml` by
`python -m pipeline data-dictionary > docs/DATA.md`. Do not edit it by hand: a test fails when
it differs from what the schema says.

Every table is published twice: as Parquet (exact types, zstd-compressed; use it when you can)
and as CSV (for spreadsheets and tools without Parquet). Both hold the same rows in the same
order.
"""

LAYOUT = f"""\
## Folder layout

```
processed/
  commitments.parquet, commitments.csv, ...   current data (links through current/)
  datapackage.json                            Frictionless descriptor of the current files
  run_report.json                             report of the run that published them
  current -> runs/<run_id>                    the published run folder
  runs/<run_id>/                              one folder per published run, never modified
  runs.parquet, runs.csv                      the runs table: every run, published or not,
                                              rewritten (atomically) as each run ends
  runs.jsonl                                  ledger the runs table is rebuilt from
  last_run_report.json                        report of the latest run, published or not,
                                              completed after publishing (load time, memory)
```

- A publish writes a complete new run folder, reads every file back, validates it, and only
  then switches `current` to it with one atomic rename. A reader never sees a half-written
  file. A run that fails or is refused (validation, shrink, a full disk or a read-only
  `processed/`: exit code 4) leaves the previous publish exactly as it was; it is still
  recorded in the runs table and `last_run_report.json`, and when the disk cannot take even
  that, the run says so on stderr.
- `processed/<table>.parquet` and the other top-level names are links through `current/`, so
  each file is always complete. Two files opened one after the other can still come from two
  runs if a publish happens in between: to read several tables from exactly one run, resolve
  `processed/current` once (`Path("processed/current").resolve()`) and open the files in
  that folder.
- The `runs` table lives outside the run folders, which never change once published; its
  `finish_reason` and `exit_code` say what each run did, and the latest row whose
  `finish_reason` is `published` or `partial` is the run `processed/current` points to.
- Besides the current one, the {LoadConfig.keep_runs} newest run folders are kept (to roll
  back or compare); older ones are removed.
- A refresh in which nothing changed leaves every data file and `datapackage.json`
  byte-identical; only the `runs` table, `run_report.json` and the ledger record the new run.
- `datapackage.json` ([Frictionless Data Package](https://specs.frictionlessdata.io/))
  describes every file of the run folder with its Table Schema (types, descriptions,
  `constraints.enum` and `categories` for closed vocabularies, `categoriesOrdered` for scales,
  primary and foreign keys), `bytes` and `hash` (`sha256:...`), and names the licences: the
  source data's is unknown (the site's pages state none: `notspecified`), the pipeline's is
  MIT. Each CSV file is a Tabular Data Resource (with `rows`) that `frictionless validate
  processed/datapackage.json` checks cell by cell. Each Parquet file is declared as a file
  resource with the same schema: frictionless reads Parquet through pandas, which turns lists
  and integer columns with nulls into other types, so it checks only its bytes and hash (the
  test suite checks the rest with pyarrow).
"""

READING = """\
## Reading the data

```python
import pandas as pd
commitments = pd.read_parquet("processed/commitments.parquet", dtype_backend="pyarrow")
```

With `dtype_backend="pyarrow"` every column's dtype is `pd.ArrowDtype` of its declared type;
without it pandas turns integer columns with nulls into floats and lists into object arrays.
`pyarrow.parquet.read_table(path)` returns the declared schema, each field's metadata holding
its `description` and, for closed vocabularies, `vocabulary` (a JSON list) and `ordered`.

### CSV conventions

- UTF-8 without a byte-order mark, comma-separated, a header row, rows ended by `\\n`.
- A field is quoted with `"` (a `"` inside is doubled) when it contains a comma, a quote or a
  line break, or is the empty string. Multi-line text stays in one quoted field.
- A null is an empty unquoted field; an empty string is `""`. (pandas' `read_csv` reads both
  as missing; pyarrow's CSV reader keeps them apart with `quoted_strings_can_be_null=False`.)
- Booleans are `true` / `false`; integers are decimal; dates are `YYYY-MM-DD`; timestamps
  are `YYYY-MM-DDTHH:MM:SS.ffffffZ`, always UTC.
- A `list<string>` cell is a JSON array of strings: `["Open Data", "Health"]`, quoted as
  any field holding a quote or a comma (`"[""Open Data"", ""Health""]"` in the file); an
  empty list is `[]` and a null list is an empty field. `json.loads` gives the list back
  exactly, whatever its elements hold.
- Text that a spreadsheet would run as a formula gets one leading `'` (OWASP's advice against
  CSV injection): a text cell starting with `=`, `+`, `@`, a tab or a carriage return, or with
  `-` followed by anything but a space or a digit (`-1` and `- item` stay as they are). So
  that the rule can be undone exactly, a text that already starts with one or more `'` before
  such a character gets one more `'`. To get the exact text back, drop the first character of
  every text cell that matches the regular expression `^'+([=+@\\t\\r]|-[^ 0-9])`; the
  Parquet files hold the text exactly, unescaped.
- Nothing in a text column looks like a number or a date to pandas' or DuckDB's type
  detection (`parser_version` is `1.0.0`, not `1`), with one exception: a text column that is
  null in every row of a file (`stale_reason` on a good night) has no text for pandas to see,
  and `pd.read_csv` reads it as float `NaN`. Read CSV columns as text
  (`pd.read_csv(path, dtype=str)`) so that nothing is guessed, and convert them as the types
  below say.

### Ordered scales

`completion`, `potential_impact`, `ambition`, `early_results` and `status` are scales (their
Values column lists them from lowest to highest). Text sorts alphabetically, and a Parquet
dictionary's order is lost in pandas' pyarrow backend and in DuckDB, so each has an integer
`*_rank` column: its place in the scale, from 1 for the lowest. Sort and compare on it:
`commitments[commitments.completion_rank >= 4]` are those at least `Substantial`;
`ORDER BY completion_rank` in DuckDB or a spreadsheet gives the scale's order. The scales are
defined once, in `pipeline/vocabulary.toml`.
"""

PROVENANCE = """\
## Provenance and stale rows

Every row of `commitments`, `page_fields`, `member_commitment_list` and `commitment_history`
ends with the columns below; the child tables (`commitment_policy_areas`,
`commitment_ogp_values`, `commitment_institutions`, `commitment_irm_reports`) carry the
commitment key and a position instead: their provenance is their commitment's. A refresh
carries the rows of unchanged pages over from the previous publish with their provenance:
`run_id` and `fetched_at` name the fetch that produced the content, not the last run that
published it. The `runs` table has one
row per run (published or not); join on `run_id`.

A bad night loses nothing: a page that could not be fetched, parsed, or whose new rows broke
a rule keeps the rows it had. `commitments.stale_since` and `stale_reason` say which rows are
not from a fresh fetch and parse of this run's page:

- `fetch failed: ...`: the last fetch of the page failed (or did not happen before the run's
  time limit); its rows come from the body kept from the last good fetch.
- `not parsed: ...`: the page could not be parsed this run (no commitment on it, its parsing
  process died twice, or it took longer than the time limit); its rows are the previous
  publish's.
- `rows failed validation: ...`: the rows parsed from the page broke a rule below (the rules
  are named); the previous publish's rows are published instead.

`stale_since` is the start of the first run since which the page has been stale, and stays the
same while it remains so; both columns are null for fresh rows. Child rows of a stale
commitment are as stale as it is. The run report lists stale pages, and the `runs` table
counts them (`pages_stale`).
"""

VALIDATION = f"""\
## Checked before every publish

Rules about rows; a page whose new rows break one is left out of the publish (its previous
rows are published instead, marked stale) and reported, and the run exits 3:

- Required columns hold no null; columns with a closed vocabulary (the Values column below)
  hold only its values (every element, for lists); each `*_rank` is its value's place in the
  scale.
- A key is not repeated within a page's rows, and every child row's `commitment_id` exists in
  `commitments`.

Rules about tables; breaking one refuses the whole publish (exit code 4):

- Every foreign key holds (a row whose key is null references nothing): the child tables and
  `page_fields` to `commitments`; `commitments` to `members` and `action_plans`;
  `commitment_institutions` to `institutions`; `action_plans`, `institutions`,
  `member_commitment_list`, `commitment_changes` and `commitment_history` to `members` (the
  history keeps removed commitments, so it does not reference `commitments`).
- Column names, order, types and nullability equal the schema's.
- A commitment ID is not claimed by two pages (the page whose URL names the ID is kept and the
  other reported, before this check).
- A result with no commitments, or with more than {LoadConfig.max_shrink_ratio:.0%} fewer
  commitments than the current publish, is not published unless the operator allows it
  (`--allow-empty`, `--allow-shrink`, `--max-shrink`).
- Every file is read back (Parquet and CSV) and compared with the table meant to be written.
"""

TEMPLATES = """\
## Page templates

`commitments.template` is the era of page layout a commitment page shows, recognised from the
labels it shows (the first matching line wins):

| Template | The page shows |
| --- | --- |
| `T4` | Inception Report, Commitment Start, Commitment End or Institutions involved (2024) |
| `T3` | Ambition |
| `T1` | Potential Impact |
| `T2` | Starred |
| `unknown` | none of these labels |
"""

MISSING_MEANINGS = {
    "pending_irm_review": "The IRM has not reviewed this yet.",
    "no_irm_data": "The page says the IRM has no data for it.",
    "no_data": "The page says there is no data.",
    "nr": "The page shows `NR` (not expanded on the page).",
    "not_relevant": "The page says it is not relevant.",
    "na": "The page shows N/A.",
    "not_attached": "The page says no document is attached.",
    "not_available": "The page says it is not available.",
    "no_early_results_yet": "The page says there are no early results to report yet.",
    "absent": "The page does not show this label at all (another template).",
    "empty": "The page shows the label with nothing after it.",
    "unrecognized": (
        "The page shows a value the vocabulary does not know yet; the run reports it, and "
        "`page_fields` keeps the text as shown."
    ),
}

PYTHON_VALUES = {
    "string": "`str`",
    "int8": "`int`",
    "int16": "`int`",
    "int32": "`int`",
    "bool": "`bool`",
    "date32[day]": "`datetime.date`",
    "timestamp[us, tz=UTC]": "`datetime.datetime` in UTC",
    "list<string>": "`list[str]`",
}

CSV_FORMS = {
    "string": "the text, quoted when needed",
    "int8": "`-12`",
    "int16": "`2024`",
    "int32": "`6500`",
    "bool": "`true` / `false`",
    "date32[day]": "`2024-02-01`",
    "timestamp[us, tz=UTC]": "`2024-02-01T09:30:00.000000Z`",
    "list<string>": 'a JSON array: `["a", "b"]`',
}
