"""Guess what kind of answer a question wants and give it an empty skeleton to fill.

A draft never invents the candidate's story: the skeleton only says what to write where, in the
bank's own style ("S：什么业务、什么时间、什么目标（一句话）"). The form decides how the card is
rehearsed: a past-experience question gets STAR prompts, everything else an outline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXPERIENCE = "experience"  # 讲一个你做过的… → STAR
SCENARIO = "scenario"  # 如果…你会怎么办 → outline: clarify, break down, act, check
KNOWLEDGE = "knowledge"  # …是什么 / 区别 / 指标 → outline: define, points, link to the job
MOTIVATION = "motivation"  # 为什么选择… / 职业规划 → outline
INTRO = "intro"  # 自我介绍
REVERSE = "reverse"  # 你有什么想问我的

_INTRO = re.compile(r"自我介绍|介绍一下(?:你)?自己|介绍下自己")
_REVERSE = re.compile(r"反问|有什么(?:问题)?想问|有什么要问|有没有(?:什么)?(?:问题)?(?:想|要)问")
_SCENARIO = re.compile(r"^(?:如果|假如|假设|若|要是)|如果|假如|假设|怎么办|如何处理|怎么处理|如何应对|怎么应对|你会怎么|你会如何|你怎么做|怎么做|场景|情景|模拟")
# A story the candidate lived, not a fact about a project: "项目的底层逻辑是什么" is an outline.
_EXPERIENCE = re.compile(
    r"讲一个|讲讲你(?:做过|参与)|举例|举个例子|举一个|经历(?!中的)|印象最深|印象深刻|遇到过|遇到的(?:最|困难|挑战|问题|冲突)|"
    r"你做过|做过的|做过最|最有成就感|成就感|最大的?(?:挑战|困难|收获)|最难的|困难.{0,8}(?:解决|怎么|如何)|"
    r"讲一次|挑一段|挑一个|失败|挫折|分享一(?:个|次|段)(?![^，。？?]{0,6}(?:常用|喜欢|平时|关注|看好))|STAR|做了(?:哪些|什么)|"
    r"聊实习|聊聊?.{0,8}(?:项目|实习|经历)|(?:讲讲|说说|介绍一下?)你?(?:简历|之前|做过|参与)|"
    r"你(?:之前|以前)?[^，。？?]{0,10}(?:做|孵化|负责|运营|参与|策划|带)过|怎么做起来的|(?:一次|一段)你|你是(?:怎么|如何)(?:做|解决|推进|处理|说服|协调|应对|克服)|最有收获|"
    r"你在.{0,6}(?:项目|活动|实习|工作)中|(?:实习|项目)(?:期间|中)[，,]?.{0,6}(?:如何|怎么|是如何)"
)
_MOTIVATION = re.compile(r"为什么(?:选择|想|要|来|投|离职|换|放弃|不)|职业规划|未来.{0,4}规划|优缺点|优点|缺点|性格|评价你|期望薪资|薪资|到岗|加班|压力")
_KNOWLEDGE = re.compile(r"是什么|什么是|了解|区别|差异|指标|理解|看法|看待|认识|定义|原理|流程|逻辑|模式|哪些方面|怎么看|趋势")


@dataclass(frozen=True)
class Skeleton:
    """What a draft card's back starts as: STAR prompts or outline points, all to be filled."""

    kind: str
    star: dict[str, object] | None = None  # situation/task/action (list)/result
    outline: tuple[str, ...] = ()

    @property
    def is_star(self) -> bool:
        return self.star is not None


def kind_of(question: str) -> str:
    """The kind of answer the question wants (one of the constants above)."""
    if _INTRO.search(question):
        return INTRO
    if _REVERSE.search(question):
        return REVERSE
    scenario = bool(_SCENARIO.search(question))
    experience = bool(_EXPERIENCE.search(question))
    if re.match(r"^(?:如果|假如|假设|若|要是)", question) and not re.search(r"重来|再来一次|再做一次", question):
        return SCENARIO
    if experience and not re.search(r"你会(?:怎么|如何)|如何在|怎么在", question):
        # "如果重来会如何改进" is still about what the candidate did
        return EXPERIENCE
    if _MOTIVATION.search(question):
        return MOTIVATION
    if scenario:
        return SCENARIO
    if _KNOWLEDGE.search(question):
        return KNOWLEDGE
    return SCENARIO if re.search(r"如何|怎么|怎样", question) else KNOWLEDGE


def skeleton_for(question: str, company: str = "") -> Skeleton:
    """The empty skeleton for the question's kind; `company` fills the 自我介绍 connection."""
    kind = kind_of(question)
    if kind == EXPERIENCE:
        return Skeleton(
            kind,
            star={
                "situation": "S：什么业务、什么时间、什么目标（一句话，带一个说明难度的数字）。",
                "task": "T：你负责什么，目标数字是多少（从 ___ 到 ___），难在哪。",
                "action": [
                    "A1：你先做了什么判断：用什么数据或现象定位到问题。",
                    "A2：你选的方案和放弃的备选，为什么这样选。",
                    "A3：你个人推动了什么（说“我”，不说“我们”）。",
                ],
                "result": "R：结果数字（对比基线或对照组），一条复盘用到了哪里。",
            },
        )
    if kind == INTRO:
        where = company or "这家公司"
        return Skeleton(kind, outline=(
            "（待填，约 10 秒）我是谁：学校/专业或现职，一句话。",
            "（待填，约 35 秒）两段和岗位最相关的经历，各带一个结果数字。",
            f"（待填，约 15 秒）为什么是 {where} 的这个岗位：一个具体的连接点。",
        ))
    if kind == REVERSE:
        return Skeleton(kind, outline=(
            "（待填）业务：这个岗位所在团队今年最重要的目标是什么。",
            "（待填）岗位：入职前三个月希望新人做到什么。",
            "（待填）成长：团队怎么带新人、怎么评价做得好。",
        ))
    if kind == SCENARIO:
        return Skeleton(kind, outline=(
            "（待填）先确认情况：口径、范围、影响了谁、从什么时候开始。",
            "（待填）拆解原因：分人群/渠道/环节，哪一块变了。",
            "（待填）动作：先做什么、再做什么，各自为什么。",
            "（待填）验证：看哪个指标、多久后判断有没有效果。",
        ))
    if kind == MOTIVATION:
        return Skeleton(kind, outline=(
            "（待填）结论一句话：你的选择或看法。",
            "（待填）理由：一段你自己的经历或一个具体事实支撑它。",
            "（待填）连接：它和这家公司、这个岗位的具体关系。",
        ))
    return Skeleton(kind, outline=(
        "（待填）定义：一句话说清是什么。",
        "（待填）要点：2–3 点，各带一个例子或数字。",
        "（待填）和岗位的联系：用在哪、驱动什么决策。",
    ))
