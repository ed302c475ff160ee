"""One exception family for every mistake a user can make.

The CLI catches :class:`BenchError` and prints ``str(error)`` as one line (what, where, how to fix),
then exits with ``error.exit_code``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = ["BenchError", "ConfigError", "CorpusError", "SystemError_", "MetricError", "RunError"]


class BenchError(Exception):
    """Base of all user-facing errors; its message is one line naming what, where and the fix."""

    exit_code = 2


class ConfigError(BenchError):
    """A config file that is missing, not YAML, or has a wrong field/type/value."""


class CorpusError(BenchError):
    """A corpus that cannot be read: missing file, bad line, unknown column."""


class SystemError_(BenchError):  # trailing underscore: do not shadow the builtin SystemError
    """A summarization system that cannot be built or fails to run."""


class MetricError(BenchError):
    """Bad metric settings or mismatched predictions/references."""


class RunError(BenchError):
    """A run directory that is missing, unreadable or unwritable."""
