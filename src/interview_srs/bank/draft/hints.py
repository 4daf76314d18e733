"""Which company, role and round a 面经 is about, read from its own words ("美团 用户运营 一面").

The title and first lines name the interview; the body also names other companies (the writer's
internships), so a name in the first lines wins over the one named most often. Each known company
has a short ascii slug for card ids, since ids may not hold Chinese characters.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# (name on the deck, ascii slug for ids, spellings in the text), longest spellings first per entry.
COMPANIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("美团", "meituan", ("美团",)),
    ("字节跳动", "bytedance", ("字节跳动", "字节", "bytedance")),
    ("抖音", "douyin", ("抖音电商", "抖音")),
    ("拼多多", "pdd", ("拼多多", "PDD", "pdd", "Temu", "TEMU")),
    ("京东", "jd", ("京东",)),
    ("携程", "ctrip", ("携程",)),
    ("B站", "bilibili", ("哔哩哔哩", "B站", "b站", "bilibili", "Bilibili")),
    ("小红书", "xhs", ("小红书",)),
    ("快手", "kuaishou", ("快手",)),
    ("蚂蚁集团", "ant", ("蚂蚁集团", "蚂蚁金服", "蚂蚁", "支付宝")),
    ("阿里巴巴", "alibaba", ("阿里巴巴", "阿里")),
    ("淘天", "taotian", ("淘天", "淘宝", "天猫")),
    ("腾讯", "tencent", ("腾讯", "微信事业群")),
    ("网易", "netease", ("网易",)),
    ("百度", "baidu", ("百度",)),
    ("滴滴", "didi", ("滴滴",)),
    ("得物", "dewu", ("得物",)),
    ("饿了么", "eleme", ("饿了么",)),
    ("唯品会", "vip", ("唯品会",)),
    ("小米", "xiaomi", ("小米",)),
    ("华为", "huawei", ("华为",)),
    ("OPPO", "oppo", ("OPPO", "oppo")),
    ("vivo", "vivo", ("vivo", "VIVO")),
    ("知乎", "zhihu", ("知乎",)),
    ("米哈游", "mihoyo", ("米哈游",)),
    ("贝壳", "ke", ("贝壳",)),
    ("Shopee", "shopee", ("Shopee", "虾皮")),
)
# Longer names first: "用户服务运营" is not "用户运营".
ROLES: tuple[str, ...] = (
    "用户服务运营", "营销服务", "用户运营", "社区运营", "内容运营", "活动运营", "产品运营", "商家运营", "社群运营",
    "电商运营", "游戏运营", "新媒体运营", "数据运营", "策略运营", "服务运营", "增长运营", "直播运营",
    "品类运营", "渠道运营", "客服", "增长", "产品经理",
)
GENERIC_ROLE = "运营"  # only when no more specific role is named
ROUNDS: tuple[str, ...] = ("一面", "二面", "三面", "四面", "终面", "HR面", "hr面", "群面", "交叉面", "主管面", "业务面", "笔试")
_HEAD_LINES = 5  # the title and the lines right under it


@dataclass(frozen=True)
class Hints:
    """What the text says about the interview; empty strings when it does not say."""

    company: str = ""
    company_slug: str = ""
    role: str = ""
    rounds: tuple[str, ...] = ()


def read_hints(text: str) -> Hints:
    """Company, role and rounds named in the text (see the module docstring for the order)."""
    lines = [line for line in text.split("\n") if line.strip()]
    head = "\n".join(lines[:_HEAD_LINES])
    company = _first_in(head, _company_spellings()) or _most_named(text, _company_spellings())
    roles = {role: role for role in ROLES}
    role = _first_in(head, roles) or _most_named(text, roles) or (GENERIC_ROLE if GENERIC_ROLE in text else "")
    rounds = tuple(dict.fromkeys(r.upper() if r == "hr面" else r for r in ROUNDS if r in text))
    slug = next((s for name, s, _ in COMPANIES if name == company), "")
    return Hints(company=company, company_slug=slug, role=role, rounds=rounds)


def slug_for(company: str) -> str:
    """The ascii slug of a known company (by any spelling), or of an ascii name; "" otherwise."""
    for name, slug, spellings in COMPANIES:
        if company == name or company in spellings:
            return slug
    ascii_name = re.sub(r"[^a-z0-9]+", "-", company.lower()).strip("-")
    return ascii_name[:20].strip("-")


def _company_spellings() -> dict[str, str]:
    return {spelling: name for name, _slug, spellings in COMPANIES for spelling in spellings}


def _first_in(text: str, spellings: dict[str, str]) -> str:
    """The name whose spelling occurs earliest in `text` (the longest at a tie)."""
    best: tuple[int, int, str] | None = None
    for spelling, name in spellings.items():
        at = _find(text, spelling)
        if at >= 0 and (best is None or (at, -len(spelling)) < best[:2]):
            best = (at, -len(spelling), name)
    return best[2] if best else ""


def _most_named(text: str, spellings: dict[str, str]) -> str:
    counts: Counter[str] = Counter()
    for spelling, name in sorted(spellings.items(), key=lambda item: -len(item[0])):
        found = len(re.findall(_pattern(spelling), text))
        if found:
            counts[name] += found
            text = re.sub(_pattern(spelling), " ", text)  # "用户服务运营" is not also "用户运营"
    return counts.most_common(1)[0][0] if counts else ""


def _pattern(spelling: str) -> str:
    # An ascii spelling must stand alone: "vip" in "vipshop" or "jd" in a URL is not a name.
    return rf"(?<![A-Za-z]){re.escape(spelling)}(?![A-Za-z])" if spelling.isascii() else re.escape(spelling)


def _find(text: str, spelling: str) -> int:
    match = re.search(_pattern(spelling), text)
    return match.start() if match else -1
