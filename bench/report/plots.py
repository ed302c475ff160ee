"""The report's charts as inline SVG: score distributions, length vs ROUGE, quality vs speed.

Inputs are plain lists (scores in [0, 1], shown ×100), so each chart is testable without a run.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from bench.report.labels import PointLabel, column_height, labels_svg, place_labels
from bench.report.svg import Frame, clip_text, colour_map, log_ticks, nice_ticks, text, text_width

__all__ = ["SpeedPoint", "distribution_chart", "length_bins", "length_chart", "name_margin", "speed_chart"]

_BINS = 20  # histogram bins over 0–100


def name_margin(names: Sequence[str], size: int, low: int = 110, high: int = 260) -> int:
    """A margin (px) wide enough for the longest of ``names`` at font ``size``, within [low, high]."""
    widest = max((text_width(n, size) for n in names), default=0.0)
    return int(min(high, max(low, math.ceil(widest) + 18)))


def distribution_chart(
    values: Mapping[str, Sequence[float]], metric: str, target: str, colours: Mapping[str, str] | None = None
) -> str:
    """One histogram row per system (share of articles per 5-point F1 bin), its mean marked. Each row keeps a
    band above its bars for the mean's label, so labels meet neither bars nor each other."""
    systems = [s for s, v in values.items() if v]
    colours = colours or colour_map(systems)
    row_h, width, band = 54, 760, 16
    left = name_margin(systems, 12)
    frame = Frame(width, 40 + row_h * max(1, len(systems)) + 44, 0, 100, 0, 1, left=left, top=40)
    shares = {s: _histogram(values[s]) for s in systems}
    peak = max((max(h) for h in shares.values()), default=1.0) or 1.0
    bar_w = frame.x(100 / _BINS) - frame.x(0)
    for i, system in enumerate(systems):
        row_top = frame.top + row_h * i
        base = row_top + row_h - 6
        frame.add(f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{base}" y2="{base}" class="axis"/>')
        frame.add(text(frame.left - 8, base - 8, clip_text(system, 12, left - 12), anchor="end", size=12, cls="series"))
        for b, share in enumerate(shares[system]):
            if share <= 0:
                continue
            h = (base - row_top - band) * share / peak
            frame.add(
                f'<rect x="{frame.x(b * 100 / _BINS) + 0.5:.1f}" y="{base - h:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{h:.1f}" fill="{colours[system]}" opacity="0.8"><title>{b * 5}–{b * 5 + 5}: '
                f"{100 * share:.1f}% of articles</title></rect>"
            )
        mean = 100 * statistics.fmean(values[system])
        x = frame.x(mean)
        label = f"mean {mean:.1f}"
        frame.add(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{row_top + 4}" y2="{base}" class="mean"/>')
        room = width - frame.right - (x + 4)
        anchor, lx = ("start", x + 4) if text_width(label, 11) <= room else ("end", x - 4)
        frame.add(text(lx, row_top + 13, label, anchor=anchor, size=11, cls="note mean-label"))
    for t in nice_ticks(0, 100):
        frame.add(text(frame.x(t), frame.height - frame.bottom + 16, f"{t:g}", anchor="middle", size=11, cls="tick"))
    frame.add(
        text(
            (frame.left + width - frame.right) / 2,
            frame.height - 10,
            f"{metric} F1 ×100 per article",
            anchor="middle",
            cls="label",
        )
    )
    frame.add(text(frame.left, 20, f"Distribution of per-article {metric} F1 — {target}", size=13, weight="600"))
    return frame.render(
        f"{metric} F1 distribution, {target}",
        "Histogram per system of the share of articles in each 5-point F1 bin; a line marks the mean.",
    )


def _histogram(values: Sequence[float]) -> list[float]:
    counts = [0] * _BINS
    for v in values:
        counts[min(_BINS - 1, max(0, int(100 * v // (100 / _BINS))))] += 1
    return [c / len(values) for c in counts]


def length_bins(points: Sequence[tuple[int, float]], min_count: int = 5) -> list[tuple[float, float, int]]:
    """(bin centre in words, mean F1, articles) for bins of equal width holding ≥ ``min_count`` articles."""
    if not points:
        return []
    lengths = [p[0] for p in points]
    lo, hi = min(lengths), max(lengths)
    width = max(1, math.ceil((hi - lo + 1) / 15))
    groups: dict[int, list[float]] = {}
    for length, score in points:
        groups.setdefault((length - lo) // width, []).append(score)
    return [
        (lo + k * width + (width - 1) / 2, statistics.fmean(v), len(v))
        for k, v in sorted(groups.items())
        if len(v) >= min_count
    ]


def length_chart(
    points: Mapping[str, Sequence[tuple[int, float]]],
    metric: str,
    target: str,
    reference_median: float | None = None,
    colours: Mapping[str, str] | None = None,
) -> str:
    """Mean per-article F1 by prediction length (words), one line per system; the references'
    median length dashed."""
    colours = colours or colour_map(list(points))
    few = sum(len(p) for p in points.values()) < 100 * max(1, len(points))  # a small run: draw every length
    series = {s: length_bins(p, min_count=1 if few else 5) for s, p in points.items()}
    series = {s: b for s, b in series.items() if b}
    xs = [b[0] for bins in series.values() for b in bins] + ([reference_median] if reference_median else [])
    ys = [100 * b[1] for bins in series.values() for b in bins]
    x_ticks = nice_ticks(min(xs, default=0), max(xs, default=1))
    y_ticks = nice_ticks(0, max(ys, default=1))
    height = max(340, 40 + 16 + 18 * len(series) + 8)  # room for the key, one line per system
    right = name_margin(list(series), 12, low=150, high=260)
    frame = Frame(760, height, x_ticks[0], x_ticks[-1], 0, y_ticks[-1], top=40, right=right)
    frame.axes("prediction length (words)", f"mean {metric} F1 ×100", x_ticks, y_ticks)
    if reference_median:
        x = frame.x(reference_median)
        bottom = frame.height - frame.bottom
        frame.add(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{frame.top}" y2="{bottom}" class="ref"/>')
        note = f"real {target}s: median {reference_median:g} words"
        fits = x + 4 + text_width(note, 11) <= frame.width - frame.right
        frame.add(
            text(x + 4 if fits else x - 4, frame.top + 12, note, anchor="start" if fits else "end", size=11, cls="note")
        )
    for i, (system, bins) in enumerate(series.items()):
        _length_series(frame, i, system, bins, colours[system], right)
    note = "every bin" if few else "bins with ≥ 5 articles"
    title = f"Length vs {metric} — {target} (mean per length bin, {note}; dot size ~ articles)"
    frame.add(text(frame.left, 20, title, size=13, weight="600"))
    return frame.render(
        f"Prediction length vs {metric}, {target}", "Mean per-article F1 of each system by prediction length in words."
    )


def _length_series(
    frame: Frame, i: int, system: str, bins: Sequence[tuple[float, float, int]], colour: str, right: int
) -> None:
    """One system's line, a dot per bin (sized by its articles) and its line in the key."""
    path = " ".join(f"{'L' if j else 'M'}{frame.x(c):.1f},{frame.y(100 * m):.1f}" for j, (c, m, _) in enumerate(bins))
    frame.add(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for c, m, n in bins:
        tip = f"{escape(system)}: {c:g} words, mean {100 * m:.1f} over {n} articles"
        frame.add(
            f'<circle cx="{frame.x(c):.1f}" cy="{frame.y(100 * m):.1f}" r="{2 + min(4, math.log10(n)):.1f}" '
            f'fill="{colour}"><title>{tip}</title></circle>'
        )
    key_y = frame.top + 16 + 18 * i
    frame.add(text(frame.width - frame.right + 10, key_y, clip_text(system, 12, right - 14), size=12, cls="series"))
    frame.add(f'<rect x="{frame.width - frame.right - 2}" y="{key_y - 9}" width="8" height="8" fill="{colour}"/>')


@dataclass(frozen=True)
class SpeedPoint:
    system: str
    target: str
    articles_per_s: float | None
    f1: float


def speed_chart(points: Sequence[SpeedPoint], metric: str, colours: Mapping[str, str] | None = None) -> str:
    """Mean F1 against articles/s (log scale), one dot per system × target, each labelled with its system without
    labels overlapping (moved ones get a leader line); unmeasured speeds listed."""
    colours = colours or colour_map([p.system for p in points])
    measured = [p for p in points if p.articles_per_s]
    missing = sorted({p.system for p in points if not p.articles_per_s})
    if not measured:
        frame = Frame(760, 90, 0, 1, 0, 1)
        frame.add(
            text(
                20,
                40,
                "Quality vs speed: no speed was measured in this run — every prediction came from "
                "the cache. Run with --no-cache to time the systems.",
                size=13,
                cls="note",
            )
        )
        return frame.render("Quality vs speed", "No speed measured.")
    speeds = [p.articles_per_s for p in measured]
    lo, hi = 10 ** math.floor(math.log10(min(speeds))), 10 ** math.ceil(math.log10(max(speeds)))
    if lo == hi:
        lo, hi = lo / 10, hi * 10
    y_ticks = nice_ticks(0, max(100 * p.f1 for p in measured))
    top, bottom, size = (76 if missing else 58), 44, 11
    height = max(340, top + bottom + math.ceil(column_height(len(measured), size)) + 8)
    frame = Frame(760, height, lo, hi, 0, y_ticks[-1], log_x=True, top=top, right=150)
    frame.axes("articles per second (log scale)", f"{metric} F1 ×100", log_ticks(lo, hi), y_ticks)
    targets = list(dict.fromkeys(p.target for p in points))
    wanted = []
    for p in measured:
        x, y, c = frame.x(p.articles_per_s), frame.y(100 * p.f1), colours[p.system]
        frame.add(
            _marker(
                x,
                y,
                c,
                targets.index(p.target) == 0,
                f"{p.system} · {p.target}: {100 * p.f1:.2f} at {p.articles_per_s:g} articles/s",
            )
        )
        wanted.append(PointLabel(x, y, p.system))
    placed = place_labels(wanted, size, frame.top, frame.height - frame.bottom, frame.width - 4)
    for part in labels_svg(placed, size):
        frame.add(part)
    _speed_header(frame, metric, targets, missing)
    return frame.render("Quality vs speed", f"Mean {metric} F1 of each system and target against articles per second.")


def _marker(x: float, y: float, fill: str, circle: bool, tip: str) -> str:
    """A dot (first target) or a square (second target) with a tooltip."""
    title = f"<title>{escape(tip)}</title>"
    if circle:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{fill}">{title}</circle>'
    return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{fill}">{title}</rect>'


def _speed_header(frame: Frame, metric: str, targets: Sequence[str], missing: Sequence[str]) -> None:
    """Title, the key to the marker shapes, and the systems whose speed was not measured, above the plot."""
    frame.add(text(frame.left, 20, f"Quality vs speed — {metric} F1 against articles/s", size=13, weight="600"))
    x = float(frame.left)
    for shape, target in zip("●■", targets):
        key = f"{shape} {target}"
        frame.add(text(x, 40, key, size=12, cls="series"))
        x += text_width(key, 12) + 18
    if missing:
        frame.add(text(frame.left, 58, "speed not measured (all cached): " + ", ".join(missing), size=11, cls="note"))
