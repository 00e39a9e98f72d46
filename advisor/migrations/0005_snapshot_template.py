from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("advisor", "0004_snapshot_diagram"),
    ]

    operations = [
        migrations.AddField(
            model_name="snapshot",
            name="template",
            field=models.TextField(blank=True, default=""),
        ),
    ]
