"""The messages a pool and its workers exchange over one duplex pipe per worker.

Every message is a tuple pickled with protocol 5 and sent as one ``send_bytes`` frame. The first item names
the kind. Messages from one worker arrive in the order it sent them, which is what guarantees that every
progress report of a task reaches the caller before its result.

Parent to worker:
    ``("run", task_id, payload)``   payload: ``(module, qualname, args, kwargs)``, pickled once at submit
    ``("cancel", task_id)``         ask the running task to stop (cooperatively)
    ``("last_look", task_id, go)``  the answer to ``past_cancel``: ``go`` is True if the task may go past its
                                    last look (no cancel was asked; none will be), False if it must stop
    ``("exit",)``                   finish and exit (idle retirement, recycling, close)

Worker to parent:
    ``("ready", pid)``                                       bootstrapped; can take tasks
    ``("startup_failed", detail)``                           the initializer failed; the worker exits next
    ``("progress", task_id, phase, percent, message, item)`` one progress report
    ``("items", task_id, items)``                            one chunk of a streamed list/generator result
    ``("ok", task_id, result)``                              the result, small enough for one frame
    ``("ok_items", task_id)``                                the result is the list of the chunks sent before
    ``("err", task_id, exc_bytes, type_name, text, tb)``     the task raised (``exc_bytes``: None if
                                                             the exception does not pickle)
    ``("cancelled", task_id)``                               the task stopped after a cancel request
    ``("past_cancel", task_id)``                             the task takes its last look at a cancel
                                                             (``harmony.progress.last_look``) and waits for
                                                             the pool's ``last_look`` answer
"""

from __future__ import annotations

import importlib
import pickle
from collections.abc import Callable
from typing import Any, Final

__all__ = [
    "CANCEL",
    "CANCELLED",
    "ERR",
    "EXIT",
    "ITEMS",
    "LAST_LOOK",
    "OK",
    "OK_ITEMS",
    "PAST_CANCEL",
    "PROGRESS",
    "READY",
    "RUN",
    "STARTUP_FAILED",
    "FunctionRef",
    "decode",
    "encode",
    "function_ref",
    "resolve_function",
]

RUN: Final = "run"
CANCEL: Final = "cancel"
LAST_LOOK: Final = "last_look"
EXIT: Final = "exit"
READY: Final = "ready"
STARTUP_FAILED: Final = "startup_failed"
PROGRESS: Final = "progress"
ITEMS: Final = "items"
OK: Final = "ok"
OK_ITEMS: Final = "ok_items"
ERR: Final = "err"
CANCELLED: Final = "cancelled"
PAST_CANCEL: Final = "past_cancel"

PICKLE_PROTOCOL: Final = 5

FunctionRef = tuple[str, str]
"""A task function by name: ``(module, qualname)``. Workers import it; code never travels over the pipe."""


def encode(message: tuple[Any, ...]) -> bytes:
    """Pickle one message into a frame."""
    return pickle.dumps(message, protocol=PICKLE_PROTOCOL)


def decode(frame: bytes) -> tuple[Any, ...]:
    """Unpickle one frame into a message tuple."""
    message = pickle.loads(frame)
    if not isinstance(message, tuple) or not message:
        raise ValueError(f"malformed worker message: {message!r}")
    return message


def function_ref(fn: Callable[..., Any]) -> FunctionRef:
    """Name ``fn`` so a worker can import it, or raise TypeError when a worker could not.

    Only top-level functions of importable modules qualify: lambdas, closures and nested functions have no
    name a worker could import, and workers never load the app's ``__main__`` script.
    """
    module = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str):
        raise TypeError(f"{fn!r} cannot run in a worker: it is not a function defined at the top of a module")
    if module == "__main__":
        raise TypeError(
            f"{qualname} cannot run in a worker: it is defined in the script being run, which workers do not "
            "load; move it into an importable module"
        )
    if "<lambda>" in qualname or "<locals>" in qualname:
        raise TypeError(
            f"{module}.{qualname} cannot run in a worker: lambdas and nested functions cannot be imported "
            "there; define it at the top level of a module"
        )
    try:
        found = resolve_function((module, qualname))
    except (ImportError, AttributeError) as error:
        raise TypeError(f"{module}.{qualname} cannot run in a worker: {error}") from error
    if found is not fn:
        raise TypeError(
            f"{module}.{qualname} cannot run in a worker: that name refers to another object in its module "
            "(a decorator that does not use functools.wraps?)"
        )
    return (module, qualname)


def resolve_function(ref: FunctionRef) -> Callable[..., Any]:
    """Import the function named by ``ref``."""
    module_name, qualname = ref
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise TypeError(f"{module_name}.{qualname} is not callable")
    result: Callable[..., Any] = target
    return result
