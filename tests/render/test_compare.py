"""The comparison table, on run directories written by hand so every expected number is known.

Per-article F1 values are chosen so the significance results follow by reasoning, not by running the
code: B beats A by exactly 0.4 on every article, so every bootstrap resample of the difference equals the
observed one and the paired-bootstrap p-value is its floor 1/(n+1); approximate randomization flips signs,
and only all-equal signs (2 of 16 patterns) reach |0.4|, so its p-value is near 1/8. C equals A: p = 1.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from bench.errors import RunError
from bench.render.compare import build_comparison
from bench.render.csv_table import to_csv
from bench.render.markdown import to_markdown
from bench.render.table import OWN, RANKED, format_size, format_speed, ranked
from bench.render.terminal import to_rich
from bench.run.rundir import open_run

SIG = "rouge|engine:fast|nrefs:1|stem:porter|boot:200|seed:5|version:0.1.0"
HASHES = ["h1", "h2", "h3", "h4"]
A = [0.1, 0.2, 0.3, 0.4]
B = [0.5, 0.6, 0.7, 0.8]


def make_run(
    root: Path,
    name: str,
    systems: dict[str, list[float]],
    *,
    signature: str = SIG,
    hashes: list[str] | None = None,
    extra: dict[str, dict] | None = None,
    target: str = "headline",
    legacy: bool = False,
) -> Path:
    """A run directory with one target and rouge1 only; summary means are the values' means, CIs ±0.05.

    ``legacy`` writes summary.json as runs did before metrics were registered (``rouge1: {f1, f1_ci}``)."""
    path = root / name
    path.mkdir(parents=True)
    hashes = hashes or HASHES
    rows, scores, preds = [], [], []
    for system, values in systems.items():
        row = {
            "system": system,
            "kind": "lead",
            "target": target,
            "status": "ok",
            "error": None,
            "n": len(values),
            "articles_per_s": None,
        }
        mean = sum(values) / len(values)
        if legacy:
            row["rouge1"] = {"f1": mean, "f1_ci": [mean - 0.05, mean + 0.05]}
        else:
            row["scores"] = {"rouge1_f": {"mean": mean, "low": mean - 0.05, "high": mean + 0.05, "n": len(values)}}
        row.update((extra or {}).get(system, {}))
        if row["status"] != "ok":
            row["n"] = 0
            row.pop("rouge1", None), row.pop("scores", None)
        rows.append(row)
        for h, v in zip(hashes, values):
            if row["status"] == "ok":
                scores.append(
                    {
                        "system": system,
                        "target": target,
                        "article_id": f"id-{h}",
                        "article_hash": h,
                        "rouge1_p": v,
                        "rouge1_r": v,
                        "rouge1_f": v,
                    }
                )
                preds.append(
                    {
                        "system": system,
                        "target": target,
                        "article_id": f"id-{h}",
                        "article_hash": h,
                        "prediction": f"{system} on {h}",
                        "reference": f"real {h}",
                        "cached": False,
                    }
                )
    (path / "config.yaml").write_text(
        yaml.safe_dump({"name": "hand", "metrics": {"rouge": {"types": ["rouge1"], "bootstrap": 200, "seed": 5}}})
    )
    (path / "manifest.json").write_text(
        json.dumps(
            {
                "config": "hand",
                "command": ["bench", "run", "hand.yaml"],
                "started": "2026-01-02T03:04:05+00:00",
                "finished": "2026-01-02T03:06:05+00:00",
                "git": {"commit": "abc123", "dirty": False},
                "device": {"cpu": "Test CPU", "cpu_count": 2, "cuda": ["NVIDIA H200"]},
                "corpus": {"articles": 4},
            }
        )
    )
    summary = {"signature": signature, "config": "hand", "rows": rows}
    if not legacy:
        summary["signatures"] = {"rouge": signature}
        summary["columns"] = [
            {
                "key": "rouge1_f",
                "label": "R-1",
                "metric": "rouge",
                "description": "rouge1 f1",
                "scale": 100.0,
                "digits": 2,
                "show": True,
                "rank": True,
            }
        ]
    (path / "summary.json").write_text(json.dumps(summary))
    (path / "scores.jsonl").write_text("".join(json.dumps(s) + "\n" for s in scores))
    (path / "predictions.jsonl").write_text("".join(json.dumps(p) + "\n" for p in preds))
    return path


@pytest.fixture
def one_run(tmp_path):
    return open_run(
        make_run(
            tmp_path,
            "hand-1",
            {"A": A, "B": B, "C": list(A)},
            extra={"B": {"articles_per_s": 12.5, "parameters": 270_000_000}},
        )
    )


def test_rows_marks_and_pvalues(one_run):
    table = build_comparison([one_run])
    assert [r.label for r in table.rows] == ["B", "A", "C"]  # by F1; the A/C tie keeps run order
    rows = {r.label: r for r in table.rows}
    assert table.baseline == "A" and rows["A"].is_baseline and not table.baseline_chosen
    b = rows["B"].cells["rouge1_f"]
    assert b.mean == pytest.approx(0.65) and (b.low, b.high) == pytest.approx((0.60, 0.70))
    assert b.p == pytest.approx(1 / 201) and b.significant
    assert rows["C"].cells["rouge1_f"].p == 1.0 and not rows["C"].cells["rouge1_f"].significant
    assert rows["A"].cells["rouge1_f"].p is None


def test_approximate_randomization_is_less_sure_on_four_articles(one_run):
    table = build_comparison([one_run], method="approximate-randomization")
    b = next(r for r in table.rows if r.label == "B").cells["rouge1_f"]
    assert 0.06 < b.p < 0.25 and not b.significant  # near 1/8, see the module docstring


def test_markdown(one_run):
    text = to_markdown(build_comparison([one_run]))
    lines = text.splitlines()
    assert lines[0] == "| # | target | system | n | R-1 | articles/s | size |"
    assert lines[2] == "| 1 | headline | B | 4 | 65.00 [60.00–70.00]* | 12.5 | 270M |"
    assert lines[3] == "| 2 | headline | A (baseline) | 4 | 25.00 [20.00–30.00] | – | – |"
    assert "baseline A at p < 0.05" in text and "The baseline is the first system that ran" in text
    assert "paired bootstrap" in text and "n=200 resamples, seed=5" in text and SIG in text


def test_csv_keeps_values_in_unit_range(one_run):
    rows = list(csv.DictReader(io.StringIO(to_csv(build_comparison([one_run], baseline="C")))))
    by = {r["system"]: r for r in rows}
    assert by["C"]["baseline"] == "True" and by["B"]["baseline"] == "False"
    assert float(by["B"]["rouge1_f"]) == pytest.approx(0.65)
    assert float(by["B"]["rouge1_f_p"]) == pytest.approx(1 / 201) and by["B"]["rouge1_f_significant"] == "True"
    assert by["B"]["parameters"] == "270000000" and all(r["signature_rouge"] == SIG for r in rows)


def test_terminal_table(one_run):
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(to_rich(build_comparison([one_run])))
    out = console.file.getvalue()
    assert "65.00 ±5.00*" in out and "A (baseline)" in out
    assert SIG in "".join(out.split())  # the caption wraps at the table's width


def test_same_seeds_same_table(one_run):
    assert to_csv(build_comparison([one_run])) == to_csv(build_comparison([one_run]))


def test_two_runs_pair_by_article_hash(tmp_path):
    first = make_run(tmp_path, "hand-1", {"A": A, "B": B})
    # run 2 scored A's exact values but in another order and on three of the four articles
    second = make_run(tmp_path, "hand-2", {"A": [0.3, 0.1, 0.2]}, hashes=["h3", "h1", "h2"])
    table = build_comparison([open_run(first), open_run(second)], baseline="A")
    labels = [r.label for r in table.rows if r.block == RANKED]
    assert labels == ["B", "A (run #1)", "A (run #2)"]
    again = table.rows[2]
    assert again.run == "hand-2" and again.cells["rouge1_f"].p == 1.0  # identical on the shared articles
    text = to_markdown(table)
    # ranked on h1–h3, which all three scored: A's mean there is (0.1 + 0.2 + 0.3) / 3 in both runs, B's 0.6
    assert "| 2 | headline | A (baseline) | #1 | 3 | 20.00" in text and "| 3 | headline | A | #2 | 3 | 20.00" in text
    assert "| 1 | headline | B | #1 | 3 | 60.00" in text
    # then each row's own mean: run #1 scored all four articles
    assert "| – | headline | A | #1 | 4 | 25.00 [20.00–30.00] |" in text
    # the three rows scored different article sets: ranked on the three all of them scored, then their own
    assert table.common_n == {"headline": 3}
    assert "Runs: #1 hand-1; #2 hand-2." in text
    assert "different corpora" not in text


def test_different_corpora_are_noted(tmp_path):
    first = make_run(tmp_path, "hand-1", {"A": A})
    second = make_run(tmp_path, "hand-2", {"B": B})
    path = second / "summary.json"
    path.write_text(path.read_text().replace('"config": "hand"', '"config": "hand", "corpus": "other.jsonl"'))
    text = to_markdown(build_comparison([open_run(first), open_run(second)]))
    assert "The runs read different corpora (unknown; other.jsonl)" in text


def test_different_signatures_are_refused(tmp_path):
    first = make_run(tmp_path, "hand-1", {"A": A})
    second = make_run(tmp_path, "hand-2", {"A": A}, signature=SIG.replace("stem:porter", "stem:none"))
    with pytest.raises(RunError, match=r"different rouge signature .*\(stem: porter ≠ none\)"):
        build_comparison([open_run(first), open_run(second)])


def test_the_same_run_twice_is_refused(tmp_path):
    run = open_run(make_run(tmp_path, "hand-1", {"A": A}))
    with pytest.raises(RunError, match="same run directory is passed twice"):
        build_comparison([run, run])


def test_failed_system_is_listed_last_with_its_error(tmp_path):
    path = make_run(
        tmp_path,
        "hand-1",
        {"bad": A, "A": A},
        extra={"bad": {"status": "failed", "error": "OSError: no such model /m"}},
    )
    table = build_comparison([open_run(path)])
    assert [r.label for r in table.rows] == ["A", "bad"] and table.baseline == "A"  # the first that ran
    assert "| – | headline | bad | 0 | FAILED: OSError: no such model /m |  |  |" in to_markdown(table).splitlines()
    named = build_comparison([open_run(path)], baseline="bad")
    assert named.rows[0].cells["rouge1_f"].p is None  # nothing to test against a failed baseline


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"baseline": "B2"}, r"--baseline 'B2': no such system.*did you mean \"B\""),
        ({"targets": ["headlines"]}, r"--target 'headlines': not in these runs.*did you mean \"headline\""),
        ({"columns": ["rouge2_f"]}, r"--columns 'rouge2_f': not scored in these runs"),
        ({"method": "t-test"}, r"significance method 't-test' unknown"),
    ],
)
def test_bad_options_are_named(one_run, kwargs, message):
    with pytest.raises(RunError, match=message):
        build_comparison([one_run], **kwargs)


def test_formats():
    assert format_size(None) == "–" and format_size(270_000_000) == "270M" and format_size(1_300_000_000) == "1.3B"
    assert format_speed(None) == "–" and format_speed(0.4567) == "0.457" and format_speed(27412.3) == "27,412"


def test_leaderboard_command(one_run, tmp_path):
    out = tmp_path / "LEADERBOARD.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "leaderboard", str(one_run.path), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert text.startswith("# hand leaderboard")
    assert f"- **Signature (rouge):** `{SIG}`" in text
    assert "- **Date:** 2026-01-02 03:04 UTC (took 2 min)" in text
    assert "- **Machine:** Test CPU (2 CPUs); NVIDIA H200" in text and "commit `abc123`" in text
    assert "- **Reproduce:** `bench run hand.yaml`" in text
    assert "| 1 | headline | B | 4 | 65.00 [60.00–70.00]* | 12.5 | 270M |" in text.splitlines()
    assert "| 2 | headline | A (baseline) | 4 | 25.00 [20.00–30.00] | – | – |" in text.splitlines()
    missing = subprocess.run(
        [sys.executable, "-m", "bench", "leaderboard", str(tmp_path / "nope")], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "no such run directory" in missing.stderr


def test_an_upper_bound_is_shown_last_and_not_ranked(tmp_path):
    oracle = [0.9, 0.9, 0.9, 0.9]
    run = open_run(make_run(tmp_path, "hand-ub", {"A": A, "O": oracle, "B": B}, extra={"O": {"upper_bound": True}}))
    table = build_comparison([run])
    assert [(rank, r.display_name) for rank, r in ranked(table.rows)] == [
        ("1", "B"),
        ("2", "A (baseline)"),
        ("–", "O (upper bound)"),
    ]
    assert "O (upper bound)" in to_markdown(table)


def test_systems_on_different_articles_rank_on_the_common_ones(tmp_path):
    # S scored only h1 and h2. On those, S averages (0.5 + 0.6) / 2 = 0.55 and A (0.1 + 0.2) / 2 = 0.15;
    # over everything each scored, A averages 0.25 (n 4) and S 0.55 (n 2).
    run = open_run(make_run(tmp_path, "hand-sample", {"A": A, "S": [0.5, 0.6]}, extra={"S": {"n": 2}}))
    table = build_comparison([run])
    assert table.common_n == {"headline": 2}
    ranked_rows = table.block_rows("headline", RANKED)
    assert [(r.label, r.n) for r in ranked_rows] == [("S", 2), ("A", 2)]
    assert [r.cells["rouge1_f"].mean for r in ranked_rows] == pytest.approx([0.55, 0.15])
    own = table.block_rows("headline", OWN)
    assert {r.label: (r.n, r.cells["rouge1_f"].mean) for r in own} == {
        "S": (2, pytest.approx(0.55)),
        "A": (4, pytest.approx(0.25)),
    }
    assert [rank for rank, _ in ranked(table.rows)] == ["1", "2", "–", "–"]
    assert "ranked on the 2 articles all of them scored" in to_markdown(table)


def test_a_summary_written_before_metrics_were_registered_still_reads(tmp_path):
    run = open_run(make_run(tmp_path, "hand-old", {"A": A, "B": B}, legacy=True))
    table = build_comparison([run])
    assert [c.key for c in table.columns] == ["rouge1_f"] and table.signatures == {"rouge": SIG}
    b = next(r for r in table.rows if r.label == "B").cells["rouge1_f"]
    assert (b.mean, b.low, b.high) == pytest.approx((0.65, 0.60, 0.70)) and b.significant


def test_two_runs_on_the_same_articles_in_another_order_need_no_common_subset(tmp_path):
    first = make_run(tmp_path, "order-1", {"A": A})
    second = make_run(tmp_path, "order-2", {"A": A[::-1]}, hashes=HASHES[::-1])  # the same values, reordered
    table = build_comparison([open_run(first), open_run(second)], baseline="A")
    assert table.common_n == {}  # the same four articles: no ranked-on-the-common-ones block
    assert [r.n for r in table.rows] == [4, 4] and all(r.block == RANKED for r in table.rows)
    assert table.rows[1].cells["rouge1_f"].p == 1.0  # paired by article hash, not by position
