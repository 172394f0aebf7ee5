"""Assessments, overall statuses and key-figure values belong to their item's lineage (the
same item across plan versions), so a revision adopted during the year hides none of them; and
a period can be published."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_lineage(apps, schema_editor):
    PlanItem = apps.get_model("planning", "PlanItem")
    for name, item_field in [
        ("Assessment", "item"),
        ("OverallStatus", "item"),
        ("IndicatorValue", "indicator"),
    ]:
        lineage = PlanItem.objects.filter(pk=models.OuterRef(f"{item_field}_id")).values(
            "lineage"
        )[:1]
        apps.get_model("followup", name).objects.update(lineage=models.Subquery(lineage))


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_indicator_values"),
        ("planning", "0003_item_secrecy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="followupperiod",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="published"),
        ),
        migrations.AddField(
            model_name="followupperiod",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="published by",
            ),
        ),
        migrations.AddField(
            model_name="assessment",
            name="lineage",
            field=models.UUIDField(editable=False, null=True, verbose_name="lineage"),
        ),
        migrations.AddField(
            model_name="overallstatus",
            name="lineage",
            field=models.UUIDField(editable=False, null=True, verbose_name="lineage"),
        ),
        migrations.AddField(
            model_name="indicatorvalue",
            name="lineage",
            field=models.UUIDField(editable=False, null=True, verbose_name="lineage"),
        ),
        migrations.RunPython(copy_lineage, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="assessment",
            name="lineage",
            field=models.UUIDField(editable=False, verbose_name="lineage"),
        ),
        migrations.AlterField(
            model_name="overallstatus",
            name="lineage",
            field=models.UUIDField(editable=False, verbose_name="lineage"),
        ),
        migrations.AlterField(
            model_name="indicatorvalue",
            name="lineage",
            field=models.UUIDField(editable=False, verbose_name="lineage"),
        ),
        migrations.RemoveConstraint(
            model_name="assessment", name="one_assessment_per_item_body_period"
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.UniqueConstraint(
                fields=("period", "lineage", "body"), name="one_assessment_per_item_body_period"
            ),
        ),
        migrations.RemoveConstraint(model_name="overallstatus", name="one_overall_status"),
        migrations.AddConstraint(
            model_name="overallstatus",
            constraint=models.UniqueConstraint(
                fields=("period", "lineage"), name="one_overall_status"
            ),
        ),
        migrations.RemoveConstraint(
            model_name="indicatorvalue", name="one_value_per_indicator_and_period"
        ),
        migrations.AddConstraint(
            model_name="indicatorvalue",
            constraint=models.UniqueConstraint(
                fields=("lineage", "period"), name="one_value_per_indicator_and_period"
            ),
        ),
    ]
