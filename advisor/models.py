import secrets

from django.db import IntegrityError, models, transaction

SLUG_BYTES = 16  # 128 bits: unguessable, so a saved result is shared only by whoever has its link
SLUG_PATTERN = r"[A-Za-z0-9_-]{22}"
SLUG_ATTEMPTS = 5


class Snapshot(models.Model):
    """A saved result: exactly what was shown, kept forever whatever the rules become."""

    slug = models.CharField(max_length=32, unique=True)
    domain = models.CharField(max_length=64)
    answers = models.JSONField()  # [[question, choice], ...] in question order
    rules_version = models.CharField(max_length=12)
    document = models.JSONField()  # the result document (advisor.engine.result), verbatim
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.domain} {self.slug}"


def snapshot_create(*, domain: str, answers: list[tuple[str, str]], rules_version: str, document: dict) -> Snapshot:
    """Store a result under a fresh random slug; a collision (vanishingly rare) just draws again."""
    for _ in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                return Snapshot.objects.create(
                    slug=secrets.token_urlsafe(SLUG_BYTES),
                    domain=domain,
                    answers=[list(pair) for pair in answers],
                    rules_version=rules_version,
                    document=document,
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
