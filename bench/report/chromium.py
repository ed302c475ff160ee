"""Render a report in a real headless browser (Debian's chromium): its DOM after scripts ran, and a
screenshot. Used by the render test and ``scripts/check_report_render.py``; networking is switched off
as far as chromium's flags allow, so a report that needed the network would show it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench.errors import RunError

__all__ = ["Rendered", "dump_dom", "find_chromium", "render"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)


def find_chromium() -> str | None:
    """The path of a chromium/chrome executable on PATH, or None."""
    for name in _NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass(frozen=True)
class Rendered:
    """What the browser made of a page: the serialised DOM and the screenshot file."""

    dom: str
    screenshot: Path


def _browser() -> str:
    browser = find_chromium()
    if browser is None:
        raise RunError("no chromium found on PATH; install it (Debian: apt-get install chromium)")
    return browser


def _run(browser: str, args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        cmd = [browser, *_FLAGS, f"--user-data-dir={profile}", *args]
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RunError(f"{browser}: did not finish rendering within {timeout:g} s") from None


def dump_dom(html: Path, *, fragment: str = "", timeout: float = 120) -> str:
    """The DOM of ``html`` (opened at ``#fragment`` when given) after its scripts ran, as chromium serialises it."""
    browser = _browser()
    url = html.resolve().as_uri() + (f"#{quote(fragment, safe='=')}" if fragment else "")
    dom = _run(browser, ["--dump-dom", url], timeout)
    if dom.returncode != 0 or "<html" not in dom.stdout:
        raise RunError(f"{browser} --dump-dom {url} failed (exit {dom.returncode}): {dom.stderr.strip()[-400:]}")
    return dom.stdout


def render(html: Path, screenshot: Path, *, width: int = 1280, height: int = 2000, timeout: float = 120) -> Rendered:
    """Load ``html`` in headless chromium; return its DOM and write a ``width`` × ``height`` PNG."""
    dom = dump_dom(html, timeout=timeout)
    browser = _browser()
    url = html.resolve().as_uri()
    shot = _run(browser, [f"--screenshot={screenshot}", f"--window-size={width},{height}", url], timeout)
    if shot.returncode != 0 or not screenshot.exists():
        raise RunError(f"{browser} --screenshot {url} failed (exit {shot.returncode}): {shot.stderr.strip()[-400:]}")
    return Rendered(dom, screenshot)
