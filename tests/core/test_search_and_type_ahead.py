"""The global search and the type-ahead come from the declarations: every kind of record a user
may see, by its declared fields, within the user's scope; no form lists every row."""
from decimal import Decimal as D

from django.urls import reverse

from openpark.enterprises.models import Chain, FormerName
from openpark.investment.models import Project
from tests.factories import EnterpriseFactory, bind_enterprise


def groups(response):
    return {group["title"]: [str(row) for row in group["rows"]] for group in response.context["groups"]}


def test_the_search_finds_enterprises_by_name_former_name_and_code_and_projects(make_user, client_for):
    mine = EnterpriseFactory(name="靖江精工机械有限公司")
    FormerName.objects.create(enterprise=mine, name="靖江老厂")
    Project.objects.create(name="精工扩产项目", investor="精工", chain=Chain.objects.first(), total_investment=D(100))
    client = client_for(make_user("economy"))
    assert groups(client.get(reverse("core:search"), {"q": "精工"})) == {
        "企业": ["靖江精工机械有限公司"], "招商项目": ["精工扩产项目"]}
    assert groups(client.get(reverse("core:search"), {"q": "老厂"}))["企业"] == ["靖江精工机械有限公司"]
    assert groups(client.get(reverse("core:search"), {"q": mine.uscc[-6:]}))["企业"] == ["靖江精工机械有限公司"]
    assert "没有找到" in client.get(reverse("core:search"), {"q": "不存在的名字"}).content.decode()


def test_the_search_keeps_to_the_users_scope(make_user, client_for, api_for):
    mine, other = EnterpriseFactory(name="甲精工有限公司"), EnterpriseFactory(name="乙精工有限公司")
    user = make_user("enterprise")
    bind_enterprise(user, mine)
    assert groups(client_for(user).get(reverse("core:search"), {"q": "精工"}))["企业"] == ["甲精工有限公司"]
    results = api_for(user).get("/api/core/search/", {"q": "精工"}).json()["results"]
    assert [item["text"] for group in results for item in group["items"]] == ["甲精工有限公司"]
    assert "乙精工" not in str(results) and other.pk


def test_the_type_ahead_answers_within_scope_and_permission(make_user, client_for):
    mine, _ = EnterpriseFactory(name="甲精工有限公司"), EnterpriseFactory(name="乙精工有限公司")
    url = reverse("core:autocomplete", args=["enterprises.enterprise"])
    park = client_for(make_user("economy")).get(url, {"q": "精工"}).json()
    assert sorted(row["text"] for row in park["results"]) == ["乙精工有限公司", "甲精工有限公司"]
    user = make_user("enterprise")
    bind_enterprise(user, mine)
    assert [row["text"] for row in client_for(user).get(url, {"q": "精工"}).json()["results"]] == ["甲精工有限公司"]
    assert client_for(make_user("grid")).get(url).status_code == 403
    assert client_for(make_user("economy")).get(reverse("core:autocomplete", args=["core.user"])).status_code == 404
    assert client_for(make_user("economy")).get(reverse("core:autocomplete", args=["no.such"])).status_code == 404


def test_a_form_lists_only_the_chosen_enterprise_not_every_one(make_user, client_for):
    from openpark.enterprises.models import Contact

    enterprises = EnterpriseFactory.create_batch(30)
    contact = Contact.objects.create(enterprise=enterprises[5], name="王经理")
    client = client_for(make_user("economy"))
    html = client.get(reverse("enterprises:contact_edit", args=[contact.pk])).content.decode()
    select = html.split('name="enterprise"')[1].split("</select>")[0]
    assert 'data-autocomplete="/core/autocomplete/enterprises.enterprise/"' in html
    assert select.count("<option") == 1 and enterprises[5].name in select
    response = client.post(reverse("enterprises:contact_edit", args=[contact.pk]),
                           {"enterprise": enterprises[7].pk, "name": "王经理", "title": "", "phone": ""})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.enterprise == enterprises[7]


def test_control_characters_in_a_search_are_dropped_not_sent_to_the_database(make_user, client_for):
    EnterpriseFactory(name="精工ab机械")
    client = client_for(make_user("economy"))
    page = client.get(reverse("core:search"), {"q": "a\x00b"})
    assert page.status_code == 200 and page.context["text"] == "ab"
    assert any("精工ab机械" in rows for rows in groups(page).values())
    api = client.get("/api/core/search/", {"q": "a\x00b"}).json()
    assert [item["text"] for group in api["results"] for item in group["items"]] == ["精工ab机械"]
    typed = client.get(reverse("core:autocomplete", args=["enterprises.enterprise"]), {"q": "\x00ab\x07"})
    assert [row["text"] for row in typed.json()["results"]] == ["精工ab机械"]
