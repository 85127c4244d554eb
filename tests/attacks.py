"""The attack corpus: one submission per threat of the issue "Grading that
students cannot break or fool", each with the exact score it must get.

An attack is hostile code (``code``), optionally followed or preceded by the
reference solution of the target set (``reference``: "after" puts the
hostile code first, "before" puts it last).  With the reference the
submission deserves full marks if the attack is harmless to the grader and
the hostile behaviour costs nothing; without it the functions are missing or
wrong and it deserves ``expected`` (0 unless stated).  The corpus targets the
``activations`` set: its checks are cheap, so the whole corpus grades in
seconds.
"""

from __future__ import annotations

import dataclasses

#: A loopback port the test listens on in the grading process; a submission
#: that reaches it proves the network namespace is missing.
CANARY_PORT = 47_653


@dataclasses.dataclass(frozen=True)
class Attack:
    id: str
    threat: str
    code: str
    #: None: hostile code only; "after": hostile code, then the reference; "before": reference, then hostile code.
    reference: str | None = None
    #: "full", "zero", or the exact points.
    expected: str | float = "zero"


ATTACKS = [
    # --- ending the process / the parent ---------------------------------------------------
    Attack("sys_exit_at_import", "sys.exit(0) while loading", "import sys\nsys.exit(0)\n"),
    Attack("os_exit_at_import", "os._exit(0) while loading", "import os\nos._exit(0)\n"),
    Attack("os_exit_in_call", "os._exit(0) inside a call",
           "import os\ndef leaky_relu(x, alpha=0.01):\n    os._exit(0)\n"
           "def logistic(x):\n    os._exit(0)\n"),
    Attack("kill_parent", "kill the parent process at import",
           "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
           "    except OSError:\n        pass\n", reference="after", expected="full"),
    Attack("raise_systemexit_in_call", "raise SystemExit from a call",
           "def leaky_relu(x, alpha=0.01):\n    raise SystemExit(0)\n"),
    Attack("keyboard_interrupt_in_call", "raise KeyboardInterrupt from a call",
           "def leaky_relu(x, alpha=0.01):\n    raise KeyboardInterrupt\n"
           "def logistic(x):\n    raise KeyboardInterrupt\n"),
    Attack("base_exception_in_call", "raise a custom BaseException",
           "class Boom(BaseException):\n    pass\ndef leaky_relu(x, alpha=0.01):\n    raise Boom()\n"),
    # --- time, memory, processes --------------------------------------------------------
    Attack("infinite_loop_at_import", "loop forever while loading", "while True:\n    pass\n"),
    Attack("infinite_loop_in_call", "loop forever inside a call",
           "def leaky_relu(x, alpha=0.01):\n    while True:\n        pass\n"),
    Attack("ignore_sigalrm_and_loop", "ignore SIGALRM and SIGTERM, then loop",
           "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
           "signal.setitimer(signal.ITIMER_REAL, 0)\ndef logistic(x):\n    while True:\n        pass\n"),
    Attack("memory_bomb", "allocate memory without bound",
           "blocks = []\nwhile True:\n    blocks.append(bytearray(2**28))\n"),
    Attack("huge_return", "return an array too large to send",
           "import numpy as np\ndef leaky_relu(x, alpha=0.01):\n    return np.ones(10**10)\n"),
    Attack("fork_bomb", "fork without bound",
           "import os\nfor _ in range(10_000):\n    try:\n        if os.fork() == 0:\n            import time\n            time.sleep(600)\n"
           "    except OSError:\n        break\n", reference="after", expected="full"),
    Attack("orphan_daemon", "leave a process running in its own session",
           "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'],\n"
           "                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n",
           reference="after", expected="full"),
    Attack("busy_thread", "leave a CPU-burning thread running",
           "import threading\ndef _spin():\n    while True:\n        pass\n"
           "threading.Thread(target=_spin, daemon=True).start()\n", reference="after", expected="full"),
    # --- patching the grader ---------------------------------------------------------------
    Attack("patch_numpy", "monkeypatch numpy's comparisons, then submit wrong code",
           "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
           "np.testing.assert_allclose = lambda *a, **k: None\nnp.isclose = lambda a, b, **k: np.ones(np.shape(a), bool)\n"
           "def leaky_relu(x, alpha=0.01):\n    return np.zeros(np.shape(x))\n"
           "def logistic(x):\n    return np.zeros(np.shape(x))\n"),
    Attack("patch_builtins_assertionerror", "replace builtins.AssertionError",
           "import builtins\nclass _Never(Exception):\n    pass\nbuiltins.AssertionError = _Never\n"
           "def leaky_relu(x, alpha=0.01):\n    return x * 0.0\n"),
    Attack("patch_hypothesis", "replace hypothesis.given with a no-op",
           "import hypothesis\nhypothesis.given = lambda *a, **k: (lambda f: (lambda *x, **y: None))\n"
           "hypothesis.settings = lambda *a, **k: (lambda f: f)\n"
           "def leaky_relu(x, alpha=0.01):\n    return x * 0.0\n"),
    Attack("patch_grader_modules", "import the grader and make every check pass",
           "import sys\ntry:\n    import nndl.checks, nndl.numerics, nndl.impl\n"
           "    nndl.numerics.assert_close = lambda *a, **k: None\n    nndl.numerics.expect_array = lambda v, *a, **k: v\n"
           "    nndl.checks.run_check = lambda check, impl, **k: None\nexcept Exception:\n    pass\n"
           "def leaky_relu(x, alpha=0.01):\n    return x * 0.0\n"),
    Attack("import_hook", "install an import hook that replaces grader modules",
           "import sys, types\nclass _Hook:\n    def find_spec(self, name, path=None, target=None):\n"
           "        if name.startswith(('nndl', 'grader', 'hypothesis')):\n            raise ImportError('hijacked')\n"
           "        return None\nsys.meta_path.insert(0, _Hook())\nfor _m in [m for m in sys.modules if m.startswith(('nndl', 'grader'))]:\n"
           "    sys.modules[_m] = types.ModuleType(_m)\n"
           "def leaky_relu(x, alpha=0.01):\n    return x * 0.0\n"),
    # --- lying results -------------------------------------------------------------------
    Attack("ndarray_subclass", "return an ndarray subclass whose comparisons always succeed",
           "import numpy as np\nclass Liar(np.ndarray):\n    def __eq__(self, other):\n        return True\n"
           "    def __array_ufunc__(self, *a, **k):\n        return np.zeros(1)\n"
           "def leaky_relu(x, alpha=0.01):\n    return np.zeros(np.shape(x)).view(Liar)\n"
           "def logistic(x):\n    return np.zeros(np.shape(x)).view(Liar)\n"),
    Attack("float_equal_to_anything", "return floats that compare equal to anything",
           "class Liar(float):\n    def __eq__(self, other):\n        return True\n    def __sub__(self, other):\n        return 0.0\n"
           "    __rsub__ = __sub__\n    def __abs__(self):\n        return 0.0\n"
           "def leaky_relu(x, alpha=0.01):\n    return Liar(0.0)\n"),
    Attack("changing_bool", "return an object whose __bool__ changes between calls",
           "import itertools\n_c = itertools.count()\nclass Flip:\n    def __bool__(self):\n        return next(_c) % 2 == 0\n"
           "def leaky_relu(x, alpha=0.01):\n    return Flip()\n"),
    Attack("correct_sometimes", "answer correctly only every other call",
           "import numpy as np\n_n = [0]\ndef leaky_relu(x, alpha=0.01):\n    _n[0] += 1\n    x = np.asarray(x, float)\n"
           "    return np.where(x >= 0, x, alpha * x) if _n[0] % 2 else x\n"),
    Attack("mutates_inputs", "modify the inputs in place (the right result, computed in place)",
           "import numpy as np\ndef leaky_relu(x, alpha=0.01):\n    x[x < 0] *= alpha\n    return x\n"),
    Attack("keeps_references", "keep references to inputs and scribble on them in later calls",
           "_kept = []\n_real = leaky_relu\ndef leaky_relu(x, alpha=0.01):\n    for old in _kept:\n        old[...] = 123.0\n"
           "    out = _real(x, alpha)\n    if isinstance(x, np.ndarray):\n        _kept.append(x)\n    return out\n", reference="before", expected="full"),
    # --- output ----------------------------------------------------------------------------
    Attack("fake_report", "print text imitating the grader's report",
           "import sys, json\nprint(json.dumps({'set': 'session1/activations', 'score': 10.5, 'max_score': 10.5}))\n"
           "print('\\u2713 all checks passed: 10.5/10.5')\nsys.stderr.write('score: 10.5\\n')\n"),
    Attack("flood_output", "flood stdout and stderr",
           "import sys\nfor _ in range(2000):\n    sys.stdout.write('x' * 65536)\n    sys.stderr.write('y' * 65536)\n",
           reference="after", expected="full"),
    # --- reading and writing what it must not --------------------------------------------
    Attack("read_solutions", "copy the reference solution from the repository",
           "import pathlib, nndl\nroot = pathlib.Path(nndl.__file__).resolve().parents[1]\n"
           "exec((root / 'solutions' / 'session1' / 'activations.py').read_text())\n"),
    Attack("read_checks", "read the hidden checks and the other submissions",
           "import pathlib, nndl, os\nroot = pathlib.Path(nndl.__file__).resolve().parents[1]\n"
           "leaked = []\nfor p in [root / 'grader' / 'session1' / 'activations.py', root / 'tests' / 'attacks.py']:\n"
           "    try:\n        leaked.append(p.read_text())\n    except OSError:\n        pass\n"
           "if leaked:\n    import numpy as np\n    def leaky_relu(x, alpha=0.01):\n        x = np.asarray(x, float)\n"
           "        return np.where(x >= 0, x, alpha * x)\n"),
    Attack("write_outside_scratch", "write to the home directory, /tmp, the repository and the gradebook",
           "import pathlib, nndl, os\nroot = pathlib.Path(nndl.__file__).resolve().parents[1]\n"
           "for p in [pathlib.Path.home() / 'nndl_pwned', pathlib.Path('/root/nndl_pwned'), pathlib.Path('/tmp/nndl_pwned'),\n"
           "          root / 'nndl_pwned', root / 'grader' / 'nndl_pwned', root / 'nndl' / 'nndl_pwned']:\n"
           "    try:\n        p.write_text('pwned')\n    except OSError:\n        pass\n",
           reference="after", expected="full"),
    Attack("network", "open a network connection to the grading machine",
           f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {CANARY_PORT}), timeout=1).sendall(b'leak')\n"
           "    import numpy as np\n    def leaky_relu(x, alpha=0.01):\n        x = np.asarray(x, float)\n"
           "        return np.where(x >= 0, x, alpha * x)\nexcept OSError:\n    pass\n"),
]
