"""A run streams each finished unit to disk: the files hold every unit's rows in the config's order, the
summary is the mean of what scores.jsonl holds, and nothing but float arrays stays in memory."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.config import load_config
from bench.errors import MetricError
from bench.files import read_jsonl
from bench.metrics.base import Column, Metric
from bench.run.execute import execute
from bench.run.generate import PredictionRow, Unit
from bench.run.rundir import RUN_FILES, open_run
from bench.run.score import columns_of
from bench.run.stream import RunStream
from bench.systems.base import System, register, unregister
from tests.run.slow_system import write_corpus

_BBC_PATH = Path("shared") / "corpora" / "bbc-news-2004" / "articles.jsonl"
BBC = next((p / _BBC_PATH for p in Path(__file__).resolve().parents if (p / _BBC_PATH).exists()), None)
SYSTEMS = ["lead-1", "flaky", "textrank-s", "broken", "lead-words"]
TARGETS = ["headline", "standfirst"]


@pytest.fixture
def kinds():
    """``flaky-test`` fails on its 4th chunk (after 3 chunks of a unit were cached) and reports a cost per
    prediction; ``broken-test`` cannot load."""

    @dataclass(frozen=True)
    class FlakyConfig:
        fail_at: int = 4

    class Flaky(System):
        Config = FlakyConfig
        calls = 0

        def summarize(self, articles, task):
            type(self).calls += 1
            if type(self).calls == self.config.fail_at:
                raise RuntimeError("flaky: gave up")
            self._n = len(articles)
            return [" ".join(a.body.split()[:7]) for a in articles]

        def prediction_extras(self):
            return [{"cost_usd": 0.001 * (i + 1)} for i in range(self._n)]

    @dataclass(frozen=True)
    class NoConfig:
        pass

    class Broken(System):
        Config = NoConfig

        def load(self):
            raise OSError("broken: no weights here")

        def summarize(self, articles, task):
            return ["x"] * len(articles)

    register("flaky-test")(Flaky)
    register("broken-test")(Broken)
    yield
    unregister("flaky-test")
    unregister("broken-test")


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus.jsonl"
    if BBC is not None:  # 40 real articles across the categories; every 13th loses its headline
        rows = [json.loads(line) for line in BBC.read_text(encoding="utf-8").splitlines()][::53][:40]
        for row in rows[::13]:
            row.pop("headline")
        corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    else:
        write_corpus(corpus, 40)
    path = tmp_path / "stream.yaml"
    path.write_text(f"""
name: stream
corpus: {{path: {corpus.name}}}
tasks: {{headline: {{max_words: 10}}, standfirst: {{max_words: 30}}}}
systems:
  - {{name: lead-1, kind: lead, sentences: 1}}
  - {{name: flaky, kind: flaky-test}}
  - {{name: textrank-s, kind: textrank, sentences: 1, sample: {{limit: 12, seed: 1}}}}
  - {{name: broken, kind: broken-test}}
  - {{name: lead-words, kind: lead, words: task}}
run: {{chunk_size: 8}}
metrics:
  rouge: {{bootstrap: 200, seed: 3}}
