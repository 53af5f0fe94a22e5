"""No page shows a raw value: every page reachable from the registry and the resolver (lists,
details, histories, dashboards) is visited as each demo role on the demo park, and its visible
text is searched for what a person should never read there: True/False/None, a Python list or
dict, a float with more than two decimals, a UTC ISO time, or a choice's code where it has a
label."""
import re
import time
from html.parser import HTMLParser

import pytest
from django.apps import apps

from openpark.core.demo_users import demo_username, ensure_demo_users
from openpark.core.models import User
from openpark.core.roles import ROLES_BY_SLUG

from ..crawl import crawl, view_name

pytestmark = pytest.mark.usefixtures("demo_park", "db")

# The roles of the demo, the 亩均 staff being the 经发 role that runs the evaluation.
ROLES = ("leader", "admin", "economy", "investment", "enterprise", "grid")

RAW = {
    "True/False/None": re.compile(r"(?<![\w.])(True|False|None)(?![\w.])"),
    "a Python list or dict": re.compile(r"\[['\"]|\{['\"]|\[\d+(, \d+)+\]"),
    "more than two decimals": re.compile(r"(?<![\d.])\d[\d,]*\.\d{3,}(?![\d.])"),
    "a figure without thousands separators": re.compile(r"^-?\d{5,}\.\d+$|^-?\d{5,9}$"),
    "a UTC ISO time": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d|\+00:00|\d\d:\d\d:\d\d(\.\d+)?Z"),
}
# What a filter's empty choice reads unless it says 全部.
EMPTY_CHOICES = {"未知", "Unknown", "---------"}
# A position keeps its six decimals (a tenth of a metre): the one figure allowed more than two.
COORDINATES = re.compile(r"点（[\d.]+, [\d.]+）|[\d.]+°")
# A measured concentration keeps the digits the lab wrote, with its unit (GB 3838-2002's limits go
# down to 0.00005 mg/L): the other figure allowed more than two.
CONCENTRATIONS = re.compile(r"[\d.]+ (?:mg/L|个/L)")


class VisibleText(HTMLParser):
    """The text a person reads on a page: text nodes outside scripts and styles, and the options
    of a form's lists."""

    HIDDEN = {"script", "style", "template", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def choice_codes() -> set[str]:
    """The codes of the platform's choices that are words of their own (not a label, a letter or
    a number): read alone on a page, one of them is a code shown in place of its label."""
    codes = set()
    for model in apps.get_models():
        if not model.__module__.startswith("openpark."):
            continue
        for field in model._meta.get_fields():
            for code, label in getattr(field, "flatchoices", None) or ():
                if isinstance(code, str) and re.fullmatch(r"[a-z][a-z_]{2,}", code) and code != str(label):
                    codes.add(code)
    return codes


def findings_in(texts: list[str], codes: set[str]) -> list[str]:
    found = []
    for text in texts:
        checked = CONCENTRATIONS.sub("", COORDINATES.sub("", text))
        for what, pattern in RAW.items():
            if pattern.search(checked):
                found.append(f"{what}: {text[:120]!r}")
        if text in codes:
            found.append(f"a choice's code: {text!r}")
        if text in EMPTY_CHOICES:
            found.append(f"an empty choice that does not read 全部: {text!r}")
    return found


@pytest.mark.parametrize("text, what", [
    ("True", "True/False/None"),
    ("状态：None", "True/False/None"),
    ("['2020', '2021']", "a Python list or dict"),
    ("{'a': 1}", "a Python list or dict"),
    ('{"type": "Point"}', "a Python list or dict"),
    ("[3, 4]", "a Python list or dict"),
    ("98.90976", "more than two decimals"),
    ("1,234.567", "more than two decimals"),
    ("2026-11-30T08:15:00Z", "a UTC ISO time"),
    ("2026-11-30 08:15:00+00:00", "a UTC ISO time"),
    ("36104.28", "a figure without thousands separators"),
    ("123456", "a figure without thousands separators"),
])
def test_the_search_finds_raw_values(text, what):
    assert findings_in([text], set()) and findings_in([text], set())[0].startswith(what)


@pytest.mark.parametrize("text", [
    "2026-11-30 16:15", "1,234,567.50", "98.91", "点（120.254143, 31.959654）", "A 类", "是", "2020、2021",
    "Noneless", "192.168.1.10", "v1.2.3", "120.254143°", "36,104.28", "2026", "320282201805010001", "0.00005 mg/L",
    "<0.004 mg/L",
])
def test_the_search_leaves_what_people_read(text):
    assert findings_in([text], {"relocated"}) == []


def test_a_choice_code_alone_is_found():
    assert findings_in(["relocated"], {"relocated"}) == ["a choice's code: 'relocated'"]


def is_form(view_name: str) -> bool:
    """Add, edit and delete pages show a form's inputs, not values to read (their lists of choices
    are the filters' too, which the lists show)."""
    return view_name.endswith(("_add", "_edit", "_delete", "_restore"))


def test_no_page_shows_a_raw_value(client):
    """Each role walks the pages it may open; the park-wide roles (leader, 经发, 招商) see the same
    records, so a page one of them has read is not read again by the next, which keeps the walk
    to a few seconds."""
    started = time.monotonic()
    ensure_demo_users()
    codes = choice_codes()
    findings: dict[str, set[str]] = {}
    read_park_wide: set[str] = set()  # view names a park-wide role has read
    pages = 0

    for slug in ROLES:
        role = ROLES_BY_SLUG[slug]
        user = User.objects.get(username=demo_username(role))
        client.force_login(user)
        shared = role.park_wide and not role.administrative

        def check(response, path, slug=slug, shared=shared):
            nonlocal pages
            pages += 1
            if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
                return
            if shared:
                read_park_wide.add(view_name(path))
            for finding in findings_in(visible_texts(response.content.decode()), codes):
                findings.setdefault(finding, set()).add(f"{slug} {path}")

        def skip(name, shared=shared):
            return is_form(name) or shared and name in read_park_wide

        crawl(client, user, check, per_pattern_limit=1, skip=skip)
        client.logout()

    report = "\n".join(f"{finding}  ({', '.join(sorted(where)[:3])})" for finding, where in sorted(findings.items()))
    print(f"{pages} pages in {time.monotonic() - started:.1f} s")
    assert pages > 300  # the walk reached the pages, not only the home page
    assert not findings, f"raw values shown:\n{report}"


def test_a_class_reads_a_lei_on_the_results_list(client):
    """The 等级 and 计算等级 cells say "A 类", never the bare letter."""
    from django.urls import reverse

    ensure_demo_users()
    client.force_login(User.objects.get(username=demo_username(ROLES_BY_SLUG["economy"])))
    html = client.get(reverse("evaluation:result_list"), {"grade": "A"}).content.decode()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells.count("A 类") >= 2 * 10  # both classes of each row of the page
    assert not {"A", "B", "C", "D"} & set(cells)
