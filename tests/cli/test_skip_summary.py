"""The test run's last word on skips (tests/conftest.py): one line above pytest's final counts naming how
many tests were skipped, the Debian packages they need and the apt-get command, so a run without perl's
XML::Parser or chromium is not mistaken for a full one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, missing_package, skip_summary
from tests.report import test_render

CHROMIUM = next(m.kwargs["reason"] for m in test_render.pytestmark if m.name == "skipif")
XML_PARSER = "reference ROUGE-1.5.5.pl: perl module XML::Parser is missing (install Debian's libxml-parser-perl)"
NO_PERL = "the real ROUGE-1.5.5.pl cannot run here: perl is not installed"
NO_BBC = "shared BBC corpus not found at /x/shared/corpora/bbc-news-2004/articles.jsonl"


def test_packages_are_read_from_the_real_skip_reasons():
    assert missing_package(CHROMIUM) == "chromium"
    assert missing_package(XML_PARSER) == "libxml-parser-perl"
    assert missing_package(NO_PERL) == "libxml-parser-perl"  # which pulls in perl
    assert missing_package(NO_BBC) is None


def test_one_line_with_counts_and_the_install_command():
    line = skip_summary([XML_PARSER] * 12 + [CHROMIUM] * 2 + [NO_PERL] * 3 + [NO_BBC])
    assert line == (
        "18 tests skipped, so this is not a full run: 15 need libxml-parser-perl, 2 need chromium, "
        "1 for other reasons (-rs lists them) — install: apt-get install libxml-parser-perl chromium"
    )
    assert skip_summary([NO_BBC]) == "1 test skipped, so this is not a full run: 1 for other reasons (-rs lists them)"
    assert skip_summary([]) is None


def test_a_real_run_without_perl_and_chromium_ends_with_the_line(tmp_path: Path):
    """The real skipping tests, with perl and chromium off PATH."""
    env = dict(os.environ, PATH=str(tmp_path))  # nothing on it: no perl, no chromium
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "tests/report/test_render.py",
            "tests/metrics/test_rouge.py",
            "-k",
            "render or perl_engine_through_rouge",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    *_, line, counts = proc.stdout.strip().splitlines()
    skipped = int(re.search(r"(\d+) skipped", counts).group(1))
    perl = int(re.search(r"(\d+) needs? libxml-parser-perl", line).group(1))
    chromium = int(re.search(r"(\d+) needs? chromium", line).group(1))
    assert perl >= 1 and chromium >= 1 and perl + chromium == skipped
    assert line.startswith(f"{skipped} tests skipped, so this is not a full run: ")
    assert re.search(r" — install: apt-get install (libxml-parser-perl chromium|chromium libxml-parser-perl)$", line)
