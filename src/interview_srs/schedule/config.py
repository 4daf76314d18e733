"""The review settings: `config.toml` next to the store (e.g. `$SRS_HOME/config.toml`).

Every key is optional; a missing file means all defaults. Example::

    desired_retention = 0.9          # 0.70–0.99: the recall probability FSRS aims for
    learning_steps = ["1m", "10m"]   # s / m / h / d
    relearning_steps = ["10m"]
    maximum_interval = 36500         # days
    new_per_day = 20                 # new cards introduced per study day
    day_starts_at = 4                # local hour at which a new study day begins (0–23)
    fuzz = true                      # spread intervals a little, as Anki does
    parameters = [0.212, 1.2931, …]  # FSRS-6's 21 weights; absent: fsrs's defaults
    leech_threshold = 8              # lapses after which a card is marked a leech (Anki's default)
    card_folders = ["~/my-cards"]    # your own card folders, read with the bundled bank
    timezone = "Asia/Shanghai"       # IANA name for study days and interview times
                                     # (default: the offset in SRS_NOW, else the system zone)
    interview_target = 0.95          # predicted recall every card should have at an interview
    final_pass_days = 2              # answer every card in the last N days before it (0: off)
    focus_days = 3                   # last N days before an interview: its cards first (0: off)
    new_outside_focus = false        # true: decks in no interview still get new cards then
    daily_minutes = 60               # `srs interview list` warns when a day's plan takes longer
    answer_seconds = { outline = 60, star = 120 }   # speaking-time targets per card type

    [deck."面试::快手"]              # this deck and its subdecks (longest match wins)
    desired_retention = 0.95
    maximum_interval = 180
    new_per_day = 5
    interview_target = 0.97

A deck section may set `desired_retention`, `learning_steps`, `relearning_steps`,
`maximum_interval`, `new_per_day`, `interview_target` and `parameters`. `parameters` are the
FSRS-6 model weights (w0–w20, the last being the forgetting curve's decay), as `srs optimize`
fits them or `srs sync-anki --use-anki-params` copies them from Anki's deck options; each must
lie within fsrs's bounds. Problems are collected and reported together, each with the file and
line where it was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

CONFIG_NAME = "config.toml"
BOM = "\ufeff"  # some editors start UTF-8 files with one; TOML itself does not allow it
MAX_CONFIG_BYTES = 1 << 20

DECK_KEYS = (
    "desired_retention", "learning_steps", "relearning_steps", "maximum_interval", "new_per_day",
    "interview_target", "parameters",
)
PARAMETER_COUNT = 21
TOP_KEYS = DECK_KEYS + (
    "day_starts_at", "fuzz", "leech_threshold", "card_folders", "timezone", "final_pass_days",
    "answer_seconds", "deck", "focus_days", "new_outside_focus", "daily_minutes",
)
CARD_KINDS = ("outline", "star")
_STEP = r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$"  # compiled (and cached) by re when a step is read
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_STEP_DAYS = 36500  # the longest maximum_interval


class ConfigError(Exception):
    """Raised with every problem found in the config file."""

    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class DeckSettings:
    """The scheduler settings of one deck (the defaults, or a `[deck."…"]` section over them)."""

    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36500
    new_per_day: int | None = None  # a deck section's own limit; None: the top-level new_per_day
    interview_target: float = 0.95  # not an FSRS setting: the planner's goal (planner.py)
    parameters: tuple[float, ...] | None = None  # None: fsrs's default parameters

    def to_dict(self) -> dict:
        values = {
            "desired_retention": self.desired_retention,
            "learning_steps": [format_step(s) for s in self.learning_steps],
            "relearning_steps": [format_step(s) for s in self.relearning_steps],
            "maximum_interval": self.maximum_interval,
            "interview_target": self.interview_target,
            "parameters": list(self.parameters) if self.parameters is not None else None,
        }
        if self.new_per_day is not None:
            values["new_per_day"] = self.new_per_day
        return values


@dataclass(frozen=True)
class Config:
    """All settings; `for_deck` resolves the per-deck overrides."""

    defaults: DeckSettings = DeckSettings()
    new_per_day: int = 20
    day_starts_at: int = 4
    fuzz: bool = True
    decks: tuple[tuple[str, DeckSettings], ...] = field(default=())
    leech_threshold: int = 8
    card_folders: tuple[str, ...] = ()
    timezone: str | None = None  # IANA name; None: SRS_NOW's offset, else the system zone
    final_pass_days: int = 2
    answer_seconds: tuple[tuple[str, int], ...] = (("outline", 60), ("star", 120))
    focus_days: int = 3  # planner.Rules.focus_days
    new_outside_focus: bool = False
    daily_minutes: int = 60  # `srs interview list` warns when a day's plan takes longer

    def new_limit(self, deck: str) -> int:
        """New cards per study day for `deck`: its section's `new_per_day`, else the top-level one."""
        own = self.for_deck(deck).new_per_day
        return self.new_per_day if own is None else own

    def target_seconds(self, kind: str) -> int:
        """The speaking-time target of a card type ("outline" or "star")."""
        return dict(self.answer_seconds)[kind]

    def for_deck(self, deck: str) -> DeckSettings:
        """Settings of the longest `[deck."…"]` section that is `deck` or one of its parents."""
        best: tuple[int, DeckSettings] | None = None
        folded = deck.casefold()
        for name, settings in self.decks:
            key = name.casefold()
            if folded == key or folded.startswith(key + "::"):
                if best is None or len(key) > best[0]:
                    best = (len(key), settings)
        return best[1] if best else self.defaults

    def to_dict(self) -> dict:
        return {
            **self.defaults.to_dict(),
            "new_per_day": self.new_per_day,
            "day_starts_at": self.day_starts_at,
            "fuzz": self.fuzz,
            "leech_threshold": self.leech_threshold,
            "card_folders": list(self.card_folders),
            "timezone": self.timezone,
            "final_pass_days": self.final_pass_days,
            "answer_seconds": dict(self.answer_seconds), "focus_days": self.focus_days,
            "new_outside_focus": self.new_outside_focus, "daily_minutes": self.daily_minutes,
            "deck": {name: settings.to_dict() for name, settings in self.decks},
        }

    @classmethod
    def from_dict(cls, data: dict, source: str = CONFIG_NAME, text: str = "") -> Config:
        """Validate a parsed TOML document; raise ConfigError listing every problem."""
        problems: list[str] = []

        def problem(key: str, message: str, section: str | None = None) -> None:
            line = _line_of(text, key, section)
            where = f"{source}:{line}" if line else source
            name = f'deck."{section}".{key}' if section else key
            problems.append(f"{where}: {name}: {message}")

        for key in data:
            if key not in TOP_KEYS:
                problem(key, f"unknown setting (known: {', '.join(TOP_KEYS)})")
        top = {key: value for key, value in data.items() if key != "new_per_day"}
        defaults = _deck_settings(top, DeckSettings(), problem, None)
        new_per_day = _integer(data, "new_per_day", 20, 0, 9999, problem)
        leech_threshold = _integer(data, "leech_threshold", 8, 1, 999, problem)
        card_folders = data.get("card_folders", [])
        if not isinstance(card_folders, list) or not all(isinstance(f, str) and f for f in card_folders):
            problem("card_folders", f'must be a list of folders like ["~/my-cards"] (got {_show(card_folders)})')
            card_folders = []
        day_starts_at = _integer(data, "day_starts_at", 4, 0, 23, problem)
        fuzz, new_outside_focus = data.get("fuzz", True), data.get("new_outside_focus", False)
        for key, value in (("fuzz", fuzz), ("new_outside_focus", new_outside_focus)):
            if not isinstance(value, bool):
                problem(key, "must be true or false")
        zone = data.get("timezone")
        if zone is not None and not _valid_zone(zone):
            problem("timezone", f'must be an IANA time zone name such as "Asia/Shanghai" (got {_show(zone)})')
            zone = None
        final_pass_days = _integer(data, "final_pass_days", 2, 0, 14, problem)
        focus_days = _integer(data, "focus_days", 3, 0, 14, problem)
        daily_minutes = _integer(data, "daily_minutes", 60, 1, 1440, problem)
        answer_seconds = dict(cls.answer_seconds)
        seconds = data.get("answer_seconds", {})
        if not isinstance(seconds, dict):
            problem("answer_seconds", "must be a table such as { outline = 60, star = 120 }")
            seconds = {}
        for kind, value in seconds.items():
            if kind not in CARD_KINDS:
                problem("answer_seconds", f"unknown card type '{kind}' (known: {', '.join(CARD_KINDS)})")
            elif isinstance(value, bool) or not isinstance(value, int) or not 5 <= value <= 3600:
                problem("answer_seconds", f"{kind} must be a whole number of seconds from 5 to 3600 (got {_show(value)})")
            else:
                answer_seconds[kind] = value
        decks: list[tuple[str, DeckSettings]] = []
        sections = data.get("deck", {})
        if not isinstance(sections, dict):
            problem("deck", 'must be a table of decks, e.g. [deck."面试::快手"]')
            sections = {}
        for name, section in sections.items():
            if not isinstance(section, dict):
                problem(name, "must be a table of settings", None)
                continue
            for key in section:
                if key not in DECK_KEYS:
                    problem(key, f"unknown deck setting (known: {', '.join(DECK_KEYS)})", name)
            decks.append((name, _deck_settings(section, defaults, problem, name)))
        if problems:
            raise ConfigError(problems)
        return cls(
            defaults, new_per_day, day_starts_at, fuzz, tuple(decks),
            leech_threshold=leech_threshold, card_folders=tuple(card_folders), timezone=zone,
            final_pass_days=final_pass_days, answer_seconds=tuple(answer_seconds.items()),
            focus_days=focus_days, new_outside_focus=new_outside_focus, daily_minutes=daily_minutes,
        )


