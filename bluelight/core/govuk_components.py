"""govuk-frontend-django's components rendered with one shared Jinja2 environment, not a new one each time.

govuk-frontend-django 0.22 (the newest, August 2026) renders every `{% gds_... %}` component in
`GovUKComponent.render`, which builds a new Jinja2 `Environment` each call and so parses and
compiles the component's macro file (and everything it imports) again: 60-90 ms of CPU on a
record page with a summary list and breadcrumbs, most of a detail page's time under load
(../shared/notes/explorer-at-100k.md). `patch()`, called once from CoreConfig.ready(), swaps in
`render` below: the same loader, autoescaping and data cleaning, but one environment for the
process (Jinja2 caches each compiled macro file in it, checking the file's date as usual) and
each component's small wrapper template compiled once. An `Environment` is safe to share between
threads once built, and rendering keeps no state in it.

Remove this when govuk-frontend-django stops building an environment per render (its
`components/base.py`); `test_govuk_components.py` fails if the method it replaces changes shape.
"""

import functools

from django.utils.safestring import mark_safe
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, Template, select_autoescape

PATCHED_VERSION = "0.22"  # the govuk-frontend-django release whose GovUKComponent.render this replaces
original_render = None  # theirs, kept by patch() so the tests can compare the two


@functools.cache
def environment() -> Environment:
    """The one environment, configured as govuk-frontend-django configures its own."""
    return Environment(
        loader=ChoiceLoader([PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]),
        autoescape=select_autoescape(),
    )


@functools.lru_cache(maxsize=256)  # one small wrapper per component type and macro: about 40 in all
def _wrapper(source: str) -> Template:
    return environment().from_string(source)


def _without_none(data):
    """Drop keys whose value is None, at every level, as the original does (the macros test `is defined`)."""
    if isinstance(data, list):
        for item in data:
            _without_none(item)
    elif isinstance(data, dict):
        for key, value in list(data.items()):
            if value is None:
                del data[key]
            elif isinstance(value, dict | list):
                _without_none(value)
    return data


def render(self, template_name=None, context=None, renderer=None, component_data=None):
    """GovUKComponent.render, with the shared environment."""
    data = self.__dict__.copy()
    if component_data:
        data.update(component_data)
    return mark_safe(_wrapper(self.build_jinja_template()).render(data=_without_none(data)))  # noqa: S308 (Jinja2 autoescapes)


def patch() -> None:
    """Make every component render through `render` above (idempotent)."""
    from govuk_frontend_django.components.base import GovUKComponent

    global original_render
    if GovUKComponent.render is not render:
        original_render = GovUKComponent.render
    # The class binds __str__ and __html__ to the original function when it is defined, so all three are replaced.
    GovUKComponent.render = render
    GovUKComponent.__str__ = render
    GovUKComponent.__html__ = render
