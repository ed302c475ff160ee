"""Loading corpora: formats, field mapping, dedupe, language, and every kind of bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench.article import Article
from bench.corpus.load import CorpusConfig, load_corpus, load_jsonl
from bench.errors import ConfigError, CorpusError
from bench.typed import build

BBC = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"

GOOD = [
    {
        "id": "a1",
        "headline": "Bridge approved",
        "standfirst": "The council said yes.",
        "body": "The council approved a bridge.\n\nWork starts in May.",
        "category": "local",
    },
    {"id": "a2", "headline": "Storm closes schools", "body": "A storm closed schools.", "language": "de"},
]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def load(path: Path, **settings) -> object:
    return load_corpus(build(CorpusConfig, {"path": str(path), **settings}, "corpus"))


# ---- formats and field mapping -------------------------------------------------------------------


def test_jsonl_same_named_fields_and_extras_in_meta(tmp_path):
    rows = GOOD + [{"id": 7, "body": "Third story.", "views": 12, "meta": {"desk": "city"}}]
    corpus = load(write_jsonl(tmp_path / "c.jsonl", rows))
    a1, a2, a3 = corpus.articles
    assert a1 == Article(
        id="a1",
        body="The council approved a bridge.\n\nWork starts in May.",
        headline="Bridge approved",
        standfirst="The council said yes.",
        category="local",
    )
    assert a2.standfirst is None and a2.language == "de"
    assert a3.id == "7" and a3.headline is None and a3.meta == {"desk": "city", "views": 12}
    assert corpus.problems == [] and corpus.rows_read == 3


def test_corpus_level_language_for_records_without_one(tmp_path):
    corpus = load(write_jsonl(tmp_path / "c.jsonl", GOOD), language="fr")
    assert [a.language for a in corpus.articles] == ["fr", "de"]


def test_jsonl_field_mapping(tmp_path):
    rows = [{"title": "T1", "text": "Body one.", "teaser": "S1", "lang": "es", "link": "http://x/1"}]
    corpus = load(
        write_jsonl(tmp_path / "c.jsonl", rows),
        fields={"headline": "title", "body": "text", "standfirst": "teaser", "language": "lang", "url": "link"},
    )
    a = corpus.articles[0]
    assert (a.headline, a.body, a.standfirst, a.language, a.url) == ("T1", "Body one.", "S1", "es", "http://x/1")
    assert a.id == "c-1" and a.meta == {}


def test_csv_with_mapping_quoted_newlines_and_line_numbers(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text('title,text,date\n"A, quoted","Para one.\n\nPara two.",2020-01-02\nB,Body b,\n', encoding="utf-8")
    corpus = load(path, fields={"headline": "title", "body": "text"})
    a, b = corpus.articles
    assert a.headline == "A, quoted" and a.body == "Para one.\n\nPara two." and a.date == "2020-01-02"
    assert a.id == "news-2" and b.id == "news-5"  # the line each row starts on
    assert b.date is None


def test_json_array_file(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps([GOOD[0], "oops", GOOD[1]], indent=2))
    corpus = load(path)
    assert [a.id for a in corpus.articles] == ["a1", "a2"]
    assert corpus.problems == [f"{path}:item 2: expected a JSON object, got str 'oops'"]


def test_tsv(tmp_path):
    path = tmp_path / "news.tsv"
    path.write_text("headline\tbody\nH1\tBody, with comma.\n", encoding="utf-8")
    corpus = load(path)
    assert corpus.articles[0].headline == "H1" and corpus.articles[0].body == "Body, with comma."


def test_parquet_with_mapping_and_date_column(tmp_path):
    import datetime as dt

    path = tmp_path / "news.parquet"
    pq.write_table(
        pa.table(
            {
                "doc": ["First body.", "Second body."],
                "head": ["H1", None],
                "published": [dt.date(2021, 5, 6), dt.date(2021, 5, 7)],
                "n": [1, 2],
            }
        ),
        path,
    )
    corpus = load(path, fields={"body": "doc", "headline": "head", "date": "published"})
    a, b = corpus.articles
    assert (a.body, a.headline, a.date, a.meta) == ("First body.", "H1", "2021-05-06", {"n": 1})
    assert b.headline is None and b.id == "news-2"


@pytest.mark.parametrize(
    "suffix, writer",
    [
        (".jsonl", lambda p: write_jsonl(p, [{"text": "x", "title": "t"}])),
        (".csv", lambda p: p.write_text("text,title\nx,t\n")),
        (".parquet", lambda p: pq.write_table(pa.table({"text": ["x"], "title": ["t"]}), p)),
    ],
)
def test_mapping_naming_a_missing_column_lists_the_columns(tmp_path, suffix, writer):
    path = tmp_path / f"c{suffix}"
    writer(path)
    with pytest.raises(
        CorpusError,
        match=r"fields.body names column 'txt', which does not exist "
        r"\(did you mean \"text\"\?\); columns are: text, title",
    ):
        load(path, fields={"body": "txt"})
    with pytest.raises(
        CorpusError,
        match=r"no column for the article body .*columns are: text, title; "
        r"map one with fields: \{body: <column>\}",
    ):
        load(path)


def test_relative_path_resolved_against_base_dir(tmp_path):
    write_jsonl(tmp_path / "c.jsonl", GOOD)
    corpus = load_corpus(CorpusConfig(path="c.jsonl"), base_dir=tmp_path)
    assert len(corpus.articles) == 2 and corpus.source == str(tmp_path / "c.jsonl")


def test_unknown_format_suffix(tmp_path):
    (tmp_path / "c.xml").write_text("<a/>")
    with pytest.raises(
        CorpusError,
        match=r"cannot tell the corpus format from the suffix '\.xml' \(known: \.jsonl, "
        r".*\); set format: to one of jsonl, csv, .*\(CLI: --format\)",
    ):
        load(tmp_path / "c.xml")


def test_config_validation():
    with pytest.raises(CorpusError, match="unknown preset 'xsun' \\(did you mean \"xsum\"\\?\\)"):
        build(CorpusConfig, {"path": "x", "preset": "xsun"}, "corpus")
    with pytest.raises(CorpusError, match="'headlin' is not an article field"):
        build(CorpusConfig, {"path": "x", "fields": {"headlin": "title"}}, "corpus")
    with pytest.raises(CorpusError, match=r"^corpus.format: unknown format 'xml'; formats: auto, jsonl, csv, tsv, "):
        build(CorpusConfig, {"path": "x", "format": "xml"}, "corpus")
    with pytest.raises(CorpusError, match=r"corpus.format: unknown format 'jsnol' \(did you mean \"jsonl\"\?\)"):
        build(CorpusConfig, {"path": "x", "format": "jsnol"}, "corpus")
    with pytest.raises(
        CorpusError,
        match=r"corpus.layout: unknown page layout 'plian' \(did you mean \"plain\"\?\); "
        r"page layouts: auto, dw, plain",
    ):
        build(CorpusConfig, {"path": "x", "layout": "plian"}, "corpus")
    with pytest.raises(ConfigError, match=r"corpus\.format: expected a string"):
        build(CorpusConfig, {"path": "x", "format": 3}, "corpus")
    with pytest.raises(CorpusError, match=r"give path .* or hf_name"):
        build(CorpusConfig, {}, "corpus")


# ---- duplicates and identity ----------------------------------------------------------------------


def test_duplicates_reported_and_dropped_by_default(tmp_path):
    rows = GOOD + [{"id": "a3", "headline": "Other headline", "body": "A  storm closed\nschools."}]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    corpus = load(path)
    assert [a.id for a in corpus.articles] == ["a1", "a2"]
    assert corpus.duplicates == 1 and corpus.rows_read == 3
    assert corpus.duplicate_notes == [f"{path}:3: same body as 'a2' (line 2); dropped"]
    kept = load(path, dedupe=False)
    assert [a.id for a in kept.articles] == ["a1", "a2", "a3"] and kept.duplicates == 1


def test_reused_id_with_another_body_is_a_problem(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", GOOD + [{"id": "a1", "body": "Different text."}])
    corpus = load(path)
    assert [a.id for a in corpus.articles] == ["a1", "a2"]
    assert corpus.problems == [f"{path}:3: id 'a1' is already used by {path}:1 for another article; ids must be unique"]


def test_content_hash_differs_with_body_and_is_stable():
    a = Article(id="x", body="Text.", headline="H")
    assert a.content_hash == Article(id="y", body="Text.", headline="H").content_hash
    assert a.content_hash != Article(id="x", body="Text!", headline="H").content_hash
    assert len(a.content_hash) == 16


# ---- bad input: skipped and reported (default) or an error (strict) -------------------------------

LINE_CASES = [
    ("not json {", "not valid JSON (Expecting value at column 1)"),
    ("[1, 2]", "expected a JSON object, got list [1, 2]"),
    ('"just text"', "expected a JSON object, got str 'just text'"),
    (json.dumps({"id": "x", "headline": "no body"}), "missing or empty body (column 'body')"),
    (json.dumps({"id": "x", "body": "  \n "}), "missing or empty body (column 'body')"),
    (
        json.dumps({"id": "x", "body": "ok", "headline": 5}),
        "field 'headline' (column 'headline') must be a string, got int 5",
    ),
    (json.dumps({"id": "x", "body": ["a", "b"]}), "field 'body' (column 'body') must be a string, got list"),
    (json.dumps({"id": "x", "body": "ok", "meta": "m"}), "field 'meta' must be an object, got str"),
]


@pytest.mark.parametrize("line, reason", LINE_CASES)
def test_bad_line_skipped_counted_and_reported(tmp_path, line, reason):
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD[0], line, GOOD[1]])
    corpus = load(path)
    assert [a.id for a in corpus.articles] == ["a1", "a2"]
    assert len(corpus.problems) == 1 and corpus.problems[0].startswith(f"{path}:2: {reason}")


@pytest.mark.parametrize("line, reason", LINE_CASES[:3])
def test_strict_makes_a_bad_line_an_error(tmp_path, line, reason):
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD[0], line])
    with pytest.raises(CorpusError, match=rf"^{re.escape(str(path))}:2: {re.escape(reason)}.*strict mode"):
        load(path, strict=True)


def test_invalid_utf8_line_skipped(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(
        json.dumps(GOOD[0]).encode() + b"\n" + b'{"body": "caf\xe9"}\n' + json.dumps(GOOD[1]).encode() + b"\n"
    )
    corpus = load(path)
    assert [a.id for a in corpus.articles] == ["a1", "a2"]
    assert corpus.problems == [
        (
            f"{path}:2: invalid utf-8 bytes at byte 13 of the line; re-encode the file as "
            "UTF-8 (or set the corpus encoding)"
        )
    ]
    assert load(path, encoding="latin-1").articles[1].body == "café"


def test_invalid_utf8_in_csv_cell(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"body,headline\nfine,ok\ncaf\xe9,bad\n")
    corpus = load(path)
    assert [a.body for a in corpus.articles] == ["fine"]
    assert corpus.problems == [
        f"{path}:3: invalid UTF-8 bytes in column 'body'; re-encode the file as UTF-8 (or set the corpus encoding)"
    ]


def test_ragged_csv_row(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("headline,body\nH1,B1\nH2,B2,extra\nH3\nH4,B4\n")
    corpus = load(path)
    assert [a.headline for a in corpus.articles] == ["H1", "H4"]
    assert corpus.problems == [
        f"{path}:3: row has 3 fields, the header has 2 (an unquoted ',' or a missing field?)",
        f"{path}:4: row has 1 fields, the header has 2 (an unquoted ',' or a missing field?)",
    ]
    with pytest.raises(CorpusError, match=rf"{path}:3: row has 3 fields"):
        load(path, strict=True)


def test_one_megabyte_body(tmp_path):
    body = ("word " * 209_716).strip()  # 1,048,579 characters
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD[0], {"id": "big", "body": body}])
    corpus = load(path)
    assert [a.id for a in corpus.articles] == ["a1"]
    assert corpus.problems == [
        (
            f"{path}:2: body is 1,048,579 characters, over max_body_chars=200,000 (a scraping "
            "error? raise max_body_chars in the corpus config, or null for no limit)"
        )
    ]
    unlimited = load(path, max_body_chars=None)
    assert unlimited.articles[1].body == body  # kept whole, not truncated


@pytest.mark.parametrize("name, content", [("c.jsonl", ""), ("c.jsonl", "\n\n"), ("c.csv", ""), ("c.csv", "body\n")])
def test_empty_file(tmp_path, name, content):
    (tmp_path / name).write_text(content)
    with pytest.raises(CorpusError, match=rf"{tmp_path / name}: no articles \(the source is empty\)"):
        load(tmp_path / name)


def test_all_rows_bad_is_an_error_naming_them(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", ["nope", "[]"])
    with pytest.raises(CorpusError, match=r"no usable articles: all 2 skipped \(.*:1: not valid JSON"):
        load(path)


def test_missing_file(tmp_path):
    with pytest.raises(CorpusError, match=r"nope\.jsonl: no such file or directory; check the corpus path"):
        load(tmp_path / "nope.jsonl")


def test_problems_are_logged(tmp_path, caplog):
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD[0], "bad"])
    load(path)
    assert f"skipped 1 bad row(s) (first: {path}:2: not valid JSON" in caplog.text


def test_load_jsonl_stops_at_the_first_bad_line(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD[0], "bad"])
    with pytest.raises(CorpusError, match=rf"{path}:2: not valid JSON"):
        load_jsonl(path)
    assert [a.id for a in load_jsonl(write_jsonl(tmp_path / "d.jsonl", GOOD))] == ["a1", "a2"]


@pytest.mark.skipif(not BBC.exists(), reason=f"shared BBC corpus not found at {BBC}")
def test_bbc_corpus_loads_every_row():
    corpus = load(BBC, dedupe=False)
    assert len(corpus.articles) == 2127 and corpus.problems == []
    assert all(a.headline and a.standfirst and a.category for a in corpus.articles)
    deduped = load(BBC)
    # 40 stories appear twice with the same body (headline/standfirst reworded): dropped by default
    assert deduped.duplicates == 40 and len(deduped.articles) == 2087


# ---- text that cannot be encoded: lone surrogates and invalid UTF-8 inside values ----------------

SURROGATE_CASES = [  # (JSON line as written in the file, field named in the reason, character position)
    ('{"id": "s", "body": "bad \\ud800 text"}', "body", 5),
    ('{"id": "s", "headline": "\\udc80", "body": "Fine body."}', "headline", 1),
    ('{"id": "s", "body": "Fine body.", "meta": {"desk": "x\\udfff"}}', "meta.desk", 2),
    ('{"id": "s", "body": "Fine body.", "tags": ["ok", "\\ud83d"]}', "tags[1]", 1),
]


@pytest.mark.parametrize("line, name, position", SURROGATE_CASES)
def test_lone_surrogate_escape_is_a_bad_row(tmp_path, line, name, position):
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD[0], line, GOOD[1]])
    corpus = load(path)
    assert [a.id for a in corpus.articles] == ["a1", "a2"]
    char = re.search(r"\\u(d[89a-f][0-9a-f]{2})", line).group(1)
    assert len(corpus.problems) == 1
    assert corpus.problems[0].startswith(
        f"{path}:2: field {name!r} holds the lone surrogate \\u{char} at character {position} (half of a UTF-16 pair"
    )
    for article in corpus.articles:  # what is kept can be written out
        json.dumps(article.to_record(), ensure_ascii=False).encode("utf-8")
    with pytest.raises(
        CorpusError,
        match=rf"^{re.escape(str(path))}:2: field '{re.escape(name)}' holds the lone "
        r"surrogate .*strict mode",
    ):
        load(path, strict=True)


def test_lone_surrogate_in_a_json_array_item_and_a_field_name(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('[{"body": "ok"}, {"body": "x\\ud800"}, {"b\\udc00dy": "y", "body": "fine"}]')
    corpus = load(path)
    assert [a.body for a in corpus.articles] == ["ok"]
    assert [p.split(" holds")[0] for p in corpus.problems] == [
        f"{path}:item 2: field 'body'",
        f"{path}:item 3: field name 'b\\udc00dy'",
    ]


def test_a_surrogate_pair_escape_is_one_character(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", ['{"body": "smile \\ud83d\\ude00"}'])
    assert load(path).articles[0].body == "smile \U0001f600"


def test_load_jsonl_refuses_a_lone_surrogate(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD[0], '{"body": "bad \\ud800"}'])
    with pytest.raises(CorpusError, match=rf"{re.escape(str(path))}:2: field 'body' holds the lone surrogate"):
        load_jsonl(path)


def test_invalid_utf8_in_a_csv_column_that_goes_to_meta(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"body,extra\nfine,ok\ngood,caf\xe9\n")
    corpus = load(path)
    assert [a.body for a in corpus.articles] == ["fine"]
    assert corpus.problems == [
        f"{path}:3: invalid UTF-8 bytes in column 'extra'; re-encode the file as UTF-8 (or set the corpus encoding)"
    ]


def _bad_utf8_parquet(path: Path) -> Path:
    """Three rows; row 2's body holds bytes that are not UTF-8 (written by a tool that did not check)."""
    body = pa.array([b"First body.", b"bad \xed\xa0\x80 bytes", b"Third body."], pa.binary()).view(pa.string())
    pq.write_table(pa.table({"id": ["p1", "p2", "p3"], "body": body}), path)
    return path


