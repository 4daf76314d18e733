"""面经 files → one new card file of draft cards, and a report of what was done.

`plan` is pure: texts and the bank's questions in, cards and the file text out. `draft` reads the
files, plans, and writes the one new file; it prints nothing, and the CLI words the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from interview_srs.bank.draft import in_bank
from interview_srs.bank.draft.errors import DraftError
from interview_srs.bank.draft.extract import Question, extract_questions
from interview_srs.bank.draft.hints import COMPANIES, Hints, read_hints, slug_for
from interview_srs.bank.draft.read import SourceText, read_source
from interview_srs.bank.draft.skeleton import skeleton_for
from interview_srs.bank.draft.write import DraftCard, card_file_text, file_stem, make_id, write_new_file


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
) -> Plan:
    """Cards for every question of `sources` not already in `bank_questions` (id → question)."""
    if not sources:
        raise DraftError("no 面经 files given")
    hints = read_hints("\n".join(source.text for source in sources))
    company_name = _company_name(company) if company else hints.company
    role_name = role or hints.role
    first = sources[0].name
    if not company_name and not deck:
        raise DraftError(f"{first}: the text names no company I know; give it with --company")
    if not role_name and not deck:
        raise DraftError(f"{first}: the text names no role I know; give it with --role")
    found: list[tuple[SourceText, Question]] = []
    for source in sources:
        found.extend((source, question) for question in extract_questions(source.text))
    if not found:
        names = ", ".join(source.name for source in sources)
        raise DraftError(f"{names}: no interview questions found")
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
    deck_name = deck or f"面试::{company_name}::{role_name}"
    return Plan(deck_name, company_name, role_name, tuple(cards), tuple(skipped), hints)


def draft(
    paths: Sequence[Path | str],
    *,
    out_dir: Path,
    company: str | None = None,
    role: str | None = None,
    deck: str | None = None,
    company_slug: str | None = None,
    bank_questions: Mapping[str, str] | None = None,
) -> DraftReport:
    """Read the 面经 files, draft their new questions into one new file in `out_dir`.

    `company_slug` (ascii) names the file and the card ids; by default it comes from the company.
    Nothing is written when every question is in the bank already (see DraftReport.all_in_bank).
    """
    sources = [read_source(path) for path in paths]
    result = plan(sources, company=company, role=role, deck=deck, bank_questions=bank_questions)
    files = tuple(
        FileRead(s.path, s.encoding, s.was_html, len([c for c in result.cards if c.source.startswith(s.name + "#")])
                 + len([k for k in result.skipped if k.source.startswith(s.name + "#")]))
        for s in sources
    )
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
