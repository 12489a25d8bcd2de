"""Run a function in a long-lived child process with a time and a memory limit per call.

concurrent.futures cannot stop a task that hangs (a PDF that makes a parser loop) and a task that
eats memory takes the whole batch down with it, so every document runs in a worker process of its
own (an IsolatedWorker):

- time: the caller waits at most `timeout` seconds for the answer; past that the worker is killed
  (SIGKILL) and a fresh one is started for the next call;
- memory: around each call the worker lowers its own address-space limit (RLIMIT_AS) to what it
  uses now plus `max_memory` bytes, so an allocation past the budget raises MemoryError inside
  the call instead of exhausting the machine; the limit is lifted again after the call.  Budgeting
  the growth rather than the total keeps the limit meaningful whatever the libraries already
  mapped.  Linux only (elsewhere there is no per-process address-space limit to rely on);
- crashes: a worker that dies (segfault in a C library, the kernel's OOM killer) is reported as a
  failure of that call, and replaced.

A worker is reused across calls, so costly objects its function builds (vocabularies, spaCy
pipelines) are built once per worker.  Workers are started with the "forkserver" method: forked
from a clean server process without threads, so they start fast and safely even when the parent
runs threads (progress bars, Dask).
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal

try:  # POSIX only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

# Modules imported once in the fork server so every worker, and every replacement of a killed
# one, starts with them loaded (see preload()).
PRELOAD_MODULES = ["cittaslow_extract.pipeline"]
WARM_UP_TIMEOUT = 600.0  # seconds for a new worker to build its objects (spaCy import and pipelines)
WORKER_GC_THRESHOLD = 10_000  # net new container objects between two young-generation collections


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-call limits.  None means no limit."""

    timeout: float | None = 300.0  # seconds
    max_memory: int | None = 2048 * 1024 * 1024  # bytes a call may add to its worker

    @property
    def isolated(self) -> bool:
        return self.timeout is not None or self.max_memory is not None


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


