# Uploads kept between preview and confirmation, in the database.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_jobs_worker'),
    ]

    operations = [
        migrations.CreateModel(
            name='KeptUpload',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=32, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('content', models.BinaryField()),
            ],
            options={
                'verbose_name': 'kept upload',
                'verbose_name_plural': 'kept uploads',
            },
        ),
    ]
