"""The report's SVG charts: tick choice, binning, and what each chart draws (checked on hand-made data)."""

import xml.etree.ElementTree as ET

import pytest

from bench.report.plots import SpeedPoint, distribution_chart, length_bins, length_chart, speed_chart
from bench.report.svg import colour_map, log_ticks, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # every chart is well-formed XML


def test_nice_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 10.4) == [0, 2.5, 5, 7.5, 10, 12.5]
    assert nice_ticks(3, 62) == [0, 20, 40, 60, 80]
    assert nice_ticks(5, 5) == [5, 5.2, 5.4, 5.6, 5.8, 6]  # an empty range is widened to one unit


def test_log_ticks():
    assert log_ticks(1, 1000) == [1, 10, 100, 1000]
    assert log_ticks(1, 100) == [1, 2, 5, 10, 20, 50, 100]


def test_length_bins_by_hand():
    # lengths 1..30, five articles each scoring length/100: width ceil(30/15) = 2 words per bin
    points = [(n, n / 100) for n in range(1, 31) for _ in range(5)]
    bins = length_bins(points)
    assert len(bins) == 15
    assert bins[0] == pytest.approx((1.5, 0.015, 10))  # lengths 1 and 2
    assert bins[-1] == pytest.approx((29.5, 0.295, 10))
    assert length_bins([(3, 0.1)] * 4) == []  # fewer than 5 articles: not drawn


def test_distribution_chart_draws_each_nonempty_bin():
    root = parse(distribution_chart({"A": [0.0, 0.02, 0.5, 0.51], "B": [1.0]}, "rouge1", "headline"))
    titles = [r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect")]
    assert titles == ["0–5: 50.0% of articles", "50–55: 50.0% of articles", "95–100: 100.0% of articles"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "mean 25.8" in texts and "mean 100.0" in texts and "A" in texts and "B" in texts


def test_length_chart_lines_and_reference():
    points = {"A": [(4, 0.2)] * 5 + [(10, 0.4)] * 5, "B": [(6, 0.1)] * 6}
    root = parse(length_chart(points, "rouge1", "headline", reference_median=5))
    assert len(list(root.iter(f"{SVG}path"))) == 2
    tips = [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle")]
    assert "A: 4 words, mean 20.0 over 5 articles" in tips and "B: 6 words, mean 10.0 over 6 articles" in tips
    assert "real headlines: median 5 words" in [t.text for t in root.iter(f"{SVG}text")]


def test_speed_chart_marks_targets_and_lists_unmeasured_systems():
    points = [
        SpeedPoint("fast", "headline", 2000.0, 0.30),
        SpeedPoint("fast", "standfirst", 1500.0, 0.20),
        SpeedPoint("cached", "headline", None, 0.25),
    ]
    root = parse(speed_chart(points, "rouge1"))
    assert [c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle")] == [
        "fast · headline: 30.00 at 2000 articles/s"
    ]
    rect_tips = [r.find(f"{SVG}title") for r in root.iter(f"{SVG}rect")]
    assert [t.text for t in rect_tips if t is not None] == ["fast · standfirst: 20.00 at 1500 articles/s"]
    assert "speed not measured (all cached): cached" in [t.text for t in root.iter(f"{SVG}text")]


def test_speed_chart_without_any_speed_says_why():
    svg = speed_chart([SpeedPoint("a", "headline", None, 0.2)], "rouge1")
    assert "no speed was measured in this run" in svg and "--no-cache" in svg


def test_names_are_escaped_and_colours_fixed():
    svg = distribution_chart({"<b>x</b> & y": [0.3]}, "rouge1", "headline")
    parse(svg)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in svg and "<b>" not in svg
    assert colour_map(["a", "b", "a"]) == {"a": "#0072B2", "b": "#E69F00"}
