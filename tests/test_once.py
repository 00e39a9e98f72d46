"""{% once %} (advisor/templatetags/advisor.py) keeps rendered fragments per process.

Its promise: a page built from kept fragments is byte for byte the page built
from scratch, whatever was rendered before it.
"""

from django.template.loader import get_template

from advisor.templatetags import advisor as tags
from bench.http import result_paths


def _pages(client, paths):
    return [client.get(path).content for path in paths]


def test_pages_from_kept_fragments_equal_pages_rendered_from_scratch(client, settings):
    settings.ADVISOR_RESULT_CACHE = False  # every request renders; only fragments are kept
    paths = result_paths(150, settings.ADVISOR_RULES_DIR)  # every domain, many answer sets: fragments are shared between them
    warm = _pages(client, paths)
    assert len(tags._once) > 50  # many fragments kept, so the comparison below means something
    for path, kept in zip(paths, warm, strict=True):
        tags._once.clear()
        assert client.get(path).content == kept, path


def test_a_step_from_kept_fragments_equals_one_rendered_from_scratch(client):
    paths = ["/database/?purpose=app", "/database/?purpose=app&edit=purpose", "/database/?purpose=analytics"]
    warm = [client.get(p, headers={"HX-Request": "true"}).content for p in paths]
    for path, kept in zip(paths, warm, strict=True):
        tags._once.clear()
        assert client.get(path, headers={"HX-Request": "true"}).content == kept


def test_once_renders_the_partial_with_only_the_values_given():
    reason = {"effect": "favour", "quotes": [{"label": "<Yes>", "text": "Q?"}], "because": "B & C", "source": "https://x", "title": "T"}
    html = tags.once("advisor/result.html#reason-item", reason=reason)
    assert html == get_template("advisor/result.html#reason-item").render({"reason": reason})
    assert "&lt;Yes&gt;" in html  # escaped like any template output
    other = tags.once("advisor/result.html#reason-item", reason={**reason, "quotes": [{"label": "No", "text": "Q?"}]})
    assert "No" in other
    assert "&lt;Yes&gt;" not in other


def test_kept_fragments_are_bounded(monkeypatch):
    monkeypatch.setattr(tags, "ONCE_LIMIT", 10)
    tags._once.clear()
    for n in range(25):
        tags.once("advisor/result.html#trace-row", rule={"rule": f"r{n}", "title": "", "location": "x:1", "fired": True}, source_url="")
    assert len(tags._once) == 10


def test_a_changed_setting_forgets_kept_fragments(settings):
    tags.once("advisor/result.html#trace-row", rule={"rule": "r", "title": "", "location": "x:1", "fired": False}, source_url="")
    assert tags._once
    settings.ADVISOR_SOURCE_URL = "https://example.com/repo/blob/main"
    assert not tags._once


def test_every_value_is_part_of_the_key():
    row = {"rule": "r", "title": "", "location": "rules/x.yaml:7", "fired": True}
    plain = tags.once("advisor/result.html#trace-row", rule=row, source_url="")
    linked = tags.once("advisor/result.html#trace-row", rule=row, source_url="https://example.com/blob/main")
    assert "<code>rules/x.yaml:7</code>" in plain
    assert 'href="https://example.com/blob/main/rules/x.yaml#L7"' in linked


def test_values_of_different_types_are_different_keys():
    from django.utils.safestring import mark_safe

    keys = {tags._frozen(v) for v in (1, True, 1.0, "1", mark_safe("1"), [1], {"a": 1}, [("a", 1)])}
    assert len(keys) == 8


def test_values_hashed_by_identity_are_refused():
    import pytest

    with pytest.raises(TypeError, match="cannot key a fragment by a object"):
        tags._frozen({"thing": object()})


def test_in_local_mode_edits_to_a_partial_show_at_once(settings):
    settings.DEBUG = True
    row = {"rule": "r", "title": "", "location": "x:1", "fired": True}
    tags.once("advisor/result.html#trace-row", rule=row, source_url="")
    assert not tags._once  # nothing kept: a template edit shows at the next request
