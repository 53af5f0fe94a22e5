"""Find every form of the pages: walk the URL resolver, visit every page a user can reach from
it, and read the forms (fields, options, current values) and links out of the HTML."""
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from openpark.core.generic import pages_registry

# Not the platform's own pages: Django's admin, the API (fuzzed by schemathesis), Open311 (a machine
# interface, tested in tests/community/test_open311.py), files, and logging out (which would end the crawl).
SKIPPED_PREFIXES = ("/admin/", "/api/", "/open311/", "/static/", "/media/", "/accounts/logout/")
PATHS_PER_PATTERN = 2  # a list of 1,000 enterprises needs no 1,000 visits


@dataclass
class Field:
    name: str
    kind: str  # an input's type, "select" or "textarea"
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    value: object = ""


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, Field]
    button_actions: list[str] = field(default_factory=list)  # <button formaction="…">

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return self.method, urlsplit(self.action).path, tuple(sorted(self.fields))

    def baseline(self) -> dict:
        return {name: f.value for name, f in self.fields.items() if f.value not in ("", [], None)}


class PageParser(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: str | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.url, attrs["href"]))
        elif tag == "form":
            self._form = Form(self.url, urljoin(self.url, attrs.get("action") or self.url),
                              (attrs.get("method") or "get").lower(), {})
            self.forms.append(self._form)
        elif self._form is not None and tag in ("button", "input") and attrs.get("formaction"):
            self._form.button_actions.append(urljoin(self.url, attrs["formaction"]))
        elif self._form is None or not attrs.get("name") and tag != "option":
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "select":
            self._select = self._add(Field(attrs["name"], "select", multiple="multiple" in attrs, value=[]))
        elif tag == "option" and self._select is not None:
            self._option = attrs.get("value", "")
            self._select.options.append(self._option)
            if "selected" in attrs:
                self._select.value.append(self._option)
        elif tag == "textarea":
            self._textarea = self._add(Field(attrs["name"], "textarea"))

    def _input(self, attrs):
        kind = attrs.get("type", "text")
        name = attrs["name"]
        if kind in ("submit", "button", "image", "reset") or name == "csrfmiddlewaretoken":
            return
        if kind in ("checkbox", "radio"):
            existing = self._form.fields.get(name) or self._add(
                Field(name, kind, multiple=kind == "checkbox", value=[]))
            existing.options.append(attrs.get("value", "on"))
            if "checked" in attrs:
                existing.value.append(attrs.get("value", "on"))
            return
        self._add(Field(name, kind, value=attrs.get("value", "")))

    def _add(self, field_: Field) -> Field:
        self._form.fields[field_.name] = field_
        return field_

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            form = self._form
            # A form whose buttons post elsewhere is as many forms as it has buttons.
            if form.button_actions:
                self.forms.remove(form)
                self.forms.extend(Form(form.page, action, form.method, form.fields) for action in form.button_actions)
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.multiple:
                self._select.value = self._select.value[0] if self._select.value else ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def project_patterns(resolver: URLResolver | None = None, namespace: str = ""):
    """(view name, pattern) of every URL pattern of the project's pages."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith(("admin/", "api/", "open311/")):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from project_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def start_urls(user) -> list[str]:
    """Every page reversible without arguments, and every page of each registered model for one
    row the user may see."""
    urls = []
    for name, pattern in project_patterns():
        if not pattern.pattern.converters and not reverse(name).startswith(SKIPPED_PREFIXES):
            urls.append(reverse(name))
    for pages in pages_registry.values():
        obj = pages.scoped(user).order_by("pk").first()
        for action in pages.actions:
            needs_row = action in ("detail", "edit", "delete", "history")
            if needs_row and obj is None:
                continue
            kwargs = {"pk": obj.pk} if needs_row else {}
            urls.append(reverse(pages.url_name(action), kwargs=kwargs))
    return urls


def view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def crawl(client, user, check, extra_urls=(), per_pattern_limit=PATHS_PER_PATTERN,
          skip=lambda name: False) -> tuple[set[str], list[Form], list[str]]:
    """Visit the pages reachable from the resolver (and `extra_urls`), at most `per_pattern_limit`
    of each URL pattern, leaving the views whose name `skip` accepts; `check(response, url)`
    judges each answer. Returns the view names visited, the forms found (each once) and the
    paths of the pages visited."""
    queue = [*start_urls(user), *extra_urls]
    seen_paths: set[str] = set()
    per_pattern: dict[str, int] = {}
    visited: set[str] = set()
    forms: dict[tuple, Form] = {}
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or parts.path in seen_paths or \
                parts.path.startswith(SKIPPED_PREFIXES):
            continue
        name = view_name(url)
        if name is None or per_pattern.get(name, 0) >= per_pattern_limit or skip(name):
            continue
        seen_paths.add(parts.path)
        per_pattern[name] = per_pattern.get(name, 0) + 1
        response = client.get(parts.path)
        check(response, parts.path)
        visited.add(name)
        if response.status_code in (301, 302) and response.get("Location"):
            queue.append(urljoin(f"http://testserver{parts.path}", response["Location"]))
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser(f"http://testserver{parts.path}")
        parser.feed(response.content.decode())
        queue.extend(parser.links)
        for form in parser.forms:
            if not urlsplit(form.action).path.startswith(SKIPPED_PREFIXES):
                forms.setdefault(form.key, form)
    return visited, list(forms.values()), sorted(seen_paths)
