"""Reading the follow-up for an audience, in a fixed number of queries.

The public reads published periods only, with their approved texts; members read every period
and every state. An assignment given by a secret decision shows only that it exists and its
legal ground to those without the right, and so do the bodies' texts on it (core/secrecy.py).

A period shows each of the year's plans as it stood when the period ended: the version adopted
last on or before that day (a plan adopted only later shows its first adopted version; for
members, a plan never adopted shows its newest draft). Assessments, overall statuses and
key-figure values belong to an item's lineage, the same item across versions, so a revision
adopted during the year hides none of them; an item a revision removed still shows in a period
where it was assessed.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Length
from django.utils.functional import cached_property

from styrkort.core.errors import NotFound
from styrkort.core.models import AuditEvent, Status
from styrkort.core.secrecy import SecretQuerySet
from styrkort.core.status import worst
from styrkort.followup.models import Assessment, FollowUpPeriod, OverallStatus
from styrkort.organisation.audience import Audience, Level, Viewer, audience_of
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import bodies_for_role, memberships
from styrkort.planning.models import Plan, PlanItem, PlanVersion


def period_list(*, viewer: Viewer, organisation: Organisation) -> QuerySet[FollowUpPeriod]:
    """The organisation's periods, newest first: for the public, the published ones."""
    aud = audience_of(viewer, organisation)
    periods = FollowUpPeriod.objects.filter(organisation=organisation).order_by("-ends_on", "-pk")
    return periods if aud.is_member else periods.filter(published_at__isnull=False)


def period_get(*, viewer: Viewer, organisation: Organisation, pk: int) -> FollowUpPeriod:
    period = period_list(viewer=viewer, organisation=organisation).filter(pk=pk).first()
    if period is None:
        raise NotFound(pk)
    return period


def period_for(
    *, viewer: Viewer, organisation: Organisation, year: int, name: str | None = None
) -> FollowUpPeriod:
    """The named period of a year, or the year's latest. NotFound names what exists."""
    periods = period_list(viewer=viewer, organisation=organisation).filter(year=year)
    if name:
        found = periods.filter(name__iexact=name.strip()).first()
        if found is None:
            known = ", ".join(periods.values_list("name", flat=True)) or "inga"
            raise NotFound(f"Perioden {name!r} finns inte för {year} (finns: {known}).")
        return found
    latest = periods.first()
    if latest is None:
        raise NotFound(f"{organisation} har ingen uppföljningsperiod för {year}.")
    return latest


def version_at(plan: Plan, day: dt.date, *, drafts: bool) -> PlanVersion | None:
    """The plan as it stood on `day`: the version adopted last on or before it; else the first
    adopted one (adopted later); else, when drafts may be read, the newest draft."""
    versions = sorted(plan.versions.all(), key=lambda v: v.number)
    adopted = [v for v in versions if v.state == PlanVersion.State.ADOPTED]
    by_then = [v for v in adopted if v.adopted_on is not None and v.adopted_on <= day]
    if by_then:
        return by_then[-1]
    if adopted:
        return adopted[0]
    return versions[-1] if drafts and versions else None


def period_versions(*, viewer: Viewer, period: FollowUpPeriod) -> list[int]:
    """The version of each of the year's plans that the period follows up (one query)."""
    aud = audience_of(viewer, period.organisation_id)
    plans = Plan.objects.filter(
        organisation_id=period.organisation_id, year=period.year
    ).prefetch_related("versions")
    found = (version_at(p, period.ends_on, drafts=aud.is_member) for p in plans)
    return [v.pk for v in found if v is not None]


def _assessed_elsewhere(period: FollowUpPeriod, version_ids: list[int], aud: Audience) -> list[int]:
    """Items whose lineage has an assessment or overall status in the period but is not in the
    followed versions (a revision removed it): one item a lineage, its newest. One query."""
    followed = PlanItem.objects.filter(plan_version__in=version_ids).values("lineage")
    rows = []
    for model in (Assessment, OverallStatus):
        found: QuerySet[Any] = model.objects.filter(period=period).exclude(lineage__in=followed)
        if not aud.is_member:
            found = found.filter(item__plan_version__state=PlanVersion.State.ADOPTED)
            if model is Assessment:
                found = found.filter(state=Assessment.State.APPROVED)
        rows.append(found.order_by().values("lineage").annotate(newest=Max("item_id")))
    return sorted(
        {newest for _lineage, newest in rows[0].union(rows[1]).values_list("lineage", "newest")}
    )


def period_items(
    *, viewer: Viewer, period: FollowUpPeriod, version_ids: list[int] | None = None
) -> SecretQuerySet[PlanItem]:
    """The items the period follows up, as the audience may see them, in plan and item order."""
    aud = audience_of(viewer, period.organisation_id)
    if version_ids is None:
        version_ids = period_versions(viewer=aud, period=period)
    removed = _assessed_elsewhere(period, version_ids, aud)
    chosen = Q(plan_version__in=version_ids)
    if removed:
        chosen |= Q(pk__in=removed)
    return (
        PlanItem.objects.shown_to(aud)
        .filter(chosen)
        .select_related("plan_version__plan__body")
        .prefetch_related("receivers")
        .order_by("plan_version__plan__body__order", "order", "pk")
    )


def period_assessments(*, viewer: Viewer, period: FollowUpPeriod) -> SecretQuerySet[Assessment]:
    """The period's assessments the audience may read: for the public, the approved ones."""
    aud = audience_of(viewer, period.organisation_id)
    found = Assessment.objects.shown_to(aud).filter(period=period)
    return found if aud.is_member else found.filter(state=Assessment.State.APPROVED)


@dataclass(frozen=True)
class DocumentSize:
    """How much a document of the period would hold: its assessments and their comments'
    characters (one query; what decides whether it is made in the background)."""

    assessments: int
    characters: int


def document_size(
    *, viewer: Viewer, period: FollowUpPeriod, body: Body | None = None
) -> DocumentSize:
    found = period_assessments(viewer=viewer, period=period).order_by()
    if body is not None:
        found = found.filter(body=body)
    size = found.aggregate(n=Count("pk"), chars=Coalesce(Sum(Length("comment")), 0))
    return DocumentSize(int(size["n"]), int(size["chars"]))


def assessment_list(*, viewer: Viewer, organisation: Organisation) -> SecretQuerySet[Assessment]:
    """Every assessment the audience may read: members every state; the public the approved
    ones of published periods. In a stable order a deep page reads as cheaply as the first."""
    aud = audience_of(viewer, organisation)
    found = (
        Assessment.objects.shown_to(aud)
        .filter(period__organisation=organisation)
        .select_related("period", "item", "body", "status")
        # The unique (period, lineage, body) index gives most of this order without a sort.
        .order_by("period_id", "item_id", "body_id")
    )
    if not aud.is_member:
        found = found.filter(
            state=Assessment.State.APPROVED,
            period__published_at__isnull=False,
            item__plan_version__state=PlanVersion.State.ADOPTED,
        )
    return found


@dataclass
class FollowUpRow:
    """One item of a period's follow-up with its overall status and the bodies' assessments."""

    item: PlanItem
    overall: OverallStatus | None
    assessments: list[Assessment] = field(default_factory=list)

    @property
    def receivers(self) -> list[Body]:
        return sorted(self.item.receivers.all(), key=lambda b: (b.order, b.name))


def followup_rows(
    *,
    viewer: Viewer,
    period: FollowUpPeriod,
    body: Body | None = None,
    status: Status | None = None,
    kind: str | None = None,
    text: str | None = None,
) -> list[FollowUpRow]:
    """The period's follow-up as the audience may read it, filtered by answering body, overall
    status, kind and text. A fixed number of queries whatever the number of items and bodies."""
    aud = _reader(viewer, period)
    items = list(
        _filtered_items(aud=aud, period=period, body=body, status=status, kind=kind, text=text)
    )
    return _followup_rows(aud, period, items, body, whole=True)


