"""The wording of a 面经: what marks a question, an answer, a follow-up, a heading or a remark,
and the tests one line or sentence is put to (see extract.py for how they are used in order).

Patterns and pure functions of one line; no state. Kept apart from the reading loop so each stays
short enough to read.
"""

from __future__ import annotations

import re

CN_NUMBER = "一二三四五六七八九十"
# A list marker at the start of a line; group "n" is what follows it.
NUMBERED = re.compile(
    r"^(?:#{1,6}\s*)?(?:\*\*)?\s*(?:"
    r"[（(]\s*\d{1,3}\s*[)）]|\d{1,3}\s*[.．、)）:：]|\d{1,3}\s*-(?!\d+\s*(?:分钟|min|天|个|年|小时|人|%|k|K|w|万))|\d{1,3}(?=\s)"
    r"|[Qq]\s*\d{1,3}\s*[.．、:：)]?|问题\s*\d{1,3}\s*[.．、:：]?|题目\s*\d{1,3}\s*[.．、:：]?"
    rf"|第\s*[{CN_NUMBER}\d]{{1,3}}\s*[题问个]\s*[.．、:：]?|[{CN_NUMBER}]{{1,3}}\s*[、.．]|[①-⑳]"
    r")\s*(?:\*\*)?\s*(?P<n>.*)$"
)
# "手撕：反转链表": a coding task set in the interview is asked like any question.
TURN = re.compile(
    r"^(?:面试官|面试官问|问题|问|题目|[Qq]|interviewer|手撕|算法题|编程题|笔试题)\s*[:：]\s*(?P<n>.+)$", re.IGNORECASE
)
ANSWER = re.compile(
    r"^(?:\*\*)?\s*(?:答|回答|我答|我的回答|参考答案|答案|参考回答|示范回答|答题思路|范例|[Aa]|我)\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*(?P<n>.*)$"
)
# Prep-guide labels whose content is neither question nor answer example.
SKIPPED_LABEL = re.compile(r"^(?:考察目标|考察点|考点|考察|回答思路|思路|解析|点评|避坑|加分项|注意|提示|tips?)\s*[:：]", re.I)
FOLLOWUP = re.compile(
    r"^(?:[（(]?追问了?我?\s*\d*\s*[)）]?\s*[:：]?|(?:面试官|她|他|对方)?(?:又|接着|继续|还)?追问了?我?)\s*[:：]?\s*(?P<n>.+)$"
)
FOLLOWUP_NEAR = re.compile(r"^(?:面试官|她|他)(?:接着|继续|又|顺着[^，,]{0,8})问(?:了|我)?\s*[:：]?\s*(?P<n>.+)$")
FOLLOWUP_MARK = re.compile(r"\s*[（(【\[]\s*追问\s*[)）】\]]\s*")
NARRATIVE = re.compile(
    r"(?:面试官|hr|HR|主管|leader|他|她|对方)?(?:(?:先是?|首先|开始|一上来|上来|然后|接着|之后|随后|后来|紧接着|又|还|再|最后|另外|其次)\s*)*"
    r"(?:问了我|问我|问了|问到|问(?!题)|让我|要我|被问到|被问)\s*[:：]?\s*"
)
NARRATIVE_START = re.compile(
    r"^(?:面试官|hr|HR|主管|leader|对方)?(?:(?:先是?|首先|开始|一上来|上来|然后|接着|之后|随后|后来|紧接着|又|还|再|最后|另外|其次)\s*)*"
    r"(?:问了我|问我|问了|问到|让我|要我|被问到|被问|问(?!题))\s*[:：]?\s*(?P<n>.+)$",
    re.IGNORECASE,
)
TITLE = re.compile(
    rf"^(?:[{CN_NUMBER}\d]+\s*[面轮]|hr\s*面|HR\s*面|终面|群面|笔试|业务面|主管面|总监面|交叉面|加面|leader\s*面|面试(?:过程|流程|经历|经验|感受|总结|内容|题目|问题|记录)|"
    r"第[{CN_NUMBER}\d]+部分|总结|背景|个人(?:情况|背景|信息)|岗位|时间线|timeline)",
    re.IGNORECASE,
)
LIST_HEADING = re.compile(r"(?:面试题|问题|题目|真题|问了|被问|面经|常见问|高频|一面|二面|三面|终面|hr\s*面|业务面|主管面)", re.I)
NOT_LIST_HEADING = re.compile(r"(?:经验|感受|感想|心得|总结|复盘|建议|小贴士|tips|准备|流程|背景|结果|后续)", re.I)
# Reads as a question: interrogatives, or an imperative that asks for an answer.
ASKS = re.compile(
    r"(?:什么|怎么|怎样|如何|为什么|为何|哪些|哪个|哪里|哪儿|哪方面|多少|多久|几个|几点|是否|能否|可否|有没有|有无|会不会|"
    r"能不能|是不是|要不要|对不对|[吗呢][。！]?$|吧[？?])"
)
# Words that make a list item a question only where a list of questions is expected.
ASKS_WEAKLY = re.compile(r"(?:区别|差异|理解|看法|看待|认识|优缺点|优势|劣势|原因|思路|举例|举个例子)")
IMPERATIVE = re.compile(
    r"^(?:请你?|你)?(?:先|再|简单|简要|详细|具体)?(?:说一下|说说|说下|讲一下|讲讲|讲下|讲一个|讲一次|说一次|介绍一下|介绍下|介绍|谈谈|谈一谈|谈一下|聊聊|聊一下|聊(?=[^得了过天])|"
    r"描述|分享|举例|举个例子|分析|设计|解释|简述|列举|评价|对比|比较|阐述|概括|总结一下|复盘|做一个|做个|做一下|用\S{0,6}做|"
    r"自我介绍|如果|假如|假设|给你|让你|现在有|有一个|有个|某|针对|你觉得|你认为|你怎么看|挑(?:一|个|简历))"
)
REMARK = re.compile(
    r"^(?:我(?!们的|们为什么|被问)|感觉|整体|总体|总的来说|面试官(?:人|很|挺|比较|特别|非常|好像|全程|态度|小姐姐|小哥哥)|氛围|希望|祝|求|"
    r"攒人品|许愿|还愿|面完|已经|目前|听说|个人觉得|个人感觉|估计|大概|可能是|可能|应该|结果|最终|后来收到|收到|等通知|"
    r"hr说|HR说|还是|不过|但是|所以|因为|其实|说实话|当时|这题|这个问题|这里|emm|哈哈|ps|PS|注|备注|总之|以上)",
)
LOGISTICS = re.compile(r"(?:薪资|offer|oc|意向书|谈薪|背调|等通知|流程|约面|挂了|凉了|感谢信|timeline|base|hc)", re.I)
# The article asking about interviews ("客服面试会问哪些问题？"), not an interviewer asking.
META = re.compile(r"面试.{0,6}(?:会问|问了?哪些|问什么|常见问题|高频问题|怎么准备|如何准备)|如何准备才能|面经")
TITLE_LINE = re.compile(r"面经|面试题|面试记录|面试经验|[一二三四终]面|hr面|HR面", re.I)
ACROSS_SENTENCES = re.compile(r"(?<=[。！？；!?;])")
TRAILING_ASIDE = re.compile(r"\s*[（(【\[][^（）()【】\[\]]{1,40}[)）】\]]\s*$")
ASCII_ACRONYM = re.compile(r"^[A-Za-z0-9 .+\-/&]{1,12}$")
ANSWER_TAIL = re.compile(r"[，,；;]\s*(?:我(?:说|答|回答|讲|从|就|当时|先|提到|举了)|答[:：]|回答[:：]).*$")
# "道歉与共情：…": a labelled point of an answer, not a question.
LABELLED = re.compile(r"^[^，,。？?：:]{2,10}[:：](?![^？?]*[？?]\s*$)")
QUOTES = "“”\"'‘’「」『』"
# "（我：kubernetes, golang）": the candidate's answer between two questions on one line.
MY_ASIDE = re.compile(r"\s*[（(]\s*我\s*[:：][^（）()]*[)）]\s*")
# "接着聊到了 K8S 的项目", "先聊了聊项目": a topic the interviewer talked through with the candidate.
CHAT_START = re.compile(r"^(?:(?:先|首先|开始|接着|然后|之后|随后|又|还|再|最后)\s*)*聊(?:了聊|到了|到|了|聊)\s*(?P<n>.+)$")
# A section of answers to the questions already listed ("参考回答", "答案解析"): nothing new is asked there.
ANSWERS_HEADING = re.compile(r"^[【\[]?(?:参考(?:回答|答案)|答案(?:解析)?|回答示例|详细解答)[】\]]?$")
# A page's own lines: dates, counts, bylines ("发布于 2024-03-18 | 浏览 1203").
PAGE_META = re.compile(r"\d{4}[-/.年]\d{1,2}|发布|浏览|阅读|评论|作者|编辑于|点赞|收藏|关注|\|")
# "1.聊实习 2.volatile关键字作用 3.…": a list pasted without its line breaks.
INLINE_NUMBER = re.compile(r"(?:^|(?<=\s))(\d{1,2})\s*[.．、](?!\d)")
INLINE_TASK = re.compile(r"\s+(?=(?:手撕|算法题|编程题|笔试题)\s*[:：])")

