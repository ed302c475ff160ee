"""Group inputs into batches of similar length, so padding (wasted compute) stays small.

Batches are cut from the inputs sorted by token length (longest first, so an out-of-memory error
shows up in the first batch rather than the last). A batch holds at most ``batch_size`` inputs and,
when ``token_budget`` is set, at most that many padded input tokens (``len(batch) × longest``).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["length_sorted_batches"]


def length_sorted_batches(lengths: Sequence[int], batch_size: int, token_budget: int | None = None) -> list[list[int]]:
    """Indices into ``lengths`` grouped into batches; every index appears exactly once.

    >>> length_sorted_batches([5, 1, 9, 3], batch_size=2)
    [[2, 0], [3, 1]]
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be ≥ 1, got {batch_size}")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[current[0]] if current else lengths[i]
        full = len(current) >= batch_size
        over = token_budget is not None and current and (len(current) + 1) * longest > token_budget
        if current and (full or over):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
