"""Finding questions: each pattern, what is not a question, follow-ups, notes and answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview_srs.bank.draft import clean_question, extract_questions, read_hints


def texts(text: str) -> list[str]:
    return [q.text for q in extract_questions(text)]


@pytest.mark.parametrize(
    "line",
    [
        "1. 为什么选择美团？", "1、为什么选择美团？", "（1）为什么选择美团？", "(1) 为什么选择美团？", "Q1 为什么选择美团？",
        "Q1: 为什么选择美团？", "一、为什么选择美团？", "第一题：为什么选择美团？", "问：为什么选择美团？", "Q: 为什么选择美团？",
        "面试官：为什么选择美团？", "面试官问我为什么选择美团", "然后问了为什么选择美团", "最后问为什么选择美团", "- 为什么选择美团？",
        "## 1. 为什么选择美团？", "1- 为什么选择美团？", "**1. 为什么选择美团？**",
    ],
)
def test_each_way_of_marking_a_question(line):
    assert [q.rstrip("？") for q in texts(line)] == ["为什么选择美团"]


@pytest.mark.parametrize(
    ("line", "question"),
    [
        ("说一下你对私域的理解", "说一下你对私域的理解"),
        ("讲讲你做过的一次拉新活动", "讲讲你做过的一次拉新活动"),
        ("介绍一下你的实习项目", "介绍一下你的实习项目"),
        ("谈谈你对内容生态的看法", "谈谈你对内容生态的看法"),
        ("接着让我讲了一个活动复盘", "讲了一个活动复盘"),
    ],
)
def test_questions_without_a_question_mark(line, question):
    assert texts(line) == [question]


def test_questions_inside_a_paragraph_are_found_sentence_by_sentence():
    paragraph = "面试官人很好。先让我做了自我介绍，然后问了我为什么想做运营。接着问我实习中最有成就感的项目是什么？我讲了半天。"
    assert texts(paragraph) == ["做了自我介绍", "为什么想做运营", "实习中最有成就感的项目是什么？"]


@pytest.mark.parametrize(
    "line",
    [
        "一面（30min）", "二、业务面", "# 面试经验", "感觉面试官人很好", "我答得不好", "等通知中，许愿oc", "薪资还没谈",
        "面完第二天HR约了三面", "总结：多准备数据", "答：因为美团的业务覆盖广", "参考答案：从三个方面说",
    ],
)
def test_titles_remarks_logistics_and_answers_are_not_questions(line):
    assert texts(line) == []


def test_salary_asked_as_a_question_is_kept():
    assert texts("HR面\n1. 期望薪资多少？\n2. 谈了薪资") == ["期望薪资多少？"]


def test_an_answer_after_a_question_is_kept_as_its_answer_and_not_asked():
    found = extract_questions("1. 为什么做运营？\n答：我喜欢和人打交道。为什么呢？因为有成就感。\n2. 你的缺点？")
    assert [q.text for q in found] == ["为什么做运营？", "你的缺点？"]
    assert found[0].answer == "我喜欢和人打交道。为什么呢？因为有成就感。"


@pytest.mark.parametrize(
    "lines",
    [
        "1. 讲一个你做过的活动\n追问：数据怎么算的？",
        "1. 讲一个你做过的活动\n面试官接着问数据怎么算的？",
        "1. 讲一个你做过的活动\n- 数据怎么算的？（追问）",
        "1. 讲一个你做过的活动\n追问了数据怎么算的？",
        "面试官：讲一个你做过的活动\n我：……\n面试官：追问：数据怎么算的？",
    ],
)
def test_followups_attach_to_the_question_before(lines):
    (found,) = extract_questions(lines)
    assert found.text == "讲一个你做过的活动"
    assert found.followups == ("数据怎么算的？",)


def test_a_followup_marked_inline_is_split_from_its_question():
    (found,) = extract_questions("4. 商家活跃度下降你会怎么排查？（追问：活跃怎么定义）")
    assert found.text == "商家活跃度下降你会怎么排查？"


def test_provenance_line_numbers_and_nearby_remarks():
    found = extract_questions("美团 一面\n\n1. 讲一个你做过的活动\n面试官很在意数据口径\n\n2. 为什么选美团？")
    assert [(q.line, q.text) for q in found] == [(3, "讲一个你做过的活动"), (6, "为什么选美团？")]
    assert found[0].notes == ("面试官很在意数据口径",)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("3. 面试官：你为什么离职？（这题我答得不好）", "你为什么离职？"),
        ("快手广告是怎么实时竞价（RTB）的？", "快手广告是怎么实时竞价（RTB）的？"),
        ("问：说说你的优点，我说了细心", "说说你的优点"),
        ("关于团队：“请问团队做什么？”", "请问团队做什么？"),
    ],
)
def test_cleaning_keeps_the_interviewers_wording(raw, clean):
    assert clean_question(raw) == clean


def test_a_repeated_question_is_drafted_once():
    assert texts("1. 为什么选美团？\n2. 为什么选美团?") == ["为什么选美团？"]


def test_a_numbered_scenario_under_a_question_heading_needs_no_question_mark():
    assert texts("常见问题：\n  1. 用户投诉笔记被误删，情绪很激动。") == ["用户投诉笔记被误删，情绪很激动"]


def test_hints_name_company_role_and_rounds_from_the_title_first():
    hints = read_hints("美团 用户运营 一面\n我在字节实习过，字节、字节、字节\n二面 HR面")
    assert (hints.company, hints.company_slug, hints.role, hints.rounds) == ("美团", "meituan", "用户运营", ("一面", "二面", "HR面"))


def test_the_longer_role_wins():
    assert read_hints("用户服务运营工程师面试笔记").role == "用户服务运营"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("问答：:？?。，,1、.（）()追问面试官我一二QA\n #-*讲说如果为什么")) | st.characters(), max_size=300))
def test_arbitrary_text_never_crashes_extraction(text):
    for question in extract_questions(text):
        assert question.text and question.line >= 1


def test_a_numbered_list_pasted_on_one_line_is_split_into_its_items():
    found = extract_questions("面经\n1.聊实习 2.redis持久化方式 3.cookie和session的区别 手撕：反转链表（ACM模式）\n")
    assert [q.text for q in found] == ["聊实习", "redis持久化方式", "cookie和session的区别", "反转链表"]
    assert {q.line for q in found} == {2}


def test_a_pdf_line_break_inside_a_question_or_its_note_is_joined():
    found = extract_questions("高频面试题\n\n1.你会从哪几个维度入\n\n手？(需深度思考|适合\n\n讲项目)\n\n2.你为什么选择运营？(极\n\n高频)\n")
    assert [(q.text, q.line) for q in found] == [("你会从哪几个维度入手？", 3), ("你为什么选择运营？", 9)]


def test_questions_asked_again_under_reference_answers_are_not_drafted_twice():
    text = "一面\n1. 聊实习\n2. volatile关键字的作用\n参考回答\n聊聊你的实习经历\n「面试官」：能分享一下你的实习吗？\n"
    assert [q.text for q in extract_questions(text)] == ["聊实习", "volatile关键字的作用"]


def test_unmarked_topics_under_a_round_are_asked_and_the_answers_after_them_are_not():
    text = ("一面\n\n介绍一下自己\n接着聊到了 K8S 的项目\n有没有钻研得比较深的技术？（我：golang, java） k8s 的架构是怎样的？\n"
            "这个问题很大，我拆成几块讲了一下\n\ngolang 的 gc 算法\n\n知道是三色标记，不过细节说不上来\n\n"
            "单节点提速：随机取一部分节点来优选\n")
    assert [q.text for q in extract_questions(text)] == [
        "介绍一下自己", "聊聊K8S 的项目", "有没有钻研得比较深的技术？", "k8s 的架构是怎样的？", "golang 的 gc 算法",
    ]


def test_a_title_that_asks_its_reader_is_not_a_question():
    found = extract_questions("字节一面：这些问题你都答对了吗？\n1. 说说你对留存的理解\n")
    assert [q.text for q in found] == ["说说你对留存的理解"]
