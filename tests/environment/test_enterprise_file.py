"""The enterprise environmental file (一企一档, environmental part): the rules of each record, the
permit's term, renewal date and status, the 环境档案 panel for each kind of user, the imports, the
permits due for renewal and the demo."""
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openpark.core.uscc import with_check_digit
from openpark.enterprises.models import ContractBinding, Enterprise, ServiceContract
from openpark.environment import enterprise_file as rules
from openpark.environment import services
from openpark.environment.demo import load_enterprise_files
from openpark.environment.importers import manifest_importer, permit_importer, rating_importer
from openpark.environment.models import (
    CompletionAcceptance, CreditRating, DischargePermit, EiaApproval, EmergencyPlan, EnvironmentalInspection,
    HazardousWasteManifest, OnlineMonitor, Penalty, TreatmentFacility,
)
from tests.factories import EnterpriseFactory, bind_enterprise
from tests.sheets import confirm, latest_job, upload, xlsx

TODAY = date(2026, 6, 1)
USCC = with_check_digit("91321282MA1XXXXXX")


def errors_of(record) -> dict:
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


def permit(enterprise, **fields) -> DischargePermit:
    values = {"number": f"{enterprise.uscc}001P", "category": "key", "issued_on": date(2024, 5, 1), **fields}
    return DischargePermit(enterprise=enterprise, **values)


# The rules without the database ------------------------------------------------------------------


def test_permit_number_is_the_holders_code_three_digits_and_a_letter():
    assert rules.check_permit_number(f" {USCC.lower()}001v ") == f"{USCC}001V"
    assert rules.check_permit_number(f"{USCC}００１Ｐ") == f"{USCC}001P"  # full-width as typed
    with pytest.raises(ValueError, match="应为 22 位"):
        rules.check_permit_number(f"{USCC}01P")
    with pytest.raises(ValueError, match="前 18 位应为持证单位的统一社会信用代码：.*校验位不正确"):
        rules.check_permit_number("91321282MA1XXXXXXP001V")  # the check character of the code is wrong
    with pytest.raises(ValueError, match="3 位数字顺序码"):
        rules.check_permit_number(f"{USCC}0A1P")
    with pytest.raises(ValueError, match="最后一位应为大写字母"):
        rules.check_permit_number(f"{USCC}0011")


def test_expiry_renewal_and_status_boundaries():
    assert rules.default_expiry(date(2024, 5, 1)) == date(2029, 5, 1)
    assert rules.default_expiry(date(2024, 2, 29)) == date(2029, 2, 28)
    expires = date(2026, 7, 31)
    assert rules.renewal_due(expires) == date(2026, 6, 1)
    status = {day: (rules.permit_status(expires, day), rules.permit_status_text(expires, day))
              for day in (date(2026, 5, 1), date(2026, 5, 2), date(2026, 6, 1), date(2026, 6, 2), expires,
                          expires + timedelta(days=1))}
    assert list(status.values()) == [
        ("valid", "有效"),  # the renewal date 31 days ahead
        ("expiring", "即将到期（30 天后需申请延续）"),
        ("expiring", "即将到期（今天须申请延续）"),  # exactly 60 days before expiry: renewal due today
        ("renewal_late", "已过延续申请期限（59 天后到期）"),  # the renewal date has passed: no longer 即将到期
        ("renewal_late", "已过延续申请期限（今天到期）"),  # valid through its expiry day
        ("expired", "已过期"),
    ]
    for day, (value, _) in status.items():  # the filter's ranges are the same rule
        first, last = rules.status_bounds(value, day)
        assert (first is None or first <= expires) and (last is None or expires <= last)
    assert rules.plan_revision_due(date(2024, 2, 29)) == date(2027, 2, 28)


@pytest.mark.parametrize("code, ok", [("HW08", True), ("hw49", True), ("ＨＷ０１", True), ("HW50", True),
                                      ("HW51", False), ("HW00", False), ("HW8", False), ("HW108", False),
                                      ("900-041-49", False)])
def test_waste_code_is_hw_and_two_digits_of_the_national_list(code, ok):
    if ok:
        assert rules.check_waste_code(code).startswith("HW")
    else:
        with pytest.raises(ValueError, match="HW01–HW50"):
            rules.check_waste_code(code)


