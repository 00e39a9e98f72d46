from functools import cache, lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

register = template.Library()

# Speed (issue 6): a static-file or URL tag costs 15-20 µs per use, and a full page
# used six. What they give cannot change while the process runs, so it is worked
# out once; a changed setting (tests) forgets it.


@register.simple_tag
def head_assets() -> str:
    """base.html's stylesheet, icon and scripts (its `head-assets` partial), rendered once."""
    return _head_assets()


@cache
def _head_assets() -> str:
    return render_to_string("base.html#head-assets")


@register.simple_tag
def path(name: str, *args: str) -> str:
    """{% path 'questionnaire' domain.id %}: what {% url %} gives, worked out once per name and arguments."""
    return url_path(name, *args)


def url_path(name: str, *args: str) -> str:
    return _reversed(get_script_prefix(), name, args)


@lru_cache(maxsize=4096)  # slugs of saved links are many: bounded
def _reversed(prefix: str, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, args=args)


# {% once %} ------------------------------------------------------------------
# A result page is mostly the same few fragments in new combinations: a rule's
# explanation for a given answer, a row of the trace, a question's radios. Each
# costs 15-40 µs to render and is shared by every answer set that shows it.

ONCE_LIMIT = 4096  # fragments kept per process (a few hundred bytes each)
_once: dict[tuple, str] = {}


@register.simple_tag
def once(partial: str, **values: Any) -> str:
    """{% once "advisor/result.html#reason-item" reason=reason %}: the partial, rendered with
    these values and nothing else, kept per process by those values.

    The partial sees only the values named here, so they are the whole of what it
    depends on and the key can never be stale. Values must be plain data (strings,
    numbers, lists and dicts of them) or frozen dataclasses.
    """
    key = (partial, _frozen(values))
    html = _once.get(key)
    if html is None:
        html = mark_safe(get_template(partial).render(values))  # noqa: S308 - a template's own escaped output
        if len(_once) >= ONCE_LIMIT:
            _once.pop(next(iter(_once)))  # the oldest: plain dicts keep insertion order
        _once[key] = html
    return html


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _frozen(value: Any) -> Any:
    """The value as something hashable: lists and dicts become tuples, all the way down."""
    kind = type(value)
    if kind is dict:
        return tuple([(k, v if type(v) in _PLAIN else _frozen(v)) for k, v in value.items()])
    if kind is list or kind is tuple:
        return tuple([v if type(v) in _PLAIN else _frozen(v) for v in value])
    return value  # str, int, bool, None, frozen dataclasses: hashable as they are


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _head_assets.cache_clear()
    _reversed.cache_clear()
    _once.clear()


@register.filter
def get(mapping: dict, key: str):
    """mapping|get:key — a dict lookup by a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def source_link(location: str, source_url: str) -> str:
    """'rules/database.yaml:42' → '<ADVISOR_SOURCE_URL>/rules/database.yaml#L42' (GitHub/GitLab style)."""
    path, _, line = location.rpartition(":")
    return f"{source_url}/{path}#L{line}"
