"""Stored PDFs become the background worker's jobs too (queued, drawing, ready, failed), for a
decision or a workshop's draft; every PDF stored so far is ready."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def mark_stored_ready(apps, schema_editor):
    apps.get_model("workshops", "RecordPdf").objects.update(status="ready")


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0010_join_code_unique"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="recordpdf",
            name="failure",
            field=models.CharField(
                blank=True,
                choices=[("too_long", "Too long to draw"), ("error", "Could not be drawn")],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="recordpdf",
            name="requested_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="recordpdf",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="recordpdf",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="recordpdf",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("drawing", "Drawing"),
                    ("ready", "Ready"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=16,
            ),
        ),
        migrations.RunPython(mark_stored_ready, migrations.RunPython.noop),
        migrations.AddField(
            model_name="recordpdf",
            name="workshop",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="draft_pdfs",
                to="workshops.workshop",
            ),
        ),
        migrations.AlterField(
            model_name="recordpdf",
            name="content",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="recordpdf",
            name="decision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pdfs",
                to="workshops.decision",
            ),
        ),
        migrations.AlterField(
            model_name="recordpdf",
            name="drawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="recordpdf",
            name="source_version",
            field=models.CharField(max_length=80, unique=True),
        ),
        migrations.AddIndex(
            model_name="recordpdf",
            index=models.Index(
                fields=["status", "requested_at"], name="workshops_r_status_452eb6_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="recordpdf",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decision__isnull", False), ("workshop__isnull", True)),
                    models.Q(("decision__isnull", True), ("workshop__isnull", False)),
                    _connector="OR",
                ),
                name="record_pdf_of_a_decision_or_a_draft",
            ),
        ),
    ]
