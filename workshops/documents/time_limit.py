"""Drawing in a child process that is stopped at a time limit: a PDF that runs too long is
killed, its memory goes with it, and the worker that asked goes on with its next job."""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection

from django.db import connections

# Fork, not spawn: the child has the worker's settings, templates and fonts already loaded, so
# a drawing starts in milliseconds. The worker runs one job at a time in one thread.
_FORK = multiprocessing.get_context("fork")
# The parent's database connections, kept referenced in the child (see _fresh_connections).
_inherited: list[object] = []


class DrawingTooLong(Exception):
    """The drawing ran past its limit and was stopped."""


class DrawingFailed(Exception):
    """The drawing raised an error in the child; the message names it."""


def run_with_time_limit(draw: Callable[[], bytes], *, seconds: float) -> bytes:
    """What `draw()` returns, computed in a child process; DrawingTooLong when it takes more
    than `seconds`, DrawingFailed when it raises or the child dies."""
    receiving, sending = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_draw_and_send, args=(draw, sending), daemon=True)
    child.start()
    sending.close()
    try:
        # The child sends one message; poll() is true as soon as it starts arriving.
        if not receiving.poll(seconds):
            raise DrawingTooLong(f"stopped after {seconds:g} seconds")
        try:
            ok, payload = receiving.recv()
        except EOFError:
            raise DrawingFailed(f"the drawing process died (exit code {child.exitcode})") from None
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join()
    if not ok:
        raise DrawingFailed(payload)
    return payload


def _draw_and_send(draw: Callable[[], bytes], sending: Connection) -> None:
    _fresh_connections()
    try:
        result: tuple[bool, object] = (True, draw())
    except Exception as error:
        last = traceback.format_exception_only(error)[-1].strip()
        result = (False, last[:500])
    sending.send(result)
    sending.close()


def _fresh_connections() -> None:
    """The child must never talk over the parent's database sockets (two processes on one
    socket garble both); should the drawing read anything, it opens its own connection. The
    inherited ones stay referenced, so that nothing closes them from here (closing sends the
    server a goodbye on the parent's behalf); the child ends with os._exit, which runs no
    finaliser."""
    for alias in list(connections):
        if connections[alias].connection is not None:
            _inherited.append(connections[alias])
            connections[alias] = connections.create_connection(alias)
