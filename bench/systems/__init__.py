"""System families. Importing this package registers every built-in kind (see base.registry())."""

# Importing the family modules runs their @register decorators (lead, random, textrank, lexrank, oracle,
# embedding-centroid, causal-lm, seq2seq, llama-cpp, openai, predictions).
from bench.systems import (  # noqa: F401
    causal_lm,
    embedding,
    extractive,
    graph,
    llama_cpp,
    openai_server,
    oracle,
    predictions,
    seq2seq,
)
from bench.systems.base import System, Task, create, known_kinds, register, registry

__all__ = ["System", "Task", "create", "known_kinds", "register", "registry"]
