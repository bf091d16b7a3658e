"""The hand-written parts of docs/DATA.md about the data model: schema versions, the
entities and how they are derived, and the history tables."""

from __future__ import annotations

from pipeline.config import LoadConfig
from pipeline.schema import SCHEMA_VERSION

VERSIONS = f"""\
## Schema version

The tables' layout has a version, `{SCHEMA_VERSION}` for these files: `schema_version` in
`datapackage.json` and in every Parquet file's schema metadata
(`pyarrow.parquet.read_schema(path).metadata[b"schema_version"]`). It changes whenever a reader
must act (a column added, dropped or renamed, a type, meaning or encoding changed), and
`CHANGELOG.md` says what to do about each version. A refresh of a newer release carries the
rows of a publish of the previous schema over (migrating them in memory) instead of parsing
every page again.
"""

ENTITIES = """\
## Entities and joins

Every key joins without cleaning: `commitments.member_slug` to `members`,
`commitments.action_plan_id` to `action_plans`, `commitment_institutions.institution_key` to
`institutions`, and every child table's `commitment_id` to `commitments`.

- **Members** are those of every commitment in the history (removed ones too:
  `live_commitments` is 0 then). `member_name` is the name the member's pages show most often
  (English pages first on a tie); a commitment whose page does not show a member name takes
  this one (`commitments.member_name_shown` is false), so `member_name` is null only when no
  page of the member names it. `member_kind` is `national` when one of the member's plan
  titles says "National Action Plan" (or its Spanish or French wording), `local` when one
  says "Local Action Plan" or "OGP Local", or a page shows the 2024 OGP Local template (T4);
  null when its pages do not say (or say both). National members' commitment IDs have two
  letters (`id_prefix`), local ones three to five on every page seen so far, but the kind is
  not inferred from that.
- **Action plans**: `action_plan_id` is the member slug and the two years of the plan's title
  (`mongolia-2016-2018`; the same plan in Spanish gets the same key), or the member slug and
  the title's words when it shows no years.
- **Institutions**: a lead, support or involved value is split where the page separates its
  parts (list items, bullets, semicolons, line breaks), and at commas only when every
  comma-separated piece names an institution: it starts with a capital letter or a digit (or
  is a brand such as "mySociety"), has at most 15 words, and contains an institution word of
  `pipeline/entities.toml` ("Ministry", "Agency", "Fundación", ...), or is an acronym
  ("CAFOD", "ARTICLE 19"), or ends with one in parentheses ("... (NMC)"). So "Department for
  Business, Innovation and Skills" stays one institution. Measured on the 37 lead, support and
  involved values of the fixtures against splits written by hand
  (`tests/transform/test_institution_split.py`): every one of the 25 institutions the comma
  rule cut out is right (precision 1.0); 49 of the 109 institutions a reader names in the 36
  values that are not bulleted lists come out exactly (recall 0.45: values the page runs
  together without any separator, or lists the rule cannot vouch for, stay whole). The value
  as shown stays on `commitments` (`lead_institution`, `support_institutions`).
  `institution_key` is the member slug, `/`, and the name in lower case without accents,
  punctuation or a leading "the" (`ghana/ministry-of-information-moi`): the same name within
  a member is one institution; two members' "Ministry of Justice" are two.
- **Member commitment lists**: each commitment page ends with its member's commitment list.
  It is stored once per member and language, from the most recently fetched page showing it
  (`source_commitment_id` and the provenance columns say which); `page_fields` keeps what
  every page showed.
"""

HISTORY = f"""\
## History

Each publish compares its commitments with the history so far and adds what changed, so the
two tables below hold everything since the first publish, whatever number of run folders is
kept (the {LoadConfig.keep_runs} newest besides the current one).

- `commitment_changes`: one row per change, with the publish that detected it (`run_id`,
  `detected_at`: the run's start). `added` (the first publish adds every commitment),
  `removed` (its page answers 404 or 410, or it is no longer published), `restored` (back
  after a removal; a `changed` row follows for each column that differs from before), and
  `changed`: one row per column of `commitments` whose value changed (not the `*_rank`
  columns, which follow their value, nor `action_plan_id`, `member_name_shown`, provenance or
  stale marks), with `old_value` and `new_value` as text (lists as JSON arrays, booleans
  `true`/`false`, dates `YYYY-MM-DD`). Only values count: a page fetched again with the same
  content, or new markup or a new parser that changes no value, adds no row. `cause` is
  `parser` when the page's body is the one the previous publish parsed and a new parser
  version reads it differently, `site` otherwise.
- `commitment_history`: every published version of every commitment (type 2 slowly changing
  dimension). `version` counts from 1; `valid_from` is the start of the run that published
  it; `valid_to` is the start of the run that replaced it, null for the current version. A
  removed commitment leaves `commitments` (which holds live commitments only) and gets a
  tombstone version (`removed` true, `removed_at` set) that repeats its last values; if it
  comes back, the tombstone is closed and a new version opens. The version valid at time `t`
  is the one with `valid_from <= t` and (`valid_to` null or `t < valid_to`).
- A run with no change adds nothing: both files stay byte-identical. The run report and the
  printed summary say what a publish changed (counts by kind and by column, first IDs);
  `ogp-pipeline diff [RUN_A] [RUN_B]` prints the changes between two publishes;
  `ogp-pipeline rebuild-history` recomputes both tables from the page bodies kept in `raw/`
  (after a parser fix), and `ogp-pipeline prune` removes the bodies no kept publish or
  history version needs.
"""
