"""Join codes are unique once every workshop has its own."""

from django.db import migrations, models

import workshops.models


class Migration(migrations.Migration):
    dependencies = [("workshops", "0009_fill_join_codes")]

    operations = [
        migrations.AlterField(
            model_name="workshop",
            name="join_code",
            field=models.CharField(
                default=workshops.models.new_join_code, max_length=12, unique=True
            ),
        ),
    ]
