"""Dispatcher: run the registered handler of a task, compensating before retries.

A retry of a non-idempotent type first runs the handler's compensation,
which cleans up the partial work of the failed run. A retry of an
idempotent type runs the handler directly.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Iterable, Optional, Tuple

from .catalog import spec
from .errors import (
    CompensationError,
    MissingCompensationError,
    NoHandlerError,
    describe_error,
)
from .handlers import Handler, HandlerRegistry
from .lookup import SpecLookup, SpecResolver

Hook = Callable[..., Any]


def _is_coroutine_function(function: object) -> bool:
    if inspect.iscoroutinefunction(function):
        return True
    # An instance whose class defines ``async def __call__``.
    return inspect.iscoroutinefunction(getattr(function, "__call__", None))


def _handler_is_async(handler: Handler) -> bool:
    if isinstance(handler.target, type):
        return _is_coroutine_function(getattr(handler.target, "run", None))
    return _is_coroutine_function(handler.target)


def _use_run_async(role: str, task_type: str) -> TypeError:
    return TypeError(
        f"{role} of {task_type!r} is async: call Dispatcher.run_async instead of run"
    )


def _reject_awaitable(result: object, role: str, task_type: str) -> None:
    """Raise TypeError if a synchronous call returned an awaitable."""
    if not inspect.isawaitable(result):
        return
    if inspect.iscoroutine(result):
        # Closing it avoids the "coroutine was never awaited" warning.
        result.close()
    raise TypeError(
        f"{role} of {task_type!r} returned an awaitable, which run cannot "
        "await: call Dispatcher.run_async instead of run"
    )


def _check_retries(retries: int) -> None:
    if not isinstance(retries, int) or isinstance(retries, bool):
        raise TypeError(
            f"retries must be an int, got {retries!r}: "
            "pass 0 for the first run and n for retry n"
        )
    if retries < 0:
        raise ValueError(
            f"retries must be 0 or more, got {retries}: "
            "pass 0 for the first run and n for retry n"
        )


class Dispatcher:
    """Task runner that calls the handlers of one HandlerRegistry.

    ``lookup`` resolves a task type to its spec, whose ``idempotent`` flag
    decides whether a retry needs compensation. It is a function like
    ``spec`` or a mapping such as the result of ``build_index``.
    ``known_types`` are the names offered as suggestions for an unknown
    type, and SpecResolver describes their default.
    """

    def __init__(
        self,
        handlers: HandlerRegistry,
        lookup: SpecLookup = spec,
        known_types: Optional[Iterable[str]] = None,
    ) -> None:
        self.handlers = handlers
        self.specs = SpecResolver(lookup, known_types)

    def run(self, task_type: str, payload: Any, retries: int = 0) -> Any:
        """Run the handler of ``task_type`` on ``payload`` and return its result.

        ``retries`` is 0 for the first run and n for retry n. On a retry of
        a non-idempotent type the compensation runs first, with the same
        payload. Raises UnknownTaskTypeError for a type the lookup lacks,
        NoHandlerError for a type without handler, MissingCompensationError
        for a non-idempotent retry without compensation, CompensationError
        if the compensation raises, and TypeError if the handler or the
        compensation is async. The handler's own errors propagate unchanged.
        The dispatcher does not compare ``retries`` with ``max_retry``,
        because ``enqueue`` can override that per message.
        """
        handler, hook = self._prepare(task_type, retries)
        if _handler_is_async(handler):
            raise _use_run_async("handler", task_type)
        if hook is not None:
            if _is_coroutine_function(hook):
                raise _use_run_async("compensation", task_type)
            try:
                outcome = hook(payload)
            except Exception as error:
                raise CompensationError(
                    task_type, retries, describe_error(error)
                ) from error
            _reject_awaitable(outcome, "compensation", task_type)
        result = handler(payload)
        _reject_awaitable(result, "handler", task_type)
        return result

    async def run_async(self, task_type: str, payload: Any, retries: int = 0) -> Any:
        """Run the handler like ``run``, awaiting every awaitable it returns.

        Synchronous handlers and compensations are called directly, so they
        block the event loop while they run.
        """
        handler, hook = self._prepare(task_type, retries)
        if hook is not None:
            try:
                outcome = hook(payload)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception as error:
                raise CompensationError(
                    task_type, retries, describe_error(error)
                ) from error
        result = handler(payload)
        if inspect.isawaitable(result):
            result = await result
        return result

    def _prepare(self, task_type: str, retries: int) -> Tuple[Handler, Optional[Hook]]:
        """Return the handler and, if this run needs one, the compensation."""
        _check_retries(retries)
        entry = self.specs.require(task_type)
        handler = self.handlers.get(task_type)
        if handler is None:
            raise NoHandlerError(task_type)
        if retries == 0 or entry.idempotent:
            return handler, None
        hook = handler.compensation_hook()
        if hook is None:
            raise MissingCompensationError(task_type, retries, handler.qualified_name)
        return handler, hook
