"""`bench ingest`: any source to the JSONL corpus format; bad rows listed; --strict; one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED_DIR = REPO / "data" / "raw"


def run_bench(*args: str) -> subprocess.CompletedProcess:
    """``python -m bench ARGS`` in a subprocess, on this checkout's package."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "bench", *args], capture_output=True, text=True, env=env)


def test_ingest_seed_pages_reproduces_the_bundled_sample(tmp_path, capsys):
    out = tmp_path / "sample.jsonl"
    assert main(["ingest", str(SEED_DIR), "--format", "pages", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (REPO / "data" / "sample.jsonl").read_text(encoding="utf-8")
    assert "wrote 1 article(s)" in capsys.readouterr().err


def test_ingest_csv_with_field_mapping_lists_bad_rows(tmp_path, capsys):
    src = tmp_path / "news.csv"
    src.write_text("title,text\nT1,Body one.\nT2\nT3,Body three.\n")
    out = tmp_path / "out.jsonl"
    assert main(["ingest", str(src), "--field", "headline=title", "--field", "body=text", "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records == [
        {"id": "news-2", "headline": "T1", "body": "Body one.", "language": "en"},
        {"id": "news-4", "headline": "T3", "body": "Body three.", "language": "en"},
    ]
    err = capsys.readouterr().err
    assert f"{src}:3: row has 1 fields, the header has 2" in err and "1 bad row(s) skipped" in err


def test_ingest_strict_is_one_line_exit_2(tmp_path):
    src = tmp_path / "c.jsonl"
    src.write_text('{"body": "ok"}\nnot json\n')
    proc = run_bench("ingest", str(src), "--strict", "-o", str(tmp_path / "o.jsonl"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith(f"bench ingest: error: {src}:2: not valid JSON")
    assert "Traceback" not in proc.stderr and not (tmp_path / "o.jsonl").exists()


def test_ingest_bad_field_option(tmp_path, capsys):
    src = tmp_path / "c.jsonl"
    src.write_text('{"body": "ok"}\n')
    assert main(["ingest", str(src), "--field", "body", "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "--field 'body': expected FIELD=COLUMN" in capsys.readouterr().err


def test_ingest_skips_a_row_with_a_lone_surrogate_escape(tmp_path):
    src = tmp_path / "c.jsonl"
    src.write_text(
        '{"id": "a", "body": "Fine body."}\n{"id": "b", "body": "bad \\ud800 x"}\n'
        '{"id": "c", "body": "Other body.", "note": "\\udc80"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "o.jsonl"
    proc = run_bench("ingest", str(src), "-o", str(out))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a"]
    assert f"{src}:2: field 'body' holds the lone surrogate \\ud800" in proc.stderr
    assert f"{src}:3: field 'note' holds the lone surrogate \\udc80" in proc.stderr
    assert "2 bad row(s) skipped" in proc.stderr
    strict = run_bench("ingest", str(src), "--strict", "-o", str(tmp_path / "s.jsonl"))
    assert strict.returncode == 2 and "Traceback" not in strict.stderr
    assert (
        strict.stderr.strip()
        .splitlines()[-1]
        .startswith(f"bench ingest: error: {src}:2: field 'body' holds the lone surrogate \\ud800")
    )