def test_invalid_utf8_in_a_parquet_row_is_a_bad_row(tmp_path):
    path = _bad_utf8_parquet(tmp_path / "c.parquet")
    corpus = load(path)
    assert [a.id for a in corpus.articles] == ["p1", "p3"]
    assert corpus.problems == [
        (
            f"{path}:row 2: invalid UTF-8 bytes in column 'body' (at byte 4 of the value); "
            "rewrite the file with valid UTF-8 text"
        )
    ]
    with pytest.raises(CorpusError, match=r":row 2: invalid UTF-8 bytes in column 'body'.*strict mode"):
        load(path, strict=True)


def test_invalid_utf8_in_parquet_data_files_read_through_datasets(tmp_path):
    pytest.importorskip("datasets")
    path = _bad_utf8_parquet(tmp_path / "c.parquet")
    corpus = load(path, format="hf")
    assert [a.id for a in corpus.articles] == ["p1", "p3"]
    assert corpus.problems == [
        (
            f"{path} row 2: invalid UTF-8 bytes in column 'body' (at byte 4 of the value); "
            "rewrite the file with valid UTF-8 text"
        )
    ]


def test_lone_surrogate_in_json_data_files_read_through_datasets(tmp_path):
    pytest.importorskip("datasets")
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD[0], '{"id": "s", "body": "bad \\ud800"}'])
    with pytest.raises(
        CorpusError,
        match=r"datasets could not load it \(DatasetGenerationError: .*surrogate pair "
        r"in string is invalid.*\); format: jsonl reads the file row by row "
        r"and reports each bad row$",
    ):
        load(path, format="hf")
