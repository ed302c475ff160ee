"""ROUGE behind one interface: engines agree bit for bit, settings are checked early, signatures say all."""

from __future__ import annotations

import random

import pytest

from bench import __version__
from bench.errors import MetricError
from bench.metrics.rouge import ROUGE_TYPES, Rouge, RougeConfig, Score
from bench.typed import build

# --- seeded random pairs: punctuation, numbers, inflections, several sentences, non-ASCII, empties ---

_WORDS = (
    "the a of to in and is was council councils approve approved approves approval bridge bridges "
    "river police arrest arrested arresting man men market markets fell falls falling rise rising "
    "shares profit profits minister ministers election elections vote voted storm stormy school "
    "schools government governments said says run running ran 2004 1,500 3.5% $2bn 10 24-hour "
    "U.S. Mr. Dr. don't it's O'Neill e-mail well-known café Zürich Москва über — … & #tag"
).split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 18))]
    words = [w.capitalize() if rng.random() < 0.2 else w.upper() if rng.random() < 0.03 else w for w in words]
    return " ".join(words) + rng.choice([".", ".", "!", "?", "", ","])


def _text(rng: random.Random, max_sentences: int) -> str:
    if rng.random() < 0.02:
        return rng.choice(["", " ", "...", "—"])
    return " ".join(_sentence(rng) for _ in range(rng.randint(1, max_sentences)))


