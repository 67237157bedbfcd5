"""Every decision gets its team's number (MADR's 0001-title.md), in the order the team's
decisions were recorded; numbers are unique within a team."""

from django.db import migrations, models


def number_decisions(apps, schema_editor):
    Decision = apps.get_model("workshops", "Decision")
    numbered = []
    last: dict[int, int] = {}
    for decision in Decision.objects.order_by("team_id", "created_at", "id").only("pk", "team_id"):
        last[decision.team_id] = last.get(decision.team_id, 0) + 1
        decision.number = last[decision.team_id]
        numbered.append(decision)
    Decision.objects.bulk_update(numbered, ["number"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("workshops", "0012_api_token")]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="number",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.RunPython(number_decisions, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="decision",
            name="number",
            field=models.PositiveIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(
                fields=("team", "number"), name="decision_number_per_team"
            ),
        ),
    ]
