"""Validates a region's newly ingested lake partitions with the GX suites, per partition in bounded chunks.

Writes GX Data Docs to <home>/runs/<D>/<REGION>/data_docs/ and the outcome to validation.json in the
same folder, then returns the outcome or, on any hard failure, raises ValidationError.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from expectations import flags
from expectations.results import PARTIAL_COUNT, ExpectationTally, merged_suite_result
from expectations.suites import DatasetSuite, suite_for
from ingestion import schemas
from partner_analytics import paths
from partner_analytics.errors import PipelineError, ValidationError

log = logging.getLogger(__name__)

# Rows handed to pandas/GX at once: a 10 M-row week is never in pandas whole.
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
    file: Path

    @property
    def is_event(self) -> bool:
        return self.column == "week_ending"

    @property
    def asset_name(self) -> str:
        # GX's filesystem stores refuse "/" in keys
        return self.relative.replace("/", ".")


def _partitions(home: Path, region: str, partitions: dict[str, list[str]]) -> list[Partition]:
    """The partitions to validate, deduplicated and in a fixed order (sorted by path)."""
    out: dict[str, Partition] = {}
    for relatives in partitions.values():
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
            file = lake / relative / "data.parquet"
            if not file.exists():
                raise PipelineError(f"validation: partition written by ingestion is missing: {file}")
            out[relative] = Partition(dataset, relative, column, day, file)
    return [out[k] for k in sorted(out)]


def _schema_problem(part: Partition) -> str | None:
    """How the partition's Parquet schema differs from the lake contract (ingestion/schemas.py), if it does."""
    actual = dict(pl.read_parquet_schema(part.file))
    expected = dict(schemas.schema(part.dataset))
    missing = [c for c in expected if c not in actual]
    wrong = [f"{c} is {actual[c]}, expected {t}" for c, t in expected.items() if c in actual and actual[c] != t]
    if not missing and not wrong:
        return None
    problems = ([f"missing columns {missing}"] if missing else []) + wrong
    return "; ".join(problems)


def _parameters(part: Partition, region: str, week_ending: dt.date) -> dict:
    """The suite parameters of one partition (see expectations.suites)."""
    import pandas as pd

    start = part.date - dt.timedelta(days=7)
    return {
        "run_week_ending": pd.Timestamp(week_ending),
        "partition_date": pd.Timestamp(part.date),
        "week_start_date": pd.Timestamp(start),
        "week_start_at": pd.Timestamp(start, tz="UTC"),
        "week_ending_at": pd.Timestamp(part.date, tz="UTC"),
        "region_set": [region],
    }


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


def _validate_partition(
    context,
    datasource,
    gx_suite,
    suite: DatasetSuite,
    part: Partition,
    run_id,
    parameters: dict,
    orgs: pl.Series | None,
    chunk_rows: int,
) -> tuple[list[ExpectationTally], int, int]:
    """Runs the whole suite once per chunk; returns the tallies summed over chunks, the rows and the chunks."""
    import great_expectations as gx

    asset = datasource.add_dataframe_asset(name=part.asset_name)
    batch_definition = asset.add_batch_definition_whole_dataframe("partition")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=part.asset_name, data=batch_definition, suite=gx_suite)
    )
    duplicates = flags.duplicate_keys(part.file, suite) if suite.unique_key else None
    # No unexpected_index_column_names: GX would build a dict per unexpected row in Python. Row
    # positions come back anyway, and the example row is looked up in the polars chunk.
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": PARTIAL_COUNT}
    lazy = pl.scan_parquet(part.file)
    rows = lazy.select(pl.len()).collect().item()
    # Tallies follow the suite's order; GX returns results in its own order, matched by expectation id.
    order = [e.id for e in gx_suite.expectations]
    tallies: dict[str, ExpectationTally] = {}
    keys_before = set(context.validation_results_store.list_keys())
    last = None
    # An empty partition still runs once, so its expectations are evaluated and documented.
    offsets = range(0, rows, chunk_rows) if rows else [0]
    for offset in offsets:
        chunk = lazy.slice(offset, chunk_rows).collect()
        chunk = flags.add_flags(chunk, suite, duplicates, orgs)
        frame = _to_pandas(chunk)
        last = definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters,
            result_format=result_format,
            run_id=run_id,
        )
        del frame
        for r in last.results:
            config = r.expectation_config
            if config.id not in tallies:
                tallies[config.id] = ExpectationTally(
                    expectation_type=config.type,
                    kwargs=dict(config.kwargs),
                    severity=str(getattr(config.severity, "value", config.severity)),
                    meta=dict(config.meta or {}),
                )
            tallies[config.id].add(r, offset, lambda i, frame=chunk: frame.row(i, named=True))
    # Every chunk stored its result under the same key; keep the partition-wide one there instead.
    merged = merged_suite_result(last, tallies)
    for key in set(context.validation_results_store.list_keys()) - keys_before:
        context.validation_results_store.set(key, merged)
    return [tallies[i] for i in order], rows, len(offsets)


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
        entry["message"] = (
            f"{part.dataset}: {tally.label} failed for {tally.unexpected_count} row(s), e.g. {entry['example']}"
        )
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


