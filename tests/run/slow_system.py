"""A test-only system kind for runs in subprocesses, and the wrapper that runs ``bench`` with it.

``slow-test`` returns the first ``words`` words of each body and appends one line per prediction it
produces to ``$SLOW_LOG`` (so a test can count what was generated, across processes). ``$SLOW_SLEEP``
seconds of sleep per ``summarize()`` call make two runs overlap; on call number ``$SLOW_HANG_AT`` it
touches ``$SLOW_READY`` and hangs until it is killed. The wrapper (``python run_bench.py PLUGIN_DIR
ARGS``) registers the kind and runs ``bench.cli.main(ARGS)``; ``$SLOW_HANG_FILE`` makes it hang just
before that file's atomic rename.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["PLUGIN", "WRAPPER", "write_corpus", "install"]

PLUGIN = """
import os, time
from dataclasses import dataclass
from bench.systems.base import System, register


@register("slow-test")
class SlowTest(System):
    @dataclass(frozen=True)
    class Config:
        words: int = 3

    calls = 0

    def summarize(self, articles, task):
        type(self).calls += 1
        time.sleep(float(os.environ.get("SLOW_SLEEP", "0")))
        if type(self).calls == int(os.environ.get("SLOW_HANG_AT", "0")):
            open(os.environ["SLOW_READY"], "w").close()
            time.sleep(600)  # killed here, mid-generation
        outputs = [" ".join(a.body.split()[: self.config.words]) for a in articles]
        with open(os.environ["SLOW_LOG"], "a") as fh:  # one line per prediction actually produced
            fh.write("".join(f"{self.name}\\t{task.target}\\t{a.id}\\n" for a in articles))
            fh.flush()
            os.fsync(fh.fileno())
        return outputs
"""

WRAPPER = """
import os, sys, time
sys.argv.pop(1)  # the workspace folder; the plugin beside this script imports (the folder of a script is searched)
import slow_plugin  # registers kind "slow-test"
from bench.cli import main

_replace = os.replace


def replace(src, dst, *args, **kwargs):  # SLOW_HANG_FILE: hang just before that file's atomic rename
    if os.path.basename(dst) == os.environ.get("SLOW_HANG_FILE"):
        open(os.environ["SLOW_READY"], "w").close()
        time.sleep(600)
    return _replace(src, dst, *args, **kwargs)


os.replace = replace
sys.exit(main(sys.argv[1:]))
"""


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a ``bench`` subprocess that imports the package under test (not another install)."""
    import bench

    code_root = str(Path(bench.__file__).resolve().parents[1])
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [code_root, os.environ.get("PYTHONPATH")]))
    return env


def write_corpus(path: Path, articles: int) -> None:
    """``articles`` distinct articles with headline, standfirst and a two-paragraph body."""
    rows = [
        {
            "id": f"n{i:03d}",
            "headline": f"Headline number {i} about topic {i % 7}",
            "standfirst": f"A standfirst for story {i}. It has two sentences.",
            "body": f"Story {i} begins with news of item {i}. The second sentence adds {i * 3} facts.\n\n"
            f"A later paragraph on topic {i % 7} closes it.",
        }
        for i in range(articles)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def install(folder: Path) -> Path:
    """Write the plugin and the wrapper into ``folder``; returns the wrapper's path."""
    (folder / "slow_plugin.py").write_text(PLUGIN)
    (folder / "run_bench.py").write_text(WRAPPER)
    return folder / "run_bench.py"
