"""Designs for the benchmark: complete answer sets of every blueprint, drawn reproducibly.

A design's paths are the product of several domains' paths, far too many to list: the
bench walks the questionnaire as people do, one random offered choice per question
(seeded), and keeps distinct canonical URLs.
"""

from __future__ import annotations

import random
from pathlib import Path

from advisor.engine import rulebook_load
from advisor.engine.design import design_evaluate
from advisor.engine.model import RuleBook

from .engine import SHIPPED

SEED = 20261130


def _walk(book: RuleBook, blueprint, chooser: random.Random) -> tuple[tuple[str, str], ...]:
    answers: dict[str, str] = {}
    while True:
        design = design_evaluate(book, blueprint, answers, rules_version=book.version)
        if design.complete:
            return design.answers
        question = design.next_question
        answers[question.key] = chooser.choice(question.question.offered_choices).id


def design_answer_sets(count: int, rules_dir: Path | None = None) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """`count` distinct (blueprint id, canonical answers), round-robin over the blueprints."""
    book = rulebook_load(rules_dir or SHIPPED)
    chooser = random.Random(SEED)
    seen: set[tuple[str, tuple]] = set()
    found: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    for _ in range(count * 20):  # distinct ones run out only for tiny blueprints
        for blueprint in book.blueprints:
            key = (blueprint.id, _walk(book, blueprint, chooser))
            if key not in seen and len(found) < count:
                seen.add(key)
                found.append(key)
        if len(found) >= count:
            break
    return found


def _query(answers) -> str:
    return "&".join(f"{key}={choice}" for key, choice in answers)


def result_path(blueprint: str, answers) -> str:
    return f"/design/{blueprint}/result?{_query(answers)}"


def step_path(blueprint: str, answers) -> str:
    """The questionnaire step half-way through a design (each a different fragment)."""
    return f"/design/{blueprint}/?{_query(answers[: len(answers) // 2])}"


def design_result_paths(count: int, rules_dir: Path | None = None) -> list[str]:
    return [result_path(blueprint, answers) for blueprint, answers in design_answer_sets(count, rules_dir)]
