"""Scoring a run's large units in worker processes (run.score_workers) gives the files, summary, notes and
signatures of scoring in one process; only parallel-safe metrics leave the driver; no worker outlives a run."""

from __future__ import annotations

import json
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

import bench.run.score_pool
import bench.run.stream
from bench.config import load_config, parse_config
from bench.errors import ConfigError, MetricError
from bench.files import read_jsonl
from bench.metrics.base import Column, Metric, register_metric, unregister_metric
from bench.run.execute import execute
from bench.run.score_pool import ScoreWorkerError

_BBC_PATH = Path("shared") / "corpora" / "bbc-news-2004" / "articles.jsonl"
BBC = next((p / _BBC_PATH for p in Path(__file__).resolve().parents if (p / _BBC_PATH).exists()), None)
pytestmark = pytest.mark.skipif(BBC is None, reason="needs the shared BBC corpus (../shared/corpora/bbc-news-2004)")
SLICE = 16  # rows per slice here: 150 articles make 10 slices per unit, so real slices go to real workers


def _fullwidth(text: str) -> str:
    """ASCII letters and digits as their fullwidth forms (U+FF21...): rouge-score's tokenizer sees none."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def _greek(text: str) -> str:
    """Letters as Greek letters, digits fullwidth: scored as English, no token either."""
    out = []
    for c in text:
        if c.isascii() and c.isalpha():
            out.append(chr(0x3B1 + (ord(c.lower()) - 97) % 25))
        elif c.isascii() and c.isdigit():
            out.append(chr(ord(c) + 0xFEE0))
        else:
            out.append(c)
    return "".join(out)


def _mixed_corpus(path: Path) -> None:
    """150 real BBC articles, a few without headline: every 5th declared German (English scored as German: a language mismatch), the
    others English, of which six in seven are rewritten in fullwidth or Greek letters (texts the tokenizer
    cannot see: most texts yield no token, in two scripts, spread over every slice)."""
    rows = [json.loads(line) for line in BBC.read_text(encoding="utf-8").splitlines()][::14][:150]
    for i, row in enumerate(rows):
        if i % 13 == 6:  # no headline: the headline units' slices hold other articles than the standfirst ones'
            row.pop("headline")
        if i % 5 == 0:
            row["language"] = "de"
        elif i % 7:
            rewrite = _fullwidth if i % 2 else _greek
            for key in ("headline", "standfirst", "body"):
                if key in row:
                    row[key] = rewrite(row[key])
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _config(tmp_path: Path, workers: object, metrics: str, corpus: str = "mixed") -> Path:
    path = tmp_path / "corpus.jsonl"
    if corpus == "mixed":
        _mixed_corpus(path)
    else:
        rows = BBC.read_text(encoding="utf-8").splitlines()[::14][:150]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = tmp_path / "pool.yaml"
    config.write_text(f"""
name: pool
corpus: {{path: {path.name}}}
tasks: {{headline: {{max_words: 10}}, standfirst: {{max_words: 30}}}}
systems:
  - {{name: lead-1, kind: lead, sentences: 1}}
  - {{name: lead-words, kind: lead, words: task}}
