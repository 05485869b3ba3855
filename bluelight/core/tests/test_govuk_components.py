"""GOV.UK components render through one shared Jinja2 environment (core/govuk_components.py), as before."""

from importlib.metadata import version

import jinja2
from django.template import engines
from govuk_frontend_django.components.base import GovUKComponent
from govuk_frontend_django.components.breadcrumbs import BreadcrumbsItems, GovUKBreadcrumbs

from bluelight.core import govuk_components

PAGE = engines["django"].from_string(
    "{% load govuk_frontend_django %}"
    "{% gds_summary_list %}{% for name in names %}{% gds_summary_list_row %}"
    '{% gds_summary_list_row_key text="Partner" %}'
    "{% gds_summary_list_row_value %}<b>{{ name }}</b>{% endgds_summary_list_row_value %}"
    "{% endgds_summary_list_row %}{% endfor %}{% endgds_summary_list %}"
)


def breadcrumbs() -> GovUKBreadcrumbs:
    return GovUKBreadcrumbs(items=[BreadcrumbsItems(text="Home", href="/"), BreadcrumbsItems(text="<Collaborations>")])


def test_the_patch_is_applied_at_start_up():
    assert GovUKComponent.render is govuk_components.render
    assert GovUKComponent.__html__ is govuk_components.render
    assert GovUKComponent.__str__ is govuk_components.render


def test_rendering_a_component_twice_builds_one_environment(monkeypatch):
    built = []
    original_init = jinja2.Environment.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "__init__", counting_init)
    govuk_components.environment.cache_clear()
    govuk_components._wrapper.cache_clear()

    first = breadcrumbs().render()
    second = str(breadcrumbs())
    PAGE.render({"names": ["Kent Police", "Kent Fire and Rescue Service"]})

    assert first == second
    assert len(built) == 1


def test_components_render_exactly_as_the_library_renders_them():
    component = breadcrumbs()

    assert component.render() == govuk_components.original_render(component)
    assert "&lt;Collaborations&gt;" in component.render()


def test_a_summary_list_in_a_template_escapes_text_and_keeps_markup_from_the_template():
    html = PAGE.render({"names": ["<script>x</script>", "Avon & Somerset"]})

    assert "<b>&lt;script&gt;x&lt;/script&gt;</b>" in html
    assert "Avon &amp; Somerset" in html
    assert html.count('class="govuk-summary-list__row"') == 2


def test_the_patch_matches_the_installed_govuk_frontend_django():
    # The patch replaces GovUKComponent.render of this release: on an upgrade, check whether it
    # still builds an environment per render (components/base.py), then drop or update the patch.
    assert version("govuk-frontend-django").startswith(govuk_components.PATCHED_VERSION + ".")
