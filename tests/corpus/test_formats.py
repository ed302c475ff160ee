"""The corpus format registry: a toy format added with one call loads end to end; the README lists them all."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.cli import main
from bench.corpus.config import CorpusConfig
from bench.corpus.formats import (
    RawRow,
    RawTable,
    detect_format,
    format_names,
    formats,
    get_format,
    register_format,
    unregister_format,
)
from bench.corpus.formats.files import decoded_lines
from bench.corpus.load import load_corpus
from bench.corpus.problems import Problems
from bench.errors import CorpusError
from bench.typed import build

README = Path(__file__).resolve().parents[2] / "README.md"


def read_pipe(path: Path | None, config: CorpusConfig, problems: Problems) -> RawTable:
    """A toy format: ``id|headline|body`` per line."""
    assert path is not None
    table = RawTable(label=str(path), columns=["id", "headline", "body"])
    for lineno, line in decoded_lines(path, config.encoding, problems):
        cells = line.rstrip("\n").split("|")
        if len(cells) != 3:
            problems.add(f"{path}:{lineno}", f"expected id|headline|body, got {len(cells)} cell(s)")
            continue
        table.rows.append(RawRow(f"{path}:{lineno}", dict(zip(table.columns, cells)), f"{path.stem}-{lineno}"))
    return table


@pytest.fixture
def pipe_format():
    register_format("pipe", read_pipe, suffixes=(".pipe",), description="id|headline|body lines (a test format)")
    yield
    unregister_format("pipe")
    assert "pipe" not in format_names()


PIPE = "p1|Bridge approved|The council approved a bridge.\nnot a row\np2|Storm closes schools|A storm closed schools.\n"


def _check_pipe_corpus(corpus, path: Path) -> None:
    assert [(a.id, a.headline, a.body) for a in corpus.articles] == [
        ("p1", "Bridge approved", "The council approved a bridge."),
        ("p2", "Storm closes schools", "A storm closed schools."),
    ]
    assert corpus.problems == [f"{path}:2: expected id|headline|body, got 1 cell(s)"]


def test_toy_format_by_name(pipe_format, tmp_path):
    path = tmp_path / "news.data"  # a suffix no format claims: only format: pipe reads it
    path.write_text(PIPE, encoding="utf-8")
    corpus = load_corpus(build(CorpusConfig, {"path": str(path), "format": "pipe"}, "corpus"))
    _check_pipe_corpus(corpus, path)


def test_toy_format_by_suffix(pipe_format, tmp_path):
    path = tmp_path / "news.PIPE"
    path.write_text(PIPE, encoding="utf-8")
    assert detect_format(path) == "pipe"
    _check_pipe_corpus(load_corpus(CorpusConfig(path=str(path))), path)


def test_toy_format_on_the_command_line(pipe_format, tmp_path, capsys):
    path = tmp_path / "news.data"
    path.write_text(PIPE, encoding="utf-8")
    assert main(["corpus-stats", str(path), "--format", "pipe", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 2 and stats["skipped"] == 1 and stats["missing"]["standfirst"] == 2


def test_unknown_format_is_refused_once_unregistered(tmp_path):
    assert "pipe" not in format_names()
    with pytest.raises(CorpusError, match=r"corpus.format: unknown format 'pipe'; formats: auto, jsonl"):
        build(CorpusConfig, {"path": "x.pipe", "format": "pipe"}, "corpus")
    with pytest.raises(CorpusError, match=r"unknown corpus format 'jsnol' \(did you mean \"jsonl\"\?\)"):
        get_format("jsnol")


def test_registering_a_taken_name_or_suffix_is_refused():
    with pytest.raises(ValueError, match="'jsonl' is already registered"):
        register_format("jsonl", read_pipe)
    with pytest.raises(ValueError, match=r"suffix '\.csv' already belongs to format 'csv'"):
        register_format("pipe2", read_pipe, suffixes=(".CSV",))
    with pytest.raises(ValueError, match="other than 'auto'"):
        register_format("auto", read_pipe)
    assert "pipe2" not in format_names() and "auto" not in format_names()


def test_built_in_formats_and_their_suffixes():
    by_name = {f.name: f for f in formats()}
    assert set(by_name) == {"jsonl", "csv", "tsv", "parquet", "hf", "pages", "html", "warc"}
    assert by_name["jsonl"].suffixes == (".jsonl", ".ndjson", ".json")
    assert by_name["pages"].folder and by_name["hf"].folder and not by_name["hf"].needs_path
    assert all(f.description for f in formats())


def test_a_folder_no_format_claims(tmp_path):
    (tmp_path / "notes.md").write_text("nothing to read")
    with pytest.raises(
        CorpusError,
        match=r"cannot tell the corpus format of this folder \(formats that read "
        r"folders: hf: .*; pages: .*\); check the path or set format:",
    ):
        load_corpus(CorpusConfig(path=str(tmp_path)))


def _readme_formats_table() -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"<!-- formats -->(.*?)<!-- /formats -->", text, re.S)
    assert match, f"{README}: no corpus-format table between the markers <!-- formats --> and <!-- /formats -->"
    return match.group(1)


def test_readme_format_table_names_every_registered_format():
    table = _readme_formats_table()
    missing = [name for name in format_names() if f"`{name}`" not in table]
    assert not missing, (
        f"{README}: the corpus-format table (between <!-- formats --> and <!-- /formats -->) "
        f"does not mention format(s) {', '.join(missing)}; add a row for each (`name`)"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [("page.html.gz", "html"), ("Page.HTM.GZ", "html"), ("crawl.warc.gz", "warc"), ("crawl.warc", "warc")],
)
def test_a_compressed_file_is_known_by_its_double_suffix(tmp_path, name, expected):
    (tmp_path / name).write_bytes(b"")
    assert detect_format(tmp_path / name) == expected


def test_a_lone_gz_is_not_guessed(tmp_path):
    (tmp_path / "notes.gz").write_bytes(b"")
    with pytest.raises(CorpusError, match=r"cannot tell the corpus format from the suffix '\.gz'"):
        detect_format(tmp_path / "notes.gz")


def test_single_html_gz_and_warc_gz_files_load_with_format_auto(tmp_path):
    import gzip

    from tests.corpus.test_html import PAGES
    from tests.corpus.test_warc import write_warc

    if PAGES is None:
        pytest.skip("shared/pages-html not found")
    page = PAGES / "dw.com.colonial.html"
    packed = tmp_path / "dw.com.colonial.html.gz"
    packed.write_bytes(gzip.compress(page.read_bytes()))
    (plain,) = load_corpus(CorpusConfig(path=str(page), format="html")).articles
    (auto,) = load_corpus(CorpusConfig(path=str(packed))).articles
    assert (auto.headline, auto.standfirst, auto.body) == (plain.headline, plain.standfirst, plain.body)
    write_warc(tmp_path / "crawl.warc.gz", gzip=True)
    crawled = load_corpus(CorpusConfig(path=str(tmp_path / "crawl.warc.gz"))).articles
    assert plain.body in {a.body for a in crawled} and len(crawled) == 9
