"""The search index is kept up to date on write, not rebuilt per query: a record written after
a search is found by the next one, whatever wrote it, and a missing index or trigger is put
back. (SQLite's FTS5 index; PostgreSQL searches its tables directly, and the tests that make
sense there run there too.)"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from styrkort.core.actors import SYSTEM
from styrkort.core.periodic import registered
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.register import search_index
from styrkort.register.models import Case
from styrkort.register.search import search
from styrkort.register.services import case_register

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")


def _registrar():
    return get_user_model().objects.get(username="registrator")


def _search(demo, text):
    return search(viewer=_registrar(), organisation=demo.organisation, text=text)


@pytest.fixture
def no_rebuild(monkeypatch):
    """After the first search, any rebuild of the index fails the test."""

    def refuse() -> int:
        raise AssertionError("the index was rebuilt")

    def arm():
        monkeypatch.setattr(search_index, "rebuild_search_index", refuse)

    return arm


def test_a_case_registered_after_a_search_is_found_without_a_rebuild(demo, no_rebuild):
    assert _search(demo, "snöröjning fjällen").cases == []
    no_rebuild()
    case_register(
        actor=SYSTEM,
        organisation=demo.organisation,
        series="RS",
        title="Upphandling av snöröjning i fjällen",
        opened_on=dt.date(2025, 3, 1),
    )
    assert [c.title for c in _search(demo, "snöröjning fjällen").cases] == [
        "Upphandling av snöröjning i fjällen"
    ]


def test_a_changed_comment_is_found_by_its_new_words_only(demo, no_rebuild):
    from styrkort.followup.services import assessment_save

    period = FollowUpPeriod.objects.filter(organisation=demo.organisation, year=2024).first()
    assessment = Assessment.objects.filter(period=period).exclude(comment="").first()
    old_word = max(assessment.comment.split(), key=len).strip(".,;:()")
    assert assessment in _search(demo, old_word).comments
    no_rebuild()
    assessment_save(
        actor=SYSTEM,
        period=period,
        item=assessment.item,
        body=assessment.body,
        status=assessment.status,
        comment="Vintervägarna plogas enligt avtal.",
        expected_version=assessment.version,
    )
    assert [a.pk for a in _search(demo, "vintervägarna plogas").comments] == [assessment.pk]
    assert assessment.pk not in {a.pk for a in _search(demo, old_word).comments}


@sqlite_only
def test_bulk_writes_and_updates_reach_the_index_too(demo, no_rebuild):
    """import_all and the synthetic region insert in bulk; admin and update() bypass save()."""
    _search(demo, "något")
    no_rebuild()
    case = Case.objects.filter(organisation=demo.organisation).first()
    Case.objects.filter(pk=case.pk).update(title="Renovering av tandvårdsklinik")
    assert [c.pk for c in _search(demo, "tandvårdsklinik").cases] == [case.pk]
    Case.objects.filter(pk=case.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search_index.INDEX} WHERE rowid = %s", [case.pk * 8])
        assert cursor.fetchone()[0] == 0


def test_a_decision_is_found_by_words_in_its_title_and_its_points_together(demo):
    hits = _search(demo, "utvecklingsplan miljö")
    assert {d.case.number for d in hits.decisions} >= {"RS/105/2024", "RS/516/2024"}


@sqlite_only
def test_a_trigger_lost_to_a_table_rebuild_is_put_back_with_the_index(demo):
    """A migration that alters one of the tables rebuilds it and drops its triggers."""
    _search(demo, "något")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER styrkort_search_register_case_ai")
    case_register(
        actor=SYSTEM,
        organisation=demo.organisation,
        series="RS",
        title="Översyn av färdtjänsten",
        opened_on=dt.date(2025, 3, 1),
    )
    assert len(_search(demo, "färdtjänsten översyn").cases) == 1


@sqlite_only
def test_the_periodic_job_rebuilds_the_index_from_the_tables(demo):
    assert registered()["register.search_index"].function is search_index.rebuild_search_index
    rows = search_index.rebuild_search_index()
    expected = (
        Case.objects.exclude(title="").count() + Assessment.objects.exclude(comment="").count()
    )
    assert rows > expected
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search_index.INDEX}")  # wrong, somehow
    assert _search(demo, "ekonomi i balans").count == 0
    search_index.rebuild_search_index()
    assert _search(demo, "ekonomi i balans").count > 0


def test_a_search_costs_the_same_number_of_queries_whatever_it_finds(
    demo, django_assert_max_num_queries
):
    _search(demo, "något")
    with django_assert_max_num_queries(12):
        _search(demo, "ekonomi i balans")


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the GIN indexes are PostgreSQL's"
)


@postgres_only
def test_postgres_narrows_a_search_with_a_gin_index_on_every_searched_text(demo):
    """Each searched column has its stored vector with a GIN index, which the planner can use
    for what the search writes (before, every record's vector was built on every query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'styrkort_fts_%%'"
        )
        found = dict(cursor.fetchall())
        assert sorted(found) == sorted(
            search_index.postgres_index_name(t) for t in search_index.INDEXED
        )
        assert all("USING gin (styrkort_fts)" in d for d in found.values())
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM followup_assessment WHERE styrkort_fts @@ "
            "plainto_tsquery('swedish'::regconfig, %s)",
            ["ekonomi"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "styrkort_fts_followup_assessment_comment" in plan, plan
    # And the search still finds what it found without the indexes.
    hits = _search(demo, "ekonomi i balans")
    assert any("ekonomi i balans" in a.comment.casefold() for a in hits.comments)
