"""Handler registration: which code runs each task type, and its compensation.

A handler is a function, an async function, or a class whose instances have
a ``run`` method. A compensation cleans up the partial work of a failed run
before a retry. It is declared with ``compensate=``, with the
``@my_handler.compensate`` decorator, or as a ``compensate`` method of a
class handler.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Iterator, Optional, TypeVar

from .catalog import CATALOG
from .errors import DuplicateHandlerError, UnknownTaskTypeError
from .specs import TaskSpec

Target = Callable[..., Any]
"""A handler function, async function, or class with a ``run`` method."""

C = TypeVar("C", bound=Callable[..., Any])


def _qualified_name(target: object) -> str:
    name = getattr(target, "__qualname__", None)
    if not name:
        # A functools.partial or a callable instance has no __qualname__.
        return repr(target)
    module = getattr(target, "__module__", None)
    return f"{module}.{name}" if module else name


class Handler:
    """Registered handler of one task type, callable like the code it wraps.

    Calling a function handler calls the function, so an async function
    returns its coroutine for the caller to await. Calling a class handler
    runs ``target().run(...)`` on a new instance.
    """

    __name__: str
    __qualname__: str
    __wrapped__: Target

    def __init__(
        self,
        task_type: str,
        target: Target,
        compensation: Optional[Callable[..., Any]] = None,
    ) -> None:
        self.task_type = task_type
        self.target = target
        self.compensation = compensation
        # Copy the wrapped code's identity, as functools.wraps does, but not
        # its __dict__: a class's __dict__ would shadow Handler.compensate.
        for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
            if hasattr(target, attribute):
                setattr(self, attribute, getattr(target, attribute))
        self.__wrapped__ = target

    def compensate(self, fn: C) -> C:
        """Attach ``fn`` as the compensation and return it unchanged.

        Raises ValueError if the handler already has a compensation.
        """
        if self.compensation is not None:
            raise ValueError(
                f"handler of {self.task_type!r} already has compensation "
                f"{_qualified_name(self.compensation)}: "
                "declare one compensation per handler"
            )
        _check_callable(fn, "compensation", self.task_type)
        self.compensation = fn
        return fn

    @property
    def qualified_name(self) -> str:
        """Module and qualified name of the wrapped code, for messages."""
        return _qualified_name(self.target)

    def has_compensation(self) -> bool:
        """Return whether a compensation is declared, without creating an instance."""
        if self.compensation is not None:
            return True
        return isinstance(self.target, type) and callable(
            getattr(self.target, "compensate", None)
        )

    def compensation_hook(self) -> Optional[Callable[..., Any]]:
        """Return the compensation to run before a retry, or None.

        A compensation given by ``compensate=`` or ``@handler.compensate``
        comes first. Otherwise a class handler's ``compensate`` method is
        returned, bound to a new instance.
        """
        if self.compensation is not None:
            return self.compensation
        if isinstance(self.target, type) and callable(
            getattr(self.target, "compensate", None)
        ):
            hook: Callable[..., Any] = self.target().compensate
            return hook
        return None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if isinstance(self.target, type):
            return self.target().run(*args, **kwargs)
        return self.target(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Handler({self.task_type!r}, {_qualified_name(self.target)})"


def _check_callable(value: object, role: str, task_type: str) -> None:
    if not callable(value):
        raise TypeError(
            f"{role} of {task_type!r} must be callable, got {value!r}: "
            "pass a function or a class"
        )


def _check_target(target: object, task_type: str) -> None:
    _check_callable(target, "handler", task_type)
    if isinstance(target, type) and not callable(getattr(target, "run", None)):
        raise TypeError(
            f"handler class {_qualified_name(target)} of {task_type!r} has no "
            "run method: define run(self, payload)"
        )


class HandlerRegistry:
    """Handlers by task type, accepting only the types of one catalog.

    Each task type has at most one handler per registry. The module
    functions ``handler`` and ``handle`` fill ``default_handlers``, so a test
    that registers handlers should build its own registry.
    """

    def __init__(self, catalog: Iterable[TaskSpec] = CATALOG) -> None:
        self._task_types = tuple(entry.type for entry in catalog)
        self._known = frozenset(self._task_types)
        self._handlers: Dict[str, Handler] = {}

    def _check_known(self, task_type: str) -> None:
        if task_type not in self._known:
            raise UnknownTaskTypeError.from_known(task_type, self._task_types)

    def handler(
        self, task_type: str, *, compensate: Optional[Callable[..., Any]] = None
    ) -> Callable[[Target], Handler]:
        """Return a decorator that registers its target for ``task_type``.

        An unknown type raises UnknownTaskTypeError here, before decorating.
        """
        self._check_known(task_type)

        def register(target: Target) -> Handler:
            return self.handle(task_type, target, compensate=compensate)

        return register

    def handle(
        self,
        task_type: str,
        target: Target,
        *,
        compensate: Optional[Callable[..., Any]] = None,
    ) -> Handler:
        """Register ``target`` for ``task_type`` and return its Handler.

        Raises UnknownTaskTypeError for a type outside the catalog,
        DuplicateHandlerError for a type registered before, and TypeError
        for a target or compensation that cannot be called.
        """
        self._check_known(task_type)
        _check_target(target, task_type)
        if compensate is not None:
            _check_callable(compensate, "compensation", task_type)
        existing = self._handlers.get(task_type)
        if existing is not None:
            raise DuplicateHandlerError(task_type, _qualified_name(existing.target))
        registered = Handler(task_type, target, compensate)
        self._handlers[task_type] = registered
        return registered

    def get(self, task_type: str) -> Optional[Handler]:
        """Return the handler of ``task_type``, or None if none is registered."""
        return self._handlers.get(task_type)

    def __iter__(self) -> Iterator[Handler]:
        return iter(tuple(self._handlers.values()))

    def __len__(self) -> int:
        return len(self._handlers)

    def __contains__(self, task_type: object) -> bool:
        return task_type in self._handlers


default_handlers = HandlerRegistry()
"""Registry that the module functions ``handler`` and ``handle`` fill."""


def handler(
    task_type: str, *, compensate: Optional[Callable[..., Any]] = None
) -> Callable[[Target], Handler]:
    """Return a decorator that registers its target in ``default_handlers``."""
    return default_handlers.handler(task_type, compensate=compensate)


def handle(
    task_type: str,
    target: Target,
    *,
    compensate: Optional[Callable[..., Any]] = None,
) -> Handler:
    """Register ``target`` for ``task_type`` in ``default_handlers``."""
    return default_handlers.handle(task_type, target, compensate=compensate)
