"""The GOV.UK error pattern, checked on a page a form came back on with errors: used by test_error_pattern.py and
by apps' tests of their own forms."""

from dataclasses import dataclass

from django.test.html import Element, parse_html

# Django's own messages, which name no field: none may reach a page.
GENERIC = (
    "This field is required.",
    "Enter a valid date.",
    "Select a valid choice",
    "Enter a whole number.",
    "Enter a number.",
    "Enter a valid URL.",
    "Enter a valid email address.",
    "Ensure this value",
    "No file was submitted",
)


@dataclass
class Entry:
    text: str
    href: str  # "" for a problem not about one field


def _elements(node):
    """Every element under `node`, in document order."""
    for child in node.children:
        if isinstance(child, Element):
            yield child
            yield from _elements(child)


def _first_element(node) -> Element | None:
    return next((c for c in node.children if isinstance(c, Element)), None)


def _classes(element: Element) -> list[str]:
    return (dict(element.attributes).get("class") or "").split()


def _text(node) -> str:
    parts = [c if isinstance(c, str) else _text(c) for c in node.children]
    return " ".join(" ".join(parts).split())


def assert_error_pattern(response) -> list[Entry]:
    """Assert the pattern on `response`'s page and return its error summary's entries:

    - the title starts "Error: ";
    - the summary is the first thing inside <main>, or inside the column <main> starts with;
    - each link's target, "#<id>", is an element of the page, and for a radio or checkbox its group's first;
    - problems not about one field come first, then the rest in the order of their fields on the page;
    - no message is listed twice, and none is one of Django's generic ones.
    """
    root = parse_html(response.content.decode())
    elements = list(_elements(root))
    title = next(e for e in elements if e.name == "title")
    assert _text(title).startswith("Error: "), _text(title)

    first = _first_element(next(e for e in elements if e.name == "main"))
    while first is not None and any(
        c == "govuk-grid-row" or c.startswith("govuk-grid-column") for c in _classes(first)
    ):
        first = _first_element(first)
    assert first is not None and "govuk-error-summary" in _classes(first), f"the page's main starts with {first}"

    entries = []
    for item in (e for e in _elements(first) if e.name == "li"):
        link = next((e for e in _elements(item) if e.name == "a"), None)
        entries.append(Entry(_text(item), dict(link.attributes)["href"] if link is not None else ""))
    assert entries or _text(first), "the summary says nothing"

    texts = [entry.text for entry in entries]
    assert len(texts) == len(set(texts)), f"a message is repeated: {texts}"
    page_text = _text(root)
    assert not [g for g in GENERIC if g in page_text], page_text

    position = {dict(e.attributes).get("id"): i for i, e in enumerate(elements) if dict(e.attributes).get("id")}
    places = []
    for entry in entries:
        if not entry.href:
            places.append(-1)
            continue
        assert entry.href.startswith("#"), entry
        target_id = entry.href[1:]
        targets = [e for e in elements if dict(e.attributes).get("id") == target_id]
        assert len(targets) == 1, f"{entry.href} reaches {len(targets)} elements"
        target = dict(targets[0].attributes)
        if targets[0].name == "input" and target.get("type") in ("radio", "checkbox"):
            group = [e for e in elements if e.name == "input" and dict(e.attributes).get("name") == target["name"]]
            assert group[0] is targets[0], f"{entry.href} is not the first input of its group"
        places.append(position[target_id])
    assert places == sorted(places), f"the summary is not in the page's order: {entries}"
    return entries
