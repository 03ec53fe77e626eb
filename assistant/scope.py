"""Is a question inside the document's scope? Evidence from how much of it the retrieved records cover."""

from __future__ import annotations

import re

# Question scaffolding that carries no topic (asking words, pronouns, politeness).
_SCAFFOLD = re.compile(
    r"(请问|请|一下|我们|我|你们|你|他们|公司|企业|单位|部门|哪个|哪些|哪家|哪里|什么|怎么样|怎么|如何|多久|多少|多长|几天|几个|"
    r"是否|能不能|能否|可不可以|可以|需要|要|吗|呢|吧|啊|呀|的|了|是|有|在|和|与|及|或|都|就|还|也|会|能|该|谁|找|转|给|对|把|被|这|那|个|项|条|"
    r"负责|牵头|配合|协助|管|办|归|由|时间|时候|现在|一般|具体|规定|文件|通知|方案|政策|任务|事项)"
)
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def content_bigrams(question: str) -> set[str]:
    """CJK bigrams of the question's topic words (scaffolding removed)."""
    stripped = _SCAFFOLD.sub(" ", question)
    grams: set[str] = set()
    for run in _CJK.findall(stripped):
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def coverage(question: str, texts: list[str], expansions: list[str]) -> float:
    """Share of the question's topic bigrams found in `texts`; an expansion term found counts as full cover."""
    joined = "".join(texts)
    if any(term in joined for term in expansions if len(term) >= 2):
        return 1.0
    grams = content_bigrams(question)
    if not grams:
        return 0.0
    return sum(1 for g in grams if g in joined) / len(grams)
