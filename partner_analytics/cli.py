"""`partner-analytics`: the command line (SPEC 8). Runs the same functions the DAG tasks run.

Exit codes: 0 success, 1 data or pipeline failure (reason printed), 2 bad arguments."""

from __future__ import annotations

import logging
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from partner_analytics import periods
from partner_analytics.errors import BadArgumentError, PipelineError

app = typer.Typer(
    name="partner-analytics",
    help="Webex partner analytics: generate sample data, run the weekly pipeline, export reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Scale(str, Enum):
    tiny = "tiny"
    xs = "xs"
    s = "s"
    m = "m"
    l = "l"  # noqa: E741


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("great_expectations", "dbt", "airflow"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _fail(exc: Exception) -> None:
    code = 2 if isinstance(exc, BadArgumentError) else 1
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(code)


Landing = Annotated[Path, typer.Option("--landing", help="Landing folder: <landing>/<REGION>/<dataset>/<file>.")]
Home = Annotated[Path, typer.Option("--home", help="Pipeline home: lake/, warehouse/, runs/, exports/.")]
WeekEnding = Annotated[str, typer.Option("--week-ending", help="Week ending D, a Sunday (YYYY-MM-DD).")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")]


@app.command()
def generate(
    landing: Landing,
    week_ending: WeekEnding,
    scale: Annotated[Scale, typer.Option(help="tiny (tests), xs ≈ 100 k, s ≈ 1 M, m ≈ 10 M, l ≈ 100 M call legs/week.")] = Scale.xs,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 7,
    history_weeks: Annotated[Optional[int], typer.Option(help="Weeks of events up to D (default 13).")] = None,
    verbose: Verbose = False,
) -> None:
    """Write realistic synthetic Webex landing data for every region."""
    _setup_logging(verbose)
    try:
        d = periods.week_ending(week_ending)
        from partner_analytics.generate import generate as gen

        stats = gen(landing, d, scale=scale.value, seed=seed, history_weeks=history_weeks)
    except PipelineError as exc:
        _fail(exc)
    typer.echo(f"generated {stats.get('legs', 0):,} call legs in {stats.get('files', 0):,} files under {landing}")


@app.command()
def run(
    landing: Landing,
    home: Home,
    week_ending: WeekEnding,
    region: Annotated[Optional[list[str]], typer.Option("--region", help="Region(s) to run (default: all with landing data).")] = None,
    verbose: Verbose = False,
) -> None:
    """Ingest -> validate -> dbt build -> export, for each region, for the week ending D."""
    _setup_logging(verbose)
    from partner_analytics import pipeline

    try:
        d = periods.week_ending(week_ending)
        results = pipeline.run(landing, home, d, region)
    except PipelineError as exc:
        _fail(exc)
    for name, summary in results.items():
        typer.echo(f"{name}: {summary['status']} — summary {home / 'runs' / d.isoformat() / name / 'summary.json'}")
        docs = (summary.get("data_quality") or {}).get("data_docs")
        if docs:
            typer.echo(f"  data docs: {docs}")
        for e in summary.get("exports", []):
            typer.echo(f"  {e['path']}")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
