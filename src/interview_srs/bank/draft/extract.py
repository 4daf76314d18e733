"""Find the interview questions in a 面经, one each, with where they were and what came with them.

A 面经 mixes the questions with everything else: section titles ("一面（30min）"), the writer's
feelings ("感觉面试官人很好"), logistics ("等通知"), and often the answers. Only the interviewer's
questions become cards, so each line is read in the light of what came before it:

- A numbered item (`1.` `1、` `（1）` `Q1` `一、` `第一题`) or a marked turn (`问：` `Q:` `面试官：`)
  starts a question when its text reads as one; under a heading such as "面试题目" or "常见问题"
  a numbered item counts even without a question mark (a scenario: "用户情绪很激动，要求退款").
- After an answer marker (`答：` `参考答案` `回答：`), unmarked lines are the answer until the next
  numbered item, marked turn or heading: a rhetorical "为什么呢？" inside an answer is not asked.
- Narrative ("面试官问我…", "然后问了…", "接着让我…", "最后问…") and questions inside paragraphs
  are found sentence by sentence.
- `追问` (and "面试官接着问…" right after a question) attaches to the question before it.

Salary and HR talk: a question put to the candidate ("期望薪资多少？", "什么时候能到岗？") is a
real HR-round question and is kept; statements about the process ("谈了薪资", "等通知", "oc 了")
are not questions and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

CN_NUMBER = "一二三四五六七八九十"
# A list marker at the start of a line; group "n" is what follows it.
_NUMBERED = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(?:"
    r"[（(]\s*\d{1,3}\s*[)）]|\d{1,3}\s*[.．、)）:：]|\d{1,3}\s*-(?!\d+\s*(?:分钟|min|天|个|年|小时|人|%|k|K|w|万))|\d{1,3}(?=\s)"
    r"|[Qq]\s*\d{1,3}\s*[.．、:：)]?|问题\s*\d{1,3}\s*[.．、:：]?|题目\s*\d{1,3}\s*[.．、:：]?"
    rf"|第\s*[{CN_NUMBER}\d]{{1,3}}\s*[题问个]\s*[.．、:：]?|[{CN_NUMBER}]{{1,3}}\s*[、.．]|[①-⑳]"
    r")\s*(?:\*\*)?\s*(?P<n>.*)$"
)
_TURN = re.compile(r"^(?:面试官|面试官问|问题|问|题目|[Qq]|interviewer)\s*[:：]\s*(?P<n>.+)$", re.IGNORECASE)
_ANSWER = re.compile(
    r"^(?:\*\*)?\s*(?:答|回答|我答|我的回答|参考答案|答案|参考回答|示范回答|答题思路|范例|[Aa]|我)\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*(?P<n>.*)$"
)
# Prep-guide labels whose content is neither question nor answer example.
_SKIPPED_LABEL = re.compile(r"^(?:考察目标|考察点|考点|考察|回答思路|思路|解析|点评|避坑|加分项|注意|提示|tips?)\s*[:：]", re.I)
_FOLLOWUP = re.compile(
    r"^(?:[（(]?追问了?我?\s*\d*\s*[)）]?\s*[:：]?|(?:面试官|她|他|对方)?(?:又|接着|继续|还)?追问了?我?)\s*[:：]?\s*(?P<n>.+)$"
)
_FOLLOWUP_NEAR = re.compile(r"^(?:面试官|她|他)(?:接着|继续|又|顺着[^，,]{0,8})问(?:了|我)?\s*[:：]?\s*(?P<n>.+)$")
_FOLLOWUP_MARK = re.compile(r"\s*[（(【\[]\s*追问\s*[)）】\]]\s*")
_NARRATIVE = re.compile(
    r"(?:面试官|hr|HR|主管|leader|他|她|对方)?(?:(?:先是?|首先|开始|一上来|上来|然后|接着|之后|随后|后来|紧接着|又|还|再|最后|另外|其次)\s*)*"
    r"(?:问了我|问我|问了|问到|问(?!题)|让我|要我|被问到|被问)\s*[:：]?\s*"
)
_NARRATIVE_START = re.compile(
    r"^(?:面试官|hr|HR|主管|leader|对方)?(?:(?:先是?|首先|开始|一上来|上来|然后|接着|之后|随后|后来|紧接着|又|还|再|最后|另外|其次)\s*)*"
    r"(?:问了我|问我|问了|问到|让我|要我|被问到|被问|问(?!题))\s*[:：]?\s*(?P<n>.+)$",
    re.IGNORECASE,
)
_TITLE = re.compile(
    rf"^(?:[{CN_NUMBER}\d]+\s*[面轮]|hr\s*面|HR\s*面|终面|群面|笔试|业务面|主管面|总监面|交叉面|加面|leader\s*面|面试(?:过程|流程|经历|经验|感受|总结|内容|题目|问题|记录)|"
    r"第[{CN_NUMBER}\d]+部分|总结|背景|个人(?:情况|背景|信息)|岗位|时间线|timeline)",
    re.IGNORECASE,
)
_LIST_HEADING = re.compile(r"(?:面试题|问题|题目|真题|问了|被问|面经|常见问|高频|一面|二面|三面|终面|hr\s*面|业务面|主管面)", re.I)
_NOT_LIST_HEADING = re.compile(r"(?:经验|感受|感想|心得|总结|复盘|建议|小贴士|tips|准备|流程|背景|结果|后续)", re.I)
# Reads as a question: interrogatives, or an imperative that asks for an answer.
_ASKS = re.compile(
    r"(?:什么|怎么|怎样|如何|为什么|为何|哪些|哪个|哪里|哪儿|哪方面|多少|多久|几个|几点|是否|能否|可否|有没有|有无|会不会|"
    r"能不能|是不是|要不要|对不对|[吗呢][。！]?$|吧[？?])"
)
# Words that make a list item a question only where a list of questions is expected.
_ASKS_WEAKLY = re.compile(r"(?:区别|差异|理解|看法|看待|认识|优缺点|优势|劣势|原因|思路|举例|举个例子)")
_IMPERATIVE = re.compile(
    r"^(?:请你?|你)?(?:先|再|简单|简要|详细|具体)?(?:说一下|说说|说下|讲一下|讲讲|讲下|讲一个|讲一次|说一次|介绍一下|介绍下|介绍|谈谈|谈一谈|谈一下|聊聊|聊一下|"
    r"描述|分享|举例|举个例子|分析|设计|解释|简述|列举|评价|对比|比较|阐述|概括|总结一下|复盘|做一个|做个|做一下|用\S{0,6}做|"
    r"自我介绍|如果|假如|假设|给你|让你|现在有|有一个|有个|某|针对|你觉得|你认为|你怎么看|挑一)"
)
_REMARK = re.compile(
    r"^(?:我(?!们的|们为什么|被问)|感觉|整体|总体|总的来说|面试官(?:人|很|挺|比较|特别|非常|好像|全程|态度|小姐姐|小哥哥)|氛围|希望|祝|求|"
    r"攒人品|许愿|还愿|面完|已经|目前|听说|个人觉得|个人感觉|估计|大概|可能是|可能|应该|结果|最终|后来收到|收到|等通知|"
    r"hr说|HR说|还是|不过|但是|所以|因为|其实|说实话|当时|这题|这个问题|这里|emm|哈哈|ps|PS|注|备注|总之|以上)",
)
_LOGISTICS = re.compile(r"(?:薪资|offer|oc|意向书|谈薪|背调|等通知|流程|约面|挂了|凉了|感谢信|timeline|base|hc)", re.I)
# The article asking about interviews ("客服面试会问哪些问题？"), not an interviewer asking.
_META = re.compile(r"面试.{0,6}(?:会问|问了?哪些|问什么|常见问题|高频问题|怎么准备|如何准备)|如何准备才能|面经")
_TITLE_LINE = re.compile(r"面经|面试题|面试记录|面试经验|[一二三四终]面|hr面|HR面", re.I)
_ACROSS_SENTENCES = re.compile(r"(?<=[。！？；!?;])")
_TRAILING_ASIDE = re.compile(r"\s*[（(【\[][^（）()【】\[\]]{1,40}[)）】\]]\s*$")
_ASCII_ACRONYM = re.compile(r"^[A-Za-z0-9 .+\-/&]{1,12}$")
_ANSWER_TAIL = re.compile(r"[，,；;]\s*(?:我(?:说|答|回答|讲|从|就|当时|先|提到|举了)|答[:：]|回答[:：]).*$")
# "道歉与共情：…": a labelled point of an answer, not a question.
_LABELLED = re.compile(r"^[^，,。？?：:]{2,10}[:：](?![^？?]*[？?]\s*$)")
_QUOTES = "“”\"'‘’「」『』"


@dataclass(frozen=True)
class Question:
    """One interviewer question as found in the text."""

    text: str  # the interviewer's wording, numbering and markers removed
    line: int  # 1-based line of the text it starts on
    followups: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # the writer's remarks about it ("面试官很在意数据")
    answer: str = ""  # an answer the text gives (答：/参考答案：…), kept only as an example


@dataclass
class _Open:
    """The question being read, while its follow-ups, answer and remarks arrive."""

    text: str
    line: int
    indent: int = 0  # of a numbered item: deeper numbered lines inside its answer are answer points
    followups: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)

    def close(self) -> Question:
        answer = " ".join(part for part in self.answer if part).strip()
        if len(answer) > 600:
            answer = answer[:600].rstrip() + "…"
        return Question(self.text, self.line, tuple(dict.fromkeys(self.followups)), tuple(self.notes[:3]), answer)


def extract_questions(text: str) -> tuple[Question, ...]:
    """Every interviewer question in `text`, in order, each once (see the module docstring)."""
    found: list[_Open] = []
    current: _Open | None = None
    in_answer = False  # reading an answer: unmarked lines are not questions
    in_list = False  # under a heading that introduces a list of questions
    in_reverse = False  # under "反问": what the candidate asked, not the interviewer
    fenced_list = False  # inside ``` … ``` under such a heading
    since_question = 99  # non-blank lines read since the last question
    pending_followups: dict[int, list[str]] = {}  # follow-ups of questions found on this line
    for number, raw in enumerate(text.split("\n"), start=1):
        line = _strip_markup(raw)
        if not line:
            continue
        if not found and current is None and _TITLE_LINE.search(line) and not re.search(r"[？?]", line):
            in_list = True  # "京东 活动运营 一面 面经": what follows is its questions
        if line.startswith("```"):
            fenced_list = in_list and not fenced_list
            continue
        since_question += 1
        answer = _ANSWER.match(line)
        if answer and current is not None:
            in_answer = True
            current.answer.append(answer.group("n"))
            continue
        heading = _heading(raw, line)
        if heading is not None:
            listing = bool(_LIST_HEADING.search(heading)) and not _NOT_LIST_HEADING.search(heading)
            section = raw.lstrip().startswith("#") or _is_title(heading, loose=False) or bool(_NUMBERED.match(line))
            if listing or section or _NOT_LIST_HEADING.search(heading) or "反问" in heading:
                in_answer = False  # a new section; a label such as "核心原则：" stays in the answer
                in_list = listing
                in_reverse = "反问" in heading
            continue
        if _SKIPPED_LABEL.match(line):
            in_answer = True
            continue
        follow = _FOLLOWUP.match(line)
        if (follow or _FOLLOWUP_MARK.search(line)) and current is not None:
            asked = _FOLLOWUP_MARK.sub("", follow.group("n") if follow else line)
            for part in _sentences(asked):
                cleaned = clean_question(part)
                if cleaned and len(cleaned) >= 3:
                    current.followups.append(cleaned)
            in_answer = False
            since_question = 0
            continue
        near = _FOLLOWUP_NEAR.match(line)
        if near and current is not None and since_question <= 2 and not _NUMBERED.match(line):
            cleaned = clean_question(near.group("n"))
            if cleaned:
                current.followups.append(cleaned)
                since_question = 0
                continue
        turn = _TURN.match(line)
        if turn and current is not None and (inner := _FOLLOWUP.match(turn.group("n"))) and "追问" in turn.group("n")[:4]:
            cleaned = clean_question(inner.group("n"))
            if cleaned:
                current.followups.append(cleaned)
                since_question = 0
            continue
        if in_reverse:
            continue
        numbered = _NUMBERED.match(line)
        marked = numbered or turn
        body = (numbered or turn).group("n").strip() if marked else line
        if marked and in_answer and current is not None and (
            _indent(raw) > current.indent or _LABELLED.match(body)
        ):
            current.answer.append(line)  # "1. 道歉与共情：…" inside an answer
            continue
        if marked:
            in_answer = False
            inline_answer = re.search(r"\s(?:答|回答|A)\s*[:：]", body)
            answer_text = ""
            if inline_answer:
                answer_text = body[inline_answer.end():].strip()
                body = body[: inline_answer.start()]
            asked = _ask(body, listed=in_list or fenced_list or bool(turn))
            if asked:
                current = _Open(asked, number, _indent(raw))
                if answer_text:
                    current.answer.append(answer_text)
                    in_answer = True
                found.append(current)
                since_question = 0
                continue
            if numbered and _is_title(body):
                in_answer = False
                continue
        if in_answer:
            if current is not None:
                current.answer.append(line)
            continue
        new: list[str] = []
        whole = None if marked else _whole_line_question(body)
        if whole:
            new = [whole]
        elif not marked:
            for sentence in _sentences(body):
                follow = _FOLLOWUP.match(sentence) or _FOLLOWUP_NEAR.match(sentence)
                if follow and (new or current is not None):
                    cleaned = clean_question(follow.group("n"))
                    if cleaned and len(cleaned) >= 3:
                        if new:
                            pending_followups.setdefault(len(new) - 1, []).append(cleaned)
                        else:
                            current.followups.append(cleaned)  # type: ignore[union-attr]
                    continue
                asked = _ask_in(sentence)
                if asked:
                    new.append(asked)
        if new:
            for position, asked in enumerate(new):
                current = _Open(asked, number)
                current.followups.extend(pending_followups.get(position, []))
                found.append(current)
            pending_followups.clear()
            since_question = 0
        elif current is not None and _is_note(line) and since_question <= 4:
            note = _NUMBERED.match(line)
            current.notes.append(_shorten(note.group("n") if note else line, 80))
    return _unique(found)


def _unique(found: list[_Open]) -> tuple[Question, ...]:
    """Each question once: a repeat (same letters) adds its follow-ups to the first."""
    seen: dict[str, int] = {}
    questions: list[Question] = []
    for item in found:
        key = re.sub(r"[\W_]+", "", item.text).casefold()
        if not key:
            continue
        if key in seen:
            first = questions[seen[key]]
            questions[seen[key]] = replace(
                first, followups=tuple(dict.fromkeys(first.followups + tuple(item.followups)))
            )
            continue
        seen[key] = len(questions)
        questions.append(item.close())
    return tuple(questions)


def _strip_markup(raw: str) -> str:
    """The line without markdown bullets, quote marks, emphasis and surrounding spaces."""
    line = raw.strip().replace("**", "").replace("__", "")
    line = re.sub(r"^(?:>\s*)+", "", line)
    line = re.sub(r"^[—–]{1,3}\s*", "", line)
    line = re.sub(r"^(?:[-*+](?=\s)|[•·●○◆◇▪▶►✅✔☆★])\s*", "", line)
    line = re.sub(r"^(?:[-*+](?=\s)|[•·●○◆◇▪▶►✅✔☆★])\s*", "", line)
    if re.fullmatch(r"[-=_*~—.。·\s]+", line):
        return ""
    return line.strip()


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def _heading(raw: str, line: str) -> str | None:
    """The heading's text when the line is a heading (markdown `#`, a bare title, `xxx：`)."""
    stripped = raw.strip()
    if re.match(r"^#{1,6}\s", stripped) and not _NUMBERED.match(stripped.lstrip("#").strip()):
        return stripped.lstrip("#").strip()
    body = line.rstrip("：:").strip()
    if line.endswith(("：", ":")) and len(body) <= 20 and not _ASKS.search(body):
        return body
    if _is_title(line) and not re.search(r"[？?]", line):
        return line
    return None


