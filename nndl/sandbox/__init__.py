"""Sandboxed grading: submission code runs in confined worker processes, checks run here.

One :class:`Sandbox` starts one warm *zygote* (a fork server with numpy,
scipy, matplotlib and torch imported; :mod:`nndl.sandbox.zygote`).  Each
submission is loaded into a fresh *worker* forked from it
(:mod:`nndl.sandbox.worker`) and confined with kernel mechanisms: its own
mount, network and IPC namespaces, fresh tmpfs for every writable place, the
grader's private paths hidden, a read-only root, rlimits, a cgroup where the
host allows one, and a dedicated unprivileged uid whose every process is
killed when the session ends.  The checks call the submission's functions
through :class:`RemoteImpl` (the :class:`nndl.impl.Impl` contract) with plain
data only (:mod:`nndl.plain`), validated on arrival.

    with Sandbox(course().limits, hidden_paths=[...]) as box:
        session = box.load([Cell(0, source, "cell 1")], filename="activations.py")
        session.ensure_alive()
        session.begin_check(30.0)
        session.impl.leaky_relu(np.array([-1.0]))
        session.close()

``python -m nndl.sandbox`` prints which protections are active on this machine.
"""

from nndl.sandbox.host import Cell, RemoteImpl, Sandbox, SandboxError, Session, report_protections

__all__ = ["Cell", "RemoteImpl", "Sandbox", "SandboxError", "Session", "report_protections"]
