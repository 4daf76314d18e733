"""The company placeholder: a general card (the opener deck's "why this company?") is written
once with `{公司}` where it names the company, and filled in where it is read — with the
interview's company on the review, mock, show and sheet screens, with the deck's company in the
Anki notes — or, when no company is known, with DEFAULT_COMPANY ("your company", politely)."""

from __future__ import annotations

COMPANY = "{公司}"
DEFAULT_COMPANY = "贵公司"


def fill(text: str, company: str | None) -> str:
    """`text` with every `{公司}` replaced by `company` (DEFAULT_COMPANY when it is empty)."""
    return text.replace(COMPANY, company or DEFAULT_COMPANY) if COMPANY in text else text


def fill_all(value, company: str | None):
    """`fill` through the strings of plain data (a stored card's back: dicts, lists, strings)."""
    if isinstance(value, str):
        return fill(value, company)
    if isinstance(value, dict):
        return {key: fill_all(item, company) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(fill_all(item, company) for item in value)
    return value


def mentions(value) -> bool:
    """Whether `{公司}` is anywhere in the strings of plain data (a question, a stored back)."""
    if isinstance(value, str):
        return COMPANY in value
    if isinstance(value, dict):
        return any(mentions(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(mentions(item) for item in value)
    return False


__all__ = ["COMPANY", "DEFAULT_COMPANY", "fill", "fill_all", "mentions"]
