"""Loads the three built-in patterns with the values of the Parsecgo framework."""

from decimal import Decimal

from django.db import migrations

BUILTIN_PATTERNS = [
    {
        "slug": "batch",
        "name": "Batch processing",
        "summary": (
            "Data piles up over a window (hourly, nightly) and a scheduled job moves it in "
            "bulk, a file or a table at a time. The oldest and plainest way to integrate."
        ),
        "trigger": "scheduled",
        "granularity": "batch",
        "consistency": "strong",
        "consistency_note": "strong within the batch window",
        "failure": "retry",
        "failure_note": "retry the run, or fix by hand",
        "latency_floor_seconds": 60.0,
        "latency_label": "minutes to hours",
        "complexity_rank": 1,
        "infrastructure_cost": "low",
        "infrastructure_cost_note": "low to moderate (compute and storage)",
        "skill_level": "low",
        "skill_note": "low (SQL and scheduling)",
        "maintenance_level": "low",
        "observability_required": "low",
        "default_monthly_cost": Decimal("400.00"),
        "typical_tools": "Apache Airflow\nAWS Glue\nAzure Data Factory\ncron",
        "growth_mechanics": (
            "Grows by moving bigger batches or running shorter windows, then by partitioning "
            "the data (by region, say) and processing the partitions in parallel. Cost rises "
            "in step with volume, but the work of managing partitions rises faster. It breaks "
            "when a run no longer finishes inside its window and starts to overlap the next "
            "one: steep growth usually pushes a workflow towards streaming."
        ),
        "fits": (
            "Payroll runs\nData warehouse loads\nReporting\nNightly reconciliation\n"
            "Nightly inventory sync"
        ),
        "pitfalls_notes": (
            "Using a batch for a near-real-time need leaves users looking at stale data: "
            "shipment tracking refreshed every 15 minutes disappoints customers who expect "
            "to-the-minute updates. Hidden costs sit in intermediate storage and full "
            "refreshes; schema changes break loads that read without a schema."
        ),
    },
    {
        "slug": "choreography",
        "name": "Event-driven choreography",
        "summary": (
            "Services publish events and others react to them on their own, with no central "
            'orchestrator: an "order placed" event sets inventory, payment and shipping to '
            "work independently."
        ),
        "trigger": "event",
        "granularity": "record",
        "consistency": "eventual",
        "consistency_note": "eventual",
        "failure": "dead_letter",
        "failure_note": "dead-letter queues and compensating actions",
        "latency_floor_seconds": 1.0,
        "latency_label": "seconds to minutes",
        "complexity_rank": 2,
        "infrastructure_cost": "medium",
        "infrastructure_cost_note": "moderate (broker and compute)",
        "skill_level": "medium",
        "skill_note": "medium (message brokers, observability)",
        "maintenance_level": "medium",
        "observability_required": "medium",
        "default_monthly_cost": Decimal("1200.00"),
        "typical_tools": (
            "RabbitMQ\nAWS EventBridge\nApache Pulsar\nJaeger (tracing)\nOpenTelemetry (tracing)"
        ),
        "growth_mechanics": (
            "Grows by adding services that subscribe to events that already exist, each scaled "
            "on its own. The event bus and its fan-out become the bottleneck (partitioned "
            "topics or several buses relieve it), and as event types multiply, keeping them "
            "backward compatible needs a schema registry."
        ),
        "fits": (
            'Microservices reacting to business events such as "order placed"\n'
            "Decoupling billing, notifications and analytics\n"
            "Larger organisations with autonomous teams"
        ),
        "pitfalls_notes": (
            "A failure that crosses several services is hard to trace without distributed "
            "tracing. Consumers must be idempotent, since redelivered events are normal. Cost "
            "follows event volume, which can be hard to predict."
        ),
    },
    {
        "slug": "streaming",
        "name": "Real-time streaming",
        "summary": (
            "Every record is processed the moment it arrives by stream processors reading "
            "from a durable log, with checkpoints so that work can be replayed after a fault."
        ),
        "trigger": "event",
        "granularity": "record",
        "consistency": "eventual",
        "consistency_note": "eventual; exactly-once is possible",
        "failure": "retry",
        "failure_note": "checkpoint and replay",
        "latency_floor_seconds": 0.001,
        "latency_label": "sub-second, down to milliseconds",
        "complexity_rank": 3,
        "infrastructure_cost": "high",
        "infrastructure_cost_note": "high (stream processors and brokers)",
        "skill_level": "high",
        "skill_note": "high (distributed systems, tuning)",
        "maintenance_level": "high",
        "observability_required": "medium",
        "default_monthly_cost": Decimal("4000.00"),
        "typical_tools": (
            "Apache Kafka\nApache Flink\nKafka Streams\nKafka Connect\nAmazon MSK\nConfluent Cloud"
        ),
        "growth_mechanics": (
            "Grows by adding partitions and consumer instances; a well-tuned pipeline absorbs "
            "10x growth without redesign. Stateful operators (windowed aggregations) need "
            "rebalancing and incremental checkpoints to a state store such as RocksDB, and "
            "cost grows in proportion to throughput, so capacity must be planned ahead."
        ),
        "fits": "Fraud detection\nLive dashboards\nIoT pipelines\nLocation updates",
        "pitfalls_notes": (
            "Teams underestimate the skill it takes to run: partitioning, offset management "
            "and throughput tuning. Building a streaming pipeline for a need a nightly export "
            "would meet is the classic over-engineering. Managed services cut operations but "
            "charge per message."
        ),
    },
]


def load_builtin_patterns(apps, schema_editor):
    Pattern = apps.get_model("patterns", "Pattern")
    for values in BUILTIN_PATTERNS:
        # Never overwrite a pattern an admin already created or edited under the same slug.
        Pattern.objects.get_or_create(slug=values["slug"], defaults=values)


def remove_builtin_patterns(apps, schema_editor):
    Pattern = apps.get_model("patterns", "Pattern")
    Pattern.objects.filter(slug__in=[values["slug"] for values in BUILTIN_PATTERNS]).delete()


class Migration(migrations.Migration):
    dependencies = [("patterns", "0001_initial")]

    operations = [migrations.RunPython(load_builtin_patterns, remove_builtin_patterns)]
