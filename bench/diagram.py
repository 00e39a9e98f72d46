"""The design diagram's figures (issue 14): SVG size and render time per design, cold.

Cold means a fresh interpreter per design, so each figure pays what a worker's first
request for that design pays: the parts, the layout, and the SVG template's first compile.
The designs are the shipped blueprints' examples.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Iterator

from advisor.engine import rulebook_load

from .engine import ROOT, SHIPPED

_COLD_RENDER = """
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
import django
django.setup()
from pathlib import Path
from advisor.engine import rulebook_load
from advisor.engine.design import design_evaluate
from advisor.engine.design.diagram import diagram_layout
from advisor.engine.design.parts import design_parts
from advisor.engine.design.svg import diagram_svg
book = rulebook_load(Path(sys.argv[1]))
blueprint = book.blueprint(sys.argv[2])
example = next(e for e in blueprint.examples if e.id == sys.argv[3])
design = design_evaluate(book, blueprint, dict(example.answers), rules_version=book.version)
started = time.perf_counter()
diagram = diagram_layout(design_parts(book, design), title=blueprint.title)
svg = diagram_svg(diagram, standalone=True)
cold = time.perf_counter() - started
warm = []
for _ in range(20):
    started = time.perf_counter()
    again = diagram_layout(design_parts(book, design), title=blueprint.title)
    diagram_svg(again, standalone=True)
    warm.append(time.perf_counter() - started)
print(json.dumps({"seconds": cold, "warm": sorted(warm)[len(warm) // 2], "bytes": len(svg.encode())}))
"""


def cold_renders() -> Iterator[tuple[str, float, float, int]]:
    """(blueprint/example, cold seconds, warm median seconds, SVG bytes) for every shipped blueprint example."""
    book = rulebook_load(SHIPPED)
    for blueprint in book.blueprints:
        for example in blueprint.examples:
            out = subprocess.run(
                [sys.executable, "-c", _COLD_RENDER, str(SHIPPED), blueprint.id, example.id],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            figure = json.loads(out.stdout)
            yield f"{blueprint.id}/{example.id}", figure["seconds"], figure["warm"], figure["bytes"]


def figures() -> Iterator[tuple[str, float, str]]:
    renders = list(cold_renders())
    for name, cold, warm, size in renders:
        print(f"  diagram {name}: cold {cold * 1e3:.1f} ms, warm {warm * 1e3:.2f} ms, {size / 1024:.1f} KiB", flush=True)
    yield "diagram_render_cold_median", statistics.median(r[1] for r in renders) * 1e3, "ms"
    yield "diagram_render_cold_max", max(r[1] for r in renders) * 1e3, "ms"
    yield "diagram_render_warm_median", statistics.median(r[2] for r in renders) * 1e3, "ms"
    yield "diagram_svg_max", max(r[3] for r in renders) / 1024, "KiB"
