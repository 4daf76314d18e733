"""Your own answers and stories: plain Markdown files kept outside the shared bank.

The bank gives prompts (STAR skeletons, outline points); an interview is passed with your own
stories. They live in a folder of your own (`--answers DIR`, else the store's folder: `$SRS_HOME`,
else the user data folder), which you can edit by hand and keep in your own git repository:

    answers/<card-id>.md   your answer to one card
    stories/<name>.md      a reusable story; an answer pulls it in with a line `[[name]]`

Rules this module keeps:
* A new answer file is pre-filled with the card's question and its STAR prompts or outline
  points as headings, so you write your own words under them. A file that still holds only
  headings counts as "no answer yet".
* Nothing here deletes or overwrites a file the user has written: files are only created (with
  a temporary file and a rename, so never half-written) when they do not exist.
* Problems (a file that is not UTF-8, a `[[story]]` that does not exist or includes itself, an
  answer whose card is gone) are reported as `answers/x.md:3: message`, relative to the folder,
  and leave the files untouched.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

from interview_srs.base.sanitize import printable

ANSWERS = "answers"
STORIES = "stories"
SUFFIX = ".md"
STAR_HEADINGS = (("situation", "S 情境"), ("task", "T 任务"), ("action", "A 行动"), ("result", "R 结果"))
# A story name is what follows `[[`: letters (any script), digits, `-` and `_`; no path parts.
STORY_NAME = re.compile(r"^[\w-]{1,64}$")
_LINK = re.compile(r"^\s*\[\[([^\[\]]*)\]\]\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class PersonalError(Exception):
    """A personal file cannot be used; the message is one line for the user."""

    def __init__(self, message: str, problem: Problem | None = None):
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True)
class Problem:
    """Something wrong in a personal file, located for the person who will fix it."""

    path: str  # relative to the personal folder, e.g. answers/x.md
    line: int
    message: str

    def __str__(self) -> str:
        """Safe to print: file names and story names come from the user's folder."""
        return printable(f"{self.path}:{self.line}: {self.message}")


@dataclass(frozen=True)
class Expanded:
    """An answer with its `[[story]]` lines replaced by the stories' text."""

    text: str
    stories: tuple[str, ...]  # names pulled in, in order, nested ones included
    problems: tuple[Problem, ...]

    @property
    def written(self) -> bool:
        """True when the text says something beyond headings: the pre-fill alone is not an answer."""
        return has_content(self.text)


def default_root(environ: dict | None = None) -> Path:
    """The store's folder: where answers/ and stories/ live unless --answers says otherwise."""
    from interview_srs.store.connection import default_store_path

    return default_store_path(environ).parent


def has_content(text: str) -> bool:
    """Anything but headings, blank lines and comments: what the user wrote themselves."""
    text = _COMMENT.sub("", text)
    return any(line.strip() and not _HEADING.match(line) for line in text.splitlines())


class Personal:
    """The personal folder. Reading never changes anything; `create_*` only add missing files."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def answer_path(self, card_id: str) -> Path:
        return self.root / ANSWERS / f"{card_id}{SUFFIX}"

    def story_path(self, name: str) -> Path:
        if not STORY_NAME.match(name):
            raise PersonalError(
                f"'{name}' is not a valid story name: use letters, digits, '-' or '_' (at most 64)"
            )
        return self.root / STORIES / f"{name}{SUFFIX}"

    def shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # -- listing -----------------------------------------------------------------------------

    def answer_ids(self) -> list[str]:
        return _stems(self.root / ANSWERS)

    def story_names(self) -> list[str]:
        return [name for name in _stems(self.root / STORIES) if STORY_NAME.match(name)]

    # -- reading -----------------------------------------------------------------------------

    def read(self, path: Path) -> str | None:
        """The file's text (None if absent); PersonalError, located, if it is not UTF-8."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            problem = Problem(self.shown(path), 1, f"cannot read: {exc.strerror or exc}")
            raise PersonalError(str(problem), problem) from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problem = Problem(
                self.shown(path), line,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            )
            raise PersonalError(str(problem), problem) from None

    def answer(self, card_id: str) -> Expanded | None:
        """The card's answer with stories expanded; None when there is no answer file.

        A file that cannot be read gives an Expanded with no text and the problem."""
        path = self.answer_path(card_id)
        try:
            text = self.read(path)
        except PersonalError as exc:
            return Expanded("", (), (exc.problem,) if exc.problem else ())
        if text is None:
            return None
        return self.expand(text, self.shown(path))

    def expand(self, text: str, origin: str, trail: tuple[str, ...] = ()) -> Expanded:
        """Replace each `[[name]]` line by the story's (expanded) text.

        A missing story, a story that cannot be read or one that includes itself is reported
        and its line kept as written, so the reader sees where the story was meant to go."""
        out: list[str] = []
        stories: list[str] = []
        problems: list[Problem] = []
        for number, line in enumerate(text.splitlines(), start=1):
            match = _LINK.match(line)
            if not match:
                out.append(line)
                continue
            name = match.group(1).strip()

            def problem(message: str) -> None:
                problems.append(Problem(origin, number, f"[[{name}]]: {message}"))
                out.append(line)

            if name in trail:
                problem(f"story '{name}' includes itself ({' → '.join((*trail, name))})")
                continue
            try:
                path = self.story_path(name)
                story = self.read(path)
            except PersonalError as exc:
                if exc.problem is None:
                    problem(str(exc))
                else:
                    problems.append(exc.problem)
                    out.append(line)
                continue
            if story is None:
                names = self.story_names()
                known = ", ".join(names) or "none yet"
                problem(f"no story named '{name}'{did_you_mean(name, names)} (stories: {known})")
                continue
            inner = self.expand(story, self.shown(path), (*trail, name))
            stories.append(name)
            stories.extend(inner.stories)
            problems.extend(inner.problems)
            out.extend(inner.text.splitlines())
        return Expanded("\n".join(out), tuple(dict.fromkeys(stories)), tuple(problems))

    def check(self, card_ids: list[str]) -> list[Problem]:
        """Every problem in the folder: unreadable files, broken story links, answers whose card
        is not in the bank (renamed or removed: the file is kept, the message says where it went)."""
        problems: list[Problem] = []
        known = set(card_ids)
        for card_id in self.answer_ids():
            path = self.answer_path(card_id)
            if card_id not in known:
                hint = did_you_mean(card_id, card_ids)
                problems.append(
                    Problem(self.shown(path), 1, f"no card with id '{card_id}'{hint}; "
                            "rename the file to the card's id to use it (nothing was changed)")
                )
                continue
            expanded = self.answer(card_id)
            if expanded is not None:
                problems.extend(expanded.problems)
        for name in _stems(self.root / STORIES):
            path = self.root / STORIES / f"{name}{SUFFIX}"
            if not STORY_NAME.match(name):
                problems.append(Problem(self.shown(path), 1, f"'{name}' is not a valid story name "
                                        "(use letters, digits, '-' or '_'), so no answer can use it"))
                continue
            try:
                text = self.read(path)
            except PersonalError as exc:
                problems.extend([exc.problem] if exc.problem else [])
                continue
            problems.extend(self.expand(text or "", self.shown(path), (name,)).problems)
        return sorted(dict.fromkeys(problems), key=lambda p: (p.path, p.line, p.message))

    # -- creating ----------------------------------------------------------------------------

    def create_answer(self, card_id: str, question: str, back: dict) -> tuple[Path, bool]:
        """The answer file, pre-filled if it did not exist; (path, created)."""
        path = self.answer_path(card_id)
        return path, _create(path, prefill(question, back))

    def create_story(self, name: str) -> tuple[Path, bool]:
        path = self.story_path(name)
        return path, _create(path, STORY_TEMPLATE.format(name=name))


