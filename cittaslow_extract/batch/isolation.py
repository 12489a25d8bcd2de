"""Run a function in worker processes with a time and a memory limit per call.

concurrent.futures cannot stop a task that hangs (a PDF that makes a parser loop) and a task that
eats memory takes the whole batch down with it, so every document runs in a worker process of a
pebble.ProcessPool:

- time: pebble stops a worker whose call runs past `timeout` (SIGTERM, SIGKILL 3 s later) and
  starts a fresh one for the next call;
- crashes: pebble reports a worker that died in a call (segfault in a C library, the kernel's OOM
  killer) with its exit code, and replaces it;
- memory: pebble has no memory limit, so _limited_call (here, with memory_limit.py) lowers the
  worker's address-space limit (RLIMIT_AS) around each call to what it uses now plus `max_memory`
  bytes: an allocation past the budget raises MemoryError inside the call instead of exhausting the
  machine.  Budgeting the growth rather than the total keeps the limit meaningful whatever the
  libraries already mapped.  Linux only (elsewhere there is no per-process address-space limit);
- warm-up: pebble's initializer builds, in each new worker, the objects reused across its calls
  (vocabularies, spaCy pipelines), outside the limits and before its first call.

What is left here besides: each failure as a CallFailure with a one-line message; results in
input order; and a pool that pebble gives up on ("All workers expired": a worker died while pebble
thought it idle, after which pebble runs nothing more) replaced, its unfinished calls run once more.

Workers are started with the "forkserver" method: forked from a clean server process without
threads (the parent runs pebble's threads, progress bars, Dask), which imports the modules every
worker needs once (preload()), so a worker, and every replacement of a killed one, starts fast.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from cittaslow_extract.batch.memory_limit import memory_budget, memory_message
from cittaslow_extract.errors import ConfigError

if TYPE_CHECKING:
    import pebble


# Modules imported once in the fork server so every worker, and every replacement of a killed
# one, starts with them loaded (see preload()).  forkserver_exit: the server's quick exit; pebble:
# its worker loop, which every worker runs (about 0.08 s to import, with asyncio).
PRELOAD_MODULES = ["cittaslow_extract.batch.forkserver_exit", "pebble", "cittaslow_extract.pipeline"]
WORKER_GC_THRESHOLD = 10_000  # net new container objects between two young-generation collections
_WATCH_INTERVAL = 1.0  # seconds between two looks at whether pebble still runs the pool


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-call limits.  None means no limit."""

    timeout: float | None = 300.0  # seconds
    max_memory: int | None = 2048 * 1024 * 1024  # bytes a call may add to its worker

    @property
    def isolated(self) -> bool:
        return self.timeout is not None or self.max_memory is not None

    @classmethod
    def from_settings(cls, timeout: float, max_memory_mb: int) -> Limits:
        """The limits of `--timeout SECONDS --max-memory MB` (0: none); negative values are a
        ConfigError.

        >>> Limits.from_settings(0, 64)
        Limits(timeout=None, max_memory=67108864)
        """
        if timeout < 0 or max_memory_mb < 0:
            raise ConfigError("--timeout and --max-memory must be 0 (no limit) or more")
        return cls(timeout=timeout or None, max_memory=max_memory_mb * 1024 * 1024 if max_memory_mb else None)


NO_LIMITS = Limits(timeout=None, max_memory=None)


@dataclass(frozen=True, slots=True)
class CallFailure:
    """Why a call gave no value: the limits were hit, the worker died, or the function raised."""

    kind: Literal["timeout", "memory", "crashed", "error"]
    message: str


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    # One worker per core already: numerical libraries must not start thread pools of their own
    # (they would compete for the same cores, and the fork server must stay free of threads).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD_MODULES)
        return context
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def preload(modules: Sequence[str]) -> None:
    """Add modules for the fork server to import before it forks workers: the import cost (spaCy,
    PDF libraries: seconds) is then paid once, not once per worker.  Only takes effect before the
    first worker of this process starts; an import that fails there is ignored (the worker then
    imports it itself, and reports the error in its own call)."""
    for name in modules:
        if name not in PRELOAD_MODULES:
            PRELOAD_MODULES.append(name)


def start_server() -> None:
    """Start the fork server now, without waiting for it: it imports the preload modules (about
    0.6 s with spaCy) while the caller goes on preparing the batch, instead of when the first worker
    is asked for.  Call preload() first; later preload() calls no longer reach a running server."""
    context = _context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def can_start_workers() -> bool:
    """False inside a daemonic process (e.g. a default Dask worker), which may not have children."""
    return not multiprocessing.current_process().daemon


