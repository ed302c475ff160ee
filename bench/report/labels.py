"""Point labels that never overlap: each label sits beside its point, labels whose extents share any x are
stacked in a column (pushed apart by the line height, kept as close to their points as the column allows), and a
leader line joins a moved label to its point. Deterministic: the same points give the same SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.report.svg import clip_text, text, text_width

__all__ = ["Placed", "PointLabel", "column_height", "labels_svg", "place_labels"]

_GAP = 9  # px between a point and its label
_MOVED = 2.5  # px: a label further than this from its point gets a leader line


@dataclass(frozen=True)
class PointLabel:
    """A label wanted for the point at (x, y) in SVG pixels."""

    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Placed:
    """Where a label went: ``x`` is its anchor (start or end of the text), ``centre`` its vertical middle."""

    label: PointLabel
    text: str
    x: float
    centre: float
    anchor: str
    width: float

    @property
    def left(self) -> float:
        return self.x if self.anchor == "start" else self.x - self.width

    @property
    def right(self) -> float:
        return self.left + self.width


def column_height(count: int, size: int) -> float:
    """Vertical space ``count`` stacked labels of font ``size`` need."""
    return count * (size + 2)


def _side(label: PointLabel, size: int, limit: float) -> tuple[str, float, str, float]:
    """(text, x, anchor, width): right of the point, or left when the right side runs past ``limit``."""
    room_right = limit - (label.x + _GAP)
    room_left = label.x - _GAP
    right = text_width(label.text, size) <= room_right or room_right >= room_left
    shown = clip_text(label.text, size, room_right if right else room_left)
    x = label.x + _GAP if right else label.x - _GAP
    return shown, x, "start" if right else "end", text_width(shown, size)


def _groups(placed: list[tuple[int, Placed]]) -> list[list[tuple[int, Placed]]]:
    """Labels whose horizontal extents overlap, transitively (only these can collide)."""
    groups: list[list[tuple[int, Placed]]] = []
    reach = float("-inf")
    for item in sorted(placed, key=lambda item: (item[1].left, item[0])):
        if groups and item[1].left <= reach:
            groups[-1].append(item)
            reach = max(reach, item[1].right)
        else:
            groups.append([item])
            reach = item[1].right
    return groups


@dataclass
class _Cluster:
    top: float
    count: int
    wanted: float  # sum of the members' wanted centres


def _stack(wanted: Sequence[float], line: float, low: float, high: float) -> list[float]:
    """Centres for labels wanted at the sorted ``wanted`` centres: at least ``line`` apart, inside [low, high]
    when they fit there, each run of pushed labels centred on its points."""
    clusters: list[_Cluster] = []
    for w in wanted:
        clusters.append(_Cluster(w - line / 2, 1, w))
        while True:
            last = clusters[-1]
            last.top = min(max(last.top, low), high - last.count * line)
            if len(clusters) < 2 or clusters[-2].top + clusters[-2].count * line <= last.top + 1e-9:
                break
            clusters.pop()
            merged = clusters[-1]
            merged.count += last.count
            merged.wanted += last.wanted
            merged.top = merged.wanted / merged.count - merged.count * line / 2
    return [c.top + (k + 0.5) * line for c in clusters for k in range(c.count)]


def _align(group: list[tuple[int, Placed]], size: int, limit: float) -> list[tuple[int, Placed]]:
    """One column per side: a group's labels right of their points start at the same x, those left of their
    points end at the same x (a stacked column reads better ragged-free)."""
    if len(group) < 2:
        return group
    starts = [p.x for _, p in group if p.anchor == "start"]
    ends = [p.x for _, p in group if p.anchor == "end"]
    out = []
    for i, p in group:
        if p.anchor == "start":
            x, shown = max(starts), clip_text(p.label.text, size, limit - max(starts))
        else:
            x, shown = min(ends), clip_text(p.label.text, size, min(ends))
        out.append((i, Placed(p.label, shown, x, p.centre, p.anchor, text_width(shown, size))))
    return out


def _members(groups: list[list[tuple[int, Placed]]]) -> set[frozenset[int]]:
    return {frozenset(i for i, _ in group) for group in groups}


def place_labels(
    labels: Sequence[PointLabel], size: int, top: float, bottom: float, right_limit: float
) -> list[Placed]:
    """Place every label beside its point (returned in the order given) without any two overlapping, inside
    [top, bottom] vertically when ``column_height`` of the largest column fits there."""
    line = size + 2
    items = []
    for i, label in enumerate(labels):
        shown, x, anchor, width = _side(label, size, right_limit)
        items.append((i, Placed(label, shown, x, label.y, anchor, width)))
    groups = _groups(items)
    for _ in range(len(labels)):  # aligning moves labels sideways: regroup until the columns settle
        items = [item for group in groups for item in _align(group, size, right_limit)]
        regrouped = _groups(items)
        if _members(regrouped) == _members(groups):
            break
        groups = regrouped
    groups = _groups(items)  # stacking below keeps apart whatever overlaps where the labels now stand
    result: dict[int, Placed] = {}
    for group in groups:
        group.sort(key=lambda item: (item[1].label.y, item[0]))
        centres = _stack([p.label.y for _, p in group], line, top, bottom)
        for (i, p), centre in zip(group, centres):
            result[i] = Placed(p.label, p.text, p.x, centre, p.anchor, p.width)
    return [result[i] for i in range(len(labels))]


def labels_svg(placed: Sequence[Placed], size: int, cls: str = "note point-label") -> list[str]:
    """The ``<text>`` elements, with a leader line for each label moved off its point."""
    parts = []
    for p in placed:
        if abs(p.centre - p.label.y) > _MOVED:
            start = p.label.x + (5 if p.anchor == "start" else -5)
            end = p.x - 2 if p.anchor == "start" else p.x + 2
            parts.append(
                f'<line x1="{start:.1f}" y1="{p.label.y:.1f}" x2="{end:.1f}" y2="{p.centre:.1f}" '
                'class="leader" stroke="#8c959f" stroke-width="0.8"/>'
            )
        parts.append(text(p.x, p.centre + 0.35 * size, p.text, anchor=p.anchor, size=size, cls=cls))
    return parts
