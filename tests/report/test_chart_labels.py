"""Chart labels never overlap and system colours are far apart, checked on the SVG the charts produce.

Label boxes are estimated here, independently of the chart code: width = characters × 0.6 em, height = the font
size (0.8 em above the baseline, 0.2 em below), placed by ``text-anchor``. Colours are compared in CIE L*a*b*
computed here from sRGB (D65), with the CIE76 distance.
"""

import itertools
import math
import random
import xml.etree.ElementTree as ET

import pytest

from bench.report.plots import SpeedPoint, distribution_chart, length_chart, speed_chart
from bench.report.svg import colour_map

SVG = "{http://www.w3.org/2000/svg}"
NAMES = [
    "lead-1",
    "lead-2",
    "lead-words",
    "random-1",
    "textrank-1",
    "lexrank-1",
    "embedding-centroid-1",
    "oracle",
    "gemma-3-270m",
    "bart-large-cnn",
    "t5-small",
    "pegasus-xsum",
    "qwen2.5-0.5b",
    "llama-3.2-1b",
    "flan-t5-base",
    "distilbart-cnn",
    "smollm2-360m",
    "phi-3-mini",
    "mistral-7b",
    "gpt-4o-mini",
]


def box(element):
    """(left, top, right, bottom) of a <text> element, estimated from its attributes and characters."""
    size = float(element.get("font-size"))
    x, y, width = float(element.get("x")), float(element.get("y")), len(element.text) * 0.6 * size
    left = {"start": x, "middle": x - width / 2, "end": x - width}[element.get("text-anchor", "start")]
    return left, y - 0.8 * size, left + width, y + 0.2 * size


def rect_box(element):
    x, y = float(element.get("x")), float(element.get("y"))
    return x, y, x + float(element.get("width")), y + float(element.get("height"))


