"""`partner-analytics`: the command line (SPEC 8). Runs the same functions the DAG tasks run.

Exit codes: 0 success, 1 data or pipeline failure (reason printed), 2 bad arguments."""

from __future__ import annotations

import logging
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated

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
    from pa_base.logs import configure_logging  # light: no data library

    configure_logging(logging.INFO if verbose else logging.WARNING)


def _fail(exc: Exception) -> None:
    code = 2 if isinstance(exc, BadArgumentError) else 1
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(code)


def _fail_os(where: str, exc: OSError, verbose: bool = False) -> None:
    """A file-system error (disk full, permission, read-only, not a directory) as one line naming what
    and where, exit 1; the traceback only with -v."""
    if verbose:
        raise exc
    _fail(PipelineError(f"{where}: {exc.strerror or exc} {exc.filename or ''}".rstrip()))


Landing = Annotated[Path, typer.Option("--landing", help="Landing folder: <landing>/<REGION>/<dataset>/<file>.")]
Home = Annotated[Path, typer.Option("--home", help="Pipeline home: lake/, warehouse/, runs/, exports/.")]
WeekEnding = Annotated[str, typer.Option("--week-ending", help="Week ending D, a Sunday (YYYY-MM-DD).")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no end-of-run table on stderr (results still on stdout).")]
AsAdmin = Annotated[str | None, typer.Option("--as-admin", help="Only the customers this partner admin (email) manages, in every row and total.")]


@app.command()
def generate(
    landing: Landing,
    week_ending: WeekEnding,
    scale: Annotated[Scale, typer.Option(help="tiny (tests), xs ≈ 100 k, s ≈ 1 M, m ≈ 10 M, l ≈ 100 M call legs/week.")] = Scale.xs,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 7,
    history_weeks: Annotated[int | None, typer.Option(help="Weeks of events up to D (default 13).")] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", help="Only these region(s) (default: all four); each is identical to a full generation's.")
    ] = None,
    verbose: Verbose = False,
    quiet: Quiet = False,
) -> None:
    """Write realistic synthetic Webex landing data for every region (or the --region ones)."""
    _setup_logging(verbose and not quiet)
    try:
        d = periods.week_ending(week_ending)
        from partner_analytics.generate import generate as gen

        stats = gen(landing, d, scale=scale.value, seed=seed, history_weeks=history_weeks, regions=region)
    except PipelineError as exc:
        _fail(exc)
    typer.echo(f"generated {stats.get('legs', 0):,} call legs in {stats.get('files', 0):,} files under {landing}")


@app.command()
def run(
    landing: Landing,
    home: Home,
    week_ending: WeekEnding,
    region: Annotated[list[str] | None, typer.Option("--region", help="Region(s) to run (default: all with landing data).")] = None,
    in_process: Annotated[
        bool, typer.Option("--in-process", help="Run every step in this process (default: each step in a child process, memory returned after it).")
    ] = False,
    allow_stale: Annotated[
        bool, typer.Option("--allow-stale", help="Publish a region even when its lake has no CDR leg in W or a snapshot older than D - 7 days (SPEC 13).")
    ] = False,
    verbose: Verbose = False,
    quiet: Quiet = False,
    full_refresh: Annotated[
        bool, typer.Option("--full-refresh", help="Rebuild every leg week from the lake (default: only the weeks whose lake files changed).")
    ] = False,
) -> None:
    """Ingest -> validate -> dbt build -> export, for each region, for the week ending D."""
    _setup_logging(verbose and not quiet)
    from partner_analytics import pipeline, progress

    progress.configure(progress.QUIET if quiet else progress.AUTO)
    started = time.time()  # the end-of-run table shows this run's summaries only
    try:
        d = periods.week_ending(week_ending)
        results = pipeline.run(landing, home, d, region, processes=not in_process, allow_stale=allow_stale, full_refresh=full_refresh)
    except PipelineError as exc:
        progress.end_of_run(landing, home, week_ending, region, quiet, started)
        _fail(exc)
    except OSError as exc:  # outside any region's steps (e.g. the lock folder)
        _fail_os("run", exc, verbose)
    progress.end_of_run(landing, home, week_ending, region, quiet, started)
    for name, summary in results.items():
        typer.echo(f"{name}: {summary['status']} — summary {home / 'runs' / d.isoformat() / name / 'summary.json'}")
        docs = (summary.get("data_quality") or {}).get("data_docs")
        if docs:
            typer.echo(f"  data docs: {docs}")
        for e in summary.get("exports", []):
            typer.echo(f"  {e['path']}")


