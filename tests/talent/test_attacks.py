"""What another enterprise, a role without 人才服务 rights, a script in a text field, bad input and
a deleted enterprise tried on 人才服务, and must keep failing."""
import io
import json
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from openpark.core import targets
from tests.sheets import read_xlsx
from openpark.talent import services
from openpark.talent.models import (
    Apprenticeship, FairBooth, JobPosting, RecruitmentFair, SchoolPartnership, SkillsTraining,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def records(enterprises):
    other = enterprises[1]
    fair = RecruitmentFair.objects.create(name="春风行动", held_on=date(2026, 3, 1), visitors=100)
    return {
        "jobposting": JobPosting.objects.create(enterprise=other, title="焊工", headcount=3,
                                                posted_on=date(2026, 3, 1)),
        "schoolpartnership": SchoolPartnership.objects.create(enterprise=other, school="泰州职院", kind="order_class",
                                                              started_on=date(2026, 1, 1)),
        "fairbooth": FairBooth.objects.create(fair=fair, enterprise=other, positions=5, hires=2),
        "skillstraining": SkillsTraining.objects.create(name="电工", enterprise=other, started_on=date(2026, 4, 1),
                                                        trainees=10, certified=5),
        "apprenticeship": Apprenticeship.objects.create(enterprise=other, master="王师傅", apprentice="小李", trade="钳工",
                                                        started_on=date(2026, 1, 1), planned_end_on=date(2026, 12, 31)),
    }


def rows_of(response) -> list:
    body = response.json()
    return next((value for key, value in body.items() if isinstance(value, list)), body) if isinstance(body, dict) \
        else body


API = {"jobposting": "postings", "schoolpartnership": "partnerships", "fairbooth": "booths",
       "skillstraining": "trainings", "apprenticeship": "apprenticeships"}


def test_another_enterprise_reaches_none_of_its_records(records, enterprise_user, enterprises, client_for, api_for):
    page, api = client_for(enterprise_user), api_for(enterprise_user)
    for name, obj in records.items():
        base = f"/api/talent/{API[name]}/"
        assert page.get(reverse(f"talent:{name}_detail", args=[obj.pk])).status_code == 404, name
        assert page.get(reverse(f"talent:{name}_edit", args=[obj.pk])).status_code in (403, 404), name
        assert page.post(reverse(f"talent:{name}_delete", args=[obj.pk])).status_code in (403, 404), name
        listed = page.get(reverse(f"talent:{name}_list") + f"?enterprise={enterprises[1].pk}")
        assert listed.status_code == 200 and not list(listed.context["rows"]), name
        exported = page.get(reverse(f"talent:{name}_list") + "?export=xlsx")
        assert exported.status_code == 200 and len(read_xlsx(exported.content)) == 1, name  # the headers alone
        assert api.get(f"{base}{obj.pk}/").status_code == 404, name
        assert api.patch(f"{base}{obj.pk}/", {"note": "改"}, format="json").status_code in (403, 404), name
        filtered = api.get(base, {"enterprise": enterprises[1].pk})  # refused as any enterprise out of scope
        assert filtered.status_code == 400 or rows_of(filtered) == [], name
        assert rows_of(api.get(base)) == [], name
        # and it cannot file records for the other enterprise either
        assert api.post(base, {"enterprise": enterprises[1].pk, "note": "x"}, format="json").status_code in (400, 403)
    assert page.get(reverse("talent:summary")).status_code == 403
    assert page.get(reverse("talent:summary") + "?format=xlsx").status_code == 403
    assert page.get(reverse("enterprises:enterprise_detail", args=[enterprises[1].pk])).status_code in (403, 404)
    assert records["jobposting"].title in JobPosting.objects.get(pk=records["jobposting"].pk).title
    assert not JobPosting.objects.filter(note="改").exists()


@pytest.mark.parametrize("role", ["environment", "community", "grid", "department", "admin", "security", "audit"])
def test_roles_without_talent_rights_reach_nothing(records, make_user, client_for, api_for, role):
    user = make_user(role)
    page, api = client_for(user), api_for(user)
    for name, obj in records.items():
        assert page.get(reverse(f"talent:{name}_list")).status_code == 403, (role, name)
        assert page.get(reverse(f"talent:{name}_detail", args=[obj.pk])).status_code in (403, 404), (role, name)
        assert api.get(f"/api/talent/{API[name]}/").status_code == 403, (role, name)
        assert api.patch(f"/api/talent/{API[name]}/{obj.pk}/", {"note": "改"}, format="json").status_code in (403, 404)
    assert page.get(reverse("talent:summary")).status_code == 403, role
    assert page.get(reverse("talent:recruitmentfair_list")).status_code == 403, role


def test_script_in_every_text_field_comes_out_escaped(enterprises, make_user, client_for):
    staff = make_user("industry")
    fair = RecruitmentFair.objects.create(name=SCRIPT, held_on=date(2026, 3, 1), venue=SCRIPT, organiser=SCRIPT,
                                          note=SCRIPT)
    rows = [
        JobPosting.objects.create(enterprise=enterprises[0], title=SCRIPT, trade=SCRIPT, headcount=1,
                                  posted_on=date(2026, 3, 1), note=SCRIPT),
        SchoolPartnership.objects.create(enterprise=enterprises[0], school=SCRIPT, major=SCRIPT, kind="order_class",
                                         started_on=date(2026, 1, 1), note=SCRIPT),
        FairBooth.objects.create(fair=fair, enterprise=enterprises[0], note=SCRIPT),
        SkillsTraining.objects.create(name=SCRIPT, trade=SCRIPT, organiser=SCRIPT, started_on=date(2026, 4, 1),
                                      note=SCRIPT),
        Apprenticeship.objects.create(enterprise=enterprises[0], master=SCRIPT[:50], apprentice=SCRIPT[:50],
                                      trade=SCRIPT, started_on=date(2026, 1, 1), planned_end_on=date(2026, 12, 31),
                                      note=SCRIPT),
        fair,
    ]
    page = client_for(staff)
    urls = [reverse("enterprises:enterprise_detail", args=[enterprises[0].pk])]
    for obj in rows:
        name = obj._meta.model_name
        urls += [reverse(f"talent:{name}_list"), reverse(f"talent:{name}_detail", args=[obj.pk]),
                 reverse(f"talent:{name}_edit", args=[obj.pk])]
    for url in urls:
        response = page.get(url)
        assert response.status_code == 200, url
        assert "<script>alert" not in response.content.decode(), url
    for obj in rows:  # exported cells are text, never a formula
        response = page.get(reverse(f"talent:{obj._meta.model_name}_list") + "?export=xlsx")
        assert response.status_code == 200


def test_a_formula_in_a_text_field_is_exported_as_text(enterprises, make_user, client_for):
    JobPosting.objects.create(enterprise=enterprises[0], title='=HYPERLINK("http://x","y")', trade="+1", headcount=1,
                              posted_on=date(2026, 3, 1), note="@SUM(A1)")
    response = client_for(make_user("industry")).get(reverse("talent:jobposting_list") + "?export=xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" in (sheet + archive_strings(data))


def archive_strings(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        return archive.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""


BAD_POSTINGS = {
    "negative headcount": {"headcount": -1},
    "zero headcount": {"headcount": 0},
    "huge headcount": {"headcount": 10 ** 20},
    "string headcount": {"headcount": "many"},
    "nan salary": {"salary_low": "NaN"},
    "inf salary": {"salary_low": "Infinity"},
    "huge salary": {"salary_low": "1e999"},
    "reversed salary": {"salary_low": 9000, "salary_high": 3000},
    "reversed dates": {"posted_on": "2026-05-01", "closes_on": "2026-04-01"},
    "bad date": {"posted_on": "2026-13-45"},
    "far date": {"posted_on": "99999-01-01"},
    "nul title": {"title": "焊\x00工"},
    "long title": {"title": "长" * 5000},
    "bad choice": {"education": "phd_plus"},
    "bad status": {"status": "hacked"},
    "negative hired": {"hired": -5},
}


@pytest.mark.parametrize("case", BAD_POSTINGS)
def test_bad_posting_input_is_refused_in_chinese_by_api_and_page(enterprises, make_user, api_for, client_for, case):
    staff = make_user("industry")
    good = {"enterprise": enterprises[0].pk, "title": "焊工", "headcount": 2, "posted_on": "2026-03-01",
            "education": "any", "status": "open", "hired": 0}
    data = good | BAD_POSTINGS[case]
    response = api_for(staff).post("/api/talent/postings/", data, format="json")
    assert response.status_code == 400, (case, response.content[:300])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in json.dumps(response.json(), ensure_ascii=False)), case
    page = client_for(staff).post(reverse("talent:jobposting_add"), data)
    assert page.status_code == 200, case
    assert not JobPosting.objects.exists(), case


BAD_BOOTHS_AND_OTHERS = [
    ("/api/talent/trainings/", {"name": "x", "started_on": "2026-01-01", "trainees": 5, "certified": 6}),
    ("/api/talent/trainings/", {"name": "x", "started_on": "2026-01-01", "ended_on": "2025-01-01"}),
    ("/api/talent/apprenticeships/", {"master": "a", "apprentice": "b", "trade": "c", "started_on": "2026-01-01",
                                      "planned_end_on": "2025-01-01"}),
    ("/api/talent/apprenticeships/", {"master": "a", "apprentice": "b", "trade": "c", "started_on": "2026-01-01",
                                      "planned_end_on": "2026-06-01", "outcome": "graduated"}),
    ("/api/talent/apprenticeships/", {"master": "a" * 51, "apprentice": "b", "trade": "c",
                                      "started_on": "2026-01-01", "planned_end_on": "2026-06-01"}),
    ("/api/talent/partnerships/", {"school": "s", "kind": "order_class", "started_on": "2026-01-01",
                                   "ended_on": "2025-01-01"}),
    ("/api/talent/partnerships/", {"school": "s", "kind": "nope", "started_on": "2026-01-01"}),
    ("/api/talent/partnerships/", {"school": "s", "kind": "order_class", "started_on": "2026-01-01",
                                   "students_per_year": -3}),
    ("/api/talent/fairs/", {"name": "f", "held_on": "0000-01-01"}),
    ("/api/talent/fairs/", {"name": "f\x00", "held_on": "2026-01-01"}),
    ("/api/talent/fairs/", {"name": "f", "held_on": "2026-01-01", "visitors": "1e999"}),
    ("/api/talent/booths/", {"positions": -1}),
    ("/api/talent/booths/", {"hires": 10 ** 20}),
]


@pytest.mark.parametrize("index", range(len(BAD_BOOTHS_AND_OTHERS)))
def test_bad_input_on_the_other_endpoints_is_refused(enterprises, make_user, api_for, index):
    url, data = BAD_BOOTHS_AND_OTHERS[index]
    fair = RecruitmentFair.objects.create(name="春风行动", held_on=date(2026, 3, 1))
    if "booths" in url:
        data = {"fair": fair.pk} | data
    if "fairs" not in url:
        data = {"enterprise": enterprises[0].pk} | data
    before = sum(m.objects.count() for m in (SkillsTraining, Apprenticeship, SchoolPartnership, FairBooth))
    response = api_for(make_user("industry")).post(url, data, format="json")
    assert response.status_code == 400, (url, data, response.content[:300])
    assert sum(m.objects.count() for m in (SkillsTraining, Apprenticeship, SchoolPartnership, FairBooth)) == before
    assert RecruitmentFair.objects.count() == 1


def test_mass_assignment_of_bookkeeping_fields_is_ignored(enterprises, enterprise_user, make_user, api_for):
    staff = make_user("industry")
    response = api_for(staff).post("/api/talent/postings/", {
        "enterprise": enterprises[0].pk, "title": "焊工", "headcount": 2, "posted_on": "2026-03-01",
        "is_deleted": True, "created_by": enterprise_user.pk, "id": 99999, "deleted_at": "2026-01-01T00:00:00Z"},
        format="json")
    assert response.status_code == 201, response.content
    posting = JobPosting.all_objects.get()
    assert posting.pk != 99999 and not posting.is_deleted and posting.deleted_at is None
    moved = api_for(staff).patch(f"/api/talent/postings/{posting.pk}/", {"is_deleted": True}, format="json")
    assert moved.status_code in (200, 400)
    posting.refresh_from_db()
    assert not posting.is_deleted


@pytest.mark.parametrize("params", [{"what": ["hires"]}, {"what": {"a": 1}}, {"what": 3}, {"what": None},
                                    {"what": "hires", "x": 1}, {"what": "nope"}])
def test_bad_talent_metric_params_are_refused_in_chinese(make_user, api_for, params):
    response = api_for(make_user("industry")).post("/api/core/targets/", {
        "name": "人才", "year": 2026, "metric": "talent.count", "params": params, "target_value": "100"},
        format="json")
    assert response.status_code == 400, response.content
    assert "params" in response.json()["errors"]


def test_a_deleted_enterprises_records_leave_the_counts_tile_and_metric(enterprises, make_user, client_for):
    gone = enterprises[2]
    fair = RecruitmentFair.objects.create(name="春风行动", held_on=date(2026, 3, 1), visitors=10)
    FairBooth.objects.create(fair=fair, enterprise=gone, positions=5, hires=4)
    JobPosting.objects.create(enterprise=gone, title="焊工", headcount=3, posted_on=date(2026, 3, 1))
    SchoolPartnership.objects.create(enterprise=gone, school="泰州职院", kind="order_class", started_on=date(2026, 1, 1))
    SkillsTraining.objects.create(name="电工", enterprise=gone, started_on=date(2026, 4, 1), trainees=10, certified=5)
    Apprenticeship.objects.create(enterprise=gone, master="王", apprentice="李", trade="钳工",
                                  started_on=date(2026, 1, 1), planned_end_on=date(2026, 6, 30),
                                  outcome="graduated", finished_on=date(2026, 6, 30))
    assert services.year_counts([2026])[2026].hires == 4
    gone.delete()
    row = services.year_counts([2026])[2026]
    assert (row.postings, row.headcount, row.partnerships, row.booths, row.positions, row.hires, row.trainings,
            row.trainees, row.apprenticeships, row.graduated) == (0,) * 10
    assert (row.fairs, row.visitors) == (1, 10)  # the fair itself is the park's
    metric = targets.metric("talent.count")
    for what in ("hires", "trainees", "certified", "graduated"):
        assert metric.compute(date(2026, 1, 1), date(2026, 12, 31), {"what": what}) == 0, what
    assert fair.booths.filter(is_deleted=False).count() == 1
    assert services.fair_totals(fair) == {"enterprises": 0, "positions": 0, "hires": 0}