@dataclass
class FollowUpPage:
    """One page of the period's follow-up: `page` numbers it (its object_list is the page's
    items), `rows` are those items with their overall status and assessments. `cut` says the
    page ended before `per_page` items because of the comments' length (the characters
    budget); `alone`, that its one item's comments alone are over the budget."""

    page: Page
    rows: list[FollowUpRow]
    cut: bool = False
    alone: bool = False

    @property
    def total(self) -> int:
        return int(self.page.paginator.count)


class _BudgetPaginator(Paginator):
    """Pages of a list of item ids that begin at the given indexes (`starts`, ascending, the
    first 0): pages of at most `per_page` items, shorter where the comments are long."""

    def __init__(self, ids: list[int], starts: list[int], per_page: int) -> None:
        super().__init__(ids, per_page)
        self.starts = starts or [0]

    @cached_property
    def num_pages(self) -> int:
        return len(self.starts)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        start = self.starts[number - 1]
        stop = self.starts[number] if number < len(self.starts) else self.count
        return _BudgetPage(self.object_list[start:stop], number, self)


class _BudgetPage(Page):
    paginator: _BudgetPaginator

    def start_index(self) -> int:
        return 0 if self.paginator.count == 0 else self.paginator.starts[self.number - 1] + 1

    def end_index(self) -> int:
        return self.paginator.starts[self.number - 1] + len(self.object_list)


def page_starts(sizes: list[int], *, per_page: int, characters: int) -> list[int]:
    """The index of each page's first thing, of things of `sizes` characters in order: a page
    holds at most `per_page` things and stops before a thing that would take it past
    `characters`, but holds at least one (a thing over the budget has a page of its own)."""
    starts: list[int] = []
    held = count = 0
    for index, size in enumerate(sizes):
        if not starts or count >= per_page or held + size > characters:
            starts.append(index)
            held = count = 0
        held += size
        count += 1
    return starts


# What a body's text on the report view's page weighs beyond its comment, in characters of the
# budget: its heading, status and state are some 200 characters of markup (with 200 bodies and
# short comments the headings were most of a 3.8 MB page).
ASSESSMENT_MARKUP = 200


def followup_page(
    *,
    viewer: Viewer,
    period: FollowUpPeriod,
    number: Any,
    per_page: int,
    body: Body | None = None,
    status: Status | None = None,
    kind: str | None = None,
    text: str | None = None,
    characters: int | None = None,
) -> FollowUpPage:
    """Page `number` (as given: a wrong or missing one gives the first, past the end the last)
    of `followup_rows`, filtered the same way; only that page's items, assessments and overall
    statuses are read, not the whole period's. A fixed number of queries.

    With `characters`, a page also ends before an item that would take the comments it shows
    past that many characters, each assessment counted with ASSESSMENT_MARKUP more (at least
    one item a page): the pages are cut from one query of every filtered item's id and sum of
    comment lengths, in the list's order, in place of the count (a secret item counts nothing
    for an audience that does not read it: its comments are not shown, and their length must
    not move the pages)."""
    aud = _reader(viewer, period)
    items = _filtered_items(aud=aud, period=period, body=body, status=status, kind=kind, text=text)
    if characters is None:
        page = Paginator(items, per_page).get_page(number)
        page.object_list = list(page.object_list)
        return FollowUpPage(page, _followup_rows(aud, period, page.object_list, body, whole=False))
    shown = period_assessments(viewer=aud, period=period)
    if not aud.sees_secret:
        shown = shown.without_secret()
    if body is not None:
        shown = shown.filter(body=body)
    length: Coalesce | Case = Coalesce(
        Subquery(
            shown.filter(lineage=OuterRef("lineage"))
            .order_by()
            .values("lineage")
            .annotate(n=Sum(Length("comment") + Value(ASSESSMENT_MARKUP)))
            .values("n")[:1]
        ),
        0,
    )
    if not aud.sees_secret:
        length = Case(When(_secret=True, then=Value(0)), default=length)
    pairs = list(items.prefetch_related(None).annotate(_length=length).values_list("pk", "_length"))
    ids = [pk for pk, _ in pairs]
    sizes = [int(n) for _, n in pairs]
    starts = page_starts(sizes, per_page=per_page, characters=characters)
    paginator = _BudgetPaginator(ids, starts, per_page)
    page = paginator.get_page(number)
    chosen = cast("list[int]", list(page.object_list))
    page.object_list = list(items.filter(pk__in=chosen)) if chosen else []
    cut = len(chosen) < per_page and page.number < paginator.num_pages
    alone = len(chosen) == 1 and sizes[paginator.starts[page.number - 1]] > characters
    return FollowUpPage(
        page,
        _followup_rows(aud, period, page.object_list, body, whole=False),
        cut=cut,
        alone=alone,
    )


# What a page of the report view shows of an assessment: its 600 rows a page built as full
# instances with a full body and status each (timestamps converted, and so on) took a third of
# the selector's time. A field left out here is read row by row if something asks for it.
_PAGE_FIELDS = (
    "pk",
    "period_id",
    "item_id",
    "lineage",
    "state",
    "comment",
    "body__name",
    "body__abbreviation",
    "body__order",
    "status__code",
    "status__label",
    "status__rank",
    "status__is_assessed",
)


def _followup_rows(
    aud: Audience, period: FollowUpPeriod, items: list[PlanItem], body: Body | None, *, whole: bool
) -> list[FollowUpRow]:
    """The rows of `items`: with `whole`, the items are the period's and its assessments are
    read without naming them; else only the items' lineages are read."""
    by_lineage: dict[Any, list[Assessment]] = {i.lineage: [] for i in items}
    assessments = (
        period_assessments(viewer=aud, period=period)
        .select_related("status", "body")
        .order_by("body__order", "body__name")
    )
    overall_statuses = OverallStatus.objects.shown_to(aud).filter(period=period)
    if not whole:
        assessments = assessments.filter(lineage__in=list(by_lineage)).only(*_PAGE_FIELDS)
        overall_statuses = overall_statuses.filter(lineage__in=list(by_lineage))
    if body is not None:
        assessments = assessments.filter(body=body)
    for a in assessments:
        if a.lineage in by_lineage:
            by_lineage[a.lineage].append(a)
    overall = {o.lineage: o for o in overall_statuses.select_related("status")}
    # A secret item shows only that it exists: not its status, nor the bodies' texts on it.
    return [
        FollowUpRow(item=i, overall=None, assessments=[])
        if getattr(i, "redacted", False)
        else FollowUpRow(item=i, overall=overall.get(i.lineage), assessments=by_lineage[i.lineage])
        for i in items
    ]


@dataclass
class PublishedComment:
    body: Body
    status: Status | None
    comment: str


@dataclass
class PublishedRow:
    """One item of a period's follow-up as a page of every item shows it: its overall status,
    its receivers and each body's comment (for the public, the approved ones)."""

    item: PlanItem
    status: Status | None
    receivers: list[Body]
    comments: list[PublishedComment]


def _published_assessments(aud: Audience, period: FollowUpPeriod) -> SecretQuerySet[Assessment]:
    """The assessments a published follow-up shows, read as plain values: for an audience that
    may not read secrets, only those that are not secret."""
    assessments = period_assessments(viewer=aud, period=period)
    return assessments if aud.sees_secret else assessments.without_secret()


def published_pages(
    *, viewer: Viewer, period: FollowUpPeriod, per_page: int, max_chars: int
) -> list[list[int]]:
    """The ids of the items of `published_rows`, in its order, cut into pages of at most
    `per_page` items and, once a page holds an item, at most `max_chars` characters of shown
    comments (an item with more than that has a page of its own): a period with 10 000-character
    comments gets short pages instead of 300 MB ones. Two queries, reading ids, lineages and each
    item's sum of comment lengths, no comments."""
    aud = _reader(viewer, period)
    items = list(
        period_items(viewer=aud, period=period)
        .prefetch_related(None)
        .annotate(_lineage_text=_LINEAGE_TEXT)
        .values_list("pk", "_lineage_text", "_secret")
    )
    chars = dict(
        _published_assessments(aud, period)
        .order_by()
        .annotate(_lineage_text=_LINEAGE_TEXT)
        .values("_lineage_text")
        .annotate(n=Sum(Length("comment")))
        .values_list("_lineage_text", "n")
    )
    # A secret item shows no comments: their length must not move the pages either.
    sizes = [
        0 if secret and not aud.sees_secret else int(chars.get(lineage) or 0)
        for _pk, lineage, secret in items
    ]
    starts = page_starts(sizes, per_page=per_page, characters=max_chars)
    ids = [pk for pk, _lineage, _secret in items]
    return [ids[a:b] for a, b in zip(starts, [*starts[1:], len(ids)], strict=True)]


