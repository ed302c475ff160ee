"""Meta-evaluation: how far each metric agrees with human judgments (correlations, CIs, paired tests)."""

from bench.metaeval.evaluate import MetaEval, MetricSpec, Settings, meta_evaluate
from bench.metaeval.judgments import Judgment, load_judgments

__all__ = ["MetaEval", "MetricSpec", "Settings", "meta_evaluate", "Judgment", "load_judgments"]
