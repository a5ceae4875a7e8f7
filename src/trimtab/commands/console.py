"""The CLI's consoles: rich output that a pipe or a file receives whole.

Rich lays tables out for 80 columns when it is not writing to a terminal, so a table piped to
`less`, `grep` or a file lost its columns to ellipses. Off a terminal the width is `PIPE_WIDTH`
columns instead (tables keep their natural width up to that), unless `COLUMNS` says otherwise.
The width is decided at each print, so the environment of the moment rules, not the import's.
"""

from __future__ import annotations

import os

from rich.console import Console, ConsoleDimensions

PIPE_WIDTH = 400  # columns: wider than any table the CLI prints


class _PipeConsole(Console):
    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        if not self.is_terminal and "COLUMNS" not in os.environ:
            return ConsoleDimensions(PIPE_WIDTH, size.height)
        return size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size


def make_console(*, stderr: bool = False) -> Console:
    """A console for stdout (or stderr) that never wraps text and never cuts a table in a pipe."""
    return _PipeConsole(stderr=stderr, soft_wrap=True)
