"""Past one machine: grading and simulation sweeps on a Dask cluster (``dask.distributed``).

On the cluster (every machine runs the course repository's environment)::

    dask scheduler --host 0.0.0.0 --port 8786
    dask worker tcp://HOST:8786 --nthreads 1 --nworkers 4     # on each grading machine

On the instructor's machine, the same commands as locally, with ``--scheduler``
(or ``NNDL_SCHEDULER``)::

    nndl-grade --scheduler tcp://HOST:8786 --db grades.sqlite build/course
    nndl simulate SET --scheduler tcp://HOST:8786

:class:`DaskRunner` has :class:`nndl.simulate.LocalRunner`'s ``map(fn, runs,
ctx, on_done)``, and ``imap`` underneath, which yields results as they
complete.  Grading (:class:`DaskGrading`) sends each submission as plain data
(its cells, never a file path) to :func:`grade_on_worker`, which grades it in
the same sandbox as locally: one warm :class:`~nndl.sandbox.Sandbox` per Dask
worker process, owned by one thread.  Results come back to the coordinating
process, which alone writes the ledger.  A worker that dies mid-task loses
nothing: the scheduler runs its tasks elsewhere, and each result is recorded
once, when its future completes.

Nothing here imports Dask until a runner is made: without ``--scheduler``
nothing about Dask is needed at run time.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import dataclasses
import json
import queue
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

#: Seconds to wait for the scheduler when connecting.
CONNECT_SECONDS = 20.0


class ClusterError(ValueError):
    """The cluster cannot be used (Dask missing, scheduler unreachable): one line for the user."""


def _reachable(address: str, timeout: float) -> None:
    """Fail at once, with the reason, when nothing listens at a ``tcp://HOST:PORT`` address
    (the Dask client would retry until its timeout)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp":
        return  # tls://, inproc://...: left to Dask
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise ClusterError("expected an address like tcp://HOST:PORT")
    try:
        socket.create_connection((parts.hostname, port), timeout=min(timeout, 10.0)).close()
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler ({exc.strerror or exc})") from None


class DaskRunner:
    """Maps independent calls over a Dask cluster; results come back to this process."""

    def __init__(self, address: str, *, timeout: float = CONNECT_SECONDS) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError("needs dask.distributed: pip install 'dask[distributed]'") from None
        self.address = address
        _reachable(address, timeout)
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler ({type(exc).__name__}: {exc})") from None
        #: Threads of the cluster's workers when this runner connected (recorded in run.json).
        self.workers = max(1, sum(self.client.nthreads().values()))

    def imap(self, fn: Callable, calls: Iterable[tuple], *, name: str = "nndl") -> Iterator[tuple[int, bool, Any]]:
        """Submit ``fn(*args)`` for each ``args`` of ``calls``; yield ``(index, True, result)`` or
        ``(index, False, exception)`` as each completes.  Unfinished calls are cancelled on exit."""
        from distributed import as_completed

        token = uuid.uuid4().hex[:12]
        futures = {self.client.submit(fn, *args, key=f"{name}-{token}-{i}", pure=False): i
                   for i, args in enumerate(calls)}
        try:
            for future in as_completed(list(futures), loop=self.client.loop):
                i = futures[future]
                if future.status == "finished":
                    result = future.result()
                    future.release()
                    yield i, True, result
                else:
                    try:
                        exc = future.exception()
                    except BaseException as cancelled:  # noqa: BLE001 - e.g. CancelledError
                        exc = cancelled
                    future.release()
                    yield i, False, exc
        finally:
            left = [f for f in futures if not f.done()]
            if left:
                self.client.cancel(left)

    def map(self, fn: Callable, runs: Sequence[Any], ctx: Any, on_done: Callable[[Any], None]) -> dict[str, dict]:
        """:meth:`nndl.simulate.LocalRunner.map` on the cluster: ``{run.key: fn(run.params, ctx)}``."""
        from nndl.simulate import _call_run

        worker_ctx = dataclasses.replace(ctx, show_progress=False)  # no bars in the workers' logs
        results: dict[str, dict] = {}
        for i, ok, value in self.imap(_call_run, [(fn, run.params, worker_ctx) for run in runs], name="nndl-run"):
            if not ok:
                raise value
            results[runs[i].key] = value
            on_done(runs[i])
        return {run.key: results[run.key] for run in runs}

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "DaskRunner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DaskGrading:
    """The executor of :func:`nndl.batch.grade_items` on a cluster: ``run(tasks, deliver)``."""

    def __init__(self, address: str) -> None:
        self.runner = DaskRunner(address)
        self.workers = self.runner.workers
        self.where = f"on the Dask cluster at {address}"
        self.timings: dict[str, float] = {}

    def run(self, tasks: Sequence[dict], deliver: Callable[[int, dict | None, str | None], None]) -> None:
        calls = [(json.dumps(task),) for task in tasks]
        for k, ok, value in self.runner.imap(grade_on_worker, calls, name="nndl-grade"):
            if ok:
                deliver(tasks[k]["i"], json.loads(value), None)
            else:
                deliver(tasks[k]["i"], None, f"the cluster could not grade it ({type(value).__name__}: {value})")

    def close(self) -> None:
        self.runner.close()


# --- on a Dask worker ------------------------------------------------------------------------------

class _Grader(threading.Thread):
    """The thread of a Dask worker process that owns its sandbox and grades one task at a time.

    One owner thread, because the sandbox's zygote dies with the thread that
    started it (``PR_SET_PDEATHSIG``), and Dask's executor threads come and
    go; one task at a time, because checks run hypothesis in this process.
    """

    def __init__(self) -> None:
        super().__init__(name="nndl-grader", daemon=True)
        self.jobs: queue.Queue = queue.Queue()
        self.start()
        atexit.register(self.stop)

    def grade(self, task_json: str) -> str:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self.jobs.put((task_json, future))
        return future.result()

    def run(self) -> None:
        from nndl.batch import grade_task
        from nndl.config import Limits
        from nndl.grading import hidden_paths
        from nndl.sandbox import Sandbox

        box, key = None, None
        try:
            while True:
                job = self.jobs.get()
                if job is None:
                    return
                task_json, future = job
                try:
                    task = json.loads(task_json)
                    want = json.dumps([task["limits"], task["hidden"]], sort_keys=True)
                    if box is None or want != key:
                        if box is not None:
                            box.__exit__(None, None, None)
                            box = None
                        # The coordinator's hidden folders, and this machine's own reference and checks.
                        new = Sandbox(Limits(**task["limits"]),
                                      hidden_paths=hidden_paths((), [Path(h) for h in task["hidden"]]))
                        new.__enter__()
                        box, key = new, want
                    future.set_result(json.dumps(grade_task(task, box)))
                except BaseException as exc:  # noqa: BLE001 - the task fails, the thread goes on
                    future.set_exception(exc)
        finally:
            if box is not None:
                box.__exit__(None, None, None)

    def stop(self) -> None:
        self.jobs.put(None)
        self.join(30.0)


_grader: _Grader | None = None
_grader_lock = threading.Lock()


def grade_on_worker(task_json: str) -> str:
    """Grade one task (:func:`nndl.batch.make_task`, as JSON) in this process's sandbox; the report as JSON."""
    global _grader
    with _grader_lock:
        if _grader is None or not _grader.is_alive():
            _grader = _Grader()
        grader = _grader
    return grader.grade(task_json)


__all__ = ["ClusterError", "DaskGrading", "DaskRunner", "grade_on_worker"]
