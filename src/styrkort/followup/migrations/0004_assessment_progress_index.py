"""An index on assessments by (period, body, state): the controller's progress counts group a
period's assessments by exactly these, and count them from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0003_lineage_and_publication"),
        ("organisation", "0010_organisation_logo"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                fields=["period", "body", "state"], name="assessment_period_body_state"
            ),
        ),
    ]
