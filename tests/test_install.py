"""The installed package works anywhere: build the wheel, install it into a fresh virtual
environment, and use `srs` from an empty folder (no checkout, no PYTHONPATH)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, XHS_YAML, write_file

SHIPPED = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", "cards", "decks")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The `bin` folder of a fresh virtual environment with the built wheel installed."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    source.mkdir()
    for name in SHIPPED:  # a copy, so the build leaves nothing behind in the checkout
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(REPO / name, source / name)
    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    wheels = work / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    # The project's wheel, plus its dependencies' wheels (from pip's cache or local wheels).
    # --use-pep517: jieba ships only a setup.py, which an older pip (Debian's 23.0) would run
    # directly and fail on without the `wheel` package; an isolated build fetches what it needs.
    built = subprocess.run([*pip, "wheel", "--use-pep517", "-q", "-w", wheels, source], capture_output=True,
                           text=True, env=clean_env)
    assert built.returncode == 0, built.stderr[-3000:]
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    placed = subprocess.run(
        [*pip, "--python", python, "install", "-q", "--no-index", "--find-links", wheels, "interview-srs"],
        capture_output=True, text=True, env=clean_env,
    )
    assert placed.returncode == 0, placed.stderr[-3000:]
    return python.parent


def srs(bin_dir: Path, folder: Path, *args: str, keys: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LC_ALL", "LC_MESSAGES", "SRS_HOME")}
    env.update(SRS_HOME=str(folder / "home"), SRS_NOW="2026-03-02T09:00:00+08:00", LANG="en_US.UTF-8")
    return subprocess.run(
        [bin_dir / "srs", *args], cwd=folder, env=env, input=keys, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow("builds the wheel and installs it with its dependencies into a fresh virtual environment")
def test_the_wheel_ships_the_bank_and_srs_works_from_an_empty_folder(installed, tmp_path):
    wheel = next((installed.parent.parent / "wheels").glob("interview_srs-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            Path(name).name for name in archive.namelist() if "/bank/cards/" in name or "/bank/decks/" in name
        }
    assert shipped == {p.name for p in (REPO / "cards").glob("*.yaml")} | {
        p.name for p in (REPO / "decks").glob("*.apkg")
    }

    folder = tmp_path / "anywhere"
    folder.mkdir()
    first_file = sorted((REPO / "cards").glob("*.yaml"))[0]
    first_question = next(
        line.split("question: ", 1)[1] for line in first_file.read_text("utf-8").splitlines() if "question: " in line
    )

    stats = srs(installed, folder, "stats")
    assert stats.returncode == 0, stats.stderr
    assert not (folder / "home").exists()  # looking does not create a store

    review = srs(installed, folder, "review", keys=" \n3\nq\n")
    assert review.returncode == 0, review.stderr
    assert first_question in review.stdout
    assert "Reviews: 1 in " in review.stdout

    stats = srs(installed, folder, "stats")
    assert stats.returncode == 0 and "Reviews in the last 30 days" in stats.stdout

    decks = srs(installed, folder, "decks")
    assert decks.returncode == 0, decks.stderr
    assert decks.stdout.splitlines()[:3] == [
        f"Wrote {len(shipped) - len(list((REPO / 'cards').glob('*.yaml')))} Anki packages to ..",
        "Import into Anki (File > Import, or open the file):",
        "  every question:  interview-srs-all.apkg",
    ]
    assert (folder / "interview-srs-all.apkg").is_file()

    assert srs(installed, folder, "--version").stdout.startswith("srs, version ")
    bare = srs(installed, folder)
    assert bare.returncode == 0 and "Start with `srs review`" in bare.stdout


@pytest.mark.slow("builds the wheel and installs it with its dependencies into a fresh virtual environment")
def test_the_personal_package_holds_the_installed_bank_and_your_own_cards(installed, tmp_path):
    folder = tmp_path / "anywhere"
    write_file(folder / "home" / "cards" / "mine.yaml", XHS_YAML.replace("面试::小红书::客服", "面试::我的")
               .replace("xhs-abusive-user", "my-own-card"))
    write_file(folder / "home" / "answers" / "my-own-card.md", "我的回答\n")
    bank_cards = sum(p.read_text("utf-8").count("\n  - id: ") for p in (REPO / "cards").glob("*.yaml"))

    result = srs(installed, folder, "build", "--answers", "--out", "personal")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"{folder / 'personal' / 'interview-srs-personal.apkg'}  {bank_cards + 1} cards, 1 with your answer  written"
    )
