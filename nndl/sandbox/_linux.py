"""Thin wrappers over the Linux kernel mechanisms the sandbox uses.

Python 3.11 has no ``os.unshare`` or ``mount``; they are called through
``ctypes`` on the C library, with ``errno`` turned into ``OSError``.  Nothing
here is clever: namespaces (``unshare(2)``), mounts (``mount(2)``),
``prctl(2)``, ``setrlimit(2)``, ``pidfd_send_signal(2)`` and cgroup files.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import re
import signal
import time
from collections.abc import Container
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36

#: Pseudo file systems left as they are when the root is made read-only.
_PSEUDO_FS = frozenset({"proc", "sysfs", "cgroup", "cgroup2", "devtmpfs", "devpts", "mqueue", "bpf",
                        "securityfs", "debugfs", "tracefs", "pstore", "configfs", "fusectl", "hugetlbfs",
                        "binfmt_misc", "autofs", "efivarfs", "rpc_pipefs", "nsfs"})
_MOUNT_FLAG_OPTIONS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC}

_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")
#: The name of a grader's cgroup (see :class:`CgroupManager`): ``nndl-sandbox-<grader pid>-<tag>``.
_STALE_TAG = re.compile(r"nndl-sandbox-(\d+)-[0-9a-f]+$")

_libc: ctypes.CDLL | None = None


def libc() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        _libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
        _libc.unshare.argtypes = [ctypes.c_int]
        _libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return _libc


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _b(value: str | os.PathLike | None) -> bytes | None:
    return None if value is None else os.fsencode(value)


def unshare(flags: int) -> None:
    _check(libc().unshare(flags), f"unshare({flags:#x})")


def mount(source: str | None, target: str | os.PathLike, fstype: str | None, flags: int = 0,
          data: str | None = None) -> None:
    _check(libc().mount(_b(source), _b(target), _b(fstype), flags, _b(data)), f"mount {target}")


def prctl(option: int, arg2: int = 0) -> None:
    _check(libc().prctl(option, arg2, 0, 0, 0), f"prctl({option})")


def make_mounts_private() -> None:
    """Stop mount events propagating between this mount namespace and the host's."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)


def mount_tmpfs(target: str | os.PathLike, *, size_mb: int, mode: int = 0o1777, readonly: bool = False,
                nr_inodes: int = 20000) -> None:
    flags = MS_NOSUID | MS_NODEV | (MS_RDONLY if readonly else 0)
    mount("tmpfs", target, "tmpfs", flags, f"size={size_mb}m,nr_inodes={nr_inodes},mode={mode:o}")


def bind(source: str | os.PathLike, target: str | os.PathLike, *, readonly: bool = True) -> None:
    mount(os.fspath(source), target, None, MS_BIND | MS_REC)
    if readonly:
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def mountinfo() -> list[tuple[str, str, set[str]]]:
    """``(mount point, fs type, per-mount options)`` for each mount of this namespace."""
    out = []
    with open("/proc/self/mountinfo") as fh:
        for line in fh:
            left, _, right = line.partition(" - ")
            fields, rfields = left.split(), right.split()
            if len(fields) < 6 or not rfields:
                continue
            point = _OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[4])  # \040 for a space
            out.append((point, rfields[0], set(fields[5].split(","))))
    return out


def remount_readonly_all() -> list[str]:
    """Make every real file system of this mount namespace read-only; return failures."""
    failed = []
    for point, fstype, options in mountinfo():
        if fstype in _PSEUDO_FS or "ro" in options:
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        for name, bit in _MOUNT_FLAG_OPTIONS.items():
            if name in options:
                flags |= bit
        try:
            mount(None, point, None, flags)
        except OSError as exc:
            if point == "/":
                raise
            failed.append(f"{point}: {exc.strerror}")
    return failed


# --- processes ------------------------------------------------------------------------------------

