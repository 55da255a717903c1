"""The gunicorn worker the README's deploy line runs: gthread, except that a request is read in full before a
thread takes it.

gunicorn's gthread worker hands a connection to one of its threads as soon as its first bytes arrive, and the
thread then blocks until the whole header block is there. A client that sends half a header block and waits
(a "slowloris") holds a thread as long as it likes: 8 such connections took every thread of `-w 2 --threads 4`,
and /login stopped answering for everybody. Here the worker's own event loop (the one that already waits for
idle kept-alive connections without a thread) reads each request, new or kept alive, until its headers and a body
of up to `MAX_BODY` bytes have arrived, and only then gives it to a thread. A slow client costs a few kilobytes of
buffer, never a thread; one that has not sent its request within `REQUEST_SECONDS` is disconnected. Bodies
larger than `MAX_BODY` (uploads) are read by the thread, as before: only an administrator's upload is that big.

    gunicorn -k dashboards.serving.worker.BufferingWorker -w 2 --threads 4 ... app:server

A buffering reverse proxy in front (nginx's default proxy_request_buffering) does the same and is fine to add;
this makes the line safe without one. tests/dashboards/serving/test_worker.py starts gunicorn as the README says
and shows /login answering while slow clients hold connections open.
"""

from __future__ import annotations

import re
import selectors
import time
from collections import deque
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

REQUEST_SECONDS = 10.0  # from the first byte of a request (or a kept-alive connection waking) to its last
MAX_HEAD = 64 * 1024  # a header block larger than this is not one a browser sends
MAX_BODY = 2 * 1024 * 1024  # bodies up to this are read before a thread takes the request
_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)")


class BufferingWorker(ThreadWorker):
    """gthread that gives a thread only whole requests (see the module's docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.arriving: deque = deque()  # connections whose request is still arriving, oldest first

    def enqueue_req(self, conn) -> None:
        if self.cfg.is_ssl or getattr(conn, "scn_whole", False):
            conn.scn_whole = False
            super().enqueue_req(conn)
            return
        held = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        conn.scn_buffer = bytearray(held)
        conn.sock.setblocking(False)
        if _whole(conn.scn_buffer):
            self._hand_over(conn)
            return
        conn.timeout = time.monotonic() + REQUEST_SECONDS
        self.arriving.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, conn))

    def _readable(self, conn, _sock) -> None:
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        conn.scn_buffer += data
        too_big = conn.scn_buffer.find(b"\r\n\r\n") < 0 and len(conn.scn_buffer) > MAX_HEAD
        if not data or too_big:
            self._drop(conn)
            return
        if _whole(conn.scn_buffer):
            self.poller.unregister(conn.sock)
            self.arriving.remove(conn)
            self._hand_over(conn)

    def _hand_over(self, conn) -> None:
        """Give the request, read so far into the buffer, to a thread (the parser reads the buffer first)."""
        conn.sock.setblocking(True)
        conn.init()  # the HTTP parser (plain sockets: reads nothing)
        conn.parser.unreader.unread(bytes(conn.scn_buffer))
        conn.scn_buffer = None
        conn.data_ready = True
        conn.scn_whole = True
        self.enqueue_req(conn)

    def _drop(self, conn) -> None:
        try:
            self.poller.unregister(conn.sock)
        except (OSError, KeyError, ValueError):
            pass
        if conn in self.arriving:
            self.arriving.remove(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        while self.arriving and self.arriving[0].timeout <= now:
            self._drop(self.arriving[0])


def _whole(buffer: bytearray) -> bool:
    """Whether `buffer` holds a request's whole header block and its body (or as much body as is read here)."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return False
    head = bytes(buffer[:end]).lower()
    if b"\r\ntransfer-encoding:" in head:
        return True  # chunked (browsers send a length): the thread reads it, bounded by gunicorn's own limits
    found = _LENGTH.search(head)
    length = int(found.group(1)) if found else 0
    return length > MAX_BODY or len(buffer) - end - 4 >= length
