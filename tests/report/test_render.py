"""The report rendered by a real headless browser (Debian's chromium): the DOM a reader gets, and a
screenshot. Skipped only where chromium is not installed (CI installs it)."""

import re
import struct

import pytest

from bench.config import load_config
from bench.run.execute import execute
from bench.report import write_report
from bench.report.chromium import find_chromium, render

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(find_chromium() is None,
                                 reason="chromium not installed (Debian: apt-get install chromium)")]


def test_report_renders_in_headless_chromium(tmp_path, small_config):
    run_dir = execute(load_config(small_config), output_root=tmp_path / "results").run_dir
    html = write_report(run_dir)
    shot = tmp_path / "report.png"
    rendered = render(html, shot, width=1280, height=2000)
    dom = rendered.dom
    for target in ("headline", "standfirst"):
        table = re.search(rf'<table class="board" id="leaderboard-{target}">(.*?)</table>', dom, re.S)
        assert table and len(re.findall(r"<tr", table.group(1))) == 3
    assert len(re.findall(r'<svg class="chart"', dom)) == 5
    assert len(re.findall(r'<details class="article"', dom)) == 3
    assert "Council approves new bridge over river" in dom
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes
