"""``bench score`` on line-aligned files the tests write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import __version__
from bench.cli import main

PREDS = ["The cat sat on the mat.", "Storm closes schools"]
REFS = ["The cat is on the mat.", "Storm closes all schools in region"]


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["score", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred, ref = _write(tmp_path, "pred.txt", PREDS), _write(tmp_path, "ref.txt", REFS)
    out = _json(capsys, "--pred", str(pred), "--ref", str(ref), "--metrics", "rouge1,rouge2", "--bootstrap", "200")
    assert out["n"] == 2
    assert out["signature"].startswith("rouge|engine:fast-rouge-score-rs-")
    assert out["signature"].endswith(f"|boot:200|seed:12345|version:{__version__}")
    r1 = out["scores"]["rouge1"]
    # By hand: pair 1 P = R = 5/6; pair 2: storm, closes, schools -> P 3/3, R 3/6.
    assert r1["precision"] == pytest.approx((5 / 6 + 1) / 2)
    assert r1["recall"] == pytest.approx((5 / 6 + 0.5) / 2)
    assert r1["f1"] == pytest.approx((5 / 6 + 2 / 3) / 2)
    assert r1["ci"][0] <= r1["f1"] <= r1["ci"][1]
    assert set(out["scores"]) == {"rouge1", "rouge2"}
    assert all(0 <= v <= 1 for s in out["scores"].values() for v in (s["precision"], s["recall"], s["f1"]))


def test_two_reference_files_and_the_reference_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = _write(tmp_path, "pred.txt", PREDS)
    ref1, ref2 = _write(tmp_path, "r1.txt", REFS), _write(tmp_path, "r2.txt", ["x", "Storm closes schools"])
    out = _json(
        capsys,
        "--pred",
        str(pred),
        "--ref",
        str(ref1),
        "--ref",
        str(ref2),
        "--engine",
        "reference",
        "--metrics",
        "rouge1",
    )
    assert "engine:reference-rouge-score-" in out["signature"] and "|nrefs:2|" in out["signature"]
    assert out["scores"]["rouge1"]["f1"] == pytest.approx((5 / 6 + 1) / 2)  # the best reference per line


def test_perl_engine_and_german(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred, ref = _write(tmp_path, "pred.txt", PREDS), _write(tmp_path, "ref.txt", REFS)
    out = _json(capsys, "--pred", str(pred), "--ref", str(ref), "--engine", "perl")
    assert set(out["scores"]) == {"rouge1", "rouge2", "rougeL", "rougeSU4"}
    assert "|flags:-c 95 -m -n 2 -r 1000 -2 4 -U -p 0.5 -f A|" in out["signature"]
    pred = _write(tmp_path, "de.txt", ["Die Bürgermeisterin eröffnet das neue Rathaus in München"])
    ref = _write(tmp_path, "de-ref.txt", ["Münchner Bürgermeisterin eröffnet neues Rathaus"])
    out = _json(capsys, "--pred", str(pred), "--ref", str(ref), "--lang", "de", "--metrics", "rouge1")
    assert out["scores"]["rouge1"]["recall"] == pytest.approx(4 / 5)


def test_perl_options_reach_the_engine_and_the_signature(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.metrics.perl.engine import PerlSettings, score_perl

    pred, ref = _write(tmp_path, "pred.txt", PREDS), _write(tmp_path, "ref.txt", REFS)
    out = _json(
        capsys,
        "--pred",
        str(pred),
        "--ref",
        str(ref),
        "--engine",
        "perl",
        "--perl-limit-words",
        "3",
        "--perl-scoring",
        "B",
        "--perl-alpha",
        "0.2",
        "--bootstrap",
        "50",
    )
    assert "|flags:-c 95 -m -n 2 -r 50 -2 4 -U -l 3 -p 0.2 -f B|" in out["signature"]
    # by hand, -l 3 keeps "the cat sat" / "the cat is" and "storm closes schools" / "storm closes all":
    # 2 of 3 unigrams each way, so P = R = F = 2/3 whatever alpha, and every bootstrap mean is 2/3 too
    assert out["scores"]["rouge1"]["f1"] == pytest.approx(2 / 3, abs=1e-5)
    settings = PerlSettings(skip_distance=4, length_limit_words=3, scoring="B", alpha=0.2)
    assert [score_perl([p], [[r]], settings)["rouge1"][2] for p, r in zip(PREDS, REFS)] == pytest.approx(
        [2 / 3] * 2, abs=1e-5
    )
    unlimited = _json(capsys, "--pred", str(pred), "--ref", str(ref), "--engine", "perl")
    assert unlimited["scores"]["rouge1"]["f1"] != pytest.approx(2 / 3, abs=1e-3)


def test_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred, ref = _write(tmp_path, "pred.txt", PREDS), _write(tmp_path, "ref.txt", REFS)
    assert main(["score", "--pred", str(pred), "--ref", str(ref), "--metrics", "rouge1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split()[:4] == ["rouge1", "91.67", "66.67", "75.00"]
    assert out[-1].startswith("rouge|engine:")


@pytest.mark.parametrize(
    "pred_lines, ref_lines, extra, message",
    [
        (PREDS, REFS[:1], [], "pred.txt has 2 lines but"),
        ([], REFS, [], "pred.txt: the file is empty"),
        (PREDS, REFS, ["--metrics", "rouge1,rougeX"], "--metrics: unknown ROUGE type 'rougeX'"),
        (PREDS, REFS, ["--metrics", "rougeSU4"], "rougeSU4 is computed by engine 'perl' only"),
        (PREDS, REFS, ["--lang", "German"], "--lang: 'German' is not a language code"),
        (
            PREDS,
            REFS,
            ["--perl-stopwords"],
            (
                "--perl-stopwords: ROUGE-1.5.5 options work with --engine perl only; add "
                "--engine perl, or drop it (engine is 'auto')"
            ),
        ),
        (
            PREDS,
            REFS,
            ["--engine", "fast", "--perl-limit-words", "5", "--perl-scoring", "B"],
            "--perl-limit-words, --perl-scoring: ROUGE-1.5.5 options work with --engine perl only",
        ),
        (PREDS, REFS, ["--lang", "th"], "--lang: Thai ('th') is written without spaces"),
        (PREDS, REFS, ["--engine", "perl", "--perl-alpha", "2"], "--perl-* options: perl ROUGE: alpha (-p)"),
    ],
)
def test_one_clear_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pred_lines: list[str],
    ref_lines: list[str],
    extra: list[str],
    message: str,
) -> None:
    pred, ref = _write(tmp_path, "pred.txt", pred_lines), _write(tmp_path, "ref.txt", ref_lines)
    assert main(["score", "--pred", str(pred), "--ref", str(ref), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_file_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pred = _write(tmp_path, "pred.txt", PREDS)
    assert main(["score", "--pred", str(pred), "--ref", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt: no such file" in capsys.readouterr().err


# --- no silent zeros: `bench score` as a user runs it, warnings on stderr ------------------------------

ZH = ("中国经济增长放缓，政府出台新措施", "政府出台措施应对经济增长放缓")
RU = ("Москва объявила новые санкции против Киева", "Москва вводит новые санкции")
REPO = Path(__file__).resolve().parents[2]


def _bench_score(tmp_path: Path, pair: tuple[str, str], *args: str) -> tuple[int, dict | None, str]:
    """(exit code, the --json object or None, stderr) of ``python -m bench score`` in a subprocess."""
    pred, ref = _write(tmp_path, "pred.txt", [pair[0]]), _write(tmp_path, "ref.txt", [pair[1]])
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "score",
            "--pred",
            str(pred),
            "--ref",
            str(ref),
            "--metrics",
            "rouge1",
            "--json",
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    return done.returncode, json.loads(done.stdout) if done.returncode == 0 else None, done.stderr


def test_chinese_pair_warns_on_stderr_and_scores_with_its_language(tmp_path: Path) -> None:
    code, out, err = _bench_score(tmp_path, ZH)
    assert code == 0 and out["scores"]["rouge1"]["f1"] == 0.0
    [warning] = out["warnings"]
    assert "2 of 2 non-empty texts (100%) yield no token under tokenizer rouge-score" in warning
    assert "bench score --lang zh" in warning and warning in err and err.count("\n") == 1
    code, out, err = _bench_score(tmp_path, ZH, "--lang", "zh")
    # By hand, one token a character: 12 shared characters, of 15 in the prediction and 14 in the reference.
    assert code == 0 and out["warnings"] == [] and err == ""
    assert out["scores"]["rouge1"]["precision"] == pytest.approx(12 / 15)
    assert out["scores"]["rouge1"]["recall"] == pytest.approx(12 / 14)


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_russian_pair_warns_as_english_and_scores_as_russian(tmp_path: Path, engine: str) -> None:
    code, out, err = _bench_score(tmp_path, RU, "--engine", engine)
    assert code == 0 and out["scores"]["rouge1"]["f1"] == 0.0
    assert "Cyrillic" in out["warnings"][0] and "bench score --lang ru" in err
    code, out, err = _bench_score(tmp_path, RU, "--engine", engine, "--lang", "ru")
    # By hand: Москва, новые, санкции shared; 3 of 6 prediction words, 3 of 4 reference words.
    assert code == 0 and out["warnings"] == [] and err == ""
    assert (out["scores"]["rouge1"]["precision"], out["scores"]["rouge1"]["recall"]) == (0.5, 0.75)
    assert "|lang:ru|tok:unicode-v1|stem:snowball-russian|" in out["signature"]


def test_russian_pair_with_perl_warns_and_refuses_russian(tmp_path: Path) -> None:
    code, out, err = _bench_score(tmp_path, RU, "--engine", "perl")
    assert code == 0 and out["scores"]["rouge1"]["f1"] == 0.0
    assert "bench score --engine fast --lang ru" in out["warnings"][0] and "yield no token" in err
    code, out, err = _bench_score(tmp_path, RU, "--engine", "perl", "--lang", "ru")
    assert code == 2 and out is None and "Traceback" not in err
    assert err.strip() == (
        "bench score: error: --lang: engine 'perl' scores English only (ROUGE-1.5.5 drops every "
        "non-ASCII letter, so 'ru' text would score near 0), got 'ru'; use --engine fast, which "
        "reads 'ru' with tokenizer unicode-v1"
    )
