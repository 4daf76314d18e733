"""What a source reference such as `000#2` means to a reader ("蚂蚁面经 第2题").

References are how curators trace a card to the five source documents (see the README); on a
card a person reads a short, readable line instead of the raw keys.
"""

from __future__ import annotations

import re

DOCUMENT_NAMES = {
    "000": "蚂蚁用户运营面经",
    "001": "用户运营面试攻略",
    "002": "用户服务运营面试笔记",
    "003": "小红书客服面试题",
    "004": "快手营销服务社招真题",
}
_XHS_PARTS = {"1": "第一部分", "2": "第二部分", "3": "第三部分", "4": "反问"}


def describe(reference: str) -> str:
    """One reference as words; an unknown document or key is shown as written."""
    document, _, key = reference.partition("#")
    name = DOCUMENT_NAMES.get(document)
    if name is None or not key:
        return reference
    return f"{name} {_describe_key(document, key)}"


def _describe_key(document: str, key: str) -> str:
    if key.isdigit():
        return f"问题{key}" if document == "002" else f"第{key}题"
    if document == "000" and re.fullmatch(r"e\d+", key):
        return f"面经笔记{key[1:]}"
    if document == "003":
        if key == "tips":
            return "小贴士"
        part, _, number = key.partition(".")
        if part in _XHS_PARTS and number.isdigit():
            return f"{_XHS_PARTS[part]}第{number}题"
    return key


def source_line(references: tuple[str, ...]) -> str:
    """All of a card's references, grouped by document: "蚂蚁用户运营面经 第2题、第27题；…"."""
    grouped: dict[str, list[str]] = {}
    for reference in references:
        document, _, key = reference.partition("#")
        if document in DOCUMENT_NAMES and key:
            grouped.setdefault(DOCUMENT_NAMES[document], []).append(_describe_key(document, key))
        else:
            grouped.setdefault(reference, [])
    return "；".join(f"{name} {'、'.join(keys)}" if keys else name for name, keys in grouped.items())


def provenance_line(sources: tuple[str, ...], related: tuple[str, ...]) -> str:
    """A card's footer: where the question was asked (原题) apart from what it only draws on
    (相关), so a reader never takes a related document for one that asked it."""
    parts = [f"{label}：{source_line(references)}" for label, references in (("原题", sources), ("相关", related)) if references]
    return "｜".join(parts)
