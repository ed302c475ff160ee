"""nli-faithfulness plumbing on a tiny NLI cross-encoder the test builds: the SummaC-ZS aggregation (best
chunk per prediction sentence, mean over sentences) against the model called one pair at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.article import Article
from bench.errors import MetricError
from bench.metrics.base import Item, create_metric
from bench.metrics.nli import chunks
from bench.text import split_sentences

torch = pytest.importorskip("torch")

WORDS = "the a council approved bridge river on monday storm closed schools work starts in may team won cup".split()
ARTICLE = (
    "The council approved a bridge on Monday. A storm closed schools.\n\nWork starts in May. The team won the cup."
)


def _save(folder: Path, id2label: dict[int, str]) -> Path:
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir()
    (folder / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    BertTokenizer(str(folder / "vocab.txt"), model_max_length=128).save_pretrained(folder)
    torch.manual_seed(1)
    config = BertConfig(
        vocab_size=5 + len(WORDS),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=3,
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    BertForSequenceClassification(config).eval().save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _save(tmp_path_factory.mktemp("nli") / "model", {0: "CONTRADICTION", 1: "ENTAILMENT", 2: "NEUTRAL"})


def _by_hand(model_dir: Path, premise: str, hypothesis: str) -> float:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    with torch.no_grad():
        probs = model(**tok(premise, hypothesis, return_tensors="pt")).logits.softmax(-1)[0]
    return float(probs[1] - probs[0])  # ENTAILMENT - CONTRADICTION


@pytest.mark.parametrize("chunk", [1, 2])
def test_best_chunk_per_sentence_then_mean(tiny_nli: Path, chunk: int) -> None:
    metric = create_metric(
        "nli-faithfulness", {"model": str(tiny_nli), "chunk_sentences": chunk, "batch_size": 3}, "test"
    )
    prediction = "The council approved a bridge. Schools closed in May."
    doc = chunks(ARTICLE, chunk)
    assert len(doc) == (4 if chunk == 1 else 2)
    expected = [max(_by_hand(tiny_nli, c, s) for c in doc) for s in split_sentences(prediction)]
    items = [
        Item(prediction, ("unused reference",), Article(id="a", body=ARTICLE)),
        Item("The team won the cup.", (), Article(id="b", body=ARTICLE)),
    ]
    got = metric.score(items)
    assert got[0]["nli_faithfulness"] == pytest.approx(sum(expected) / len(expected), abs=1e-5)
    assert got[1]["nli_faithfulness"] == pytest.approx(
        max(_by_hand(tiny_nli, c, "The team won the cup.") for c in doc), abs=1e-5
    )


def test_reference_free_and_undefined_without_article(tiny_nli: Path) -> None:
    metric = create_metric("nli-faithfulness", {"model": str(tiny_nli)}, "test")
    a = metric.score([Item("Work starts in May.", ("x",), Article(id="a", body=ARTICLE))])
    b = metric.score([Item("Work starts in May.", ("something else entirely",), Article(id="a", body=ARTICLE))])
    assert a == b
    assert metric.score([Item("Work starts in May.", ("x",), Article(id="a", body=""))]) == [{"nli_faithfulness": None}]
    assert metric.score([Item("", ("x",), Article(id="a", body=ARTICLE))]) == [{"nli_faithfulness": None}]


def test_labels_it_cannot_read_are_a_clear_error(tmp_path: Path) -> None:
    model = _save(tmp_path / "plain", {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    item = [Item("Work starts in May.", (), Article(id="a", body=ARTICLE))]
    with pytest.raises(MetricError, match="set entailment_label to one of them"):
        create_metric("nli-faithfulness", {"model": str(model)}, "t").score(item)
    named = create_metric(
        "nli-faithfulness", {"model": str(model), "entailment_label": "LABEL_1", "contradiction_label": "LABEL_0"}, "t"
    )
    assert -1 <= named.score(item)[0]["nli_faithfulness"] <= 1


def test_signature_names_model_chunking_and_versions(tiny_nli: Path) -> None:
    sig = create_metric("nli-faithfulness", {"model": str(tiny_nli)}, "t").signature()
    assert sig.startswith(f"nli-faithfulness|model:{tiny_nli}|chunk:1sent|split:rules-v2|") and "transformers:" in sig
