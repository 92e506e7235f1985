"""Validates a region's newly ingested lake partitions with the GX suites, per dataset in bounded chunks.

All the partitions of a dataset are validated together (one GX validation definition, one suite run
per chunk of at most CHUNK_ROWS rows, chunks spanning partitions); results are split back per
partition, which is how they are reported.

Writes GX Data Docs to <home>/runs/<D>/<REGION>/data_docs/ and the outcome to validation.json in the
same folder, then returns the outcome or, on any hard failure, raises ValidationError.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from expectations import flags
from expectations.results import PARTIAL_COUNT, ExpectationTally, Span, SplitTally, merged_suite_result
from expectations.suites import DatasetSuite, PartitionBounds, suite_for
from ingestion import schemas
from ingestion.lake import DATA_FILE, partition_files
from pa_base import paths
from pa_base.errors import PipelineError, ValidationError

log = logging.getLogger(__name__)

# Rows handed to pandas/GX at once: a 10 M-row week is never in pandas whole. GX's cost per suite run
# is high (it builds each expectation's metric graph anew), so fewer, larger chunks are much faster:
# at scale m, US, 250k rows took 20 s and a 905 MB peak, 125k rows 27 s and 750 MB (issue #7).
CHUNK_ROWS = 250_000
DOCS_SITE = "local"
PARTNER_LAKE_DATASETS = set(schemas.PARTNER_DATASETS)


@dataclass(frozen=True)
class Partition:
    """One lake partition written by this run's ingestion."""

    dataset: str  # lake dataset, e.g. customer_tags
    relative: str  # e.g. customer_tags/snapshot_date=2026-11-22
    column: str  # week_ending or snapshot_date
    date: dt.date
    files: tuple[Path, ...]  # data.parquet, then any files of rows added to the week later (ingestion/lake.py)
    # an event partition: the landing files (lineage `source_file`) whose rows this run validates; None: every row
    sources: frozenset[str] | None = None

    @property
    def is_event(self) -> bool:
        return self.column == "week_ending"


def _partitions(home: Path, region: str, partitions: dict[str, list[str]], new_files: dict[str, list[str] | None] | None = None) -> list[Partition]:
    """The partitions to validate, deduplicated and in a fixed order (sorted by path).

    `new_files` (landing dataset -> the landing files ingested since the data was last validated, None:
    unknown) restricts an event partition to those files' rows (`_validated_range`)."""
    out: dict[str, Partition] = {}
    for landing, relatives in partitions.items():
        known = (new_files or {}).get(landing)
        for relative in relatives:
            relative = relative.strip("/")
            dataset, _, folder = relative.partition("/")
            column, _, value = folder.partition("=")
            if dataset not in schemas.ALL_LAKE_DATASETS or column not in ("week_ending", "snapshot_date"):
                raise PipelineError(f"validation: not a lake partition path: {relative!r}")
            lake = paths.partner_lake_dir(home) if dataset in PARTNER_LAKE_DATASETS else paths.lake_dir(home, region)
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                raise PipelineError(f"validation: bad partition date in {relative!r}") from None
            files = tuple(partition_files(lake, relative))
            if not files:
                raise PipelineError(f"validation: partition written by ingestion is missing: {lake / relative / DATA_FILE}")
            sources = frozenset(known) if known is not None and column == "week_ending" else None
            if relative in out:  # named by two landing datasets: the rows of either's files, or all
                earlier = out[relative].sources
                sources = None if earlier is None or sources is None else earlier | sources
            out[relative] = Partition(dataset, relative, column, day, files, sources)
    return [out[k] for k in sorted(out)]


def _validated_range(part: Partition, total: int) -> tuple[int, int]:
    """The rows [first, stop) of a partition this run validates (SPEC 13, cost follows the new data).

    An event week reopened by late data holds the rows validated by earlier runs and this run's: only the
    rows of `part.sources` (the landing files ingested since; a ZIP member's rows name `<file>!<member>`)
    are validated - at scale m a weekly run's late CDRs reopen last week's 3.9 M rows, which were
    validated the week before. Ingestion writes a week's rows in lineage order (the week's old rows,
    then this run's: ingestion/spill.py), so they are one run of rows; when they are not (a landing file
    named before the ones already loaded), or `sources` is unknown, the whole partition is validated.
    Every expectation is a per-row check (the key's uniqueness is flagged against the whole partition),
    so the rows left out keep the results they had when they were loaded."""
    if part.sources is None:
        return 0, total
    names = pl.Series(sorted(part.sources), dtype=pl.String).implode()
    lineage = pl.col("source_file")
    found = (
        pl.scan_parquet(list(part.files))
        .select(lineage)
        .with_row_index("_row")
        .filter(lineage.is_in(names) | lineage.str.split("!").list.first().is_in(names))
        .select(pl.col("_row").min().alias("first"), pl.col("_row").max().alias("last"), pl.len().alias("rows"))
        .collect()
    )
    first, last, rows = found.row(0)
    if rows == 0:
        return 0, 0  # the week only lost rows (a key that moved to another week): nothing new to check
    if last - first + 1 == rows:
        return first, last + 1
    return 0, total


