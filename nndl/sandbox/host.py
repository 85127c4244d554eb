"""The grader's side of the sandbox: :class:`Sandbox`, :class:`Session`, :class:`RemoteImpl`.

Nothing here runs submission code and nothing here trusts a worker: every
frame is read with a deadline and a size cap, parsed as JSON (never
unpickled) and validated field by field; any failure while talking to a
worker becomes a ``Timeout`` or ``Crash`` outcome of the call, never an
exception of the grader.
"""

from __future__ import annotations

import dataclasses
import fcntl
import itertools
import os
import pwd
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nndl import plain
from nndl.config import Limits
from nndl.impl import Impl
from nndl.loader import Cell  # one unit of submission code, executed independently
from nndl.sandbox import _linux
from nndl.sandbox.protocol import (Closed, Deadline, ProtocolError, parse_json, recv_frame, send_frame,
                                   to_bytes)

#: The range of unprivileged uids (and gids) given to workers, one per worker.
UID_RANGE = range(61000, 62000)
#: Idle uids this process keeps leased (their locks held) after their workers ended.
IDLE_LEASES = 8
#: Seconds the zygote may take to start (imports torch on a cold cache).
ZYGOTE_START_SECONDS = 180.0
#: Seconds a forked worker may take to confine itself and say it is ready.
WORKER_READY_SECONDS = 30.0
#: Load attempts: a cell that hangs or ends the worker is skipped and the rest reloaded, this many times.
MAX_LOAD_ATTEMPTS = 4
#: Size of each worker's tmpfs (/tmp, /var/tmp, /dev/shm, home), MiB.
TMPFS_MB = 64

_BOOT = ("import sys\n"
         "sys.path[:] = [p for p in sys.path if p not in ('', '.')]\n"
         "sys.path.insert(0, {root!r})\n"
         "from nndl.sandbox.zygote import main\n"
         "main(int(sys.argv[1]), int(sys.argv[2]))\n")


class SandboxError(RuntimeError):
    """The sandbox itself could not do its job (not the submission's fault)."""


# --- small helpers -------------------------------------------------------------------------------

def _fmt_seconds(s: float) -> str:
    return f"{max(s, 0.0):.3g}"


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


class _Output:
    """Captured stdout+stderr of one session: the first ``limit`` bytes, the rest counted and dropped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._buf = bytearray()
        self._dropped = 0
        self._lock = threading.Lock()
        #: While reloading after a restart, the cells' output (already captured once) is dropped.
        self.muted = False

    def feed(self, data: bytes) -> None:
        with self._lock:
            if self.muted:
                return
            room = self.limit - len(self._buf)
            if room > 0:
                self._buf += data[:room]
            self._dropped += max(0, len(data) - max(room, 0))

    def text(self) -> str:
        with self._lock:
            out = self._buf.decode("utf-8", errors="replace")
            if self._dropped:
                out += f"\n[... {self._dropped} more bytes of output were discarded (limit {self.limit // 1024} KiB)]\n"
            return out


class _Reader(threading.Thread):
    """Drains a worker's output pipe so the worker never blocks on it."""

    def __init__(self, fd: int, sink: _Output) -> None:
        super().__init__(name=f"nndl-sandbox-output-{fd}", daemon=True)
        self.fd, self.sink = fd, sink
        self._stop_flag = threading.Event()

    def run(self) -> None:
        poller = select.poll()  # not select(): descriptors above 1024 are fine
        poller.register(self.fd, select.POLLIN)
        try:
            while not self._stop_flag.is_set():
                if not poller.poll(200):
                    continue
                data = os.read(self.fd, 1 << 16)
                if not data:
                    return
                self.sink.feed(data)
        except OSError:
            return

    def finish(self, timeout: float = 1.0) -> None:
        self.join(timeout)
        self._stop_flag.set()
        self.join(1.0)
        try:
            os.close(self.fd)
        except OSError:
            pass


