import secrets

from django.db import IntegrityError, models, transaction

SLUG_BYTES = 16  # 128 bits: unguessable, so a saved result is shared only by whoever has its link
SLUG_PATTERN = r"[A-Za-z0-9_-]{22}"
SLUG_ATTEMPTS = 5
DOMAIN, DESIGN = "domain", "design"


class Snapshot(models.Model):
    """A saved result or design: exactly what was shown, kept forever whatever the rules become."""

    slug = models.CharField(max_length=32, unique=True)
    # What was saved: one domain's result, or a design (several decisions strung by a blueprint).
    kind = models.CharField(max_length=8, choices=[(DOMAIN, "domain result"), (DESIGN, "design")], default=DOMAIN)
    domain = models.CharField(max_length=64)  # the domain id, or for a design the blueprint id
    answers = models.JSONField()  # [[question, choice], ...] in the order asked (a design's keys as in its URL)
    rules_version = models.CharField(max_length=12)
    document = models.JSONField()  # the result document (engine's result_build / design_result_build), verbatim
    # A design's diagram as drawn at save time (the standalone SVG served at /s/<slug>/diagram.svg)
    # and the same content as a list (engine.design.diagram_outline); empty for a domain result.
    diagram = models.TextField(blank=True, default="")
    diagram_outline = models.JSONField(blank=True, default=dict)
    # A design's CloudFormation starter as generated at save time (served at /s/<slug>/template.yaml);
    # empty for a domain result, and for designs saved before designs had templates.
    template = models.TextField(blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.domain} {self.slug}"

    @property
    def is_design(self) -> bool:
        return self.kind == DESIGN


def snapshot_create(
    *,
    domain: str,
    answers: list[tuple[str, str]],
    rules_version: str,
    document: dict,
    kind: str = DOMAIN,
    diagram: str = "",
    diagram_outline: dict | None = None,
    template: str = "",
) -> Snapshot:
    """Store a result under a fresh random slug; a collision (vanishingly rare) just draws again."""
    for _ in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                return Snapshot.objects.create(
                    slug=secrets.token_urlsafe(SLUG_BYTES),
                    kind=kind,
                    domain=domain,
                    answers=[list(pair) for pair in answers],
                    rules_version=rules_version,
                    document=document,
                    diagram=diagram,
                    diagram_outline=diagram_outline or {},
                    template=template,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free snapshot slug")


class SaveEvent(models.Model):
    """One saved link, counted against its client's hourly budget (advisor/ratelimit.py).

    A row per save makes the window slide exactly: a client may save again as soon as
    its oldest save in the last hour is an hour old. Rows older than the window are purged.
    """

    client = models.CharField(max_length=64)  # an IPv4 address or an IPv6 /64
    at = models.DateTimeField()

    class Meta:
        indexes = (models.Index(fields=["client", "at"]), models.Index(fields=["at"]))

    def __str__(self) -> str:
        return f"{self.client} {self.at:%Y-%m-%d %H:%M:%S}"