def _schema_problem(part: Partition) -> str | None:
    """How the partition's Parquet schema differs from the lake contract (ingestion/schemas.py), if it does."""
    expected = dict(schemas.schema(part.dataset))
    for file in part.files:
        actual = dict(pl.read_parquet_schema(file))
        missing = [c for c in expected if c not in actual]
        wrong = [f"{c} is {actual[c]}, expected {t}" for c, t in expected.items() if c in actual and actual[c] != t]
        if missing or wrong:
            problems = ([f"missing columns {missing}"] if missing else []) + wrong
            return "; ".join(problems) + (f" ({file.name})" if len(part.files) > 1 else "")
    return None


def _parameters(region: str, week_ending: dt.date) -> dict:
    """The suite parameters of the run, the same for every partition (see expectations.suites)."""
    import pandas as pd

    return {"run_week_ending": pd.Timestamp(week_ending), "region_set": [region]}


# pandas datetime64[ns] is what GX compares vectorised; dates as datetime64[ms] go row by row in Python.
_NS_RANGE = (dt.date(1678, 1, 1), dt.date(2262, 4, 10))


def _to_pandas(chunk: pl.DataFrame):
    """The chunk as a pandas frame GX validates quickly (dates as datetime64[ns] when they fit)."""
    casts = {}
    for name, dtype in chunk.schema.items():
        if dtype == pl.Date:
            column = chunk.get_column(name)
            low, high = column.min(), column.max()
            # out-of-range dates (e.g. 9999-12-31) stay as they are: slower, but never overflow
            if low is None or (low >= _NS_RANGE[0] and high <= _NS_RANGE[1]):
                casts[name] = pl.Datetime("ns")
    return (chunk.cast(casts) if casts else chunk).to_pandas()


def _skip_batch_fingerprint() -> None:
    """Stop GX hashing every row of every chunk it is handed (a quarter of validation's CPU time).

    GX's pandas engine stores an md5 of the whole frame ("pandas_data_fingerprint") in each batch's
    markers when the frame is under HASH_THRESHOLD bytes; nothing reads it, and a chunk's fingerprint says
    nothing about the dataset. A threshold of 0 is GX's own switch for frames too big to hash."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def _context(docs_dir: Path):
    """An ephemeral GX context whose only Data Docs site is a local folder."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    for site in list(context.list_data_docs_sites()):
        context.delete_data_docs_site(site)  # the default site points at a temporary folder
    context.add_data_docs_site(
        site_name=DOCS_SITE,
        site_config={
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        },
    )
    return context


@dataclass
class DatasetOutcome:
    """What validating one dataset's partitions gave: per partition, a tally per expectation (suite order)."""

    tallies: list[list[ExpectationTally]]  # [partition][expectation]
    rows: list[int]  # per partition: the rows validated
    chunks: int
    partition_rows: list[int]  # per partition: the rows it holds


def _checked_columns(gx_suite) -> list[str] | None:
    """The columns the suite's expectations read (GX gets only these), or None when one reads more."""
    columns: dict[str, None] = {}
    for expectation in gx_suite.expectations:
        kwargs = expectation.configuration.kwargs
        named = [kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)] + list(kwargs.get("column_list") or [])
        if not named:
            return None  # a table-level expectation: it may look at every column
        columns.update(dict.fromkeys(named))
    return list(columns)


_BETWEEN_KWARGS = ("column", "min_value", "max_value", "strict_min", "strict_max")


def _partition_view(config, bounds: PartitionBounds) -> tuple[str, dict]:
    """The (type, kwargs) an expectation is reported under for one partition (placement flags: their between)."""
    shown = (config.meta or {}).get("shown_as")
    if shown:
        # GX keeps meta with sorted keys; show the arguments in the order GX gives a between's kwargs
        kwargs = bounds.fill(shown["kwargs"])
        ordered = [k for k in _BETWEEN_KWARGS if k in kwargs] + sorted(k for k in kwargs if k not in _BETWEEN_KWARGS)
        return shown["type"], {k: kwargs[k] for k in ordered}
    return config.type, dict(config.kwargs)


