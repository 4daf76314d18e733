"""面经 files → one new card file of draft cards, and a report of what was done.

`plan` is pure: texts and the bank's questions in, cards and the file text out. `draft` reads the
files, plans, and writes the one new file; it prints nothing, and the CLI words the report.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from interview_srs.bank.draft import in_bank
from interview_srs.bank.draft.errors import DraftError
from interview_srs.bank.draft.extract import Question, extract_questions
from interview_srs.bank.draft.hints import COMPANIES, Hints, read_hints, slug_for
from interview_srs.bank.draft.read import SourceText, read_source
from interview_srs.bank.draft.skeleton import skeleton_for
from interview_srs.bank.draft.write import DraftCard, card_file_text, file_stem, make_id, write_new_file
from interview_srs.base.sanitize import one_line

MAX_QUESTIONS = 300  # more is a question bank or a book, not one 面经: deduplicating it would crawl


@dataclass(frozen=True)
class FileRead:
    """One input file: how it was read and how many questions it held."""

    path: Path
    encoding: str
    was_html: bool
    questions: int


@dataclass(frozen=True)
class Skipped:
    """A question not drafted: already on a bank card, or asked earlier in the same input."""

    question: str
    source: str  # "file.txt#L12"
    card_id: str = ""  # the bank card that asks it
    repeats: str = ""  # the source of the earlier question it repeats


@dataclass(frozen=True)
class Plan:
    """What `draft` would write: the cards, the deck, and the questions left out."""

    deck: str
    company: str
    role: str
    cards: tuple[DraftCard, ...]
    skipped: tuple[Skipped, ...]
    hints: Hints
    found: tuple[int, ...] = ()  # questions found in each source, drafted or skipped

    def text(self, id_prefix: str, origin: str) -> str:
        """The card file, with ids `<id_prefix>-1`, `<id_prefix>-2`, …"""
        return card_file_text(self.deck, self.company, self.role, list(self.with_ids(id_prefix)), origin)

    def with_ids(self, id_prefix: str, taken: set[str] | None = None) -> tuple[DraftCard, ...]:
        taken = set(taken or ())
        return tuple(
            DraftCard(**{**card.__dict__, "id": make_id(id_prefix, n, taken)}) for n, card in enumerate(self.cards, 1)
        )


@dataclass(frozen=True)
class DraftReport:
    """What `draft` did: files read, cards written, questions skipped, the file written."""

    files: tuple[FileRead, ...]
    cards: tuple[DraftCard, ...]
    skipped: tuple[Skipped, ...]
    written: Path | None  # None when every question is in the bank already
    deck: str
    company: str
    role: str

    @property
    def all_in_bank(self) -> bool:
        return not self.cards and any(s.card_id for s in self.skipped)


def plan(
    sources: Sequence[SourceText],
    *,
    company: str | None = None,
    role: str | None = None,
    deck: str | None = None,
    bank_questions: Mapping[str, str] | None = None,
    bank_decks: Collection[str] = (),
) -> Plan:
    """Cards for every question of `sources` not already in `bank_questions` (id → question).

    Every source must hold a question. The deck is `deck`, else 面试::<company>::<role>; the bank
    may not hold two decks of one name, so a default name the bank uses (`bank_decks`) gets a
    草稿 subdeck (which `srs review --deck` on the bank's deck includes), and a given one is refused.
    """
    if not sources:
        raise DraftError("no 面经 files given")
    hints = read_hints("\n".join(source.text for source in sources))
    # what is given on the command line goes into the card file too: no control characters
    company, role, deck = (one_line(value).strip() if value else value for value in (company, role, deck))
    company_name = _company_name(company) if company else hints.company
    role_name = role or hints.role
    first = str(sources[0].path)
    missing = [name for name, value in (("company", company_name), ("role", role_name)) if not value]
    if missing and not deck:
        options = " and ".join(f"--{name}" for name in missing)
        raise DraftError(
            f"{first}: the text names no {' or '.join(missing)} I know; give {'them' if len(missing) > 1 else 'it'} with {options}"
        )
    found: list[tuple[SourceText, Question]] = []
    counts: list[int] = []
    for source in sources:
        questions = extract_questions(source.text)
        if not questions:
            raise DraftError(f"{source.path}: no interview questions found (numbered items, 问：/面试官： turns, or sentences that ask)")
        if len(questions) > MAX_QUESTIONS:
            raise DraftError(f"{source.path}: holds {len(questions)} questions; a 面经 has a few dozen, so draft the part you need")
        found.extend((source, question) for question in questions)
        counts.append(len(questions))
    refs = [f"{source.name}#L{source.line_in_file(q.line)}" for source, q in found]
    alike = in_bank.matches([q.text for _, q in found], bank_questions or {})
    cards: list[DraftCard] = []
    skipped: list[Skipped] = []
    for index, ((source, question), ref) in enumerate(zip(found, refs)):
        match = alike.get(index)
        if match is not None:
            skipped.append(Skipped(question.text, ref, match.card_id, "" if match.card_id else refs[match.earlier]))
            continue
        skeleton = skeleton_for(question.text, company_name)
        cards.append(DraftCard(
            id="",
            question=question.text,
            kind=skeleton.kind,
            star=skeleton.star,
            outline=skeleton.outline,
            followups=question.followups,
            source=ref,
            notes=question.notes,
            example=question.answer,
            tags=(),  # company and role are the file's tags, which every card inherits
        ))
    deck_name = _free_deck(deck, f"面试::{company_name}::{role_name}", bank_decks)
    return Plan(deck_name, company_name, role_name, tuple(cards), tuple(skipped), hints, tuple(counts))


def _free_deck(given: str | None, default: str, bank_decks: Collection[str]) -> str:
    """`given`, or `default` (with a 草稿 subdeck when the bank has that deck): a name no bank deck has
    (Anki compares deck names without regard to case)."""
    taken = {name.casefold() for name in bank_decks}
    if given:
        if given.casefold() in taken:
            raise DraftError(f"deck '{given}' is already in your cards; give another --deck")
        return given
    if default.casefold() not in taken:
        return default
    for number in range(1, 1000):
        name = f"{default}::草稿" + (str(number) if number > 1 else "")
        if name.casefold() not in taken:
            return name
    raise DraftError(f"{default}::草稿 and 998 numbered decks exist already; give --deck")


def draft(paths: Sequence[Path | str], **options) -> DraftReport:
    """Read the 面经 files and `draft_sources` them (the options are its)."""
    return draft_sources([read_source(path) for path in paths], **options)


def draft_sources(
    sources: Sequence[SourceText],
    *,
    out_dir: Path,
    company: str | None = None,
    role: str | None = None,
    deck: str | None = None,
    company_slug: str | None = None,
    bank_questions: Mapping[str, str] | None = None,
    bank_decks: Collection[str] = (),
) -> DraftReport:
    """Draft the new questions of the read 面经 into one new file in `out_dir`.

    `company_slug` (ascii) names the file and the card ids; by default it comes from the company.
    Nothing is written when every question is in the bank already (see DraftReport.all_in_bank).
    """
    result = plan(sources, company=company, role=role, deck=deck, bank_questions=bank_questions,
                  bank_decks=bank_decks)
    files = tuple(FileRead(s.path, s.encoding, s.was_html, n) for s, n in zip(sources, result.found))
    slug = slug_for(company_slug or "") or slug_for(result.company) or "draft"
    stem = file_stem(slug, Path(sources[0].name).stem)
    origin = "、".join(source.name for source in sources)
    taken = set(bank_questions or ())
    written_cards: list[tuple[DraftCard, ...]] = []

    def text_for(name: str) -> str:
        cards = result.with_ids(name, taken)
        written_cards[:] = [cards]
        return card_file_text(result.deck, result.company, result.role, list(cards), origin)

    written = write_new_file(out_dir, stem, text_for) if result.cards else None
    return DraftReport(
        files=files,
        cards=written_cards[0] if written_cards else (),
        skipped=result.skipped,
        written=written,
        deck=result.deck,
        company=result.company,
        role=result.role,
    )


def _company_name(given: str) -> str:
    """The deck's name for a company given by any spelling or by its ascii slug."""
    for name, slug, spellings in COMPANIES:
        if given in (name, slug) or given in spellings:
            return name
    return given.strip()