@pytest.mark.parametrize("code, ok", [("DW001", True), ("da012", True), ("DX001", False), ("DW01", False),
                                      ("YS001", False)])
def test_outlet_code_follows_hj_608(code, ok):
    if ok:
        assert rules.check_outlet_code(code) == code.upper()
    else:
        with pytest.raises(ValueError, match="HJ 608-2017"):
            rules.check_outlet_code(code)


# The model rules, as every path runs them --------------------------------------------------------


@pytest.fixture
def two(db):
    return EnterpriseFactory(name="靖江甲化工有限公司"), EnterpriseFactory(name="靖江乙电镀有限公司")


def test_permit_number_must_be_the_enterprises_code(two):
    first, second = two
    assert "number" in errors_of(permit(first, number="91321282MA1XXXXXXP001V"))
    message = errors_of(permit(first, number=f"{second.uscc}001P"))["number"][0]
    assert message == f"排污许可证编号的前 18 位应为该企业的统一社会信用代码（{first.uscc}）。"
    good = permit(first, number=f"{first.uscc.lower()}001p")
    good.full_clean()
    assert good.number == f"{first.uscc}001P"


def test_permit_expiry_defaults_to_five_years_and_must_follow_issue(two):
    first, _ = two
    record = permit(first)
    record.full_clean()
    record.save()
    assert record.expires_on == date(2029, 5, 1) and record.renewal_due_on == date(2029, 3, 2)
    assert errors_of(permit(first, expires_on=date(2024, 5, 1)))["expires_on"] == ["有效期至须晚于发证日期。"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert errors_of(permit(first, issued_on=tomorrow))["issued_on"] == ["发证日期不能晚于今天。"]
    assert "number" in errors_of(permit(first))  # unique


def test_permit_status_filter_and_expiring_list_agree_with_the_rule(two):
    first, second = two
    today = TODAY
    # expired yesterday, expires today, renewal due today, renewal due in 30 days, valid
    days = {"a": -1, "b": 0, "c": 60, "d": 90, "e": 91}
    made = {}
    for serial, (name, offset) in enumerate(days.items(), start=1):
        enterprise = first if serial % 2 else second
        made[name] = DischargePermit.objects.create(
            enterprise=enterprise, number=f"{enterprise.uscc}{serial:03d}P", category="simplified",
            issued_on=date(2021, 1, 1), expires_on=today + timedelta(days=offset))
    for name, record in made.items():
        in_status = DischargePermit.objects.with_status(record.status_on(today), today)
        assert record in in_status, name
    assert {p.status_on(today) for p in made.values()} == {"expired", "renewal_late", "expiring", "valid"}
    assert list(services.permits_expiring(today)) == [made["a"], made["b"], made["c"], made["d"]]
    assert services.permit_counts_by_status(today) == {"valid": 1, "expiring": 2, "renewal_late": 1, "expired": 1}
    assert list(services.permits_expiring(today, DischargePermit.objects.filter(enterprise=second))) == [
        made["b"], made["d"]]


def test_acceptance_must_be_of_the_enterprises_own_eia_approval(two):
    first, second = two
    approval = EiaApproval.objects.create(enterprise=first, project_name="年产 5 万吨树脂项目",
                                          document_number="靖环审〔2020〕1号", authority="泰州市生态环境局",
                                          approved_on=date(2020, 3, 1), category="report")
    other = CompletionAcceptance(enterprise=second, eia_approval=approval, accepted_on=date(2021, 1, 1))
    assert errors_of(other)["eia_approval"] == ["所选环评批复不属于该企业。"]
    early = CompletionAcceptance(enterprise=first, eia_approval=approval, accepted_on=date(2020, 2, 1))
    assert errors_of(early)["accepted_on"] == ["验收日期不能早于环评批复日期。"]
    CompletionAcceptance(enterprise=first, eia_approval=approval, accepted_on=date(2021, 1, 1)).full_clean()
    CompletionAcceptance(enterprise=second, accepted_on=date(2021, 1, 1)).full_clean()  # no approval named


def test_penalty_must_follow_an_inspection_of_the_same_enterprise(two):
    first, second = two
    inspection = EnvironmentalInspection.objects.create(enterprise=first, inspected_on=date(2026, 1, 10),
                                                        agency="泰州市靖江生态环境局", result="problem", findings="台账不全")
    values = {"decision_number": "泰环罚〔2026〕1号", "decided_on": date(2026, 1, 20), "amount": Decimal("2.5"),
              "reason": "台账不全"}
    assert errors_of(Penalty(enterprise=second, inspection=inspection, **values))["inspection"] == [
        "所选执法检查不属于该企业。"]
    assert "amount" in errors_of(Penalty(enterprise=first, **{**values, "amount": Decimal("-1")}))
    Penalty(enterprise=first, inspection=inspection, **values).full_clean()
    silent = EnvironmentalInspection(enterprise=first, inspected_on=date(2026, 1, 10), agency="某局", result="problem")
    assert errors_of(silent)["findings"] == ["发现问题的检查须填写检查情况。"]


def test_manifest_monitor_and_plan_rules(two):
    first, _ = two
    manifest = HazardousWasteManifest(enterprise=first, number="m-1", waste_code="hw08", waste_name="废矿物油",
                                      quantity=Decimal("1.5"), receiver="靖江市危废处置中心",
                                      transferred_on=date(2026, 2, 1))
    manifest.full_clean()
    assert manifest.waste_code == "HW08"
    manifest.waste_code = "HW99"
    assert "HW01–HW50" in errors_of(manifest)["waste_code"][0]
    manifest.waste_code, manifest.quantity = "HW08", Decimal("-0.001")
    assert "quantity" in errors_of(manifest)
    monitor = OnlineMonitor(enterprise=first, outlet_code="dw001", parameters="化学需氧量")
    monitor.full_clean()
    assert monitor.outlet_code == "DW001"
    monitor.outlet_code = "W001"
    assert "HJ 608-2017" in errors_of(monitor)["outlet_code"][0]
    plan = EmergencyPlan(enterprise=first, filing_number="321282-2025-001-L", filed_on=date(2025, 1, 1),
                         risk_level="general")
    assert plan.revision_due_on == date(2028, 1, 1)
    TreatmentFacility.objects.create(enterprise=first, name="污水处理站", kind="wastewater")
    assert "__all__" in errors_of(TreatmentFacility(enterprise=first, name="污水处理站", kind="wastewater"))


def test_one_credit_rating_per_enterprise_and_year(two):
    first, second = two
    CreditRating.objects.create(enterprise=first, year=2025, rating="green")
    again = CreditRating(enterprise=first, year=2025, rating="blue")
    assert errors_of(again)["__all__"] == ["该企业这一年度已有环境信用评价。"]
    CreditRating(enterprise=first, year=2024, rating="blue").full_clean()
    CreditRating(enterprise=second, year=2025, rating="blue").full_clean()
    assert "year" in errors_of(CreditRating(enterprise=second, year=1989, rating="blue"))


# The 环境档案 panel and the lists, by kind of user -------------------------------------------------


@pytest.fixture
def files(two):
    """Each enterprise's file: a permit due for renewal and an EIA approval; the first also a rating."""
    first, second = two
    today = timezone.localdate()
    made = {}
    for enterprise in (first, second):
        made[enterprise.pk] = DischargePermit.objects.create(
            enterprise=enterprise, number=f"{enterprise.uscc}001P", category="key",
            issued_on=today - timedelta(days=5 * 365 - 30), expires_on=today + timedelta(days=30))
        EiaApproval.objects.create(enterprise=enterprise, project_name=f"{enterprise.name}新建项目",
                                   document_number=f"靖环审〔2020〕{enterprise.pk}号", authority="泰州市生态环境局",
                                   approved_on=date(2020, 3, 1), category="report_form")
    CreditRating.objects.create(enterprise=first, year=2025, rating="green")
    return made


def panel_html(page: str) -> str:
    start = page.index("环境档案")
    return page[start:start + 6000]


def test_environment_office_sees_every_file_with_add_links(make_user, client_for, two, files):
    first, second = two
    client = client_for(make_user("environment"))
    page = client.get(first.get_absolute_url()).content.decode()
    panel = panel_html(page)
    # 30 days before expiry, its renewal date (60 days before) has passed: not 即将到期.
    assert files[first.pk].number in panel and "已过延续申请期限（30 天后到期）" in panel and "即将到期" not in panel
    # The permit due is marked once, in its own row of the table: its number is not repeated above it.
    assert panel.count(files[first.pk].number) == 1 and "须办理延续 1 张" in panel
    assert f"<td>{files[first.pk].renewal_due_on}</td>" in panel
    assert (files[first.pk].expires_on - timedelta(days=60)).isoformat() in panel
    assert "最新环境信用评价：2025 年" in panel and "绿色" in panel
    assert f"{reverse('environment:eiaapproval_list')}?enterprise={first.pk}" in panel
    assert f"{reverse('environment:dischargepermit_add')}?enterprise={first.pk}" in panel
    assert files[second.pk].number not in panel
    assert client.get(files[second.pk].get_absolute_url()).status_code == 200
    EmergencyPlan.objects.create(enterprise=first, filing_number="321282-2022-001-L", filed_on=date(2022, 3, 1),
                                 risk_level="general")
    panel = panel_html(client.get(first.get_absolute_url()).content.decode())
    assert "2022-03-01</a>（修订期限 2025-03-01 <span class=\"tag status-alarm\">已到期</span>）" in panel


def test_enterprise_user_sees_its_own_file_only(make_user, client_for, api_for, two, files):
    first, second = two
    user = make_user("enterprise")
    bind_enterprise(user, first)
    client = client_for(user)
    panel = panel_html(client.get(first.get_absolute_url()).content.decode())
    assert files[first.pk].number in panel and "添加" not in panel and "登记排污许可证" not in panel
    assert client.get(second.get_absolute_url()).status_code == 404
    assert client.get(files[second.pk].get_absolute_url()).status_code == 404
    assert client.get(EiaApproval.objects.get(enterprise=second).get_absolute_url()).status_code == 404
    listed = client.get(reverse("environment:dischargepermit_list")).content.decode()
    assert files[first.pk].number in listed and files[second.pk].number not in listed
    numbers = [row["number"] for row in api_for(user).get("/api/environment/permits/").json()["results"]]
    assert numbers == [files[first.pk].number]


def test_steward_sees_the_enterprises_of_its_contract(make_user, client_for, api_for, two, files):
    first, second = two
    steward = make_user("steward")
    today = timezone.localdate()
    contract = ServiceContract.objects.create(number="HBGJ-1", contractor="某环保科技有限公司", service="环保管家",
                                              starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=300))
    contract.enterprises.set([second])
    ContractBinding.objects.create(user=steward, contract=contract)
    client = client_for(steward)
    panel = panel_html(client.get(second.get_absolute_url()).content.decode())
    assert files[second.pk].number in panel
    assert client.get(first.get_absolute_url()).status_code == 404
    assert client.get(files[first.pk].get_absolute_url()).status_code == 404
    ratings = api_for(steward).get("/api/environment/credit-ratings/").json()["results"]
    assert ratings == []  # only the first enterprise has one


