"""`migrate`, without the warning that migrations are not applied yet (advisor.W001) while it applies them."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from advisor.checks import migrating


class Command(DjangoMigrate):
    def check(self, *args, **kwargs):
        with migrating():
            return super().check(*args, **kwargs)
