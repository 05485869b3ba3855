"""The OpenAPI schema's knowledge of our filters: facets whose values are codes (theme, organisation, edition ...).

drf-spectacular guesses a filter's type from its model field or its method's hints; the explorer's
filters work through methods on codes, so it cannot, and warns. They are strings: say so here, once,
without touching the filter set the explorer shares (imported by ApiConfig.ready).
"""

import copy

from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.drainage import has_override, set_override
from drf_spectacular.types import OpenApiTypes


class CodeFiltersExtension(DjangoFilterExtension):
    priority = 1  # before drf-spectacular's own, which it extends

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        choice = isinstance(filter_field, filters.ChoiceFilter | filters.MultipleChoiceFilter)
        by_code = filter_field.method or filter_field.extra.get("to_field_name")
        if choice and by_code and not has_override(filter_field, "field"):
            filter_field = copy.deepcopy(filter_field)
            set_override(filter_field, "field", OpenApiTypes.STR)
        return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
