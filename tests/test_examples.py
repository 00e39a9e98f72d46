"""Every example beside the rules runs as its own test, named domain:example."""

import pytest

from advisor.engine import rulebook_load
from advisor.engine.check import example_failures

from .conftest import ROOT

BOOK = rulebook_load(ROOT / "rules", display_root=ROOT)
EXAMPLES = [(domain, example) for domain in BOOK.domains for example in domain.examples]


@pytest.mark.parametrize(("domain", "example"), EXAMPLES, ids=[f"{d.id}:{e.id}" for d, e in EXAMPLES])
def test_example(domain, example):
    failures = example_failures(domain, example, BOOK.version)
    if example.todo:
        if failures:
            pytest.xfail(f"todo: {example.todo}")
        pytest.fail(f"{example.location}: todo example '{example.id}' now passes: remove `todo`")
    assert not failures, "\n".join(str(f) for f in failures)
