"""Where a step runs and what memory it needed: the process and memory plumbing of `partner-analytics run`.

A *runner* runs one step function with its arguments and returns a `Ran`: the step's value and the
peak RSS of the process that ran it (None when the step ran in the caller's own process, whose peak
is everything it did before). Three runners:

- `in_process(step, *args)`: here (`--in-process`, the Airflow tasks: Airflow already gives each task
  its own process);
- `in_child(step, *args)`: a fresh spawned child, shut down after the step;
- `StageWorker()`: one spawned child reused by the steps of a stage (one per region), its high-water
  mark reset before each step so each step reports its own peak.

The peak travels in the returned `Ran`, never through shared state, so `pipeline.record_step` puts
each step's own peak in summary.json (`peak_rss_bytes`). Also here: glibc's trim setting
(`return_freed_memory_promptly`, called by every step) and the Great Expectations preload of an
in-process run. Nothing here imports a data library."""

from __future__ import annotations

import ctypes
import gc
import logging
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from partner_analytics import progress

Step = Callable[..., Any]


@dataclass(frozen=True)
class Ran:
    """A step's value and the peak RSS (bytes) of the process that ran it, None when it ran in-process.

    Deliberately not a tuple: a runner's result is never unpacked by mistake as a step's own pair."""

    value: Any
    peak_rss_bytes: int | None = None


# glibc's mallopt option and the value set (see return_freed_memory_promptly).
M_TRIM_THRESHOLD = -1
TRIM_THRESHOLD_BYTES = 64 * 1024


def return_freed_memory_promptly() -> bool:
    """Have glibc give memory back to the operating system when it is freed, not keep it for reuse.

    Each time a big mapped block is freed, glibc raises its mmap threshold (up to 32 MiB), so later big
    blocks come from the heap, where a freed one stays resident as a hole until something reuses it.
    Over one ingestion at scale m (polars, DuckDB and Arrow threads, many arenas) that crept the step's
    RSS to 1,050-1,095 MiB where its live data never needed it. Setting the trim threshold turns the
    raising off: blocks over 128 KiB stay mapped one by one and go back when freed, free heap top past
    64 KiB is trimmed; the same ingestion peaked at 900-920 MiB, in the same time. Same as
    MALLOC_TRIM_THRESHOLD_=65536 in the environment; a value set there stands. Returns whether the
    setting was applied (not where the C library has no mallopt)."""
    if os.environ.get("MALLOC_TRIM_THRESHOLD_"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))


def peak_rss() -> int:
    """This process's peak RSS in bytes: VmHWM, the high-water mark of its own memory since exec.

    Not getrusage's ru_maxrss: Linux carries a spawned child's pre-exec (forked) peak, i.e. the parent's
    RSS, into it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux; an upper bound


def reset_peak_rss() -> bool:
    """Start this process's VmHWM again from its current RSS (Linux: `5` to /proc/self/clear_refs),
    so a worker that runs several steps reports each step's own peak. False where not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def measured(step: Step, *args: Any) -> Ran:
    """Run the step here and return its value with the peak RSS of this process while it ran.

    In a reused worker the peak includes what earlier steps left resident (that is memory the step
    really needed the machine to have); where the peak cannot be reset it is the worker's peak so far."""
    reset_peak_rss()
    value = step(*args)
    peak = peak_rss()
    release_between_steps()
    return Ran(value, peak)


def release_between_steps() -> None:
    """What a finished step left for the collector is collected and the C heap's free pages given back,
    so a reused worker starts its next step as lean as it can."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def in_process(step: Step, *args: Any) -> Ran:
    """Run a step here; no peak of its own (this process's high-water mark is everything it did)."""
    return Ran(step(*args))


def in_child(step: Step, *args: Any) -> Ran:
    """Run a step in a fresh child process and return its value and peak (or raise its exception).

    Spawned, not forked: the child inherits no threads, locks or open DuckDB handles of this process,
    only the step's (picklable) arguments. A child killed mid-step (e.g. out of memory) raises
    BrokenProcessPool here, which fails the region like any other error."""
    with StageWorker() as worker:
        return worker(step, *args)


def _new_worker() -> ProcessPoolExecutor:
    context = multiprocessing.get_context("spawn")
    level = logging.getLogger().getEffectiveLevel()
    return ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=progress.child_init, initargs=(level, progress.child_channel()))


class StageWorker:
    """One spawned child process that runs steps one after the other (a stage's steps for every region).

    Called like `in_child`: `worker(step, *args)` returns a `Ran`. The child starts on the first call
    and is reused by the next; its peak RSS is reset before each step, so each `Ran` carries that
    step's own peak. When a step fails the child is shut down and the next call starts a fresh one:
    the next region never runs in a process a failure (or an out-of-memory kill, BrokenProcessPool)
    left behind. Nothing a step computes is kept in the child between steps (steps read and write the
    region's own folders only), so regions stay apart though they share the interpreter."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self.steps_run = 0

    def __call__(self, step: Step, *args: Any) -> Ran:
        if self._pool is None:
            self._pool = _new_worker()
        try:
            ran = self._pool.submit(measured, step, *args).result()
        except BaseException:
            self.close(broken=True)
            raise
        self.steps_run += 1
        return ran

    def close(self, broken: bool = False) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=broken)

    def __enter__(self) -> StageWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcess:
    """`in_process` as a context manager, in place of a StageWorker when the run is in-process."""

    def __call__(self, step: Step, *args: Any) -> Ran:
        return in_process(step, *args)

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def stage_runner(processes: bool) -> StageWorker | InProcess:
    """The runner of one stage's steps: a reused child, or this process."""
    return StageWorker() if processes else InProcess()


def preload_great_expectations() -> threading.Thread:
    """Import GX (5-10 s of pure Python) on a thread while ingestion, mostly native polars, runs."""

    def load() -> None:
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        try:
            import great_expectations  # noqa: F401
        except Exception:  # the validate step imports it again and reports any real problem
            pass

    thread = threading.Thread(target=load, name="preload-gx", daemon=True)
    thread.start()
    return thread