def _status_fields(pid: int) -> tuple[set[int], str] | None:
    """(real/effective/saved/fs uids, state letter) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            text = fh.read()
    except OSError:
        return None
    uids: set[int] = set()
    state = "?"
    for line in text.splitlines():
        if line.startswith(b"Uid:"):
            uids = {int(v) for v in line.split()[1:]}
        elif line.startswith(b"State:"):
            state = line.split()[1].decode()
    return uids, state


def pids_owned_by(uids: Container[int], *, zombies: bool = False) -> list[int]:
    """Processes whose real, effective or saved uid is in ``uids`` (live ones unless ``zombies``)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        st = _status_fields(int(name))
        if st is not None and any(u in uids for u in st[0]) and (zombies or st[1] not in ("Z", "X")):
            found.append(int(name))
    return found


def pids_of_uid(uid: int) -> list[int]:
    """Live (non-zombie) processes whose real, effective or saved uid is ``uid``."""
    return pids_owned_by({uid})


def _kill_pid(pid: int, check_uid: int | None = None) -> None:
    """SIGKILL one process through a pidfd, so a recycled pid is never hit."""
    try:
        fd = os.pidfd_open(pid)
    except (OSError, AttributeError):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        return
    try:
        if check_uid is not None:
            st = _status_fields(pid)
            if st is None or check_uid not in st[0]:
                return
        signal.pidfd_send_signal(fd, signal.SIGKILL)
    except OSError:
        pass
    finally:
        os.close(fd)


def kill_uid(uid: int, *, timeout: float = 10.0) -> bool:
    """SIGKILL every process of ``uid`` until none is left (catches setsid and double forks).

    Returns True when none is left.  Processes of the uid cannot outrun this:
    their number is bounded by RLIMIT_NPROC (and the pids cgroup), and a
    killed process forks no more.
    """
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        pids = pids_of_uid(uid)
        if not pids:
            return True
        for pid in pids:
            _kill_pid(pid, uid)
        if time.monotonic() > deadline:
            return not pids_of_uid(uid)
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def kill_pids(pids: list[int]) -> None:
    for pid in pids:
        _kill_pid(pid)


def process_exists(pid: int) -> bool:
    st = _status_fields(pid)
    return st is not None and st[1] not in ("Z", "X")


# --- cgroups --------------------------------------------------------------------------------------

class Cgroup:
    """One worker's cgroup(s): v1 ``pids`` + ``memory`` directories, or one v2 directory."""

    def __init__(self, dirs: list[Path], version: int) -> None:
        self.dirs, self.version = dirs, version

    def attach(self, pid: int) -> None:
        for d in self.dirs:
            (d / "cgroup.procs").write_text(str(pid))

    def pids(self) -> list[int]:
        out: set[int] = set()
        for d in self.dirs:
            try:
                out.update(int(v) for v in (d / "cgroup.procs").read_text().split())
            except OSError:
                pass
        return sorted(out)

    def oom_killed(self) -> bool:
        for d in self.dirs:
            for name in ("memory.oom_control", "memory.events"):
                try:
                    text = (d / name).read_text()
                except OSError:
                    continue
                for line in text.splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill" and value.strip() not in ("", "0"):
                        return True
            try:
                if int((d / "memory.failcnt").read_text()) > 0 and not self.pids():
                    return True
            except (OSError, ValueError):
                pass
        return False

    def kill_all(self, timeout: float = 0.0) -> bool:
        """SIGKILL every member (repeatedly, up to ``timeout`` s, until none is left); True when empty."""
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            for d in self.dirs:
                if self.version == 2 and (d / "cgroup.kill").exists():
                    try:
                        (d / "cgroup.kill").write_text("1")
                    except OSError:
                        pass
            members = [p for p in self.pids() if process_exists(p)]
            if not members:
                return True
            kill_pids(members)
            if time.monotonic() > deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def remove(self, timeout: float = 2.0) -> None:
        deadline = time.monotonic() + timeout
        for d in self.dirs:
            while True:
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if exc.errno != errno.EBUSY or time.monotonic() > deadline:
                        break
                    kill_pids(self.pids())
                    time.sleep(0.01)