def _is_title(text: str, loose: bool = True) -> bool:
    """A section or round title ("一面（30min）", "二、业务面", "面试经验"), not a question;
    `loose` also takes any short line that does not ask (in a list of questions, "实习经历" asks)."""
    core = _TRAILING_ASIDE.sub("", text.strip().rstrip("：:")).strip()
    numbered = _NUMBERED.match(core)
    if numbered and numbered.group("n"):
        core = numbered.group("n").strip()
    if re.search(r"[？?]", core) or len(core) > 24:
        return False
    if _TITLE.match(core):
        return True
    return loose and len(core) <= 8 and not _ASKS.search(core) and not _IMPERATIVE.match(core)


def _sentences(text: str) -> list[str]:
    """Sentences (split after 。！？；), then narrative clauses ("，然后问了…") within them."""
    parts = []
    for sentence in _ACROSS_SENTENCES.split(text):
        clauses = re.split(
            r"[，,]\s*(?=(?:面试官|她|他)?(?:(?:然后|接着|之后|随后|后来|紧接着|又|还|再|最后|另外)(?:问|让我|要我|追问)|追问))",
            sentence,
        )
        parts.extend(clause.strip() for clause in clauses if clause.strip())
    return parts


def _ask(body: str, listed: bool) -> str | None:
    """The cleaned question when a numbered or marked item's text is one, else None."""
    if re.match(r"^反问\s*[:：]\s*(?!.*你)", body):
        return None  # the candidate's own questions at the end, not the interviewer's
    text = clean_question(body)
    if not text or len(text) < 3:
        return None
    narrative = _NARRATIVE_START.match(text)
    if narrative and len(narrative.group("n")) >= 3 and not _REMARK.match(text):
        return clean_question(narrative.group("n"))
    if _REMARK.match(text) and not _asks_me(text):
        return None
    if _reads_as_question(text):
        return text
    if listed and 4 <= len(text) <= 120 and not _is_title(text, loose=False) and not _LOGISTICS.search(text):
        return text
    return None


