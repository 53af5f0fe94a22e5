"""Attacks on the targets: params of every wrong shape for every metric, script in every text, and
the roles that may not write targets, on the page, the API, the tile and the command."""
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from openpark.core import targets
from openpark.core.models import Target

pytestmark = pytest.mark.usefixtures("demo_park", "db")

SCRIPT = '<script>alert("目标")</script>'
URL = "/api/core/targets/"
BAD_PARAMS = [
    ["signed"], "signed", 5, None, {"kind": ["cloud"]}, {"kind": {"a": 1}}, {"levels": "three_star"},
    {"levels": [["three_star"]]}, {"levels": ["x"] * 5000}, {"stage": 5}, {"stage": ["signed"]},
    {"status": {"x": 1}}, {"issued_at_least": []}, {"what": ["hires"]}, {"what": None}, {"unknown": "x"},
    {"kind": "cloud", "levels": [1, 2]}, {"\x00": "\x00"},
]


@pytest.fixture
def economy(make_user):
    return make_user("economy")


@pytest.fixture
def leader(make_user):
    return make_user("leader")


def _common(metric):
    return {"name": "攻击目标", "year": 2030, "metric": metric, "target_value": "5", "direction": "at_least"}


@pytest.mark.parametrize("metric", [m.key for m in targets.metrics()])
def test_params_of_any_shape_are_refused_in_chinese_never_a_500(economy, api_for, metric):
    api = api_for(economy)
    for params in BAD_PARAMS:
        response = api.post(URL, {**_common(metric), "params": params}, format="json")
        if response.status_code == 201:  # a metric may take some of these as they are: then they read back
            Target.objects.filter(name="攻击目标").delete()
            continue
        assert response.status_code == 400, (metric, params, response.content[:300])
        message = json.dumps(response.json(), ensure_ascii=False)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), (metric, params)
    assert not Target.objects.filter(name="攻击目标", is_deleted=False).exists()


@pytest.mark.parametrize("metric", [m.key for m in targets.metrics()])
def test_the_form_fields_of_every_metric_take_junk_without_a_500(economy, client_for, metric):
    fields = {f"param_{name}": "\x00<b>" for name in targets.metric(metric).fields()}
    response = client_for(economy).post(reverse("core:target_add"), {**_common(metric), **fields})
    assert response.status_code in (200, 302), (metric, response.status_code)
    if response.status_code == 200:
        assert not Target.objects.filter(name="攻击目标").exists()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999", "-5", "", "x" * 100])
def test_a_target_value_out_of_reason_is_refused(economy, api_for, client_for, value):
    api = api_for(economy).post(URL, {**_common("investment.target_companies"), "target_value": value}, format="json")
    page = client_for(economy).post(reverse("core:target_add"),
                                    {**_common("investment.target_companies"), "target_value": value})
    assert api.status_code == 400 and page.status_code == 200
    assert not Target.objects.filter(name="攻击目标").exists()


def test_script_in_the_targets_texts_comes_out_escaped(economy, leader, client_for, capsys):
    target = Target.objects.create(name=SCRIPT, owner=SCRIPT, note=SCRIPT, start=date(2020, 1, 1),
                                   end=date(2099, 12, 31), metric="investment.target_companies",
                                   target_value=Decimal(100000))
    pages = [reverse("core:targets"), reverse("core:target_detail", args=[target.pk]),
             reverse("core:target_edit", args=[target.pk]), reverse("cockpit")]
    for url in pages:
        html = client_for(economy if "edit" in url else leader).get(url).content.decode()
        assert SCRIPT not in html, url
        assert "&lt;script&gt;" in html, url
    call_command("targets", "--year", str(date.today().year), "--json")
    assert any(row["name"] == SCRIPT for row in json.loads(capsys.readouterr().out))  # data, not markup


@pytest.mark.parametrize("role", ["admin", "security", "audit", "leader", "investment", "environment", "community",
                                  "grid", "department", "enterprise"])
def test_roles_that_may_not_write_targets_write_none(make_user, client_for, api_for, role):
    user = make_user(role)
    target = Target.objects.create(name="原目标", year=2030, metric="investment.target_companies",
                                   target_value=Decimal(30))
    page, api = client_for(user), api_for(user)
    assert page.post(reverse("core:target_add"), _common("investment.target_companies")).status_code in (302, 403)
    assert page.post(reverse("core:target_edit", args=[target.pk]),
                     {**_common("investment.target_companies"), "name": "改"}).status_code in (302, 403)
    assert api.post(URL, _common("investment.target_companies"), format="json").status_code in (401, 403)
    assert api.patch(f"{URL}{target.pk}/", {"name": "改"}, format="json").status_code in (401, 403, 404)
    assert api.delete(f"{URL}{target.pk}/").status_code in (401, 403, 404, 405)
    target.refresh_from_db()
    assert target.name == "原目标" and not target.is_deleted
    assert not Target.objects.filter(name__in=["攻击目标", "改"]).exists()
