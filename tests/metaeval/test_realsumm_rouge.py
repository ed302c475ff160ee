"""ROUGE through the registry on REALSumm's own summaries, against the real ROUGE-1.5.5.pl run the way REALSumm
ran it (``scoring/scorer.py`` → Gehrmann's ``baseline.py`` in github.com/neulab/REALSumm: ``-c 95 -n 2 -a -r 1000
-m -d``, one sentence a line from their ``<t> … </t>`` tags — the lines of the shared file).

REALSumm's own per-summary figures are in its binary ``scores_dicts/*.pkl``, which the shared judgments were
converted without, so they cannot be compared here; what can be checked is that ``bench meta-eval``'s perl engine
gives the script's numbers on these very summaries and references with the flags REALSumm states."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.metaeval.judgments import load_judgments
from bench.metaeval.scoring import score_judgments
from bench.metrics.base import create_metric
from bench.metrics.perl import script as perl_reference
from bench.text import split_sentences
from tests.metaeval.shared import REALSUMM

REALSUMM_FLAGS = "-c 95 -n 2 -r 1000 -m"  # start_perl adds -a -d (per summary) and -z SPL (a sentence a line)


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory):
    if not REALSUMM.is_file():
        pytest.skip(f"REALSumm judgments not found at {REALSUMM} (the team's shared folder)")
    reason = perl_reference.unavailable_reason()
    if reason:
        pytest.skip(f"the real ROUGE-1.5.5.pl cannot run here: {reason}")
    judgments = load_judgments(REALSUMM)[::9]  # 278 summaries: all 100 documents and all 25 systems among them
    ours, _, _ = score_judgments(judgments, create_metric("rouge", {"engine": "perl"}, "metrics"), None)
    tmp = tmp_path_factory.mktemp("realsumm-perl")
    pairs = [(j.summary.splitlines(), [r.splitlines() for r in j.references]) for j in judgments]
    run = perl_reference.run_perl(pairs, REALSUMM_FLAGS, tmp / "run", perl_reference.build_data_dir(tmp / "data"))
    return judgments, ours, run


def test_rouge_1_and_2_equal_the_script_with_realsumms_flags_on_every_summary(scored) -> None:
    judgments, ours, run = scored
    assert len(judgments) == 278 and len({j.system for j in judgments}) == 25
    for values, script in zip(ours, run.per_summary):
        for t in ("rouge1", "rouge2"):
            assert (values[f"{t}_p"], values[f"{t}_r"], values[f"{t}_f"]) == script[t]
    assert min(s["rouge2"][1] for s in run.per_summary) < 0.05 < max(s["rouge2"][1] for s in run.per_summary)


def test_rouge_l_equals_the_script_where_our_splitter_keeps_realsumms_sentences(scored) -> None:
    """Summary-level ROUGE-L depends on the sentences: where the rule splitter finds exactly REALSumm's lines
    (most summaries), the values are the script's; elsewhere they may differ, and are counted."""
    judgments, ours, run = scored
    same = [
        i
        for i, j in enumerate(judgments)
        if split_sentences(j.summary) == j.summary.splitlines()
        and all(split_sentences(r) == r.splitlines() for r in j.references)
    ]
    assert len(same) >= 150  # most of the 278: REALSumm's sentence tags are ordinary sentences
    for i in same:
        v = ours[i]
        assert (v["rougeL_p"], v["rougeL_r"], v["rougeL_f"]) == run.per_summary[i]["rougeL"]


def test_the_signature_names_the_same_script_options(scored) -> None:
    signature = create_metric("rouge", {"engine": "perl"}, "metrics").signature()
    flags = dict(f.split(":", 1) for f in signature.split("|")[1:])["flags"]
    assert set(REALSUMM_FLAGS.split()) <= set(flags.split())  # -2 4 -U add ROUGE-SU4 only; -p 0.5 -f A: defaults
    assert Path(REALSUMM).name == "realsumm-cnndm.jsonl"