def test_roles_without_the_environment_see_no_panel(make_user, client_for, two, files):
    first, _ = two
    page = client_for(make_user("investment")).get(first.get_absolute_url()).content.decode()
    assert "环境档案" not in page and files[first.pk].number not in page


def test_lists_and_api_filter_by_status_enterprise_and_year(make_user, client_for, api_for, two, files):
    first, second = two
    user = make_user("environment")
    client = client_for(user)
    old = DischargePermit.objects.create(enterprise=first, number=f"{first.uscc}002P", category="simplified",
                                         issued_on=date(2015, 1, 1))
    due = client.get(reverse("environment:dischargepermit_list") + "?status=renewal_due").content.decode()
    assert files[first.pk].number in due and old.number in due
    valid = client.get(reverse("environment:dischargepermit_list") + "?status=expired").content.decode()
    assert old.number in valid and files[first.pk].number not in valid
    api = api_for(user)
    numbers = {r["number"] for r in api.get(f"/api/environment/permits/?status=renewal_late&enterprise={second.pk}")
               .json()["results"]}
    assert numbers == {files[second.pk].number}
    assert api.get("/api/environment/permits/?year=2020").json()["results"][0]["number"] == old.number
    record = api.get(f"/api/environment/permits/{files[first.pk].pk}/").json()
    assert record["status"] == "已过延续申请期限（30 天后到期）" and record["renewal_due_on"] == str(files[first.pk].renewal_due_on)
    assert api.get("/api/environment/eia-approvals/?year=2020").json()["count"] == 2
    assert api.get("/api/environment/credit-ratings/?year=2024").json()["count"] == 0


