"""Machinery of ``kind: openai`` (any OpenAI-compatible server: vLLM, llama.cpp, Ollama, TGI, hosted APIs):
settings, the retry policy, and the bounded-concurrency request loop. The system itself is
:mod:`bench.systems.openai_server`."""
