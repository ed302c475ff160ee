"""Two ``bench run`` processes on the same output folder at the same time: the per-cache-file lock makes
the second wait for the first and reuse what it wrote, so nothing is generated twice, no cache line is
duplicated or torn, and both runs report identical scores.

The config has an extractive system (``lead``) and the test-only ``slow-test`` kind (tests/run/slow_system.py)
that sleeps per chunk, so the two runs overlap for certain instead of by luck of timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

from tests.run.slow_system import install, subprocess_env, write_corpus

N_ARTICLES, CHUNK = 12, 4


def _start(ws: Path, wrapper: Path) -> subprocess.Popen[str]:
    env = subprocess_env(SLOW_LOG=str(ws / "generated.log"), SLOW_SLEEP="0.4")
    cmd = [sys.executable, str(wrapper), str(ws), "run", str(ws / "same.yaml"), "-q", "--output", str(ws / "results")]
    return subprocess.Popen(cmd, cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _scores(run_dir: Path) -> tuple[list[dict], dict]:
    """scores.jsonl's rows and summary.json's metric values, without counts and timings."""
    rows = [json.loads(line) for line in (run_dir / "scores.jsonl").read_text().splitlines()]
    summary = json.loads((run_dir / "summary.json").read_text())["rows"]
    return rows, {(r["system"], r["target"]): {k: v for k, v in r.items() if isinstance(v, dict)} for r in summary}


def test_two_runs_on_one_output_generate_each_prediction_once(tmp_path):
    ws = tmp_path
    write_corpus(ws / "corpus.jsonl", N_ARTICLES)
    wrapper = install(ws)
    (ws / "same.yaml").write_text(
        textwrap.dedent(f"""
        name: same
        corpus: {{path: corpus.jsonl}}
        tasks: {{headline: {{max_words: 8}}, standfirst: {{max_words: 20}}}}
        systems:
          - {{name: lead-1, kind: lead, sentences: 1}}
          - {{name: slow, kind: slow-test, words: 4}}
        metrics: {{rouge: {{types: [rouge1, rougeL], bootstrap: 100, seed: 3}}}}
        run: {{chunk_size: {CHUNK}}}
    """)
    )
    procs = [_start(ws, wrapper), _start(ws, wrapper)]  # started together
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (_, err) in zip(procs, results):
        assert proc.returncode == 0, err

    total = 2 * 2 * N_ARTICLES  # systems × targets × articles
    cache_lines = []
    for path in sorted((ws / "results" / ".cache").glob("*.jsonl")):
        data = path.read_text()
        assert data.endswith("\n")
        cache_lines += [(path.stem, json.loads(line)["key"]) for line in data.splitlines()]
    assert len(cache_lines) == total and set(Counter(cache_lines).values()) == {1}  # each once, none torn
    produced = Counter((ws / "generated.log").read_text().splitlines())
    assert len(produced) == 2 * N_ARTICLES and set(produced.values()) == {1}  # slow-test: each generated once

    first, second = sorted((ws / "results").glob("same-*"))
    assert _scores(first) == _scores(second)
    manifests = [json.loads((d / "manifest.json").read_text())["cache"] for d in (first, second)]
    assert sorted(m["generated"] for m in manifests)[0] < total  # one of them reused what the other wrote
    assert sum(m["generated"] for m in manifests) == total
    waited = [err for _, err in results if "is generating with the same system settings; waiting for it" in err]
    assert waited  # the wait is said, in one line