def test_api_runs_the_model_rules(make_user, api_for, two):
    first, second = two
    api = api_for(make_user("environment"))
    body = {"enterprise": first.pk, "number": f"{second.uscc}001P", "category": "key", "issued_on": "2024-05-01"}
    refused = api.post("/api/environment/permits/", body, format="json")
    assert refused.status_code == 400 and "统一社会信用代码" in str(refused.json())
    created = api.post("/api/environment/permits/", {**body, "number": f"{first.uscc}001P"}, format="json")
    assert created.status_code == 201 and created.json()["expires_on"] == "2029-05-01"


def test_pages_run_the_model_rules(make_user, client_for, two):
    first, second = two
    client = client_for(make_user("environment"))
    added = client.post(reverse("environment:dischargepermit_add"), {
        "enterprise": first.pk, "number": f"{first.uscc}001P", "category": "simplified", "issued_on": "2024-05-01",
        "expires_on": ""})
    assert added.status_code == 302
    assert DischargePermit.objects.get(enterprise=first).expires_on == date(2029, 5, 1)
    approval = EiaApproval.objects.create(enterprise=first, project_name="新建项目", document_number="靖环审〔2020〕9号",
                                          authority="泰州市生态环境局", approved_on=date(2020, 3, 1), category="report")
    refused = client.post(reverse("environment:completionacceptance_add"), {
        "enterprise": second.pk, "eia_approval": approval.pk, "accepted_on": "2021-01-01", "kind": "self"})
    assert refused.status_code == 200 and "所选环评批复不属于该企业。" in refused.content.decode()
    assert not CompletionAcceptance.objects.exists()