def intersect(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def overlapping(boxes):
    return [(a, b) for a, b in itertools.combinations(boxes, 2) if intersect(a[1], b[1])]


def lab(hex_colour):
    """CIE L*a*b* (D65) of an sRGB colour like '#0072B2'."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    xyz = (
        0.4124564 * r + 0.3575761 * g + 0.1804375 * b,
        0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
        0.0193339 * r + 0.1191920 * g + 0.9503041 * b,
    )
    fx, fy, fz = [
        t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
        for t in (xyz[0] / 0.95047, xyz[1] / 1.0, xyz[2] / 1.08883)
    ]
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_lab_matches_known_values():
    assert lab("#FFFFFF") == pytest.approx((100, 0, 0), abs=0.01)
    assert lab("#FF0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.05)  # sRGB red, textbook value


def test_up_to_twenty_systems_get_clearly_different_colours():
    colours = colour_map(NAMES)
    assert len(colours) == 20
    close = [
        (a, b, round(math.dist(lab(colours[a]), lab(colours[b])), 1))
        for a, b in itertools.combinations(NAMES, 2)
        if math.dist(lab(colours[a]), lab(colours[b])) <= 20
    ]
    assert close == []
    assert all(lab(c)[0] <= 85 for c in colours.values())  # none too pale to see on the white page


def test_the_colours_drawn_in_a_chart_are_the_distinct_ones():
    points = {n: [(5 + i, 0.1 + 0.01 * i)] * 5 for i, n in enumerate(NAMES)}
    root = ET.fromstring(length_chart(points, "rouge1", "headline"))
    strokes = [p.get("stroke") for p in root.iter(f"{SVG}path")]
    assert len(strokes) == 20
    assert min(math.dist(lab(a), lab(b)) for a, b in itertools.combinations(strokes, 2)) > 20


def test_more_systems_than_colours_warns(caplog):
    with caplog.at_level("WARNING"):
        colour_map([f"s{i}" for i in range(21)])
    assert "colours repeat from system 21 (s20)" in caplog.text


def speed_labels(svg, systems):
    root = ET.fromstring(svg)
    return root, [(t.text, box(t)) for t in root.iter(f"{SVG}text") if t.text in systems]


def markers(root):
    """(system, x, y) of every plotted point, from its tooltip."""
    found = []
    for shape in list(root.iter(f"{SVG}circle")) + list(root.iter(f"{SVG}rect")):
        if shape.find(f"{SVG}title") is None:
            continue
        system = shape.find(f"{SVG}title").text.split(" · ")[0]
        if shape.tag == f"{SVG}circle":
            found.append((system, float(shape.get("cx")), float(shape.get("cy"))))
        else:
            found.append((system, float(shape.get("x")) + 5, float(shape.get("y")) + 5))
    return found


def crowded(n=12, seed=0):
    """n systems within 0.5 ROUGE-1 and 5% of each other's speed, on two targets."""
    rnd = random.Random(seed)
    return [
        SpeedPoint(name, target, 1000 * (1 + 0.05 * rnd.random()), 0.200 + 0.005 * rnd.random())
        for name in NAMES[:n]
        for target in ("headline", "standfirst")
    ]


def test_speed_chart_labels_never_overlap_for_near_equal_systems():
    svg = speed_chart(crowded(), "rouge1")
    root, labels = speed_labels(svg, NAMES)
    assert sorted(name for name, _ in labels) == sorted(NAMES[:12] * 2)  # every point keeps its label
    assert overlapping(labels) == []
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert all(0 <= b[0] and b[2] <= width and 0 <= b[1] and b[3] <= height for _, b in labels)


def test_moved_speed_labels_have_a_leader_line_to_their_point():
    root, labels = speed_labels(speed_chart(crowded(), "rouge1"), NAMES)
    points = markers(root)
    leaders = [
        (float(ln.get("x1")), float(ln.get("y1")), float(ln.get("x2")), float(ln.get("y2")))
        for ln in root.iter(f"{SVG}line")
        if ln.get("class") == "leader"
    ]
    assert leaders
    for name, (left, top, right, bottom) in labels:
        middle = (top + bottom) / 2
        beside = any(
            s == name and abs(y - middle) <= 4 and (0 < left - x <= 12 or 0 < x - right <= 12) for s, x, y in points
        )
        led = any(
            abs(y2 - middle) <= 4
            and min(abs(x2 - left), abs(x2 - right)) <= 4
            and any(s == name and abs(x1 - x) <= 7 and abs(y1 - y) <= 1 for s, x, y in points)
            for x1, y1, x2, y2 in leaders
        )
        assert beside or led, f"label {name} at y {middle:.1f} is neither beside its point nor led to it"


@pytest.mark.parametrize("seed", range(8))
def test_speed_chart_labels_never_overlap_on_random_layouts(seed):
    rnd = random.Random(seed)
    n = rnd.randint(2, 20)
    points = [
        SpeedPoint(name, target, 10 ** rnd.uniform(0, 4), rnd.uniform(0, 0.4))
        for name in NAMES[:n]
        for target in ("headline", "standfirst")[: rnd.randint(1, 2)]
    ]
    _, labels = speed_labels(speed_chart(points, "rouge1"), NAMES)
    assert len(labels) == len(points) and overlapping(labels) == []


def test_distribution_mean_labels_clear_of_each_other_and_of_the_bars():
    rnd = random.Random(3)
    values = {name: [min(1.0, max(0.0, rnd.gauss(0.30, 0.12))) for _ in range(300)] for name in NAMES[:12]}
    values["top"] = [0.99] * 10  # a mean near 100: its label must not run off the chart
    root = ET.fromstring(distribution_chart(values, "rouge1", "headline"))
    texts = list(root.iter(f"{SVG}text"))
    means = [("mean", box(t)) for t in texts if t.text.startswith("mean ")]
    assert len(means) == 13
    others = [("text:" + t.text, box(t)) for t in texts if not t.text.startswith("mean ")]
    bars = [("bar", rect_box(r)) for r in root.iter(f"{SVG}rect")]
    assert overlapping(means) == []
    assert [(a, b) for a in means for b in others + bars if intersect(a[1], b[1])] == []
    width = float(root.get("viewBox").split()[2])
    assert all(0 <= b[0] and b[2] <= width for _, b in means + others)
