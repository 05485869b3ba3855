"""Admin autocomplete widgets that leave a mistyped submitted id to the form's "not a valid choice" error.

Django's own widgets look the submitted values up to show them selected again, and a value that
is not a valid key ("abc" for a numeric id) raises there: a server error instead of the form
error the field has already reported. Mix `SafeAutocompleteMixin` into an admin or an inline.
"""

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError


class _ValidKeysOnly:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        key = opts.get_field(getattr(remote, "field_name", None) or opts.pk.attname)
        valid = []
        for submitted in value:
            try:
                key.to_python(submitted)
            except ValidationError:
                continue
            valid.append(submitted)
        return super().optgroups(name, valid, attr)


class AutocompleteSelect(_ValidKeysOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_ValidKeysOnly, widgets.AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """Autocomplete fields of this ModelAdmin or inline use the widgets above; mix in before the admin class."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