def random_pairs(n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    preds, refs = [], []
    for _ in range(n):
        ref = _text(rng, 4)
        if rng.random() < 0.4:  # a prediction near its reference: shuffled and re-inflected words
            words = ref.split()
            rng.shuffle(words)
            pred = " ".join(w if rng.random() < 0.7 else rng.choice(_WORDS) for w in words[: rng.randint(0, 30)])
        else:
            pred = _text(rng, 3)
        preds.append(pred)
        refs.append(ref)
    return preds, refs


def _raw(scores: list[dict[str, Score]]) -> list[list[tuple[float, float, float]]]:
    return [[(s[t].precision, s[t].recall, s[t].f1) for t in sorted(s)] for s in scores]


# --- identity: fast == reference, every type and P/R/F, exactly --------------------------------------


@pytest.mark.slow
def test_fast_equals_reference_bit_for_bit_on_2000_random_pairs() -> None:
    preds, refs = random_pairs(2000, seed=20261128)
    fast = Rouge(RougeConfig(engine="fast")).score(preds, refs)
    ref = Rouge(RougeConfig(engine="reference")).score(preds, refs)
    assert all(set(s) == set(ROUGE_TYPES) for s in fast)
    assert _raw(fast) == _raw(ref)  # ==, not approx
    assert sum(s["rouge2"].f1 > 0 for s in fast) > 300  # the pairs overlap, so the check has teeth


def test_fast_equals_reference_with_multiple_references_and_without_stemmer() -> None:
    preds, refs = random_pairs(300, seed=7)
    _, refs2 = random_pairs(300, seed=8)
    multi = [[a, b] for a, b in zip(refs, refs2)]
    for stem in (True, False):
        fast = Rouge(RougeConfig(engine="fast", stemmer=stem)).score(preds, multi)
        ref = Rouge(RougeConfig(engine="reference", stemmer=stem)).score(preds, multi)
        assert _raw(fast) == _raw(ref)


def test_fast_public_api_path_equals_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    # Texts with lone surrogates (from surrogateescape decoding) take rouge-score-rs's public API path.
    preds, refs = random_pairs(200, seed=5)
    preds[0] += " caf\udce9 \ud800x"
    fast = Rouge(RougeConfig(engine="fast")).score(preds, refs)
    assert _raw(fast) == _raw(Rouge(RougeConfig(engine="reference")).score(preds, refs))
    from bench.metrics import engines

    monkeypatch.setattr(engines.RougeScoreEngine, "_native", lambda *args: None)
    assert _raw(Rouge(RougeConfig(engine="fast")).score(preds, refs)) == _raw(fast)


def test_fast_equals_reference_with_the_unicode_tokenizer() -> None:
    preds, refs = random_pairs(300, seed=9)
    langs = ["de", "fr", "ru", "en"] * 75
    fast = Rouge(RougeConfig(engine="fast", tokenizer="unicode")).score(preds, refs, languages=langs)
    ref = Rouge(RougeConfig(engine="reference", tokenizer="unicode")).score(preds, refs, languages=langs)
    assert _raw(fast) == _raw(ref)


# --- values worked out by hand ------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["reference", "fast", "perl"])
def test_hand_computed_scores(engine: str) -> None:
    # pred: the cat sat on the mat / ref: the cat is on the mat
    # unigrams in common: the x2, cat, on, mat = 5 of 6 each; bigrams: the cat, on the, the mat = 3 of 5;
    # LCS: the cat on the mat = 5 of 6.
    [s] = Rouge(RougeConfig(engine=engine, types=("rouge1", "rouge2", "rougeL"))).score(
        ["The cat sat on the mat."], ["The cat is on the mat."]
    )
    places = 5 if engine == "perl" else 12  # the perl script prints 5 decimals
    for t, value in (("rouge1", 5 / 6), ("rouge2", 3 / 5), ("rougeL", 5 / 6)):
        for got in (s[t].precision, s[t].recall, s[t].f1):
            assert got == pytest.approx(value, abs=10**-places)


def test_rougelsum_splits_sentences_with_the_project_splitter() -> None:
    # Summary-level LCS: ref sentences "a b c." "d e f." vs pred "d e f. a b c." -> union LCS hits 6 of 6,
    # while the single-sequence rougeL only finds "a b c" (3 of 6).
    [s] = Rouge(RougeConfig(engine="fast", types=("rougeL", "rougeLsum"), stemmer=False)).score(
        ["Dogs eat fish. Cats like milk."], ["Cats like milk. Dogs eat fish."]
    )
    assert s["rougeL"].f1 == pytest.approx(0.5)
    assert s["rougeLsum"].f1 == pytest.approx(1.0)


def test_multi_reference_keeps_the_best_reference_per_type() -> None:
    [s] = Rouge(RougeConfig(engine="fast", types=("rouge1",))).score(
        ["storm closes schools"], [["markets fell today", "storm closes schools"]]
    )
    assert s["rouge1"].f1 == 1.0


# --- languages ----------------------------------------------------------------------------------------


def test_german_pair_scores_as_a_german_reader_expects() -> None:
    pred = "Die Bürgermeisterin eröffnet das neue Rathaus in München"
    ref = "Münchner Bürgermeisterin eröffnet neues Rathaus"
    rouge = Rouge(RougeConfig(engine="fast", types=("rouge1",)))
    [s] = rouge.score([pred], [ref], languages=["de"])
    # Reader's match: Bürgermeisterin, eröffnet, neue~neues, Rathaus = 4 of the reference's 5 words and
    # of the prediction's 8; München and Münchner are different words.
    assert (s["rouge1"].precision, s["rouge1"].recall) == (pytest.approx(4 / 8), pytest.approx(4 / 5))
    assert "lang:de|tok:unicode-v1|stem:snowball-german" in rouge.signature()


def test_non_latin_text_scores_with_unicode_tokenizer_but_not_rouge_score() -> None:
    text = "Москва объявила новые санкции"
    unicode = Rouge(RougeConfig(engine="fast", types=("rouge1",))).score([text], [text], languages=["ru"])
    ascii_only = Rouge(RougeConfig(engine="fast", types=("rouge1",), tokenizer="rouge-score")).score(
        [text], [text], languages=["ru"]
    )
    assert unicode[0]["rouge1"].f1 == 1.0
    assert ascii_only[0]["rouge1"].f1 == 0.0


def test_english_auto_is_rouge_score_on_text_split_by_the_project_splitter() -> None:
    from rouge_score import rouge_scorer

    from bench.text import split_sentences

    preds, refs = random_pairs(300, seed=3)
    preds += ['He said "Go." Then left', "Up 3.5% in the U.S. Today", "A\u00a0b.  C d!) E", "x\ny"]
    refs += ["He said go then left", "Up 3.5% in the U.S. today.", "A b c d e", "x y"]
    ours = Rouge(RougeConfig(engine="reference")).score(preds, refs, languages=["en-GB"] * len(preds))
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    direct = [scorer.score("\n".join(split_sentences(r)), "\n".join(split_sentences(p))) for p, r in zip(preds, refs)]
    assert [[(a[t].precision, a[t].recall, a[t].f1) for t in ROUGE_TYPES] for a in ours] == [
        [tuple(d[t]) for t in ROUGE_TYPES] for d in direct
    ]


def test_signature_names_every_language_group() -> None:
    rouge = Rouge(RougeConfig(engine="fast", bootstrap=500, seed=3))
    rouge.score(["a b"], ["a b"], languages=["de"])
    rouge.score(["c d"], ["c d"])  # config.language: en
    assert rouge.signature() == (
        "rouge|engine:fast-rouge-score-rs-0.2.1|nrefs:1|lang:de,en|tok:de=unicode-v1,en=rouge-score|"
        f"stem:de=snowball-german,en=porter|split:rules-v2|boot:500|seed:3|version:{__version__}"
    )


# --- settings -----------------------------------------------------------------------------------------


def test_default_types_follow_the_engine() -> None:
    assert RougeConfig().types == ("rouge1", "rouge2", "rougeL", "rougeLsum")
    assert RougeConfig(engine="perl").types == ("rouge1", "rouge2", "rougeL", "rougeSU4")
    assert build(RougeConfig, {"types": ["rouge2"]}, "m").types == ("rouge2",)


def test_auto_resolves_to_fast_and_says_so() -> None:
    sig = Rouge().signature()
    assert sig.startswith("rouge|engine:fast-rouge-score-rs-")
    assert sig.endswith(f"|version:{__version__}")
    assert "|tok:rouge-score|stem:porter|split:rules-v2|boot:1000|seed:12345|" in sig


def test_auto_without_rouge_score_rs_is_reference_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "rouge_score_rs", None)  # import fails
    assert Rouge().signature().startswith("rouge|engine:reference-rouge-score-0.1.2|")
    with pytest.raises(MetricError, match="engine 'fast' needs the rouge-score-rs package"):
        Rouge(RougeConfig(engine="fast"))


