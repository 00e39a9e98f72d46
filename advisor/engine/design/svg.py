"""A design's diagram as SVG text: draws what advisor.engine.design.diagram lays out.

Plain string building rather than a Django template: a diagram is some three hundred numbers and
labels, and the template language spent more time resolving and localising them than the whole
rest of the design page (issue 13's cold-page budget). Every text is escaped here, as a template
would (`html.escape`, the same entities Django's `escape` writes).

Presentation attributes give the downloaded file its light look on its own; inline on a page the
dg-* classes in advisor.css override them for dark mode. No <style>, no script, no inline style
attribute: the page's CSP (style-src 'self') stays clean.
"""

from __future__ import annotations

from html import escape

from .diagram import Diagram, Edge, Group, Node

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
FONTS = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
INK = "#1b1f24"
MUTED_INK = "#4f5b66"
PAPER = "#ffffff"
# Labels over lines keep a paper-coloured outline, so a line crossing them never hides a letter.
HALO = f'stroke="{PAPER}" stroke-width="4" stroke-linejoin="round" paint-order="stroke"'
ARROW_MARKER = (
    '<defs><marker id="dg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
    f'orient="auto-start-reverse"><path class="dg-arrowhead" d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker></defs>'
)
FILLED_GROUPS = frozenset({"subnet-public", "subnet-private"})  # subnets are tinted; other groups are outlines
HEAVY_GROUPS = frozenset({"vpc", "region", "cloud"})


def diagram_svg(diagram: Diagram, *, standalone: bool) -> str:
    """The SVG of a laid-out diagram: a file of its own (`standalone`, with the XML declaration) or
    an element to put inline in a page."""
    width, height = diagram.width, diagram.height
    parts = [
        XML_DECLARATION if standalone else "",
        '<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" aria-labelledby="dg-title dg-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="{FONTS}">\n',
        f'<title id="dg-title">{escape(diagram.title)}</title>\n',
        f'<desc id="dg-desc">{escape(diagram.description)}</desc>\n',
        ARROW_MARKER,
        "\n",
        f'<rect class="dg-bg" width="{width}" height="{height}" fill="{PAPER}"/>\n',
        f'<text class="dg-title dg-text" x="{diagram.title_text.x}" y="{diagram.title_text.y}" font-size="16" '
        f'font-weight="700" fill="{INK}">{escape(diagram.title)}</text>\n',
    ]
    parts += map(_group_svg, diagram.groups)
    parts += map(_edge_line_svg, diagram.edges)
    parts += map(_node_svg, diagram.nodes)
    parts += (_edge_label_svg(edge) for edge in diagram.edges if edge.text)  # over the tiles and lines
    parts.append("</svg>\n")
    return "".join(parts)


def _group_svg(group: Group) -> str:
    box = group.box
    fill = group.colour if group.kind in FILLED_GROUPS else "none"
    stroke_width = "2" if group.kind in HEAVY_GROUPS else "1.5"
    dashes = ' stroke-dasharray="6 4"' if group.dashed else ""
    return (
        f'<g class="dg-group dg-group-{escape(group.kind)}">\n'
        f'<rect class="dg-frame" x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}" rx="3" fill="{fill}" '
        f'fill-opacity="0.08" stroke="{group.colour}" stroke-width="{stroke_width}"{dashes}/>\n'
        f'<text class="dg-group-label dg-text dg-halo" x="{group.text.x}" y="{group.text.y}" font-size="12" '
        f'font-weight="600" fill="{INK}" {HALO}>{escape(group.label)}</text>\n'
        "</g>\n"
    )


def _edge_line_svg(edge: Edge) -> str:
    path = " L".join(f"{x} {y}" for x, y in edge.points)
    return f'<path class="dg-edge" d="M{path}" fill="none" stroke="{INK}" stroke-width="1.5" marker-end="url(#dg-arrow)"/>\n'


def _node_svg(node: Node) -> str:
    box = node.box
    placeholder = " dg-placeholder" if node.placeholder else ""
    dashes = ' stroke-dasharray="5 3"' if node.placeholder else ""
    lines = [
        f'<g class="dg-node dg-cat-{escape(node.category)}{placeholder}">\n',
        f'<rect class="dg-tile" x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}" rx="3" fill="{PAPER}" '
        f'stroke="{node.colour}" stroke-width="1.5"{dashes}/>\n',
    ]
    if not node.placeholder:  # the category's colour band down the tile's left edge
        lines.append(f'<rect x="{box.x}" y="{box.y}" width="5" height="{box.h}" fill="{node.colour}"/>\n')
    for text in node.texts:
        if text.kind == "label":
            classes, font = "dg-label dg-text", f'font-size="12" font-weight="700" fill="{INK}"'
        else:
            muted = " dg-muted" if text.kind == "role" else ""
            classes, font = f"dg-{escape(text.kind)} dg-text{muted}", f'font-size="11" fill="{MUTED_INK}"'
        lines.append(f'<text class="{classes}" x="{text.x}" y="{text.y}" {font}>{escape(text.text)}</text>\n')
    lines.append("</g>\n")
    return "".join(lines)


def _edge_label_svg(edge: Edge) -> str:
    text = edge.text
    return (
        f'<text class="dg-edge-label dg-text dg-halo" x="{text.x}" y="{text.y}" font-size="11" fill="{INK}" '
        f"{HALO}>{escape(text.text)}</text>\n"
    )
