"""textrank / lexrank: PageRank agrees with networkx; similarity matrices by hand; central sentences win."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench.article import Article
from bench.errors import ConfigError
from bench.systems import Task, create
from bench.systems.graph import lexrank_matrix, pagerank, textrank_matrix


def test_pagerank_matches_networkx() -> None:
    import networkx as nx

    rng = np.random.default_rng(0)
    w = rng.random((6, 6)) * (rng.random((6, 6)) > 0.4)
    np.fill_diagonal(w, 0)
    w[5, :] = 0  # a dangling node
    graph = nx.from_numpy_array(w, create_using=nx.DiGraph)
    expected = nx.pagerank(graph, alpha=0.85, tol=1e-12, max_iter=1000)
    got = pagerank(w, 0.85)
    assert got == pytest.approx([expected[i] for i in range(6)], abs=1e-8)


def test_textrank_similarity_by_hand() -> None:
    m = textrank_matrix([["a", "b", "c"], ["b", "c", "d", "e"], ["x"]])
    assert m[0, 1] == pytest.approx(2 / (math.log(3) + math.log(4)))
    assert m[0, 2] == 0 and m[1, 1] == 0 and m[1, 0] == m[0, 1]


def test_lexrank_similarity_by_hand() -> None:
    # idf: a in 2 of 3 sentences -> log(3/2); b, c in 1 -> log 3
    m = lexrank_matrix([["a", "b"], ["a", "c"], ["d"]], threshold=None)
    ia, ib = math.log(1.5), math.log(3)
    assert m[0, 1] == pytest.approx(ia * ia / (ia**2 + ib**2))
    assert (lexrank_matrix([["a", "b"], ["a", "c"], ["d"]], threshold=0.5) == 0).all()


BODY = (
    "Floods hit the town. The river flooded the town centre and homes. Rain caused the river floods. "
    "A cat was seen. Homes in the town centre flooded after rain."
)


@pytest.mark.parametrize("kind", ["textrank", "lexrank"])
def test_central_sentence_wins(kind: str) -> None:
    out = create({"kind": kind, "sentences": 1}, "t").summarize([Article("a", BODY)], Task("headline", 10))
    assert out[0] != "A cat was seen."
    assert "flood" in out[0].lower()
    two = create({"kind": kind, "sentences": 4}, "t").summarize([Article("a", BODY)], Task("headline", 10))
    assert "A cat was seen." not in two[0]


def test_bad_damping() -> None:
    with pytest.raises(ConfigError, match="damping"):
        create({"kind": "lexrank", "damping": 1.0}, "t")
