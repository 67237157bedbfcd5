"""Back-fill from every decision's frozen record: the pattern chosen for its whole workflow and
for each part (DecisionChoice), and the search text, which now reads the rationales, the risks
and the dimension notes too.

The readers are frozen copies of workshops.snapshot.recorded_choices and
workshops.services.decisions.record_search_text as they were when this migration was written:
a migration must do the same thing whenever it runs, whatever the app's code has become.
"""

from django.db import migrations

BATCH = 500


def _dict(value):
    return value if isinstance(value, dict) else {}


def _dicts(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value):
    return "" if value is None else str(value)


def _fit(text, length):
    return text if len(text) <= length else text[: length - 1] + "…"


def _choices(decision):
    """(position, part name, slug, name) of each workflow that names its pattern."""
    found = []
    for position, workflow in enumerate(_dicts(_dict(decision.snapshot).get("workflows"))):
        chosen = _dict(workflow.get("chosen"))
        slug = _text(chosen.get("pattern"))
        if not slug:
            continue
        part = (
            (_text(workflow.get("name")) or f"Part {position}") if workflow.get("is_part") else ""
        )
        found.append((position, part, slug, _text(chosen.get("name")) or slug))
    if not found and decision.chosen_pattern:
        name = decision.chosen_pattern_name or decision.chosen_pattern
        found.append((0, "", decision.chosen_pattern, name))
    return found


def _search_text(snapshot):
    snapshot = _dict(snapshot)
    workshop = _dict(snapshot.get("workshop"))
    parts = [
        workshop.get("title") or snapshot.get("title"),
        workshop.get("description"),
        snapshot.get("rationale"),
    ]
    for workflow in _dicts(snapshot.get("workflows")):
        keys = ("name", "description", "source_system", "target_system", "data_elements")
        parts += [workflow.get(key) for key in (*keys, "rationale")]
        parts += _dict(workflow.get("notes")).values()
        for candidate in _dicts(workflow.get("candidates")):
            for risk in _dicts(candidate.get("risks")):
                parts += [risk.get("title"), risk.get("mitigation")]
    return "\n".join(dict.fromkeys(part for part in parts if isinstance(part, str) and part))


def backfill(apps, schema_editor):
    Decision = apps.get_model("workshops", "Decision")
    DecisionChoice = apps.get_model("workshops", "DecisionChoice")
    lengths = {
        name: DecisionChoice._meta.get_field(name).max_length
        for name in ("part_name", "pattern_slug", "pattern_name")
    }
    choices, searched = [], []
    decisions = Decision.objects.only(
        "id", "snapshot", "chosen_pattern", "chosen_pattern_name", "search_text"
    ).order_by("pk")
    for decision in decisions.iterator(chunk_size=BATCH):
        for position, part, slug, name in _choices(decision):
            choices.append(
                DecisionChoice(
                    decision_id=decision.pk,
                    position=position,
                    part_name=_fit(part, lengths["part_name"]),
                    pattern_slug=_fit(slug, lengths["pattern_slug"]),
                    pattern_name=_fit(name, lengths["pattern_name"]),
                )
            )
        text = _search_text(decision.snapshot)
        if text != decision.search_text:
            decision.search_text = text
            searched.append(decision)
        if len(choices) >= BATCH:
            DecisionChoice.objects.bulk_create(choices)
            choices = []
        if len(searched) >= BATCH:
            Decision.objects.bulk_update(searched, ["search_text"])
            searched = []
    DecisionChoice.objects.bulk_create(choices)
    Decision.objects.bulk_update(searched, ["search_text"])


def forget(apps, schema_editor):
    # Going back drops the table in the migration before; the wider search text is harmless.
    apps.get_model("workshops", "DecisionChoice").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0006_decision_choices"),
    ]

    operations = [migrations.RunPython(backfill, forget)]
