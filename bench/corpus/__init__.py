"""Corpora in: read any source (format registry), map its fields, check every row, sample.

The flow: ``config`` is the ``corpus`` config section; ``formats`` (a registry: name -> reader) read raw
rows or pages (``pages``: a registry of page layouts); ``fields`` map rows onto
:class:`~bench.article.Article`; ``problems`` collects what was skipped and why; ``sampling`` picks
deterministic subsets and few-shot examples; ``stats`` describes a loaded corpus.
Systems import :mod:`bench.article`, never this package.
"""

from bench.corpus.load import Corpus, CorpusConfig, load_corpus, resolve_path

__all__ = ["Corpus", "CorpusConfig", "load_corpus", "resolve_path"]
