"""Tiny transformers models (T5, BART, Gemma3-shaped decoder) with an offline word-level tokenizer,
built from configs and saved to a temp dir once per session. Nothing comes from the hub."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ARTICLES

SPECIALS = ["<pad>", "</s>", "<s>", "<unk>"]
EXTRA_WORDS = (
    "write a short news headline for this article headline standfirst summarize of at most words "
    "one sentence the under Write Headline Article Standfirst user assistant system : ."
).split()

CHAT_TEMPLATE = (
    "{% for m in messages %}<s> {{ m['role'] }} : {{ m['content'] }} </s> {% endfor %}"
    "{% if add_generation_prompt %}<s> assistant : {% endif %}"
)


def _vocab() -> list[str]:
    words: set[str] = set(EXTRA_WORDS)
    for art in ARTICLES:
        for field in ("body", "headline", "standfirst"):
            words.update(re.findall(r"\w+|[^\w\s]+", art.get(field, "")))
    return SPECIALS + sorted(words)


def tiny_tokenizer(bos: bool, max_length: int = 64) -> PreTrainedTokenizerFast:  # noqa: F821
    """A word-level tokenizer over the test articles' words; ``bos`` prepends <s> (decoder style)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(_vocab())}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()  # splits like r"\w+|[^\w\s]+"
    tok.decoder = decoders.WordPiece(prefix="##")  # joins tokens with spaces
    if bos:
        tok.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", vocab["<s>"])])
    else:
        tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", vocab["</s>"])])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="<pad>",
        eos_token="</s>",
        bos_token="<s>",
        unk_token="<unk>",
        model_max_length=max_length,
    )


def _save(model, tokenizer, path: Path) -> Path:
    """Save both; special tokens get zero output rows so a random model writes words, not <pad>/</s>."""
    import torch

    with torch.no_grad():
        model.get_output_embeddings().weight[: len(SPECIALS)] = 0.0
    model.generation_config.pad_token_id = 0
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


@pytest.fixture(scope="session")
def tiny_t5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    torch.manual_seed(0)
    tok = tiny_tokenizer(bos=False)
    cfg = T5Config(
        vocab_size=len(tok),
        d_model=32,
        d_kv=8,
        d_ff=64,
        num_layers=2,
        num_heads=4,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        tie_word_embeddings=False,
    )
    return _save(T5ForConditionalGeneration(cfg).eval(), tok, tmp_path_factory.mktemp("tiny-t5"))


@pytest.fixture(scope="session")
def tiny_bart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    torch.manual_seed(0)
    tok = tiny_tokenizer(bos=False)
    cfg = BartConfig(
        vocab_size=len(tok),
        d_model=32,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=64,
        pad_token_id=0,
        eos_token_id=1,
        bos_token_id=2,
        decoder_start_token_id=1,
        forced_bos_token_id=None,
        tie_word_embeddings=False,
    )
    return _save(BartForConditionalGeneration(cfg).eval(), tok, tmp_path_factory.mktemp("tiny-bart"))


def _tiny_gemma(path: Path, chat: bool) -> Path:
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    torch.manual_seed(0)
    tok = tiny_tokenizer(bos=True, max_length=512)
    if chat:
        tok.chat_template = CHAT_TEMPLATE
    cfg = Gemma3TextConfig(
        vocab_size=len(tok),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=16,
        sliding_window=16,
        max_position_embeddings=512,
        initializer_range=0.3,
        pad_token_id=0,
        eos_token_id=1,
        bos_token_id=2,
        layer_types=["sliding_attention", "full_attention"],
        tie_word_embeddings=False,
    )
    return _save(Gemma3ForCausalLM(cfg).eval(), tok, path)


@pytest.fixture(scope="session")
def tiny_gemma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tiny_gemma(tmp_path_factory.mktemp("tiny-gemma"), chat=False)


@pytest.fixture(scope="session")
def tiny_gemma_chat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tiny_gemma(tmp_path_factory.mktemp("tiny-gemma-chat"), chat=True)


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GPT-2-shaped: absolute positions, and a tokenizer without a pad token (the harness pads with EOS)."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    tok = tiny_tokenizer(bos=True, max_length=512)
    tok.pad_token = None
    cfg = GPT2Config(
        vocab_size=len(tok),
        n_embd=32,
        n_layer=2,
        n_head=2,
        n_positions=512,
        bos_token_id=2,
        eos_token_id=1,
        initializer_range=0.3,
        tie_word_embeddings=False,
    )
    model = GPT2LMHeadModel(cfg).eval()
    with torch.no_grad():
        model.get_output_embeddings().weight[: len(SPECIALS)] = 0.0
    out = tmp_path_factory.mktemp("tiny-gpt2")
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out