def published_rows(
    *, viewer: Viewer, period: FollowUpPeriod, item_ids: list[int] | None = None
) -> list[PublishedRow]:
    """`followup_rows`'s content for a page that shows every item (or the items `item_ids`, a
    page of `published_pages`: then only their rows are read): the items as the audience
    may see them, but their receivers, overall statuses and assessments read as plain values
    and joined to the organisation's bodies and statuses, read once each (a region's 6 000
    assessments and receivers as model instances with a body and status each were most of the
    public follow-up's time). Plain values skip the blanking, so for an audience that may not
    read secrets only rows that are not secret are read that way; a secret item shows only that
    it exists, as in `followup_rows`. A fixed number of queries."""
    aud = _reader(viewer, period)
    if item_ids is None:
        chosen = period_items(viewer=aud, period=period)
    else:
        # Items `published_pages` found the period's: read by id, in `period_items`'s order,
        # without working out the period's versions again.
        chosen = (
            PlanItem.objects.shown_to(aud)
            .filter(pk__in=item_ids, plan_version__plan__organisation_id=period.organisation_id)
            .select_related("plan_version__plan__body")
            .order_by("plan_version__plan__body__order", "order", "pk")
        )
    items = list(chosen.prefetch_related(None).annotate(_lineage_text=_LINEAGE_TEXT))
    bodies = {b.pk: b for b in Body.objects.filter(organisation_id=period.organisation_id)}
    statuses = {
        s.pk: s for s in Status.objects.filter(scale__organisation_id=period.organisation_id)
    }
    shown = [i for i in items if not getattr(i, "redacted", False)]
    receivers: dict[int, list[Body]] = {i.pk: [] for i in items}
    for item_id, body_id in (
        PlanItem.receivers.through.objects.filter(planitem_id__in=[i.pk for i in shown])
        .order_by()
        .values_list("planitem_id", "body_id")
    ):
        receivers[item_id].append(bodies[body_id])
    overall_rows = OverallStatus.objects.shown_to(aud).filter(period=period)
    if not aud.sees_secret:
        overall_rows = overall_rows.without_secret()
    assessments = _published_assessments(aud, period)
    if item_ids is not None:
        lineages = [uuid.UUID(i._lineage_text) for i in items]  # type: ignore[attr-defined]
        overall_rows = overall_rows.filter(lineage__in=lineages)
        assessments = assessments.filter(lineage__in=lineages)
    overall = dict(overall_rows.order_by().values_list(_LINEAGE_TEXT, "status_id"))
    comments: dict[str, list[PublishedComment]] = {}
    for lineage, body_id, status_id, comment in assessments.order_by().values_list(
        _LINEAGE_TEXT, "body_id", "status_id", "comment"
    ):
        status = statuses.get(status_id) if status_id is not None else None
        comments.setdefault(lineage, []).append(PublishedComment(bodies[body_id], status, comment))
    rows = []
    for item in items:
        if getattr(item, "redacted", False):
            rows.append(PublishedRow(item, None, [], []))
            continue
        key = item._lineage_text  # type: ignore[attr-defined]
        said = sorted(comments.get(key, []), key=lambda c: (c.body.order, c.body.name))
        status_id = overall.get(key)
        rows.append(
            PublishedRow(
                item=item,
                status=statuses.get(status_id) if status_id is not None else None,
                receivers=sorted(receivers[item.pk], key=lambda b: (b.order, b.name)),
                comments=said,
            )
        )
    return rows


def _reader(viewer: Viewer, period: FollowUpPeriod) -> Audience:
    """The viewer's audience, if it may read the period at all (else NotFound)."""
    aud = audience_of(viewer, period.organisation_id)
    if not aud.is_member and period.published_at is None:
        raise NotFound(period.pk)
    return aud


def previous_period(period: FollowUpPeriod) -> FollowUpPeriod | None:
    """The organisation's period that ended last before this one ended."""
    return (
        FollowUpPeriod.objects.filter(
            organisation_id=period.organisation_id, ends_on__lt=period.ends_on
        )
        .order_by("-ends_on", "-pk")
        .first()
    )


class Change:
    """How an item's overall status moved since the previous period."""

    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    UNKNOWN = "unknown"
    LABELS = {
        BETTER: "Bättre",
        WORSE: "Sämre",
        SAME: "Oförändrad",
        UNKNOWN: "Ingen jämförelse",
    }
    SYMBOLS = {BETTER: "↑", WORSE: "↓", SAME: "=", UNKNOWN: "–"}


def _change(now: Status | None, before: Status | None) -> str:
    if now is None or before is None or now.rank is None or before.rank is None:
        return Change.UNKNOWN
    if now.rank > before.rank:
        return Change.BETTER
    if now.rank < before.rank:
        return Change.WORSE
    return Change.SAME


# A matrix cell: the body's assessment, MISSING when the body should answer and has not,
# NOT_ASKED when the item was not given to the body, SECRET when the item is secret and the
# viewer may not read it (not even its status).
MISSING = "missing"
NOT_ASKED = "not-asked"
SECRET = "secret"


@dataclass(frozen=True)
class MatrixCell:
    """What a matrix cell needs of an assessment, read as a plain row (no model instances:
    a 500 × 12 matrix would otherwise build tens of thousands of them)."""

    status: Status | None
    state: str


@dataclass
class MatrixRow:
    item: PlanItem
    overall: Status | None
    cells: list[tuple[Body, MatrixCell | str]]
    change: str
    previous_status: Status | None

    @property
    def change_label(self) -> str:
        return Change.LABELS[self.change]

    @property
    def change_symbol(self) -> str:
        return Change.SYMBOLS[self.change]


@dataclass(frozen=True)
class MatrixPaging:
    """Where a matrix page sits: its rows (items) `first`–`last` of `total`, page `number` of
    `pages`; its columns (bodies) `first_column`–`last_column` of `columns`, column page
    `column_number` of `column_pages`. One page of each when everything fits."""

    number: int = 1
    pages: int = 1
    first: int = 0
    last: int = 0
    total: int = 0
    column_number: int = 1
    column_pages: int = 1
    first_column: int = 0
    last_column: int = 0
    columns: int = 0


@dataclass
class Matrix:
    period: FollowUpPeriod
    previous: FollowUpPeriod | None
    bodies: list[Body]
    rows: list[MatrixRow]
    statuses: list[Status]
    counts: list[tuple[Status | None, int]]
    paging: MatrixPaging = field(default_factory=MatrixPaging)


def _filtered_items(
    *,
    aud: Audience,
    period: FollowUpPeriod,
    body: Body | None,
    status: Status | None,
    kind: str | None,
    text: str | None,
    version_ids: list[int] | None = None,
) -> SecretQuerySet[PlanItem]:
    items = period_items(viewer=aud, period=period, version_ids=version_ids)
    if kind:
        items = items.filter(kind=kind)
    overall = OverallStatus.objects.filter(period=period, lineage=OuterRef("lineage"))
    if status is not None and status.is_assessed:
        items = items.filter(Exists(overall.filter(status=status)))
    elif status is not None:
        # "Not assessed" covers items marked "Inga data" and items with no overall status yet,
        # as the counts do.
        items = items.exclude(Exists(overall.filter(status__is_assessed=True)))
    written = period_assessments(viewer=aud, period=period).filter(lineage=OuterRef("lineage"))
    if body is not None:
        items = items.filter(Q(receivers=body) | Exists(written.filter(body=body))).distinct()
    if text:
        # With a body chosen, only that body's comments are searched. A secret item is never
        # found by its text or its comments by someone who may not read them.
        comments = written.filter(comment__icontains=text)
        if body is not None:
            comments = comments.filter(body=body)
        items = items.filter(Q(text__icontains=text) | Exists(comments))
        if not aud.sees_secret:
            items = items.without_secret()
    return items


