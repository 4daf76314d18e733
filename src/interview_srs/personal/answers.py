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
  answer whose card is gone, a character Anki refuses) are reported as `answers/x.md:3:
  message`, relative to the folder, and leave the files untouched. Problems in the answers
  going into the personal package stop its build: they would lose text, or the whole package.
* Only regular files inside answers/ and stories/ are read (files.py), and an answer with its
  stories stops at MAX_CHARS characters, saying where the rest is. Each story is expanded once
  per answer, without recursion: stories that include each other many times, or a long chain
  of them, cost only their length.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

from interview_srs.base.sanitize import printable
from interview_srs.personal.files import MAX_CHARS, StoryFiles, Unreadable, first_refused_character, read_inside

ANSWERS = "answers"
STORIES = "stories"
SUFFIX = ".md"
STAR_HEADINGS = (("situation", "S 情境"), ("task", "T 任务"), ("action", "A 行动"), ("result", "R 结果"))
# A story name is what follows `[[`: letters (any script), digits, `-` and `_`; no path parts.
STORY_NAME = re.compile(r"^[\w-]{1,64}$")
_LINK = re.compile(r"^\s*\[\[([^\[\]]*)\]\]\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_NAMES_SHOWN = 10  # story names listed in a "no story named" problem


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
    complete: bool = True  # False when cut at MAX_CHARS

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
        """The file's text (None if absent), at most MAX_CHARS characters and then some;
        PersonalError, located, if it is not a regular file inside its folder or not UTF-8."""
        try:
            return read_inside(path)
        except Unreadable as exc:
            problem = Problem(self.shown(path), exc.line, exc.message)
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

    def expand(self, text: str, origin: str, trail: tuple[str, ...] = (), files: StoryFiles | None = None) -> Expanded:
        """Replace each `[[name]]` line by the story's (expanded) text, each story once.

        A missing story, a story that cannot be read or one that includes itself is reported
        and its line kept as written, so the reader sees where the story was meant to go; a
        story already expanded above shows as `↑ [[name]]`. `files` holds the stories read so
        far (by name), for callers expanding many answers at once."""
        files = StoryFiles() if files is None else files
        out: list[str] = []
        stories: list[str] = []
        problems: list[Problem] = list(refused_characters(text, origin))
        room = MAX_CHARS
        # The stories being expanded, innermost last: (name, where it is shown, its numbered lines).
        stack = [(None, origin, enumerate(text.splitlines(), start=1))]
        within = list(trail)  # the names of the stories being expanded, outermost first
        active, seen = set(trail), set()
        while stack:
            name, where, lines = stack[-1]
            number, line = next(lines, (0, ""))
            if not number:
                stack.pop()
                if name is not None:
                    active.discard(within.pop())
                continue
            if len(line) >= room:
                problems.append(Problem(where, number, f"the answer with its stories passes {MAX_CHARS:,} "
                                        "characters; it is cut here (the rest is in this file)"))
                out.append(f"… (cut: the rest is in {where}, from line {number})")
                return Expanded("\n".join(out), tuple(stories), tuple(dict.fromkeys(problems)), complete=False)
            match = _LINK.match(line)
            name = match.group(1).strip() if match else ""
            if not match:
                pass
            elif name in active:
                loop = [*within[within.index(name):], name]
                if len(loop) > 7:
                    loop = [*loop[:3], f"… {len(loop) - 5} more …", *loop[-2:]]
                problems.append(Problem(where, number, f"[[{name}]]: story '{name}' includes itself ({' → '.join(loop)})"))
            elif name in seen:
                line = f"↑ [[{name}]]"
            else:
                story = self._story(name, files)
                if isinstance(story, Problem):
                    problems.append(story if story.line else Problem(where, number, f"[[{name}]]: {story.message}"))
                else:
                    shown, story_text = story
                    stories.append(name)
                    seen.add(name)
                    problems.extend(refused_characters(story_text, shown))
                    stack.append((name, shown, enumerate(story_text.splitlines(), start=1)))
                    within.append(name)
                    active.add(name)
                    continue
            out.append(line)
            room -= len(line) + 1
        return Expanded("\n".join(out), tuple(stories), tuple(dict.fromkeys(problems)))

    def _story(self, name: str, files: StoryFiles) -> tuple[str, str] | Problem:
        """(where it is shown, its text), or the problem: located in the story file (line ≥ 1), or
        about the link (line 0, for the caller to locate)."""
        if name not in files.read:
            try:
                path = self.story_path(name)
                text = self.read(path)
            except PersonalError as exc:
                files.read[name] = exc.problem or Problem("", 0, str(exc))
            else:
                if text is None:
                    files.read[name] = Problem("", 0, self._no_story(name, files))
                else:
                    files.read[name] = (self.shown(path), text)
        return files.read[name]

    def _no_story(self, name: str, files: StoryFiles) -> str:
        if files.names is None:
            files.names = self.story_names()
        names = files.names
        listed = ", ".join(names[:_NAMES_SHOWN]) or "none yet"
        if len(names) > _NAMES_SHOWN:
            listed += f", … {len(names)} in all"
        hint = ""
        if files.suggestions_left:
            files.suggestions_left -= 1
            hint = did_you_mean(name, names)
        return f"no story named '{name}'{hint} (stories: {listed})"

    def check(self, card_ids: list[str]) -> list[Problem]:
        """Every problem in the folder: unreadable files, broken story links, answers whose card
        is not in the bank (renamed or removed: the file is kept, the message says where it went)."""
        problems: list[Problem] = []
        known = set(card_ids)
        files = StoryFiles()  # stories read once for the whole folder
        covered: set[str] = set()  # stories whose every line an expansion above went through
        for card_id in self.answer_ids():
            path = self.answer_path(card_id)
            if card_id not in known:
                hint = did_you_mean(card_id, card_ids)
                problems.append(
                    Problem(self.shown(path), 1, f"no card with id '{card_id}'{hint}; "
                            "rename the file to the card's id to use it (nothing was changed)")
                )
                continue
            try:
                text = self.read(path)
            except PersonalError as exc:
                problems.extend([exc.problem] if exc.problem else [])
                continue
            if text is not None:
                expanded = self.expand(text, self.shown(path), files=files)
                problems.extend(expanded.problems)
                covered.update(expanded.stories if expanded.complete else ())
        for name in _stems(self.root / STORIES):
            path = self.root / STORIES / f"{name}{SUFFIX}"
            if name in covered:
                continue
            if not STORY_NAME.match(name):
                problems.append(Problem(self.shown(path), 1, f"'{name}' is not a valid story name "
                                        "(use letters, digits, '-' or '_'), so no answer can use it"))
                continue
            try:
                text = self.read(path)
            except PersonalError as exc:
                problems.extend([exc.problem] if exc.problem else [])
                continue
            expanded = self.expand(text or "", self.shown(path), (name,), files)
            problems.extend(expanded.problems)
            covered.update(expanded.stories if expanded.complete else ())
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


def refused_characters(text: str, origin: str) -> list[Problem]:
    """The first character of `text` that Anki refuses, located: the personal build stops on it."""
    found = first_refused_character(text)
    return [Problem(origin, *found)] if found else []


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
    "refused_characters",
    "to_html",
]