def load_config(path: Path) -> Config:
    """Read the config file; a missing file gives the defaults (without importing tomllib)."""
    from interview_srs.base.files import NotRegularFile, read_regular

    path = Path(path)
    try:
        data = read_regular(path, MAX_CONFIG_BYTES + 1)
        text = data.decode("utf-8").removeprefix(BOM)
    except FileNotFoundError:
        return Config()
    except NotRegularFile:
        raise ConfigError([f"{path}: not a regular file (a folder, a FIFO or a device?); the config must be a plain text file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read the config file ({_reason(exc)})"]) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError([f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB; a config file is a few lines"]) from None
    import tomllib

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError([f"{path}: invalid TOML: arrays or tables nested too deeply"]) from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)$", "", str(exc))
        where = f"{path}:{match.group(1)}:{match.group(2)}" if match else str(path)
        raise ConfigError([f"{where}: invalid TOML: {message}"]) from None
    except ValueError as exc:  # tomllib's own int(): a number with thousands of digits
        raise ConfigError([f"{path}: invalid TOML: {str(exc).split(';')[0]}"]) from None
    return Config.from_dict(data, str(path), text)


def update_config(path: Path, values: dict[str, float | list[float]]) -> None:
    """Set top-level keys of config.toml, keeping every other line, comment and blank as it was.

    The file is edited with tomlkit, a round-trip TOML library: a key already set keeps its place
    and its comment, a new one goes after the last top-level key, tables are left alone, and a
    byte-order mark stays. The result is validated before it atomically replaces the file.
    """
    import tomlkit
    import tomllib
    from tomlkit.exceptions import ParseError

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read the config file ({_reason(exc)})"]) from None
    bom = BOM if text.startswith(BOM) else ""
    try:
        document = tomlkit.parse(text.removeprefix(BOM))
    except ParseError as exc:
        raise ConfigError([f"{path}:{exc.line}:{exc.col}: invalid TOML: {str(exc).split(' at line ')[0]}"]) from None
    for key, value in values.items():
        document[key] = list(value) if isinstance(value, (list, tuple)) else value
    new_text = tomlkit.dumps(document)
    Config.from_dict(tomllib.loads(new_text), str(path), new_text)
    from interview_srs.base.output_set import write_text

    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, bom + new_text)