def strip_markup(raw: str) -> str:
    """The line without markdown bullets, quote marks, emphasis and surrounding spaces."""
    line = raw.strip().replace("**", "").replace("__", "")
    line = re.sub(r"^(?:>\s*)+", "", line)
    line = re.sub(r"^[—–]{1,3}\s*", "", line)
    line = re.sub(r"^(?:[-*+](?=\s)|[•·●○◆◇▪▶►✅✔☆★])\s*", "", line)
    line = re.sub(r"^(?:[-*+](?=\s)|[•·●○◆◇▪▶►✅✔☆★])\s*", "", line)
    if re.fullmatch(r"[-=_*~—.。·\s]+", line):
        return ""
    return line.strip()


def indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip())


def heading_text(raw: str, line: str) -> str | None:
    """The heading's text when the line is a heading (markdown `#`, a bare title, `xxx：`)."""
    stripped = raw.strip()
    if re.match(r"^#{1,6}\s", stripped) and not NUMBERED.match(stripped.lstrip("#").strip()):
        return stripped.lstrip("#").strip()
    if TURN.match(line):
        return None  # "手撕：反转链表": a marked question, however short
    body = line.rstrip("：:").strip()
    if line.endswith(("：", ":")) and len(body) <= 20 and not ASKS.search(body):
        return body
    if is_title(line) and not re.search(r"[？?]", line):
        return line
    return None


