"""The sandboxed worker: forked by the zygote, runs one submission, answers requests.

Everything in this module runs in the child of :mod:`nndl.sandbox.zygote`
after ``fork()``.  :func:`child_main` first confines the process (its own
session, mount, network and IPC namespaces, fresh tmpfs for every writable
place, rlimits, an unprivileged uid, no new privileges), then executes the
submission's cells into a fresh ``__main__`` namespace and serves requests
from the grader until it is killed.

The grader trusts nothing this process says: the submission shares it and
may have replaced any function here.  Replies are validated on arrival
(:mod:`nndl.sandbox.host`).
"""

from __future__ import annotations

import builtins
import io
import os
import random
import resource
import signal
import socket
import sys
import traceback
import types
from typing import Any

from nndl import plain
from nndl.impl import invoke, lookup
from nndl.ops import close_all, run_op
from nndl.sandbox import _linux
from nndl.sandbox.protocol import MAX_REPLY_BYTES, recv_blocking, send_blocking, to_bytes

#: Error messages kept per failing cell; error cells after the first MAX_ERROR_CELLS keep only the type.
MAX_ERROR_CELLS = 20
#: Cell magics whose body is Python (the first line is dropped); other cell magics drop the cell.
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "memit"}
#: Where the per-worker scratch directory lives (on the worker's own tmpfs).
SCRATCH = "/tmp/work"
#: Outcome kinds the grader itself produces; an exception of the same name is relabelled.
_RESERVED = {"Timeout", "Crash"}


def strip_magics(source: str) -> str | None:
    """Remove IPython magics and shell escapes; None when the whole cell is a non-Python cell magic."""
    lines = source.split("\n")
    first = lines[0].lstrip() if lines else ""
    if first.startswith("%%"):
        name = first[2:].split(None, 1)[0] if first[2:].strip() else ""
        if name not in _PYTHON_CELL_MAGICS:
            return None
        lines[0] = ""
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            # Keep the line count and the block structure: `pass` at the same indentation.
            out.append(line[: len(line) - len(stripped)] + "pass")
        else:
            out.append(line)
    return "\n".join(out)


