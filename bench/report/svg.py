"""A small SVG plotting vocabulary: a frame with linear or log axes, nice ticks, and escaped text.

The report inlines every chart as an ``<svg>`` element, so it needs no network, no JavaScript and no
plotting package. Coordinates are in CSS pixels; charts scale with ``viewBox``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

__all__ = [
    "PALETTE",
    "Frame",
    "clip_text",
    "colour",
    "colour_map",
    "fmt_tick",
    "log_ticks",
    "nice_ticks",
    "text",
    "text_width",
]

log = logging.getLogger(__name__)

#: Twenty colours for systems, in the order they are handed out: Okabe–Ito first (distinguishable with
#: colour-vision deficiency; yellow and sky blue left out), then Tableau 10/20 and Kelly's colours chosen so that
#: any two differ by CIE76 ΔE ≥ 24 and none is too pale to see on white (L* ≤ 82)
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#000000",
    "#E15759",
    "#76B7B2",
    "#FF9DA7",
    "#9C755F",
    "#BAB0AC",
    "#A1CAF1",
    "#C2B280",
    "#604E97",
    "#882D17",
    "#8DB600",
    "#2B3D26",
    "#FFBE7D",
    "#8CD17D",
    "#B6992D",
)

#: Width of an average character in em, a little wider than real sans-serif text so estimates err on the safe side
CHAR_EM = 0.62


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def colour_map(names: Sequence[str]) -> dict[str, str]:
    """A fixed colour per name (so a system keeps its colour in every chart), by first appearance."""
    unique = list(dict.fromkeys(names))
    if len(unique) > len(PALETTE):
        log.warning(
            "%d systems but %d distinct chart colours: colours repeat from system %d (%s) on; the charts' "
            "labels tell them apart — compare fewer systems per report to avoid it",
            len(unique),
            len(PALETTE),
            len(PALETTE) + 1,
            unique[len(PALETTE)],
        )
    return {name: colour(i) for i, name in enumerate(unique)}


def text_width(content: str, size: float) -> float:
    """Estimated rendered width of ``content`` at font ``size`` (px), erring wide."""
    return len(content) * size * CHAR_EM


def clip_text(content: str, size: float, width: float) -> str:
    """``content`` cut with an ellipsis so that its estimated width fits ``width``."""
    if text_width(content, size) <= width:
        return content
    keep = max(1, int(width / (size * CHAR_EM)) - 1)
    return content[:keep] + "…"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values (1, 2, 2.5 or 5 × 10^k steps) covering [low, high]."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(k * step, 10) for k in range(first, max(last, first + 1) + 1)]


def log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten (and 2×, 5× when the range is under two decades) covering [low, high]."""
    lo, hi = math.floor(math.log10(low)), math.ceil(math.log10(high))
    mults = (1, 2, 5) if hi - lo <= 2 else (1,)
    return [m * 10.0**e for e in range(lo, hi + 1) for m in mults if low <= m * 10.0**e <= high] or [low, high]


def fmt_tick(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}"


def text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = 12,
    cls: str = "",
    weight: str | None = None,
    rotate: bool = False,
) -> str:
    """An escaped ``<text>`` element."""
    attrs = f'x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
    if cls:
        attrs += f' class="{cls}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if rotate:
        attrs += f' transform="rotate(-90 {x:.1f} {y:.1f})"'
    return f"<text {attrs}>{escape(content)}</text>"


@dataclass
class Frame:
    """A plotting area inside a ``width`` × ``height`` SVG with axes from (x0, x1) and (y0, y1)."""

    width: int
    height: int
    x0: float
    x1: float
    y0: float
    y1: float
    left: int = 56
    right: int = 16
    top: int = 28
    bottom: int = 44
    log_x: bool = False
    parts: list[str] = field(default_factory=list)

    def x(self, value: float) -> float:
        lo, hi, v = self.x0, self.x1, value
        if self.log_x:
            lo, hi, v = math.log10(lo), math.log10(hi), math.log10(max(value, 1e-12))
        span = (hi - lo) or 1.0
        return self.left + (v - lo) / span * (self.width - self.left - self.right)

    def y(self, value: float) -> float:
        span = (self.y1 - self.y0) or 1.0
        return self.height - self.bottom - (value - self.y0) / span * (self.height - self.top - self.bottom)

    def add(self, element: str) -> None:
        self.parts.append(element)

    def axes(self, xlabel: str, ylabel: str, xticks: list[float], yticks: list[float]) -> None:
        """Grid lines, tick labels and axis titles."""
        for t in yticks:
            y = self.y(t)
            self.add(f'<line x1="{self.left}" x2="{self.width - self.right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
            self.add(text(self.left - 6, y + 4, fmt_tick(t), anchor="end", size=11, cls="tick"))
        for t in xticks:
            x = self.x(t)
            self.add(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{self.top}" y2="{self.height - self.bottom}" class="grid"/>')
            self.add(text(x, self.height - self.bottom + 16, fmt_tick(t), anchor="middle", size=11, cls="tick"))
        base = self.height - self.bottom
        self.add(f'<line x1="{self.left}" x2="{self.width - self.right}" y1="{base}" y2="{base}" class="axis"/>')
        self.add(text((self.left + self.width - self.right) / 2, self.height - 8, xlabel, anchor="middle", cls="label"))
        self.add(text(14, (self.top + base) / 2, ylabel, anchor="middle", cls="label", rotate=True))

    def render(self, title: str, description: str) -> str:
        """The ``<svg>`` element, with a ``<title>`` and ``<desc>`` for screen readers."""
        return (
            f'<svg class="chart" viewBox="0 0 {self.width} {self.height}" width="{self.width}" '
            f'height="{self.height}" role="img" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(title)}</title><desc>{escape(description)}</desc>" + "".join(self.parts) + "</svg>"
        )
