"""The zygote: a warm fork server that never runs submission code.

Started once per :class:`nndl.sandbox.Sandbox` with ``sys.executable``.  It
enters its own mount and network namespaces (when isolation is on and it runs
as root), imports everything a worker needs (numpy, scipy.stats, matplotlib
with the Agg backend, torch with one thread, the nndl runtime), then hides the
grader's private paths, makes every real file system read-only and mounts a
``/proc`` that shows other users' processes to nobody.  After that it forks
one worker per submission on request (:mod:`nndl.sandbox.worker`) and reaps
them; as a child subreaper it also reaps whatever the submissions orphan.

Control protocol (a ``SOCK_SEQPACKET`` socket inherited from the grader, one
JSON object per packet): the first packet is the configuration; then
``spawn`` (two file descriptors attached: the worker's socket and the write
end of its output pipe) -> ``{"pid"}``; ``wait`` -> ``{"status", "cpu"}``
once the worker is reaped (or ``null`` at the timeout); ``ping``.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import socket
import sys
import time


def _send(ctl: socket.socket, obj: dict) -> None:
    ctl.send(json.dumps(obj).encode("utf-8"))


def _import_runtime() -> dict:
    """Import what workers need, before any path is hidden."""
    failed = {}
    try:
        import numpy  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        failed["numpy"] = repr(exc)
    try:
        import scipy.stats  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        failed["scipy.stats"] = repr(exc)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        failed["matplotlib"] = repr(exc)
    try:
        import torch

        torch.set_num_threads(1)
    except Exception as exc:  # noqa: BLE001
        failed["torch"] = repr(exc)
    import nndl.figures  # noqa: F401
    import nndl.impl  # noqa: F401
    import nndl.messages  # noqa: F401
    import nndl.ops  # noqa: F401
    import nndl.plain  # noqa: F401
    import nndl.sandbox.worker  # noqa: F401
    # Lazily imported modules that submissions and the owner-side operations commonly reach.
    for name in ("matplotlib.contour", "matplotlib.patches", "scipy.linalg", "scipy.special",
                 "scipy.optimize", "numpy.linalg", "torch.nn", "torch.nn.functional", "json", "math",
                 "itertools", "functools", "collections", "dataclasses", "typing", "warnings", "copy"):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001
            pass
    return failed


def _keep_paths(covered: list[str]) -> list[str]:
    """Directories of the Python installation and of nndl that lie inside a directory the
    worker covers with a fresh tmpfs (the home directory with pyenv, /tmp with a checkout
    cloned there): the worker binds them back, read-only."""
    covered = [os.path.realpath(c) for c in covered if c and c != "/" and os.path.isdir(c)]
    if not covered:
        return []
    # The same paths the hiding step leaves visible (never the checkout root as a whole).
    inside = sorted(p for p in _needed_paths() if any(p.startswith(c + os.sep) for c in covered))
    keep: list[str] = []
    for p in inside:
        if not any(p == k or p.startswith(k + os.sep) for k in keep):
            keep.append(p)
    return keep


def _needed_paths() -> list[str]:
    """What workers must keep seeing: the Python installation, the virtual environment, nndl itself."""
    import nndl

    package = os.path.realpath(os.path.dirname(os.path.abspath(nndl.__file__)))
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    paths = prefixes | {package}
    for entry in sys.path:
        real = os.path.realpath(entry) if entry and os.path.isdir(entry) else ""
        # The checkout root on sys.path (to import nndl) is not needed as a whole: nndl/ is.
        if real and not (real == os.path.dirname(package)
                         and not any(real.startswith(p + os.sep) for p in prefixes)):
            paths.add(real)
    return sorted(paths)


def _hide(path: str, needed: list[str], linux, facts: dict, top: bool = True) -> None:
    """Cover ``path`` (tmpfs over a directory, /dev/null over a file).

    A directory that holds something workers need (e.g. a submission saved in
    the repository root, next to ``.venv``) is not covered as a whole: each of
    its entries is, except the ones on the way to what is needed.
    """
    real = os.path.realpath(path)
    if not os.path.lexists(real):
        return
    if real in needed:
        if top:
            facts["hidden_failed"].append(f"{real}: needed by the sandbox itself, left visible")
        return
    if os.path.isdir(real) and any(n.startswith(real + os.sep) for n in needed):
        try:
            entries = sorted(os.listdir(real))
        except OSError as exc:
            facts["hidden_failed"].append(f"{real}: {exc.strerror or exc}")
            return
        for entry in entries:
            child = os.path.join(real, entry)
            if not os.path.islink(child):  # a link's target is hidden (or not) in its own right
                _hide(child, needed, linux, facts, top=False)
        facts["hidden_partly"].append(real)
        return
    try:
        if os.path.isdir(real):
            linux.mount_tmpfs(real, size_mb=1, mode=0o755, readonly=True, nr_inodes=16)
        else:
            linux.bind("/dev/null", real, readonly=True)
        facts["hidden_ok"].append(real)
    except OSError as exc:
        facts["hidden_failed"].append(f"{real}: {exc.strerror or exc}")


def _confine_zygote(config: dict, linux) -> dict:
    """Hide private paths, read-only file systems, private /proc (in our own mount namespace)."""
    facts: dict = {"hidden_ok": [], "hidden_failed": [], "hidden_partly": []}
    needed = _needed_paths()
    for path in config.get("hidden", []):
        _hide(path, needed, linux, facts)
    try:
        failures = linux.remount_readonly_all()
        facts["readonly"] = "ok" if not failures else "partial: " + "; ".join(failures[:3])
    except OSError as exc:
        facts["readonly"] = f"failed: {exc.strerror or exc}"
    for option in ("hidepid=invisible", "hidepid=2"):
        try:
            linux.mount("proc", "/proc", "proc", linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC, option)
            facts["proc"] = option
            break
        except OSError as exc:
            facts["proc"] = f"failed: {exc.strerror or exc}"
    return facts


def main(ctl_fd: int, parent_pid: int) -> None:
    from nndl.sandbox import _linux

    # Die with the grader; a grader that died before this line is caught by the ppid check.
    _linux.prctl(_linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctl = socket.socket(fileno=ctl_fd)
    config = json.loads(ctl.recv(1 << 20).decode("utf-8"))
    started = time.perf_counter()
    facts: dict = {"root": os.geteuid() == 0}
    namespaces = False
    if config.get("isolate") and os.geteuid() == 0:
        try:
            _linux.unshare(_linux.CLONE_NEWNS | _linux.CLONE_NEWNET)
            _linux.make_mounts_private()
            namespaces = True
            facts["namespaces"] = "ok"
        except OSError as exc:
            facts["namespaces"] = f"failed: {exc.strerror or exc}"
    facts["import_failed"] = _import_runtime()
    home = config.get("home") or ""
    facts["keep"] = _keep_paths([home, "/tmp", "/var/tmp", "/dev/shm"])
    if namespaces:
        facts.update(_confine_zygote(config, _linux))
    try:
        _linux.prctl(_linux.PR_SET_CHILD_SUBREAPER, 1)
        facts["subreaper"] = True
    except OSError:
        facts["subreaper"] = False
    # Objects of the warm interpreter are never collected: keeps copy-on-write pages shared.
    gc.collect()
    gc.freeze()
    facts["import_seconds"] = time.perf_counter() - started
    facts["pid"] = os.getpid()
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmSize:")):
                facts[line.split(":")[0]] = int(line.split()[1]) * 1024
    _send(ctl, {"ready": True, "facts": facts})
    _serve(ctl, config, facts)


def _serve(ctl: socket.socket, config: dict, facts: dict) -> None:
    from nndl.sandbox import worker

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    workers: set[int] = set()
    statuses: dict[int, tuple[int, float]] = {}

    def reap() -> None:
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in workers:
                statuses[pid] = (status, usage.ru_utime + usage.ru_stime)
                workers.discard(pid)

    def drain_wakeups() -> None:
        try:
            while os.read(wake_r, 4096):
                pass
        except BlockingIOError:
            pass

    while True:
        readable, _, _ = select.select([ctl, wake_r], [], [])
        if wake_r in readable:
            drain_wakeups()
            reap()
        if ctl not in readable:
            continue
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctl, 1 << 20, 4)
        except OSError:
            os._exit(0)
        if not msg:
            os._exit(0)  # the grader is gone; workers die with us (parent-death signal)
        req = json.loads(msg.decode("utf-8"))
        op = req.get("op")
        if op == "spawn":
            spec = dict(req["spec"])
            spec.update({"zygote_pid": os.getpid(), "home": config.get("home") or "", "keep": facts["keep"],
                         "hidden": config.get("hidden", [])})
            pid = os.fork()
            if pid == 0:
                try:
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                    os.close(wake_r)
                    os.close(wake_w)
                    os.close(ctl.fileno())
                    worker.child_main(spec, fds[0], fds[1])
                finally:
                    os._exit(70)
            workers.add(pid)
            for fd in fds:
                os.close(fd)
            _send(ctl, {"pid": pid})
        elif op == "wait":
            pid, deadline = int(req["pid"]), time.monotonic() + float(req.get("timeout", 1.0))
            reap()
            while pid not in statuses and pid in workers and time.monotonic() < deadline:
                select.select([wake_r], [], [], max(0.0, min(0.05, deadline - time.monotonic())))
                drain_wakeups()
                reap()
            got = statuses.pop(pid, None)
            _send(ctl, {"status": None if got is None else got[0], "cpu": None if got is None else got[1]})
        elif op == "ping":
            for fd in fds:
                os.close(fd)
            _send(ctl, {"pong": True})
        else:
            for fd in fds:
                os.close(fd)
            _send(ctl, {"error": f"unknown op {op!r}"})


if __name__ == "__main__":  # pragma: no cover - started by nndl.sandbox.host
    main(int(sys.argv[1]), int(sys.argv[2]))
