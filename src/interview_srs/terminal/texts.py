"""The words of the review screens, in English or Chinese following the locale.

The first non-empty of LC_ALL, LC_MESSAGES, LANG decides (as gettext does): `zh*` gives Chinese
with Anki's Chinese rating labels (重来/困难/良好/简单), anything else English.
"""

from __future__ import annotations

import os


class Texts:
    """One language's words, read-only. A plain class with slots, not a frozen dataclass: making
    a dataclass of a hundred fields (its __init__, __eq__, __hash__ and __repr__ written and
    compiled) is a noticeable part of every command's start-up."""

    ratings: tuple[str, str, str, str]
    situation: str
    task: str
    action: str
    result: str
    outline: str
    assesses: str
    pitfalls: str
    example: str
    followups: str
    mine: str
    mine_missing: str  # {card}
    no_editor_answer: str  # {path}
    company: str
    role: str
    tags: str
    draft: str  # the header's mark on a card `srs draft` made and nobody has filled yet
    counts: str  # {due} {learning} {new}
    question_keys: str
    answer_keys: str
    rate_hint: str
    no_cards: str
    finished: str
    nothing_to_undo: str
    buried: str  # {question}
    answered_elsewhere: str
    store_busy: str  # the store's write lock is held elsewhere; the rating is kept and retried
    not_saved: str  # {card}: the user gave up on a rating while the store was busy
    store_busy_later: str  # undo or bury met a busy store; the key can be pressed again
    no_editor: str  # {place}
    edit_bundled: str  # {place} {own}
    edit_problems: str
    summary_title: str
    summary_reviewed: str  # {count} {time} {average}
    summary_none: str
    summary_ratings: str
    summary_tomorrow: str  # {due} {new}: tomorrow's plan as things stand
    stats_title: str  # {today} {rollover}
    stats_columns: tuple[str, ...]  # deck, new, learning, review, relearning, suspended, buried, due today, retention/target
    stats_total: str
    stats_forecast: str
    stats_history: str
    stats_retention: str  # {value} {reviews} {desired}
    stats_retention_none: str  # {desired}
    stats_retrievability: str  # {value} {cards}
    stats_retrievability_none: str
    # -- install-screens: the pager, suspend, undo, the quit summary, compact stats, leeches --
    scroll: str  # {first} {last} {total}
    reveal_first: str
    suspended: str  # {question} {card}
    undone_answer: str  # {question}
    undone_bury: str  # {question}
    undone_suspend: str  # {question}
    leech: str  # {lapses} {card}
    summary_today: str  # {due} {learning} {new}: the counts line's figures
    summary_bank: str  # {left}
    summary_next: str  # {when}
    stats_fresh: str  # {cards} {decks}
    stats_no_store: str  # {path}
    stats_target: str  # {value} {desired}
    stats_no_value: str  # {desired}
    stats_chart: str  # {title} {total} {peak} {day}
    stats_chart_empty: str  # {title}
    stats_leeches: str  # {threshold}
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
    stories_title: str  # {folder} {count}
    stories_unused: str
    stories_summary: str  # {written} {answered} {total}
    stories_missing: str
    stories_hint: str
    answer_new: str
    answer_no_editor: str
    mock_progress: str  # {position} {count} {target}
    mock_speak_keys: str
    mock_type_prompt: str
    mock_time: str  # {time} {target}
    mock_over: str  # {time}
    mock_left: str  # {time}
    mock_coverage: str
    mock_followup: str
    mock_suggested: str  # {rating}
    mock_rate_keys: str
    mock_report_title: str  # {answered} {planned}
    mock_missed: str
    mock_report_totals: str  # {overruns} {average}
    mock_weakest: str
    mock_review_next: str
    mock_none: str
    mock_history: str
    mock_history_line: str  # {answered} {planned} {average} {overruns} {weakest}, under the date and scope
    mock_interrupted: str
    mock_general_openers: str  # {deck}
    sheet_title: str  # {title}
    sheet_subtitle: str  # {count} {at}
    sheet_recall: str  # {recall}
    sheet_never: str
    sheet_metric: str
    # -- srs interview add/list/remove --
    interview_added: str  # {name} {at} {decks}
    interview_skipped_hour: str  # {moment} {at}
    interview_removed: str  # {name}
    interview_none: str
    interview_units: tuple[str, str, str, str]  # day, days, hour, hours
    interview_head: str  # {name} {at} {left}
    interview_past: str  # {name} {at}
    interview_decks: str  # {decks}
    interview_cards: str  # {cards} {never} {readiness} {lowest} {target} {below}
    interview_weakest: str  # what comes before the weakest cards' predicted recall and question
    interview_then: str  # readiness at a past interview: {readiness} {lowest} {target} {below}
    interview_plan: str  # {days}: the sessions until the interview
    interview_plan_day: str  # {date} {answers} {minutes}
    interview_outlook: str  # {readiness} {below}
    interview_far: str  # {days}: an interview past the forecast's horizon
    interview_heavy: str  # {name} {when} {answers} {minutes} {sessions} {limit}
    interview_sessions: tuple[str, str, str]  # today / today and tomorrow / {count} sessions
    interview_when: tuple[str, str, str]  # today {time} / tomorrow {time} / {date} {time}
    interview_helps: str  # {name}

    __slots__ = tuple(__annotations__)

    def __init__(self, **words: str | tuple[str, ...]):
        missing, unknown = set(self.__slots__) - words.keys(), words.keys() - set(self.__slots__)
        if missing or unknown:
            raise TypeError(f"Texts: missing {sorted(missing)}, unknown {sorted(unknown)}")
        for name, value in words.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Texts are read-only: cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Texts are read-only: cannot delete {name}")


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
    followups="Follow-ups",
    mine="Your answer",
    mine_missing="No answer of yours yet: press w (or run `srs answer {card}`) to write one.",
    no_editor_answer="Set $EDITOR to write your answer; the file is {path}.",
    company="Company",
    role="Role",
    tags="Tags",
    draft="DRAFT: the interviewer's question with an empty skeleton; fill it in the card file",
    counts="due {due} · learning {learning} · new {new}",
    question_keys="Space show answer · s bury · ! suspend · e edit · w my answer · u undo · q quit",
    answer_keys="1-4 rate · s bury · ! suspend · e edit · w my answer · u undo · q quit",
    rate_hint="Press 1, 2, 3 or 4 to rate.",
    no_cards="Nothing to review right now.",
    finished="Congratulations! You have finished for now.",
    nothing_to_undo="Nothing to undo.",
    buried="Buried “{question}” until tomorrow.",
    answered_elsewhere="(this card was also answered in another session; both answers are kept)",
    store_busy="The store is busy (another program is writing to it); retrying. Press q to give up on this answer.",
    not_saved="Your answer to {card} was NOT saved: the store stayed busy.",
    store_busy_later="The store is busy (another program is writing to it); press the key again in a moment.",
    no_editor="Set $EDITOR to edit cards; this card is at {place}.",
    edit_bundled=(
        "This card ships with interview-srs ({place}): an edit there is lost at the next upgrade. "
        "Write your own version as a new card (a new id) in {own}, or edit the bank in a checkout."
    ),
    edit_problems="The card file has problems; the card is shown as it was:",
    summary_title="Session summary",
    summary_reviewed="Reviews: {count} in {time} ({average} per answer).",
    summary_none="No cards reviewed.",
    summary_ratings="Ratings:",
    summary_tomorrow="Tomorrow's plan: {due} to review, {new} new.",
    stats_title="Statistics for {today} (study days start at {rollover}:00)",
    stats_columns=("Deck", "New", "Learn", "Review", "Relearn", "Susp", "Buried", "Due", "Retention"),
    stats_total="Total",
    stats_forecast="Due in the next 30 days",
    stats_history="Reviews in the last 30 days",
    stats_retention="True retention (last 30 days): {value} of {reviews} reviews (desired {desired})",
    stats_retention_none="True retention (last 30 days): no reviews yet (desired {desired})",
    stats_retrievability="Average retrievability now: {value} over {cards} cards",
    stats_retrievability_none="Average retrievability now: no reviewed cards yet",
    scroll="lines {first}–{last} of {total} · j/k or ↑/↓ scroll",
    reveal_first="Show the answer first (Space or Enter), then rate 1–4.",
    suspended="Suspended “{question}”: it stays out of reviews until `srs unsuspend {card}`.",
    undone_answer="Undid your answer to “{question}”.",
    undone_bury="Unburied “{question}”.",
    undone_suspend="Unsuspended “{question}”.",
    leech="Leech: forgotten {lapses} times. Rework your own answer: srs answer {card}",
    summary_today="Left today: due {due} · learning {learning} · new {new}.",
    summary_bank="New cards not seen yet: {left} (study more today with `srs review --new N`).",
    summary_next="Nothing is due now; the next card is due {when}.",
    stats_fresh="{cards} cards in {decks} decks, none reviewed yet. Start with `srs review`.",
    stats_no_store="No reviews yet (no store at {path}). Start with `srs review`.",
    stats_target="{value}/{desired}",
    stats_no_value="-/{desired}",
    stats_chart="{title}: {total} in all, most on {day} ({peak})",
    stats_chart_empty="{title}: none",
    stats_leeches="Leeches (forgotten {threshold}+ times; rework your answer with `srs answer ID`):",
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
    stories_title="Stories in {folder}: {count}",
    stories_unused="(not used by any answer yet)",
    stories_summary="Answers written: {written}; behavioural cards answered: {answered} of {total}",
    stories_missing="Behavioural cards without your answer:",
    stories_hint="Write one with `srs answer CARD-ID`, a story with `srs answer --story NAME`.",
    answer_new=" (new, pre-filled)",
    answer_no_editor="set $EDITOR (or $VISUAL) to open it in your editor",
    mock_progress="Mock interview · question {position} of {count} · target {target}",
    mock_speak_keys="Answer aloud; Space/Enter when you have finished · q stop",
    mock_type_prompt="Type your answer; an empty line ends it (q alone stops).",
    mock_time="Time {time} of {target}",
    mock_over="{time} over",
    mock_left="{time} left",
    mock_coverage="Your typed answer covered",
    mock_followup="Follow-up",
    mock_suggested="suggested: {rating}",
    mock_rate_keys="1-4 rate · w my answer · q stop",
    mock_report_title="Mock interview report: {answered} of {planned} questions",
    mock_missed="missed:",
    mock_report_totals="Overruns: {overruns} · average rating {average}",
    mock_weakest="Weakest topics:",
    mock_review_next="Review next:",
    mock_none="none",
    mock_history="Mock interviews",
    mock_history_line="{answered}/{planned} answered · rating {average} · overruns {overruns} · weakest: {weakest}",
    mock_interrupted="(interrupted)",
    mock_general_openers="The opener and 反问 come from the general deck {deck}.",
    sheet_title="{title}: the sheet to skim",
    sheet_subtitle="{count} cards, weakest first (predicted recall at {at})",
    sheet_recall="recall {recall}",
    sheet_never="never reviewed",
    sheet_metric="Figures to quote",
    interview_added="Added interview {name} on {at} covering {decks}.",
    interview_skipped_hour="{moment} does not exist in your time zone (the clocks skip that hour); it is stored as {at}.",
    interview_removed="Removed interview {name}.",
    interview_none="No upcoming interviews. Add one with `srs interview add NAME DATE`.",
    interview_units=("day", "days", "hour", "hours"),
    interview_head="{name}: {at}, in {left}",
    interview_past="{name}: {at}, past",
    interview_decks="  decks: {decks}",
    interview_cards="  cards {cards} · never seen {never} · readiness {readiness} · lowest {lowest} · below {target}: {below}",
    interview_weakest="  weakest: ",
    interview_then="  at the interview: readiness {readiness} · lowest {lowest} · below {target}: {below}",
    interview_plan="  answers per session until then: {days}",
    interview_plan_day="{date} {answers} (~{minutes} min)",
    interview_outlook="  with this plan: readiness {readiness} at the interview · below target: {below}",
    interview_far="  answers per session: forecast from {days} days before the interview",
    interview_heavy="  {name} {when}: about {answers} answers, ~{minutes} min {sessions} (more than daily_minutes = {limit} a day).",
    interview_sessions=("today", "today and tomorrow", "in {count} sessions"),
    interview_when=("today {time}", "tomorrow {time}", "on {date} {time}"),
    interview_helps="  What helps: `srs review --interview {name}` (its cards first, nothing else); fewer new cards elsewhere (new_per_day in config.toml, or `srs review --new 0`); suspending the cards of decks you do not need before it (`srs suspend ID...`).",
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
    followups="追问",
    mine="我的答案",
    mine_missing="还没有你自己的答案：按 w（或运行 `srs answer {card}`）来写。",
    no_editor_answer="请设置 $EDITOR 来写答案；文件在 {path}。",
    company="公司",
    role="岗位",
    tags="标签",
    draft="草稿：面经原题 + 空骨架，请在卡片文件里填写",
    counts="到期 {due} · 学习中 {learning} · 新卡 {new}",
    question_keys="空格/回车 显示答案 · s 搁置 · ! 暂停 · e 编辑 · w 我的答案 · u 撤销 · q 退出",
    answer_keys="1-4 评分 · s 搁置 · ! 暂停 · e 编辑 · w 我的答案 · u 撤销 · q 退出",
    rate_hint="请按 1、2、3 或 4 评分。",
    no_cards="现在没有要复习的卡片。",
    finished="恭喜！本轮复习已完成。",
    nothing_to_undo="没有可撤销的回答。",
    buried="已将“{question}”搁置到明天。",
    answered_elsewhere="（这张卡片也在另一个会话中被回答过；两次回答都已保存）",
    store_busy="复习记录库正忙（另一个程序正在写入），正在重试。按 q 放弃这次评分。",
    not_saved="对 {card} 的评分没有保存：复习记录库一直忙。",
    store_busy_later="复习记录库正忙（另一个程序正在写入），请稍后再按一次。",
    no_editor="请设置 $EDITOR 以编辑卡片；这张卡片位于 {place}。",
    edit_bundled=(
        "这张卡片随 interview-srs 一起安装（{place}），在那里修改会在下次升级时丢失。"
        "请在 {own} 里写一张你自己的卡片（用新的 id），或在项目源码里修改题库。"
    ),
    edit_problems="卡片文件有问题；仍显示修改前的卡片：",
    summary_title="本次复习小结",
    summary_reviewed="复习 {count} 次，用时 {time}（平均每次 {average}）。",
    summary_none="没有复习任何卡片。",
    summary_ratings="评分：",
    summary_tomorrow="明天的计划：复习 {due} 张，新卡 {new} 张。",
    stats_title="{today} 的统计（每天 {rollover}:00 开始新的一天）",
    stats_columns=("牌组", "新卡", "学习中", "复习", "重学", "暂停", "搁置", "到期", "保持率"),
    stats_total="合计",
    stats_forecast="未来 30 天到期",
    stats_history="过去 30 天复习量",
    stats_retention="真实记忆保持率（过去 30 天）：{value}，共 {reviews} 次复习（目标 {desired}）",
    stats_retention_none="真实记忆保持率（过去 30 天）：还没有复习（目标 {desired}）",
    stats_retrievability="当前平均可提取性：{value}，共 {cards} 张卡片",
    stats_retrievability_none="当前平均可提取性：还没有复习过的卡片",
    scroll="第 {first}–{last} 行，共 {total} 行 · j/k 或 ↑/↓ 滚动",
    reveal_first="请先按空格或回车看答案，再按 1–4 评分。",
    suspended="已暂停“{question}”：在 `srs unsuspend {card}` 之前不再出现。",
    undone_answer="已撤销对“{question}”的回答。",
    undone_bury="已取消搁置“{question}”。",
    undone_suspend="已取消暂停“{question}”。",
    leech="难记卡：已遗忘 {lapses} 次。建议重写你自己的答案：srs answer {card}",
    summary_today="今天还剩：到期 {due} · 学习中 {learning} · 新卡 {new}。",
    summary_bank="题库里还没学过的新卡：{left} 张（今天想多学可用 `srs review --new N`）。",
    summary_next="现在没有到期的卡片；下一张在 {when} 到期。",
    stats_fresh="共 {cards} 张卡片、{decks} 个牌组，还没有复习过。从 `srs review` 开始吧。",
    stats_no_store="还没有复习记录（{path} 不存在）。从 `srs review` 开始吧。",
    stats_target="{value}/{desired}",
    stats_no_value="-/{desired}",
    stats_chart="{title}：共 {total}，最多在 {day}（{peak}）",
    stats_chart_empty="{title}：无",
    stats_leeches="难记卡（遗忘 {threshold} 次以上；用 `srs answer ID` 重写你的答案）：",
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
    stories_title="故事（{folder}）：{count} 个",
    stories_unused="（还没有答案引用）",
    stories_summary="已写答案：{written} 篇；行为题已作答：{answered}/{total}",
    stories_missing="还没有你自己答案的行为题：",
    stories_hint="用 `srs answer 卡片ID` 写答案，用 `srs answer --story 故事名` 写故事。",
    answer_new="（新建，已预填）",
    answer_no_editor="设置 $EDITOR（或 $VISUAL）即可用你的编辑器打开它",
    mock_progress="模拟面试 · 第 {position}/{count} 题 · 目标用时 {target}",
    mock_speak_keys="请出声作答；答完按空格/回车 · q 结束",
    mock_type_prompt="请输入你的回答；空行结束（单独输入 q 结束面试）。",
    mock_time="用时 {time}，目标 {target}",
    mock_over="超时 {time}",
    mock_left="剩余 {time}",
    mock_coverage="你的回答覆盖了",
    mock_followup="追问",
    mock_suggested="建议评分：{rating}",
    mock_rate_keys="1-4 评分 · w 我的答案 · q 结束",
    mock_report_title="模拟面试报告：共 {planned} 题，答了 {answered} 题",
    mock_missed="遗漏：",
    mock_report_totals="超时 {overruns} 题 · 平均评分 {average}",
    mock_weakest="最薄弱的主题：",
    mock_review_next="接下来复习：",
    mock_none="无",
    mock_history="模拟面试记录",
    mock_history_line="答了 {answered}/{planned} 题 · 平均评分 {average} · 超时 {overruns} · 薄弱：{weakest}",
    mock_interrupted="（中断）",
    mock_general_openers="开场题和反问题取自通用牌组 {deck}。",
    sheet_title="{title} 面试速览",
    sheet_subtitle="共 {count} 张卡片，最薄弱的在前（{at} 的预测记忆率）",
    sheet_recall="记忆率 {recall}",
    sheet_never="未复习",
    sheet_metric="可引用的数字",
    interview_added="已添加面试 {name}：{at}，卡组 {decks}。",
    interview_skipped_hour="你的时区里没有 {moment}（这一小时因夏令时被跳过），已按 {at} 记录。",
    interview_removed="已删除面试 {name}。",
    interview_none="没有即将到来的面试。用 `srs interview add 名称 日期` 添加。",
    interview_units=("天", "天", "小时", "小时"),
    interview_head="{name}：{at}，还有 {left}",
    interview_past="{name}：{at}，已结束",
    interview_decks="  卡组：{decks}",
    interview_cards="  卡片 {cards} · 未学 {never} · 准备度 {readiness} · 最低 {lowest} · 低于 {target}：{below}",
    interview_weakest="  最弱：",
    interview_then="  面试时：准备度 {readiness} · 最低 {lowest} · 低于 {target}：{below}",
    interview_plan="  此前每次复习的答题量：{days}",
    interview_plan_day="{date} {answers} 次（约 {minutes} 分钟）",
    interview_outlook="  照此计划：面试时准备度 {readiness} · 低于目标：{below}",
    interview_far="  每次复习的答题量：面试前 {days} 天起给出预估",
    interview_heavy="  {name} {when}：约 {answers} 次作答，{sessions}约 {minutes} 分钟（超过每天 daily_minutes = {limit} 分钟）。",
    interview_sessions=("今天", "今天和明天", "{count} 次复习"),
    interview_when=("今天 {time}", "明天 {time}", "{date} {time}"),
    interview_helps="  可以这样减负：`srs review --interview {name}`（只复习它的卡片）；减少其他卡组的新卡（config.toml 的 new_per_day，或 `srs review --new 0`）；暂停面试前用不到的卡组的卡片（`srs suspend ID...`）。",
)


def texts_for(environ: dict | None = None) -> Texts:
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return ZH if value.lower().startswith("zh") else EN
    return EN


__all__ = ["EN", "ZH", "Texts", "texts_for"]