""")
    return path


def _blocks(rows: list[dict]) -> list[tuple[str, str]]:
    """The (system, target) of each run of consecutive rows."""
    out: list[tuple[str, str]] = []
    for r in rows:
        if not out or out[-1] != (r["system"], r["target"]):
            out.append((r["system"], r["target"]))
    return out


def test_streamed_files_hold_every_unit_in_config_order_and_the_summary_is_their_mean(tmp_path, kinds, config_path):
    config = load_config(config_path)
    result = execute(config, output_root=tmp_path / "out", use_cache=False)
    run_dir = result.run_dir
    assert sorted(p.name for p in run_dir.iterdir()) == sorted(RUN_FILES)  # no temp or part file left
    preds, scores = read_jsonl(run_dir / "predictions.jsonl"), read_jsonl(run_dir / "scores.jsonl")
    corpus_order = [json.loads(line)["id"] for line in (config_path.parent / "corpus.jsonl").read_text().splitlines()]
    with_headline = [
        json.loads(line).get("headline") is not None for line in (config_path.parent / "corpus.jsonl").open()
    ]
    eligible = {"headline": sum(with_headline), "standfirst": len(corpus_order)}

    # every unit that has rows, as one block, systems then targets in the config's order
    expected = [(s, t) for s in SYSTEMS for t in TARGETS if s != "broken"]
    assert _blocks(preds) == expected
    assert _blocks(scores) == [(s, t) for s, t in expected if (s, t) != ("flaky", "headline")]
    per_unit = {(s, t): [r for r in preds if (r["system"], r["target"]) == (s, t)] for s, t in expected}
    for target in TARGETS:
        for system in ("lead-1", "lead-words"):
            ids = [r["article_id"] for r in per_unit[(system, target)]]
            assert len(ids) == eligible[target] and ids == [a for a in corpus_order if a in set(ids)]
        assert len(per_unit[("textrank-s", target)]) <= 12
    # flaky: 3 chunks of 8 cached before its 4th call failed: kept in predictions, not scored
    assert len(per_unit[("flaky", "headline")]) == 24
    assert len(per_unit[("flaky", "standfirst")]) == eligible["standfirst"]

    # predictions and scores rows pair up one to one, in the same order
    scored_preds = [r for r in preds if (r["system"], r["target"]) != ("flaky", "headline")]
    assert [(r["system"], r["target"], r["article_id"], r["article_hash"]) for r in scored_preds] == [
        (r["system"], r["target"], r["article_id"], r["article_hash"]) for r in scores
    ]

    summary = json.loads((run_dir / "summary.json").read_text())
    rows = {(r["system"], r["target"]): r for r in summary["rows"]}
    assert list(rows) == [(s, t) for s in SYSTEMS for t in TARGETS]
    keys = [c["key"] for c in summary["columns"]]
    for (system, target), row in rows.items():
        mine = [r for r in scores if (r["system"], r["target"]) == (system, target)]
        assert row["n"] == len(mine)
        assert row["status"] == ("failed" if system == "broken" or (system, target) == ("flaky", "headline") else "ok")
        for key in keys:
            values = [r[key] for r in mine if r.get(key) is not None]
            cell = row["scores"][key]
            assert cell["n"] == len(values)
            if values:  # recomputed here from the file: the summary is the mean of what was written
                assert cell["mean"] == pytest.approx(math.fsum(values) / len(values), abs=1e-12)
            else:
                assert cell["mean"] is None
    cost = math.fsum(r["usage"]["cost_usd"] for r in per_unit[("flaky", "standfirst")])
    assert rows[("flaky", "standfirst")]["cost_usd"] == pytest.approx(cost)

    # the run's in-memory per-article arrays are what a reader of scores.jsonl gets
    read_back = open_run(run_dir).score_groups()
    kept = result.run.score_groups()
    assert list(kept) == list(read_back)
    for unit, frame in read_back.items():
        assert list(kept[unit]["article_hash"]) == list(frame["article_hash"])
        for key in keys:
            assert kept[unit][key].tolist() == pytest.approx(frame[key].astype(float).tolist(), nan_ok=True, abs=0)


def test_rows_are_on_disk_not_in_the_units_and_examples_are_read_back(tmp_path, kinds, config_path):
    result = execute(load_config(config_path), output_root=tmp_path / "out", use_cache=False)
    unit = next(u for u in result.units if u.system == "lead-1" and u.target == "standfirst")
    assert len(unit.rows) == 40  # the count stays
    with pytest.raises(RuntimeError, match=r"written to .*predictions\.jsonl .*open_run\(run_dir\)\.predictions"):
        list(unit.rows)  # the rows do not: an error, never an empty list

    preds = read_jsonl(result.run_dir / "predictions.jsonl")
    coverage: dict[str, int] = {}
    for r in preds:
        coverage[r["article_id"]] = coverage.get(r["article_id"], 0) + 1
    best = max(coverage.values())
    [(article_id, targets)] = result.examples(1)
    assert coverage[article_id] == best and article_id == next(a for a, n in coverage.items() if n == best)
    for target, reference, rows in targets:
        mine = [r for r in preds if r["article_id"] == article_id and r["target"] == target]
        assert reference == mine[0]["reference"]
        assert rows == [(r["system"], r["prediction"]) for r in mine]


def _units(config) -> list[Unit]:
    from bench.corpus.load import load_corpus

    articles = load_corpus(config.corpus, config.base_dir).articles
    units = []
    for system in ("a", "b", "c"):
        for task in config.tasks:
            unit = Unit(system, "lead", f"fp-{system}", task)
            eligible = [x for x in articles if x.reference(task.target)]
            unit.rows = [PredictionRow(x, " ".join(x.body.split()[: len(system) + 5]), False) for x in eligible]
            units.append(unit)
    return units


def test_units_that_finish_out_of_order_are_written_in_config_order(tmp_path, kinds, config_path):
    config = load_config(config_path)
    metrics = config.build_metrics()
    order = [(s, t.target) for s in ("a", "b", "c") for t in config.tasks]
    files = {}
    for name, shuffle in (("in-order", lambda us: us), ("reversed", lambda us: us[::-1])):
        folder = tmp_path / name
        folder.mkdir()
        with RunStream(folder, metrics, columns_of(metrics), order) as stream:
            for unit in shuffle(_units(config)):
                stream.on_unit(unit)
            stream.commit()
        assert sorted(p.name for p in folder.iterdir()) == ["predictions.jsonl", "scores.jsonl"]  # parts gone
        files[name] = {p.name: p.read_bytes() for p in folder.iterdir()}
        assert [(r.unit.system, r.unit.target) for r in stream.records] == order
    assert files["in-order"] == files["reversed"]


def test_a_run_that_ends_early_leaves_no_temp_file(tmp_path, kinds, config_path):
    config = load_config(config_path)
    metrics = config.build_metrics()
    units = _units(config)
    order = [(u.system, u.target) for u in units]
    with pytest.raises(RuntimeError, match="ended without units"):
        with RunStream(tmp_path, metrics, columns_of(metrics), order) as stream:
            stream.on_unit(units[1])  # before its turn: waits in a part file
            stream.on_unit(units[0])
            stream.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "stream.yaml"]  # no part, no temp


def test_a_metric_value_that_is_not_a_number_is_one_line_naming_it(tmp_path, kinds, config_path):
    class Words(Metric):
        def columns(self):
            return [Column("label", "label", "words")]

        def score(self, items):
            return [{"label": "long"} for _ in items]

        def aggregate(self, values):  # its own aggregate, which does not look at the values
            return {}

    config = load_config(config_path)
    unit = _units(config)[0]
    with pytest.raises(MetricError, match=r"a on headline: column 'label' gave str 'long' for article \S+; .* numbers"):
        with RunStream(tmp_path, [Words(None)], [Column("label", "label", "words")], [("a", "headline")]) as stream:
            stream.on_unit(unit)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_scoring_in_slices_gives_the_files_and_numbers_of_scoring_whole_units(
    tmp_path, kinds, config_path, monkeypatch
):
    import bench.run.score
    import bench.run.stream

    config = load_config(config_path)
    order = [(s, t.target) for s in ("a", "b", "c") for t in config.tasks]
    out = {}
    for name in ("whole", "slices"):
        with monkeypatch.context() as patch:
            if name == "whole":  # as for a metric whose values depend on the other items
                patch.setattr(bench.run.stream, "item_independent", lambda metrics: False)
            else:  # 40 articles in slices of 7: six full slices and a short one
                patch.setattr(bench.run.stream, "SLICE_ROWS", 7)
                patch.setattr(bench.run.score, "SLICE_ROWS", 7)
            folder = tmp_path / name
            folder.mkdir()
            metrics = config.build_metrics()
            with RunStream(folder, metrics, columns_of(metrics), order) as stream:
                for unit in _units(config):
                    stream.on_unit(unit)
                stream.commit()
            files = {p.name: p.read_bytes() for p in folder.iterdir()}
            summary = [{k: v for k, v in r.items() if k != "seconds_score"} for r in stream.summary_rows()]
            out[name] = files, summary, [r.scores.values for r in stream.records]
    assert out["slices"][0] == out["whole"][0]  # predictions.jsonl and scores.jsonl, byte for byte
    assert out["slices"][1] == out["whole"][1]  # every mean, CI bound and count
    for a, b in zip(out["slices"][2], out["whole"][2]):
        assert a.tobytes() == b.tobytes()
    assert len(read_jsonl(tmp_path / "slices" / "scores.jsonl")) == sum(
        1 for _ in (tmp_path / "slices" / "predictions.jsonl").open()
    )


def test_kept_arrays_fill_by_column_and_aggregates_over_them_equal_those_over_the_rows(tmp_path, kinds, config_path):
    from bench.run.score import ScoreArrays, aggregate_rows, score_values

    config = load_config(config_path)
    unit = _units(config)[0]
    metrics = config.build_metrics()  # rouge and the extras
    values = score_values(unit, unit.rows, metrics)
    values[3]["compression"], values[5]["compression"], values[7]["novel_1gram"] = None, math.nan, None  # holes
    arrays = ScoreArrays.empty([r.article.content_hash for r in unit.rows], columns_of(metrics))
    arrays.fill(0, values, unit)
    # a column of ints takes the checked row-by-row path: the same arrays
    slow = ScoreArrays.empty(arrays.hashes, columns_of(metrics))
    slow.fill(0, [{**row, "pred_words": int(row["pred_words"])} for row in values], unit)
    assert slow.values.tobytes() == arrays.values.tobytes() and (slow.given == arrays.given).all()
    assert arrays.given[3, arrays.keys.index("compression")] == False  # noqa: E712  (None: no value)
    assert arrays.given[5, arrays.keys.index("compression")] == True  # noqa: E712  (NaN: a value, as written)
    rows = arrays.rows()
    for key in arrays.keys:  # a column's given values as one float array: what the rows give (repr: NaN is NaN)
        assert repr(rows.column(key).tolist()) == repr([v for row in values if (v := row.get(key)) is not None])
    assert rows.column("no-such-key").tolist() == []
    assert aggregate_rows(metrics, rows) == aggregate_rows(metrics, values)  # bit for bit
