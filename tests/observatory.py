"""Score response headers the way Mozilla's HTTP Observatory does.

The modifiers follow Observatory's public scoring table
(https://github.com/mozilla/http-observatory/blob/main/httpobs/docs/scoring.md
and its MDN successor): start at 100; bonuses count only when the score
without them is at least 90; 100 or more is A+.
"""

from __future__ import annotations

import re


def _csp(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def observatory_score(headers: dict[str, str], *, https: bool = True, redirects_to_https: bool = True) -> tuple[int, list[tuple[str, int]]]:
    headers = {k.lower(): v for k, v in headers.items()}
    modifiers: list[tuple[str, int]] = []

    policy = headers.get("content-security-policy")
    if not policy:
        modifiers.append(("csp-not-implemented", -25))
        csp = {}
    else:
        csp = _csp(policy)
        script = csp.get("script-src", csp.get("default-src", []))
        style = csp.get("style-src", csp.get("default-src", []))
        sources = [s for values in csp.values() for s in values]
        if "'unsafe-inline'" in script:
            modifiers.append(("csp-implemented-with-unsafe-inline", -20))
        elif any(s.startswith("http:") for s in sources):
            modifiers.append(("csp-implemented-with-insecure-scheme", -20))
        elif "'unsafe-eval'" in script:
            modifiers.append(("csp-implemented-with-unsafe-eval", -10))
        elif "'unsafe-inline'" in style:
            modifiers.append(("csp-implemented-with-unsafe-inline-in-style-src-only", 0))
        elif csp.get("default-src") == ["'none'"]:
            modifiers.append(("csp-implemented-with-no-unsafe-default-src-none", 10))
        else:
            modifiers.append(("csp-implemented-with-no-unsafe", 5))

    cookies = headers.get("set-cookie", "")
    if not cookies:
        modifiers.append(("cookies-not-found", 0))
    elif "secure" not in cookies.lower():
        modifiers.append(("cookies-without-secure-flag", -20))
    else:
        modifiers.append(("cookies-secure", 0))

    if headers.get("access-control-allow-origin") == "*":
        modifiers.append(("cross-origin-resource-sharing-implemented-with-universal-access", -50))
    else:
        modifiers.append(("cross-origin-resource-sharing-not-implemented", 0))

    modifiers.append(("redirection-to-https", 0) if redirects_to_https else ("redirection-missing", -20))

    referrer = headers.get("referrer-policy", "").lower()
    if referrer in ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"):
        modifiers.append(("referrer-policy-private", 5))
    elif referrer in ("unsafe-url", "origin", "origin-when-cross-origin"):
        modifiers.append(("referrer-policy-unsafe", -5))
    else:
        modifiers.append(("referrer-policy-not-implemented", 0))

    hsts = headers.get("strict-transport-security", "")
    match = re.search(r"max-age=(\d+)", hsts)
    if not https or not match:
        modifiers.append(("hsts-not-implemented", -20))
    elif int(match.group(1)) < 15768000:
        modifiers.append(("hsts-implemented-max-age-less-than-six-months", -10))
    else:
        modifiers.append(("hsts-implemented-max-age-at-least-six-months", 0))

    # Our pages load scripts from their own origin only.
    modifiers.append(("sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0))

    if headers.get("x-content-type-options", "").lower() == "nosniff":
        modifiers.append(("x-content-type-options-nosniff", 0))
    else:
        modifiers.append(("x-content-type-options-not-implemented", -5))

    if csp.get("frame-ancestors") in (["'none'"], ["'self'"]):
        modifiers.append(("x-frame-options-implemented-via-csp", 5))
    elif headers.get("x-frame-options", "").upper() in ("DENY", "SAMEORIGIN"):
        modifiers.append(("x-frame-options-sameorigin-or-deny", 0))
    else:
        modifiers.append(("x-frame-options-not-implemented", -20))

    penalties = 100 + sum(m for _, m in modifiers if m < 0)
    bonuses = sum(m for _, m in modifiers if m > 0) if penalties >= 90 else 0
    return max(0, penalties + bonuses), modifiers


def grade(score: int) -> str:
    for floor, letter in (
        (100, "A+"),
        (90, "A"),
        (85, "A-"),
        (80, "B+"),
        (70, "B"),
        (65, "B-"),
        (60, "C+"),
        (50, "C"),
        (45, "C-"),
        (40, "D+"),
        (30, "D"),
        (25, "D-"),
    ):
        if score >= floor:
            return letter
    return "F"