class _UidPool:
    """Distinct unprivileged uids, each leased to one grading process through an exclusive lock file.

    Each worker gets a uid no recent worker had: the pool rotates through
    :data:`UID_RANGE`, so the next submission never runs as the uid of the
    one before it (whatever that one left where the private filesystem view
    does not reach stays unreadable to it).  A uid taken by this process stays
    leased to it (its lock held) while a worker uses it and, idle, for the
    last :data:`IDLE_LEASES` workers; older idle uids with nothing left are
    given back.  Concurrent graders on one machine (CI jobs, several
    instructors, a test suite beside a batch) therefore never share a uid:
    the processes of a uid in :func:`leased_uids` are this process's own, the
    only ones its cleanup kills and the only ones a test that looks for
    leftovers looks at.  An idle uid is reused only when the range has no
    fresh one.
    """

    _lock = threading.Lock()
    #: uid -> descriptor of its lock file, for every uid leased by this process.
    _leases: dict[int, int] = {}
    #: Leased uids no worker uses now, least recently used first.
    _idle: list[int] = []
    _owner = 0
    _next = 0

    def __init__(self) -> None:
        self.dir = Path(tempfile.gettempdir()) / "nndl-sandbox-uids"
        self.dir.mkdir(mode=0o700, exist_ok=True)

    @classmethod
    def _this_process(cls) -> None:
        """Leases are per process: a forked child starts with none (the parent's stay the parent's)."""
        if cls._owner != os.getpid():
            cls._owner = os.getpid()
            cls._leases, cls._idle = {}, []
            cls._next = UID_RANGE.start + (os.getpid() * 7) % len(UID_RANGE)

    def acquire(self) -> tuple[int, int]:
        cls = type(self)
        with cls._lock:
            cls._this_process()
            for _ in range(len(UID_RANGE)):
                uid = cls._next
                cls._next = UID_RANGE.start + (uid + 1 - UID_RANGE.start) % len(UID_RANGE)
                if uid in cls._leases:
                    continue  # ours, and busy
                try:
                    pwd.getpwuid(uid)
                    continue  # a real account: never borrow it
                except KeyError:
                    pass
                fd = os.open(self.dir / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    os.close(fd)
                    continue
                if _linux.pids_of_uid(uid):  # leftovers of a grader that died: not ours to touch
                    os.close(fd)
                    continue
                cls._leases[uid] = fd
                return uid, fd
            for uid in list(cls._idle):  # the whole range is taken: reuse one of ours that is clean
                if not _linux.pids_of_uid(uid):
                    cls._idle.remove(uid)
                    return uid, cls._leases[uid]
        raise SandboxError(f"no free sandbox uid in {UID_RANGE.start}-{UID_RANGE.stop - 1}")

    @classmethod
    def release(cls, fd: int) -> None:
        """The worker that used the uid of ``fd`` is gone: the uid stays leased here, idle."""
        with cls._lock:
            cls._this_process()
            for uid, held in cls._leases.items():
                if held == fd:
                    if uid not in cls._idle:
                        cls._idle.append(uid)
                    break
            for uid in list(cls._idle[:-IDLE_LEASES]):  # keep few locks: give back old clean uids
                if not _linux.pids_of_uid(uid):
                    cls._idle.remove(uid)
                    os.close(cls._leases.pop(uid))


def _after_fork_in_child() -> None:
    _UidPool._lock = threading.Lock()  # a thread of the parent may have held it at the fork


os.register_at_fork(after_in_child=_after_fork_in_child)


def leased_uids() -> frozenset[int]:
    """The sandbox uids leased by this process (its workers' and their leftovers', nobody else's)."""
    with _UidPool._lock:
        _UidPool._this_process()
        return frozenset(_UidPool._leases)


# --- the zygote ----------------------------------------------------------------------------------

class _Zygote:
    def __init__(self, config: dict) -> None:
        self.config = config
        root = str(Path(__file__).resolve().parents[2])
        parent_ctl, child_ctl = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._log = tempfile.TemporaryFile()
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "HOME": config["home"] or "/",
            "MPLBACKEND": "Agg",
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1",
            "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
            "PYTHONWARNINGS": "ignore",
        }
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _BOOT.format(root=root), str(child_ctl.fileno()), str(os.getpid())],
                pass_fds=[child_ctl.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self._log, cwd="/", env=env, start_new_session=True)
        finally:
            child_ctl.close()
        self.ctl = parent_ctl
        self.lock = threading.Lock()
        started = time.perf_counter()
        try:
            self.ctl.send(to_bytes(config))
            reply = self._recv(time.monotonic() + ZYGOTE_START_SECONDS)
        except Exception:
            self.stop()
            raise
        if not reply.get("ready"):
            self.stop()
            raise SandboxError(f"the sandbox's zygote did not start: {reply}")
        self.facts: dict = reply.get("facts", {})
        self.start_seconds = time.perf_counter() - started
        self.pid = self.proc.pid

    def _log_tail(self) -> str:
        try:
            self._log.seek(0)
            return self._log.read()[-2000:].decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def _recv(self, deadline: float) -> dict:
        poller = select.poll()
        poller.register(self.ctl.fileno(), select.POLLIN)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxError("the sandbox's zygote did not answer in time")
            if poller.poll(left * 1000):
                break
        data = self.ctl.recv(1 << 20)
        if not data:
            self.proc.wait(5)
            raise SandboxError(f"the sandbox's zygote ended (exit status {self.proc.returncode}): {self._log_tail()}")
        reply = parse_json(data)
        if type(reply) is not dict:
            raise SandboxError("the sandbox's zygote sent a malformed reply")
        return reply

    def alive(self) -> bool:
        return self.proc.poll() is None

    def request(self, msg: dict, fds: Sequence[int] = (), timeout: float = 10.0) -> dict:
        with self.lock:
            if fds:
                socket.send_fds(self.ctl, [to_bytes(msg)], list(fds))
            else:
                self.ctl.send(to_bytes(msg))
            return self._recv(time.monotonic() + timeout)

    def stop(self) -> None:
        try:
            self.ctl.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except OSError:
                pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a kill always ends it
            pass
        try:
            self._log.close()
        except OSError:
            pass


