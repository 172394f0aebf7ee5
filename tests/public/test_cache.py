"""The public cache's generation: a new value after every commit of an audit event, also one
that took its id before an event committed earlier (PostgreSQL's sequences do not follow
commit order)."""

from styrkort.core.models import AuditEvent
from styrkort.public.cache import generation


def _event(org, pk=None):
    return AuditEvent.objects.create(
        pk=pk, organisation=org, actor_label="test", action="update", model="x", object_id="1"
    )


def test_generation_changes_with_every_event_also_one_committed_out_of_order(region):
    org = region.org
    first = generation(org)
    newest = _event(org).pk
    late_id = newest + 1  # taken by a transaction that commits last
    _event(org, pk=newest + 5)
    before_late_commit = generation(org)
    assert before_late_commit != first
    _event(org, pk=late_id)
    after = generation(org)
    assert after != before_late_commit
    assert after[1] == newest + 5  # the newest id did not move: the count did


def test_generation_is_per_organisation(region):
    other = region.other_region_admin.memberships.get().organisation
    mine = generation(region.org)
    _event(other)
    assert generation(region.org) == mine