def test_signature_drops_unused_fields() -> None:
    sig = Rouge(RougeConfig(engine="reference", types=("rouge1",), stemmer=False)).signature()
    assert sig == (
        "rouge|engine:reference-rouge-score-0.1.2|nrefs:1|lang:en|tok:rouge-score|stem:none|"
        f"boot:1000|seed:12345|version:{__version__}"
    )  # no split: no type reads sentences


def test_perl_signature_carries_its_flags() -> None:
    sig = Rouge(RougeConfig(engine="perl")).signature()
    assert "|flags:-c 95 -m -n 2 -r 1000 -2 4 -U -p 0.5 -f A|" in sig
    assert "boot:" not in sig  # the script's own -r is in its flags
    options = build(
        RougeConfig,
        {
            "engine": "perl",
            "bootstrap": 200,
            "stemmer": False,
            "perl": {"remove_stopwords": True, "length_limit_bytes": 75, "alpha": 0.3, "scoring": "B"},
        },
        "metrics.rouge",
    )
    assert "|flags:-c 95 -n 2 -r 200 -2 4 -U -s -b 75 -p 0.3 -f B|" in Rouge(options).signature()


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"engine": "fats"}, "metrics.rouge.engine: 'fats' is not one of"),
        ({"types": ["rouge1", "rougeLsun"]}, "unknown ROUGE type 'rougeLsun' (did you mean \"rougeLsum\"?)"),
        ({"types": ["rougeSU4"]}, "engine 'auto' cannot compute rougeSU4"),
        ({"engine": "perl", "types": ["rougeLsum"]}, "perl's rougeL is already summary-level"),
        ({"tokenizer": "unicod"}, 'did you mean "unicode"?'),
        ({"language": "German"}, "metrics.rouge.language: 'German' is not a language code"),
        ({"bootstrap": 0}, "metrics.rouge.bootstrap: expected a number of resamples >= 1"),
        (
            {"perl": {"remove_stopwords": True}},
            "metrics.rouge.perl: ROUGE-1.5.5 options are used by engine 'perl' only",
        ),
        (
            {"engine": "perl", "perl": {"alpha": 1.5}},
            "metrics.rouge.perl: perl ROUGE: alpha (-p) must be within [0, 1]",
        ),
        ({"engine": "perl", "perl": {"length_limit_words": 10, "length_limit_bytes": 75}}, "not both"),
        ({"engine": "perl", "perl": {"lenght_limit_words": 10}}, 'did you mean "length_limit_words"?'),
        ({"engine": "perl", "perl": {"scoring": "C"}}, "metrics.rouge.perl.scoring: 'C' is not one of 'A', 'B'"),
        ({"engine": "perl", "tokenizer": "unicode"}, "metrics.rouge.tokenizer: engine 'perl'"),
    ],
)
def test_bad_settings_fail_at_construction(settings: dict, message: str) -> None:
    with pytest.raises(Exception) as info:
        build(RougeConfig, settings, "metrics.rouge")
    assert message in str(info.value)


