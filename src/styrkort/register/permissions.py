"""Who keeps the register and who sees what is secret: the registrar and the admin."""

from typing import Any

import rules

from styrkort.core.actors import is_system
from styrkort.organisation.permissions import can_see_secret as person_sees_secret
from styrkort.organisation.permissions import roles_in


@rules.predicate
def can_edit_register(user: Any, organisation: Any) -> bool:
    return bool({"admin", "registrar"} & roles_in(user, organisation))


def can_see_secret(user: Any, organisation: Any) -> bool:
    """The system sees everything; people need the role (organisation.permissions)."""
    return is_system(user) or bool(person_sees_secret(user, organisation))


rules.add_perm("register.change_case", can_edit_register)