@app.command()
def pull(
    landing: Landing,
    week_ending: WeekEnding,
    region: Annotated[list[str] | None, typer.Option("--region", help="Only these region(s)' orgs (default: all).")] = None,
    what: Annotated[str, typer.Option("--what", help="all | snapshots | cdr")] = "all",
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Webex REST base URL (default https://webexapis.com, or the webex_default connection's host).")
    ] = None,
    cdr_base_url: Annotated[str, typer.Option("--cdr-base-url", help="Detailed Call History base URL.")] = "https://analytics-calling.webexapis.com",
    now: Annotated[str | None, typer.Option("--now", help="The current UTC time the feed's 30-day/5-minute rules are taken from (default: the clock).")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", help="Orgs pulled at once; also the cap of requests in flight per host.")] = 4,
    verbose: Verbose = False,
) -> None:
    """Fetch snapshots (dated D) and the missing CDR windows from the Webex APIs into the landing (SPEC 10)."""
    _setup_logging(verbose)
    from partner_analytics.pull.cli import pull_command

    try:
        lines = pull_command(landing, week_ending, region, what, base_url, cdr_base_url, now, concurrency)
    except PipelineError as exc:
        _fail(exc)
    for line in lines:
        typer.echo(line)


@app.command()
def report(
    name: Annotated[str, typer.Argument(help="A default report name, or a custom template's name with --template.")],
    home: Home,
    region: Annotated[str, typer.Option("--region", help="The region whose warehouse to export from.")],
    date_from: Annotated[str | None, typer.Option("--from", help="First day of the period (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day of the period, included (YYYY-MM-DD).")] = None,
    template: Annotated[Path | None, typer.Option("--template", help="A custom template file, or a folder of them (*.yml).")] = None,
    as_admin: AsAdmin = None,
    verbose: Verbose = False,
) -> None:
    """One report at once from a region's latest weekly warehouse: the latest week built, or [--from, --to]."""
    _setup_logging(verbose)
    from partner_analytics import reports

    try:
        written = reports.run_report(home, region, name, date_from, date_to, template, as_admin)
    except PipelineError as exc:
        _fail(exc)
    except OSError as exc:  # disk full, read-only exports folder
        _fail_os(f"{region} report", exc, verbose)
    for e in written:
        typer.echo(f"{e['path']} ({e['rows']} rows)")


@app.command()
def customers(
    home: Home,
    region: Annotated[str, typer.Option("--region", help="Region whose warehouse to read.")],
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="Trial, Subscription, Expiring Soon, License Overage, No Recent Activity, Ready for Order Setup, Suspended, Expired (repeatable: any of).",
        ),
    ] = None,
    product: Annotated[str | None, typer.Option(help="calling | meetings | messaging | other")] = None,
    managed_by: Annotated[str | None, typer.Option("--managed-by", help="partner | external-admin")] = None,
    subscription_type: Annotated[str | None, typer.Option("--subscription-type", help="subscription | trial")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Custom tag (repeatable: any of).")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV (formula-safe) to stdout instead of a table.")] = False,
    as_admin: AsAdmin = None,
) -> None:
    """Print the region's customer list (SPEC 6.3), filtered."""
    from partner_analytics.customers import list_customers

    try:
        headers, rows = list_customers(home, region, status, product, managed_by, subscription_type, tag)
        if as_admin is not None:
            from partner_analytics.customer import admin_rows

            rows = admin_rows(home, region, as_admin, headers, rows)
    except PipelineError as exc:
        _fail(exc)
    except OSError as exc:  # an unreadable warehouse or home
        _fail_os(f"{region} customers", exc)
    if as_csv:
        from exports.csvfmt import to_csv_bytes

        sys.stdout.write(to_csv_bytes(headers, rows).decode("utf-8"))
        return
    from rich.console import Console
    from rich.table import Table

    from exports.csvfmt import render

    table = Table(*headers, title=f"{region} customers ({len(rows)})")
    for row in rows:
        table.add_row(*(render(v) for v in row))
    Console().print(table)


@app.command()
def customer(
    org_id: Annotated[str, typer.Argument(help="The customer's org id.")],
    home: Home,
    region: Annotated[str, typer.Option("--region", help="Region whose warehouse to read.")],
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV (formula-safe) to stdout instead of a readable view.")] = False,
    as_admin: AsAdmin = None,
) -> None:
    """One customer (SPEC 12): header, subscriptions with license lines, orders, trials, partner admins."""
    from partner_analytics import customer as detail

    try:
        view = detail.customer_detail(home, region, org_id, as_admin)
    except PipelineError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(f"{region} customer", exc)
    if as_csv:
        sys.stdout.write(detail.to_csv(view))
    else:
        detail.print_view(view)


@app.command()
def dashboard(
    home: Home,
    region: Annotated[str, typer.Option("--region", help="Region whose live warehouse and week to draw.")],
    as_admin: AsAdmin = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the page and the CSV files it links into this folder.")] = None,
    week_ending: Annotated[str | None, typer.Option("--week-ending", help="Must be the week the warehouse holds (other weeks are refused).")] = None,
    verbose: Verbose = False,
) -> None:
    """Draw the region's dashboard page (SPEC 11) of the week its warehouse holds, or one admin's view of it."""
    _setup_logging(verbose)
    from partner_analytics.dashboard import dashboard_command

    try:
        page = dashboard_command(home, region, as_admin, out, week_ending)
    except PipelineError as exc:
        _fail(exc)
    except OSError as exc:
        _fail_os(f"{region} dashboard", exc, verbose)
    typer.echo(str(page))


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
