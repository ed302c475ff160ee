"""`bench corpus-stats`: text and --json output, from a file, a config, and the BBC corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.cli import main

BBC = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    path = tmp_path / "c.jsonl"
    rows = [
        {"id": "1", "headline": "Two words", "body": "a b c d"},
        {"id": "2", "standfirst": "x y", "body": "a b", "language": "de"},
        {"id": "3", "body": "a b"},
        "broken",
    ]
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_json_output(corpus_file, capsys):
    assert main(["corpus-stats", str(corpus_file), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["articles"], stats["rows_read"], stats["skipped"], stats["duplicates"]) == (2, 3, 1, 1)
    assert stats["missing"]["headline"] == 1 and stats["languages"] == {"de": 1, "en": 1}
    assert stats["words"]["body"] == {"count": 2, "min": 2, "median": 3.0, "p95": 4, "max": 4, "mean": 3.0}
    assert stats["problems"] == [f"{corpus_file}:4: not valid JSON (Expecting value at column 1)"]


def test_text_output_from_a_config(corpus_file, tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text(f"corpus: {{path: {corpus_file.name}, dedupe: false}}\nsystems: []\n")
    assert main(["corpus-stats", str(config)]) == 0
    captured = capsys.readouterr()
    assert "articles: 3 (read 3; skipped 1 bad row(s); 1 duplicate(s) by body)" in captured.out
    assert "  body               3      2        2      4       4      2.7" in captured.out
    assert f"{corpus_file}:4: not valid JSON" in captured.err


@pytest.mark.skipif(not BBC.exists(), reason=f"shared BBC corpus not found at {BBC}")
def test_bbc_corpus_stats(capsys):
    assert main(["corpus-stats", str(BBC), "--json", "--no-dedupe"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 2127 and stats["skipped"] == 0 and stats["duplicates"] == 40
    rows = [json.loads(line) for line in BBC.read_text(encoding="utf-8").splitlines()]
    assert stats["categories"] == dict(Counter(r["category"] for r in rows))
    assert all(stats["words"][f]["count"] == 2127 for f in ("headline", "standfirst", "body"))


def test_lone_surrogate_escape_is_a_skipped_row_not_a_crash(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"id": "a", "body": "a b c"}\n{"id": "b", "headline": "\\ud800", "body": "d e"}\n', encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "corpus-stats", str(path), "--json"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    stats = json.loads(proc.stdout)
    assert (stats["articles"], stats["rows_read"], stats["skipped"]) == (1, 1, 1)
    assert stats["problems"][0].startswith(f"{path}:2: field 'headline' holds the lone surrogate \\ud800")
    text = subprocess.run(
        [sys.executable, "-m", "bench", "corpus-stats", str(path)], capture_output=True, text=True, env=env
    )
    assert text.returncode == 0 and "articles: 1 (read 1; skipped 1 bad row(s)" in text.stdout, text.stderr