def _validate_dataset(
    context,
    datasource,
    gx_suite,
    suite: DatasetSuite,
    parts: list[Partition],
    run_id,
    parameters: dict,
    orgs: list[pl.Series | None],
    chunk_rows: int,
) -> DatasetOutcome:
    """Runs the suite once per chunk of the dataset's partitions read one after another (in `parts` order).

    A chunk holds at most `chunk_rows` rows and may span partitions; the flag columns are computed per
    partition slice (its duplicates, its known orgs, its bounds) before the slices are concatenated."""
    import great_expectations as gx

    asset = datasource.add_dataframe_asset(name=suite.dataset)
    batch_definition = asset.add_batch_definition_whole_dataframe("partitions")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=suite.dataset, data=batch_definition, suite=gx_suite))
    columns = list(schemas.schema(suite.dataset))
    bounds = [PartitionBounds.of(part.date) for part in parts]
    partition_rows = [sum(pq.ParquetFile(f).metadata.num_rows for f in part.files) for part in parts]  # footers only
    # keys are checked against the whole partition, whichever of its rows are validated
    duplicates = flags.duplicate_keys([list(p.files) for p in parts], suite, sum(partition_rows)) if suite.unique_key else [None] * len(parts)
    ranges = [_validated_range(part, n) for part, n in zip(parts, partition_rows)]
    firsts = [first for first, _ in ranges]
    rows = [stop - first for first, stop in ranges]
    starts = [sum(rows[:i]) for i in range(len(parts))]
    total = sum(rows)

    def piece(i: int, offset: int, length: int) -> pl.DataFrame:
        # columns in contract order: a file with the right columns in another order still concatenates
        frame = pl.scan_parquet(list(parts[i].files)).select(columns).slice(firsts[i] + offset, length).collect()
        return flags.add_flags(frame, suite, duplicates[i], orgs[i], bounds[i])

    checked = _checked_columns(gx_suite)
    # Tallies follow the suite's order; GX returns results in its own order, matched by expectation id.
    order = [e.id for e in gx_suite.expectations]
    split: dict[str, SplitTally] = {}
    keys_before = set(context.validation_results_store.list_keys())
    last = None
    # An empty dataset still runs once, so its expectations are evaluated and documented.
    offsets = range(0, total, chunk_rows) if total else [0]
    for offset in offsets:
        stop = min(offset + chunk_rows, total)
        spans: list[Span] = []
        pieces: list[pl.DataFrame] = []
        for i, part_start in enumerate(starts):
            lo, hi = max(offset, part_start), min(stop, part_start + rows[i])
            if lo < hi:
                spans.append(Span(i, lo - offset, hi - offset, firsts[i] + lo - part_start))
                pieces.append(piece(i, lo - part_start, hi - lo))
        chunk = pl.concat(pieces) if pieces else piece(0, 0, 0)
        frame = _to_pandas(chunk.select(checked) if checked else chunk)
        # Every unexpected row listed (not just GX's first 20), so each is put down to its partition.
        # No unexpected_index_column_names: GX would build a dict per unexpected row in Python.
        result_format = {"result_format": "SUMMARY", "partial_unexpected_count": max(chunk.height, PARTIAL_COUNT)}
        last = definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters,
            result_format=result_format,
            run_id=run_id,
        )
        del frame
        for r in last.results:
            # the result's config has the run's $PARAMETERs filled in, as labels should show them
            config = r.expectation_config
            if config.id not in split:
                split[config.id] = SplitTally(config, [_partition_view(config, b) for b in bounds])
            split[config.id].add(r, offset, spans, lambda i, frame=chunk: frame.row(i, named=True))
    # Every chunk stored its result under the same key; keep the dataset-wide one there instead.
    merged = merged_suite_result(last, {i: t.dataset for i, t in split.items()})
    markers = merged.meta.get("batch_markers")
    if isinstance(markers, dict) and "ge_load_time" in markers:
        # GX stamps the batch with the clock; Data Docs show it. The run's fixed time keeps pages stable.
        markers["ge_load_time"] = run_id.run_time.strftime("%Y%m%dT%H%M%S.%fZ")
    for key in set(context.validation_results_store.list_keys()) - keys_before:
        context.validation_results_store.set(key, merged)
    tallies = [[split[e].parts[i] for e in order] for i in range(len(parts))]
    return DatasetOutcome(tallies, rows, len(offsets), partition_rows)


