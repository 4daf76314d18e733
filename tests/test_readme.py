"""The README and docs/ stay true: their examples run, every command is documented, and the
command reference (docs/commands.md) is what docs/make_commands.py makes from the help texts now."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from interview_srs.cli import cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text("utf-8")
DOCS = "\n".join(path.read_text("utf-8") for path in sorted((REPO / "docs").glob("*.md")))


def console_examples() -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", README + DOCS, re.DOTALL)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ srs ")]


@pytest.mark.parametrize("command", console_examples())
def test_readme_example_runs(command, monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, shlex.split(command)[1:])
    assert result.exit_code == 0, result.output


def test_readme_has_examples():
    assert len(console_examples()) >= 2


def test_every_command_and_option_is_documented():
    for name, command in cli.commands.items():
        assert f"`srs {name}" in DOCS, f"srs {name} is missing from docs/"
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert option in DOCS, f"srs {name} {option} is missing from docs/"


def test_the_readme_is_one_page_and_its_links_lead_somewhere():
    assert len(README.encode("utf-8")) <= 12 * 1024
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README + DOCS):
        assert (REPO / target).exists() or (REPO / "docs" / target).exists(), target


def test_the_two_setup_commands_come_first():
    first_blocks = re.findall(r"<!-- (build|test)-command -->\n```bash\n(.+?)\n```", README)
    assert [kind for kind, _ in first_blocks] == ["build", "test"]
    first_step = first_blocks[0][1]  # a user's first step: install, then get the decks
    assert first_step.startswith("python3 -m venv .venv && .venv/bin/pip install -q . && ")
    assert first_step.split(" && ")[-1].startswith(".venv/bin/srs decks")
    # Windows PowerShell 5.1 has no `&&`: one command a line works in it, PowerShell 7 and cmd.
    windows = dict(re.findall(r"<!-- (build|test)-command-windows -->\n```bat\n(.+?)\n```", README, re.DOTALL))
    assert windows["build"] == first_step.replace("python3 -m venv", "py -m venv").replace(
        ".venv/bin/", ".venv\\Scripts\\").replace("--out anki-decks", '--out "anki-decks"').replace(" && ", "\n")
    assert windows["test"] == first_blocks[1][1].replace("python3 -m venv", "py -m venv").replace(
        ".venv/bin/", ".venv\\Scripts\\").replace("'", '"').replace(" && ", "\n")
    assert not any("&&" in block or ";" in block for block in windows.values())
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert "test-command" in ci and os.access(REPO / ".ci" / "run", os.X_OK)


def test_the_command_reference_is_current():
    spec = importlib.util.spec_from_file_location("make_commands", REPO / "docs" / "make_commands.py")
    make_commands = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_commands)
    assert (REPO / "docs" / "commands.md").read_text("utf-8") == make_commands.commands_markdown(), (
        "docs/commands.md is out of date: run `python docs/make_commands.py`"
    )
