import pytest
import yaml
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from openpark.enterprises.models import Enterprise
from tests.factories import PASSWORD, EnterpriseFactory, _uscc

ENTERPRISES = "/api/enterprises/enterprises/"


@pytest.fixture
def editor(make_user):
    return make_user("economy", username="api_editor")


def test_openapi_schema_validates(editor, client_for):
    response = client_for(editor).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert ENTERPRISES in schema["paths"] and "/api/core/grids/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_and_docs_need_login(client):
    assert client.get("/api/schema/").status_code in (401, 403)


def test_docs_are_served_without_internet(editor, client_for):
    html = client_for(editor).get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "http://" not in html and "https://" not in html  # no CDN


def test_token_login_and_use(editor):
    api = APIClient()
    response = api.post("/api/auth/token/", {"username": "api_editor", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get(ENTERPRISES).status_code == 200


def test_token_login_with_wrong_password_is_chinese(editor):
    response = APIClient().post("/api/auth/token/", {"username": "api_editor", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.json()["detail"]


def test_bad_token_is_401_in_chinese(db):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token deadbeef")
    response = api.get(ENTERPRISES)
    assert response.status_code == 401
    assert response.json() == {"detail": "令牌无效或已过期。", "code": "authentication_failed"}


def test_validation_errors_are_json_in_chinese_and_write_nothing(editor, api_for):
    response = api_for(editor).post(ENTERPRISES, {"uscc": "123", "name": "", "status": "operating"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"].startswith("提交的数据有误：")
    assert "18 位" in body["errors"]["uscc"][0]
    assert body["errors"]["name"] == ["该字段不能为空。"]
    assert not Enterprise.all_objects.exists()


def test_api_normalises_and_refuses_duplicates(editor, api_for):
    api = api_for(editor)
    code = _uscc(99)
    assert api.post(ENTERPRISES, {"uscc": f" {code.lower()} ", "name": "甲"}, format="json").status_code == 201
    assert Enterprise.objects.get().uscc == code
    response = api.post(ENTERPRISES, {"uscc": code, "name": "乙", "status": "operating"}, format="json")
    assert response.status_code == 400
    assert "已存在" in response.json()["errors"]["uscc"][0]


def test_api_pagination(editor, api_for):
    EnterpriseFactory.create_batch(7)
    data = api_for(editor).get(ENTERPRISES, {"page_size": 3, "page": 2}).json()
    assert data["count"] == 7 and len(data["results"]) == 3
    assert data["next"] and data["previous"]


def test_api_next_link_is_an_absolute_address_on_the_host_that_was_asked(editor, api_for, settings):
    """The README's example follows `next` as it comes: behind the proxy (Host and
    X-Forwarded-Proto passed on, as the README's nginx block does) it names the park's own address."""
    EnterpriseFactory.create_batch(3)
    api = api_for(editor)
    data = api.get(ENTERPRISES, {"page_size": 2}).json()
    assert data["next"] == "http://testserver/api/enterprises/enterprises/?page=2&page_size=2"
    assert [row["uscc"] for row in api.get(data["next"]).json()["results"]]

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["park.example.cn"]
    behind = api.get(ENTERPRISES, {"page_size": 2}, HTTP_HOST="park.example.cn:8443",
                     HTTP_X_FORWARDED_PROTO="https").json()
    assert behind["next"] == "https://park.example.cn:8443/api/enterprises/enterprises/?page=2&page_size=2"


def test_api_filters_match_the_page(editor, api_for):
    EnterpriseFactory(name="靖江恒通机械有限公司")
    EnterpriseFactory(name="靖江博瑞电子有限公司")
    data = api_for(editor).get(ENTERPRISES, {"q": "恒通"}).json()
    assert [r["name"] for r in data["results"]] == ["靖江恒通机械有限公司"]


def test_unknown_api_path_is_json_404(editor, client_for):
    response = client_for(editor).get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到。"


def test_unexpected_error_is_json_500_in_chinese(editor, api_for, monkeypatch):
    from openpark.core.registry import declared, viewset_for
    from openpark.enterprises.models import Enterprise

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(viewset_for(declared(Enterprise)), "get_queryset", broken)
    response = api_for(editor).get(ENTERPRISES)
    assert response.status_code == 500
    assert response.json()["detail"] == "服务器内部错误，请稍后重试或联系管理员。"


def test_reading_needs_view_permission(make_user, api_for):
    assert api_for(make_user("grid")).get(ENTERPRISES).status_code == 403
    assert api_for(make_user("grid")).get("/api/core/grids/").status_code == 200


def test_task_api_shows_own_runs_only(editor, make_user, api_for):
    from openpark.core.models import TaskRun

    mine = TaskRun.objects.create(name="t", label="我的任务", user=editor, total=4, current=1)
    TaskRun.objects.create(name="t", label="别人的任务", user=make_user())
    data = api_for(editor).get("/api/core/tasks/").json()
    assert [(r["label"], r["percent"]) for r in data["results"]] == [("我的任务", 25)]
    assert api_for(editor).get(f"/api/core/tasks/{mine.pk}/").json()["state"] == "pending"
