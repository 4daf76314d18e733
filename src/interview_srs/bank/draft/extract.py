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
- Under a round's heading ("一面"), an unmarked short line naming a topic ("golang 的 gc 算法")
  is asked, while the candidate's answer after it ("知道是三色标记，不过细节说不上来") is not;
  "（我：…）" between two questions on one line is an answer that separates them.
- Pasted layouts: a whole list on one line ("1.… 2.… 3.…") is split into its items; a PDF's
  hard line break inside a question or its note ("(重点准备|极高" / "频)") is joined; questions
  asked again under "参考回答" after the list are the same questions, not new ones.

Salary and HR talk: a question put to the candidate ("期望薪资多少？", "什么时候能到岗？") is a
real HR-round question and is kept; statements about the process ("谈了薪资", "等通知", "oc 了")
are not questions and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from interview_srs.bank.draft.wording import (
    ANSWER, ANSWERS_HEADING, FOLLOWUP, FOLLOWUP_MARK, FOLLOWUP_NEAR, LABELLED, LIST_HEADING, NOT_LIST_HEADING, NUMBERED,
    MY_ASIDE, SKIPPED_LABEL, TITLE_LINE, TURN, ask, ask_in, clean_question, continues, heading_text, indent,
    inline_items, is_note, is_title, listed_line, sentences, shorten, strip_markup, whole_line_question,
)


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
    body: str = ""  # a numbered item's text as written, which a PDF's line break may have cut short
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
    in_answers_section = False  # under "参考回答" after the questions: they are asked again there
    since_question = 99  # non-blank lines read since the last question
    pending_followups: dict[int, list[str]] = {}  # follow-ups of questions found on this line
    first = True
    for number, raw in ((n, item) for n, whole in enumerate(text.split("\n"), 1) for item in inline_items(whole)):
        line = strip_markup(raw)
        if not line:
            continue
        if current is not None and current.body and since_question == 0 and continues(current.body, line):
            current.body += line  # "…从哪几个维度入" + "手？(需深度思考)"
            current.text = clean_question(current.body) or current.text
            continue
        if first and TITLE_LINE.search(line) and not NUMBERED.match(line) and not TURN.match(line):
            in_list = True  # "京东 活动运营 一面 面经": what follows is its questions
            first = False
            continue  # a title, even one asking its reader ("字节一面：这些问题你都答对了吗？")
        first = False
        if line.startswith("```"):
            fenced_list = in_list and not fenced_list
            continue
        since_question += 1
        answer = ANSWER.match(line)
        if answer and current is not None:
            in_answer = True
            current.answer.append(answer.group("n"))
            continue
        heading = heading_text(raw, line)
        if heading is not None and found and ANSWERS_HEADING.search(heading):
            in_answers_section = True
            continue
        if heading is not None:
            listing = bool(LIST_HEADING.search(heading)) and not NOT_LIST_HEADING.search(heading)
            in_answers_section = in_answers_section and not listing
            section = raw.lstrip().startswith("#") or is_title(heading, loose=False) or bool(NUMBERED.match(line))
            if listing or section or NOT_LIST_HEADING.search(heading) or "反问" in heading:
                in_answer = False  # a new section; a label such as "核心原则：" stays in the answer
                in_list = listing
                in_reverse = "反问" in heading
            continue
        if in_answers_section:
            continue
        if SKIPPED_LABEL.match(line):
            in_answer = True
            continue
        follow = FOLLOWUP.match(line)
        if (follow or FOLLOWUP_MARK.search(line)) and current is not None:
            asked = FOLLOWUP_MARK.sub("", follow.group("n") if follow else line)
            for part in sentences(asked):
                cleaned = clean_question(part)
                if cleaned and len(cleaned) >= 3:
                    current.followups.append(cleaned)
            in_answer = False
            since_question = 0
            continue
        near = FOLLOWUP_NEAR.match(line)
        if near and current is not None and since_question <= 2 and not NUMBERED.match(line):
            cleaned = clean_question(near.group("n"))
            if cleaned:
                current.followups.append(cleaned)
                since_question = 0
                continue
        turn = TURN.match(line)
        if turn and current is not None and (inner := FOLLOWUP.match(turn.group("n"))) and "追问" in turn.group("n")[:4]:
            cleaned = clean_question(inner.group("n"))
            if cleaned:
                current.followups.append(cleaned)
                since_question = 0
            continue
        if in_reverse:
            continue
        numbered = NUMBERED.match(line)
        marked = numbered or turn
        body = (numbered or turn).group("n").strip() if marked else line
        if marked and in_answer and current is not None and (
            indent(raw) > current.indent or LABELLED.match(body)
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
            asked = ask(body, listed=in_list or fenced_list or bool(turn))
            if asked:
                current = _Open(asked, number, indent(raw), body)
                if answer_text:
                    current.answer.append(answer_text)
                    in_answer = True
                found.append(current)
                since_question = 0
                continue
            if numbered and is_title(body):
                in_answer = False
                continue
        if in_answer:
            if current is not None:
                current.answer.append(line)
            continue
        new: list[str] = []
        whole = None if marked or MY_ASIDE.search(body) else whole_line_question(body)
        if whole:
            new = [whole]
        elif not marked:
            for sentence in sentences(body):
                follow = FOLLOWUP.match(sentence) or FOLLOWUP_NEAR.match(sentence)
                if follow and (new or current is not None):
                    cleaned = clean_question(follow.group("n"))
                    if cleaned and len(cleaned) >= 3:
                        if new:
                            pending_followups.setdefault(len(new) - 1, []).append(cleaned)
                        else:
                            current.followups.append(cleaned)  # type: ignore[union-attr]
                    continue
                asked = ask_in(sentence)
                if asked:
                    new.append(asked)
            if not new and in_list and (topic := listed_line(body)):
                new = [topic]  # "golang 的 gc 算法" under "一面"
        if new:
            for position, asked in enumerate(new):
                current = _Open(asked, number)
                current.followups.extend(pending_followups.get(position, []))
                found.append(current)
            pending_followups.clear()
            since_question = 0
        elif current is not None and is_note(line) and since_question <= 4:
            note = NUMBERED.match(line)
            current.notes.append(shorten(note.group("n") if note else line, 80))
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


