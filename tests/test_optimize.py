"""`srs optimize`: fsrs-rs's optimizer on the review log.

The history is synthetic: cards are reviewed when a scheduler with known, non-default
parameters says they are due (a little early or late), and each answer is a recall or a lapse
drawn with the probability those parameters predict. Parameters fitted on most cards must
predict the held-out cards' answers better than fsrs's defaults.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone

import fsrs
import pytest
from click.testing import CliRunner
from conftest import review_log

from interview_srs.review import optimize
from interview_srs.cli import cli
from interview_srs.schedule.config import load_config

TRUE_PARAMETERS = (
    1.5, 4.0, 9.0, 25.0, 6.5, 0.6, 2.2, 0.01, 1.9, 0.25, 0.8, 1.6, 0.08, 0.35, 1.5, 0.3, 2.5,
    0.6, 0.3, 0.1, 0.35,
)
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def synthetic_history(cards: int, reviews_per_card: int, seed: int = 7) -> list[optimize.Review]:
    rng = random.Random(seed)
    truth = fsrs.Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False)
    history = []
    for index in range(cards):
        name = f"card-{index}"
        card = fsrs.Card(card_id=index)
        at = START + timedelta(hours=index)
        for _ in range(reviews_per_card):
            if card.last_review is None:
                rating = rng.choice([1, 3, 3, 3, 4])
            else:
                recalled = rng.random() < truth.get_card_retrievability(card, at)
                rating = rng.choice([2, 3, 3, 4]) if recalled else 1
            history.append(optimize.Review(name, rating, at, rng.randint(3_000, 20_000)))
            card, _ = truth.review_card(card, fsrs.Rating(rating), at)
            at = card.due + timedelta(hours=rng.randint(-12, 36))
    return history


def test_counted_reviews_are_those_on_a_later_day():
    at = START
    reviews = [
        optimize.Review("a", 3, at, None),
        optimize.Review("a", 3, at + timedelta(minutes=10), None),
        optimize.Review("a", 3, at + timedelta(days=1, minutes=10), None),
        optimize.Review("b", 1, at + timedelta(hours=23), None),
    ]
    assert optimize.counted_reviews(reviews) == 1


def test_fitted_parameters_predict_held_out_reviews_better_than_the_defaults():
    history = synthetic_history(cards=120, reviews_per_card=9)
    held_out = {f"card-{i}" for i in range(0, 120, 5)}
    train = [r for r in history if r.card not in held_out]
    test = [r for r in history if r.card in held_out]
    assert optimize.counted_reviews(train) >= optimize.MIN_REVIEWS

    result = optimize.fit(train, None, epochs=2, recommend=False)
    assert result.old == tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
    assert result.new != result.old
    assert len(result.new) == 21
    fsrs.Scheduler(parameters=result.new)  # py-fsrs accepts them as they are
    assert result.new_scores.log_loss < result.old_scores.log_loss  # on the training history
    fitted, default = optimize.scores(test, result.new), optimize.scores(test, result.old)
    assert fitted.log_loss < default.log_loss
    assert fitted.rmse < default.rmse


def put_history(home, history) -> None:
    """Store the synthetic answers as mock-interview answers of hidden (removed) cards."""
    conn = sqlite3.connect(home / "store.sqlite3")
    conn.executemany(
        "INSERT INTO cards (id, deck, company, role, tags, question, back, file, line, column, present, added_ms) "
        "VALUES (?, '面试', '', '', '[]', 'q', '{}', 'gone.yaml', 1, 1, 0, 0)",
        [(card,) for card in dict.fromkeys(r.card for r in history)],
    )
    rows = [(r.card, r.rating, int(r.at.timestamp() * 1000), r.duration_ms) for r in history]
    conn.executemany(
        "INSERT INTO review_log (card_id, rating, reviewed_ms, duration_ms, source, state_before, "
        "state_after, stability_after, difficulty_after, due_after_ms) VALUES (?, ?, ?, ?, 'mock', 0, 2, 1, 5, 0)",
        rows,
    )
    conn.commit()
    conn.close()


def run(home, cards_dir, *args, input=None):
    return CliRunner().invoke(cli, ["optimize", "--cards", str(cards_dir), *args], input=input, env={"SRS_HOME": str(home)})


def test_too_few_reviews_change_nothing(home, cards_dir):
    first = run(home, cards_dir)
    assert first.exit_code == 0, first.output
    assert first.output == (
        "Only 0 reviews were given on a later day than the card's previous review; fitting FSRS needs 512. "
        "Review 512 more (in the terminal, in Anki or in mock interviews), then run srs optimize again. "
        "Nothing was changed.\n"
    )
    assert (home / "config.toml").read_text("utf-8") == "fuzz = false\n"


def test_optimize_shows_both_parameter_sets_and_asks_before_writing(home, cards_dir, monkeypatch):
    (home / "config.toml").write_text("# mine\nfuzz = false\n", "utf-8")
    run(home, cards_dir)
    put_history(home, synthetic_history(cards=100, reviews_per_card=9))
    monkeypatch.setattr(optimize, "EPOCHS", 1)
    fitted = optimize.fit
    declined = run(home, cards_dir, input="n\n")
    assert declined.exit_code == 0, declined.output
    lines = declined.output.splitlines()
    assert lines[0].startswith(f"Fitted FSRS-6 to {len(review_log(home))} reviews of 100 cards (")
    assert lines[1].split() == ["old", "new"]
    assert [line.split()[0] for line in lines[2:23]] == [f"w{i}" for i in range(21)]
    assert lines[23].startswith("log-loss") and lines[24].startswith("RMSE (bins)")
    recommended = lines[25].removeprefix("Recommended desired retention: ").removesuffix(" (now 0.90).")
    assert 0.7 <= float(recommended) <= 0.95
    assert lines[26] == "Store the new parameters in config.toml? [y/N]: n"
    assert lines[27] == "Nothing was changed."
    assert (home / "config.toml").read_text("utf-8") == "# mine\nfuzz = false\n"

    monkeypatch.setattr(optimize, "fit", lambda *args: fitted(*args, recommend=False))
    accepted = run(home, cards_dir, "--yes")
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output.splitlines()[-1] == f"Stored the new parameters in {home / 'config.toml'}."
    text = (home / "config.toml").read_text("utf-8")
    assert text.startswith("# mine\nfuzz = false\nparameters = [")
    new = [float(line.split()[2]) for line in lines[2:23]]
    assert load_config(home / "config.toml").defaults.parameters == pytest.approx(new, abs=1e-4)
