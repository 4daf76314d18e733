"""`srs answer` and `srs stories`: open an answer or story in the editor, list what is written.

The files and their rules live in personal/answers.py; this module opens the store for the
cards, runs the editor and words the report (text or JSON)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from interview_srs.commands.output import UserError, library_errors, print_output
from interview_srs.personal.answers import STORIES, SUFFIX, Personal, PersonalError, did_you_mean
from interview_srs.terminal.screen import NoEditor, edit_file


@dataclass(frozen=True)
class Output:
    """What a command prints: lines for stdout, located problems for stderr."""

    lines: tuple[str, ...]
    problems: tuple[str, ...] = ()


def _open(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, environ):
    from interview_srs.store.home import open_home
    from interview_srs.schedule.scheduler import now

    home = open_home(store_path, cards_dir, now(environ), environ)
    return home, Personal(answers_dir or home.store.path.parent)


def _present_cards(store) -> list:
    from interview_srs.store import lookups, queries
    from interview_srs.store.rows import CardFilter

    return [lookups.card(store, row[0]) for row in queries.stat_cards(store, CardFilter())]


def run_answer(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, card_id: str | None,
               story: str | None) -> None:
    try:
        output = library_errors(lambda: answer_command(cards_dir, store_path, answers_dir, card_id=card_id, story=story))
    except PersonalError as error:
        raise UserError(error) from None
    print_output(output)


def run_stories(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, as_json: bool) -> None:
    print_output(library_errors(lambda: stories_report(cards_dir, store_path, answers_dir, as_json=as_json)))


def answer_command(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, *,
                   card_id: str | None = None, story: str | None = None,
                   environ: dict | None = None) -> Output:
    """`srs answer CARD-ID` / `srs answer --story NAME`: create (pre-filled) if missing, open in
    the editor, then report what the file now says. Raises PersonalError for an unknown card."""
    environ = os.environ if environ is None else environ
    home, personal = _open(cards_dir, store_path, answers_dir, environ)
    try:
        if story is not None:
            path, created = personal.create_story(story)
        else:
            cards = {card.id: card for card in _present_cards(home.store)}
            card = cards.get(card_id)
            if card is None:
                raise PersonalError(f"no card with id '{card_id}'{did_you_mean(card_id, sorted(cards))}")
            path, created = personal.create_answer(card.id, card.question, card.back)
    except OSError as exc:
        raise PersonalError(f"cannot write in {personal.root}: {exc.strerror or exc}") from None
    finally:
        home.store.close()  # not held open while the editor runs
    from interview_srs.terminal.texts import texts_for

    texts = texts_for(environ)
    lines = [f"{path}{texts.answer_new if created else ''}"]
    try:
        failure = edit_file(path, environ)
    except NoEditor:
        failure = texts.answer_no_editor
    if failure:
        lines.append(failure)
    text = personal.read(path) or ""
    expanded = personal.expand(text, personal.shown(path), (story,) if story is not None else ())
    return Output(tuple(lines), tuple(str(p) for p in expanded.problems))


def stories_report(cards_dir: Path, store_path: Path | None, answers_dir: Path | None, *,
                   as_json: bool = False, environ: dict | None = None) -> Output:
    """`srs stories`: each story and the cards whose answers use it; the behavioural (STAR)
    cards with no answer of yours yet, per deck; and every problem in the folder."""
    environ = os.environ if environ is None else environ
    home, personal = _open(cards_dir, store_path, answers_dir, environ)
    try:
        cards = _present_cards(home.store)
    finally:
        home.store.close()
    users: dict[str, list[str]] = {name: [] for name in personal.story_names()}
    answers = []
    missing: dict[str, list] = {}
    for card in cards:
        mine = personal.answer(card.id)
        if mine is not None:
            for name in mine.stories:
                users.setdefault(name, []).append(card.id)
            answers.append({"card": card.id, "deck": card.deck, "file": personal.shown(personal.answer_path(card.id)),
                            "written": mine.written, "stories": list(mine.stories)})
        if card.back.get("star") and (mine is None or not mine.written):
            missing.setdefault(card.deck, []).append(card)
    problems = tuple(str(p) for p in personal.check([card.id for card in cards]))
    if as_json:
        import json

        from interview_srs.base.sanitize import json_safe

        data = {
            "format": 1,
            "folder": str(personal.root),
            "stories": [{"name": name, "file": f"{STORIES}/{name}{SUFFIX}", "cards": ids}
                        for name, ids in sorted(users.items())],
            "answers": answers,
            "behavioural_without_answer": {deck: [c.id for c in group] for deck, group in sorted(missing.items())},
            "problems": list(problems),
        }
        return Output((json_safe(json.dumps(data, ensure_ascii=False, indent=2)),), problems)
    from interview_srs.review.openers import filled
    from interview_srs.terminal.render import REPORT_WIDTH, cell_width, clean, fit_lines, shorten
    from interview_srs.terminal.texts import texts_for

    texts = texts_for(environ)
    lines = [texts.stories_title.format(folder=personal.root / STORIES, count=len(users))]
    width = max((cell_width(name) for name in users), default=0)
    for name, ids in sorted(users.items()):
        used = ", ".join(ids) if ids else texts.stories_unused
        lines.append(f"  {clean(name)}{' ' * (width - cell_width(name))}  {used}")
    written = sum(1 for a in answers if a["written"])
    star_cards = sum(1 for card in cards if card.back.get("star"))
    unanswered = sum(len(group) for group in missing.values())
    lines.append(texts.stories_summary.format(written=written, answered=star_cards - unanswered, total=star_cards))
    if missing:
        lines.append(texts.stories_missing)
        for deck, group in sorted(missing.items()):
            lines.append(f"  {clean(deck)} ({len(group)})")
            for card in group:
                question = filled(card).question  # `{公司}` named as `srs show` names it
                room = REPORT_WIDTH - 6 - len(card.id)
                if room >= 24:
                    lines.append(f"    {card.id}  {shorten(question, room)}")
                else:  # a long id: the question under it
                    lines += [f"    {card.id}", f"      {shorten(question, REPORT_WIDTH - 6)}"]
        lines.append(texts.stories_hint)
    return Output((lines[0], *fit_lines(lines[1:])), problems)  # the folder's path is not wrapped