def is_title(text: str, loose: bool = True) -> bool:
    """A section or round title ("一面（30min）", "二、业务面", "面试经验"), not a question;
    `loose` also takes any short line that does not ask (in a list of questions, "实习经历" asks)."""
    core = TRAILING_ASIDE.sub("", text.strip().rstrip("：:")).strip()
    numbered = NUMBERED.match(core)
    if numbered and numbered.group("n"):
        core = numbered.group("n").strip()
    if re.search(r"[？?]", core) or len(core) > 24:
        return False
    if TITLE.match(core):
        return True
    return loose and len(core) <= 8 and not ASKS.search(core) and not IMPERATIVE.match(core) and not CHAT_START.match(core)


def inline_items(raw: str) -> list[str]:
    """A line holding a whole numbered list ("1.… 2.… 3.…", three or more in order) as its items,
    a coding task after the last ("手撕：…") as one more; any other line as it is."""
    markers = list(INLINE_NUMBER.finditer(raw))
    starts: list[int] = []
    for marker in markers:
        if int(marker.group(1)) == len(starts) + 1 and (starts or not raw[: marker.start()].strip()):
            starts.append(marker.start())
    if len(starts) < 3:
        return [raw]
    items = [raw[start:end].strip() for start, end in zip(starts, starts[1:] + [len(raw)])]
    return items[:-1] + [part.strip() for part in INLINE_TASK.split(items[-1]) if part.strip()]


