"""Hugging Face datasets sources and the presets, offline on local files with the sets' own schemas."""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench.corpus.load import CorpusConfig, load_corpus
from bench.errors import CorpusError
from bench.typed import build

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
datasets = pytest.importorskip("datasets")

# Rows shaped like the real sets (column names and types as on the hub).
XSUM = {
    "document": ["Police said the man was arrested.\nHe is due in court on Monday.", "The match ended 2-1."],
    "summary": ["A man has been arrested.", "City won."],
    "id": ["34227252", "34227253"],
}
CNN = {
    "article": ["LONDON, England (Reuters) -- Harry Potter star Daniel Radcliffe gains access to a fortune."],
    "highlights": ["Harry Potter star Daniel Radcliffe gets £20M fortune .\nYoung actor says he has no plans ."],
    "id": ["42c027e4ff9730fbb3de84c1af0d2c506e41c3e4"],
}
GIGAWORD = {
    "document": ["australia 's current account deficit shrunk by a record #.## billion dollars ."],
    "summary": ["australian current account deficit narrows sharply"],
}


def load(**settings):
    return load_corpus(build(CorpusConfig, settings, "corpus"))


def test_xsum_preset_on_a_save_to_disk_folder(tmp_path):
    datasets.Dataset.from_dict(XSUM).save_to_disk(str(tmp_path / "xsum"))
    corpus = load(path=str(tmp_path / "xsum"), preset="xsum")  # format auto: a save_to_disk folder
    a, b = corpus.articles
    assert a.headline is None and b.headline is None  # XSum has no headline
    assert a.standfirst == "A man has been arrested." and a.id == "34227252"
    assert a.body == "Police said the man was arrested.\n\nHe is due in court on Monday."  # one paragraph a line
    assert a.source == "BBC (XSum)" and a.language == "en"
    assert corpus.missing("headline") == 2 and corpus.missing("standfirst") == 0


def test_xsum_preset_on_a_datasetdict_folder_needs_a_split(tmp_path):
    ds = datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_dict(XSUM),
            "test": datasets.Dataset.from_dict({k: v[:1] for k, v in XSUM.items()}),
        }
    )
    ds.save_to_disk(str(tmp_path / "xsum"))
    assert len(load(path=str(tmp_path / "xsum"), format="hf", preset="xsum", split="test").articles) == 1
    with pytest.raises(CorpusError, match=r"it has several splits; choose one with split: \(splits: train, test\)"):
        load(path=str(tmp_path / "xsum"), format="hf", preset="xsum")
    with pytest.raises(CorpusError, match=r"split 'validation' is not there"):
        load(path=str(tmp_path / "xsum"), format="hf", preset="xsum", split="validation")


def test_xsum_preset_on_plain_jsonl_without_datasets(tmp_path):
    path = tmp_path / "xsum.jsonl"
    path.write_text("".join(json.dumps(dict(zip(XSUM, row))) + "\n" for row in zip(*XSUM.values())))
    corpus = load(path=str(path), preset="xsum")
    assert [a.standfirst for a in corpus.articles] == XSUM["summary"]
    assert all(a.headline is None for a in corpus.articles)


def test_cnn_dailymail_preset_on_parquet_data_files_through_datasets(tmp_path):
    path = tmp_path / "cnn.parquet"
    pq.write_table(pa.table(CNN), path)
    corpus = load(path=str(path), format="hf", preset="cnn_dailymail")
    a = corpus.articles[0]
    assert a.body == CNN["article"][0] and a.standfirst == CNN["highlights"][0] and a.headline is None
    assert a.id == CNN["id"][0] and a.source == "CNN/Daily Mail"


def test_gigaword_preset_on_csv_data_files_through_datasets(tmp_path):
    path = tmp_path / "giga.csv"
    path.write_text('document,summary\n"' + GIGAWORD["document"][0] + '",' + GIGAWORD["summary"][0] + "\n")
    corpus = load(path=str(path), format="hf", preset="gigaword")
    a = corpus.articles[0]
    assert a.headline == GIGAWORD["summary"][0] and a.body == GIGAWORD["document"][0]
    assert a.standfirst is None and a.id == "giga-1"


def test_generic_preset_guesses_common_column_names(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"title": "T", "text": "Body.", "description": "D", "link": "u", "lang": "it"}) + "\n")
    a = load(path=str(path), preset="generic").articles[0]
    assert (a.headline, a.body, a.standfirst, a.url, a.language) == ("T", "Body.", "D", "u", "it")


def test_preset_entries_overridden_by_fields(tmp_path):
    datasets.Dataset.from_dict({**XSUM, "title": ["T1", "T2"]}).save_to_disk(str(tmp_path / "d"))
    corpus = load(path=str(tmp_path / "d"), preset="xsum", fields={"headline": "title"})
    assert [a.headline for a in corpus.articles] == ["T1", "T2"]


def test_preset_on_data_without_its_columns_lists_them(tmp_path):
    datasets.Dataset.from_dict({"text": ["x"], "label": [1]}).save_to_disk(str(tmp_path / "d"))
    with pytest.raises(
        CorpusError,
        match=r"preset 'xsum' expects column 'document', which does "
        r"not exist; columns are: text, label",
    ):
        load(path=str(tmp_path / "d"), preset="xsum")


def test_bad_rows_in_a_dataset_are_reported_by_row(tmp_path):
    datasets.Dataset.from_dict({"document": ["ok", "", "fine"], "summary": ["s", "s", "s"]}).save_to_disk(
        str(tmp_path / "d")
    )
    corpus = load(path=str(tmp_path / "d"), preset="xsum")
    assert len(corpus.articles) == 2
    assert corpus.problems == [f"{tmp_path / 'd'} row 2: missing or empty body (column 'document')"]


def test_hub_name_while_offline_says_so_and_how_to_use_local_files(monkeypatch):
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    with pytest.raises(CorpusError) as info:
        load(preset="xsum", split="test")
    message = str(info.value)
    assert message.startswith("hf:EdinburghNLP/xsum[test]: cannot reach the Hugging Face hub")
    assert "network is unreachable" in message and "save_to_disk" in message and ".parquet" in message
    assert "\n" not in message


def test_hf_local_path_that_does_not_exist(tmp_path):
    with pytest.raises(CorpusError, match="no such file or directory"):
        load(path=str(tmp_path / "nope"), format="hf")
