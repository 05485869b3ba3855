"""Named rules: one check per rule, with a code, the field it concerns and its message (the check's docstring).

Collaboration records, research questions and duty-to-collaborate opportunities each keep a `RuleBook`; the
services run it before writing, and a form or an import shows each failure beside its field with its code.
Spreadsheet rows have their own book (returns/rules.py), which speaks of columns and cells instead.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Rule:
    code: str
    field: str
    check: Callable[..., bool]

    @property
    def message(self) -> str:
        return " ".join((self.check.__doc__ or "").split())


class RuleBook(list):
    """The rules of one kind of record, in the order they were declared (the order their messages are shown)."""

    def rule(self, code: str, field_name: str):
        """Declare a check as the rule `code` about `field_name`; its docstring is the message a user reads."""

        def register(check):
            self.append(Rule(code, field_name, check))
            return check

        return register

    def check(self, *args) -> None:
        """Run every rule on `args`; raise one ValidationError listing all that fail, keyed by field, with codes."""
        errors: dict[str, list[ValidationError]] = {}
        for r in self:
            if not r.check(*args):
                errors.setdefault(r.field, []).append(ValidationError(r.message, code=r.code))
        if errors:
            raise ValidationError(errors)