metrics: {metrics}
run: {{chunk_size: 50, score_workers: {workers}}}
""")
    return config


def _run(tmp_path: Path, name: str, workers: object, metrics: str, monkeypatch, corpus: str = "mixed"):
    folder = tmp_path / name
    folder.mkdir()
    monkeypatch.setattr(bench.run.stream, "SLICE_ROWS", SLICE)
    return execute(load_config(_config(folder, workers, metrics, corpus)), output_root=folder / "out", use_cache=False)


def _gone(pids: list[int]) -> bool:
    """Whether none of ``pids`` is a live process (or an unreaped child) any more."""
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return True


def test_two_workers_give_the_files_summary_notes_and_signatures_of_one_process(tmp_path, monkeypatch):
    metrics = "{rouge: {bootstrap: 200, seed: 3}, extra: {}}"
    one = _run(tmp_path, "one", 1, metrics, monkeypatch)
    # each worker keeps 40 articles here (20,000 by default): every few slices it forgets them and gets them again
    monkeypatch.setattr(bench.run.score_pool, "_ARTICLES_KEPT", 40)
    two = _run(tmp_path, "two", 2, metrics, monkeypatch)
    (preds_1, scores_1, summary_1), (preds_2, scores_2, summary_2) = _comparable(one), _comparable(two)
    assert preds_1 == preds_2 and scores_1 == scores_2  # byte for byte
    assert summary_1 == summary_2  # means, CIs, counts, signatures, notes
    summaries = [summary_1, summary_2]

    # the notes come from state the workers saw and the driver merged: each kind is there, the same
    assert one.notes == two.notes and len(one.notes) == 2
    assert "non-empty texts" in one.notes[0] and "yield no token" in one.notes[0]
    assert "scored as language 'de' look like English" in one.notes[1]
    assert summaries[0]["signatures"]["rouge"] == summaries[1]["signatures"]["rouge"]
    assert "|lang:de,en|tok:de=unicode-v1,en=rouge-score|" in summaries[1]["signatures"]["rouge"]

    manifests = [json.loads((r.run_dir / "manifest.json").read_text())["scoring"] for r in (one, two)]
    assert manifests[0] == {"score_workers": 1, "processes": 1, "workers_used": 1, "pooled_units": 0}
    assert manifests[1] == {"score_workers": 2, "processes": 2, "workers_used": 2, "pooled_units": 4}
    assert multiprocessing.active_children() == []


def _comparable(result) -> tuple[bytes, bytes, dict]:
    summary = json.loads((result.run_dir / "summary.json").read_text())
    for row in summary["rows"]:
        for timing in ("seconds_score", "seconds_generate", "articles_per_s"):
            row.pop(timing)
    summary["corpus"] = summary["corpus"].replace(str(result.run_dir.parents[1]), "<folder>")
    files = [(result.run_dir / name).read_bytes() for name in ("predictions.jsonl", "scores.jsonl")]
    return files[0], files[1], summary


def test_the_perl_engine_gives_one_process_s_numbers_in_workers_too(tmp_path, monkeypatch):
    """perl: a Python port of ROUGE-1.5.5 (nothing shelled out: parallel-safe), its own bootstrap the aggregate."""
    engine = "perl"
    metrics = f"{{rouge: {{engine: {engine}, bootstrap: 100}}, extra: false}}"
    one = _run(tmp_path, "one", 1, metrics, monkeypatch, corpus="bbc")
    two = _run(tmp_path, "two", 2, metrics, monkeypatch, corpus="bbc")
    assert _comparable(one) == _comparable(two)
    assert f"engine:{engine}-" in two.signature
    assert json.loads((two.run_dir / "manifest.json").read_text())["scoring"]["workers_used"] == 2


@dataclass(frozen=True)
class PidConfig:
    fail_on: str | None = None  # an article whose scoring raises a MetricError
    exit_on: str | None = None  # an article whose scoring ends the process (as the OOM killer would)
    interrupt_at: int | None = None  # the score() call that raises KeyboardInterrupt


class WorkerPid(Metric):
    """Each article's value is the pid of the process that scored it (parallel-safe: workers may score it)."""

    Config = PidConfig
    item_independent = True
    parallel_safe = True
    key = "pid_pool"
    calls = 0
    children: ClassVar[list[int]] = []  # the driver's live children when the interrupt was raised

    def columns(self):
        return [Column(self.key, "pid", test=False, ci=False)]

    def score(self, items):
        type(self).calls += 1
        if self.config.interrupt_at == type(self).calls:
            type(self).children = [p.pid for p in multiprocessing.active_children()]
            raise KeyboardInterrupt
        for item in items:
            if item.article.id == self.config.fail_on:
                raise MetricError(f"pid metric: cannot score article {item.article.id}")
            if item.article.id == self.config.exit_on:
                os._exit(3)
        return [{self.key: float(os.getpid())} for _ in items]

    def signature(self):
        return self.key


class DriverPid(WorkerPid):
    """The same, not parallel-safe: it stays in the driver."""

    parallel_safe = False
    key = "pid_driver"


@pytest.fixture
def pid_metrics():
    register_metric("pid-pool")(WorkerPid)
    register_metric("pid-driver")(DriverPid)
    DriverPid.calls = 0
    yield
    unregister_metric("pid-pool")
    unregister_metric("pid-driver")


def test_only_parallel_safe_metrics_leave_the_driver_and_no_worker_outlives_the_run(tmp_path, monkeypatch, pid_metrics):
    result = _run(tmp_path, "pids", 2, "{extra: false, pid-pool: {}, pid-driver: {}}", monkeypatch, corpus="bbc")
    scores = read_jsonl(result.run_dir / "scores.jsonl")
    workers = {int(r["pid_pool"]) for r in scores}
    assert len(workers) == 2 and os.getpid() not in workers  # rouge and pid-pool: in the two workers
    assert {int(r["pid_driver"]) for r in scores} == {os.getpid()}  # pid-driver: here
    assert _gone(sorted(workers)) and multiprocessing.active_children() == []


