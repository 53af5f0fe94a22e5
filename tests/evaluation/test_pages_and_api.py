"""Evaluation pages and API: runs step by step, results with filters and export, adjustments,
the scheme editor, comparisons, and who may see what."""
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from openpark.core.models import User
from openpark.evaluation import services
from openpark.evaluation.models import Result, Run, SchemeVersion
from tests.factories import bind_enterprise
from tests.sheets import read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user, client_for):
    return client_for(make_user("economy", username="jingfa"))


def new_run(client, year=2021):
    scheme = SchemeVersion.objects.get(name="jiangsu-6")
    response = client.post(reverse("evaluation:run_add"), {"year": year, "scheme": scheme.pk, "title": "", "note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Run.objects.latest("pk")


def act(client, run, action, **data):
    return client.post(reverse("evaluation:run_transition", args=[run.pk, action]), data)


def test_run_through_the_pages(staff, park):
    run = new_run(staff)
    assert run.title == "2021 年度亩均效益评价（江苏“6+X”资源集约利用综合评价（规上六项指标））"
    act(staff, run, "gather")
    page = staff.get(run.get_absolute_url()).content.decode()
    assert "已采集数据" in page and "主要污染物排放量" in page  # one enterprise lacks it
    act(staff, run, "compute")
    run.refresh_from_db()
    assert run.state == "computed" and run.summary["grades"] == {"A": 1, "B": 1, "C": 1, "未纳入": 1}
    listed = staff.get(reverse("evaluation:result_list"), {"run": run.pk, "grade": "A"}).content.decode()
    assert park[0].name in listed and park[1].name not in listed
    exported = read_xlsx(staff.get(reverse("evaluation:result_list"), {"run": run.pk, "export": "xlsx"}).content)
    assert exported[0][:4] == ["评价批次", "统一社会信用代码", "企业", "组别"] and len(exported) == 5

    result = Result.objects.get(run=run, enterprise=park[1])
    response = staff.post(reverse("evaluation:result_adjust", args=[result.pk]), {"grade": "A", "reason": "重大技改投产"})
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.grade == "A" and result.computed_grade == "B"
    page = staff.get(result.get_absolute_url()).content.decode()
    assert page.count("经定档调档调整为 A 类。理由：重大技改投产") == 1 and "计算等级" not in page

    act(staff, run, "publish", note="管委会审定")
    run.refresh_from_db()
    assert run.state == "published"
    page = staff.get(run.get_absolute_url()).content.decode()
    assert "管委会审定" in page and not any(f"/{action}/" in page for action in ("gather", "compute", "publish"))
    response = staff.post(reverse("evaluation:result_adjust", args=[result.pk]), {"grade": "C", "reason": "再调"})
    result.refresh_from_db()
    assert result.grade == "A"
    assert "只有已计算、未发布的评价批次可以调档" in staff.get(result.get_absolute_url()).content.decode()
    response = staff.post(reverse("evaluation:run_delete", args=[run.pk]))
    assert Run.objects.filter(pk=run.pk).exists()
    refused = staff.post(reverse("evaluation:run_edit", args=[run.pk]), {"year": 2021, "scheme": run.scheme_id,
                                                                        "title": "改名"}, follow=True)
    assert refused.redirect_chain == [(run.get_absolute_url(), 302)]
    assert "已发布的评价批次不能修改" in refused.content.decode()
    run.refresh_from_db()
    assert run.title != "改名"


def test_actions_out_of_order_are_refused_with_a_reason(staff, park):
    run = new_run(staff)
    response = act(staff, run, "compute")
    assert response.status_code == 400  # the run's page again, with the reason
    assert "当前状态为“新建”，不能计算" in response.content.decode() and 'id="workflow"' in response.content.decode()
    assert "当前状态为“新建”，不能发布" in act(staff, run, "publish").content.decode()
    assert act(staff, run, "explode").status_code == 404
    run.refresh_from_db()
    assert run.state == "draft"


def test_leaders_view_but_cannot_run_or_publish(staff, make_user, client_for, park):
    run = new_run(staff)
    act(staff, run, "gather")
    act(staff, run, "compute")
    leader = client_for(make_user("leader"))
    page = leader.get(run.get_absolute_url()).content.decode()
    assert "等级分布" in page and not any(f"/{action}/" in page for action in ("gather", "compute", "publish"))
    assert act(leader, run, "publish").status_code == 403
    run.refresh_from_db()
    assert run.state == "computed"


def test_enterprise_users_see_only_their_own_result(staff, make_user, client_for, api_for, park):
    run = new_run(staff)
    act(staff, run, "gather")
    act(staff, run, "compute")
    user = make_user("enterprise")
    bind_enterprise(user, park[0])
    client = client_for(user)
    own = Result.objects.get(run=run, enterprise=park[0])
    assert client.get(own.get_absolute_url()).status_code == 404  # not before the run is published
    assert api_for(user).get("/api/evaluation/results/").json()["count"] == 0
    run.refresh_from_db()
    services.publish(run, User.objects.get(username="jingfa"))  # `staff` is the same client, now logged in as `user`
    listed = client.get(reverse("evaluation:result_list")).content.decode()
    assert park[0].name in listed and park[1].name not in listed
    assert client.get(run.get_absolute_url()).status_code == 404
    results = api_for(user).get("/api/evaluation/results/").json()["results"]
    assert [r["enterprise_uscc"] for r in results] == [park[0].uscc]
    other = Result.objects.get(run=run, enterprise=park[1])
    assert client.get(other.get_absolute_url()).status_code == 404
    assert api_for(user).get("/api/evaluation/runs/").json()["count"] == 0
    assert "亩均评价" in client.get(park[0].get_absolute_url()).content.decode()


def test_api_lists_runs_and_filters_results(staff, make_user, api_for, park):
    run = new_run(staff)
    act(staff, run, "gather")
    act(staff, run, "compute")
    api = api_for(make_user("leader"))
    assert api.get("/api/evaluation/runs/").json()["results"][0]["state"] == "computed"
    rows = api.get("/api/evaluation/results/", {"run": run.pk, "group": "above", "ordering": "rank"}).json()["results"]
    assert [r["rank"] for r in rows] == [1, 2, 3] and rows[0]["scores"]["tax_per_mu"] > 0
    assert api.get("/api/evaluation/schemes/").json()["count"] == 3
    assert api.post("/api/evaluation/runs/", {}).status_code == 403  # leaders only read
    assert api_for(make_user("economy")).post("/api/evaluation/runs/", {}).status_code == 405  # runs start on the page


@pytest.mark.parametrize("definition, message", [
    ("[" * 5000 + "]" * 5000, "JSON 的嵌套层数过多"),
    ('{"name": "x", "groups": [{"indicators": [{"weight": NaN}]}]}', "不是有效的 JSON"),
    ('{"name": "x", "groups": [{"indicators": [{"weight": ' + "9" * 400 + "}]}]}", "数值过大"),
    ('{"name": "x", "groups": [], "undetermined": [1]}', "“undetermined”应为对象"),
], ids=["deep nesting", "NaN", "400-digit weight", "wrong shape"])
def test_scheme_editor_refuses_json_python_reads_but_the_platform_cannot_store(staff, definition, message):
    """Before: RecursionError, NaN saved (PostgreSQL's jsonb refuses it), OverflowError, AttributeError."""
    scheme = SchemeVersion.objects.get(name="huaian-2024")
    response = staff.post(reverse("evaluation:schemeversion_edit", args=[scheme.pk]),
                          {"name": scheme.name, "version": 1, "title": scheme.title, "definition": definition})
    assert response.status_code == 200 and message in str(response.context["form"].errors["definition"])
    scheme.refresh_from_db()
    assert scheme.definition["groups"]


def test_scheme_editor_checks_the_json_and_versions_used_schemes(staff, park):
    scheme = SchemeVersion.objects.get(name="huaian-2024")
    broken = json.dumps({**scheme.definition, "groups": []}, ensure_ascii=False)
    response = staff.post(reverse("evaluation:schemeversion_edit", args=[scheme.pk]),
                          {"name": scheme.name, "version": 1, "title": scheme.title, "definition": broken})
    assert response.status_code == 200 and "方案至少要有一个组别" in response.content.decode()
    response = staff.post(reverse("evaluation:schemeversion_edit", args=[scheme.pk]),
                          {"name": scheme.name, "version": 1, "title": scheme.title, "definition": "{不是 JSON"})
    assert "不是有效的 JSON" in response.content.decode()

    run = new_run(staff)
    act(staff, run, "gather")
    used = run.scheme
    edited = json.dumps({**used.definition, "title": "新标题"}, ensure_ascii=False)
    response = staff.post(reverse("evaluation:schemeversion_edit", args=[used.pk]),
                          {"name": used.name, "version": used.version, "title": used.title, "definition": edited})
    assert "另存为新版本" in response.content.decode()
    response = staff.post(reverse("evaluation:schemeversion_new_version", args=[used.pk]))
    copy = SchemeVersion.objects.get(name=used.name, version=2)
    assert response["Location"] == reverse("evaluation:schemeversion_edit", args=[copy.pk])
    page = staff.get(copy.get_absolute_url()).content.decode()
    assert "亩均税收" in page and "1.5" in page


def test_compare_page_and_export(staff, park):
    first, second = new_run(staff), new_run(staff)
    for run in (first, second):
        act(staff, run, "gather")
        act(staff, run, "compute")
    page = staff.get(reverse("evaluation:compare"), {"later": second.pk})
    assert page.status_code == 200
    page = staff.get(reverse("evaluation:compare"), {"earlier": first.pk, "later": second.pk}).content.decode()
    assert "升档 0 家，降档 0 家，不变 3 家，无法比较 1 家" in page
    exported = read_xlsx(staff.get(reverse("evaluation:compare"),
                                   {"earlier": first.pk, "later": second.pk, "export": "xlsx"}).content)
    assert exported[0] == ["统一社会信用代码", "企业名称", "较早等级", "较晚等级", "变化"] and len(exported) == 5
    same = staff.get(reverse("evaluation:compare"), {"earlier": first.pk, "later": first.pk})
    assert same.status_code == 400 and "请选择两个不同的批次" in same.content.decode()


def test_distribution_and_radar_data(staff, park):
    run = new_run(staff)
    act(staff, run, "gather")
    act(staff, run, "compute")
    run.refresh_from_db()
    counts = services.distribution(run)
    assert counts["by_group"] == {"规上": {"A": 1, "B": 1, "C": 1, "D": 0, "不定等": 0}}
    assert [counts["grade_labels"][grade] for grade in counts["grades"]] == ["A 类", "B 类", "C 类", "D 类", "不定等"]
    assert sum(counts["histogram"]["groups"]["规上"]) == 3
    totals = sorted(Result.objects.filter(run=run, group="above").values_list("total", flat=True))
    edges = counts["histogram"]["edges"]
    assert edges[0] == "0–10" and len(edges) == int(totals[-1] // 10) + 1
    page = staff.get(Result.objects.get(run=run, enterprise=park[0]).get_absolute_url()).content.decode()
    assert 'id="radar-data"' in page and "组内平均得分" in page and "echarts.min.js" in page
    assert 'id="distribution-data"' in staff.get(run.get_absolute_url()).content.decode()


def test_published_run_page_offers_no_edit_or_delete(staff, park):
    run = new_run(staff)
    for action in ("gather", "compute", "publish"):
        act(staff, run, action)
    page = staff.get(run.get_absolute_url()).content.decode()
    assert "已发布" in page and 'href="edit/"' not in page and 'href="delete/"' not in page
    assert "已计算 → 已发布" in page


def test_result_scores_and_figures_are_shown_formatted(staff, make_user, client_for, park):
    run = new_run(staff)
    act(staff, run, "gather")
    act(staff, run, "compute")
    result = Result.objects.get(run=run, enterprise=park[0])
    Result.objects.filter(pk=result.pk).update(total=98.90976560673049, bonus=1.0, land=Decimal("70.5000"))
    listed = staff.get(reverse("evaluation:result_list"), {"run": run.pk}).content.decode()
    assert "98.91" in listed and "98.909" not in listed
    detail = staff.get(result.get_absolute_url()).content.decode()
    assert "98.91" in detail and "98.909" not in detail and "70.50" in detail and "70.5000" not in detail

    run.refresh_from_db()
    services.publish(run, User.objects.get(username="jingfa"))
    user = make_user("enterprise")
    bind_enterprise(user, park[0])
    client = client_for(user)
    for page in (client.get(reverse("evaluation:result_list")), client.get(result.get_absolute_url())):
        html = page.content.decode()
        assert "98.91" in html and "98.909" not in html