# --- in the worker -------------------------------------------------------------------------------


def _start_worker(warm_up: Callable[[Any], Any] | None, argument: Any) -> None:
    """pebble's initializer: runs once in each new worker, before its first call."""
    # Reading a document allocates and frees containers by the million; with the default threshold
    # the cyclic collector runs every 700 net allocations and, scanning spaCy's and our caches each
    # time it reaches the oldest generation, took about a tenth of the worker's time (0.88 s of
    # 9.3 s over 200 PDFs).  Garbage in cycles still goes, only later (at most this many objects).
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    if warm_up is not None:
        try:
            warm_up(argument)
        except Exception:  # never fail here: pebble would start the worker again and again
            pass  # the calls meet the same error and report it, one per document
    gc.freeze()  # what the imports and warm-up built lives as long as the worker: never scanned again


def _limited_call(function: Callable[[Any], Any], argument: Any, max_memory: int | None) -> Any:
    """function(argument) under the memory budget; a CallFailure for what it raised."""
    try:
        with memory_budget(max_memory):
            return function(argument)
    except MemoryError:
        return CallFailure("memory", memory_message(max_memory))
    except BaseException as exc:  # the function's own bug: report it, keep serving
        return CallFailure("error", f"{type(exc).__name__}: {exc}")


# --- in the parent -------------------------------------------------------------------------------


class _Broken:
    """A call lost with a pool that pebble stopped running: to run again on a new pool."""


_BROKEN = _Broken()


def _died(code: int | None) -> CallFailure:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (the system may have run out of memory)" if -code == signal.SIGKILL else ""
        return CallFailure("crashed", f"the worker reading it was killed by {name}{hint}")
    return CallFailure("crashed", f"the worker reading it exited unexpectedly (exit code {code})")