def test_dashboard_lists_the_permits_due(make_user, client_for, files):
    page = client_for(make_user("environment")).get(reverse("environment:dashboard")).content.decode()
    assert "须办理延续（30 天内须申请延续、已过延续申请期限或已过期）" in page and "2 张" in page
    assert page.count("已过延续申请期限（30 天后到期）") == 2 and "即将到期（" not in page
    for record in files.values():
        assert record.number in page


# Imports ---------------------------------------------------------------------------------------


def test_permit_manifest_and_rating_sheets_import(make_user, client_for, two):
    first, second = two
    client = client_for(make_user("environment"))
    rows = [["许可证编号", "企业统一社会信用代码", "企业名称", "管理类别", "发证日期", "有效期至"],
            [f"{first.uscc}001P", first.uscc, "", "重点管理", "2024-05-01", ""],
            [f"{second.uscc}001W", "", second.name, "登记管理", "2023-01-01", "2028-01-01"]]
    upload(client, "environment.dischargepermit", xlsx(rows), "许可证.xlsx")
    confirm(client, latest_job())
    assert latest_job().state == "done"
    assert DischargePermit.objects.get(enterprise=first).expires_on == date(2029, 5, 1)
    assert DischargePermit.objects.get(enterprise=second).category == "registration_only"

    manifests = [["联单编号", "企业名称", "废物类别", "废物名称", "转移量（千克）", "接收单位", "转移日期"],
                 ["32128220260001", first.name, "hw08", "废矿物油", 1250, "靖江市危废处置中心", "2026-02-01"],
                 ["32128220260002", second.name, "HW17", "含镍污泥", 800, "靖江市危废处置中心", "2026-02-03"]]
    plan, counts = manifest_importer.apply(xlsx(manifests), "联单.xlsx")
    assert counts and counts["create"] == 2, plan.errors
    assert HazardousWasteManifest.objects.get(number="32128220260001").quantity == Decimal("1.250")

    ratings = [["企业统一社会信用代码", "企业名称", "评价年度", "信用等级"],
               [first.uscc, "", 2024, "绿色"], [second.uscc, "", 2024, "黄色"], [first.uscc, "", 2025, "蓝色"]]
    plan, counts = rating_importer.apply(xlsx(ratings), "评价.xlsx")
    assert counts and counts["create"] == 3, plan.errors
    ratings[1][3] = "红色"
    plan, counts = rating_importer.apply(xlsx(ratings), "评价.xlsx")
    assert counts["update"] == 1 and CreditRating.objects.get(enterprise=first, year=2024).rating == "red"

    exported = client.get(reverse("environment:dischargepermit_list") + "?export=xlsx")
    assert exported.status_code == 200
    plan, counts = permit_importer.apply(exported.content, "导出.xlsx")  # an export imports back unchanged
    assert counts and counts["unchanged"] == 2, plan.errors


