"""A problem in a registry file, reported at start-up or as a TSK1xx finding."""

from __future__ import annotations

import ast
from typing import Dict, NamedTuple

from flake8_taskspec.messages import Message


class Problem(NamedTuple):
    """One problem at a place in a registry file.

    ``column`` is ast's ``col_offset``, which counts UTF-8 bytes; the plugin
    converts it to characters against the file's line.
    """

    filename: str
    line: int
    column: int
    message: Message
    values: Dict[str, object]

    @classmethod
    def at(
        cls, node: ast.AST, filename: str, message: Message, **values: object
    ) -> "Problem":
        line = getattr(node, "lineno", 1)
        column = getattr(node, "col_offset", 0)
        return cls(filename, line, column, message, values)

    @property
    def text(self) -> str:
        """The message without its code, as the start-up error shows it."""
        return self.message.text(**self.values)

    @property
    def finding(self) -> str:
        """The message with its code, as flake8 shows it."""
        return self.message.format(**self.values)