def _ask_in(sentence: str) -> str | None:
    """A question found inside running text: narrative ("面试官问我…") or one that asks."""
    sentence = sentence.strip()
    if not sentence:
        return None
    narrative = _NARRATIVE_START.match(sentence)
    if narrative:
        inner = clean_question(narrative.group("n"))
        if inner and len(inner) >= 3 and not re.match(r"^(?:了|我|一下|的|过)$", inner):
            return inner
    if _REMARK.match(sentence) and not _asks_me(sentence):
        return None
    if "问" in sentence and (found := re.search(r"(?:面试官|他|她|对方|hr|HR)[^，,。追]{0,6}?(?<!追)(?:问了我|问我|问了|问到|让我)\s*[:：]?\s*(?P<n>.{3,})", sentence)):
        inner = clean_question(found.group("n"))
        if inner and len(inner) >= 3:
            return inner
    text = clean_question(sentence)
    if not text or _META.search(text):
        return None
    if re.search(r"[？?]$", sentence.rstrip("”\"」』)）").strip()) and len(text) >= 4 and _ASKS.search(text):
        return text
    if text and _IMPERATIVE.match(text) and 4 <= len(text) <= 60 and re.match(r"^(?:请|说|讲|介绍|谈|聊|描述|分享|举|自我介绍)", text):
        return text
    return None


