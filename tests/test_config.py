"""config.toml: defaults, per-deck settings, and the exact error messages."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from interview_srs.schedule.config import Config, ConfigError, DeckSettings, load_config

EXAMPLE = """\
desired_retention = 0.85
learning_steps = ["30s", "5m", "1h"]
relearning_steps = ["15m"]
maximum_interval = 365
new_per_day = 5
day_starts_at = 6
fuzz = false

[deck."面试::快手"]
desired_retention = 0.95

[deck."面试::快手::营销服务"]
maximum_interval = 30
"""


def test_a_missing_file_gives_the_defaults(tmp_path):
    config = load_config(tmp_path / "config.toml")
    assert config == Config()
    assert (config.new_per_day, config.day_starts_at, config.fuzz) == (20, 4, True)
    assert config.defaults.desired_retention == 0.9


def test_every_setting_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE, "utf-8")
    config = load_config(path)
    assert config.defaults == DeckSettings(
        0.85,
        (timedelta(seconds=30), timedelta(minutes=5), timedelta(hours=1)),
        (timedelta(minutes=15),),
        365,
    )
    assert (config.new_per_day, config.day_starts_at, config.fuzz) == (5, 6, False)
    # deck sections inherit the top-level settings; the longest matching section wins
    assert config.for_deck("面试::快手::运营").desired_retention == 0.95
    assert config.for_deck("面试::快手::运营").maximum_interval == 365
    assert config.for_deck("面试::快手::营销服务").maximum_interval == 30
    assert config.for_deck("面试::快手::营销服务").desired_retention == 0.85
    assert config.for_deck("面试::快手2").desired_retention == 0.85
    assert config.to_dict()["learning_steps"] == ["30s", "5m", "1h"]


def test_every_problem_is_reported_with_its_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        "desired_retention = 1.5\n"
        "new_per_day = -1\n"
        "learning_steps = [\"1m\", \"soon\"]\n"
        "colour = \"blue\"\n"
        "\n"
        "[deck.\"面试::快手\"]\n"
        "maximum_interval = 0\n"
        "new_per_day = -3\n"
        "colour = 1\n",
        "utf-8",
    )
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert list(error.value.problems) == [
        f"{path}:4: colour: unknown setting (known: desired_retention, learning_steps, "
        "relearning_steps, maximum_interval, new_per_day, interview_target, parameters, day_starts_at, "
        "fuzz, leech_threshold, card_folders, timezone, final_pass_days, answer_seconds, deck, focus_days, new_outside_focus, daily_minutes)",
        f"{path}:1: desired_retention: must be a number from 0.7 to 0.99 (got 1.5)",
        f'{path}:3: learning_steps: must be a list of durations like ["1m", "10m"], each at most 36500d (got ["1m", "soon"])',
        f"{path}:2: new_per_day: must be a whole number from 0 to 9999 (got -1)",
        f'{path}:9: deck."面试::快手".colour: unknown deck setting (known: desired_retention, '
        "learning_steps, relearning_steps, maximum_interval, new_per_day, interview_target, parameters)",
        f'{path}:7: deck."面试::快手".maximum_interval: must be a whole number of days from 1 to '
        "36500 (got 0)",
        f'{path}:8: deck."面试::快手".new_per_day: must be a whole number from 0 to 9999 (got -3)',
    ]


def test_invalid_toml_names_the_line_and_column(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("new_per_day = 10\nfuzz = yes\n", "utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}:2:8: invalid TOML: Invalid value"


def test_leech_threshold_card_folders_and_new_cards_per_deck(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        'new_per_day = 10\nleech_threshold = 5\ncard_folders = ["~/mine", "more"]\n'
        '[deck."面试::快手"]\nnew_per_day = 2\n',
        "utf-8",
    )
    config = load_config(path)
    assert (config.leech_threshold, config.card_folders) == (5, ("~/mine", "more"))
    assert config.new_limit("面试::快手::营销服务") == 2
    assert config.new_limit("面试::小红书") == 10
    assert Config().leech_threshold == 8 and Config().new_limit("x") == 20


def test_card_folders_must_be_a_list_of_folder_names(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('card_folders = "mine"\nleech_threshold = 0\n', "utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert list(error.value.problems) == [
        f"{path}:2: leech_threshold: must be a whole number from 1 to 999 (got 0)",
        f'{path}:1: card_folders: must be a list of folders like ["~/my-cards"] (got "mine")',
    ]


def test_interview_settings_time_zone_and_answer_times(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        'timezone = "Asia/Shanghai"\n'
        "interview_target = 0.9\n"
        "final_pass_days = 0\n"
        "answer_seconds = { star = 150 }\n"
        '[deck."面试::快手"]\n'
        "interview_target = 0.97\n",
        "utf-8",
    )
    config = load_config(path)
    assert (config.timezone, config.final_pass_days) == ("Asia/Shanghai", 0)
    assert (config.target_seconds("outline"), config.target_seconds("star")) == (60, 150)
    assert config.for_deck("面试::快手::运营").interview_target == 0.97
    assert config.for_deck("面试::小红书").interview_target == 0.9
    defaults = Config()
    assert (defaults.timezone, defaults.final_pass_days, defaults.defaults.interview_target) == (None, 2, 0.95)
    assert (defaults.target_seconds("outline"), defaults.target_seconds("star")) == (60, 120)


def test_bad_interview_settings_are_reported(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        'timezone = "Mars/Olympus"\n'
        "interview_target = 1.2\n"
        "final_pass_days = -1\n"
        'answer_seconds = { outline = 2, essay = 60 }\n',
        "utf-8",
    )
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert list(error.value.problems) == [
        f"{path}:2: interview_target: must be a number from 0.5 to 0.99 (got 1.2)",
        f'{path}:1: timezone: must be an IANA time zone name such as "Asia/Shanghai" (got "Mars/Olympus")',
        f"{path}:3: final_pass_days: must be a whole number from 0 to 14 (got -1)",
        f"{path}:4: answer_seconds: outline must be a whole number of seconds from 5 to 3600 (got 2)",
        f"{path}:4: answer_seconds: unknown card type 'essay' (known: outline, star)",
    ]


def test_parameters_must_be_21_numbers_within_fsrs_bounds(tmp_path):
    from fsrs.scheduler import DEFAULT_PARAMETERS

    path = tmp_path / "config.toml"
    good = list(DEFAULT_PARAMETERS)
    path.write_text(f"parameters = {good}\n", "utf-8")
    assert load_config(path).defaults.parameters == tuple(good)
    bad = good[:4] + [0.5] + good[5:]  # w4 below its lower bound 1.0
    path.write_text(f"parameters = [1, 2]\n[deck.\"面试\"]\nparameters = {bad}\n", "utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert list(error.value.problems) == [
        f"{path}:1: parameters: must be a list of 21 numbers (FSRS-6 parameters)",
        f"{path}:3: deck.\"面试\".parameters: w4 = 0.5 is outside fsrs's range 1.0–10.0",
    ]


def test_update_config_replaces_or_adds_keys_and_keeps_everything_else(tmp_path):
    from interview_srs.schedule.config import update_config

    path = tmp_path / "config.toml"
    path.write_text(
        "# my settings\n"
        "desired_retention = 0.9  # default\n"
        "parameters = [\n  1, 2,\n  3,\n]\n"
        "fuzz = false\n"
        "\n"
        "[deck.\"面试\"]  # stricter\n"
        "desired_retention = 0.95\n",
        "utf-8",
    )
    weights = [0.5, 1.5, 3.0, 15.0, 7.0, 0.5, 1.5, 0.01, 1.5, 0.1, 1.0, 1.9, 0.1, 0.3, 2.3, 0.2, 3.0, 0.5, 0.3, 0.1, 0.2]
    with pytest.raises(ConfigError):  # the 3-number list is invalid: nothing is written before validation
        load_config(path)
    update_config(path, {"parameters": weights, "desired_retention": 0.85, "new_per_day": 5})
    assert path.read_text("utf-8") == (
        "# my settings\n"
        "desired_retention = 0.85  # default\n"
        f"parameters = [{', '.join(repr(w) for w in weights)}]\n"
        "fuzz = false\n"
        "new_per_day = 5\n"
        "\n"
        "[deck.\"面试\"]  # stricter\n"
        "desired_retention = 0.95\n"
    )
    config = load_config(path)
    assert config.defaults.parameters == tuple(weights) and config.new_per_day == 5
    assert config.for_deck("面试::快手").desired_retention == 0.95

    before = path.read_text("utf-8")
    with pytest.raises(ConfigError):
        update_config(path, {"desired_retention": 1.5})
    assert path.read_text("utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


WEIGHTS = [0.5, 1.5, 3.0, 15.0, 7.0, 0.5, 1.5, 0.01, 1.5, 0.1, 1.0, 1.9, 0.1, 0.3, 2.3, 0.2, 3.0, 0.5, 0.3, 0.1, 0.2]


@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["plain", "bom"])
def test_update_config_keeps_comments_sections_and_odd_spacing(tmp_path, bom):
    from interview_srs.schedule.config import update_config

    path = tmp_path / "config.toml"
    original = (
        "# 我的设置\n"
        'desired_retention   =0.9   # "stricter" later: see [deck."面试"] below\n'
        "\tfuzz= false\n"
        "\n"
        "# answers per day\n"
        "new_per_day = 12 # [not a table]\n"
        "\n"
        '[deck."面试"]   # 快手 "soon"\n'
        "  maximum_interval = 300\n"
        "\n"
        "[deck.'面试::快手']\n"
        "desired_retention = 0.95 # keep\n"
    )
    path.write_text(bom + original, "utf-8")
    update_config(path, {"desired_retention": 0.85, "parameters": WEIGHTS})
    text = path.read_text("utf-8")
    assert text.startswith(bom + "# 我的设置\n")
    assert text.count("\ufeff") == len(bom)
    # Only the two values change: every other line, comment and blank is as it was.
    expected = original.replace("=0.9   #", "=0.85   #").replace(
        "new_per_day = 12 # [not a table]\n", f"new_per_day = 12 # [not a table]\nparameters = {WEIGHTS}\n"
    )
    assert text == bom + expected
    config = load_config(path)
    assert config.defaults.desired_retention == 0.85 and config.defaults.parameters == tuple(WEIGHTS)
    assert config.new_per_day == 12 and config.fuzz is False
    assert config.for_deck("面试").maximum_interval == 300
    assert config.for_deck("面试::快手").desired_retention == 0.95


def test_update_config_replaces_a_value_spanning_lines_and_keeps_its_comment(tmp_path):
    from interview_srs.schedule.config import update_config

    path = tmp_path / "config.toml"
    path.write_text("parameters = [  # from srs optimize\n  0.1, 0.2,\n]  # fitted\nfuzz = true\n", "utf-8")
    update_config(path, {"parameters": WEIGHTS})
    text = path.read_text("utf-8")
    assert text.endswith("fuzz = true\n")
    assert load_config(path).defaults.parameters == tuple(WEIGHTS)


def test_update_config_reports_invalid_toml_and_leaves_the_file(tmp_path):
    from interview_srs.schedule.config import update_config

    path = tmp_path / "config.toml"
    path.write_text("fuzz = = true\n", "utf-8")
    with pytest.raises(ConfigError) as error:
        update_config(path, {"desired_retention": 0.85})
    assert error.value.problems[0].startswith(f"{path}:1:")
    assert "invalid TOML" in error.value.problems[0]
    assert path.read_text("utf-8") == "fuzz = = true\n"


def test_a_config_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("\ufeffnew_per_day = 7\n", "utf-8")
    assert load_config(path).new_per_day == 7


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_or_a_device_in_place_of_the_config_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(fifo)
    if Path("/dev/zero").exists():
        with pytest.raises(ConfigError, match="not a regular file"):
            load_config(Path("/dev/zero"))


def test_a_huge_config_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"# " + b"x" * (2 << 20) + b"\n")
    with pytest.raises(ConfigError, match="larger than 1024 KiB"):
        load_config(path)
def test_the_interview_week_settings():
    config = Config.from_dict({"focus_days": 1, "new_outside_focus": True, "daily_minutes": 45})
    assert (config.focus_days, config.new_outside_focus, config.daily_minutes) == (1, True, 45)
    assert (Config().focus_days, Config().new_outside_focus, Config().daily_minutes) == (3, False, 60)
    with pytest.raises(ConfigError) as error:
        Config.from_dict({"focus_days": 15, "new_outside_focus": "yes", "daily_minutes": 0})
    assert [p.split(": ", 1)[1] for p in error.value.problems] == [
        "new_outside_focus: must be true or false",
        "focus_days: must be a whole number from 0 to 14 (got 15)",
        "daily_minutes: must be a whole number from 1 to 1440 (got 0)",
    ]
