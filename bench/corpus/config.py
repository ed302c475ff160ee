"""The ``corpus`` section of a config: where the articles come from and how to read them.

``format`` and ``layout`` are checked against the format and page-layout registries
(:mod:`bench.corpus.formats`, :mod:`bench.corpus.pages`), with a did-you-mean.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Any

from bench.article import ARTICLE_FIELDS
from bench.corpus.clean_settings import CleanSettings, resolve_clean
from bench.corpus.formats import format_names
from bench.corpus.pages import layout_names
from bench.corpus.presets import PRESETS
from bench.errors import CorpusError
from bench.typed import suggest

__all__ = ["CorpusConfig"]


@dataclass(frozen=True)
class CorpusConfig:
    """The ``corpus`` section of a config. Relative paths are resolved against the config file's folder."""

    path: str | None = None
    format: str = "auto"  # auto, or a registered format (bench.corpus.formats.format_names())
    fields: dict[str, str] = field(default_factory=dict)  # article field -> the user's column
    preset: str | None = None  # xsum | cnn_dailymail | gigaword | generic
    hf_name: str | None = None
    hf_config: str | None = None
    split: str | None = None
    revision: str | None = None
    layout: str = "auto"  # for format pages: auto, or a registered layout (bench.corpus.pages.layout_names())
    encoding: str = "utf-8"
    language: str | None = None  # for articles whose record names none (default "en")
    limit: int | None = None
    seed: int = 0
    stratify_by: str | None = None
    dedupe: bool = True
    strict: bool = False
    max_body_chars: int | None = 200_000
    few_shot: int = 0  # examples set aside for prompts, never evaluated
    few_shot_path: str | None = None  # draw them from this file instead of the corpus
    few_shot_split: str | None = None  # ... or from this split of the same hf dataset
    leakage: str = "strip"  # a body opening with its headline/standfirst: strip | flag | off (bench.corpus.leakage)
    leakage_threshold: float = 0.9  # word overlap that counts as a repeat
    # boilerplate removal (bench.corpus.clean): true (defaults), false, or a mapping of CleanSettings fields;
    # validate() resolves it to CleanSettings or False, so the resolved config lists every setting
    clean: Any = True

    def __post_init__(self) -> None:
        if self.clean is True:
            object.__setattr__(self, "clean", CleanSettings())

    @property
    def clean_settings(self) -> CleanSettings | None:
        """The boilerplate settings, None when ``clean: false``."""
        return resolve_clean(self.clean, "corpus.clean")

    def validate(self, where: str) -> None:
        from bench.corpus.leakage import LEAKAGE_MODES

        object.__setattr__(self, "clean", resolve_clean(self.clean, f"{where}.clean") or False)

        if self.leakage not in LEAKAGE_MODES:
            raise CorpusError(f"{where}.leakage: {self.leakage!r} is not one of {', '.join(LEAKAGE_MODES)}")
        if not 0 < self.leakage_threshold <= 1:
            raise CorpusError(
                f"{where}.leakage_threshold: a word overlap in (0, 1] such as 0.9, got {self.leakage_threshold}"
            )
        _check_choice(self.format, format_names(), f"{where}.format", "format")
        _check_choice(self.layout, layout_names(), f"{where}.layout", "page layout")
        if self.limit is not None and self.limit < 1:
            raise CorpusError(f"{where}.limit: must be ≥ 1 (or absent for all articles), got {self.limit}")
        preset = PRESETS.get(self.preset or "")
        if self.path is None and self.hf_name is None and not (preset and preset.hf_name):
            raise CorpusError(f"{where}: give path (a file or folder) or hf_name (a Hugging Face dataset)")
        if self.preset is not None and self.preset not in PRESETS:
            raise CorpusError(
                f"{where}.preset: unknown preset {self.preset!r}{suggest(self.preset, PRESETS)}; "
                f"presets: {', '.join(PRESETS)}"
            )
        for name in self.fields:
            if name not in ARTICLE_FIELDS:
                raise CorpusError(
                    f"{where}.fields: {name!r} is not an article field{suggest(name, ARTICLE_FIELDS)}; "
                    f"article fields: {', '.join(ARTICLE_FIELDS)}"
                )
        if self.max_body_chars is not None and self.max_body_chars < 1:
            raise CorpusError(f"{where}.max_body_chars: must be ≥ 1 or null, got {self.max_body_chars}")
        if self.few_shot < 0:
            raise CorpusError(f"{where}.few_shot: must be ≥ 0, got {self.few_shot}")
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise CorpusError(
                f"{where}.encoding: unknown text encoding {self.encoding!r} (e.g. utf-8, latin-1)"
            ) from None
        if self.stratify_by == "body":
            raise CorpusError(f"{where}.stratify_by: stratify by a label such as category, not the body")


def _check_choice(value: str, names: tuple[str, ...], where: str, noun: str) -> None:
    if value != "auto" and value not in names:
        raise CorpusError(
            f"{where}: unknown {noun} {value!r}{suggest(value, ('auto', *names))}; {noun}s: auto, {', '.join(names)}"
        )
