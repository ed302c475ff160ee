"""``bench score``: score line-aligned files (one summary per line), the way sacrebleu scores a system.

    bench score --pred PRED.txt --ref REF.txt [--ref REF2.txt ...] [--engine auto|reference|fast|perl]
                [--metrics rouge1,rouge2,rougeL,rougeLsum] [--lang en] [--json]
                [--perl-stopwords] [--perl-limit-words N | --perl-limit-bytes N] [--perl-alpha A] [--perl-scoring A|B]

Prints each type's mean precision, recall and F1 with the F1's bootstrap CI, and the signature. When most
texts yield no token under the tokenizer (Chinese scored as English), or the texts look like another
language than ``--lang``, a warning with the fix goes to stderr and into the ``--json`` object's
``warnings``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.errors import MetricError
from bench.metrics.rouge import ALL_TYPES, ENGINES, TOKENIZERS, Aggregate, PerlOptions, Rouge, RougeConfig

__all__ = ["add_parser", "run", "read_lines"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``bench score``; choices and defaults come from :class:`RougeConfig`."""
    d = RougeConfig()
    p = subparsers.add_parser(
        "score",
        help="score a file of predictions against reference file(s) with ROUGE",
        description="Score line-aligned files (one summary per line) with ROUGE; every number is printed "
        "with its signature.",
    )
    p.add_argument("--pred", required=True, type=Path, metavar="PRED.txt", help="predictions, one per line")
    p.add_argument(
        "--ref",
        required=True,
        type=Path,
        action="append",
        metavar="REF.txt",
        help="references, one per line; repeat for several references per prediction",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default=d.engine,
        help=f"ROUGE engine (default {d.engine}: fast when rouge-score-rs is installed, else reference)",
    )
    p.add_argument(
        "--metrics",
        default=None,
        metavar="TYPES",
        help=f"comma-separated ROUGE types among {','.join(ALL_TYPES)} (default: the engine's)",
    )
    p.add_argument("--lang", default=d.language, help="language of the texts, ISO 639-1 (default en)")
    p.add_argument(
        "--tokenizer",
        choices=TOKENIZERS,
        default=d.tokenizer,
        help="auto: rouge-score's for English, unicode-v1 + Snowball stemmer otherwise",
    )
    p.add_argument("--no-stem", action="store_true", help="switch the stemmer off")
    p.add_argument(
        "--bootstrap",
        type=int,
        default=d.bootstrap,
        metavar="N",
        help=f"bootstrap resamples for the 95%% CI (default {d.bootstrap}; perl: the script's -r)",
    )
    p.add_argument("--seed", type=int, default=d.seed, help=f"bootstrap seed (default {d.seed})")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    _add_perl_options(p)
    p.set_defaults(func=run)
    return p


def _add_perl_options(p: argparse.ArgumentParser) -> None:
    perl, o = p.add_argument_group("ROUGE-1.5.5 options (--engine perl only)"), PerlOptions()
    perl.add_argument("--perl-stopwords", action="store_true", help="-s: remove the script's stopwords")
    perl.add_argument("--perl-limit-words", type=int, metavar="N", help="-l N: only the first N words count")
    perl.add_argument("--perl-limit-bytes", type=int, metavar="N", help="-b N: only the first N bytes count")
    perl.add_argument(
        "--perl-alpha",
        type=float,
        default=o.alpha,
        metavar="A",
        help=f"-p A: F = 1/(A/P + (1-A)/R) (default {o.alpha})",
    )
    perl.add_argument(
        "--perl-scoring",
        choices=("A", "B"),
        default=o.scoring,
        help=f"-f: A averages over references, B takes the best (default {o.scoring})",
    )