def _whole_line_question(line: str) -> str | None:
    """A short line that is one question, however many sentences ("…是什么？怎么计算？")."""
    if len(line) > 80 or _NARRATIVE_START.match(line) or _REMARK.match(line) or "问" in line:
        return None
    text = clean_question(line)
    if not text or len(text) < 4 or _META.search(text):
        return None
    if re.search(r"[？?]\s*$", line) and _ASKS.search(text) or (_IMPERATIVE.match(text) and re.match(
        r"^(?:请|说|讲|介绍|谈|聊|描述|分享|举|自我介绍)", text
    )):
        return text
    return None


def _asks_me(text: str) -> bool:
    """A line that starts like a remark but asks the candidate something ("你觉得…吗？")."""
    return bool(re.search(r"你.*[？?]\s*$", text)) and not text.startswith("我")


def _reads_as_question(text: str) -> bool:
    if _META.search(text):
        return False
    if re.search(r"[？?]", text):
        return True
    if _IMPERATIVE.match(text):
        return True
    if re.search(r"自我介绍|反问", text):
        return True
    return bool(_ASKS.search(text)) and not _LOGISTICS.search(text) and len(text) <= 80


def _is_note(line: str) -> bool:
    """A remark of the writer about the question just asked, worth keeping beside it."""
    return len(line) <= 120 and bool(
        re.search(r"面试官|感觉|这题|这个问题|这块|重点|在意|关注|答得|没答|卡住|追着|深挖|细节|数据", line)
    ) and not re.search(r"[？?]\s*$", line)


