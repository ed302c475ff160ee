"""Every subcommand's --help prints (argparse expands % in help texts: a stray one is a crash)."""

import pytest

from bench.cli import COMMANDS, main


@pytest.mark.parametrize("command", [c.replace("_", "-") for c in COMMANDS])
def test_help_prints_and_exits_0(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: bench {command}") and len(out.splitlines()) > 3