def read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 file without their line ends; MetricError for a missing or empty file."""
    try:
        with path.open(encoding="utf-8", newline=None) as fh:
            lines = [line.rstrip("\n") for line in fh]
    except FileNotFoundError:
        raise MetricError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise MetricError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise MetricError(f"{path}: cannot read ({exc.strerror})") from None
    if not lines:
        raise MetricError(f"{path}: the file is empty; expected one summary per line")
    return lines


# Config-file wording in library messages -> the flags of this command.
_FLAG_NAMES = (
    ("metrics.rouge.types", "--metrics"),
    ("metrics.rouge.language", "--lang"),
    ("metrics.rouge.perl", "--perl-* options"),
    ("metrics.rouge.", "--"),
    ("use engine 'fast'", "use --engine fast"),
    ("use tokenizer 'auto'", "use --tokenizer auto"),
)


def _check_perl_flags(args: argparse.Namespace) -> None:
    """The ``--perl-*`` options given without ``--engine perl``: one line naming them and the flag."""
    o = PerlOptions()
    given = [
        flag
        for flag, value, default in (
            ("--perl-stopwords", args.perl_stopwords, o.remove_stopwords),
            ("--perl-limit-words", args.perl_limit_words, o.length_limit_words),
            ("--perl-limit-bytes", args.perl_limit_bytes, o.length_limit_bytes),
            ("--perl-alpha", args.perl_alpha, o.alpha),
            ("--perl-scoring", args.perl_scoring, o.scoring),
        )
        if value != default
    ]
    if given and args.engine != "perl":
        raise MetricError(
            f"{', '.join(given)}: ROUGE-1.5.5 options work with --engine perl only; add "
            f"--engine perl, or drop {'them' if len(given) > 1 else 'it'} (engine is {args.engine!r})"
        )


def _config(args: argparse.Namespace) -> RougeConfig:
    _check_perl_flags(args)
    types = None
    if args.metrics is not None:
        types = tuple(t.strip() for t in args.metrics.split(",") if t.strip())
        if not types:
            raise MetricError("--metrics: name at least one ROUGE type, e.g. rouge1,rouge2,rougeL")
    perl = PerlOptions(
        remove_stopwords=args.perl_stopwords,
        length_limit_words=args.perl_limit_words,
        length_limit_bytes=args.perl_limit_bytes,
        alpha=args.perl_alpha,
        scoring=args.perl_scoring,
    )
    cfg = RougeConfig(
        engine=args.engine,
        types=types,
        stemmer=not args.no_stem,
        tokenizer=args.tokenizer,
        language=args.lang,
        bootstrap=args.bootstrap,
        seed=args.seed,
        perl=perl,
    )
    try:
        cfg.validate("metrics.rouge")
    except MetricError as exc:
        message = str(exc)
        for config_words, flag in _FLAG_NAMES:
            message = message.replace(config_words, flag)
        raise MetricError(message) from None
    return cfg


def _as_json(rouge: Rouge, n: int, agg: dict[str, Aggregate]) -> str:
    scores = {
        t: {"precision": a.precision.mean, "recall": a.recall.mean, "f1": a.f1.mean, "ci": [a.f1.low, a.f1.high]}
        for t, a in agg.items()
    }
    return json.dumps(
        {"signature": rouge.signature(), "n": n, "scores": scores, "warnings": rouge.warnings()}, ensure_ascii=False
    )


def _as_table(rouge: Rouge, n: int, agg: dict[str, Aggregate]) -> str:
    lines = [f"{'type':<10} {'P':>6} {'R':>6} {'F1':>6}  F1 95% CI"]
    for t, a in agg.items():
        lines.append(
            f"{t:<10} {100 * a.precision.mean:6.2f} {100 * a.recall.mean:6.2f} {100 * a.f1.mean:6.2f}"
            f"  [{100 * a.f1.low:.2f}, {100 * a.f1.high:.2f}]"
        )
    lines.append(f"n={n}, scores x100")
    lines.append(rouge.signature())
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Handler of ``bench score``: read, check alignment, score, aggregate, print (warnings: logged to stderr
    by :class:`Rouge` as they show, and in the JSON)."""
    rouge = Rouge(_config(args))
    preds = read_lines(args.pred)
    ref_files = [read_lines(path) for path in args.ref]
    for path, lines in zip(args.ref, ref_files):
        if len(lines) != len(preds):
            raise MetricError(
                f"{args.pred} has {len(preds)} lines but {path} has {len(lines)}: the files must "
                "be line-aligned (one summary per line, same order)"
            )
    refs = [list(group) for group in zip(*ref_files)] if len(ref_files) > 1 else ref_files[0]
    agg = rouge.aggregate(rouge.score(preds, refs))
    print(_as_json(rouge, len(preds), agg) if args.json else _as_table(rouge, len(preds), agg), file=sys.stdout)
    return 0