class CgroupManager:
    """Creates one cgroup per worker below this process's own cgroups, when the host allows it."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.version = 0
        self.bases: list[Path] = []
        self.reason = ""
        try:
            self._setup()
        except OSError as exc:
            self.reason = f"cgroup not writable ({exc.strerror or exc})"
            self._remove_bases()
            self.bases = []
            self.version = 0

    @property
    def active(self) -> bool:
        return bool(self.bases)

    def _own_paths(self) -> dict[str, str]:
        paths = {}
        with open("/proc/self/cgroup") as fh:
            for line in fh:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for c in controllers.split(",") if controllers else [""]:
                    paths[c] = path
        return paths

    @staticmethod
    def _sweep(parent: Path) -> None:
        """Remove the cgroups of graders that died without cleaning up (killed halfway)."""
        try:
            entries = list(parent.iterdir())
        except OSError:
            return
        for entry in entries:
            m = _STALE_TAG.match(entry.name)
            if m is None or not entry.is_dir():
                continue
            try:
                os.kill(int(m.group(1)), 0)
                continue  # its grader is alive
            except ProcessLookupError:
                pass
            except OSError:
                continue
            for child in [c for c in entry.iterdir() if c.is_dir()] + [entry]:
                Cgroup([child], 1).remove(timeout=1.0)

    def _setup(self) -> None:
        root = Path("/sys/fs/cgroup")
        own = self._own_paths()
        v1 = {c: root / c for c in ("pids", "memory") if (root / c / "cgroup.procs").exists() and c in own}
        if len(v1) == 2:
            for c, mount_dir in v1.items():
                parent = mount_dir / own[c].lstrip("/")
                self._sweep(parent)
                base = parent / self.tag
                base.mkdir(mode=0o755)
                self.bases.append(base)
            self.version = 1
            return
        unified = root if (root / "cgroup.controllers").exists() else None
        if unified is not None and "" in own:
            parent = unified / own[""].lstrip("/")
            available = set((parent / "cgroup.controllers").read_text().split())
            if not {"pids", "memory"} <= available:
                self.reason = f"cgroup v2 without the pids and memory controllers (has: {' '.join(sorted(available)) or 'none'})"
                return
            self._sweep(parent)
            base = parent / self.tag
            base.mkdir(mode=0o755)
            self.bases.append(base)
            (base / "cgroup.subtree_control").write_text("+pids +memory")
            self.version = 2
            return
        self.reason = "no writable pids and memory cgroup controllers (cgroup v1 or v2) found"

    def create(self, name: str, *, max_pids: int, memory_bytes: int) -> Cgroup:
        dirs = []
        try:
            for base in self.bases:
                d = base / name
                d.mkdir(mode=0o755)
                dirs.append(d)
                if self.version == 1 and (d / "pids.max").exists():
                    (d / "pids.max").write_text(str(max_pids))
                if self.version == 1 and (d / "memory.limit_in_bytes").exists():
                    (d / "memory.limit_in_bytes").write_text(str(memory_bytes))
                    if (d / "memory.memsw.limit_in_bytes").exists():
                        try:
                            (d / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
                        except OSError:
                            pass
                if self.version == 2:
                    (d / "pids.max").write_text(str(max_pids))
                    (d / "memory.max").write_text(str(memory_bytes))
                    if (d / "memory.swap.max").exists():
                        (d / "memory.swap.max").write_text("0")
        except OSError:
            Cgroup(dirs, self.version).remove()
            raise
        return Cgroup(dirs, self.version)

    def _remove_bases(self) -> None:
        for base in self.bases:
            try:
                base.rmdir()
            except OSError:
                pass

    def close(self) -> None:
        self._remove_bases()
        self.bases = []
