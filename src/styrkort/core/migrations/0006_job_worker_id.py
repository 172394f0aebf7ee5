# Which worker runs a job, so that a job whose worker stops can be failed.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_kept_upload'),
    ]

    operations = [
        migrations.AddField(
            model_name='job',
            name='worker_id',
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
