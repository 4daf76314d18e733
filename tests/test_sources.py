"""Where the cards come from: --cards, a checkout's cards/, or the bundled bank plus your own."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from interview_srs.bank.load import load_bank
from interview_srs.cli import cli
from interview_srs.bank.card_paths import card_files
from interview_srs.bank.load import listed_card_files
from interview_srs.bank.sources import CardSources, bundled, is_checkout, resolve, stat_card_files

from conftest import REPO, XHS_YAML, write_file


def checkout(folder: Path, name: str = "interview-srs") -> Path:
    write_file(folder / "pyproject.toml", f'[project]\nname = "{name}"\nversion = "1"\n')
    write_file(folder / "cards" / "x.yaml", XHS_YAML)
    return folder


def test_given_cards_win(tmp_path):
    assert resolve(tmp_path / "mine", tmp_path / "home", cwd=checkout(tmp_path / "repo")) == CardSources(
        (tmp_path / "mine",), "given"
    )


def test_a_checkout_reviews_its_own_cards(tmp_path):
    repo = checkout(tmp_path / "repo")
    assert is_checkout(repo) and is_checkout(REPO)
    assert resolve(None, tmp_path / "home", cwd=repo) == CardSources((repo / "cards",), "checkout")


@pytest.mark.parametrize("pyproject", ['[project]\nname = "other"\n', "not toml ["])
def test_another_project_with_a_cards_folder_is_not_a_checkout(tmp_path, pyproject):
    repo = checkout(tmp_path / "repo")
    (repo / "pyproject.toml").write_text(pyproject, "utf-8")
    assert not is_checkout(repo)
    assert resolve(None, tmp_path / "home", cwd=repo).mode == "installed"


def test_elsewhere_the_bundled_bank_plus_your_own_cards(tmp_path):
    home = tmp_path / "home"
    bank = bundled("cards")
    assert bank is not None and sorted(p.name for p in bank.glob("*.yaml")) == sorted(
        p.name for p in (REPO / "cards").glob("*.yaml")
    )
    assert resolve(None, home, cwd=tmp_path).folders == (bank,)  # no cards/ of your own yet
    (home / "cards").mkdir(parents=True)
    sources = resolve(None, home, ("~/more", "extra", "/abs/cards"), cwd=tmp_path)
    assert sources.folders == (bank, home / "cards", Path("~/more").expanduser(), home / "extra", Path("/abs/cards"))
    assert sources.owns(str(home / "cards" / "a.yaml")) and not sources.owns(str(tmp_path / "x.yaml"))
    assert sources.owns("/old/venv/lib/python3.11/site-packages/interview_srs/bank/cards/ant.yaml")


def test_your_own_cards_are_reviewed_with_the_bank_from_any_folder(tmp_path, monkeypatch, utc):
    home = tmp_path / "home"
    write_file(
        home / "cards" / "mine.yaml",
        XHS_YAML.replace("面试::小红书::客服", "面试::我的").replace("xhs-abusive-user", "my-own-card")
        .replace("用户私信辱骂客服", "我自己的甲乙丙丁题"),
    )
    monkeypatch.chdir(tmp_path)
    env = {"SRS_HOME": str(home), "SRS_NOW": "2025-03-01T10:00:00+00:00", "LANG": "en_US.UTF-8", "LC_ALL": None}
    result = CliRunner().invoke(cli, ["search", "甲乙丙丁"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output == "1 card match “甲乙丙丁”:\n  my-own-card  面试::我的  我自己的甲乙丙丁题，你怎么办？\n"
    bank_cards = sum(1 for _, card in load_bank(REPO / "cards").cards() if not card.retired)  # retired: never reviewed
    review = CliRunner().invoke(cli, ["review", "--new", "0"], env=env, input="q\n")
    assert review.exit_code == 0
    assert f"New cards not seen yet: {bank_cards + 1} " in review.output  # the bank's and yours


def test_your_card_may_not_reuse_a_bank_id(tmp_path, monkeypatch):
    home = tmp_path / "home"
    write_file(home / "cards" / "mine.yaml", XHS_YAML.replace("面试::小红书::客服", "面试::我的"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["search", "x"], env={"SRS_HOME": str(home)})
    assert result.exit_code == 1
    assert "card xhs-abusive-user: id: duplicate id 'xhs-abusive-user'" in result.output


def test_card_file_listing_matches_the_card_loader(tmp_path):
    """The store's sync lists the files it stats as the loader lists the files it reads."""
    write_file(tmp_path / "a.yaml", "x: 1")
    write_file(tmp_path / "sub" / "b.yml", "x: 1")
    write_file(tmp_path / "c.txt", "x: 1")
    write_file(tmp_path / "d.YAML.bak", "x: 1")
    assert [file.path for file in stat_card_files((tmp_path,)).values()] == card_files(tmp_path)
    assert listed_card_files(tmp_path) == card_files(tmp_path)
