"""Summary-level ROUGE-L of ROUGE-1.5.5.pl (``lcs``, ``lcs_inner``, ``markLCS``), ported exactly.

For each model (reference) sentence the script runs an LCS against every peer sentence and marks
the model positions on the LCS path it backtracks (diagonal on equal tokens, else "up" when
``c[i-1][j] >= c[i][j-1]``, else "left" -- the tie-break decides which positions are marked). The
union of marks is walked left to right; a marked token is a hit only while both its model and its
peer unigram counts (from the whole, length-limited text) are still positive, and each hit takes one
from both, so ROUGE-L never exceeds ROUGE-1. The base (recall denominator) is the total number of
model tokens in the LCS units; the precision denominator is the peer's unigram count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import accumulate

__all__ = ["lcs_hits"]


def _lcs_path(model: Sequence[str], peer: Sequence[str]) -> list[int]:
    """``lcs_inner`` + ``markLCS``: the model positions on the backtracked LCS path."""
    # c[i][j] = c[i-1][j-1] + 1 on equal tokens, else max(c[i-1][j], c[i][j-1]); as the diagonal
    # value is never below the other two, each row is a running max (accumulate) of per-cell values
    table = [[0] * (len(peer) + 1)]
    for token in model:
        prev = table[-1]
        values = [diagonal + 1 if other == token else up for other, diagonal, up in zip(peer, prev, prev[1:])]
        table.append([0, *accumulate(values, max)])
    marked = []
    i, j = len(model), len(peer)
    while i and j:
        if model[i - 1] == peer[j - 1]:
            i -= 1
            j -= 1
            marked.append(i)
        elif table[i - 1][j] >= table[i][j - 1]:  # the script's tie-break: "up" first
            i -= 1
        else:
            j -= 1
    return marked


def _mark_lcs(model: Sequence[str], peer: Sequence[str], peer_set: frozenset[str], mask: list[bool]) -> None:
    """Set ``mask[i]`` for every model position the script marks against this peer sentence.

    Model tokens absent from the peer sentence are left out of the table: their row would copy the
    row above and the backtrack always steps "up" through it, so the marks are the same.
    """
    kept = [position for position, token in enumerate(model) if token in peer_set]
    if kept:
        for index in _lcs_path([model[p] for p in kept], peer):
            mask[kept[index]] = True


def lcs_hits(
    model_units: Sequence[Sequence[str]],
    peer_units: Sequence[Sequence[str]],
    model_unigrams: Counter[str],
    peer_unigrams: Counter[str],
) -> tuple[int, int]:
    """``(hit, base)`` of the script's ``lcs`` for one model; the unigram counters are not changed."""
    model_left = dict(model_unigrams)
    peer_left = dict(peer_unigrams)
    peer_vocab = [frozenset(unit) for unit in peer_units]
    hit = base = 0
    for unit in model_units:
        base += len(unit)
        if not unit:
            continue
        mask = [False] * len(unit)
        for peer, peer_set in zip(peer_units, peer_vocab):
            _mark_lcs(unit, peer, peer_set, mask)
        for position, token in enumerate(unit):
            if mask[position] and model_left.get(token, 0) > 0 and peer_left.get(token, 0) > 0:
                hit += 1
                model_left[token] -= 1
                peer_left[token] -= 1
    return hit, base
