"""The hand-written parts of docs/DATA.md; everything about tables and columns is generated
from the schema module by ``datadict``."""

from __future__ import annotations

from pipeline.config import LoadConfig

INTRO = """\
# Data dictionary

Generated from `pipeline/schema.py` and the vocabularies in `pipeline/vocabulary.toml` by
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
  runs.jsonl                                  ledger: one line per run, published or not
  last_run_report.json                        report of the latest run, published or not,
                                              completed after publishing (load time, memory)
```

- A publish writes a complete new run folder, reads every file back, validates it, and only
  then switches `current` to it with one atomic rename. A reader never sees a half-written
  file. A run that fails or is refused leaves the previous publish exactly as it was.
- `processed/<table>.parquet` and the other top-level names are links through `current/`, so
  each file is always complete. Two files opened one after the other can still come from two
  runs if a publish happens in between: to read several tables from exactly one run, resolve
  `processed/current` once (`Path("processed/current").resolve()`) and open the files in
  that folder.
- Besides the current one, the {LoadConfig.keep_runs} newest run folders are kept (to roll
  back or compare); older ones are removed.
- A refresh in which nothing changed leaves every data file and `datapackage.json`
  byte-identical; only the `runs` table, `run_report.json` and the ledger record the new run.
- `datapackage.json` ([Frictionless Tabular Data Package](https://specs.frictionlessdata.io/))
  lists every file with its Table Schema (types, descriptions, `constraints.enum` for closed
  vocabularies, primary and foreign keys), `bytes`, `hash` (`sha256:...`) and `rows`. The
  `runs` files are described by schema only, as they change at every run.
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
- Read CSV columns as text (`pd.read_csv(path, dtype=str)`) so that nothing is guessed, and
  convert them as the types below say.
"""

PROVENANCE = """\
## Provenance

Every row of a data table ends with the columns below. A refresh carries the rows of unchanged
pages over from the previous publish with their provenance: `run_id` and `fetched_at` name the
fetch that produced the content, not the last run that published it. The `runs` table has one
row per run (published or not); join on `run_id`.
"""

VALIDATION = f"""\
## Checked before every publish

- Column names, order, types and nullability equal the schema's.
- Primary keys are unique; required columns hold no null.
- Columns with a closed vocabulary (the Values column below) hold only its values (every
  element, for lists).
- Every child row's `commitment_id` exists in `commitments`.
- Every file is read back (Parquet and CSV) and compared with the table meant to be written.
- A result with no commitments, or with more than {LoadConfig.max_shrink_ratio:.0%} fewer
  commitments than the current publish, is not published unless the operator allows it
  (`--allow-empty`, `--allow-shrink`, `--max-shrink`).
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