# --- one worker process ----------------------------------------------------------------------------

class _Worker:
    """One forked worker: its uid, socket, output reader, cgroup; cleanup kills all of it."""

    def __init__(self, box: "Sandbox", output: _Output, filename: str, probe: bool = False) -> None:
        self.box = box
        self.uid, self.uid_lock = (None, None)
        self.cgroup: _linux.Cgroup | None = None
        self.pid = 0
        self.sock: socket.socket | None = None
        self.reader: _Reader | None = None
        self.facts: dict = {}
        self.status: int | None = None
        self.cpu: float | None = None
        self.zygote: _Zygote | None = None
        self.closed = False
        self.scratch = ""
        self._next_id = itertools.count(1)
        try:
            self._start(output, filename, probe)
        except BaseException:
            self.kill()
            raise

    def _start(self, output: _Output, filename: str, probe: bool) -> None:
        box = self.box
        if box.separate_uid:
            self.uid, self.uid_lock = box._uids.acquire()
        parent_sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock = parent_sock
        out_r, out_w = os.pipe()
        self.reader = _Reader(out_r, output)
        self.reader.start()
        limits = dataclasses.asdict(box.limits)
        spec = {"uid": self.uid if self.uid is not None else os.getuid(),
                "gid": self.uid if self.uid is not None else os.getgid(),
                "separate_uid": box.separate_uid, "namespaces": box.namespaces, "limits": limits,
                "tmp_mb": TMPFS_MB, "probe": probe, "filename": filename}
        if not box.namespaces:
            # No private tmpfs: the grader makes (and later removes) the scratch directory.
            self.scratch = tempfile.mkdtemp(prefix="nndl-work-")
            if self.uid is not None:
                os.chown(self.scratch, self.uid, self.uid)
            spec["scratch"] = self.scratch
        if not box.separate_uid:
            spec["limits"] = dict(limits, processes=len(_linux.pids_of_uid(os.getuid())) + box.limits.processes)
        try:
            self.zygote, reply = box._spawn(spec, [child_sock.fileno(), out_w])
        finally:
            child_sock.close()
            os.close(out_w)
        if type(reply.get("pid")) is not int or reply["pid"] <= 1:
            raise SandboxError(f"the sandbox's zygote could not start a worker: {reply}")
        self.pid = reply["pid"]
        if box._cgroups is not None and box._cgroups.active:
            # Attached before any submission code runs: the worker waits for its first request.
            try:
                self.cgroup = box._cgroups.create(f"w{self.uid or self.pid}-{self.pid}",
                                                  max_pids=box.limits.processes,
                                                  memory_bytes=box.cgroup_memory_bytes)
                self.cgroup.attach(self.pid)
            except OSError as exc:
                box._cgroup_failures.append(str(exc))
                if self.cgroup is not None:
                    self.cgroup.remove()
                self.cgroup = None
        raw = recv_frame(self.sock, time.monotonic() + WORKER_READY_SECONDS)
        msg = parse_json(raw)
        if type(msg) is not dict or (type(msg.get("ready")) is not dict and "setup_error" not in msg):
            raise SandboxError("the sandboxed worker sent a malformed greeting")
        if "setup_error" in msg:
            raise SandboxError(f"the sandboxed worker could not confine itself: {str(msg['setup_error'])[:300]}")
        self.facts = msg["ready"]

    # -- requests ----------------------------------------------------------------------------------
    def next_id(self) -> int:
        return next(self._next_id)

    def send(self, body: bytes, deadline: float) -> None:
        assert self.sock is not None
        send_frame(self.sock, body, deadline)

    def recv(self, deadline: float) -> Any:
        assert self.sock is not None
        return parse_json(recv_frame(self.sock, deadline))

    # -- ending ------------------------------------------------------------------------------------
    def collect_status(self, timeout: float = 2.0) -> None:
        """Exit status and CPU time of the worker, from the zygote that reaps it."""
        if self.status is not None or self.zygote is None or not self.pid:
            return
        try:
            reply = self.zygote.request({"op": "wait", "pid": self.pid, "timeout": timeout}, timeout=timeout + 5)
        except (OSError, SandboxError, ProtocolError):
            return
        if type(reply.get("status")) is int:
            self.status = reply["status"]
            cpu = reply.get("cpu")
            self.cpu = float(cpu) if type(cpu) in (int, float) else None

    def describe_end(self) -> str:
        """'ended the grading process (exit code 0)...' from the collected status."""
        limits = self.box.limits
        if self.status is None:
            return "ended the grading process (it closed its connection to the grader)."
        if os.WIFEXITED(self.status):
            code = os.WEXITSTATUS(self.status)
            return (f"ended the grading process (exit code {code}). "
                    "Hint: your functions must not call exit(), sys.exit() or os._exit(), or kill processes.")
        sig = os.WTERMSIG(self.status) if os.WIFSIGNALED(self.status) else 0
        why = ""
        if self.cgroup is not None and self.cgroup.oom_killed():
            why = f": it exceeded the memory limit of {limits.memory_mb} MiB"
        elif sig in (signal.SIGXCPU, signal.SIGKILL) and self.cpu is not None and self.cpu >= limits.cpu_seconds - 0.5:
            why = f": it used up the CPU time limit of {limits.cpu_seconds} s"
        elif sig == signal.SIGKILL:
            why = f" (for example the memory limit of {limits.memory_mb} MiB)"
        return f"ended the grading process (signal {sig}, {_signal_name(sig)}){why}."

    def kill(self) -> None:
        """Kill every process the submission started, then release everything this worker held."""
        if self.closed:
            return
        self.closed = True
        if self.cgroup is not None:
            self.cgroup.kill_all()
        if self.uid is not None:
            _linux.kill_uid(self.uid)
        elif self.pid:
            try:
                os.killpg(self.pid, signal.SIGKILL)  # the worker is its own session and group leader
            except OSError:
                pass
            _linux.kill_pids([self.pid])
        if self.cgroup is not None:
            self.cgroup.kill_all(timeout=10.0)
        self.collect_status(timeout=2.0)
        if self.sock is not None:
            self.sock.close()
        if self.reader is not None:
            self.reader.finish()
        if self.cgroup is not None:
            self.cgroup.remove()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
        # With namespaces the scratch dir lives on the worker's own tmpfs, discarded with its mount namespace.
        if self.uid_lock is not None:
            _UidPool.release(self.uid_lock)
            self.uid_lock = None


