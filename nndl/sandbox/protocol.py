"""Length-prefixed JSON frames between the grader and a sandboxed worker.

A frame is a 4-byte big-endian length followed by that many bytes of UTF-8
JSON.  Payload values are encoded with :mod:`nndl.plain` (no pickle).  The
grader side reads with a deadline and a size cap and never trusts what it
reads: :func:`parse_json` rejects NaN/Infinity literals and anything that
is not JSON, and the caller validates every field.
"""

from __future__ import annotations

import json
import select
import socket
import struct
import time
from typing import Any

_HEADER = struct.Struct("!I")
#: Largest frame the grader accepts from a worker.
MAX_REPLY_BYTES = 64 * 2**20
#: Largest frame a worker accepts from the grader.
MAX_REQUEST_BYTES = 512 * 2**20


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed frame."""


class Deadline(Exception):
    """The deadline passed before the frame was complete."""


class Closed(Exception):
    """The other side closed the connection (the worker is gone)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolError(f"malformed reply ({type(exc).__name__}: {str(exc)[:100]})") from None


def to_bytes(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).encode("utf-8")


# --- grader side: deadlines everywhere ----------------------------------------------------------

def _wait(sock: socket.socket, events: int, deadline: float) -> None:
    poller = select.poll()
    poller.register(sock.fileno(), events)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Deadline()
        ready = poller.poll(min(left, 3600.0) * 1000)
        if ready:
            return


def send_frame(sock: socket.socket, payload: bytes, deadline: float) -> None:
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        _wait(sock, select.POLLOUT, deadline)
        try:
            sent = sock.send(data, socket.MSG_DONTWAIT)
        except BlockingIOError:
            continue
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise Closed(str(exc)) from None
        data = data[sent:]


def _recv_exact(sock: socket.socket, n: int, deadline: float) -> bytes:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        _wait(sock, select.POLLIN, deadline)
        try:
            k = sock.recv_into(view[got:], n - got, socket.MSG_DONTWAIT)
        except BlockingIOError:
            continue
        except ConnectionResetError as exc:
            raise Closed(str(exc)) from None
        if k == 0:
            raise Closed("end of stream")
        got += k
    return bytes(buf)


def recv_frame(sock: socket.socket, deadline: float, max_bytes: int = MAX_REPLY_BYTES) -> bytes:
    (size,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size, deadline))
    if size > max_bytes:
        raise ProtocolError(f"the reply was {size / 2**20:.1f} MiB, over the limit of {max_bytes / 2**20:.0f} MiB")
    return _recv_exact(sock, size, deadline)


# --- worker side: blocking ----------------------------------------------------------------------

def send_blocking(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _recv_exact_blocking(sock: socket.socket, n: int) -> bytes:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise Closed("end of stream")
        got += k
    return bytes(buf)


def recv_blocking(sock: socket.socket, max_bytes: int = MAX_REQUEST_BYTES) -> bytes:
    (size,) = _HEADER.unpack(_recv_exact_blocking(sock, _HEADER.size))
    if size > max_bytes:
        raise ProtocolError(f"request of {size} bytes is too large")
    return _recv_exact_blocking(sock, size)
