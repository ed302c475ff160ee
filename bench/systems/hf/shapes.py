"""Random-weight models of the shapes users benchmark (BART-large, gemma-3-270m), for speed measurements
where real weights cannot be fetched — the same configs as ../shared/perf/gpu_anchor.py — plus tiny
versions for smoke tests on a CPU. Used by ``scripts/bench_generation.py --shape``.

Each is saved with ``save_pretrained`` next to a word-level tokenizer that names every id (``t<id>``), so
a decoded output is exactly its token ids and two runs agree as texts only when they agree as ids.
Inputs are made like the anchor's: one sequence of seeded random ids per article, ``min(limit, 1.35 ×
body words)`` long.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.errors import SystemError_

__all__ = ["SHAPES", "build_shaped_model", "anchor_lengths", "anchor_inputs"]

_BART_LARGE: dict[str, Any] = {
    "vocab_size": 50265,
    "d_model": 1024,
    "encoder_layers": 12,
    "decoder_layers": 12,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096,
    "max_position_embeddings": 1024,
    "forced_bos_token_id": None,
}
_GEMMA3_270M: dict[str, Any] = {
    "vocab_size": 262144,
    "hidden_size": 640,
    "intermediate_size": 2048,
    "num_hidden_layers": 18,
    "num_attention_heads": 4,
    "num_key_value_heads": 1,
    "head_dim": 256,
    "max_position_embeddings": 32768,
    "sliding_window": 512,
}

# name: (harness kind, transformers class, config class, config kwargs); tiny-* keep the structure, shrink sizes
SHAPES: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "bart-large": ("seq2seq", "BartForConditionalGeneration", "BartConfig", _BART_LARGE),
    "gemma3-270m": ("causal-lm", "Gemma3ForCausalLM", "Gemma3TextConfig", _GEMMA3_270M),
    "tiny-bart": (
        "seq2seq",
        "BartForConditionalGeneration",
        "BartConfig",
        {
            **_BART_LARGE,
            "vocab_size": 512,
            "d_model": 32,
            "encoder_layers": 2,
            "decoder_layers": 2,
            "encoder_attention_heads": 4,
            "decoder_attention_heads": 4,
            "encoder_ffn_dim": 64,
            "decoder_ffn_dim": 64,
        },
    ),
    "tiny-gemma3": (
        "causal-lm",
        "Gemma3ForCausalLM",
        "Gemma3TextConfig",
        {
            **_GEMMA3_270M,
            "vocab_size": 512,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "head_dim": 16,
            "max_position_embeddings": 2048,
            "sliding_window": 16,
            "layer_types": ["sliding_attention", "full_attention"],
            "initializer_range": 0.3,
        },
    ),
}


def _tokenizer(config: Any, max_length: int) -> Any:
    """Word-level tokenizer over ``t0 … t<vocab-1>``, special tokens at the config's pad/eos/bos ids."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    specials = {config.pad_token_id: "<pad>", config.eos_token_id: "</s>", config.bos_token_id: "<s>"}
    unk_id = next(i for i in range(8) if i not in specials)
    specials[unk_id] = "<unk>"
    vocab = {specials.get(i, f"t{i}"): i for i in range(config.vocab_size)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.decoder = decoders.WordPiece(prefix="##")  # joins tokens with spaces
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="<pad>",
        eos_token="</s>",
        bos_token="<s>",
        unk_token="<unk>",
        model_max_length=max_length,
    )


def build_shaped_model(shape: str, out: Path, device: str = "cpu", seed: int = 0) -> tuple[str, int]:
    """Save a random-weight model of ``shape`` (bfloat16 off CPU) and its tokenizer to ``out``.

    Returns the harness kind (``seq2seq`` / ``causal-lm``) and the parameter count.
    """
    import torch
    import transformers

    if shape not in SHAPES:
        raise SystemError_(f"unknown model shape {shape!r}; known: {', '.join(SHAPES)}")
    kind, model_cls, config_cls, kwargs = SHAPES[shape]
    config = getattr(transformers, config_cls)(**kwargs)
    torch.manual_seed(seed)
    with torch.device(device):
        model = getattr(transformers, model_cls)(config)
    if device != "cpu":
        model = model.to(torch.bfloat16)
    model.eval()
    model.generation_config.pad_token_id = config.pad_token_id
    model.save_pretrained(out)
    limit = getattr(config, "max_position_embeddings", 1024)
    _tokenizer(config, limit).save_pretrained(out)
    return kind, sum(p.numel() for p in model.parameters())


def anchor_lengths(word_counts: Sequence[int], limit: int) -> list[int]:
    """Input lengths as ../shared/perf/gpu_anchor.py takes them: ``min(limit, int(1.35 × words))``."""
    return [max(1, min(limit, int(words * 1.35))) for words in word_counts]


def anchor_inputs(lengths: Sequence[int], vocab_size: int, seed: int = 0) -> list[list[int]]:
    """Seeded random token ids (5 … vocab-2, clear of the special ids) of the given lengths."""
    rng = random.Random(seed)
    return [[rng.randrange(5, vocab_size - 1) for _ in range(n)] for n in lengths]