class _Pool:
    """`count` workers under `limits` (a pebble.ProcessPool, started on the first call)."""

    def __init__(self, count: int, limits: Limits, warm_up: Callable[[Any], Any] | None, argument: Any) -> None:
        self.count = count
        self.limits = limits
        self.initargs = (warm_up, argument)  # warm_up(argument) in each new worker
        self.pool: pebble.ProcessPool | None = None

    def _current(self) -> pebble.ProcessPool:
        if self.pool is None:
            import pebble

            self.pool = pebble.ProcessPool(
                max_workers=self.count, initializer=_start_worker, initargs=self.initargs, context=_context()
            )
        return self.pool

    def run(self, function: Callable[[Any], Any], arguments: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """(index, value or CallFailure) for every argument, in completion order."""
        pending = deque(range(len(arguments)))
        running: dict[Future[Any], tuple[int, pebble.ProcessPool]] = {}
        retried: set[int] = set()
        while pending or running:
            # A few calls queued beyond the running ones: a worker that finishes finds its next one
            # at once, and few are lost when pebble gives up on the pool.
            while pending and len(running) < 2 * self.count:
                index = pending.popleft()
                pool = self._current()
                call = (function, arguments[index], self.limits.max_memory)
                running[pool.schedule(_limited_call, args=call, timeout=self.limits.timeout)] = (index, pool)
            done, _ = wait(running, timeout=_WATCH_INTERVAL, return_when=FIRST_COMPLETED)
            outcomes = [(future, self._outcome(future)) for future in done]
            if not done:  # calls of a pool whose loops pebble has stopped would never end
                outcomes = [(f, _BROKEN) for f, (_, pool) in running.items() if pool is not self.pool or not pool.active]
            for future, value in outcomes:
                index, pool = running.pop(future)
                if isinstance(value, _Broken):
                    if pool is self.pool:
                        self.close()  # the next call starts a new pool
                    if index not in retried:
                        retried.add(index)
                        pending.appendleft(index)
                        continue
                    value = CallFailure("crashed", "the worker reading it exited unexpectedly")
                yield index, value

    def _outcome(self, future: Future[Any]) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        import pebble

        try:
            return future.result()
        except TimeoutError:  # pebble's: the call ran past its time and its worker was stopped
            return CallFailure("timeout", f"took longer than {self.limits.timeout:g} s")
        except pebble.ProcessExpired as exc:
            return _died(exc.exitcode)
        except BrokenProcessPool:
            return _BROKEN
        except Exception as exc:  # the argument or the value could not be pickled
            return CallFailure("error", f"the call could not be sent to or from the worker: {type(exc).__name__}: {exc}")

    def close(self, wait: bool = True) -> None:
        """Stop the workers, busy or not.  wait=False: the pool's threads finish stopping them in
        the background (about 0.1 s) while the caller goes on; idle workers exit at once."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        pool.stop()
        if wait:
            pool.join()
        else:
            threading.Thread(target=pool.join, name="cittaslow-pool-stop", daemon=True).start()


class IsolatedWorker:
    """One worker process that runs calls one at a time under `limits`.  Not thread-safe."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._pool: _Pool | None = None

    def call(self, function: Callable[[Any], Any], argument: Any, warm_up: Callable[[Any], Any] | None = None) -> Any:
        """function(argument) in the worker: its value, or a CallFailure.

        `warm_up(argument)`, if given, runs once in each new worker process before its first call,
        outside the time and memory limits: it builds the objects reused across calls (spaCy
        pipelines), whose one-off cost must not be charged to whichever document comes first.  The
        first call's warm_up and argument serve every later replacement of the worker.
        """
        if self._pool is None:
            self._pool = _Pool(1, self.limits, warm_up, argument)
            _register(self)
        for _, value in self._pool.run(function, [argument]):
            return value
        raise AssertionError("unreachable: one argument gives one value")

    def close(self) -> None:
        """Stop the worker now (it may be in the middle of a call)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            _unregister(self)


# Workers still alive are stopped when the parent exits, whatever path it takes.
_LIVE: set[IsolatedWorker] = set()
_LIVE_LOCK = threading.Lock()


def _register(worker: IsolatedWorker) -> None:
    with _LIVE_LOCK:
        _LIVE.add(worker)


def _unregister(worker: IsolatedWorker) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(worker)


@atexit.register
def stop_workers() -> None:
    """Stop this process's IsolatedWorkers now (map_ordered stops its own workers when it returns).

    The fork server needs no stopping: it leaves at once when this process exits
    (forkserver_exit.py)."""
    with _LIVE_LOCK:
        workers = list(_LIVE)
    for worker in workers:
        worker.close()


_THREAD_WORKERS = threading.local()


def call_isolated(
    function: Callable[[Any], Any],
    argument: Any,
    limits: Limits,
    warm_up: Callable[[Any], Any] | None = None,
) -> Any:
    """function(argument) in this thread's own IsolatedWorker (one per thread and limits)."""
    workers: dict[Limits, IsolatedWorker] = getattr(_THREAD_WORKERS, "workers", None) or {}
    _THREAD_WORKERS.workers = workers
    worker = workers.get(limits)
    if worker is None:
        worker = workers[limits] = IsolatedWorker(limits)
    return worker.call(function, argument, warm_up)


def map_ordered(
    function: Callable[[Any], Any],
    arguments: Sequence[Any],
    *,
    workers: int,
    limits: Limits,
    warm_up: Callable[[Any], Any] | None = None,
    on_done: Callable[[int, Any], None] | None = None,
) -> list[Any]:
    """[function(a) for a in arguments] over `workers` isolated workers, in input order.

    Each item is a value or a CallFailure.  `on_done(index, value)` is called, in this thread, as
    items finish (completion order).  Without limits and with one worker everything runs in this
    process.  The workers warm up with warm_up(arguments[0]).

    >>> map_ordered(abs, [-3, 2, -1], workers=2, limits=Limits(timeout=60, max_memory=None))
    [3, 2, 1]
    >>> map_ordered(abs, [-3, 2], workers=1, limits=NO_LIMITS)
    [3, 2]
    """
    results: list[Any] = [None] * len(arguments)
    if not arguments:
        return results
    if not limits.isolated and workers <= 1:
        for index, argument in enumerate(arguments):
            if warm_up is not None and index == 0:
                warm_up(argument)
            results[index] = value = function(argument)
            if on_done is not None:
                on_done(index, value)
        return results

    pool = _Pool(max(1, min(workers, len(arguments))), limits, warm_up, arguments[0])
    finished = False
    try:
        for index, value in pool.run(function, arguments):
            results[index] = value
            if on_done is not None:
                on_done(index, value)
        finished = True
    finally:
        # Ctrl-C or a failing callback: the busy workers are stopped before this returns
        pool.close(wait=not finished)
    return results
