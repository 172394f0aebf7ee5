"""Assignments given by points of secret decisions inherit their secrecy (planning 0003 added
the flag): mark those already in the database."""

from django.db import migrations
from django.db.models import Q


def mark(apps, schema_editor):
    DecisionPoint = apps.get_model("register", "DecisionPoint")
    PlanItem = apps.get_model("planning", "PlanItem")
    points = DecisionPoint.objects.filter(
        Q(decision__secret=True) | Q(decision__case__secret=True), assignment__isnull=False
    ).select_related("decision__case")
    for point in points:
        decision = point.decision
        ground = decision.secrecy_ground if decision.secret else decision.case.secrecy_ground
        PlanItem.objects.filter(pk=point.assignment_id).update(
            secret=True, secrecy_ground=ground
        )


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0002_actions_and_secrecy"),
        ("planning", "0003_item_secrecy"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