def test_a_bad_file_writes_nothing(two):
    first, second = two
    rows = [["许可证编号", "企业统一社会信用代码", "企业名称", "管理类别", "发证日期", "有效期至"],
            [f"{first.uscc}001P", first.uscc, "", "重点管理", "2024-05-01", ""],  # good
            [f"{first.uscc}002P", "", "没有这家企业", "重点管理", "2024-05-01", ""],
            [f"{first.uscc}003P", second.uscc, "", "简化管理", "2024-05-01", ""],  # another's code
            [f"{first.uscc}004P", first.uscc, "", "简化管理", "2024-05-01", "2024-04-01"]]
    plan, counts = permit_importer.apply(xlsx(rows), "许可证.xlsx")
    assert counts is None and not DischargePermit.objects.exists()
    reasons = {(e.row, e.column): e.reason for e in plan.errors}
    assert reasons[(3, "企业名称")].startswith("园区企业中没有这个名称的企业")
    assert "该企业的统一社会信用代码" in reasons[(4, "许可证编号")]
    assert reasons[(5, "有效期至")] == "有效期至须晚于发证日期。"
    manifests = [["联单编号", "企业统一社会信用代码", "废物类别", "废物名称", "转移量（吨）", "接收单位", "转移日期"],
                 ["1", first.uscc, "HW08", "废矿物油", 1, "某单位", "2026-02-01"],
                 ["2", first.uscc, "HW88", "废矿物油", -1, "某单位", "2026-02-01"]]
    plan, counts = manifest_importer.apply(xlsx(manifests), "联单.xlsx")
    assert counts is None and not HazardousWasteManifest.objects.exists()
    assert {e.column for e in plan.errors} >= {"废物类别", "转移量（吨）"}
    ratings = [["企业统一社会信用代码", "评价年度", "信用等级"], [first.uscc, 2024, "绿色"], [first.uscc, 2024, "蓝色"]]
    plan, counts = rating_importer.apply(xlsx(ratings), "评价.xlsx")
    assert counts is None and not CreditRating.objects.exists() and "重复" in plan.errors[0].reason


def test_a_steward_imports_only_for_the_enterprises_it_serves(make_user, two):
    from openpark.core.context import acting_as

    first, second = two
    steward = make_user("steward")
    today = timezone.localdate()
    contract = ServiceContract.objects.create(number="HBGJ-2", contractor="某环保科技有限公司", service="环保管家",
                                              starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=300))
    contract.enterprises.set([first])
    ContractBinding.objects.create(user=steward, contract=contract)
    theirs = HazardousWasteManifest.objects.create(
        enterprise=second, number="9", waste_code="HW08", waste_name="废矿物油", quantity=Decimal("1"),
        receiver="某单位", transferred_on=date(2026, 1, 5))
    header = ["联单编号", "企业统一社会信用代码", "废物类别", "废物名称", "转移量（吨）", "接收单位", "转移日期"]
    with acting_as(steward):
        plan, counts = manifest_importer.apply(xlsx([header, ["1", second.uscc, "HW08", "废矿物油", 1, "某单位",
                                                              "2026-02-01"]]), "联单.xlsx")
        assert counts is None and "不在您的服务或绑定范围内" in plan.errors[0].reason
        plan, counts = manifest_importer.apply(xlsx([header, ["9", first.uscc, "HW08", "废矿物油", 2, "某单位",
                                                              "2026-02-01"]]), "联单.xlsx")
        assert counts is None and "范围以外的企业" in plan.errors[0].reason
        plan, counts = manifest_importer.apply(xlsx([header, ["1", first.uscc, "HW08", "废矿物油", 1, "某单位",
                                                              "2026-02-01"]]), "联单.xlsx")
        assert counts and counts["create"] == 1, plan.errors
    theirs.refresh_from_db()
    assert theirs.enterprise == second and theirs.quantity == Decimal("1")