def clean_question(text: str) -> str:
    """The interviewer's wording without markers, asides, quotes and the candidate's answer."""
    text = text.strip().strip("*").strip()
    text = _FOLLOWUP_MARK.sub("", text)
    text = re.sub(r"^(?:#{1,6}\s*)", "", text)
    numbered = _NUMBERED.match(text)
    if numbered and numbered.group("n"):
        text = numbered.group("n")
    text = re.sub(r"^(?:面试官|问题?|题目|[Qq])\s*\d*\s*[:：]\s*", "", text)
    text = _ANSWER_TAIL.sub("", text).strip()
    text = re.sub(r"^(?:关于[^：:“\"]{1,12}[:：]\s*)(?=[“\"])", "", text)  # "关于团队：“请问…”"
    while True:
        aside = _TRAILING_ASIDE.search(text)
        if not aside:
            break
        inside = aside.group().strip().strip("（()）【】[]")
        if _ASCII_ACRONYM.match(inside) and not re.search(r"min|分钟", inside, re.I):
            break  # "（RTB）", "(DAU)": part of the question
        text = text[: aside.start()].rstrip()
    text = text.strip().strip("*").strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES + "？?":
        text = text.strip(_QUOTES).strip()
    text = re.sub(r"\s+", " ", text).rstrip("，,、；;：:。 ")
    return text


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
