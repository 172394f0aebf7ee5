"""Organisations (the tenants), their bodies, units, people, roles and who may do what."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from styrkort.core.models import TimeStampedModel

# The most days before an answer deadline that a reminder can be sent (pages and setup file).
MAX_REMINDER_DAYS = 90


class Organisation(TimeStampedModel):
    """A region or a municipality: the tenant that every other record belongs to."""

    class Kind(models.TextChoices):
        REGION = "region", _("region")
        MUNICIPALITY = "municipality", _("municipality")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REGION)
    kolada_id = models.CharField(
        _("Kolada id"),
        max_length=10,
        blank=True,
        help_text=_('E.g. "0023" for a region.'),
        validators=[
            RegexValidator(
                r"^[0-9]{4}\Z", _('A Kolada id is four digits, e.g. "0023" for a region.')
            )
        ],
    )
    diary_style = models.CharField(
        _("diary number pattern"),
        max_length=20,
        choices=[
            ("slash", "RS/673/2024"),
            ("space-year", "RS 2023/237"),
            ("dash", "KSN-2013-0674"),
        ],
        default="slash",
    )
    four_eyes = models.BooleanField(
        _("four eyes"),
        default=True,
        help_text=_("The approver of a body's text may not be the person who wrote it."),
    )
    local_login = models.BooleanField(
        _("local passwords"),
        default=True,
        help_text=_(
            "Members may log in with a password kept in styrkort. Off: only through the "
            "organisation's identity provider (single sign-on)."
        ),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder days before the answer deadline"),
        default=7,
        help_text=_(
            "Editors whose assessments are missing or in draft are reminded by e-mail this many "
            "days before a period's answer deadline; 0 sends no reminder."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Body(TimeStampedModel):
    """A political body: the council, the board, a committee."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("council")
        BOARD = "board", _("board")
        COMMITTEE = "committee", _("committee")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="bodies",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    aliases = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_(
            "Comma-separated names that importers accept for this body, e.g. an earlier name."
        ),
    )
    # A body that no longer exists stays (its history, assessments and cases point at it) but
    # is marked inactive; nothing is ever deleted to retire it.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["organisation", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="body_name_unique"),
            models.UniqueConstraint(
                fields=["organisation", "abbreviation"], name="body_abbreviation_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def names(self) -> list[str]:
        """Every name an importer accepts: the name, the abbreviation and the aliases."""
        return [self.name, self.abbreviation, *split_aliases(self.aliases)]


def split_aliases(text: str) -> list[str]:
    """ "Tekniska nämnden, TN 2019" -> ["Tekniska nämnden", "TN 2019"]: blanks and repeats go."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


class Unit(TimeStampedModel):
    """An administrative unit (förvaltning, område, avdelning) in a tree under a body."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units", verbose_name=_("organisation")
    )
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="units", verbose_name=_("body")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"], name="unit_name_unique_under_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Person(TimeStampedModel):
    """An elected representative or an official who appears in plans, decisions and reports."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    party = models.CharField(_("party"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="person_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.party})" if self.party else self.name


class Position(TimeStampedModel):
    """A seat in a body ("1:e vice ordförande" of the board), and whether it is presidium."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person")
    )
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="positions", verbose_name=_("body")
    )
    title = models.CharField(_("title"), max_length=100)
    presidium = models.BooleanField(_("member of the presidium"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["body", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "body", "title"], name="position_unique_per_person_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}, {self.title.lower()} i {self.body}"


class Role(TimeStampedModel):
    """An office that can receive assignments, such as the regional director (Regiondirektör)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="roles", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, blank=True)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roles",
        verbose_name=_("unit"),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="role_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """What a user may do in an organisation. Editors and approvers act for one body."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        CONTROLLER = "controller", _("controller")
        EDITOR = "editor", _("editor")
        APPROVER = "approver", _("approver")
        REGISTRAR = "registrar", _("registrar")
        READER = "reader", _("reader")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    body = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("body"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "body"],
                name="membership_unique",
            ),
            models.CheckConstraint(
                condition=(Q(role__in=["editor", "approver"]) & Q(body__isnull=False))
                | (~Q(role__in=["editor", "approver"]) & Q(body__isnull=True)),
                name="membership_body_iff_body_role",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.body.abbreviation})" if self.body is not None else ""
        return f"{self.user}: {self.get_role_display()}{suffix}"


class ExternalIdentity(TimeStampedModel):
    """A user's identity at an OpenID Connect provider: the issuer and the subject ("sub").

    Recorded at the first single sign-on (matched by e-mail, or a new account); with
    OIDC_MATCH_CLAIM=sub it is what a login is matched by.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="external_identity_unique_subject"
            ),
            # One subject per user and provider: an address that turns up with another subject
            # is someone else's now, and is refused rather than linked (web/oidc.py).
            models.UniqueConstraint(
                fields=["user", "issuer"], name="external_identity_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


class OrganisationLogo(TimeStampedModel):
    """The organisation's logo, kept in the database so that every process on every machine
    has it: a PNG, or an SVG without scripts, and its text alternative. Documents carry it
    unless told otherwise. A row of its own, so the organisation (read on every request) does
    not carry the image."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="logo",
        verbose_name=_("organisation"),
    )
    data = models.BinaryField(_("image"))
    # image/png or image/svg+xml, checked by organisation_logo_set.
    content_type = models.CharField(_("content type"), max_length=20)
    alt = models.CharField(_("text alternative"), max_length=200)

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logos")

    def __str__(self) -> str:
        return self.alt