def test_an_error_in_a_worker_is_the_metric_error_and_the_workers_stop(tmp_path, monkeypatch, pid_metrics):
    article = json.loads(BBC.read_text(encoding="utf-8").splitlines()[14 * 100])["id"]  # in the 7th slice
    with pytest.raises(MetricError, match=rf"^pid metric: cannot score article {article}$"):
        _run(tmp_path, "fails", 2, f"{{extra: false, pid-pool: {{fail_on: {article}}}}}", monkeypatch, "bbc")
    assert multiprocessing.active_children() == []


def test_a_worker_that_dies_is_one_error_naming_it(tmp_path, monkeypatch, pid_metrics):
    article = json.loads(BBC.read_text(encoding="utf-8").splitlines()[14 * 40])["id"]
    with pytest.raises(ScoreWorkerError, match=r"lead-1 on headline: score worker .* stopped with exit code 3 "):
        _run(tmp_path, "dies", 2, f"{{extra: false, pid-pool: {{exit_on: {article}}}}}", monkeypatch, "bbc")
    assert multiprocessing.active_children() == []


def test_ctrl_c_while_workers_score_leaves_no_worker_behind(tmp_path, monkeypatch, pid_metrics):
    with pytest.raises(KeyboardInterrupt):  # raised in the driver, on its 3rd slice, with slices in flight
        _run(tmp_path, "ctrl-c", 2, "{extra: false, pid-driver: {interrupt_at: 3}}", monkeypatch, "bbc")
    assert len(DriverPid.children) == 2  # the pool was running then
    assert _gone(DriverPid.children) and multiprocessing.active_children() == []


@pytest.mark.parametrize("value", [0, -2, "two", 1.5, True, "", None])
def test_a_bad_score_workers_setting_is_one_line_naming_it(tmp_path, value):
    data = {"corpus": {"path": "c.jsonl"}, "systems": [{"name": "lead-1", "kind": "lead", "sentences": 1}]}
    with pytest.raises(ConfigError) as err:
        parse_config({**data, "run": {"score_workers": value}}, tmp_path / "bad.yaml")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'bad.yaml'}: run.score_workers: expected auto (the CPUs this process")
    assert message.endswith(f"got {value!r}")


def test_score_workers_auto_is_the_cpus_this_process_may_use(tmp_path):
    data = {"corpus": {"path": "c.jsonl"}, "systems": [{"name": "lead-1", "kind": "lead", "sentences": 1}]}
    assert parse_config(data).run.score_processes() == len(os.sched_getaffinity(0))  # auto: the default
    assert parse_config({**data, "run": {"score_workers": 3}}).run.score_processes() == 3


def test_a_worker_gets_each_article_once_and_again_after_it_forgot_them(monkeypatch):
    """The driver's bookkeeping (ScorePool._pack) and the worker's (score_worker._items), through pickle as the
    queue carries them, on slices that overlap: every item comes out with its own article."""
    import pickle

    from bench.article import Article
    from bench.metrics.base import Item
    from bench.run.score_pool import ScorePool
    from bench.run.score_worker import _items

    monkeypatch.setattr(bench.run.score_pool, "_ARTICLES_KEPT", 20)
    rows = [json.loads(line) for line in BBC.read_text(encoding="utf-8").splitlines()[:60]]
    articles = [Article(r["id"], r["body"], r.get("headline"), r.get("standfirst")) for r in rows]
    pool = ScorePool([], 1)  # no process: only the driver's side of the bookkeeping
    pool._sent.append({})
    kept: dict = {}  # the worker's side
    sent, resets = [], []
    for start, size in [(0, 16), (0, 16), (8, 16), (10, 8), (30, 16), (0, 30)]:
        items = [Item(f"prediction {i}", (f"reference {i}",), a, "headline") for i, a in enumerate(articles)]
        items = items[start : start + size]
        payload = pickle.loads(pickle.dumps(pool._pack(0, items)))
        got = _items(payload, kept)
        assert got == items  # prediction, references, target and the article itself (its fields)
        sent.append(len(payload[1]))
        resets.append(payload[2])
    # 8..23 holds 8 kept articles, but 24 would pass the 20 kept: the worker forgets them all, gets these 16
    assert sent == [16, 0, 16, 0, 16, 30] and resets == [False, False, True, False, True, True]
