import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import is_dataclass
from functools import lru_cache
from threading import Lock
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Speed (issue 6): a static-file or URL tag costs 15-20 µs per use, and a full page
# used six. What they give cannot change while the process runs, so it is worked
# out once; a changed setting (tests) forgets it.


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
# Only such leaves use it: a fragment that is nearly unique per page (a domain
# result's card, the whole trace) would only crowd them out. A design's decision
# card is a leaf of a design page: the same for every design that gives that
# decision the same answers (61 % of the cards of 200 random shipped designs
# repeated one already drawn).

ONCE_LIMIT = 2048  # fragments kept per process: a few hundred bytes to a few KB each
_once: OrderedDict[tuple, str] = OrderedDict()  # least recently used first
_once_lock = Lock()  # gthread workers render in threads: eviction must not race


@register.simple_tag
def once(partial: str, **values: Any) -> str:
    """{% once "advisor/questionnaire.html#fieldset" question=question current=current %}: the
    partial, rendered with these values and nothing else, kept per process by those values.

    The partial sees only the values named here, so they are the whole of what it
    depends on: the key is the values themselves, types included (1, 1.0, True and
    a safe string are all different keys). Values must be plain data (strings,
    numbers, lists and dicts of them) or frozen dataclasses.
    """
    return _kept(partial, [((partial, _frozen(values)), values)])[0]


@register.simple_tag
def once_each(partial: str, name: str, items: Iterable[Any], **values: Any) -> str:
    """{% once_each "advisor/result.html#trace-row" "rule" result.trace source_url=source_url %}:
    `once` for each item (as `name`, with the other values), joined. A template loop
    costs more per item than a kept fragment does."""
    shared = _frozen(values)
    wanted = [((partial, shared, name, _frozen(item)), {**values, name: item}) for item in items]
    return mark_safe("".join(_kept(partial, wanted)))  # noqa: S308 - kept fragments are rendered templates


def _kept(partial: str, wanted: list[tuple[tuple, dict[str, Any]]]) -> list[str]:
    """The kept fragment for each (key, values), rendering the partial for those not kept yet."""
    if settings.DEBUG:  # `make run`: template edits show at the next request, as Django's own do
        return [mark_safe(get_template(partial).render(values)) for _, values in wanted]  # noqa: S308 - rendered templates
    with _once_lock:
        found = [_once.get(key) for key, _ in wanted]
        for (key, _), html in zip(wanted, found, strict=True):
            if html is not None:
                _once.move_to_end(key)
    for i, ((key, values), html) in enumerate(zip(wanted, found, strict=True)):
        if html is None:
            found[i] = html = mark_safe(get_template(partial).render(values))  # noqa: S308 - a template's own escaped output
            with _once_lock:
                _once[key] = html
                while len(_once) > ONCE_LIMIT:
                    _once.popitem(last=False)
    return found


_SCALARS = frozenset({int, float, bool, SafeString})


def _frozen(value: Any) -> Any:
    """The value as a hashable key: lists and dicts become tuples, all the way down, and every
    value but a plain string or None is tagged with its type. Anything else is refused: an
    object hashed by identity would make a key that is never found again, or worse, reused."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is dict:
        return (dict, tuple([(k, _frozen(v)) for k, v in value.items()]))
    if kind is list or kind is tuple:
        return (list, tuple([_frozen(v) for v in value]))
    if kind in _SCALARS or (is_dataclass(value) and kind.__dataclass_params__.frozen):
        return (kind, value)
    raise TypeError(f"{{% once %}} cannot key a fragment by a {kind.__name__}: pass plain data or a frozen dataclass")


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _reversed.cache_clear()
    with _once_lock:
        _once.clear()


@register.filter
def get(mapping: dict, key: str):
    """mapping|get:key — a dict lookup by a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def source_link(location: str, source_url: str) -> str:
    """'rules/database.yaml:42' → '<ADVISOR_SOURCE_URL>/rules/database.yaml#L42' (GitHub/GitLab style)."""
    file, _, line = location.rpartition(":")
    return f"{source_url}/{file}#L{line}"


@register.filter
def not_told_by(reasons: list[dict], cautions: list[dict]) -> list[dict]:
    """A ruled-out card's reasons less the lifecycle one when a caution already says it,
    so the card can leave out a list that would be empty."""
    if not cautions:
        return reasons
    return [reason for reason in reasons if reason["rule"] != "lifecycle"]


@register.filter
def nested_items(items: list[dict]) -> list:
    """A diagram outline's [{"text", "items"}] tree in the shape Django's `unordered_list` filter
    draws: each text followed by the list of its children. One filter call, where a template
    including itself per item cost a context per item."""
    nested: list = []
    for item in items:
        nested.append(item["text"])
        if item["items"]:
            nested.append(nested_items(item["items"]))
    return nested


# Markdown (result.md) ---------------------------------------------------------
# Rule files come from pull requests and answers' labels from them: their text must
# read as text in a Markdown viewer, never as a link, image, raw HTML or heading.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#])")
_MARKDOWN_LIST_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


@register.filter
def md(value: Any) -> str:
    """`value` as inline Markdown text: one line, with every character that could start markup escaped."""
    text = " ".join(str(value).split())  # a line break could start a heading, list or block of HTML
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # At the start of a line, "- ", "+ ", "1. " and "=" are markup too.
    return _MARKDOWN_LIST_START.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], text)