def _text(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # noqa: BLE001 - a lying exception whose __str__ raises
        return "<unprintable>"


def _cell_error(exc: BaseException, filename: str) -> str:
    name = type(exc).__name__
    if isinstance(exc, SyntaxError):
        return f"{name}: {exc.msg} (line {exc.lineno})"
    line = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = f" (line {frame.lineno})"
    text = _text(exc)
    return (f"{name}: {text}" if text else name)[:300] + line


# --- confinement ----------------------------------------------------------------------------------

def _vmsize_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _set_rlimits(limits: dict) -> dict:
    mib = 2**20
    address_space = _vmsize_bytes() + int(limits["memory_mb"]) * mib
    cpu = int(limits["cpu_seconds"])
    wanted = {
        resource.RLIMIT_CPU: (cpu, cpu + 1),  # SIGXCPU at the soft limit, SIGKILL one second later
        resource.RLIMIT_AS: (address_space, address_space),
        resource.RLIMIT_NPROC: (int(limits["processes"]), int(limits["processes"])),
        resource.RLIMIT_FSIZE: (int(limits["file_mb"]) * mib, int(limits["file_mb"]) * mib),
        resource.RLIMIT_CORE: (0, 0),
        resource.RLIMIT_NOFILE: (256, 256),
    }
    for res, (soft, hard) in wanted.items():
        current_hard = resource.getrlimit(res)[1]
        if current_hard != resource.RLIM_INFINITY:  # never above what the host already allows
            hard = min(hard, current_hard)
        resource.setrlimit(res, (min(soft, hard), hard))
    return {"cpu": cpu, "as": address_space, "nproc": int(limits["processes"]),
            "fsize": int(limits["file_mb"]) * mib, "core": 0}


def _isolate_filesystem(spec: dict) -> None:
    """A mount namespace of our own: fresh tmpfs on every writable place, the home directory covered."""
    _linux.make_mounts_private()
    uid, gid = int(spec["uid"]), int(spec["gid"])
    size = int(spec["tmp_mb"])
    home = spec.get("home") or ""
    keep = [p for p in spec.get("keep", []) if os.path.isdir(p)]
    keep_fds = [os.open(p, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC) for p in keep]
    for d in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(d):
            _linux.mount_tmpfs(d, size_mb=size)
    if home and os.path.isdir(home) and home not in ("/", "/tmp"):
        _linux.mount("tmpfs", home, "tmpfs", _linux.MS_NOSUID | _linux.MS_NODEV,
                     f"size={size}m,nr_inodes=20000,mode=755,uid={uid},gid={gid}")
    for path, fd in zip(keep, keep_fds):
        # The Python installation (pyenv in the home directory, a virtual environment in a
        # checkout under /tmp) and nndl itself: bound back, read-only, over the fresh tmpfs.
        os.makedirs(path, mode=0o755, exist_ok=True)
        _linux.bind(f"/proc/self/fd/{fd}", path, readonly=True)
    for fd in keep_fds:
        os.close(fd)
    os.makedirs(SCRATCH, mode=0o700, exist_ok=True)
    os.chown(SCRATCH, uid, gid)


def _drop_privileges(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError("setuid did not take effect")


def _facts(spec: dict, rlimits: dict) -> dict:
    """What this worker can observe about its own confinement (for the protections report)."""
    def ns(name: str) -> str:
        try:
            return os.readlink(f"/proc/self/ns/{name}")
        except OSError:
            return ""

    tmpfs = {}
    try:
        for point, fstype, _ in _linux.mountinfo():
            if point in ("/tmp", "/var/tmp", "/dev/shm", spec.get("home") or "/nonexistent"):
                tmpfs[point] = fstype
    except OSError:
        pass
    facts: dict[str, Any] = {"pid": os.getpid(), "uid": os.getuid(), "euid": os.geteuid(),
                             "ns_net": ns("net"), "ns_mnt": ns("mnt"), "rlimits": rlimits,
                             "tmpfs": tmpfs, "cwd": os.getcwd()}
    if spec.get("probe"):
        # The worker's uid must be able to read the Python installation (lazy imports).
        for path in {os.path.dirname(os.__file__), os.path.dirname(np_file()), *spec.get("keep", [])}:
            if path and not os.access(path, os.R_OK | os.X_OK):
                raise PermissionError(f"uid {os.getuid()} cannot read {path} (the Python installation)")
        hidden = {}
        for path in spec.get("hidden", []):
            try:
                if os.path.isdir(path):
                    hidden[path] = "empty" if not os.listdir(path) else "visible"
                else:
                    with open(path, "rb") as fh:
                        hidden[path] = "empty" if not fh.read(1) else "visible"
            except OSError:
                hidden[path] = "unreadable"
        facts["hidden"] = hidden
    return facts


def np_file() -> str:
    try:
        import numpy

        return numpy.__file__ or ""
    except Exception:  # noqa: BLE001
        return ""


def _confine(spec: dict, out_fd: int) -> dict:
    os.setsid()
    separate_uid = bool(spec["separate_uid"])
    notes = []
    if spec["namespaces"]:
        _linux.unshare(_linux.CLONE_NEWNS | _linux.CLONE_NEWNET | _linux.CLONE_NEWIPC)
        _isolate_filesystem(spec)
        scratch = SCRATCH
    else:
        scratch = str(spec["scratch"])  # made by the grader, which removes it
    devnull = os.open("/dev/null", os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    os.close(devnull)
    os.close(out_fd)
    os.chdir(scratch)
    rlimits = _set_rlimits(spec["limits"])
    if separate_uid:
        _drop_privileges(int(spec["uid"]), int(spec["gid"]))
    try:
        _linux.prctl(_linux.PR_SET_NO_NEW_PRIVS, 1)
    except OSError as exc:
        notes.append(f"no_new_privs: {exc.strerror}")
    # The parent-death signal is reset by setuid: set it after dropping privileges.
    _linux.prctl(_linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != int(spec["zygote_pid"]):
        os._exit(0)
    env = {k: v for k, v in os.environ.items()}
    env.update({"HOME": scratch, "TMPDIR": scratch, "PWD": scratch, "USER": "student", "LOGNAME": "student"})
    os.environ.clear()
    os.environ.update(env)
    facts = _facts(spec, rlimits)
    facts["scratch"] = scratch
    facts["notes"] = notes
    return facts


def _fresh_interpreter_state(filename: str) -> dict:
    """A ``__main__`` module of its own, reseeded generators, fresh std streams."""
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8",
                                  errors="backslashreplace", line_buffering=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                  errors="backslashreplace", line_buffering=True)
    sys.argv = [filename]
    # Deterministic grading: the same submission sees the same random streams on every run.
    random.seed(0)
    try:
        import numpy as np

        np.random.seed(0)
    except Exception:  # noqa: BLE001
        pass
    try:
        import torch

        torch.manual_seed(0)
    except Exception:  # noqa: BLE001
        pass
    module = types.ModuleType("__main__")
    module.__dict__["__builtins__"] = builtins
    module.__dict__["__file__"] = filename
    sys.modules["__main__"] = module
    return module.__dict__


# --- serving --------------------------------------------------------------------------------------

def _flush() -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - the submission may have replaced the stream
            pass


def _send(sock: socket.socket, message: dict) -> None:
    try:
        body = to_bytes(message)
    except Exception as exc:  # noqa: BLE001
        body = to_bytes({"id": message.get("id"), "outcome": {
            "error": "NotPlainError", "message": f"the result could not be serialised ({type(exc).__name__})",
            "where": ""}})
    if len(body) > MAX_REPLY_BYTES:
        body = to_bytes({"id": message.get("id"), "outcome": {
            "error": "NotPlainError",
            "message": f"the result is {len(body) / 2**20:.0f} MiB, over the limit of {MAX_REPLY_BYTES / 2**20:.0f} MiB",
            "where": ""}})
    _flush()
    send_blocking(sock, body)


def _load(sock: socket.socket, rid: int, req: dict, ns: dict) -> dict:
    filename = str(req["filename"])
    errors = 0
    for position, cell in enumerate(req["cells"]):
        source = strip_magics(str(cell["source"]))
        ok, error = True, ""
        if source is not None:
            try:
                code = compile(source, filename, "exec", dont_inherit=True)
                exec(code, ns)  # noqa: S102 - this is the sandbox
            except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt too
                ok = False
                errors += 1
                error = _cell_error(exc, filename) if errors <= MAX_ERROR_CELLS else type(exc).__name__
        _flush()
        _send(sock, {"id": rid, "cell": position, "ok": ok, "error": error})
    return {"loaded": len(req["cells"])}


def _handle(req: dict, ns: dict, store: plain.ObjectStore, filename: str) -> dict:
    op = req["op"]
    if op == "call":
        found, fn = lookup(ns, str(req["name"]))
        if not found:
            return {"missing": True}
        if not callable(fn):
            return {"error": "TypeError", "message": f"{req['name']} is not a function", "where": ""}
        args = plain.decode(req["args"])
        kwargs = plain.decode(req["kwargs"])
        return invoke(fn, tuple(args), dict(kwargs), store, (filename,))
    if op == "value":
        found, value = lookup(ns, str(req["name"]))
        if not found:
            return {"missing": True}
        try:
            return {"ok": plain.encode(value, store), "mutated": []}
        except plain.NotPlainError as exc:
            return {"error": "NotPlainError", "message": str(exc), "where": ""}
    if op == "op":
        return run_op(str(req["opname"]), tuple(plain.decode(req["args"])), store)
    if op == "close_handles":
        close_all(store)
        return {"ok": None, "mutated": []}
    return {"error": "ProtocolError", "message": f"unknown request {op!r}", "where": ""}


def serve(sock: socket.socket, facts: dict, filename: str) -> None:
    ns = _fresh_interpreter_state(filename)
    store = plain.ObjectStore()
    _send(sock, {"id": 0, "ready": facts})
    while True:
        req = plain_json(recv_blocking(sock))
        rid = req.get("id")
        if req.get("op") == "exit":
            _flush()
            os._exit(0)
        try:
            if req.get("op") == "load":
                filename = str(req["filename"])
                ns["__file__"] = filename
                sys.argv = [filename]
                outcome = _load(sock, rid, req, ns)
            else:
                outcome = _handle(req, ns, store, filename)
        except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt & co. from the submission
            outcome = {"error": type(exc).__name__, "message": _text(exc)[:500], "where": ""}
        if outcome.get("error") in _RESERVED:
            outcome["error"] = f"{outcome['error']} (an exception raised by your code)"
        _send(sock, {"id": rid, "outcome": outcome})


def plain_json(raw: bytes) -> dict:
    import json

    data = json.loads(raw.decode("utf-8"))
    if type(data) is not dict:
        raise ValueError("request must be an object")
    return data


def child_main(spec: dict, sock_fd: int, out_fd: int) -> None:
    """Entry point in the forked child; never returns."""
    code = 70
    sock = None
    try:
        sock = socket.socket(fileno=sock_fd)
        try:
            facts = _confine(spec, out_fd)
        except BaseException as exc:  # noqa: BLE001
            try:
                send_blocking(sock, to_bytes({"id": 0, "setup_error": f"{type(exc).__name__}: {exc}"[:500]}))
            finally:
                os._exit(71)
        serve(sock, facts, str(spec.get("filename", "submission.py")))
    except BaseException:  # noqa: BLE001 - the worker ends here, whatever the submission did
        code = 70
    finally:
        os._exit(code)
