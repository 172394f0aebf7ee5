from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0004_kolada_id_four_digits"),
    ]

    operations = [
        migrations.AddField(
            model_name="body",
            name="aliases",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Comma-separated names that importers accept for this body, "
                    "e.g. an earlier name."
                ),
                max_length=300,
                verbose_name="other names",
            ),
        ),
    ]
