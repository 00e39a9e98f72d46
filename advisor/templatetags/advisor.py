from functools import cache, lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse

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


@receiver(setting_changed)
def _forget(**kwargs) -> None:
    _head_assets.cache_clear()
    _reversed.cache_clear()


@register.filter
def get(mapping: dict, key: str):
    """mapping|get:key — a dict lookup by a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def source_link(location: str, source_url: str) -> str:
    """'rules/database.yaml:42' → '<ADVISOR_SOURCE_URL>/rules/database.yaml#L42' (GitHub/GitLab style)."""
    path, _, line = location.rpartition(":")
    return f"{source_url}/{path}#L{line}"
