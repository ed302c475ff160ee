"""System families. Importing this package registers every built-in kind (see base.registry())."""

from bench.systems import extractive  # noqa: F401  (registers lead, random)
from bench.systems import graph, oracle, embedding  # noqa: F401  (textrank, lexrank, oracle, embedding-centroid)
from bench.systems import causal_lm, seq2seq  # noqa: F401  (registers causal-lm, seq2seq)
from bench.systems import llama_cpp, openai_server, predictions  # noqa: F401  (llama-cpp, openai, predictions)
from bench.systems.base import System, Task, create, known_kinds, register, registry

__all__ = ["System", "Task", "create", "known_kinds", "register", "registry"]