# A lineage as text, cast by the database: read as a UUIDField, each of the matrix's 7 500
# lineages a request went through uuid.UUID() (a third of the selector's time on SQLite). Used
# only as a dict key, on both sides of a match, so the database's own text form serves.
_LINEAGE_TEXT = Cast("lineage", output_field=CharField())


def _status_by_lineage(period: FollowUpPeriod) -> dict[str, int | None]:
    """The period's overall status ids by lineage (as text)."""
    return dict(
        OverallStatus.objects.filter(period=period)
        .order_by()
        .annotate(lineage_text=_LINEAGE_TEXT)
        .values_list("lineage_text", "status_id")
    )


# At most this many items named in a query's IN list (twice: ids and lineages), well under
# SQLite's 32 766 parameters.
_LISTED_AT_MOST = 5_000


def _page_bounds(count: int, per_page: int | None, number: Any) -> tuple[int, int, int, int]:
    """(number, pages, start, stop) of page `number` as given of `count` things: a wrong or
    missing number gives the first page, one past the end the last (as Paginator.get_page)."""
    if not per_page or count <= per_page:
        return 1, 1, 0, count
    pages = -(-count // per_page)
    try:
        n = int(number)
    except (TypeError, ValueError):
        n = 1
    n = min(max(n, 1), pages)
    start = (n - 1) * per_page
    return n, pages, start, min(start + per_page, count)


def matrix(
    *,
    viewer: Viewer,
    period: FollowUpPeriod,
    body: Body | None = None,
    status: Status | None = None,
    kind: str | None = None,
    text: str | None = None,
    page: Any = None,
    per_page: int | None = None,
    column_page: Any = None,
    columns_per_page: int | None = None,
) -> Matrix:
    """Items × answering bodies for a period, with overall status, counts and change.

    With `per_page`, the rows are page `page` of the items the filters keep, and with
    `columns_per_page` the columns are page `column_page` of the bodies asked of any of those
    items (the same columns on every row page); a wrong or missing page number gives the
    first. The counts and the paging's total cover every item the filters keep; only the
    page's cells are read (a period of 5 000 items × 12 bodies is 60 000 cells).

    A fixed number of queries whatever the number of items, bodies and periods; the cells are
    read as tuples, not model instances. Made in two steps, `matrix_frame` and
    `matrix_cells`, so that the frame can be kept while only assessments change.
    """
    frame = matrix_frame(
        viewer=viewer,
        period=period,
        body=body,
        status=status,
        kind=kind,
        text=text,
        page=page,
        per_page=per_page,
        column_page=column_page,
        columns_per_page=columns_per_page,
    )
    return matrix_cells(period=period, frame=frame)


@dataclass
class MatrixFrame:
    """Everything of a matrix page but its cells: the items shown with their receivers, the
    columns, the overall statuses now and in the previous period, the counts and the paging,
    and how the cells are to be read. None of it depends on what the bodies have written, so
    for a member (who reads every state) it holds while only assessments change; the body
    filter and a search (which select by assessments) are not made from a kept frame."""

    period_id: int
    statuses: list[Status]
    shown: list[Any]  # the page's PlanItems, each with its lineage as text (lineage_text)
    counts: list[tuple[Status | None, int]]
    paging: MatrixPaging
    columns: list[Body]
    receivers: dict[int, set[int]]
    overall: dict[str, int | None]
    before: dict[str, int | None]
    previous: FollowUpPeriod | None
    approved_only: bool
    body_id: int | None
    page_lineages: list[str] | None
    column_ids: list[int] | None


def matrix_frame(
    *,
    viewer: Viewer,
    period: FollowUpPeriod,
    body: Body | None = None,
    status: Status | None = None,
    kind: str | None = None,
    text: str | None = None,
    page: Any = None,
    per_page: int | None = None,
    column_page: Any = None,
    columns_per_page: int | None = None,
) -> MatrixFrame:
    """`matrix` without its cells (see there and MatrixFrame)."""
    aud = _reader(viewer, period)
    # By the organisation's id: `period.organisation` would read the organisation again.
    statuses = scale_statuses(period.organisation_id)
    by_pk = {s.pk: s for s in statuses}
    version_ids = period_versions(viewer=aud, period=period)
    filtered = _filtered_items(
        aud=aud,
        period=period,
        body=body,
        status=status,
        kind=kind,
        text=text,
        version_ids=version_ids,
    )
    items = list(
        filtered.select_related(None)
        .prefetch_related(None)
        .only("pk", "text", "kind", "order", "secret", "secrecy_ground", "plan_version_id")
        .annotate(lineage_text=_LINEAGE_TEXT)
    )
    overall = _status_by_lineage(period)
    counts: dict[int | None, int] = {}
    for item in items:
        # A secret item's status counts as not assessed for those who may not read it.
        status_id = None if getattr(item, "redacted", False) else overall.get(item.lineage_text)
        now = by_pk.get(status_id) if status_id is not None else None
        key = now.pk if now is not None and now.is_assessed else None
        counts[key] = counts.get(key, 0) + 1
    number, pages, start, stop = _page_bounds(len(items), per_page, page)
    shown = items[start:stop]

    # The assessments here only decide which bodies are columns (those answering an item);
    # the cells are read by matrix_cells.
    assessments = Assessment.objects.filter(period=period).order_by()
    if not aud.is_member:
        assessments = assessments.filter(state=Assessment.State.APPROVED)
    through = PlanItem.receivers.through.objects.order_by()
    if body is not None:
        through = through.filter(body=body)
        assessments = assessments.filter(body=body)
    # The columns: the bodies asked of, or answering, any item the filters keep (on every page,
    # not only this one's), read with the bodies in one query.
    # The filters again as subqueries, or, after a text search (whose LIKE over every comment
    # would run twice more: 5 s became 16 s with 10 000-character comments), the items found.
    item_ids: Any = filtered.values("pk")
    item_lineages: Any = filtered.values("lineage")
    if text and len(items) <= _LISTED_AT_MOST:
        item_ids = [i.pk for i in items]
        item_lineages = [uuid.UUID(i.lineage_text) for i in items]
    asked_of_some = through.filter(body_id=OuterRef("pk"), planitem_id__in=item_ids)
    answered_some = assessments.filter(body_id=OuterRef("pk"), lineage__in=item_lineages)
    every_column = list(
        Body.objects.filter(organisation_id=period.organisation_id)
        .filter(Exists(asked_of_some) | Exists(answered_some))
        .order_by("order")
    )
    if body is not None:
        every_column = [b for b in every_column if b.pk == body.pk]
    c_number, c_pages, c_start, c_stop = _page_bounds(
        len(every_column), columns_per_page, column_page
    )
    columns = every_column[c_start:c_stop]

    ids = {i.pk for i in shown}
    lineages = {i.lineage_text for i in shown}
    receivers: dict[int, set[int]] = {pk: set() for pk in ids}
    if len(shown) < len(items):
        # A page: its own items by id (at most a page's worth of parameters).
        through = through.filter(planitem_id__in=ids)
    else:
        # The cell queries select by period and plan version, not by a list of every item id:
        # rows of items that a filter left out are skipped here, which is cheaper than a
        # 500-parameter IN clause. Only items outside the followed versions (a revision removed
        # them) are named: OR-ing every id made PostgreSQL hash-join all organisations'
        # receivers.
        followed = set(version_ids)
        outside = [i.pk for i in shown if i.plan_version_id not in followed]
        chosen = Q(planitem__plan_version_id__in=version_ids)
        if outside:
            chosen |= Q(planitem_id__in=outside)
        through = through.filter(chosen)
    if c_pages > 1:
        through = through.filter(body_id__in=[b.pk for b in columns])
    for item_id, body_id in through.values_list("planitem_id", "body_id"):
        if item_id in receivers:
            receivers[item_id].add(body_id)
    previous = previous_period(period)
    before: dict[str, int | None] = {}
    if previous is not None and items:
        before = _status_by_lineage(previous)
    count_list: list[tuple[Status | None, int]] = [
        (s, counts.get(s.pk, 0)) for s in statuses if s.is_assessed
    ]
    count_list.append((None, counts.get(None, 0)))
    paging = MatrixPaging(
        number=number,
        pages=pages,
        first=start + 1 if shown else 0,
        last=stop,
        total=len(items),
        column_number=c_number,
        column_pages=c_pages,
        first_column=c_start + 1 if columns else 0,
        last_column=c_stop,
        columns=len(every_column),
    )
    return MatrixFrame(
        period_id=period.pk,
        statuses=statuses,
        shown=shown,
        counts=count_list,
        paging=paging,
        columns=columns,
        receivers=receivers,
        overall={i.lineage_text: overall.get(i.lineage_text) for i in shown},  # type: ignore[attr-defined]
        before={i.lineage_text: before.get(i.lineage_text) for i in shown},  # type: ignore[attr-defined]
        previous=previous,
        approved_only=not aud.is_member,
        body_id=body.pk if body is not None else None,
        page_lineages=sorted(lineages) if len(shown) < len(items) else None,
        column_ids=[b.pk for b in columns] if c_pages > 1 else None,
    )


def matrix_cells(*, period: FollowUpPeriod, frame: MatrixFrame) -> Matrix:
    """The matrix of `frame`, with the cells as the bodies have written them now: one query."""
    if frame.period_id != period.pk:
        raise ValueError("the frame belongs to another period")
    by_pk = {s.pk: s for s in frame.statuses}
    # .order_by(): Assessment's default ordering chains through period and plan item to the
    # plan, and would join and sort every organisation's plan items for rows read into a dict.
    assessments = Assessment.objects.filter(period=period).order_by()
    if frame.approved_only:
        assessments = assessments.filter(state=Assessment.State.APPROVED)
    if frame.body_id is not None:
        assessments = assessments.filter(body_id=frame.body_id)
    if frame.page_lineages is not None:
        # A page: its own items by lineage (at most a page's worth of parameters).
        assessments = assessments.filter(lineage__in=[uuid.UUID(t) for t in frame.page_lineages])
    if frame.column_ids is not None:
        assessments = assessments.filter(body_id__in=frame.column_ids)
    lineages = {i.lineage_text for i in frame.shown}  # type: ignore[attr-defined]
    cells: dict[Any, dict[int, MatrixCell]] = {lineage: {} for lineage in lineages}
    # One MatrixCell per (status, state): thousands of cells share a handful of values.
    interned: dict[tuple[int | None, str], MatrixCell] = {}
    for lineage, body_id, status_id, state in assessments.annotate(
        lineage_text=_LINEAGE_TEXT
    ).values_list("lineage_text", "body_id", "status_id", "state"):
        if lineage in cells:
            cell = interned.get((status_id, state))
            if cell is None:
                cell = interned[(status_id, state)] = MatrixCell(by_pk.get(status_id), state)
            cells[lineage][body_id] = cell

    rows: list[MatrixRow] = []
    column_ids_ = [(b, b.pk) for b in frame.columns]
    for item in frame.shown:
        asked_of = frame.receivers[item.pk]
        if getattr(item, "redacted", False):
            # Not even the statuses of a secret item show to those who may not read it.
            row_cells: list[tuple[Body, MatrixCell | str]] = [
                (b, SECRET if bid in asked_of or bid in cells[item.lineage_text] else NOT_ASKED)
                for b, bid in column_ids_
            ]
            rows.append(MatrixRow(item, None, row_cells, Change.UNKNOWN, None))
            continue
        mine = cells[item.lineage_text]
        row_cells = [
            (b, mine.get(bid) or (MISSING if bid in asked_of else NOT_ASKED))
            for b, bid in column_ids_
        ]
        now = by_pk.get(frame.overall.get(item.lineage_text))  # type: ignore[arg-type]
        prior = by_pk.get(frame.before.get(item.lineage_text))  # type: ignore[arg-type]
        rows.append(MatrixRow(item, now, row_cells, _change(now, prior), prior))
    return Matrix(
        period,
        frame.previous,
        frame.columns,
        rows,
        frame.statuses,
        frame.counts,
        frame.paging,
    )


@dataclass
class BodyProgress:
    body: Body
    missing: list[PlanItem]
    draft: int
    submitted: int
    approved: int
    returned: int = 0

    @property
    def expected(self) -> int:
        return len(self.missing) + self.draft + self.returned + self.submitted + self.approved

    @property
    def done_percent(self) -> int:
        return round(100 * self.approved / self.expected) if self.expected else 100


def progress(*, viewer: Viewer, period: FollowUpPeriod) -> list[BodyProgress]:
    """Per answering body: what is missing, in draft, submitted and approved (members only)."""
    aud = audience_of(viewer, period.organisation_id)
    if not aud.is_member:
        raise NotFound(period.pk)
    items = {
        i.pk: i
        for i in period_items(viewer=aud, period=period)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "text", "order", "secret", "secrecy_ground")
        .annotate(lineage_text=_LINEAGE_TEXT)
    }
    # Lineages as the database's text: 60 000 of them through uuid.UUID() (a period of 5 000
    # items × 12 bodies) took a tenth of the page.
    by_lineage = {i.lineage_text: i.pk for i in items.values()}  # type: ignore[attr-defined]
    bodies = {b.pk: b for b in Body.objects.filter(organisation=period.organisation)}
    written: dict[tuple[int, int], str] = {}
    for lineage, body_id, state in (
        Assessment.objects.filter(period=period)
        .order_by()
        .annotate(lineage_text=_LINEAGE_TEXT)
        .values_list("lineage_text", "body_id", "state")
    ):
        if lineage in by_lineage:
            written[(by_lineage[lineage], body_id)] = state
    result: dict[int, BodyProgress] = {}

    def entry(body_id: int) -> BodyProgress:
        if body_id not in result:
            result[body_id] = BodyProgress(bodies[body_id], [], 0, 0, 0)
        return result[body_id]

    # Sorted here, by the items already read: ordering by planitem__order in the database
    # joined every organisation's plan items (a seq scan of all of them at 50 organisations).
    # Only what is missing is sorted, each body's on its own, not every (item, body) asked.
    for item_id, body_id in (
        PlanItem.receivers.through.objects.filter(planitem_id__in=items.keys())
        .order_by()
        .values_list("planitem_id", "body_id")
    ):
        if (item_id, body_id) not in written:
            entry(body_id).missing.append(items[item_id])
    for e in result.values():
        e.missing.sort(key=lambda i: (i.order, i.pk))
    for (_, body_id), state in written.items():
        e = entry(body_id)
        if state == Assessment.State.APPROVED:
            e.approved += 1
        elif state == Assessment.State.SUBMITTED:
            e.submitted += 1
        elif state == Assessment.State.RETURNED:
            e.returned += 1
        else:
            e.draft += 1
    return sorted(result.values(), key=lambda p: (p.body.order, p.body.name))