def stop_server() -> None:
    """Stop this process's workers and its fork server, at once.

    Left to itself the fork server stops when this process exits, and then tears down its
    interpreter module by module (spaCy, PDF libraries: about 0.3 s) while still holding this
    process's stdout and stderr open, so a caller that reads our output to the end (a pipe,
    subprocess.run(capture_output=True), a CI log) waits for that too.  The server keeps no state:
    SIGTERM (which it does not handle) ends it straight away, and the next start_server() or
    worker starts a new one.
    """
    close_all()
    # The server's pid and _stop() are private to multiprocessing (_stop: "used by unit tests");
    # without them the server stops on its own, only later.
    server = getattr(sys.modules.get("multiprocessing.forkserver"), "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    stop = getattr(server, "_stop", None)
    if stop is not None:
        try:
            stop()  # reaps it and forgets it, so that the next worker starts a new server
        except OSError:  # already reaped elsewhere: nothing left to stop
            pass


def can_start_workers() -> bool:
    """False inside a daemonic process (e.g. a default Dask worker), which may not have children."""
    return not multiprocessing.current_process().daemon


class IsolatedWorker:
    """One child process that runs calls one at a time under `limits`.  Not thread-safe."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._process: Any = None
        self._conn: Connection | None = None

    def call(self, function: Callable[[Any], Any], argument: Any, warm_up: Callable[[Any], Any] | None = None) -> Any:
        """function(argument) in the worker: its value, or a CallFailure.

        `warm_up(argument)`, if given, runs once in each new worker process before its first call,
        outside the time and memory limits: it builds the objects reused across calls (spaCy
        pipelines), whose one-off cost must not be charged to whichever document comes first.
        """
        if self._process is None or not self._process.is_alive():
            self._start()
            if warm_up is not None:
                answer = self._exchange(("warm", warm_up, argument), WARM_UP_TIMEOUT)
                if isinstance(answer, CallFailure) and answer.kind in ("timeout", "crashed"):
                    return answer
        return self._exchange(("call", function, argument), self.limits.timeout)

    def _exchange(self, message: tuple[str, Any, Any], timeout: float | None) -> Any:
        assert self._conn is not None
        try:
            self._conn.send(message)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            return self._died()
        if not self._conn.poll(timeout):
            self.close()
            return CallFailure("timeout", f"took longer than {timeout:g} s")
        try:
            status, payload = self._conn.recv()
        except (EOFError, ConnectionResetError, OSError):
            return self._died()
        if status == "ok":
            return payload
        return CallFailure(status, payload)

    def _start(self) -> None:
        context = _context()
        parent_end, child_end = context.Pipe(duplex=True)
        self._process = context.Process(
            target=_serve,
            args=(child_end, self.limits.max_memory),
            name="cittaslow-worker",
            daemon=True,
        )
        try:
            self._process.start()
        except BaseException:
            self._process = None
            parent_end.close()
            raise
        finally:
            child_end.close()  # so the parent sees EOF when the child dies
        self._conn = parent_end
        _register(self)

    def _died(self) -> CallFailure:
        process = self._process
        code = None
        if process is not None:
            process.join(timeout=5)
            code = process.exitcode
        self.close()
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            hint = " (the system may have run out of memory)" if -code == signal.SIGKILL else ""
            return CallFailure("crashed", f"the worker reading it was killed by {name}{hint}")
        return CallFailure("crashed", f"the worker reading it exited unexpectedly (exit code {code})")

    def kill(self) -> None:
        """Kill the process only (safe from another thread: the caller's pipe then reads EOF)."""
        process = self._process
        if process is not None and process.is_alive():
            process.kill()

    def close(self) -> None:
        """Stop the worker now (it may be in the middle of a call)."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(timeout=10)
            _unregister(self)


def _serve(conn: Connection, max_memory: int | None) -> None:
    """Worker loop: receive (kind, function, argument), answer (status, payload)."""
    # Ctrl-C reaches the whole process group; the parent decides, and stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Reading a document allocates and frees containers by the million; with the default threshold
    # the cyclic collector runs every 700 net allocations and, scanning spaCy's and our caches each
    # time it reaches the oldest generation, took about a tenth of the worker's time (0.88 s of
    # 9.3 s over 200 PDFs).  Garbage in
    # cycles still goes, only later (at most this many objects of it).
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    while True:
        try:
            kind, function, argument = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        answer: tuple[str, Any]
        try:
            if kind == "warm":
                function(argument)
                value = None
                gc.freeze()  # what warm-up built lives as long as the worker: never scanned again
            else:
                with _memory_budget(max_memory):
                    value = function(argument)
            answer = ("ok", value)
        except MemoryError:
            answer = ("memory", _memory_message(max_memory))
        except BaseException as exc:  # the function's own bug: report it, keep serving
            answer = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except (BrokenPipeError, EOFError, OSError):
            return
        except Exception as exc:  # the value could not be pickled
            conn.send(("error", f"the result could not be sent back: {type(exc).__name__}: {exc}"))


def _memory_message(max_memory: int | None) -> str:
    if max_memory is None:
        return "ran out of memory"
    return f"needed more than {max_memory // (1024 * 1024)} MB of memory"


class _memory_budget:
    """Context manager: RLIMIT_AS = current address space + budget, restored on exit."""

    def __init__(self, budget: int | None) -> None:
        self.budget = budget
        self.saved: tuple[int, int] | None = None

    def __enter__(self) -> None:
        if self.budget is None or resource is None:
            return
        used = _address_space()
        if used is None:
            return
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + self.budget
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        self.saved = (soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            resource.setrlimit(resource.RLIMIT_AS, self.saved)


def _address_space() -> int | None:
    """Bytes of address space the process maps now (Linux /proc), or None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


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
def close_all() -> None:
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

    Each item is a value or a CallFailure.  `on_done(index, value)` is called as items finish
    (completion order, from worker threads, one call at a time).  Without limits and with one
    worker everything runs in this process.

    >>> map_ordered(abs, [-3, 2, -1], workers=2, limits=Limits(timeout=60, max_memory=None))
    [3, 2, 1]
    >>> map_ordered(abs, [-3, 2], workers=1, limits=NO_LIMITS)
    [3, 2]
    """
    results: list[Any] = [None] * len(arguments)
    lock = threading.Lock()

    def finish(index: int, value: Any) -> None:
        results[index] = value
        if on_done is not None:
            with lock:
                on_done(index, value)

    if not arguments:
        return results
    if not limits.isolated and workers <= 1:
        for index, argument in enumerate(arguments):
            if warm_up is not None and index == 0:
                warm_up(argument)
            finish(index, function(argument))
        return results

    from concurrent.futures import ThreadPoolExecutor

    # Each thread drives one worker process: the threads only wait on pipes, the work is elsewhere.
    own: list[IsolatedWorker] = []
    next_index = iter(range(len(arguments)))
    index_lock = threading.Lock()
    stopping = threading.Event()

    def drive() -> None:
        worker = IsolatedWorker(limits)
        with index_lock:
            own.append(worker)
        try:
            while not stopping.is_set():
                with index_lock:
                    index = next(next_index, None)
                if index is None:
                    return
                value = worker.call(function, arguments[index], warm_up)
                if not stopping.is_set():
                    finish(index, value)
        finally:
            worker.close()

    count = max(1, min(workers, len(arguments)))
    pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="cittaslow-driver")
    try:
        futures = [pool.submit(drive) for _ in range(count)]
        for future in futures:
            future.result()
    except BaseException:
        # Ctrl-C or a failing callback: stop handing out work and kill the busy workers, whose
        # drivers then see their pipe close and return.
        stopping.set()
        with index_lock:
            busy = list(own)
        for worker in busy:
            worker.kill()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results