def test_direct_construction_is_validated_too() -> None:
    with pytest.raises(MetricError, match='did you mean "fast"'):
        Rouge(RougeConfig(engine="fsat"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "preds, refs, langs, message",
    [
        (["a"], ["a", "b"], None, "1 predictions but 2 references"),
        (["a"], [[]], None, r"references\[0\]: expected a text or a non-empty list"),
        (["a", "b"], ["a", "b"], ["en"], "expected one language per prediction"),
        ("abc", ["a"], None, "not one string"),
    ],
)
def test_mismatched_inputs_are_refused(preds, refs, langs, message: str) -> None:
    with pytest.raises(MetricError, match=message):
        Rouge(RougeConfig(engine="fast")).score(preds, refs, languages=langs)


def test_perl_refuses_non_english() -> None:
    with pytest.raises(MetricError, match="engine 'perl' scores English only"):
        Rouge(RougeConfig(engine="perl")).score(["a"], ["a"], languages=["de"])


def test_aggregate_is_the_mean_with_a_seeded_interval() -> None:
    rouge = Rouge(RougeConfig(engine="fast", types=("rouge1",), bootstrap=200, seed=1))
    scores = rouge.score(["a b", "a b", "x y"], ["a b", "a c", "a b"])  # rouge1 F1: 1, 0.5, 0
    agg = rouge.aggregate(scores)["rouge1"]
    assert agg.n == 3 and agg.f1.mean == pytest.approx(0.5)
    assert 0.0 <= agg.f1.low <= 0.5 <= agg.f1.high <= 1.0
    assert rouge.aggregate(scores)["rouge1"] == agg  # same seed, same interval


# --- perl engine, end to end through Rouge, against the real ROUGE-1.5.5.pl ---------------------------


@pytest.mark.parametrize(
    "settings, published",
    [
        ({"engine": "perl"}, "-c 95 -m -n 2 -r 1000 -2 4 -U -p 0.5 -f A"),
        (
            {
                "engine": "perl",
                "bootstrap": 300,
                "perl": {"remove_stopwords": True, "length_limit_words": 12, "alpha": 0.3, "scoring": "B"},
            },
            "-c 95 -m -n 2 -r 300 -2 4 -U -s -l 12 -p 0.3 -f B",
        ),
        (
            {"engine": "perl", "stemmer": False, "perl": {"length_limit_bytes": 60}},
            "-c 95 -n 2 -r 1000 -2 4 -U -b 60 -p 0.5 -f A",
        ),
    ],
    ids=["defaults", "r300-s-l12-p0.3-fB", "nostem-b60"],
)
def test_perl_engine_through_rouge_matches_the_perl_script(tmp_path, settings: dict, published: str) -> None:
    """Any YAML settings of engine perl: run the real script with the flags the signature publishes."""
    from bench.metrics.perl import script as perl_reference
    from bench.text import split_sentences

    reason = perl_reference.unavailable_reason()
    if reason:
        pytest.skip(f"the real ROUGE-1.5.5.pl cannot run here: {reason}")
    preds, refs = random_pairs(120, seed=11)
    _, refs2 = random_pairs(120, seed=12)
    refs_multi = [[a, b] if i % 3 == 0 else [a] for i, (a, b) in enumerate(zip(refs, refs2))]
    rouge = Rouge(build(RougeConfig, settings, "metrics.rouge"))
    ours = rouge.score(preds, refs_multi)
    agg = rouge.aggregate(ours)
    flags = dict(f.split(":", 1) for f in rouge.signature().split("|")[1:])["flags"]  # as published
    assert flags == published
    pairs = [(split_sentences(p), [split_sentences(r) for r in rs]) for p, rs in zip(preds, refs_multi)]
    run = perl_reference.run_perl(pairs, flags, tmp_path / "run", perl_reference.build_data_dir(tmp_path / "data"))
    assert [{t: (s[t].precision, s[t].recall, s[t].f1) for t in s} for s in ours] == [
        {t: r[t] for t in rouge.types} for r in run.per_summary
    ]
    for t, a in agg.items():
        assert (a.precision.mean, a.recall.mean, a.f1.mean) == run.average[t]
        assert (
            (a.precision.low, a.recall.low, a.f1.low),
            (a.precision.high, a.recall.high, a.f1.high),
        ) == run.interval[t]


def test_state_taken_per_call_and_merged_elsewhere_gives_one_instance_s_signature_and_warnings():
    """What a score worker does: score a slice, take_state(); the driver merges each slice's state in order.
    Mixed input: English, English declared German (a language mismatch), and a majority of texts in Greek
    or CJK letters that rouge-score's tokenizer cannot see (the warning, which names a script)."""
    preds, refs = random_pairs(90, seed=11)
    langs = ["en"] * 90
    for i in range(90):
        if i % 9 == 0:
            langs[i] = "de"
        elif i % 5:  # two scripts, so which one the warning names depends on the sample of each call
            letters = (0x3B1, 25) if i % 2 else (0x4E00, 500)
            preds[i], refs[i] = (
                "".join(chr(letters[0] + ord(c) % letters[1]) if c.isalnum() else c for c in t)
                for t in (preds[i], refs[i])
            )
    whole, worker, driver = Rouge(), Rouge(), Rouge()
    for start in range(0, 90, 7):
        part = slice(start, start + 7)
        whole.score(preds[part], refs[part], languages=langs[part])
        worker.score(preds[part], refs[part], languages=langs[part])
        driver.merge_state(worker.take_state())
    assert (
        len(whole.warnings()) == 2
        and "yield no token" in whole.warnings()[0]
        and "'de' look like" in whole.warnings()[1]
    )
    assert driver.warnings() == whole.warnings()
    assert driver.signature() == whole.signature() and "|lang:de,en|" in whole.signature()
    assert driver.invisible.snapshot() == whole.invisible.snapshot()
    assert driver.invisible_last.snapshot() == whole.invisible_last.snapshot()
    assert driver.language_mismatches == whole.language_mismatches
    # the worker kept nothing: its next slice's state is that slice's alone
    assert worker.take_state() == {"languages": [], "nrefs": [], "invisible": [], "sampled": {}}