def continues(body: str, line: str) -> bool:
    """A PDF's hard line break: the question's line stopped inside its note ("(重点准备|极高") or
    mid-word ("…从哪几个维度入"), and this short line ends it ("频)", "手？(需深度思考)")."""
    if len(line) > 24 or NUMBERED.match(line) or FOLLOWUP.match(line) or FOLLOWUP_MARK.search(line):
        return False
    unclosed = body.count("(") + body.count("（") > body.count(")") + body.count("）")
    if unclosed:
        return bool(re.search(r"[)）]\s*$", line)) and not re.search(r"[（(]", line)
    fragment = re.match(r"[^？?（(]*", line).group()
    return not re.search(r"[。？?！!）)」”\"]\s*$", body) and len(fragment) <= 3 and bool(
        re.search(r"[)）？?]\s*$", line) or re.search(r"[？?]\s*[（(][^）)]*$", line)  # its note may break again
    )


def listed_line(line: str) -> str | None:
    """Under a round's heading, an unmarked line naming a topic ("golang 的 gc 算法") is asked; a
    line of the candidate's answer ("知道是三色标记，不过细节说不上来") is not: it speaks of
    themselves, says what is or was, or ends a sentence."""
    if (len(line) > 60 or re.search(r"[。！!；;…]\s*$", line) or "我" in line or REMARK.match(line)
            or LABELLED.match(line) or LOGISTICS.search(line) or META.search(line) or PAGE_META.search(line)):
        return None
    if not ASKS.search(line) and (len(line) > 30 or re.search(r"[了是不没过]", line) or TITLE_LINE.search(line)):
        return None  # an answer, or the document's own title ("字节跳动内容运营高频面试题")
    text = clean_question(line)
    return text if len(text) >= 4 else None


def chat_topic(line: str) -> str | None:
    """"接着聊到了 K8S 的项目" → "聊聊K8S 的项目": the topic, asked as the interviewer did."""
    chat = CHAT_START.match(line)
    topic = clean_question(chat.group("n")) if chat else ""
    return f"聊聊{topic}" if len(topic) >= 2 and "我" not in topic else None


def sentences(text: str) -> list[str]:
    """Sentences (split after 。！？；, and around the candidate's "（我：…）"), then narrative
    clauses ("，然后问了…") within them."""
    parts = []
    for sentence in (piece for part in MY_ASIDE.split(text) for piece in ACROSS_SENTENCES.split(part)):
        clauses = re.split(
            r"[，,]\s*(?=(?:面试官|她|他)?(?:(?:然后|接着|之后|随后|后来|紧接着|又|还|再|最后|另外)(?:问|让我|要我|追问)|追问))",
            sentence,
        )
        parts.extend(clause.strip() for clause in clauses if clause.strip())
    return parts


def ask(body: str, listed: bool) -> str | None:
    """The cleaned question when a numbered or marked item's text is one, else None."""
    if re.match(r"^反问\s*[:：]\s*(?!.*你)", body):
        return None  # the candidate's own questions at the end, not the interviewer's
    text = clean_question(body)
    if not text or len(text) < 3:
        return None
    narrative = NARRATIVE_START.match(text)
    if narrative and len(narrative.group("n")) >= 3 and not REMARK.match(text):
        return clean_question(narrative.group("n"))
    if REMARK.match(text) and not asks_me(text):
        return None
    if reads_as_question(text):
        return text
    if listed and 4 <= len(text) <= 120 and not is_title(text, loose=False) and not LOGISTICS.search(text):
        return text
    return None


