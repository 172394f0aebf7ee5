"""Secrecy (offentlighets- och sekretesslagen, OSL): what a secret record shows to those without
the right to read it, decided in one place for every record type.

A record type takes part by registering a rule with `@secrecy(...)`: the fields it blanks out
for those without the right (and what shows instead: a text, or None for a number), and the
records it inherits secrecy from (a decision point is secret when its decision, or the
decision's case, is). A record type with its own `secret` flag and `secrecy_ground` also
subclasses `Secrecy`.

Reading goes through `SecretQuerySet.shown_to(audience)`: it works out each row's effective
secrecy in the database (its own flag or any source's), and, for an audience without the
right, hands out rows whose registered fields hold only the placeholder (or None), with
`redacted = True` and `shown_ground` naming the legal ground. Related rows already loaded with
a redacted row (prefetched children, a secret parent) are blanked with it. So every channel that
reads through the domain's selectors (pages, the API, search, feeds, every document) gets the
same: that the record exists and why it is secret, and nothing more.

A redacted row must never be written back: the audit primitives refuse it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar, cast

from django.db import models
from django.db.models import Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=models.Model)

PLACEHOLDER = "Sekretessbelagd uppgift"


class SeesSecret(Protocol):
    """What secrecy needs of an audience (organisation.audience.Audience)."""

    @property
    def sees_secret(self) -> bool: ...

    @property
    def is_member(self) -> bool: ...


class Secrecy(models.Model):
    """A record that may itself be secret: it then names its legal ground (OSL)."""

    secret = models.BooleanField(_("secret"), default=False)
    secrecy_ground = models.CharField(
        _("legal ground for secrecy"),
        max_length=200,
        blank=True,
        help_text=_("E.g. OSL 21 kap. 7 §."),
    )

    class Meta:
        abstract = True


@dataclass(frozen=True)
class SecrecyRule:
    """How one record type is secret and what it shows when it is."""

    model: type[models.Model]
    # Field -> what shows instead, for those without the right: a placeholder text, or None
    # for a field that is no text (a target's value), which then reads as "no value".
    redacted: dict[str, str | None]
    # Lookups to the records it inherits secrecy from ("case", "decision__case").
    sources: tuple[str, ...] = ()
    own: bool = False
    # Working material that only the organisation's members read, secret or not (an
    # approver's reason for sending a text back): blank for the public.
    internal: tuple[str, ...] = ()
    # Filled when the app registry is ready: source lookup -> model.
    _source_models: dict[str, type[models.Model]] = field(default_factory=dict)

    def effective(self) -> tuple[Q, Any]:
        """(condition: the row is secret, expression: the legal ground)."""
        condition = Q(pk__in=[])
        grounds = []
        if self.own:
            condition |= Q(secret=True)
            grounds.append(NullIf("secrecy_ground", Value("")))
        for path in self.sources:
            condition |= Q(**{f"{path}__secret": True})
            grounds.append(NullIf(f"{path}__secrecy_ground", Value("")))
        ground = Coalesce(*grounds, Value(""), output_field=models.CharField())
        return condition, ground

    def parent_models(self) -> set[type[models.Model]]:
        """The record types it inherits secrecy from, and those on the way to them (a
        finding's action inherits from the audit, through the finding): resolved lazily."""
        if not self._source_models:
            for path in self.sources:
                model: Any = self.model
                walked = []
                for part in path.split("__"):
                    model = model._meta.get_field(part).related_model
                    walked.append(part)
                    self._source_models["__".join(walked)] = model
        return set(self._source_models.values())


RULES: dict[type[models.Model], SecrecyRule] = {}


def secrecy(
    *,
    redacted: dict[str, str | None],
    sources: tuple[str, ...] = (),
    internal: tuple[str, ...] = (),
) -> Callable[[type[M]], type[M]]:
    """Register a record type's secrecy rule (a class decorator on the model)."""

    def register(model: type[M]) -> type[M]:
        own = issubclass(model, Secrecy)
        if not own and not sources:
            raise TypeError(f"{model.__name__}: secret on its own (Secrecy) or by a source")
        RULES[model] = SecrecyRule(
            model=model, redacted=redacted, sources=sources, own=own, internal=internal
        )
        return model

    return register


def rule_for(model: type[models.Model]) -> SecrecyRule | None:
    """The rule of a record type, or of the concrete model behind a proxy (Assignment)."""
    found = RULES.get(model)
    if found is None and model._meta.proxy:
        found = RULES.get(model._meta.concrete_model)  # type: ignore[arg-type]
    return found


def _own_flag(obj: models.Model) -> bool:
    """The row's effective secrecy when it was read with it, else its own flag."""
    if hasattr(obj, "_secret"):
        return bool(obj._secret)
    return bool(obj.secret) if isinstance(obj, Secrecy) else False


def redact(obj: models.Model, ground: str = "") -> None:
    """Blank the registered fields of a secret row, and every secret row read with it."""
    if rule_for(type(obj)) is None:
        return
    if not getattr(obj, "redacted", False):
        _blank(obj, ground)
    sweep(obj)


def _blank(obj: models.Model, ground: str) -> None:
    rule = rule_for(type(obj))
    assert rule is not None
    for name, placeholder in rule.redacted.items():
        setattr(obj, name, placeholder)
    obj.redacted = True  # type: ignore[attr-defined]
    obj.shown_ground = (  # type: ignore[attr-defined]
        ground or getattr(obj, "_ground", "") or str(getattr(obj, "secrecy_ground", "") or "")
    )


def _loaded(obj: models.Model) -> Iterator[tuple[models.Model, bool]]:
    """Rows read with `obj`: (row, is_child) for its cached parents and prefetched children."""
    for cached in list(obj._state.fields_cache.values()):
        if isinstance(cached, models.Model):
            yield cached, False
    for children in list(getattr(obj, "_prefetched_objects_cache", {}).values()):
        # A prefetched relation is a queryset with its rows in the cache: read the cache, not
        # the queryset (iterating it would run this again).
        rows = getattr(children, "_result_cache", None)
        for child in rows if rows is not None else children:
            if isinstance(child, models.Model):
                yield child, True


def sweep(obj: models.Model, seen: set[int] | None = None) -> None:
    """Blank every secret row read with `obj` (through select_related or prefetch_related, at
    any depth): a child of a blanked row inherits its secrecy, any other row is blanked when
    it or a loaded source of it is secret. For rows read through a `shown_to` queryset."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    obj_redacted = getattr(obj, "redacted", False)
    concrete = type(obj)._meta.concrete_model
    for related, is_child in _loaded(obj):
        rule = rule_for(type(related))
        if rule is not None and not getattr(related, "redacted", False):
            inherits = (
                is_child
                and obj_redacted
                and concrete in {m._meta.concrete_model for m in rule.parent_models()}
            )
            if inherits:
                _blank(related, obj.shown_ground)  # type: ignore[attr-defined]
            elif effectively_secret(related):
                _blank(related, "")
        sweep(related, seen)


def effectively_secret(obj: models.Model) -> bool:
    """Whether a row is secret, from what is loaded: its flag or a loaded source's."""
    if _own_flag(obj):
        return True
    rule = rule_for(type(obj))
    if rule is None:
        return False
    # The parent a source path starts with, when loaded, answers for the rest of the path.
    for first in {path.split("__")[0] for path in rule.sources}:
        parent = obj._state.fields_cache.get(first)
        if isinstance(parent, models.Model) and effectively_secret(parent):
            return True
    return False


class RedactingIterable(ModelIterable):
    """Rows as model instances, the secret ones blanked (and, for the public, the internal
    fields of every row)."""

    def __iter__(self) -> Iterator[Any]:
        internal: tuple[str, ...] = getattr(self.queryset, "_internal", ())
        for obj in super().__iter__():
            for name in internal:
                setattr(obj, name, "")
            if getattr(obj, "_secret", False):
                redact(obj)
            yield obj


class SecretQuerySet(models.QuerySet[M]):
    """A queryset that knows each row's effective secrecy and blanks it for an audience."""

    _redact: ClassVar[bool] = False
    _public_only: ClassVar[bool] = False
    _internal: ClassVar[tuple[str, ...]] = ()

    def shown_to(self, audience: SeesSecret) -> SecretQuerySet[M]:
        """Rows as the audience may see them: secret ones blanked unless it sees secrets.

        Every row carries `_secret` (bool) and `_ground` (the legal ground, or "").
        """
        rule = rule_for(self.model)
        assert rule is not None, f"{self.model.__name__} has no secrecy rule"
        condition, ground = rule.effective()
        qs = self.annotate(
            _secret=models.Case(
                models.When(condition, then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            _ground=ground,
        )
        if not audience.sees_secret:
            qs._redact = True  # type: ignore[misc]
            qs._iterable_class = RedactingIterable
            if not audience.is_member:
                qs._internal = rule.internal  # type: ignore[misc]
        return cast("SecretQuerySet[M]", qs)

    def without_secret(self) -> SecretQuerySet[M]:
        """Only rows that are not secret: for text search and filters, whose hits would
        otherwise tell what a secret text holds. Call after `shown_to`."""
        qs = self.filter(_secret=False)
        qs._public_only = True  # type: ignore[misc]
        return qs

    def _clone(self) -> SecretQuerySet[M]:
        clone = super()._clone()  # type: ignore[misc]  # Django's own, untyped in the stubs
        clone._redact = self._redact  # type: ignore[misc]
        clone._public_only = self._public_only  # type: ignore[misc]
        clone._internal = self._internal  # type: ignore[misc]
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None or not getattr(self, "_prefetch_done", False)
        super()._fetch_all()
        # Prefetched rows arrive after the rows themselves: blank what is secret among them.
        if fresh and self._redact and self._result_cache:
            for obj in self._result_cache:
                if isinstance(obj, models.Model):
                    sweep(obj)

    def _iterator(self, use_chunked_fetch: bool, chunk_size: int | None) -> Iterator[Any]:
        # `iterator()` prefetches a chunk at a time and yields after it.
        for obj in super()._iterator(use_chunked_fetch, chunk_size):  # type: ignore[misc]
            if self._redact and isinstance(obj, models.Model):
                sweep(obj)
            yield obj

    def values(self, *fields: str | Combinable, **expressions: Any) -> Any:
        self._refuse_secret_values(fields)
        return super().values(*fields, **expressions)

    def values_list(
        self, *fields: str | Combinable, flat: bool = False, named: bool = False
    ) -> Any:
        self._refuse_secret_values(fields)
        return super().values_list(*fields, flat=flat, named=named)

    def _refuse_secret_values(self, fields: tuple[str | Combinable, ...]) -> None:
        """Plain values bypass the blanking: for an audience without the right, a secret field
        (or, for the public, an internal one) may not be read that way at all."""
        if not self._redact:
            return
        rule = rule_for(self.model)
        blanked = set(self._internal)
        if rule is not None and not self._public_only:
            blanked |= set(rule.redacted)
        named = {f.split("__")[0] for f in fields if isinstance(f, str)}
        if blanked and (not fields or blanked & named):
            raise TypeError(
                f"{self.model.__name__}: read {sorted(blanked)} as instances, not values, "
                "when rows are blanked for the audience"
            )


class SecretManager(models.Manager[M]):
    """The default manager of a record type with secrecy: plain reads for services, and
    `shown_to(audience)` for every read a person sees."""

    def get_queryset(self) -> SecretQuerySet[M]:
        return SecretQuerySet(self.model, using=self._db)

    def shown_to(self, audience: SeesSecret) -> SecretQuerySet[M]:
        return self.get_queryset().shown_to(audience)
