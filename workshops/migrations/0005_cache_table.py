"""Creates the database cache table with the schema: sessions and cached drawings use it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Idempotent; does nothing for a cache that is not in the database (Redis).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("workshops", "0004_record_pdf")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
