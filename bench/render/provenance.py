"""Where numbers came from, in words, from a run's manifest: machine, command, date, commit."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from typing import Any

__all__ = ["machine_text", "command_text", "when_text", "commit_text"]


def machine_text(manifest: dict[str, Any]) -> str:
    """'AMD EPYC 7B13 (2 CPUs); NVIDIA H200' from the manifest's device entry."""
    device = manifest.get("device") or {}
    parts = []
    if device.get("cpu"):
        parts.append(f"{device['cpu']} ({device.get('cpu_count') or '?'} CPUs)")
    if device.get("cuda"):
        parts.append(", ".join(device["cuda"]))
    return "; ".join(parts) or "unknown"


def command_text(manifest: dict[str, Any]) -> str:
    command = manifest.get("command") or []
    return shlex.join(str(c) for c in command) if isinstance(command, list) else str(command)


def when_text(manifest: dict[str, Any]) -> str:
    """'2026-11-28 18:15 UTC (took 8 s)' from the manifest's start and end times."""
    try:
        start = datetime.fromisoformat(manifest["started"])
        end = datetime.fromisoformat(manifest["finished"])
    except (KeyError, TypeError, ValueError):
        return str(manifest.get("started", "unknown"))
    took = (end - start).total_seconds()
    span = f"{took:.0f} s" if took < 120 else f"{took / 60:.0f} min" if took < 7200 else f"{took / 3600:.1f} h"
    return f"{start.astimezone(UTC):%Y-%m-%d %H:%M} UTC (took {span})"


def commit_text(manifest: dict[str, Any]) -> str:
    git = manifest.get("git") or {}
    return (git.get("commit") or "unknown") + (" (uncommitted changes)" if git.get("dirty") else "")
