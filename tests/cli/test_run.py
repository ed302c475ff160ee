"""`bench run` from the command line: the table, the run directory line, and one-line errors."""

import subprocess
import sys

import pytest

from bench.cli import main


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "bench", *args], capture_output=True, text=True, cwd=cwd)


def test_run_prints_table_signature_and_run_dir(tmp_path, small_config, capsys):
    code = main(["run", str(small_config), "--output", str(tmp_path / "out"), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "lead-1" in out and "standfirst" in out and "headline" in out
    assert "signature: rouge|" in out
    # one article's outputs beside its real references (the first one every system predicted)
    assert "Example: article a1" in out
    assert "headline (real): Council approves new bridge over river" in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("run directory: ") and str(tmp_path / "out" / "small-") in last


def test_limit_restricts_articles(tmp_path, small_config, capsys):
    assert main(["run", str(small_config), "--output", str(tmp_path), "--limit", "1", "-q"]) == 0
    run_dir = capsys.readouterr().out.strip().splitlines()[-1].split(": ", 1)[1]
    lines = (tmp_path / run_dir.split("/")[-1] / "predictions.jsonl").read_text().splitlines()
    assert len(lines) == 4  # 1 article × 2 targets × 2 systems


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "config file not found"),
        ("corpus: [unclosed\n", "not valid YAML"),
        ("corpus: {path: x.jsonl}\nsystems:\n  - {kind: bogus}\n", "unknown system kind 'bogus'"),
        ("corpus: {path: x.jsonl}\nsystems:\n  - {kind: lead, sentences: many}\n", "sentences: expected an integer"),
    ],
)
def test_config_errors_are_one_line_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    if content is not None:
        path.write_text(content)
    proc = run_cli("run", str(path), "--output", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "bad.yaml" in lines[0]


def test_bad_corpus_line_is_named(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "x", "body": "Fine."}\n[1, 2]\n')
    cfg = tmp_path / "c.yaml"
    cfg.write_text("corpus: {path: c.jsonl, strict: true}\nsystems:\n  - {kind: lead, sentences: 1}\n")
    proc = run_cli("run", str(cfg), "--output", str(tmp_path / "o"), "-q")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "c.jsonl:2" in proc.stderr and "object" in proc.stderr


def test_help_explains_every_option():
    proc = run_cli("run", "--help")
    assert proc.returncode == 0
    for option in ("--limit", "--output", "--no-cache", "--quiet", "config"):
        assert option in proc.stdout
    top = run_cli("--help")
    assert "run" in top.stdout and "headline" in top.stdout
