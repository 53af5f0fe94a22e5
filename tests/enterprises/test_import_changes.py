"""What a re-import of the enterprise sheet changes: counted exactly, shown field by field before →
after, related rows (规上 years, certificates, tags, contacts) included, and written as planned."""
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from openpark.core.models import ChangeRecord
from openpark.enterprises.importers import enterprise_importer
from openpark.enterprises.models import AboveScaleYear, Chain, Contact, Enterprise, Tag, Zone
from tests.sheets import confirm, latest_job, read_xlsx, upload, xlsx

from .helpers import code

ENTERPRISES = "enterprises.enterprise"
HEADER = ["统一社会信用代码", "企业名称", "成立日期", "经营状态", "所在片区", "规上年份", "标签", "联系人", "联系电话"]


@pytest.fixture
def zones(db):
    return [Zone.objects.create(name="道口经济区"), Zone.objects.create(name="城南片区")]


@pytest.fixture
def economy(make_user, client_for, zones):
    return client_for(make_user("economy", username="jingfa"))


def sheet(count: int) -> list[list]:
    rows = [HEADER]
    for n in range(count):
        rows.append([code(n), f"靖江{n:03d}机械有限公司", "2015-03-05", "在营", "道口经济区", "2020,2021", "工程机械",
                     f"联系人{n}", f"1381234{n:04d}"])
    return rows


def checked(client, rows):
    upload(client, ENTERPRISES, xlsx(rows))
    job = latest_job()
    assert job.state == "ready", job.errors
    return job


def imported(client, rows):
    job = checked(client, rows)
    confirm(client, job)
    job.refresh_from_db()
    assert job.state == "done"
    return job


def counts_of(summary: dict) -> dict:
    return {key: summary[key] for key in ("total", "create", "update", "restore", "unchanged", "delete")}


def test_a_file_of_300_rows_of_which_2_differ_updates_2_and_says_so_before_and_after(economy):
    imported(economy, sheet(300))
    rows = sheet(300)
    rows[8][HEADER.index("经营状态")] = "搬迁"
    rows[201][HEADER.index("所在片区")] = "城南片区"
    records = ChangeRecord.objects.count()

    job = checked(economy, rows)
    expected = {"total": 300, "create": 0, "update": 2, "restore": 0, "unchanged": 298, "delete": 0}
    assert counts_of(job.preview) == expected
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "检查通过：共 300 行：新建 0 行、更新 2 行、未变 298 行" in page
    assert "经营状态：在营 → 搬迁" in page and "所在片区：道口经济区 → 城南片区" in page
    assert [(c["row"], c["label"], c["action_label"]) for c in job.preview["changes"]] == [
        (9, f"靖江007机械有限公司（{code(7)}）", "更新"), (202, f"靖江200机械有限公司（{code(200)}）", "更新")]
    assert "靖江006机械有限公司" not in page  # unchanged rows are not listed
    assert job.preview["rows"] == [] and "新建的记录" not in page

    confirm(economy, job)
    job.refresh_from_db()
    assert job.result == expected
    assert "导入完成：新建 0 行、更新 2 行、未变 298 行" in economy.get(job.get_absolute_url()).content.decode()
    assert Enterprise.objects.get(uscc=code(7)).status == "relocated"
    assert Enterprise.objects.get(uscc=code(200)).zone.name == "城南片区"
    assert ChangeRecord.objects.count() == records + 2


def test_a_new_above_scale_year_or_a_changed_contact_alone_is_an_update(economy):
    imported(economy, sheet(3))
    rows = sheet(3)
    rows[1][HEADER.index("规上年份")] = "2020,2021,2022"
    rows[2][HEADER.index("联系人")] = "李强"
    rows[2][HEADER.index("联系电话")] = "13900000000"
    rows[3][HEADER.index("标签")] = "工程机械，专精特新"

    job = checked(economy, rows)
    assert counts_of(job.preview) == {"total": 3, "create": 0, "update": 3, "restore": 0, "unchanged": 0, "delete": 0}
    fields = {c["row"]: [f"{f['label']}：{f['before']} → {f['after']}" for f in c["fields"]]
              for c in job.preview["changes"]}
    assert fields == {
        2: ["规上年份：2020、2021 → 2020、2021、2022"],
        3: ["联系人：联系人1 → 李强", "联系电话：13812340001 → 13900000000"],
        4: ["标签：工程机械 → 工程机械、专精特新"],
    }
    confirm(economy, job)
    job.refresh_from_db()
    assert (job.result["update"], job.result["unchanged"]) == (3, 0)
    first, second, third = (Enterprise.objects.get(uscc=code(n)) for n in range(3))
    assert list(first.above_scale_years.values_list("year", flat=True)) == [2020, 2021, 2022]
    assert (second.contacts.get().name, second.contacts.get().phone) == ("李强", "13900000000")
    assert list(third.tags.values_list("name", flat=True)) == ["专精特新"]
    assert list(third.chains.values_list("name", flat=True)) == ["工程机械"]

    job = imported(economy, rows)  # the same file again changes nothing
    assert (job.result["update"], job.result["unchanged"]) == (0, 3)


