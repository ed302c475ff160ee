"""The driver killed mid-run (``kill -9`` of a ``bench run`` with ``executor: ray`` on the two-node test
cluster): the same command again resumes from the prediction cache — what the killed driver had cached is
reused, the rest generated, every prediction cached exactly once — and the local executor resumes it as well."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

from tests.run.slow_system import subprocess_env, write_corpus

N, CHUNK = 80, 4
RUN = "import sys; from tests.run.executors.toy_systems import register_all; register_all(); from bench.cli import main; sys.exit(main(sys.argv[1:]))"


def write_config(folder: Path, executor: str, address: str) -> Path:
    path = folder / f"{executor}.yaml"
    path.write_text(
        textwrap.dedent(f"""
        name: resume
        corpus: {{path: corpus.jsonl}}
        tasks: {{headline: {{max_words: 8}}, standfirst: {{max_words: 20}}}}
        systems: [{{name: slow-a, kind: slow, sleep: 0.1, words: 3}}]
        metrics: {{rouge: {{types: [rouge1], bootstrap: 100, seed: 3}}}}
        run: {{chunk_size: {CHUNK}, executor: {executor}, ray: {{address: "{address}", num_workers: 2}}}}
        """)
    )
    return path


def bench(folder: Path, config: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-c", RUN, "run", str(config), "-q", "--output", str(folder / "results")]
    return subprocess.Popen(
        cmd, cwd=folder, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def cache_lines(folder: Path) -> list[str]:
    files = list((folder / "results" / ".cache").glob("*.jsonl"))
    return [line for f in files for line in f.read_text().splitlines(keepends=True) if line.endswith("\n")]


def last_manifest(folder: Path) -> dict:
    runs = sorted(p for p in (folder / "results").iterdir() if (p / "manifest.json").exists())
    return json.loads((runs[-1] / "manifest.json").read_text())


def test_driver_killed_then_the_same_command_resumes(tmp_path, ray_cluster):
    address, _ = ray_cluster
    write_corpus(tmp_path / "corpus.jsonl", N)
    config = write_config(tmp_path, "ray", address)
    proc = bench(tmp_path, config)
    try:
        deadline = time.monotonic() + 120
        while len(cache_lines(tmp_path)) < 3 * CHUNK and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, f"the run ended before it was killed: {proc.communicate()[1][-2000:]}"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    kept = len(cache_lines(tmp_path))
    assert 3 * CHUNK <= kept < 2 * N  # killed mid-run, with some chunks cached

    again = bench(tmp_path, config)
    _out, err = again.communicate(timeout=180)
    assert again.returncode == 0, err[-2000:]
    cache = last_manifest(tmp_path)["cache"]
    assert cache == {"enabled": True, "reused": kept, "generated": 2 * N - kept}
    keys = Counter(json.loads(line)["key"] for line in cache_lines(tmp_path))
    assert len(keys) == 2 * N and set(keys.values()) == {1}

    # any executor resumes from the same cache: the local one now has nothing left to generate
    local = bench(tmp_path, write_config(tmp_path, "local", address))
    _out, err = local.communicate(timeout=120)
    assert local.returncode == 0, err[-2000:]
    assert last_manifest(tmp_path)["cache"] == {"enabled": True, "reused": 2 * N, "generated": 0}
