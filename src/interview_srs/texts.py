"""The words of the review screens, in English or Chinese following the locale.

The first non-empty of LC_ALL, LC_MESSAGES, LANG decides (as gettext does): `zh*` gives Chinese
with Anki's Chinese rating labels (重来/困难/良好/简单), anything else English.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Texts:
    ratings: tuple[str, str, str, str]
    situation: str
    task: str
    action: str
    result: str
    outline: str
    assesses: str
    pitfalls: str
    example: str
    company: str
    role: str
    tags: str
    counts: str  # {due} {learning} {new}
    question_keys: str
    answer_keys: str
    rate_hint: str
    no_cards: str
    finished: str
    undone: str  # {card}
    nothing_to_undo: str
    buried: str  # {card}
    answered_elsewhere: str
    no_editor: str  # {place}
    edit_problems: str
    summary_title: str
    summary_reviewed: str  # {count} {time} {average}
    summary_none: str
    summary_ratings: str
    summary_tomorrow: str  # {due} {new}
    stats_title: str  # {today} {rollover}
    stats_columns: tuple[str, ...]  # deck, new, learning, review, relearning, suspended, buried, due today, retention
    stats_total: str
    stats_forecast: str
    stats_history: str
    stats_retention: str  # {value} {reviews} {desired}
    stats_retention_none: str  # {desired}
    stats_retrievability: str  # {value} {cards}
    stats_retrievability_none: str
    countdown: str  # {name} {days} {readiness}
    countdown_tomorrow: str  # {name} {readiness}
    countdown_today: str  # {name} {readiness}
    answer_time: str  # {time} {target}
    answer_overrun: str  # {time} {target} {over}
    stats_answer_times: str
    stats_answer_times_none: str
    stats_slowest: str
    stats_at_title: str  # {at}
    stats_at_columns: tuple[str, ...]  # deck, cards, never seen, mean, lowest, below target
    stats_weakest: str


EN = Texts(
    ratings=("Again", "Hard", "Good", "Easy"),
    situation="Situation",
    task="Task",
    action="Action",
    result="Result",
    outline="Outline",
    assesses="Assesses",
    pitfalls="Pitfalls",
    example="Example",
    company="Company",
    role="Role",
    tags="Tags",
    counts="due {due} · learning {learning} · new {new}",
    question_keys="Space/Enter show answer · s bury · e edit · u undo · q quit",
    answer_keys="1-4 rate · s bury · e edit · u undo · q quit",
    rate_hint="Press 1, 2, 3 or 4 to rate.",
    no_cards="Nothing to review right now.",
    finished="Congratulations! You have finished for now.",
    undone="Undid the last answer to {card}.",
    nothing_to_undo="Nothing to undo.",
    buried="Buried {card} until tomorrow.",
    answered_elsewhere="(this card was also answered in another session; both answers are kept)",
    no_editor="Set $EDITOR to edit cards; this card is at {place}.",
    edit_problems="The card file has problems; the card is shown as it was:",
    summary_title="Session summary",
    summary_reviewed="Reviews: {count} in {time} ({average} per answer).",
    summary_none="No cards reviewed.",
    summary_ratings="Ratings:",
    summary_tomorrow="Due tomorrow: {due}, plus up to {new} new cards.",
    stats_title="Statistics for {today} (study days start at {rollover}:00)",
    stats_columns=("Deck", "New", "Learn", "Review", "Relearn", "Susp", "Buried", "Due today", "Retention"),
    stats_total="Total",
    stats_forecast="Due in the next 30 days",
    stats_history="Reviews in the last 30 days",
    stats_retention="True retention (last 30 days): {value} of {reviews} reviews (desired {desired})",
    stats_retention_none="True retention (last 30 days): no reviews yet (desired {desired})",
    stats_retrievability="Average retrievability now: {value} over {cards} cards",
    stats_retrievability_none="Average retrievability now: no reviewed cards yet",
    countdown="{name} interview in {days} days · readiness {readiness}",
    countdown_tomorrow="{name} interview tomorrow · readiness {readiness}",
    countdown_today="{name} interview today · readiness {readiness}",
    answer_time="⏱ {time} / {target}",
    answer_overrun="⏱ {time} / {target} (+{over} over)",
    stats_answer_times="Average answer time (last 30 days)",
    stats_answer_times_none="Average answer time (last 30 days): no timed answers yet",
    stats_slowest="Slowest cards (mean / target)",
    stats_at_title="Predicted recall at {at}",
    stats_at_columns=("Deck", "Cards", "Never seen", "Mean", "Lowest", "Below target"),
    stats_weakest="Weakest cards",
)

ZH = Texts(
    ratings=("重来", "困难", "良好", "简单"),
    situation="情境",
    task="任务",
    action="行动",
    result="结果",
    outline="答题要点",
    assesses="考察点",
    pitfalls="避坑",
    example="范例",
    company="公司",
    role="岗位",
    tags="标签",
    counts="到期 {due} · 学习中 {learning} · 新卡 {new}",
    question_keys="空格/回车 显示答案 · s 搁置 · e 编辑 · u 撤销 · q 退出",
    answer_keys="1-4 评分 · s 搁置 · e 编辑 · u 撤销 · q 退出",
    rate_hint="请按 1、2、3 或 4 评分。",
    no_cards="现在没有要复习的卡片。",
    finished="恭喜！本轮复习已完成。",
    undone="已撤销对 {card} 的上一次回答。",
    nothing_to_undo="没有可撤销的回答。",
    buried="已将 {card} 搁置到明天。",
    answered_elsewhere="（这张卡片也在另一个会话中被回答过；两次回答都已保存）",
    no_editor="请设置 $EDITOR 以编辑卡片；这张卡片位于 {place}。",
    edit_problems="卡片文件有问题；仍显示修改前的卡片：",
    summary_title="本次复习小结",
    summary_reviewed="复习 {count} 次，用时 {time}（平均每次 {average}）。",
    summary_none="没有复习任何卡片。",
    summary_ratings="评分：",
    summary_tomorrow="明天到期：{due} 张，另有最多 {new} 张新卡。",
    stats_title="{today} 的统计（每天 {rollover}:00 开始新的一天）",
    stats_columns=("牌组", "新卡", "学习中", "复习", "重学", "暂停", "搁置", "今日到期", "记忆保持率"),
    stats_total="合计",
    stats_forecast="未来 30 天到期",
    stats_history="过去 30 天复习量",
    stats_retention="真实记忆保持率（过去 30 天）：{value}，共 {reviews} 次复习（目标 {desired}）",
    stats_retention_none="真实记忆保持率（过去 30 天）：还没有复习（目标 {desired}）",
    stats_retrievability="当前平均可提取性：{value}，共 {cards} 张卡片",
    stats_retrievability_none="当前平均可提取性：还没有复习过的卡片",
    countdown="距 {name} 面试 {days} 天 · 准备度 {readiness}",
    countdown_tomorrow="明天 {name} 面试 · 准备度 {readiness}",
    countdown_today="今天 {name} 面试 · 准备度 {readiness}",
    answer_time="⏱ {time} / {target}",
    answer_overrun="⏱ {time} / {target}（超时 {over}）",
    stats_answer_times="平均答题用时（过去 30 天）",
    stats_answer_times_none="平均答题用时（过去 30 天）：还没有计时的回答",
    stats_slowest="答得最慢的卡片（平均 / 目标）",
    stats_at_title="{at} 的预测记忆率",
    stats_at_columns=("牌组", "卡片", "未学", "平均", "最低", "低于目标"),
    stats_weakest="最薄弱的卡片",
)


def texts_for(environ: dict | None = None) -> Texts:
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return ZH if value.lower().startswith("zh") else EN
    return EN


__all__ = ["EN", "ZH", "Texts", "texts_for"]
