from django.db import migrations, models


class Migration(migrations.Migration):
    # Saved designs live beside saved results: existing rows are domain results.
    dependencies = [
        ("advisor", "0002_save_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="snapshot",
            name="kind",
            field=models.CharField(choices=[("domain", "domain result"), ("design", "design")], default="domain", max_length=8),
        ),
    ]