def parse_step(value: object) -> timedelta | None:
    """'1m', '10m', '1h', '1d', '30s' -> timedelta; None when the value is not a step."""
    if not isinstance(value, str):
        return None
    match = re.match(_STEP, value)
    if not match:
        return None
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    # A step longer than the longest interval is a typo ("999999999d" would overflow dates).
    return timedelta(seconds=seconds) if 0 < seconds <= MAX_STEP_DAYS * 86400 else None


def format_step(step: timedelta) -> str:
    seconds = int(step.total_seconds())
    for unit in ("d", "h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


def _deck_settings(data: dict, base: DeckSettings, problem, section: str | None) -> DeckSettings:
    changes: dict = {}
    if "desired_retention" in data:
        value = data["desired_retention"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.7 <= value <= 0.99:
            problem("desired_retention", f"must be a number from 0.7 to 0.99 (got {_show(value)})", section)
        else:
            changes["desired_retention"] = float(value)
    for key in ("learning_steps", "relearning_steps"):
        if key in data:
            value = data[key]
            steps = [parse_step(v) for v in value] if isinstance(value, list) else [None]
            if None in steps:
                problem(
                    key, f'must be a list of durations like ["1m", "10m"], each at most {MAX_STEP_DAYS}d '
                    f"(got {_show(value)})", section,
                )
            else:
                changes[key] = tuple(steps)
    if "maximum_interval" in data:
        value = data["maximum_interval"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 36500:
            problem("maximum_interval", f"must be a whole number of days from 1 to 36500 (got {_show(value)})", section)
        else:
            changes["maximum_interval"] = value
    if "new_per_day" in data:
        value = data["new_per_day"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 9999:
            problem("new_per_day", f"must be a whole number from 0 to 9999 (got {_show(value)})", section)
        else:
            changes["new_per_day"] = value
    if "interview_target" in data:
        value = data["interview_target"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.5 <= value <= 0.99:
            problem("interview_target", f"must be a number from 0.5 to 0.99 (got {_show(value)})", section)
        else:
            changes["interview_target"] = float(value)
    if "parameters" in data:
        value = data["parameters"]
        message = parameters_problem(value)
        if message:
            problem("parameters", message, section)
        else:
            changes["parameters"] = tuple(float(v) for v in value)
    return replace(base, **changes)


def _valid_zone(name: object) -> bool:
    """An IANA zone zoneinfo can load (on Windows that needs the tzdata package)."""
    if not isinstance(name, str) or not name.strip():
        return False
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parameters_problem(value: object) -> str | None:
    """Why `value` is not a valid list of FSRS-6 parameters (None when it is)."""
    if (
        not isinstance(value, list)
        or len(value) != PARAMETER_COUNT
        or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value)
    ):
        return f"must be a list of {PARAMETER_COUNT} numbers (FSRS-6 parameters)"
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    for index, (v, low, high) in enumerate(zip(value, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)):
        if not low <= v <= high:
            return f"w{index} = {v} is outside fsrs's range {low}–{high}"
    return None


def _integer(data: dict, key: str, default: int, low: int, high: int, problem) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problem(key, f"must be a whole number from {low} to {high} (got {_show(value)})")
        return default
    return value


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, int) and not -(10**30) < value < 10**30:
        return "a number too large to show"
    return str(value)


def _line_of(text: str, key: str, section: str | None) -> int | None:
    """The line where `key` is set (inside `[deck."section"]` when given), if it can be found."""
    if not text:
        return None
    current: str | None = None
    key_pattern = re.compile(r'^\s*("?)' + re.escape(key) + r'\1\s*=')
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*(.+?)\s*\]\s*(#.*)?$", line)
        if header:
            inner = header.group(1)
            deck = re.match(r'^deck\s*\.\s*"(.*)"$|^deck\s*\.\s*\'(.*)\'$|^deck\s*\.\s*([\w-]+)$', inner)
            current = next((g for g in deck.groups() if g is not None), None) if deck else inner
            if section is None and current == key:
                return number
            if section is not None and current == section and key == section:
                return number
            continue
        if current == section and key_pattern.match(line):
            return number
    return None


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not valid UTF-8"
    return getattr(exc, "strerror", None) or exc.__class__.__name__


__all__ = [
    "CONFIG_NAME",
    "Config",
    "ConfigError",
    "DeckSettings",
    "format_step",
    "load_config",
    "parameters_problem",
    "parse_step",
    "update_config",
]
