"""``bench ingest SRC -o OUT.jsonl``: convert any supported corpus source to the JSONL corpus format."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.cli.corpus_source import add_source_arguments, load_from_args, print_problems
from bench.corpus.formats import format_names
from bench.errors import CorpusError
from bench.files import write_jsonl

__all__ = ["add_parser", "write_corpus"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help=f"convert a corpus ({'/'.join(format_names())}) to JSONL",
        description="Read SRC with the corpus loader (field mapping, presets, page layouts, dedupe, sampling) "
        "and write one article per line in the JSONL corpus format (id, headline, standfirst, "
        "body, language, source, url, date, category, meta). Bad rows are skipped and listed "
        "(file:line: reason); --strict stops at the first one.",
    )
    add_source_arguments(p)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.jsonl", help="the JSONL file to write")
    p.set_defaults(func=_ingest)


def write_corpus(records: list[dict], path: Path) -> None:
    """Write records as JSONL atomically (bench.files.write_jsonl); a failure is one CorpusError line."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(path, records)
    except OSError as exc:
        raise CorpusError(f"{path}: cannot write the output ({exc.strerror})") from None


def _ingest(args: argparse.Namespace) -> int:
    corpus = load_from_args(args)
    write_corpus([a.to_record() for a in corpus.articles], args.output)
    print_problems(corpus)
    print(
        f"wrote {len(corpus.articles)} article(s) to {args.output} (from {corpus.source}; "
        f"{len(corpus.problems)} bad row(s) skipped, {corpus.duplicates} duplicate(s))",
        file=sys.stderr,
    )
    return 0
