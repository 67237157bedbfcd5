"""The catalogue, pattern, guide and quick match pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patterns.forms import DEFAULTS
from patterns.models import Pattern
from tests.factories import PatternFactory

pytestmark = pytest.mark.django_db

MATCH_URL = reverse("patterns:match")
STREAMING_QUERY = {
    "trigger": "event",
    "granularity": "record",
    "consistency": "eventual",
    "failure": "retry",
    "max_latency": "1",
    "latency_unit": "seconds",
    "volume": "50000",
    "volume_unit": "hour",
}


class TestCatalogue:
    def test_it_compares_the_three_builtin_patterns_side_by_side(self, client):
        response = client.get(reverse("patterns:catalogue"))
        assert response.status_code == 200
        content = response.content.decode()
        for name in ("Batch processing", "Real-time streaming", "Event-driven choreography"):
            assert name in content
        assert "minutes to hours" in content
        assert "sub-second, down to milliseconds" in content
        assert "Apache Kafka" in content

    def test_it_lists_a_pattern_an_admin_added(self, client):
        PatternFactory(name="Change data capture", slug="cdc")
        response = client.get(reverse("patterns:catalogue"))
        assert "Change data capture" in response.content.decode()
        assert reverse("patterns:detail", kwargs={"slug": "cdc"}) in response.content.decode()

    @pytest.mark.parametrize("extra", [0, 40])
    def test_it_costs_the_same_queries_whatever_the_catalogue_size(
        self, client, django_assert_max_num_queries, extra
    ):
        PatternFactory.create_batch(extra)
        # The catalogue's version, the shared cache (a miss), the patterns, then keeping the
        # drawing in the database cache (count, look-up, insert, in a savepoint).
        with django_assert_max_num_queries(8):
            response = client.get(reverse("patterns:catalogue"))
        assert response.content.decode().count('scope="col"><a href=') == 3 + extra
        # Drawn once per version, and kept by the process: only the version is read.
        with django_assert_max_num_queries(1):
            again = client.get(reverse("patterns:catalogue"))
        assert again.content == response.content

    def test_it_shows_an_edit_at_once(self, client):
        client.get(reverse("patterns:catalogue"))
        pattern = Pattern.objects.get(slug="batch")
        pattern.latency_label = "nightly, every night"
        pattern.save()
        content = client.get(reverse("patterns:catalogue")).content.decode()
        assert "nightly, every night" in content

    def test_it_drops_a_deleted_pattern_at_once(self, client):
        client.get(reverse("patterns:catalogue"))
        Pattern.objects.filter(slug="choreography").delete()
        content = client.get(reverse("patterns:catalogue")).content.decode()
        assert "Event-driven choreography" not in content
        assert "Real-time streaming" in content

    def test_it_escapes_pattern_text(self, client):
        PatternFactory(name="<script>alert(1)</script>", typical_tools="<b>bold</b>")
        content = client.get(reverse("patterns:catalogue")).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
        assert "&lt;b&gt;bold&lt;/b&gt;" in content

    def test_it_refuses_post(self, client):
        assert client.post(reverse("patterns:catalogue")).status_code == 405


class TestPatternDetail:
    def test_it_shows_growth_tools_and_pitfalls(self, client):
        response = client.get(reverse("patterns:detail", kwargs={"slug": "streaming"}))
        assert response.status_code == 200
        content = response.content.decode()
        assert "How it grows" in content
        assert "RocksDB" in content
        assert "Apache Flink" in content
        assert "Pitfalls" in content
        assert "over-engineering" in content

    def test_it_costs_one_query(self, client, django_assert_max_num_queries):
        with django_assert_max_num_queries(1):
            client.get(reverse("patterns:detail", kwargs={"slug": "batch"}))

    def test_it_escapes_text_an_admin_entered(self, client):
        PatternFactory(slug="odd", growth_mechanics='<img src="x" onerror="alert(1)">')
        content = client.get(reverse("patterns:detail", kwargs={"slug": "odd"})).content.decode()
        assert '<img src="x"' not in content
        assert "&lt;img src=&quot;x&quot;" in content

    def test_it_returns_404_for_an_unknown_pattern(self, client):
        assert client.get(reverse("patterns:detail", kwargs={"slug": "nope"})).status_code == 404

    def test_it_refuses_post(self, client):
        url = reverse("patterns:detail", kwargs={"slug": "batch"})
        assert client.post(url).status_code == 405


class TestGuide:
    def test_it_explains_the_method(self, client):
        response = client.get(reverse("guide"))
        assert response.status_code == 200
        content = response.content.decode()
        for section in ("dimensions", "phases", "matching", "pitfalls", "faq"):
            assert f'id="{section}"' in content
        assert "dead-letter" in content.lower()
        assert "Can one integration combine several patterns" in content

    def test_it_explains_the_growth_rules_with_the_engines_thresholds(self, client):
        from patterns.growth import FAN_OUT_CONSUMERS, STRONG_GROWTH

        content = client.get(reverse("guide")).content.decode()
        growth = content.split('<section id="growth"')[1].split("</section>")[0]
        assert f"growth of {STRONG_GROWTH:g}x or more" in growth
        assert {10: "ten"}[FAN_OUT_CONSUMERS] + " or more consumers" in growth
        for rule in ("Batch window", "Streaming cost", "Bus fan-out", "Organisation", "Revisit"):
            assert f"<dt>{rule}" in growth
        assert 'href="#growth"' in content

    def test_it_is_reachable_from_the_navigation(self, client):
        home = client.get(reverse("home")).content.decode()
        assert f'href="{reverse("guide")}"' in home
        assert f'href="{reverse("patterns:catalogue")}"' in home
        assert f'href="{MATCH_URL}"' in home


class TestQuickMatch:
    def test_it_ranks_a_default_profile_on_first_visit(self, client):
        response = client.get(MATCH_URL)
        assert response.status_code == 200
        assert response.context["evaluation"].result.recommended.pattern.slug == "batch"
        assert "Recommended" in response.content.decode()

    def test_it_recommends_streaming_for_sub_second_records(self, client):
        response = client.get(MATCH_URL, STREAMING_QUERY)
        evaluation = response.context["evaluation"]
        assert evaluation.result.recommended.pattern.slug == "streaming"
        content = response.content.decode()
        assert "Infeasible" in content  # batch cannot deliver within a second
        assert "cannot deliver faster than 1 minute" in content

    def test_it_explains_each_mismatch_in_a_sentence(self, client):
        response = client.get(MATCH_URL, {**STREAMING_QUERY, "consistency": "strong"})
        assert "read-after-write store or a reconciliation job" in response.content.decode()

    def test_it_flags_pitfalls_of_the_chosen_pattern(self, client):
        query = {**STREAMING_QUERY, "max_latency": "1", "latency_unit": "days"}
        query |= {"chosen": "streaming", "compliance": ["GDPR"]}
        response = client.get(MATCH_URL, query)
        slugs = [p.slug for p in response.context["evaluation"].pitfalls]
        # Streaming is also the recommendation here, so choosing it is no over-engineering.
        assert slugs == ["idempotency", "compliance"]
        assert 'data-pitfall="compliance"' in response.content.decode()

    def test_it_flags_over_engineering_when_the_team_leans_to_streaming_for_a_nightly_job(
        self, client
    ):
        response = client.get(MATCH_URL, {**DEFAULTS, "chosen": "streaming"})
        pitfalls = response.context["evaluation"].pitfalls
        assert pitfalls[0].slug == "over_engineering"
        assert "Start with Batch processing" in response.content.decode()

    def test_it_says_when_a_nightly_job_outgrows_its_window_and_when_to_revisit(self, client):
        query = {**DEFAULTS, "volume": "50000000", "growth_factor": "10"}
        query |= {"throughput_per_hour": "41666667", "batch_window_hours": "4"}
        query |= {"organisation": "autonomous_teams"}
        content = client.get(MATCH_URL, query).content.decode()
        growth = content.split('data-growth="batch_window"')[1].split("</div>")[0]
        assert "it stops fitting at about 3.3x" in growth
        assert "Revisit when: volume passes 166.7 M records a day" in content
        assert "can become the bottleneck" in content

    def test_it_shows_a_bad_window_beside_its_field(self, client):
        response = client.get(MATCH_URL, {**DEFAULTS, "batch_window_hours": "0"})
        assert response.context["form"].errors["batch_window_hours"] == ["Must be greater than 0"]

    def test_it_converts_units_before_matching(self, client):
        # 2 minutes is 120 s: batch (floor 60 s) is feasible again.
        response = client.get(
            MATCH_URL,
            {
                **STREAMING_QUERY,
                "trigger": "scheduled",
                "granularity": "batch",
                "consistency": "strong",
                "max_latency": "2",
                "latency_unit": "minutes",
            },
        )
        assert response.context["evaluation"].result.recommended.pattern.slug == "batch"

    def test_it_keeps_input_and_shows_errors_beside_the_field(self, client):
        response = client.get(MATCH_URL, {**STREAMING_QUERY, "max_latency": "-5"})
        assert response.status_code == 200
        assert response.context["evaluation"] is None
        form = response.context["form"]
        assert form.errors["max_latency"] == ["Must be greater than 0"]
        content = response.content.decode()
        assert 'value="-5"' in content
        assert 'id="error_1_id_max_latency"' in content
        assert 'value="50000"' in content  # the rest of the input is still there

    def test_it_rejects_an_unknown_dimension_value(self, client):
        response = client.get(MATCH_URL, {**STREAMING_QUERY, "trigger": "sometimes"})
        assert "trigger" in response.context["form"].errors

    def test_it_answers_htmx_with_the_results_fragment_only(self, client):
        response = client.get(MATCH_URL, STREAMING_QUERY, headers={"HX-Request": "true"})
        content = response.content.decode()
        assert response.status_code == 200
        assert content.lstrip().startswith('<div id="results"')
        assert "<html" not in content
        assert 'data-pattern="streaming"' in content

    def test_it_lists_field_errors_in_the_htmx_fragment(self, client):
        response = client.get(
            MATCH_URL, {**STREAMING_QUERY, "volume": "-1"}, headers={"HX-Request": "true"}
        )
        content = response.content.decode()
        assert "Correct these fields" in content
        assert "Volume (records)" in content

    def test_it_considers_a_pattern_an_admin_added(self, client):
        PatternFactory(
            slug="cdc",
            name="Change data capture",
            consistency="strong",
            complexity_rank=1,
            latency_floor_seconds=0.5,
        )
        response = client.get(MATCH_URL, {**STREAMING_QUERY, "consistency": "strong"})
        assert response.context["evaluation"].result.recommended.pattern.slug == "cdc"

    def test_it_costs_the_same_queries_whatever_the_catalogue_size(
        self, client, django_assert_max_num_queries
    ):
        PatternFactory.create_batch(30)
        with django_assert_max_num_queries(1):
            client.get(MATCH_URL, STREAMING_QUERY)

    def test_it_refuses_post(self, client):
        assert client.post(MATCH_URL, STREAMING_QUERY).status_code == 405