# The demo --------------------------------------------------------------------------------------


def test_demo_files(db):
    trades = ("2614", "3360", "3670", "3819")  # half of them chemicals or surface treatment: key-managed
    Enterprise.objects.bulk_create([Enterprise(uscc=with_check_digit(f"91321282MA{n:07d}"), name=f"演示企业{n}",
                                               industry_id=trades[n % 4]) for n in range(45)])
    out = io.StringIO()
    load_enterprise_files(out)
    today = timezone.localdate()
    assert DischargePermit.objects.values("enterprise").distinct().count() == 40
    served = Enterprise.objects.order_by("uscc")[:10]  # the demo enterprise user's and the demo steward's
    assert DischargePermit.objects.filter(enterprise__in=served).count() == 10
    assert services.permits_expiring(today).count() == 5
    assert DischargePermit.objects.with_status("expired", today).count() == 1
    assert DischargePermit.objects.with_status("expiring", today).count() == 2
    assert 200 <= HazardousWasteManifest.objects.count() <= 400
    assert Penalty.objects.count() == 2
    assert set(CreditRating.objects.values_list("year", flat=True)) == {today.year - 2, today.year - 1}
    assert CreditRating.objects.count() == 80
    for model in (EiaApproval, CompletionAcceptance, TreatmentFacility, OnlineMonitor, EmergencyPlan,
                  EnvironmentalInspection):
        assert model.objects.exists(), model
    for model in (DischargePermit, CompletionAcceptance, OnlineMonitor, HazardousWasteManifest, Penalty):
        for record in model.objects.all():  # the demo keeps the rules
            record.full_clean()
    assert "排污许可证 40 张（须办理延续 5 张）" in out.getvalue()
    load_enterprise_files(out)  # loading again creates nothing
    assert DischargePermit.objects.count() == 40 and "未重复生成" in out.getvalue()


def test_a_renewal_applied_for_leaves_the_renewal_reminders(make_user, client_for, api_for):
    """Staff record on the permit that its renewal was applied for (and when): it leaves the
    reminders and the 须办理延续 list, the one 状态 filter lists it as 已申请延续, the history keeps
    the change; a date before the permit's issue or after today is refused."""
    from openpark.core.models import ChangeRecord

    company = EnterpriseFactory()
    today = timezone.localdate()
    record = permit(company, issued_on=today - timedelta(days=5 * 365 - 40), expires_on=today + timedelta(days=40))
    record.full_clean()
    record.save()
    assert list(services.permits_expiring(today)) == [record]
    user = make_user("environment")
    client = client_for(user)
    edit = reverse("environment:dischargepermit_edit", args=[record.pk])
    form = {"enterprise": company.pk, "number": record.number, "category": "key", "issued_on": str(record.issued_on),
            "expires_on": str(record.expires_on), "note": ""}
    for bad, message in ((record.issued_on - timedelta(days=1), "已申请延续日期不能早于发证日期。"),
                         (today + timedelta(days=1), "已申请延续日期不能晚于今天。")):
        response = client.post(edit, {**form, "renewal_applied_on": str(bad)})
        assert response.status_code == 200 and message in response.content.decode()
    record.refresh_from_db()
    assert record.renewal_applied_on is None
    assert client.post(edit, {**form, "renewal_applied_on": str(today)}).status_code == 302
    record.refresh_from_db()
    assert record.renewal_applied and list(services.permits_expiring(today)) == []
    assert "申请延续）" in record.status
    listed = reverse("environment:dischargepermit_list")
    assert record.number in client.get(listed, {"status": "renewal_applied"}).content.decode()
    for status in ("renewal_due", "renewal_late"):
        assert record.number not in client.get(listed, {"status": status}).content.decode()
    change = ChangeRecord.objects.filter(object_id=str(record.pk), action="update").latest("time")
    assert "renewal_applied_on" in (change.after or {}) and change.user == user
    assert "已申请延续日期" in client.get(record.get_absolute_url()).content.decode()
    page = client.get(listed).content.decode()
    assert 'name="renewal_due"' not in page and "已申请延续" in page