def ask_in(sentence: str) -> str | None:
    """A question found inside running text: narrative ("面试官问我…") or one that asks."""
    sentence = sentence.strip()
    if not sentence:
        return None
    if topic := chat_topic(sentence):
        return topic
    narrative = NARRATIVE_START.match(sentence)
    if narrative:
        inner = clean_question(narrative.group("n"))
        if inner and len(inner) >= 3 and not re.match(r"^(?:了|我|一下|的|过)$", inner):
            return inner
    if REMARK.match(sentence) and not asks_me(sentence):
        return None
    if "问" in sentence and (found := re.search(r"(?:面试官|他|她|对方|hr|HR)[^，,。追]{0,6}?(?<!追)(?:问了我|问我|问了|问到|让我)\s*[:：]?\s*(?P<n>.{3,})", sentence)):
        inner = clean_question(found.group("n"))
        if inner and len(inner) >= 3:
            return inner
    text = clean_question(sentence)
    if not text or META.search(text):
        return None
    if re.search(r"[？?]$", sentence.rstrip("”\"」』)）").strip()) and len(text) >= 4 and ASKS.search(text):
        return text
    if text and IMPERATIVE.match(text) and 4 <= len(text) <= 60 and re.match(r"^(?:请|说|讲|介绍|谈|聊|描述|分享|举|自我介绍)", text):
        return text
    return None


def whole_line_question(line: str) -> str | None:
    """A short line that is one question, however many sentences ("…是什么？怎么计算？")."""
    if len(line) > 80 or NARRATIVE_START.match(line) or CHAT_START.match(line) or REMARK.match(line) or "问" in line:
        return None
    text = clean_question(line)
    if not text or len(text) < 4 or META.search(text):
        return None
    if re.search(r"[？?]\s*$", line) and ASKS.search(text) or (IMPERATIVE.match(text) and re.match(
        r"^(?:请|说|讲|介绍|谈|聊|描述|分享|举|自我介绍)", text
    )):
        return text
    return None


def asks_me(text: str) -> bool:
    """A line that starts like a remark but asks the candidate something ("你觉得…吗？")."""
    return bool(re.search(r"你.*[？?]\s*$", text)) and not text.startswith("我")


def reads_as_question(text: str) -> bool:
    if META.search(text):
        return False
    if re.search(r"[？?]", text):
        return True
    if IMPERATIVE.match(text):
        return True
    if re.search(r"自我介绍|反问", text):
        return True
    return bool(ASKS.search(text)) and not LOGISTICS.search(text) and len(text) <= 80


def is_note(line: str) -> bool:
    """A remark of the writer about the question just asked, worth keeping beside it."""
    return len(line) <= 120 and bool(
        re.search(r"面试官|感觉|这题|这个问题|这块|重点|在意|关注|答得|没答|卡住|追着|深挖|细节|数据", line)
    ) and not re.search(r"[？?]\s*$", line)


def clean_question(text: str) -> str:
    """The interviewer's wording without markers, asides, quotes and the candidate's answer."""
    text = text.strip().strip("*").strip()
    text = FOLLOWUP_MARK.sub("", text)
    text = re.sub(r"^(?:#{1,6}\s*)", "", text)
    numbered = NUMBERED.match(text)
    if numbered and numbered.group("n"):
        text = numbered.group("n")
    text = re.sub(r"^(?:面试官|问题?|题目|[Qq]|手撕|算法题|编程题|笔试题)\s*\d*\s*[:：]\s*", "", text)
    text = MY_ASIDE.sub(" ", text)
    if text.count("(") + text.count("（") > text.count(")") + text.count("）"):
        text = re.sub(r"\s*[（(][^（）()]{0,16}$", "", text)  # a note cut off by a line break: "(重点准备|极高"
    text = ANSWER_TAIL.sub("", text).strip()
    text = re.sub(r"^(?:关于[^：:“\"]{1,12}[:：]\s*)(?=[“\"])", "", text)  # "关于团队：“请问…”"
    while True:
        aside = TRAILING_ASIDE.search(text)
        if not aside:
            break
        inside = aside.group().strip().strip("（()）【】[]")
        if ASCII_ACRONYM.match(inside) and not re.search(r"min|分钟", inside, re.I):
            break  # "（RTB）", "(DAU)": part of the question
        text = text[: aside.start()].rstrip()
    text = text.strip().strip("*").strip()
    if len(text) >= 2 and text[0] in QUOTES and text[-1] in QUOTES + "？?":
        text = text.strip(QUOTES).strip()
    text = re.sub(r"\s+", " ", text).rstrip("，,、；;：:。 ")
    return text


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
