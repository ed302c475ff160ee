"""A pure-Python ROUGE-1.5.5.pl: same tokens, stems, counts, rounding and corpus averages.

Equivalent command line (see :meth:`PerlSettings.flags`)::

    ROUGE-1.5.5.pl -e DATA -a -c 95 -m -n 2 -r 1000 [-2 4 -U] [-s] [-l N | -b N] -p 0.5 -f A

How the script scores one summary (peer) against its models (references), reproduced here:

* reading and tokenising: :mod:`bench.metrics.perl.tokens`; stemming (WordNet 2.0 exceptions, then
  the script's Porter): :mod:`bench.metrics.perl.stem`; ROUGE-L: :mod:`bench.metrics.perl.lcs`;
* ROUGE-N: clipped n-gram hits ``sum min(peer, model)`` per model; ROUGE-SU<d> (``-2 d -U``):
  skip-bigrams with at most ``d`` words between, plus the unigram of every token but the **last**
  one (the script's loop stops one short), all in one bag;
* several models, ``-f A``: hits, model counts and peer counts are **summed over the models**
  (``R = sum hits / sum model counts``, ``P = sum hits / (models x peer count)``). There is no
  jackknifing: ROUGE 1.4 removed it (RELEASE-NOTE); ``-f B`` keeps the model with the best recall
  (first one on ties; recall rounded to 5 decimals for N/SU, unrounded for L);
* ``R`` and ``P`` are rounded to 5 decimals (``%7.5f``), then
  ``F = P R / ((1 - alpha) P + alpha R)`` is computed **from the rounded values** and rounded.

So :func:`score_perl` returns what the script prints per summary with ``-d``. What it prints as the
corpus "Average" is a bootstrap average, not the plain mean -- see :func:`corpus_mean` and
:mod:`bench.metrics.perl.bootstrap`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bench.errors import MetricError
from bench.metrics.perl import bootstrap as perl_bootstrap
from bench.metrics.perl.lcs import lcs_hits
from bench.metrics.perl.tokens import SummaryTokens, TokenOptions, read_summary

__all__ = ["PerlSettings", "score_perl", "perl_engine_version", "corpus_mean", "corpus_interval"]

Triple = tuple[float, float, float]
ENGINE_VERSION = "ROUGE-1.5.5-py1"


@dataclass(frozen=True)
class PerlSettings:
    """The ROUGE-1.5.5.pl options this engine reproduces (defaults: ``-c 95 -m -n 2 -r 1000 -p 0.5 -f A``)."""

    max_n: int = 2  # -n
    skip_distance: int | None = None  # -2 d -U (d < 0: no limit); unigrams always counted
    stem: bool = True  # -m
    remove_stopwords: bool = False  # -s
    length_limit_words: int | None = None  # -l
    length_limit_bytes: int | None = None  # -b
    alpha: float = 0.5  # -p
    scoring: str = "A"  # -f A | B
    resamples: int = 1000  # -r: bootstrap resamples of the corpus average and its 95% interval

    def validate(self) -> None:
        """Raise :class:`MetricError` for settings the script would refuse or this engine lacks."""
        if isinstance(self.max_n, bool) or not isinstance(self.max_n, int) or self.max_n < 0:
            raise MetricError(f"perl ROUGE: max_n must be an integer >= 0 (-n), got {self.max_n!r}")
        if self.length_limit_words is not None and self.length_limit_bytes is not None:
            raise MetricError("perl ROUGE: give length_limit_words (-l) or length_limit_bytes (-b), not both")
        for name in ("length_limit_words", "length_limit_bytes"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise MetricError(f"perl ROUGE: {name} must be a positive integer, got {value!r}")
        if not 0.0 <= self.alpha <= 1.0:
            raise MetricError(f"perl ROUGE: alpha (-p) must be within [0, 1], got {self.alpha!r}")
        if isinstance(self.resamples, bool) or not isinstance(self.resamples, int) or self.resamples < 1:
            raise MetricError(f"perl ROUGE: resamples (-r) must be an integer >= 1, got {self.resamples!r}")
        if self.scoring not in ("A", "B"):
            raise MetricError(
                f"perl ROUGE: scoring (-f) must be 'A' (model average) or 'B' (best model), got {self.scoring!r}"
            )

    def flags(self) -> str:
        """The script's options for these settings, e.g. ``-c 95 -m -n 2 -r 1000 -p 0.5 -f A``."""
        parts = ["-c 95"]
        if self.stem:
            parts.append("-m")
        parts += [f"-n {self.max_n}", f"-r {self.resamples}"]
        if self.skip_distance is not None:
            parts.append(f"-2 {self.skip_distance} -U")
        if self.remove_stopwords:
            parts.append("-s")
        if self.length_limit_words is not None:
            parts.append(f"-l {self.length_limit_words}")
        if self.length_limit_bytes is not None:
            parts.append(f"-b {self.length_limit_bytes}")
        parts += [f"-p {float(self.alpha)!r}", f"-f {self.scoring}"]
        return " ".join(parts)

    def metric_names(self) -> list[str]:
        """The keys :func:`score_perl` returns, in the order the script prints them."""
        names = [f"rouge{n}" for n in range(1, self.max_n + 1)] + ["rougeL"]
        if self.skip_distance is not None:
            names.append(_su_name(self.skip_distance))
        return names

    def token_options(self) -> TokenOptions:
        return TokenOptions(
            stem=self.stem,
            remove_stopwords=self.remove_stopwords,
            length_limit_words=self.length_limit_words or 0,
            length_limit_bytes=self.length_limit_bytes or 0,
        )


