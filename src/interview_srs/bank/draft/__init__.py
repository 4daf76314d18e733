"""面经 text → draft cards: read a pasted write-up, find its questions, skeleton them, write a card file.

Pure where it can be; `draft` is the one function that touches the file system. Nothing here
prints: the CLI words the returned report.
"""

from interview_srs.bank.draft.drafting import DraftReport, FileRead, Plan, Skipped, draft, draft_sources, plan
from interview_srs.bank.draft.errors import DraftError
from interview_srs.bank.draft.extract import Question, clean_question, extract_questions
from interview_srs.bank.draft.hints import Hints, read_hints
from interview_srs.bank.draft.read import MAX_BYTES, SourceText, read_source
from interview_srs.bank.draft.skeleton import Skeleton, kind_of, skeleton_for
from interview_srs.bank.draft.write import DraftCard, card_file_text

__all__ = [
    "MAX_BYTES", "DraftCard", "DraftError", "DraftReport", "FileRead", "Hints", "Plan", "Question", "Skeleton",
    "Skipped", "SourceText", "card_file_text", "clean_question", "draft", "draft_sources", "extract_questions",
    "kind_of", "plan", "read_hints", "read_source", "skeleton_for",
]