# --- validation of replies ------------------------------------------------------------------------

def _short_str(value: Any, limit: int, what: str) -> str:
    if type(value) is not str:
        raise ProtocolError(f"malformed reply: {what} is not a string")
    return value[:limit]


def _validate_outcome(outcome: Any) -> dict:
    """A fresh outcome dict holding only validated fields (see :func:`nndl.impl.invoke`)."""
    if type(outcome) is not dict:
        raise ProtocolError("malformed reply: the outcome is not an object")
    if outcome.get("missing") is True:
        return {"missing": True}
    if "error" in outcome:
        kind = _short_str(outcome["error"], 100, "the error kind")
        if kind in ("Timeout", "Crash"):
            kind = f"{kind} (an exception raised by your code)"
        return {"error": kind, "message": _short_str(outcome.get("message", ""), 2000, "the message"),
                "where": _short_str(outcome.get("where", ""), 100, "the location")}
    if "ok" in outcome:
        mutated = outcome.get("mutated", [])
        warned = outcome.get("warnings", [])
        if type(mutated) is not list or len(mutated) > 64:
            raise ProtocolError("malformed reply: mutated")
        if type(warned) is not list or len(warned) > 64:
            raise ProtocolError("malformed reply: warnings")
        mutated = [_short_str(m, 100, "a mutated argument") for m in mutated]
        warned = [_short_str(w, 300, "a warning") for w in warned]
        try:
            plain.decode(outcome["ok"])  # validated here; Impl._unwrap decodes it again
        except plain.NotPlainError as exc:
            return {"error": "NotPlainError", "message": f"the reply failed validation ({exc})", "where": ""}
        except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
            return {"error": "NotPlainError", "message": f"the reply failed validation ({type(exc).__name__})",
                    "where": ""}
        return {"ok": outcome["ok"], "mutated": mutated, "warnings": warned}
    raise ProtocolError("malformed reply: no result")