def perl_engine_version() -> str:
    """Engine name and port revision, for the metric signature."""
    return ENGINE_VERSION


def _su_name(distance: int) -> str:
    return f"rougeSU{distance}" if distance >= 0 else "rougeSU*"


def _round5(value: float) -> float:
    """``sprintf("%7.5f", value)`` read back as a number."""
    return float(f"{value:.5f}")


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(zip(*(tokens[i:] for i in range(n))))


def _skip_bigrams(tokens: Sequence[str], distance: int) -> Counter:
    """``createSkipBigram`` with ``-u``: unigrams of all tokens but the last, and skip-bigrams.

    Unigrams are keyed by the token (a str), skip-bigrams by a (first, second) tuple.
    """
    grams: Counter = Counter(tokens[:-1])
    widest = len(tokens) - 1 if distance < 0 else distance + 1
    for gap in range(1, widest + 1):
        grams.update(zip(tokens, tokens[gap:]))
    return grams


def _clipped_hits(model: Counter, peer: Counter) -> int:
    hit = 0
    for gram, count in model.items():
        other = peer.get(gram)
        if other:
            hit += other if other < count else count
    return hit


@dataclass(frozen=True)
class _Match:
    hit: int
    model_count: int
    peer_count: int
    score: float  # what -f B compares


def _combine(matches: Iterable[_Match], settings: PerlSettings) -> Triple:
    """Hits and counts over the models (-f A: summed; -f B: best model), then (P, R, F) rounded."""
    hit = model_count = peer_count = 0
    best = -1.0
    for match in matches:
        if settings.scoring == "A":
            hit, model_count = hit + match.hit, model_count + match.model_count
            peer_count += match.peer_count
        elif match.score > best:
            best, hit, model_count, peer_count = match.score, match.hit, match.model_count, match.peer_count
    recall = _round5(hit / model_count) if model_count else 0.0
    precision = _round5(hit / peer_count) if peer_count else 0.0
    alpha = settings.alpha
    denominator = (1 - alpha) * precision + alpha * recall
    f_measure = _round5(precision * recall / denominator) if denominator > 0 else 0.0
    return precision, recall, f_measure


def _count_match(model: Counter, peer: Counter) -> _Match:
    hit, count = _clipped_hits(model, peer), sum(model.values())
    return _Match(hit, count, sum(peer.values()), _round5(hit / count) if count else 0.0)


def _score_tokens(peer: SummaryTokens, models: Sequence[SummaryTokens], settings: PerlSettings) -> dict[str, Triple]:
    scores: dict[str, Triple] = {}
    for n in range(1, settings.max_n + 1):
        peer_grams = _ngrams(peer.tokens, n)
        scores[f"rouge{n}"] = _combine((_count_match(_ngrams(m.tokens, n), peer_grams) for m in models), settings)
    peer_unigrams = Counter(peer.tokens)
    lcs_matches = []
    for model in models:
        hit, base = lcs_hits(model.units, peer.units, Counter(model.tokens), peer_unigrams)
        lcs_matches.append(_Match(hit, base, len(peer.tokens), hit / base if base else 0.0))
    scores["rougeL"] = _combine(lcs_matches, settings)
    if settings.skip_distance is not None:
        distance = settings.skip_distance
        peer_grams = _skip_bigrams(peer.tokens, distance)
        scores[_su_name(distance)] = _combine(
            (_count_match(_skip_bigrams(m.tokens, distance), peer_grams) for m in models), settings
        )
    return scores


