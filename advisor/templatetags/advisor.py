from django import template

register = template.Library()


@register.filter
def get(mapping: dict, key: str):
    """mapping|get:key — a dict lookup by a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def source_link(location: str, source_url: str) -> str:
    """'rules/database.yaml:42' → '<ADVISOR_SOURCE_URL>/rules/database.yaml#L42' (GitHub/GitLab style)."""
    path, _, line = location.rpartition(":")
    return f"{source_url}/{path}#L{line}"
