"""Shared by ``bench ingest`` and ``bench corpus-stats``: name a corpus source on the command line.

SRC is a data file or folder in any registered format (:mod:`bench.corpus.formats`), a YAML config (its
``corpus`` section is used, relative paths against the config's folder), or ``hf:NAME`` for a Hugging
Face hub set. Options override the matching ``corpus`` settings; ``--format`` and ``--layout`` offer the
registered formats and page layouts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from bench.corpus.formats import formats
from bench.corpus.load import Corpus, CorpusConfig, load_corpus
from bench.corpus.pages import layout_names
from bench.corpus.presets import PRESETS
from bench.corpus.problems import summarize_problems
from bench.errors import ConfigError
from bench.typed import build

__all__ = ["add_source_arguments", "config_from_args", "load_from_args", "print_problems"]


def add_source_arguments(p: argparse.ArgumentParser) -> None:
    """The SRC argument and the corpus options."""
    p.add_argument(
        "src",
        metavar="SRC",
        help="a corpus file or folder, a YAML config (its corpus section), or hf:NAME for a Hugging Face hub dataset",
    )
    p.add_argument(
        "--format",
        choices=("auto", *(f.name for f in formats())),
        default=None,
        help="source format (default: auto, from the suffix or folder contents): "
        + "; ".join(f"{f.name}: {f.description}" for f in formats()),
    )
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="map an article field (body, headline, standfirst, id, date, url, language, category, "
        "source) to your column; repeatable",
    )
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default=None,
        help="known field mapping (xsum: document->body, summary->standfirst; cnn_dailymail: "
        "article->body, highlights->standfirst; gigaword: document->body, summary->headline; "
        "generic: common column names)",
    )
    p.add_argument(
        "--layout",
        choices=("auto", *layout_names()),
        default=None,
        help=f"page layout for --format pages (default: auto, tried in this order: {', '.join(layout_names())})",
    )
    p.add_argument("--hf-config", default=None, help="hub dataset config (e.g. 3.0.0)")
    p.add_argument("--split", default=None, help="dataset split (e.g. test)")
    p.add_argument("--revision", default=None, help="hub dataset revision (branch, tag or commit)")
    p.add_argument("--language", default=None, help="language of articles whose records name none")
    p.add_argument("--encoding", default=None, help="text encoding of the files (default utf-8)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="deterministic sample of N articles")
    p.add_argument("--seed", type=int, default=None, help="sampling seed (default 0)")
    p.add_argument("--stratify-by", default=None, metavar="FIELD", help="sample evenly across FIELD (e.g. category)")
    p.add_argument("--no-dedupe", action="store_true", help="keep articles whose body repeats an earlier one")
    p.add_argument("--strict", action="store_true", help="stop at the first bad row instead of skipping it")
    p.add_argument(
        "--no-clean",
        action="store_true",
        help="keep boilerplate lines in the bodies (corpus.clean: false; by default share bars, placeholders, "
        "captions, repeated and link-like lines are removed)",
    )


def _fields(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise ConfigError(f"--field {pair!r}: expected FIELD=COLUMN, e.g. --field body=text")
        out[name.strip()] = column.strip()
    return out


def _config_section(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("corpus"), dict):
        raise ConfigError(f"{path}: expected a config with a 'corpus' section (e.g. corpus: {{path: data.jsonl}})")
    return dict(data["corpus"])


def config_from_args(args: argparse.Namespace) -> tuple[CorpusConfig, Path | None]:
    """(CorpusConfig, base_dir) from SRC and the options."""
    src: str = args.src
    base_dir: Path | None = None
    settings: dict[str, Any]
    if src.startswith("hf:"):
        settings = {"hf_name": src[3:], "format": "hf"}
    elif Path(src).suffix.lower() in (".yaml", ".yml"):
        settings = _config_section(Path(src))
        base_dir = Path(src).resolve().parent
    else:
        settings = {"path": src}
    overrides = {
        "format": args.format,
        "preset": args.preset,
        "layout": args.layout,
        "hf_config": args.hf_config,
        "split": args.split,
        "revision": args.revision,
        "language": args.language,
        "encoding": args.encoding,
        "limit": args.limit,
        "seed": args.seed,
        "stratify_by": args.stratify_by,
    }
    settings.update({k: v for k, v in overrides.items() if v is not None})
    if args.field:
        settings["fields"] = {**settings.get("fields", {}), **_fields(args.field)}
    if args.no_dedupe:
        settings["dedupe"] = False
    if args.strict:
        settings["strict"] = True
    if args.no_clean:
        settings["clean"] = False
    return build(CorpusConfig, settings, "corpus"), base_dir


def load_from_args(args: argparse.Namespace) -> Corpus:
    config, base_dir = config_from_args(args)
    return load_corpus(config, base_dir)


def print_problems(corpus: Corpus, shown: int = 5) -> None:
    """The first few skipped rows and duplicates, then counts, on stderr."""
    if corpus.problems:
        print(f"skipped {len(corpus.problems)} bad row(s):", file=sys.stderr)
        for line in summarize_problems(corpus.problems, shown):
            print(f"  {line}", file=sys.stderr)
    if corpus.duplicates:
        print(f"{corpus.duplicates} duplicate article(s) (same body as an earlier one):", file=sys.stderr)
        for line in summarize_problems(corpus.duplicate_notes, shown, "duplicate(s)"):
            print(f"  {line}", file=sys.stderr)