def _entry(part: Partition, tally: ExpectationTally) -> dict:
    """One failed expectation of one partition, as reported (validation.json, summary, error message)."""
    entry = {
        "dataset": part.dataset,
        "partition": part.relative,
        "expectation": tally.label,
        "unexpected_count": tally.unexpected_count,
        "example": tally.example(),
        "source": tally.source(),
    }
    if tally.exception is not None:
        entry["message"] = f"{part.dataset}: {tally.label} could not be evaluated: {tally.exception}"
    else:
        entry["message"] = f"{part.dataset}: {tally.label} failed for {tally.unexpected_count} row(s), e.g. {entry['example']}"
    return entry


def _schema_entry(part: Partition, problem: str) -> dict:
    return {
        "dataset": part.dataset,
        "partition": part.relative,
        "expectation": "lake schema matches ingestion/schemas.py",
        "unexpected_count": None,
        "example": problem,
        "source": None,
        "message": f"{part.dataset}: lake schema differs from ingestion/schemas.py: {problem}",
    }


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_LOGO_CLOCK = re.compile(r"(logo-long\.png)\?d=[0-9T.]+Z")


def _make_docs_deterministic(docs: Path) -> None:
    """Rewrites what GX's renderer takes from the clock and uuid4 (section ids, a logo cache-buster).

    uuids become id-1, id-2, ... in order of first appearance over the pages in path order (one
    mapping for the site, so any id shared between pages stays shared)."""
    ids: dict[str, str] = {}

    def stable(match: re.Match) -> str:
        return ids.setdefault(match.group(0), f"id-{len(ids) + 1}")

    for page in sorted(docs.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        fixed = _LOGO_CLOCK.sub(r"\1", _UUID.sub(stable, text))
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _forget_gx_context() -> None:
    """Drop GX's module-level reference to the last context `gx.get_context` built.

    GX keeps that context (with its in-memory stores: every chunk's validation results) alive until
    the next get_context replaces it. In a worker process that validates one region after another,
    the previous region's results then stayed resident through most of the next region's run: the
    validate step's peak at scale m went from ~900 MiB in a fresh process to ~1,220 MiB in a reused
    one. Forgetting it when a region is done keeps each step's peak that of a fresh process."""
    from great_expectations.data_context.data_context.context_factory import project_manager

    project_manager.set_project(None)


def validate_region(
    home: Path,
    region: str,
    week_ending: dt.date,
    partitions: dict[str, list[str]],
    *,
    chunk_rows: int = CHUNK_ROWS,
    new_files: dict[str, list[str] | None] | None = None,
) -> dict:
    """Validate the lake partitions this run ingested for one region (see _validate_region).

    Nothing of the run's GX context outlives the call, whether it passes or raises."""
    try:
        return _validate_region(home, region, week_ending, partitions, chunk_rows=chunk_rows, new_files=new_files)
    finally:
        if "great_expectations" in sys.modules:
            _forget_gx_context()  # a reused worker collects the cycles between steps (pipeline._measured)


def _validate_region(
    home: Path,
    region: str,
    week_ending: dt.date,
    partitions: dict[str, list[str]],
    *,
    chunk_rows: int,
    new_files: dict[str, list[str] | None] | None = None,
) -> dict:
    """Validate the lake partitions this run ingested for one region; one outcome per region and week.

    `partitions` maps landing dataset -> partition paths relative to <home>/lake/<region>/ (partner
    datasets: relative to <home>/lake/partner/). `new_files` maps landing dataset -> the landing files
    whose rows have not been validated yet (None or absent: every row of its partitions); an event
    partition is then validated for those rows only (`_validated_range`; validation.json gives each
    partition's `rows` validated and `partition_rows` held). Returns {"status": "passed"|"warned", "hard_failures": [],
    "soft_warnings": [...], "expectations_evaluated": n, "data_docs": ".../index.html"}; raises
    ValidationError (after writing Data Docs and validation.json) when a hard expectation fails."""
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be positive")
    home = Path(home).resolve()  # GX's Data Docs store refuses a relative folder
    run_dir = paths.run_dir(home, week_ending, region)
    docs_dir = run_dir / "data_docs"
    building = run_dir / "data_docs.building"
    work = _partitions(home, region, partitions, new_files)

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    _skip_batch_fingerprint()

    shutil.rmtree(building, ignore_errors=True)
    context = _context(building)
    datasource = context.data_sources.add_pandas(f"lake_{region}")
    # A fixed run identity (the week, not the clock) keeps Data Docs paths the same on a re-run.
    run_id = RunIdentifier(
        run_name=f"{region}_{week_ending.isoformat()}",
        run_time=dt.datetime.combine(week_ending, dt.time(0), tzinfo=dt.UTC),
    )

    parameters = _parameters(region, week_ending)
    orgs_cache: dict[dt.date, pl.Series] = {}
    region_lake = paths.lake_dir(home, region)

    def orgs_for(part: Partition, suite: DatasetSuite) -> pl.Series | None:
        if not suite.check_known_org:
            return None
        # Events: the customers in force at D; snapshots: those in force at their own date.
        as_of = week_ending if part.is_event else part.date
        if as_of not in orgs_cache:
            orgs_cache[as_of] = flags.known_orgs(region_lake, as_of)
        return orgs_cache[as_of]

    # One suite run per chunk of a dataset (not per partition): GX costs about the same per expectation
    # whatever the rows, so a run's ~150 small partitions are validated in ~15 suite runs.
    by_dataset: dict[str, list[Partition]] = {}
    for part in work:
        by_dataset.setdefault(part.dataset, []).append(part)
    outcomes: dict[str, tuple[list[ExpectationTally], int, int]] = {}  # partition -> (tallies, rows validated, rows held)
    problems: dict[str, str] = {}
    datasets: list[dict] = []
    for dataset, parts in by_dataset.items():
        suite = suite_for(dataset)
        checked = []
        for part in parts:
            problem = _schema_problem(part)
            if problem:
                # GX would only trip over the wrong types; the drift itself is the (one) failed check.
                problems[part.relative] = problem
            else:
                checked.append(part)
        if not checked:
            continue
        gx_suite = context.suites.add(gx.ExpectationSuite(name=dataset, expectations=suite.expectations))
        outcome = _validate_dataset(
            context,
            datasource,
            gx_suite,
            suite,
            checked,
            run_id,
            parameters,
            [orgs_for(part, suite) for part in checked],
            chunk_rows,
        )
        for part, tallies, rows, held in zip(checked, outcome.tallies, outcome.rows, outcome.partition_rows):
            outcomes[part.relative] = (tallies, rows, held)
        datasets.append({"dataset": dataset, "partitions": len(checked), "rows": sum(outcome.rows), "chunks": outcome.chunks})
        log.info(
            "validated %s: %d partition(s), %d rows in %d chunk(s), %d expectations",
            dataset,
            len(checked),
            sum(outcome.rows),
            outcome.chunks,
            len(gx_suite.expectations),
        )

    # Reported per partition, in partition order, expectations in suite order.
    hard: list[dict] = []
    soft: list[dict] = []
    details: list[dict] = []
    evaluated = 0
    for part in work:
        if part.relative in problems:
            problem = problems[part.relative]
            evaluated += 1
            hard.append(_schema_entry(part, problem))
            details.append(
                {"dataset": part.dataset, "partition": part.relative, "rows": None, "partition_rows": None, "schema_problem": problem, "results": []}
            )
            continue
        tallies, rows, held = outcomes[part.relative]
        evaluated += len(tallies)
        for tally in tallies:
            if not tally.success:
                (hard if tally.is_hard else soft).append(_entry(part, tally))
        details.append(
            {
                "dataset": part.dataset,
                "partition": part.relative,
                "rows": rows,
                "partition_rows": held,
                "schema_problem": None,
                "results": [t.summary() for t in tallies],
            }
        )

    context.build_data_docs(site_names=[DOCS_SITE])
    _make_docs_deterministic(building)
    shutil.rmtree(docs_dir, ignore_errors=True)
    os.replace(building, docs_dir)

    status = "failed" if hard else ("warned" if soft else "passed")
    index = str(docs_dir / "index.html")
    _write_json(
        run_dir / "validation.json",
        {
            "region": region,
            "week_ending": week_ending.isoformat(),
            "status": status,
            "expectations_evaluated": evaluated,
            "hard_failures": hard,
            "soft_warnings": soft,
            "datasets": datasets,
            "partitions": details,
            "data_docs": index,
        },
    )
    if hard:
        message = hard[0]["message"]
        if len(hard) > 1:
            message += f" (and {len(hard) - 1} more hard failure(s), see {run_dir / 'validation.json'})"
        raise ValidationError(message)
    return {
        "status": status,
        "hard_failures": [],
        "soft_warnings": [{k: w[k] for k in ("dataset", "partition", "expectation", "unexpected_count", "example")} for w in soft],
        "expectations_evaluated": evaluated,
        "data_docs": index,
    }