def test_related_rows_removed_by_the_file_are_shown_and_removed(economy):
    imported(economy, sheet(1))
    rows = sheet(1)
    rows[1][HEADER.index("规上年份")] = "2021"
    rows[1][HEADER.index("标签")] = ""
    job = checked(economy, rows)
    assert [f"{f['label']}：{f['before']} → {f['after']}" for f in job.preview["changes"][0]["fields"]] == [
        "规上年份：2020、2021 → 2021", "标签：工程机械 → （空）"]
    confirm(economy, job)
    enterprise = Enterprise.objects.get()
    assert list(AboveScaleYear.objects.filter(enterprise=enterprise).values_list("year", flat=True)) == [2021]
    assert not enterprise.chains.exists() and Chain.objects.filter(name="工程机械").exists()
    assert not Tag.objects.filter(name="工程机械").exists()


def test_a_contact_phone_is_masked_for_a_user_who_may_not_see_it(make_user, client_for, zones):
    imported(client_for(make_user("economy")), sheet(1))
    clerk = make_user("industry")  # park-wide, without the right to see contacts' phones
    clerk.user_permissions.set(Permission.objects.filter(
        content_type__app_label="enterprises", codename__in=["add_enterprise", "change_enterprise", "view_enterprise"]))
    client = client_for(clerk)
    rows = sheet(1)
    rows[1][HEADER.index("联系电话")] = "13900000000"
    job = checked(client, rows)
    assert [f"{f['label']}：{f['before']} → {f['after']}" for f in job.preview["changes"][0]["fields"]] == [
        "联系电话：138****0000 → 139****0000"]


def test_the_first_changes_are_on_the_page_and_all_of_them_in_the_changes_report(economy):
    imported(economy, sheet(30))
    rows = sheet(32)
    for row in rows[1:26]:
        row[HEADER.index("成立日期")] = "2016-01-02"
    job = checked(economy, rows)
    assert counts_of(job.preview) == {"total": 32, "create": 2, "update": 25, "restore": 0, "unchanged": 5,
                                      "delete": 0}
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "将修改的记录（前 20 条，共 25 条）" in page and "成立日期：2015-03-05 → 2016-01-02" in page
    assert "新建的记录" in page and "靖江031机械有限公司" in page
    link = reverse("core:importjob_changes", args=[job.pk])
    assert link in page and "下载全部变更明细（xlsx）" in page

    report = read_xlsx(b"".join(economy.get(link).streaming_content))
    assert report[0] == ["工作表", "行号", "记录", "操作", "字段", "原值", "新值"]
    lines = report[1:]
    assert len(lines) == 27
    assert lines[0] == ["Sheet1", 2, f"靖江000机械有限公司（{code(0)}）", "更新", "成立日期", "2015-03-05", "2016-01-02"]
    assert [line[3] for line in lines].count("新建") == 2 and lines[-1][:3] == ["Sheet1", 33, f"靖江031机械有限公司（{code(31)}）"]


def test_a_file_that_changes_nothing_says_so_and_has_no_changes_report(economy):
    imported(economy, sheet(2))
    job = checked(economy, sheet(2))
    page = economy.get(job.get_absolute_url()).content.decode()
    assert "文件中的数据与现有数据相同，导入不会改变任何记录" in page and not job.changes_report
    assert economy.get(reverse("core:importjob_changes", args=[job.pk])).status_code == 404


