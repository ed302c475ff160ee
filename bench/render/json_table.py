"""JSON: the table as one object — signatures, columns, test settings and a record per row."""

from __future__ import annotations

import dataclasses
import json

from bench.render import register_output
from bench.render.table import Table

__all__ = ["to_json"]


@register_output("json", suffix="json", description="one JSON object: signatures, columns, rows with cells")
def to_json(table: Table) -> str:
    data = {
        "signatures": table.signatures,
        "columns": [c.to_dict() for c in table.columns],
        "targets": table.targets,
        "baseline": table.baseline if table.tested else None,
        "test": table.method if table.tested else None,
        "resamples": table.resamples,
        "seed": table.seed,
        "alpha": table.alpha,
        "runs": table.runs,
        "common_n": table.common_n,
        "notes": table.notes,
        "rows": [
            {
                **{k: v for k, v in dataclasses.asdict(r).items() if k != "cells"},
                "cells": {k: dataclasses.asdict(c) for k, c in r.cells.items()},
            }
            for r in table.rows
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
