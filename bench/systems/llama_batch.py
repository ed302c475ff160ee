"""Several sequences decoded at once by llama.cpp: what ``kind: llama-cpp`` runs on (``n_parallel``).

llama-cpp-python's high-level ``Llama`` decodes one sequence at a time. This drives the binding's
low-level API instead: one ``llama_context`` with ``n_seq_max = n_parallel`` sequences, each with its own
KV cache of ``n_ctx`` tokens (``kv_unified`` off), and one ``llama_batch`` per step that carries the next
token of every sequence that is generating plus, in the room left (``n_batch`` tokens), prompt tokens of
the sequences still reading theirs. A sequence that finishes frees its slot for the next prompt at once
(continuous batching), so the model's weights are read once per step for up to ``n_parallel`` tokens.

Greedy: each next token is the argmax of that sequence's logits (the first on a tie, like llama.cpp's
greedy sampler). The caller decides when a sequence is done beyond EOS/EOG and ``max_tokens``.
"""

from __future__ import annotations

import ctypes
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.errors import SystemError_

__all__ = ["ParallelDecoder"]

# A sequence is done when this says so: (prompt index, generated token ids so far) -> stop now.
Done = Callable[[int, list[int]], bool]


@dataclass
class _Seq:
    index: int  # position in the caller's list of prompts
    prompt: list[int]
    max_tokens: int
    slot: int
    fed: int = 0  # prompt tokens already in the KV cache
    out: list[int] = field(default_factory=list)


class ParallelDecoder:
    """Greedy decoding of many prompts, ``n_parallel`` of them in flight, on a model llama.cpp loaded."""

    def __init__(
        self,
        model: Any,
        *,
        n_parallel: int,
        n_ctx: int,
        n_batch: int,
        n_threads: int,
        n_threads_batch: int,
        flash_attn: bool = True,
    ) -> None:
        import llama_cpp

        self._lib = llama_cpp
        most = llama_cpp.llama_max_parallel_sequences()
        if n_parallel > most:
            raise SystemError_(f"n_parallel {n_parallel} is more than this llama.cpp build decodes at once ({most})")
        self.n_parallel, self.n_ctx, self.n_batch = n_parallel, n_ctx, n_batch
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx * n_parallel  # split evenly: each sequence gets n_ctx
        params.n_batch = params.n_ubatch = n_batch
        params.n_seq_max = n_parallel
        params.kv_unified = False
        params.n_threads, params.n_threads_batch = n_threads, n_threads_batch
        params.no_perf = False
        fa = llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED if flash_attn else llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        params.flash_attn_type = fa
        self._ctx = llama_cpp.llama_init_from_model(model.model, params)
        if not self._ctx:
            raise SystemError_(
                f"llama.cpp could not make a context for {n_parallel} sequences of {n_ctx} tokens "
                "(out of memory?); lower n_parallel or n_ctx"
            )
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._vocab = llama_cpp.llama_model_get_vocab(model.model)
        self.n_vocab = llama_cpp.llama_vocab_n_tokens(self._vocab)
        self._batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        self.steps = 0
        model._exit_stack.callback(self.close)  # the context must be freed before its model

    def close(self) -> None:
        if self._ctx:
            self._lib.llama_batch_free(self._batch)
            self._lib.llama_free(self._ctx)
            self._ctx = None

    def __del__(self) -> None:  # the context holds native memory; free it if close() was not called
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown: the library may already be gone
            pass

    def perf(self) -> dict[str, float]:
        """llama.cpp's own counters for this context: prompt and generation tokens and milliseconds."""
        p = self._lib.llama_perf_context(self._ctx)
        return {"prompt_ms": p.t_p_eval_ms, "prompt_tokens": p.n_p_eval, "gen_ms": p.t_eval_ms, "gen_tokens": p.n_eval}

    def generate(self, prompts: Sequence[list[int]], max_tokens: Sequence[int], done: Done) -> list[list[int]]:
        """The generated token ids for each prompt, same order; EOS/EOG tokens are not included."""
        for i, (prompt, limit) in enumerate(zip(prompts, max_tokens, strict=True)):
            if not prompt:
                raise SystemError_(f"prompt {i} has no tokens")
            if len(prompt) + limit > self.n_ctx:
                raise SystemError_(
                    f"a prompt of {len(prompt)} tokens plus max_tokens {limit} exceeds n_ctx {self.n_ctx}; "
                    "raise n_ctx or lower max_input_tokens (few-shot examples count too)"
                )
        results: list[list[int]] = [[] for _ in prompts]
        waiting = deque(range(len(prompts)))
        free = list(range(self.n_parallel - 1, -1, -1))
        active: list[_Seq] = []
        while waiting or active:
            while waiting and free:
                i = waiting.popleft()
                slot = free.pop()
                self._lib.llama_memory_seq_rm(self._memory, slot, -1, -1)
                active.append(_Seq(i, list(prompts[i]), max_tokens[i], slot))
            wants = self._fill(active)
            self._decode()
            for seq, row in wants:
                seq.out.append(self._argmax(row))
            for seq, _ in wants:
                if self._finished(seq, done):
                    results[seq.index] = seq.out[:-1] if self._is_eog(seq.out[-1]) else seq.out
                    active.remove(seq)
                    free.append(seq.slot)
        return results

    def _fill(self, active: list[_Seq]) -> list[tuple[_Seq, int]]:
        """Put this step's tokens in the batch: one per generating sequence, then prompt tokens in the room
        left. Returns the sequences whose logits this step yields, with their row in the batch."""
        b = self._batch
        b.n_tokens = 0
        wants: list[tuple[_Seq, int]] = []
        for seq in active:
            if seq.fed == len(seq.prompt):
                wants.append((seq, self._add(seq.out[-1], len(seq.prompt) + len(seq.out) - 1, seq.slot, True)))
        for seq in active:
            room = self.n_batch - b.n_tokens
            if seq.fed < len(seq.prompt) and room > 0:
                take = seq.prompt[seq.fed : seq.fed + room]
                for k, token in enumerate(take):
                    last = seq.fed + k == len(seq.prompt) - 1
                    row = self._add(token, seq.fed + k, seq.slot, last)
                    if last:
                        wants.append((seq, row))
                seq.fed += len(take)
        return wants

    def _add(self, token: int, pos: int, slot: int, logits: bool) -> int:
        b = self._batch
        i = b.n_tokens
        b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = token, pos, 1, logits
        b.seq_id[i][0] = slot
        b.n_tokens = i + 1
        return i

    def _decode(self) -> None:
        code = self._lib.llama_decode(self._ctx, self._batch)
        self.steps += 1
        if code != 0:
            raise SystemError_(
                f"llama_decode returned {code} on a batch of {self._batch.n_tokens} tokens "
                "(1: no room in the KV cache; lower n_parallel or raise n_ctx)"
            )

    def _argmax(self, row: int) -> int:
        logits = self._lib.llama_get_logits_ith(self._ctx, row)
        values = np.ctypeslib.as_array(ctypes.cast(logits, ctypes.POINTER(ctypes.c_float)), shape=(self.n_vocab,))
        return int(values.argmax())

    def _is_eog(self, token: int) -> bool:
        return bool(self._lib.llama_vocab_is_eog(self._vocab, token))

    def _finished(self, seq: _Seq, done: Done) -> bool:
        if self._is_eog(seq.out[-1]) or len(seq.out) >= seq.max_tokens:
            return True
        return done(seq.index, seq.out)
