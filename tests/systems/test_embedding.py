"""embedding-centroid: the ranking maths on hand-made vectors, and the real offline MiniLM."""

from __future__ import annotations

import numpy as np
import pytest

from bench.article import Article
from bench.errors import ConfigError, SystemError_
from bench.systems import Task, create
from bench.systems.embedding import centroid_ranking, mmr_ranking


def unit(rows: list[list[float]]) -> np.ndarray:
    m = np.array(rows, dtype=float)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_centroid_ranking_by_hand() -> None:
    # centroid of these is nearest to the first (it leans to x), the y-only vector is last
    v = unit([[1, 0.2], [1, 0], [0, 1]])
    assert centroid_ranking(v) == [0, 1, 2]


def test_mmr_penalises_near_duplicates() -> None:
    # by hand: centroid direction ≈ (0.819, 0.574); cosines 0.949, 0.952, 0.785
    v = unit([[1, 0.3], [1, 0.31], [0.3, 1]])
    assert centroid_ranking(v) == [1, 0, 2]
    # λ=0.3, second pick: row 0 scores 0.3·0.949 − 0.7·1.000 = −0.415; row 2: 0.3·0.785 − 0.7·0.558 = −0.155
    assert mmr_ranking(v, 2, lam=0.3) == [1, 2]
    assert mmr_ranking(v, 2, lam=1.0) == centroid_ranking(v)[:2]


def test_bad_settings() -> None:
    with pytest.raises(ConfigError, match="mmr"):
        create({"kind": "embedding-centroid", "mmr": 1.5}, "t")


def test_gguf_is_refused(tmp_path) -> None:
    f = tmp_path / "m.gguf"
    f.write_bytes(b"GGUF")
    with pytest.raises(SystemError_, match="GGUF"):
        create({"kind": "embedding-centroid", "model": str(f)}, "t").load()


@pytest.mark.slow
def test_real_minilm_picks_the_on_topic_sentence() -> None:
    body = (
        "The striker scored twice as United beat City in the derby. "
        "The goalkeeper saved a late penalty to seal the football win. "
        "Fans sang as the team climbed to the top of the league table. "
        "Bake the cake for forty minutes at a low oven temperature."
    )
    s = create({"kind": "embedding-centroid", "device": "cpu", "sentences": 3}, "t")
    out = s.summarize([Article("a", body)], Task("headline", 10))
    assert "cake" not in out[0] and out[0].count(".") == 3
    calls = []
    encode = s.encoder.encode
    s.encoder.encode = lambda *a, **k: calls.append(a) or encode(*a, **k)
    assert s.summarize([Article("a", body)], Task("standfirst", 30))[0] == out[0]  # same ranking, no word cut
    assert calls == []  # the other target reuses the sentence vectors
    assert len(s.fingerprint()) == 16 and s.fingerprint_extra()["weights"]["dir_sha256"]