# --- sessions --------------------------------------------------------------------------------------

class RemoteImpl(Impl):
    """The submission's functions, called in its sandboxed worker (same contract as LocalImpl)."""

    where = "your submission"

    def __init__(self, session: "Session") -> None:
        self._session = session

    def _call(self, name: str, args: tuple, kwargs: dict) -> dict:
        return self._session._request("call", {"name": name, "args": plain.encode(tuple(args)),
                                               "kwargs": plain.encode(dict(kwargs))})

    def _value(self, name: str) -> dict:
        return self._session._request("value", {"name": name})

    def _op(self, opname: str, args: tuple) -> dict:
        return self._session._request("op", {"opname": opname, "args": plain.encode(tuple(args))})

    def _probe_spent(self, seconds: float) -> None:
        # The determinism probe's repeats are the grader's extra calls: they do not use up the
        # check's time (each repeat is still bounded by the per-call limit).
        self._session.extend_check(seconds)

    def close(self) -> None:
        """End of a check: release its handles (closes its figures) in the worker, reset the probes."""
        try:
            self._session._close_handles()
        finally:
            reset = getattr(self, "reset_probes", None)
            if reset is not None:
                reset()


class Session:
    """One submission loaded in one sandboxed worker process."""

    def __init__(self, box: "Sandbox", cells: Sequence[Cell], filename: str) -> None:
        self._box = box
        self._cells = list(cells)
        self._filename = filename
        self._out = _Output(box.limits.output_kb * 1024)
        self._lock = threading.RLock()
        self._worker: _Worker | None = None
        self._dead: str | None = None
        self._check_deadline: float | None = None
        self._check_seconds: float | None = None
        self._skip: set[int] = set()
        self._report: dict[int, dict] = {}
        self._closed = False
        self._gave_up = False
        self.impl = RemoteImpl(self)
        self.load_seconds = 0.0
        self.restarts = 0
        self._start()

    # -- public ------------------------------------------------------------------------------------
    @property
    def load_report(self) -> list[dict]:
        return [dict(self._report[i]) for i in sorted(self._report)]

    @property
    def output(self) -> str:
        return self._out.text()

    @property
    def alive(self) -> bool:
        return self._worker is not None and self._dead is None and not self._worker.closed

    def begin_check(self, seconds: float) -> None:
        """Set the wall-clock budget of the check that starts now (all its calls together)."""
        self._check_seconds = float(seconds)
        self._check_deadline = time.monotonic() + float(seconds)

    def extend_check(self, seconds: float) -> None:
        """Move the current check's deadline by ``seconds`` (time the grader spent on its own extra calls)."""
        with self._lock:
            if self._check_deadline is not None and seconds > 0:
                self._check_deadline += float(seconds)

    def ensure_alive(self) -> None:
        """Restart the worker (fresh process, cells reloaded) if it died or was killed."""
        with self._lock:
            if self._closed:
                raise SandboxError("the session is closed")
            if self._dead is None and self._worker is not None and self._worker_gone():
                self._mark_dead(self._crash_message())
            if (self._dead is None and self._worker is not None) or self._gave_up:
                return
            if self._worker is not None:
                self._worker.kill()
                self._worker = None
            self.restarts += 1
            self._start()

    def close(self) -> None:
        """Kill every process the submission started and discard its scratch space."""
        with self._lock:
            self._closed = True
            if self._worker is not None:
                self._worker.kill()
                self._worker = None
            self._box._sessions.discard(self)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- loading -----------------------------------------------------------------------------------
    def _start(self) -> None:
        started = time.perf_counter()
        self._dead = None
        for _attempt in range(MAX_LOAD_ATTEMPTS):
            self._worker = _Worker(self._box, self._out, self._filename)
            self._out.muted = self.restarts > 0
            try:
                problem = self._load(self._worker)
            finally:
                self._out.muted = False
            if problem is None:
                self.load_seconds = time.perf_counter() - started
                return
            position, message = problem
            self._report[position] = {"index": self._cells[position].index, "label": self._cells[position].label,
                                       "ok": False, "error": message}
            self._skip.add(position)
            self._worker.kill()
            self._worker = None
        self._dead = "could not be loaded: its cells kept hanging or ending the grading process"
        self._gave_up = True
        self.load_seconds = time.perf_counter() - started

    def _load(self, worker: _Worker) -> tuple[int, str] | None:
        """Execute the cells; None when done, else (position of the cell that hung or crashed, reason)."""
        positions = [i for i in range(len(self._cells)) if i not in self._skip]
        seconds = self._box.limits.load_seconds
        deadline = time.monotonic() + seconds
        rid = worker.next_id()
        body = to_bytes({"id": rid, "op": "load", "filename": self._filename,
                         "cells": [{"source": self._cells[i].source} for i in positions]})
        done = 0
        try:
            worker.send(body, deadline)
            while True:
                msg = worker.recv(deadline)
                if type(msg) is not dict or msg.get("id") != rid:
                    raise ProtocolError("malformed reply while loading")
                if "cell" in msg:
                    if msg["cell"] != done or type(msg.get("ok")) is not bool or done >= len(positions):
                        raise ProtocolError("malformed progress report while loading")
                    pos = positions[done]
                    error = "" if msg["ok"] else _short_str(msg.get("error", ""), 400, "the error") or "error"
                    self._report[pos] = {"index": self._cells[pos].index, "label": self._cells[pos].label,
                                         "ok": msg["ok"], "error": error}
                    done += 1
                    continue
                if "outcome" in msg and done == len(positions):
                    return None
                raise ProtocolError("malformed reply while loading")
        except Deadline:
            if done >= len(positions):
                return len(positions) - 1 if positions else 0, "Timeout: loading did not finish"
            return positions[done], f"Timeout: did not finish within {_fmt_seconds(seconds)} s (time limit for loading)"
        except (Closed, OSError):
            if done >= len(positions):
                self._mark_dead(self._crash_message(worker))
                return None
            worker.kill()
            return positions[done], "Crash: " + worker.describe_end()
        except ProtocolError as exc:
            if done >= len(positions):
                return None
            return positions[done], f"the cell disturbed the grader's channel ({exc})"

    # -- calls -------------------------------------------------------------------------------------
    def _worker_gone(self) -> bool:
        w = self._worker
        if w is None or w.closed or w.sock is None:
            return True
        try:
            poller = select.poll()
            poller.register(w.sock.fileno(), select.POLLIN)
            ready = poller.poll(0)
        except (OSError, ValueError):
            return True
        # An idle worker sends nothing: readable means it closed the socket or wrote out of turn.
        return bool(ready)

    def _crash_message(self, worker: _Worker | None = None) -> str:
        w = worker or self._worker
        if w is None:
            return "ended the grading process."
        w.kill()
        return w.describe_end()

    def _mark_dead(self, reason: str) -> None:
        self._dead = reason
        if self._worker is not None:
            self._worker.kill()

    def _request(self, op: str, payload: dict) -> dict:
        with self._lock:
            if self._closed:
                return {"error": "Crash", "message": "was not run: the grading session is closed."}
            if self._gave_up:
                return {"error": "Crash", "message": f"was not run: the submission {self._dead}."}
            if self._dead is not None or self._worker is None:
                return {"error": "Crash",
                        "message": f"was not run: the grading process had ended earlier in this check "
                                   f"(an earlier call {(self._dead or 'ended it').rstrip('.')})."}
            now = time.monotonic()
            limit = float(self._box.limits.call_seconds)
            if self._check_deadline is not None:
                left = self._check_deadline - now
                if left <= 0:
                    return {"error": "Timeout",
                            "message": f"was not run: the time limit of the check ({_fmt_seconds(self._check_seconds or 0)} s) "
                                       "was used up by earlier calls"}
                limit = min(limit, left)
            deadline = now + limit
            worker = self._worker
            rid = worker.next_id()
            try:
                body = to_bytes({"id": rid, "op": op, **payload})
            except (TypeError, ValueError) as exc:
                raise SandboxError(f"the grader's request could not be encoded: {exc}") from None
            try:
                worker.send(body, deadline)
                msg = worker.recv(deadline)
                if type(msg) is not dict or msg.get("id") != rid or "outcome" not in msg:
                    raise ProtocolError("malformed reply: not an answer to this request")
                return _validate_outcome(msg["outcome"])
            except Deadline:
                reason = f"did not return within {_fmt_seconds(limit)} s (time limit)"
                self._mark_dead(reason)
                return {"error": "Timeout", "message": reason}
            except (Closed, OSError):
                reason = self._crash_message(worker)
                self._mark_dead(reason)
                return {"error": "Crash", "message": reason}
            except ProtocolError as exc:
                # The channel can no longer be trusted to be in step: end this worker.
                self._mark_dead(f"sent a malformed reply ({exc})")
                return {"error": "NotPlainError", "message": str(exc)}
            except Exception as exc:  # noqa: BLE001 - never a grader crash
                reason = f"ended the grading process (grader-side error {type(exc).__name__}: {exc})"
                self._mark_dead(reason)
                return {"error": "Crash", "message": reason}

    def _close_handles(self) -> None:
        with self._lock:
            if self._dead is None and self._worker is not None and not self._closed:
                saved = self._check_deadline
                self._check_deadline = None
                try:
                    self._request("close_handles", {})
                finally:
                    self._check_deadline = saved


