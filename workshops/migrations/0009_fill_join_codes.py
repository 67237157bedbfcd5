"""Gives every existing workshop its own short join code."""

from django.db import migrations

import workshops.models


def give_join_codes(apps, schema_editor):
    Workshop = apps.get_model("workshops", "Workshop")
    used = set()
    for workshop in Workshop.objects.only("pk").iterator():
        code = workshops.models.new_join_code()
        while code in used:
            code = workshops.models.new_join_code()
        used.add(code)
        Workshop.objects.filter(pk=workshop.pk).update(join_code=code)


class Migration(migrations.Migration):
    dependencies = [("workshops", "0008_room")]

    operations = [migrations.RunPython(give_join_codes, migrations.RunPython.noop)]
