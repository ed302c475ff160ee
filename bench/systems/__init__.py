"""System families. Importing this package registers every built-in kind (see base.registry())."""

from bench.systems import (  # noqa: F401  (textrank, lexrank, oracle, embedding-centroid)  # noqa: F401  (registers causal-lm, seq2seq)
    causal_lm,
    embedding,
    extractive,
    graph,
    oracle,
    seq2seq,
)
from bench.systems.base import System, Task, create, known_kinds, register, registry

__all__ = ["System", "Task", "create", "known_kinds", "register", "registry"]