# --- the sandbox ----------------------------------------------------------------------------------

class Sandbox:
    """Starts one warm zygote (fork server) and serves many submissions, each in a fresh worker."""

    def __init__(self, limits: Limits, *, hidden_paths: Sequence[Path] = (), isolate: bool = True) -> None:
        self.limits = limits
        self.hidden_paths = [str(Path(p).resolve()) for p in hidden_paths]
        self.isolate = bool(isolate)
        self.root = os.geteuid() == 0
        self.separate_uid = self.isolate and self.root
        #: Whether workers get their own mount/network/IPC namespaces (set once the zygote has tried).
        self.namespaces = False
        self._uid_failure = ""
        self._zygote: _Zygote | None = None
        self._zygote_lock = threading.Lock()
        self._sessions: set[Session] = set()
        self._uids = _UidPool() if self.separate_uid else None
        self._cgroups: _linux.CgroupManager | None = None
        self._cgroup_failures: list[str] = []
        self._protections: dict[str, str] = {}
        self.timings: dict[str, float] = {}
        self.zygote_restarts = 0
        self._entered = False

    # -- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> "Sandbox":
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for session in list(self._sessions):
            session.close()
        if self._zygote is not None:
            self._zygote.stop()
            self._zygote = None
        if self._cgroups is not None:
            self._cgroups.close()
        self._entered = False

    def _start(self) -> None:
        self._entered = True
        if self.isolate and self.root:
            self._cgroups = _linux.CgroupManager(f"nndl-sandbox-{os.getpid()}-{id(self) & 0xffff:x}")
        started = time.perf_counter()
        self._zygote = self._new_zygote()
        self.timings["zygote_start_s"] = time.perf_counter() - started
        self.namespaces = self._zygote.facts.get("namespaces") == "ok"
        try:
            self._probe()
        except SandboxError as exc:
            if not self.separate_uid:
                raise
            # e.g. root in a container without CAP_SETUID: go on without a separate uid, and say so.
            self._uid_failure = str(exc)[:200]
            self.separate_uid = False
            self._probe()

    def _new_zygote(self) -> _Zygote:
        home = os.path.expanduser("~")
        config = {"hidden": self.hidden_paths, "isolate": self.isolate, "home": home if home != "~" else ""}
        return _Zygote(config)

    @property
    def cgroup_memory_bytes(self) -> int:
        rss = int(self._zygote.facts.get("VmRSS", 0)) if self._zygote is not None else 0
        # On top of the warm interpreter, like RLIMIT_AS: copy-on-write copies of its pages count here.
        return self.limits.memory_mb * 2**20 + rss

    def _spawn(self, spec: dict, fds: list[int]) -> tuple[_Zygote, dict]:
        if not self._entered:
            raise SandboxError("use the Sandbox as a context manager (with Sandbox(...) as box)")
        with self._zygote_lock:
            for attempt in range(2):
                zygote = self._zygote
                if zygote is None or not zygote.alive():
                    if zygote is not None:
                        zygote.stop()
                        self.zygote_restarts += 1
                    zygote = self._zygote = self._new_zygote()
                try:
                    return zygote, zygote.request({"op": "spawn", "spec": spec}, fds)
                except (OSError, SandboxError, ProtocolError):
                    if attempt:
                        raise
                    zygote.stop()
                    self._zygote = None
        raise SandboxError("unreachable")  # pragma: no cover

    def load(self, cells: Sequence[Cell], filename: str = "submission.py") -> Session:
        """Load one submission into a fresh sandboxed worker."""
        session = Session(self, cells, filename)
        self._sessions.add(session)
        return session

    # -- what is active ----------------------------------------------------------------------------
    @property
    def protections(self) -> dict[str, str]:
        """Each protection: ``"active"`` or ``"unavailable: <why>"``."""
        return dict(self._protections)

    def _probe(self) -> None:
        started = time.perf_counter()
        sink = _Output(1024)
        worker = _Worker(self, sink, "probe.py", probe=True)
        self.timings["probe_fork_ready_s"] = time.perf_counter() - started
        try:
            facts = worker.facts
        finally:
            worker.kill()
        zf = self._zygote.facts if self._zygote is not None else {}
        p: dict[str, str] = {}
        own_net = os.readlink("/proc/self/ns/net")
        if not self.isolate:
            off = "unavailable: isolation is off (isolate=False)"
        elif not self.root:
            off = "unavailable: not running as root (namespaces and a separate uid need root)"
        else:
            off = ""
        if off:
            p["network namespace"] = off
            p["filesystem view"] = off
            p["separate uid"] = off
        else:
            if zf.get("namespaces") != "ok":
                p["network namespace"] = f"unavailable: {zf.get('namespaces', 'unshare failed')}"
                p["filesystem view"] = f"unavailable: {zf.get('namespaces', 'unshare failed')}"
            else:
                p["network namespace"] = ("active" if facts.get("ns_net") and facts.get("ns_net") != own_net
                                          else "unavailable: the worker shares the grader's network namespace")
                problems = list(zf.get("hidden_failed", []))
                hidden = facts.get("hidden", {})
                problems += [f"{path} is {state}" for path, state in hidden.items()
                             if state not in ("empty", "unreadable") and path in zf.get("hidden_ok", [])]
                if zf.get("readonly") != "ok":
                    problems.append(f"read-only root {zf.get('readonly')}")
                tmpfs = facts.get("tmpfs", {})
                if tmpfs.get("/tmp") != "tmpfs":
                    problems.append("no private /tmp")
                p["filesystem view"] = "active" if not problems else "unavailable: " + "; ".join(problems)[:300]
        if not off:
            uid = facts.get("uid")
            if self._uid_failure:
                p["separate uid"] = f"unavailable: {self._uid_failure}"
            else:
                p["separate uid"] = ("active" if uid == facts.get("euid") and type(uid) is int and uid in UID_RANGE
                                     else f"unavailable: the worker runs as uid {uid}")
        rl = facts.get("rlimits", {})
        if not {"cpu", "as", "nproc", "fsize", "core"} <= set(rl):
            p["rlimits (cpu, as, nproc, fsize, core)"] = "unavailable: the worker did not set them"
        elif not self.separate_uid and self.root:
            p["rlimits (cpu, as, nproc, fsize, core)"] = ("unavailable: RLIMIT_NPROC is not enforced for root "
                                                          "(cpu, as, fsize, core are set; see cgroup for pids)")
        else:
            p["rlimits (cpu, as, nproc, fsize, core)"] = "active"
        if self._cgroups is None:
            p["cgroup"] = ("unavailable: isolation is off (isolate=False)" if not self.isolate
                           else "unavailable: not running as root")
        elif not self._cgroups.active:
            p["cgroup"] = f"unavailable: {self._cgroups.reason}"
        elif worker.cgroup is None:
            p["cgroup"] = f"unavailable: {'; '.join(self._cgroup_failures)[:200] or 'attach failed'}"
        else:
            p["cgroup"] = "active"
        if self.separate_uid or p["cgroup"] == "active":
            p["process cleanup"] = "active"
        else:
            p["process cleanup"] = ("unavailable: process-group kill only, no separate uid or cgroup "
                                    "(a process that calls setsid may survive)")
        p["output cap"] = "active"
        self._protections = p
        self.timings["probe_total_s"] = time.perf_counter() - started