STORY_TEMPLATE = """\
# {name}

## S 情境

## T 任务

## A 行动

## R 结果
"""


def prefill(question: str, back: dict) -> str:
    """The first version of an answer file: the question, then one heading per STAR part (with
    its prompts) or per outline point. Only headings, so it does not count as an answer yet."""
    lines = [f"# {_one_line(question)}", ""]
    star = back.get("star")
    if star:
        for key, title in STAR_HEADINGS:
            prompts = "；".join(_one_line(p) for p in star.get(key) or [])
            lines += [f"## {title}：{prompts}" if prompts else f"## {title}", ""]
    else:
        for number, point in enumerate(back.get("outline") or [], start=1):
            lines += [f"## {number}. {_one_line(point)}", ""]
    lines.append("<!-- 在标题下写你自己的话；用一行 [[故事名]] 引用 stories/故事名.md。 -->")
    return "\n".join(lines) + "\n"


def body_lines(text: str, question: str) -> list[str]:
    """The answer's lines for display: without a leading `# question` heading (the card shows
    the question already) and without HTML comments (the pre-fill's hint)."""
    text = _COMMENT.sub("", text)
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines:
        match = _HEADING.match(lines[0])
        if match and len(match.group(1)) == 1 and match.group(2) == _one_line(question):
            lines.pop(0)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def to_html(text: str, question: str = "") -> str:
    """A small, safe Markdown subset as HTML: headings, paragraphs, `-`/`*`/`1.` lists and
    **bold**. Everything is escaped first, so raw HTML in an answer shows as text."""
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def inline(value: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(value.strip()))

    def flush() -> None:
        nonlocal list_tag
        if paragraph:
            blocks.append("<p>" + "<br>".join(inline(p) for p in paragraph) + "</p>")
            paragraph.clear()
        if items:
            blocks.append(f"<{list_tag}>" + "".join(f"<li>{inline(i)}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
            list_tag = ""

    for line in body_lines(text, question):
        heading = _HEADING.match(line)
        bullet = re.match(r"^\s*[-*+]\s+(.*)$", line)
        number = re.match(r"^\s*\d+[.)]\s+(.*)$", line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            level = min(6, len(heading.group(1)) + 2)
            blocks.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif bullet or number:
            tag = "ul" if bullet else "ol"
            if paragraph or (items and list_tag != tag):
                flush()
            list_tag = tag
            items.append((bullet or number).group(1))
        elif items:
            items[-1] += " " + line.strip()  # a continuation line of the last item
        else:
            paragraph.append(line)
    flush()
    return "".join(blocks)


def _create(path: Path, text: str) -> bool:
    """Write `text` to `path` only if no file is there (temporary file + link: never half a file,
    never over the user's). Returns whether it was created."""
    import tempfile

    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".new-", suffix=SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        try:
            os.link(tmp, path)  # fails if the file appeared meanwhile: theirs wins
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            os.replace(tmp, path)
            return True
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _stems(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file() and not p.name.startswith("."))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def did_you_mean(name: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


__all__ = [
    "ANSWERS",
    "STORIES",
    "Expanded",
    "Personal",
    "PersonalError",
    "Problem",
    "body_lines",
    "default_root",
    "has_content",
    "prefill",
    "to_html",
]