def score_perl(prediction: list[str], references: list[list[str]], settings: PerlSettings) -> dict[str, Triple]:
    """Score one prediction against its references as ROUGE-1.5.5.pl does; ``{metric: (P, R, F)}``.

    ``prediction`` and each reference are lists of sentences (one SPL line each). Keys: ``rouge1`` ..
    ``rouge<max_n>``, ``rougeL``, and ``rougeSU<d>`` when ``skip_distance`` is set. Values are the
    per-summary numbers the script prints with ``-d`` (5 decimals).
    """
    settings.validate()
    if not references:
        raise MetricError("perl ROUGE: every prediction needs at least one reference (model summary)")
    for name, value in (("prediction", prediction), *(("reference", r) for r in references)):
        if isinstance(value, str) or not all(isinstance(s, str) for s in value):
            raise MetricError(f"perl ROUGE: the {name} must be a list of sentence strings")
    options = settings.token_options()
    return _score_tokens(
        read_summary(prediction, options), [read_summary(reference, options) for reference in references], settings
    )


def _instance_matrix(
    scores: Sequence[Mapping[str, Triple]], eval_ids: Sequence[str] | None, system_id: str
) -> tuple[list[str], np.ndarray]:
    """(metric names, values of shape (N, 3 x metrics) in the script's instance order, as R, P, F)."""
    if eval_ids is not None and (len(eval_ids) != len(scores) or len(set(map(str, eval_ids))) != len(scores)):
        raise MetricError(f"perl ROUGE: eval_ids must be {len(scores)} distinct ids, one per score")
    names = list(scores[0]) if scores else []
    if any(list(s) != names for s in scores):
        raise MetricError("perl ROUGE: every per-summary score must have the same metrics")
    order = perl_bootstrap.sorted_instances(scores, eval_ids, system_id)
    rows = [[v for name in names for v in (scores[i][name][1], scores[i][name][0], scores[i][name][2])] for i in order]
    return names, np.array(rows, dtype=np.float64).reshape(len(order), 3 * len(names))


def _by_metric(names: list[str], row: np.ndarray) -> dict[str, Triple]:
    return {name: (float(row[3 * k + 1]), float(row[3 * k]), float(row[3 * k + 2])) for k, name in enumerate(names)}


def corpus_mean(
    scores: Sequence[Mapping[str, Triple]],
    *,
    eval_ids: Sequence[str] | None = None,
    system_id: str = "X",
    resamples: int = 1000,
) -> dict[str, Triple]:
    """The script's printed ``Average_P/R/F`` over per-summary :func:`score_perl` results.

    Not a plain mean: the script averages ``resamples`` (-r) seeded bootstrap means of the
    per-summary scores and rounds to 5 decimals (see :mod:`bench.metrics.perl.bootstrap`). The draws
    depend on the instance order, which is the string order of ``"<eval id>.<system id>"``; by default
    the eval ids are ``1..N`` in the order given, as in the script's ``-z`` file-list mode.
    Returns ``{metric: (P, R, F)}``; an empty ``scores`` gives ``{}``.
    """
    names, values = _instance_matrix(scores, eval_ids, system_id)
    if not names:
        return {}
    return _by_metric(names, perl_bootstrap.perl_average(perl_bootstrap.bootstrap_means(values, resamples)))


def corpus_interval(
    scores: Sequence[Mapping[str, Triple]],
    *,
    confidence: float = 95.0,
    eval_ids: Sequence[str] | None = None,
    system_id: str = "X",
    resamples: int = 1000,
) -> dict[str, tuple[Triple, Triple]]:
    """The script's printed ``confidence``% intervals: ``{metric: ((P, R, F) lower, (P, R, F) upper)}``."""
    names, values = _instance_matrix(scores, eval_ids, system_id)
    if not names:
        return {}
    lower, upper = perl_bootstrap.perl_interval(perl_bootstrap.bootstrap_means(values, resamples), confidence)
    low, high = _by_metric(names, lower), _by_metric(names, upper)
    return {name: (low[name], high[name]) for name in names}