@pytest.mark.parametrize("listed", [10, 2])  # all of them listed (counted from the rows), or the first two
def test_the_file_lists_the_enterprise_s_problems_and_inspections(make_user, client_for, two, files, listed,
                                                                  monkeypatch):
    """环境档案 lists the enterprise's environment problems (state, deadline, overdue marked, open ones
    first) and the steward's inspections, not another enterprise's."""
    from openpark.environment.models import EnvironmentProblem, StewardInspection

    first, second = two
    today = timezone.localdate()
    contract = ServiceContract.objects.create(number="HBGJ-1", contractor="某环保科技有限公司", service="环保管家",
                                              starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=300))
    contract.enterprises.set([first, second])
    inspection = StewardInspection.objects.create(contract=contract, enterprise=first, inspectors="李工、王工",
                                                  inspected_on=today - timedelta(days=40))
    StewardInspection.objects.create(contract=contract, enterprise=second, inspectors="赵工",
                                     inspected_on=today - timedelta(days=30))

    def problem(enterprise, text, deadline, state="assigned"):
        made = EnvironmentProblem.objects.create(
            source="steward", inspection=inspection if enterprise == first else None, enterprise=enterprise,
            category="enterprise", description=text, found_on=today - timedelta(days=40), deadline=deadline,
            responsible_unit=enterprise.name)
        EnvironmentProblem.objects.filter(pk=made.pk).update(state=state)
        return made

    problem(first, "雨水排口未设置截止阀", today - timedelta(days=20))
    problem(first, "危废贮存库标识不全", today - timedelta(days=25), state="closed")
    problem(first, "废气收集罩破损", today + timedelta(days=10))
    problem(second, "另一家企业的问题", today - timedelta(days=5))
    monkeypatch.setattr("openpark.environment.views.FILE_PROBLEMS", listed)
    panel = panel_html(client_for(make_user("environment")).get(first.get_absolute_url()).content.decode())
    problems = panel[panel.index('id="file-problems"'):panel.index("</table>", panel.index('id="file-problems"'))]
    rows = problems.split("<tr")[2:]
    assert len(rows) == min(listed, 3)
    assert "雨水排口未设置截止阀" in rows[0] and "废气收集罩破损" in rows[1]
    assert "已交办" in rows[0] and f"{today - timedelta(days=20)} <span class=\"tag status-alarm\">逾期</span>" in rows[0]
    assert "逾期" not in rows[1]
    if listed > 2:
        assert "危废贮存库标识不全" in rows[2] and "已销号" in rows[2] and "逾期" not in rows[2]
    else:
        assert "全部 3 个环境问题" in panel
    assert "另一家企业的问题" not in panel
    assert "共 3 个，未整改完成 2 个" in panel and "逾期 1 个" in panel
    assert f"{reverse('environment:environmentproblem_list')}?enterprise={first.pk}" in panel
    inspections = panel[panel.index('id="file-inspections"'):]
    assert f"{today - timedelta(days=40)}</a>" in inspections and "李工、王工" in inspections
    assert "某环保科技有限公司" in inspections and "赵工" not in inspections
    assert "<td class=\"num\">3 个</td>" in inspections  # the three problems it found
    # A role that does not see problems or inspections sees neither part.
    page = client_for(make_user("investment")).get(first.get_absolute_url()).content.decode()
    assert "雨水排口未设置截止阀" not in page and "file-inspections" not in page
