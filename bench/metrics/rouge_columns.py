"""The columns ROUGE declares (P, R, F1 per type; tables show F1 ×100), in one place for the registered
metric and for reading run directories written before metrics were registered. No scoring imports."""

from __future__ import annotations

from collections.abc import Sequence

from bench.metrics.base import Column

__all__ = ["ROUGE_LABELS", "ROUGE_STATS", "rouge_columns"]

ROUGE_LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L", "rougeLsum": "R-Lsum", "rougeSU4": "R-SU4"}
#: (column suffix, Score field, label suffix) of each statistic of a ROUGE type
ROUGE_STATS = (("p", "precision", "P"), ("r", "recall", "R"), ("f", "f1", ""))


def rouge_columns(types: Sequence[str]) -> list[Column]:
    """``<type>_p``, ``<type>_r``, ``<type>_f`` per type; F1 shown, the first type's F1 ranks."""
    return [
        Column(
            f"{t}_{short}",
            f"{ROUGE_LABELS.get(t, t)} {suffix}".strip(),
            "rouge",
            f"{t} {field}",
            scale=100.0,
            show=short == "f",
            rank=short == "f" and i == 0,
        )
        for i, t in enumerate(types)
        for short, field, suffix in ROUGE_STATS
    ]