def _write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def validate_region(
    home: Path,
    region: str,
    week_ending: dt.date,
    partitions: dict[str, list[str]],
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> dict:
    """Validate the lake partitions this run ingested for one region; one outcome per region and week.

    `partitions` maps landing dataset -> partition paths relative to <home>/lake/<region>/ (partner
    datasets: relative to <home>/lake/partner/). Returns {"status": "passed"|"warned", "hard_failures": [],
    "soft_warnings": [...], "expectations_evaluated": n, "data_docs": ".../index.html"}; raises
    ValidationError (after writing Data Docs and validation.json) when a hard expectation fails."""
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be positive")
    home = Path(home)
    run_dir = paths.run_dir(home, week_ending, region)
    docs_dir = run_dir / "data_docs"
    building = run_dir / "data_docs.building"
    work = _partitions(home, region, partitions)

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    shutil.rmtree(building, ignore_errors=True)
    context = _context(building)
    datasource = context.data_sources.add_pandas(f"lake_{region}")
    # A fixed run identity (the week, not the clock) keeps Data Docs paths the same on a re-run.
    run_id = RunIdentifier(
        run_name=f"{region}_{week_ending.isoformat()}",
        run_time=dt.datetime.combine(week_ending, dt.time(0), tzinfo=dt.timezone.utc),
    )

    gx_suites: dict[str, object] = {}
    orgs_cache: dict[dt.date, pl.Series] = {}
    region_lake = paths.lake_dir(home, region)
    hard: list[dict] = []
    soft: list[dict] = []
    details: list[dict] = []
    evaluated = 0
    for part in work:
        suite = suite_for(part.dataset)
        problem = _schema_problem(part)
        if problem:
            # GX would only trip over the wrong types; the drift itself is the (one) failed check.
            evaluated += 1
            hard.append(_schema_entry(part, problem))
            details.append({"dataset": part.dataset, "partition": part.relative, "rows": None, "chunks": 0,
                            "schema_problem": problem, "results": []})
            continue
        if part.dataset not in gx_suites:
            gx_suites[part.dataset] = context.suites.add(
                gx.ExpectationSuite(name=part.dataset, expectations=suite.expectations)
            )
        orgs = None
        if suite.check_known_org:
            # Events: the customers in force at D; snapshots: those in force at their own date.
            as_of = week_ending if part.is_event else part.date
            if as_of not in orgs_cache:
                orgs_cache[as_of] = flags.known_orgs(region_lake, as_of)
            orgs = orgs_cache[as_of]
        tallies, rows, chunks = _validate_partition(
            context, datasource, gx_suites[part.dataset], suite, part, run_id,
            _parameters(part, region, week_ending), orgs, chunk_rows,
        )
        evaluated += len(tallies)
        log.info("validated %s: %s rows in %d chunk(s), %d expectations", part.relative, rows, chunks, len(tallies))
        for tally in tallies:
            if not tally.success:
                (hard if tally.is_hard else soft).append(_entry(part, tally))
        details.append({"dataset": part.dataset, "partition": part.relative, "rows": rows, "chunks": chunks,
                        "schema_problem": None, "results": [t.summary() for t in tallies]})

    context.build_data_docs(site_names=[DOCS_SITE])
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
        "soft_warnings": [
            {k: w[k] for k in ("dataset", "partition", "expectation", "unexpected_count", "example")} for w in soft
        ],
        "expectations_evaluated": evaluated,
        "data_docs": index,
    }
