"""bench.metrics.perl.script, the driver of the real ROUGE-1.5.5.pl: why it cannot run, and its failures as
one-line MetricErrors (the golden tests in test_perl_engine.py use it on 1,000 pairs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.errors import MetricError
from bench.metrics.perl.pairs import varied_pairs
from bench.metrics.perl.script import build_data_dir, run_perl, unavailable_reason

PERL_MISSING = unavailable_reason()
needs_perl = pytest.mark.skipif(PERL_MISSING is not None, reason=f"reference ROUGE-1.5.5.pl: {PERL_MISSING}")


def test_without_perl_on_the_path_the_reason_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no perl
    assert unavailable_reason() == "perl is not installed"


@needs_perl
def test_a_failing_run_is_one_line_naming_the_script(tmp_path: Path) -> None:
    data_dir = build_data_dir(tmp_path / "data")
    assert (data_dir / "WordNet-2.0.exc.db").is_file() and (data_dir / "smart_common_words.txt").is_file()
    with pytest.raises(
        MetricError,
        match=r"^ROUGE-1\.5\.5\.pl failed \(255\): Confidence interval should be "
        r"within 0 and 100",
    ) as failed:
        run_perl(varied_pairs(3), "-c 200", tmp_path / "run", data_dir)
    assert "\n" not in str(failed.value)
    with pytest.raises(MetricError, match=r"failed \(2\): Cannot open .*missing/smart_common_words\.txt$"):
        run_perl(varied_pairs(3), "", tmp_path / "run2", tmp_path / "missing")


@needs_perl
def test_pairs_are_scored_in_input_order(tmp_path: Path) -> None:
    pairs = [(["the cat sat"], [["the cat sat"]]), (["a dog"], [["the cat sat"]])]
    run = run_perl(pairs, "-n 1", tmp_path / "run", build_data_dir(tmp_path / "data"))
    assert run.per_summary[0]["rouge1"] == (1.0, 1.0, 1.0) and run.per_summary[1]["rouge1"] == (0.0, 0.0, 0.0)
