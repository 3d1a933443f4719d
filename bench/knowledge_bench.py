"""Directive knowledge benchmark: bench/questions.yml through the REST channel, scored by facts.

Each question goes to Rasa's REST webhook from a fresh sender; its answer must contain every `must`
fact and none of the `must_not` ones (case-insensitive, NFC). Independently of the listed facts, any
phone or e-mail of another province's directive in the answer counts as a foreign contact.
Goals: >= 95% correct, 0 foreign contacts.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime

import httpx
import yaml

from bench.harness import fresh_stack, write_results
from common.paths import PROJECT_ROOT
from ops.stack import Stack
from store.knowledge.parser import parse
from vntext.normalize import nfc

QUESTIONS = PROJECT_ROOT / "bench" / "questions.yml"
DIRECTIVES = PROJECT_ROOT / "data" / "directives"
FIXED_NOW = "2026-02-10T08:00:00+07:00"


@dataclass
class Result:
    q: str
    category: str
    style: str
    province: str | None
    ok: bool
    missing: list[str] = field(default_factory=list)
    unwanted: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    answer: str = ""


def contacts_by_province() -> dict[str, set[str]]:
    """Every phone (as written) and e-mail of each issuing province's directive."""
    table: dict[str, set[str]] = defaultdict(set)
    for path in DIRECTIVES.glob("*.txt"):
        directive = parse(path.read_text(encoding="utf-8"))
        for contact in directive.contacts:
            for value in (contact.phone_display, contact.email):
                if value:
                    table[directive.issuing_province].add(value.lower())
    return table


def score(item: dict, answer: str, contacts: dict[str, set[str]]) -> Result:
    text = nfc(answer).lower()
    missing = [fact for fact in item.get("must") or [] if nfc(fact).lower() not in text]
    unwanted = [fact for fact in item.get("must_not") or [] if nfc(fact).lower() in text]
    province = item.get("province")
    foreign = sorted(
        value
        for other, values in contacts.items()
        if province and other != province
        for value in values
        if value in text
    )
    ok = not missing and not unwanted and not foreign
    return Result(
        item["q"], item["category"], item["style"], province, ok, missing, unwanted, foreign, answer
    )


async def ask_all(stack: Stack, questions: list[dict], concurrency: int = 4) -> list[str]:
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=60) as client:

        async def ask(index: int, question: str) -> str:
            async with semaphore:
                response = await client.post(
                    f"{stack.rasa_url}/webhooks/rest/webhook",
                    json={"sender": f"kb-{index}", "message": question},
                )
                return "\n".join(m.get("text") or "" for m in response.json())

        return await asyncio.gather(*(ask(i, q["q"]) for i, q in enumerate(questions)))


def _table(title: str, groups: dict[str, list[Result]]) -> list[str]:
    lines = [f"| {title} | questions | correct | share |", "|---|---:|---:|---:|"]
    for name, results in sorted(groups.items()):
        good = sum(r.ok for r in results)
        lines.append(f"| {name} | {len(results)} | {good} | {good / len(results):.1%} |")
    return lines


def report(results: list[Result]) -> str:
    good = sum(r.ok for r in results)
    foreign = sum(bool(r.foreign) for r in results)
    by_category: dict[str, list[Result]] = defaultdict(list)
    by_style: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_category[result.category].append(result)
        by_style[result.style].append(result)
    lines = [
        f"# Directive knowledge benchmark {datetime.now().isoformat(timespec='seconds')}",
        "",
        f"Questions: {len(results)}; correct: {good} ({good / len(results):.1%}, goal ≥ 95%); "
        f"answers with another province's contact: {foreign} (goal 0). Clock fixed at {FIXED_NOW}.",
        "",
        *_table("category", by_category),
        "",
        *_table("style", by_style),
    ]
    failures = [r for r in results if not r.ok]
    if failures:
        lines += ["", "## Failures", ""]
        for r in failures:
            lines.append(f"- «{r.q}» missing {r.missing} unwanted {r.unwanted} foreign {r.foreign}")
    return "\n".join(lines) + "\n"


def main() -> None:
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    stack = fresh_stack("knowledge-stack", TRUTET_NOW=FIXED_NOW)
    print(f"Asking {len(questions)} questions through the REST channel…", flush=True)
    stack.start(timeout=240)
    try:
        answers = asyncio.run(ask_all(stack, questions))
    finally:
        stack.stop()
    contacts = contacts_by_province()
    results = [
        score(item, answer, contacts) for item, answer in zip(questions, answers, strict=True)
    ]
    write_results("knowledge", report(results), [asdict(r) for r in results])


if __name__ == "__main__":
    main()