def test_checking_a_file_costs_the_same_queries_for_30_rows_as_for_300(economy):
    imported(economy, sheet(300))

    def queries(count):
        rows = sheet(count)
        rows[1][HEADER.index("经营状态")] = "搬迁"
        with CaptureQueriesContext(connection) as captured:
            plan = enterprise_importer.plan(xlsx(rows), "企业.xlsx")
        assert plan.ok and plan.changes[0].fields
        return len(captured)

    assert queries(30) == queries(300)


def test_a_contact_column_the_file_lacks_is_left_alone(economy):
    rows = [HEADER[:8] + ["联系人职务"], sheet(1)[1][:8] + ["总经理"]]
    imported(economy, rows)
    rows = [row[:8] for row in rows]
    rows[1][HEADER.index("联系人")] = "李强"
    imported(economy, rows)
    contact = Contact.objects.get()
    assert (contact.name, contact.title, contact.phone) == ("李强", "总经理", "")


def test_writing_new_enterprises_and_their_related_rows_costs_the_same_queries_for_10_as_for_40(zones):
    def queries(first, count):
        rows = [HEADER + ["高新技术企业证书编号", "高新技术企业发证日期"]]
        rows += [row + [f"GR2020320{n:05d}", "2020-12-01"] for n, row in enumerate(sheet(first + count)[1 + first:], first)]
        with CaptureQueriesContext(connection) as captured:
            plan, result = enterprise_importer.apply(xlsx(rows), "企业.xlsx")
        assert result["create"] == count
        return len(captured)

    queries(0, 5)  # the first import also creates the tag and reads the content types
    assert queries(5, 10) == queries(15, 40)
    assert AboveScaleYear.objects.count() == 110 and Contact.objects.count() == 55


def certified(rows: list[list], issued_on: str = "2020-12-01") -> list[list]:
    return [rows[0] + ["高新技术企业证书编号", "高新技术企业发证日期"]] + [
        row + [f"GR2020320{n:05d}", issued_on] for n, row in enumerate(rows[1:])]


FIELDS = {"issued_on", "name", "tags", "enterprise"}  # the fields each record is checked on


def test_a_reimport_records_the_certificates_contacts_and_tag_links_it_changes(economy):
    imported(economy, certified(sheet(2)))
    rows = certified(sheet(2))
    rows[1][-1] = "2021-11-30"  # the certificate's date
    rows[1][HEADER.index("联系人")] = "李强"
    rows[1][HEADER.index("标签")] = "工程机械，专精特新"
    rows[1][HEADER.index("规上年份")] = "2021"
    before = ChangeRecord.objects.count()
    imported(economy, rows)

    enterprise = Enterprise.objects.get(uscc=code(0))
    new = list(ChangeRecord.objects.order_by("pk")[before:])
    changed = {(r.content_type.model, r.action, r.object_repr): [f for f in r.changed_fields() if f[0] in FIELDS]
               for r in new}
    tags = dict(Tag.objects.values_list("name", "pk"))
    assert changed == {
        ("hightechcertificate", "update", "GR202032000000"): [("issued_on", "2020-12-01", "2021-11-30")],
        ("contact", "update", "李强"): [("name", "联系人0", "李强")],
        ("tag", "create", "专精特新"): [("name", None, "专精特新")],
        ("enterprise", "update", enterprise.name): [("tags", [], [tags["专精特新"]])],  # 工程机械 is a chain
        ("abovescaleyear", "delete", f"{enterprise.name} 2020年规上"): [("enterprise", enterprise.pk, None)],
    }


def test_reimporting_changed_related_rows_costs_the_same_queries_for_5_as_for_20(economy):
    imported(economy, certified(sheet(40)))

    def queries(count, day):
        rows = certified(sheet(40), issued_on=f"2021-06-{day}")
        for row in rows[1:count + 1]:
            row[HEADER.index("联系人")] += f"（{day}）"
            row[HEADER.index("标签")] = f"工程机械，专精特新{day}"  # the chain kept, a tag changed
        with CaptureQueriesContext(connection) as captured:
            plan, result = enterprise_importer.apply(xlsx(rows), "企业.xlsx")
        assert result["update"] == 40
        return len(captured)

    queries(5, 10)  # the first re-import reads the content types
    assert queries(5, 20) == queries(20, 30)
