"""cfn-lint on the CloudFormation starters (issue 14): 0 errors and 0 warnings for the
fragments' covering set (every fragment, every linked pair: DESIGN.md, "Exhaustive checks
that scale"). Part of `make check`; the blueprint examples' templates are linted (and
created in moto) by tests/test_template.py, under `make test`."""

import time
from pathlib import Path

import cfnlint.api as cfnlint_api
import pytest

from advisor.engine import rulebook_load
from advisor.engine.design.check import fragment_combinations, fragment_templates
from advisor.engine.design.template import template_render

ROOT = Path(__file__).resolve().parent.parent
BOOK = rulebook_load(ROOT / "rules")
COMBINATIONS = fragment_combinations(BOOK)
TEMPLATES = fragment_templates(BOOK)  # the combinations packed into fewer templates
REQUIREMENTS = [(f.id,) for f in BOOK.fragments] + [(f.id, to) for f in BOOK.fragments for link in f.links for to in link.to]
TIMES: list[float] = []


def combination_template(ids: frozenset[str]) -> str:
    fragments = tuple(f for f in BOOK.fragments if f.id in ids)
    return template_render(fragments, title="covering set", stack_name="covering", rules_version=BOOK.version, design_url="-")


def lint(text: str) -> list[str]:
    started = time.perf_counter()
    matches = cfnlint_api.lint(text)
    TIMES.append(time.perf_counter() - started)
    return [str(m) for m in matches]  # errors, warnings and informational: all must be absent


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    print(
        f"\ncfn-lint: {len(REQUIREMENTS)} fragments and linked pairs, met by {len(COMBINATIONS)} combinations "
        f"in {len(TEMPLATES)} templates; {len(TIMES)} linted in {sum(TIMES):.1f} s"
    )


def test_the_covering_set_has_every_fragment_and_every_linked_pair():
    for wanted in REQUIREMENTS:
        assert any(set(wanted) <= c for c in COMBINATIONS), wanted
    # Packing keeps every combination whole in some template.
    assert all(any(c <= t for t in TEMPLATES) for c in COMBINATIONS)


@pytest.mark.parametrize("ids", TEMPLATES, ids=lambda ids: "+".join(sorted(ids - {"vpc"})) or "vpc")
def test_covering_combination_lints_clean(ids):
    assert lint(combination_template(ids)) == []