@dataclass
class BodyAssessment:
    """One answering body's part of an item page: its assessment (if any) and its history."""

    body: Body
    assessment: Assessment | None
    events: list[AuditEvent]
    is_receiver: bool


@dataclass
class PeriodHistory:
    period: FollowUpPeriod
    overall: Status | None
    assessments: list[Assessment]


@dataclass
class ItemDetail:
    item: PlanItem
    period: FollowUpPeriod
    overall: OverallStatus | None
    overall_events: list[AuditEvent]
    suggestion: Status | None
    bodies: list[BodyAssessment]
    history: list[PeriodHistory]
    statuses: list[Status]


def item_get(*, viewer: Viewer, period: FollowUpPeriod, pk: int) -> PlanItem:
    """An item followed up in the period; NotFound for anything the viewer may not see."""
    aud = _reader(viewer, period)
    item = period_items(viewer=aud, period=period).filter(pk=pk).first()
    if item is None:
        raise NotFound(pk)
    return item


def item_for_body(*, viewer: Viewer, period: FollowUpPeriod, pk: int, body: Body) -> PlanItem:
    """`item_get` for one body's save, in one query: the same item or NotFound, carrying
    `receives` ({body id: whether the body is among its receivers}).

    The item is found directly when its version is the one the period follows (`version_at`'s
    choice, made in SQL below); anything else (an item a revision removed, one the viewer may
    not see) goes through `item_get`, which decides as the item list does.
    """
    aud = _reader(viewer, period)
    adopted = Q(state=PlanVersion.State.ADOPTED)
    by_then = adopted & Q(adopted_on__lte=period.ends_on)
    versions = PlanVersion.objects.filter(plan=OuterRef("plan_version__plan"))
    if not aud.is_member:
        versions = versions.filter(adopted)
    # version_at: the last adopted by the day; else the first adopted; else the newest draft.
    chosen = (
        versions.annotate(
            _rank=Case(
                When(by_then, then=Value(0)),
                When(adopted, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            _key=Case(
                When(by_then | ~adopted, then=-F("number")),
                default=F("number"),
                output_field=IntegerField(),
            ),
        )
        .order_by("_rank", "_key")
        .values("pk")[:1]
    )
    receivers = PlanItem.receivers.through.objects.filter(
        planitem_id=OuterRef("pk"), body_id=body.pk
    )
    found = (
        PlanItem.objects.shown_to(aud)
        .filter(
            pk=pk,
            plan_version__plan__organisation_id=period.organisation_id,
            plan_version__plan__year=period.year,
            plan_version_id=Subquery(chosen),
        )
        .annotate(_receives=Exists(receivers))
        .select_related("plan_version__plan__body")
        .first()
    )
    if found is None:
        item = item_get(viewer=aud, period=period, pk=pk)
        item.receives = {body.pk: body in item.receivers.all()}  # type: ignore[attr-defined]
        return item
    found.receives = {body.pk: found._receives}  # type: ignore[attr-defined]
    return found


def _events_by_object(model: str, ids: list[int]) -> dict[str, list[AuditEvent]]:
    grouped: dict[str, list[AuditEvent]] = {str(i): [] for i in ids}
    if ids:
        for event in AuditEvent.objects.filter(
            model=model, object_id__in=[str(i) for i in ids]
        ).select_related("actor"):
            grouped[event.object_id].append(event)
    return grouped


def item_detail(*, viewer: Viewer, period: FollowUpPeriod, pk: int) -> ItemDetail:
    """Everything the item page shows, in a fixed number of queries.

    The change history shows to members only, and not for a secret item to those who may not
    read it: its records hold the texts.
    """
    aud = _reader(viewer, period)
    item = item_get(viewer=aud, period=period, pk=pk)
    statuses = scale_statuses(period.organisation)
    assessments = list(
        period_assessments(viewer=aud, period=period)
        .filter(lineage=item.lineage)
        .select_related("status", "body", "author", "approved_by")
    )
    show_history = aud.is_member and not getattr(item, "redacted", False)
    events = _events_by_object(
        "followup.assessment", [a.pk for a in assessments] if show_history else []
    )
    overall = (
        OverallStatus.objects.shown_to(aud)
        .filter(period=period, lineage=item.lineage)
        .select_related("status", "set_by")
        .first()
    )
    overall_events = (
        _events_by_object("followup.overallstatus", [overall.pk])[str(overall.pk)]
        if overall and show_history
        else []
    )
    receivers = sorted(item.receivers.all(), key=lambda b: (b.order, b.name))
    by_body = {a.body_id: a for a in assessments}
    bodies = [
        BodyAssessment(
            body=b,
            assessment=by_body.get(b.pk),
            events=events.get(str(by_body[b.pk].pk), []) if b.pk in by_body else [],
            is_receiver=True,
        )
        for b in receivers
    ]
    bodies += [
        BodyAssessment(a.body, a, events.get(str(a.pk), []), False)
        for a in assessments
        if a.body_id not in {b.pk for b in receivers}
    ]
    suggestion = worst(a.status for a in assessments)

    earlier = Q(
        period__organisation=period.organisation,
        period__ends_on__lt=period.ends_on,
        lineage=item.lineage,
    )
    past = (
        Assessment.objects.shown_to(aud)
        .filter(earlier)
        .select_related("period", "status", "body")
        .order_by("-period__ends_on", "body__order")
    )
    past_overall_rows = OverallStatus.objects.filter(earlier)
    if not aud.is_member:
        past = past.filter(state=Assessment.State.APPROVED, period__published_at__isnull=False)
        past_overall_rows = past_overall_rows.filter(period__published_at__isnull=False)
    past_overall = {o.period_id: o.status for o in past_overall_rows.select_related("status")}
    history: dict[int, PeriodHistory] = {}
    for a in past:
        entry = history.setdefault(
            a.period_id, PeriodHistory(a.period, past_overall.get(a.period_id), [])
        )
        entry.assessments.append(a)
    return ItemDetail(
        item=item,
        period=period,
        overall=overall,
        overall_events=overall_events,
        suggestion=suggestion,
        bodies=bodies,
        history=sorted(history.values(), key=lambda h: h.period.ends_on, reverse=True),
        statuses=statuses,
    )


def assessment_for_edit(
    *, viewer: Viewer, period: FollowUpPeriod, item: PlanItem, body: Body
) -> tuple[Assessment | None, Assessment | None]:
    """The body's current assessment of the item and its assessment last period."""
    aud = _reader(viewer, period)
    current = (
        Assessment.objects.shown_to(aud)
        .filter(period=period, lineage=item.lineage, body=body)
        .select_related("status")
        .first()
    )
    previous = previous_period(period)
    earlier = None
    if previous is not None:
        earlier = (
            Assessment.objects.shown_to(aud)
            .filter(period=previous, lineage=item.lineage, body=body)
            .select_related("status")
            .first()
        )
    return current, earlier


def scale_statuses(organisation: Organisation | int) -> list[Status]:
    """The organisation's default scale, worst first and "not assessed" last."""
    return sorted(
        Status.objects.filter(scale__organisation=organisation, scale__is_default=True),
        key=lambda s: (s.rank is None, s.rank or 0),
    )


def status_choices(organisation: Organisation) -> QuerySet[Status]:
    """`scale_statuses` as a query, each with its scale: a form's choices, where a post looks
    up only the chosen status and the list is read only when the form is shown."""
    return (
        Status.objects.filter(scale__organisation=organisation, scale__is_default=True)
        .select_related("scale")
        .order_by(F("rank").asc(nulls_last=True), "pk")
    )


@dataclass
class IndicatorRow:
    indicator: PlanItem
    target: Any
    value: Any
    verdict: Any


def indicator_rows(*, viewer: Viewer, period: FollowUpPeriod) -> list[IndicatorRow]:
    """The period's key figures with target, the period's value and the status it gives."""
    from styrkort.followup.indicators import Verdict, computed_status
    from styrkort.followup.models import IndicatorValue

    aud = _reader(viewer, period)
    statuses = scale_statuses(period.organisation)
    indicators = list(
        period_items(viewer=aud, period=period)
        .filter(kind=PlanItem.Kind.INDICATOR)
        .prefetch_related("targets")
    )
    values = {
        v.lineage: v
        for v in IndicatorValue.objects.shown_to(aud)
        .filter(period=period, lineage__in=[i.lineage for i in indicators])
        .select_related("override_status")
    }
    rows = []
    for indicator in indicators:
        target = next((t for t in indicator.targets.all() if t.year == period.year), None)
        value = values.get(indicator.lineage)
        if getattr(indicator, "redacted", False) or getattr(value, "redacted", False):
            # Not even a status set by hand shows of a secret key figure to those who may not
            # read it (as the matrix and the item page show no status of a secret item).
            verdict = Verdict(None, "Omfattas av sekretess.")
        elif value is not None and value.override_status is not None:
            verdict = Verdict(value.override_status, value.override_reason, overridden=True)
        else:
            verdict = computed_status(
                value=value.value if value else None,
                target=target.value if target else None,
                direction=indicator.direction,
                statuses=statuses,
            )
        rows.append(IndicatorRow(indicator, target, value, verdict))
    return rows


@dataclass
class PublicationPreview:
    """What the public will read of a period once it is published, and what it will not."""

    period: FollowUpPeriod
    items: int  # followed up in the period, as members read it
    items_shown: int  # of them, the public reads (from adopted plan versions)
    secret_items: int  # shown only as existing, with their legal ground
    without_status: int  # shown without an overall status
    expected: int  # assessments asked for or written
    approved: int  # shown
    not_approved: int  # draft, submitted or returned: not shown
    missing: int  # asked for and not written
    bodies: list[BodyProgress]

    @property
    def items_hidden(self) -> int:
        return self.items - self.items_shown


def publication_preview(*, viewer: Viewer, period: FollowUpPeriod) -> PublicationPreview:
    """For members: what publishing the period shows the public (approved texts of items in
    adopted plans; secret items only as existing) and what it leaves out. Fixed queries."""
    aud = audience_of(viewer, period.organisation_id)
    if not aud.is_member:
        raise NotFound(period.pk)
    bodies = progress(viewer=aud, period=period)
    members_items = period_items(viewer=aud, period=period).select_related(None)
    public_items = list(
        period_items(viewer=Audience.public(period.organisation_id), period=period)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "lineage", "text", "secret", "secrecy_ground")
    )
    with_status = set(
        OverallStatus.objects.filter(
            period=period, status__isnull=False, status__is_assessed=True
        ).values_list("lineage", flat=True)
    )
    secret = sum(1 for i in public_items if getattr(i, "redacted", False))
    return PublicationPreview(
        period=period,
        items=members_items.prefetch_related(None).count(),
        items_shown=len(public_items),
        secret_items=secret,
        without_status=sum(
            1
            for i in public_items
            if not getattr(i, "redacted", False) and i.lineage not in with_status
        ),
        expected=sum(b.expected for b in bodies),
        approved=sum(b.approved for b in bodies),
        not_approved=sum(b.draft + b.submitted + b.returned for b in bodies),
        missing=sum(len(b.missing) for b in bodies),
        bodies=bodies,
    )


# --- Mina uppgifter: what a person has to do in the follow-up --------------------------------

TASK_MISSING = "missing"


@dataclass
class AssessmentTask:
    """One assessment someone has to write or approve: the item (as the viewer may read it),
    the answering body, and its state (TASK_MISSING when nothing is written yet)."""

    period: FollowUpPeriod
    item: PlanItem
    body: Body
    state: str
    return_reason: str = ""

    @property
    def deadline(self) -> dt.date | None:
        return self.period.deadline


@dataclass
class BodyCounts:
    """One answering body's progress in a period, as counts (what progress() lists)."""

    body: Body
    missing: int = 0
    draft: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0

    @property
    def expected(self) -> int:
        return self.missing + self.draft + self.returned + self.submitted + self.approved

    @property
    def done_percent(self) -> int:
        return round(100 * self.approved / self.expected) if self.expected else 100


def _progress_counts(
    periods: list[FollowUpPeriod], followed: dict[int, set[int]], version_ids: set[int]
) -> dict[int, dict[int, dict[str, int]]]:
    """Per period and body: assessments missing and in each state, counted by the database
    (two queries, whatever the number of items and bodies)."""
    counts: dict[int, dict[int, dict[str, int]]] = {p.pk: {} for p in periods}

    def entry(period_id: int, body_id: int) -> dict[str, int]:
        return counts[period_id].setdefault(
            body_id, {"missing": 0, "draft": 0, "submitted": 0, "approved": 0, "returned": 0}
        )

    for period_id, body_id, state, n in (
        Assessment.objects.filter(period__in=periods)
        .order_by()
        .values_list("period_id", "body_id", "state")
        .annotate(n=Count("pk"))
    ):
        entry(period_id, body_id)[state] += n
    if version_ids:
        missing = {
            f"p{p.pk}": Count(
                "pk",
                filter=Q(planitem__plan_version_id__in=followed[p.pk] or [0])
                & ~Exists(  # type: ignore[arg-type]  # Q & Exists is a Q at run time
                    Assessment.objects.filter(
                        period_id=p.pk,
                        lineage=OuterRef("planitem__lineage"),
                        body_id=OuterRef("body_id"),
                    )
                ),
            )
            for p in periods
        }
        rows: Any = (
            PlanItem.receivers.through.objects.filter(planitem__plan_version_id__in=version_ids)
            .order_by()
            .values("body_id")
            .annotate(**missing)
        )
        for row in rows:
            for p in periods:
                if row[f"p{p.pk}"]:
                    entry(p.pk, row["body_id"])["missing"] += row[f"p{p.pk}"]
    return counts


@dataclass
class PeriodTasks:
    """One open period's part of a person's tasks."""

    period: FollowUpPeriod
    to_write: list[AssessmentTask]  # missing, draft or returned, for the bodies I write for
    to_approve: list[AssessmentTask]  # submitted, for the bodies I approve (not my own texts)
    progress: list[BodyCounts]  # for the controller: every body asked or that wrote

    def deadline_state(self, today: dt.date, soon_days: int = 14) -> str:
        """ "overdue", "soon" (within two weeks) or "later"; "none" without a deadline."""
        if self.period.deadline is None:
            return "none"
        if self.period.deadline < today:
            return "overdue"
        return "soon" if (self.period.deadline - today).days <= soon_days else "later"

    @property
    def returned(self) -> list[AssessmentTask]:
        return [t for t in self.to_write if t.state == Assessment.State.RETURNED]

    @property
    def all_approved(self) -> bool:
        return all(p.approved == p.expected for p in self.progress)

    @property
    def not_started(self) -> list[BodyCounts]:
        """Bodies that were asked and have written nothing at all yet."""
        return [p for p in self.progress if p.expected and p.missing == p.expected]


@dataclass
class MyTasks:
    organisation: Organisation
    periods: list[PeriodTasks]
    writes_for: list[Body]
    approves_for: list[Body]
    sees_progress: bool

    @property
    def count(self) -> int:
        """What the navigation counts: assessments to write and to approve."""
        return sum(len(p.to_write) + len(p.to_approve) for p in self.periods)


def my_tasks(*, viewer: Viewer, organisation: Organisation, today: dt.date) -> MyTasks:
    """A member's follow-up tasks in the organisation's open periods: the assessments to write
    for the bodies they write for (missing, draft or sent back, with the reason), those to
    approve for the bodies they approve for (not their own text where the organisation asks
    for four eyes), and for the controller and the admin every answering body's progress,
    counted by the database. At most nine queries whatever the number of items, bodies,
    periods and assessments (the periods' plans are read once).
    Periods come in deadline order, so the late ones first; `today` is the day the page
    labels them against (PeriodTasks.deadline_state).
    """
    aud = audience_of(viewer, organisation)
    if not aud.is_member:
        raise NotFound(organisation.pk)
    user = aud.user
    writes = bodies_for_role(user, organisation, "editor") if user is not None else set()
    approves = bodies_for_role(user, organisation, "approver") if user is not None else set()
    sees_progress = bool({"admin", "controller"} & aud.roles) or aud.level >= Level.SYSTEM
    periods = list(
        FollowUpPeriod.objects.filter(organisation=organisation, is_closed=False).order_by(
            "ends_on", "pk"
        )
    )
    bodies = {b.pk: b for b in Body.objects.filter(organisation=organisation)}
    mine = writes | approves
    result = MyTasks(
        organisation=organisation,
        periods=[],
        writes_for=sorted((bodies[b] for b in writes), key=lambda b: (b.order, b.name)),
        approves_for=sorted((bodies[b] for b in approves), key=lambda b: (b.order, b.name)),
        sees_progress=sees_progress,
    )
    if not periods or not (mine or sees_progress):
        return result

    plans = list(
        Plan.objects.filter(
            organisation=organisation, year__in={p.year for p in periods}
        ).prefetch_related("versions")
    )
    followed: dict[int, set[int]] = {}
    for period in periods:
        found = (version_at(p, period.ends_on, drafts=True) for p in plans if p.year == period.year)
        followed[period.pk] = {v.pk for v in found if v is not None}
    version_ids = set().union(*followed.values())

    # My bodies' rows, as plain tuples; the lineage (a UUID, slow to convert) read once an item.
    asked = list(
        PlanItem.receivers.through.objects.filter(
            planitem__plan_version_id__in=version_ids, body_id__in=mine
        ).values_list("planitem_id", "planitem__plan_version_id", "body_id")
    )
    rows = list(
        Assessment.objects.filter(period__in=periods, body_id__in=mine)
        .order_by()
        .values_list("period_id", "item_id", "body_id", "state", "return_reason", "author_id")
    )
    items: dict[int, PlanItem] = {}
    if mine:
        outside = {r[1] for r in rows} - {a[0] for a in asked}  # items a revision removed
        items = {
            i.pk: i
            for i in PlanItem.objects.shown_to(aud)
            .filter(Q(plan_version_id__in=version_ids) | Q(pk__in=outside))
            .only("pk", "text", "kind", "order", "lineage", "secret", "secrecy_ground")
        }
    written: dict[int, dict[tuple[Any, int], tuple[int, str, str, Any]]] = {
        p.pk: {} for p in periods
    }
    for period_id, item_id, body_id, state, reason, author_id in rows:
        written[period_id][(items[item_id].lineage, body_id)] = (item_id, state, reason, author_id)
    counts = _progress_counts(periods, followed, version_ids) if sees_progress else {}

    user_id = getattr(user, "pk", None)
    own_texts_excluded = organisation.four_eyes and user_id is not None
    order = {Assessment.State.RETURNED: 0, TASK_MISSING: 1, Assessment.State.DRAFT: 2}
    open_states = (Assessment.State.DRAFT, Assessment.State.RETURNED)

    def key(t: AssessmentTask) -> tuple[Any, ...]:
        return (t.body.order, t.body.name, order.get(t.state, 3), t.item.order, t.item.pk)

    for period in periods:
        to_write: list[AssessmentTask] = []
        to_approve: list[AssessmentTask] = []
        versions = followed[period.pk]
        ours = written[period.pk]
        for item_id, version_id, body_id in asked:
            if body_id not in writes or version_id not in versions:
                continue
            item = items[item_id]
            if (item.lineage, body_id) not in ours:
                to_write.append(AssessmentTask(period, item, bodies[body_id], TASK_MISSING))
        for (_lineage, body_id), (item_id, state, reason, author_id) in ours.items():
            if body_id in writes and state in open_states:
                to_write.append(
                    AssessmentTask(period, items[item_id], bodies[body_id], state, reason)
                )
            elif (
                body_id in approves
                and state == Assessment.State.SUBMITTED
                and not (own_texts_excluded and author_id == user_id)
            ):
                to_approve.append(AssessmentTask(period, items[item_id], bodies[body_id], state))
        progress = [
            BodyCounts(bodies[body_id], **c)
            for body_id, c in counts.get(period.pk, {}).items()
            if c["missing"] or any(c.values())
        ]
        result.periods.append(
            PeriodTasks(
                period=period,
                to_write=sorted(to_write, key=key),
                to_approve=sorted(to_approve, key=key),
                progress=sorted(progress, key=lambda p: (p.body.order, p.body.name)),
            )
        )
    # Late first, then by deadline; a period without a deadline last.
    result.periods.sort(
        key=lambda p: (p.period.deadline is None, p.period.deadline or dt.date.max, p.period.pk)
    )
    return result


def _followed_version(day: Any) -> Coalesce:
    """version_at() in SQL: the version of the outer row's plan that a period ending on `day`
    follows (adopted last by then; else the first adopted; else the newest draft). Outer
    references stay in WHERE: SQLite does not resolve them two levels down in an ORDER BY."""
    versions = PlanVersion.objects.filter(plan_id=OuterRef("planitem__plan_version__plan_id"))
    adopted = versions.filter(state=PlanVersion.State.ADOPTED)
    return Coalesce(
        Subquery(adopted.filter(adopted_on__lte=day).order_by("-number").values("pk")[:1]),
        Subquery(adopted.order_by("number").values("pk")[:1]),
        Subquery(versions.order_by("-number").values("pk")[:1]),
    )


def _count(queryset: QuerySet[Any]) -> Subquery:
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def my_task_count(*, viewer: Any) -> int:
    """How many assessments the user has to write or approve in every organisation's open
    periods: what my_tasks() lists, counted in one query for the navigation (the user's
    memberships are read once per request and shared with the permission checks).

    On every page of every editor and approver: the query's SQL depends only on the user's
    bodies, organisations and id, so it is built once per such combination and process
    (building it through the ORM took twice as long as running it: 13 of 19 ms)."""
    member_of = memberships(viewer)
    writes = {m.body_id for m in member_of if m.role == "editor" and m.body_id}
    approves = {m.body_id for m in member_of if m.role == "approver" and m.body_id}
    if not writes and not approves:
        return 0
    organisations = {m.organisation_id for m in member_of if m.body_id in writes | approves}
    # Four eyes: where the organisation asks for them, one's own text is not one's to approve.
    four_eyes = {
        m.body_id
        for m in member_of
        if m.role == "approver" and m.body_id and m.organisation.four_eyes
    }
    sql, params = _task_count_sql(
        connection.alias,
        tuple(sorted(writes)),
        tuple(sorted(approves)),
        tuple(sorted(organisations)),
        tuple(sorted(four_eyes)),
        viewer.pk,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sum(sum(row) for row in cursor.fetchall())


@functools.lru_cache(maxsize=2048)
def _task_count_sql(
    alias: str,
    writes: tuple[int, ...],
    approves: tuple[int, ...],
    organisations: tuple[int, ...],
    four_eyes: tuple[int, ...],
    viewer_id: int,
) -> tuple[str, tuple[Any, ...]]:
    """my_task_count's query, as SQL with its parameters (one per combination: see there)."""
    asked = PlanItem.receivers.through.objects.filter(
        body_id__in=writes,
        planitem__plan_version__plan__organisation_id=OuterRef("organisation_id"),
        planitem__plan_version__plan__year=OuterRef("year"),
        planitem__plan_version_id=_followed_version(OuterRef(OuterRef("ends_on"))),
    ).exclude(
        Exists(
            Assessment.objects.filter(
                period_id=OuterRef(OuterRef("pk")),
                lineage=OuterRef("planitem__lineage"),
                body_id=OuterRef("body_id"),
            )
        )
    )
    drafts = Assessment.objects.filter(
        period_id=OuterRef("pk"),
        body_id__in=writes,
        state__in=[Assessment.State.DRAFT, Assessment.State.RETURNED],
    )
    submitted = Assessment.objects.filter(
        period_id=OuterRef("pk"), body_id__in=approves, state=Assessment.State.SUBMITTED
    ).exclude(author_id=viewer_id, body_id__in=four_eyes)
    rows = (
        FollowUpPeriod.objects.filter(organisation_id__in=organisations, is_closed=False)
        .annotate(
            missing=Coalesce(_count(asked), 0),
            drafts=Coalesce(_count(drafts), 0),
            submitted=Coalesce(_count(submitted), 0),
        )
        .values_list("missing", "drafts", "submitted")
    )
    sql, params = rows.query.get_compiler(using=alias).as_sql()
    return sql, tuple(params)