def report_protections(limits: Limits | None = None, hidden_paths: Sequence[Path] | None = None, *,
                       sandbox: Sandbox | None = None) -> list[str]:
    """Lines ``"<protection>: active"`` / ``"<protection>: unavailable: <why>"`` for this machine.

    Starts a sandbox with the course's limits (or reports on ``sandbox``, an entered one).
    """
    if sandbox is not None:
        return _protection_lines(sandbox)
    from nndl import paths
    from nndl.config import course

    limits = limits or course().limits
    if hidden_paths is None:
        hidden_paths = [p for p in (paths.SOLUTIONS, paths.GRADER, paths.TESTS, paths.BUILD) if p.exists()]
    with Sandbox(limits, hidden_paths=hidden_paths) as box:
        return _protection_lines(box)


def _protection_lines(box: Sandbox) -> list[str]:
    lines = [f"{name}: {state}" for name, state in box.protections.items()]
    t = box.timings
    lines.append(f"(zygote start {t.get('zygote_start_s', 0):.2f} s, worker fork+ready "
                 f"{t.get('probe_fork_ready_s', 0) * 1000:.0f} ms)")
    return lines


__all__ = ["Cell", "RemoteImpl", "Sandbox", "SandboxError", "Session", "leased_uids", "report_protections"]
