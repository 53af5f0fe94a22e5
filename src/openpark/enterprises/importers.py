"""Column maps of the enterprise file (企业名录) and the land ledger (土地台账)."""
import re

from django.utils import timezone

from openpark.core import bulk, imports
from openpark.core.changes import record_created
from openpark.core.importing import CellError, Column, ColumnHint, ImportSpec
from openpark.core.masking import is_masked, visible_value

from .choices import EnterpriseStatus, LandRight, LandUse
from .industry import normalise_industry_code
from .models import (
    AboveScaleYear, Contact, Enterprise, FormerName, HighTechCertificate, Industry, LandParcel, SubPark,
    Tag, Zone,
)

LIST_SEPARATORS = re.compile(r"[;；,，、\s]+")


def choices_of(text_choices) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in text_choices.choices)


def split_list(text: str | None) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(text or "") if part]


# Where values that other sheets of the park take belong, for the sheets that do not take them.
LAND_AREA_HINT = ColumnHint(
    ("用地面积", "占地面积", "土地面积", "宗地面积", "用地", "占地"),
    "用地面积请在土地台账中导入（一企一档 → 土地台账 → 批量导入），企业的用地面积由其地块计算",
    importer="enterprises.landparcel",
)
ECONOMY_HINT = ColumnHint(
    ("营业收入", "主营业务收入", "销售收入", "工业总产值", "总产值", "工业产值", "产值", "实缴税收", "税收", "纳税总额",
     "利润", "利润总额", "利税", "用电量", "综合能耗", "能耗", "工业增加值", "固定资产投资", "研发经费", "R&D经费",
     "从业人员", "年平均职工人数", "职工人数", "出口额"),
    "经济指标请在企业指标数据中导入（经济运行 → 企业指标数据 → 批量导入）",
    importer="economy.fact",
)

ENTERPRISE_SPEC = ImportSpec(
    name="enterprises.enterprise",
    title="企业名录",
    key="uscc",
    hints=(LAND_AREA_HINT, ECONOMY_HINT),
    columns=(
        Column("uscc", "统一社会信用代码", kind="uscc", required=True,
               synonyms=("社会信用代码", "信用代码", "纳税人识别号", "企业代码")),
        Column("name", "企业名称", required=True, max_length=200,
               synonyms=("单位名称", "纳税人名称", "企业（单位）名称", "名称")),
        Column("registered_on", "成立日期", kind="date", synonyms=("注册日期", "登记日期", "成立时间")),
        Column("status", "经营状态", kind="choice", choices=choices_of(EnterpriseStatus),
               synonyms=("状态", "登记状态")),
        Column("industry", "行业代码", kind="code", synonyms=("国民经济行业代码", "国民经济行业", "行业")),
        Column("zone", "所在片区", max_length=100, synonyms=("片区",)),
        Column("subpark", "所在园中园", max_length=100, synonyms=("园中园",)),
        Column("address", "地址", max_length=200, synonyms=("注册地址", "经营地址", "企业地址")),
        Column("longitude", "经度", kind="decimal", decimal_places=6),
        Column("latitude", "纬度", kind="decimal", decimal_places=6),
        Column("production_started_on", "投产日期", kind="date", synonyms=("投产时间",)),
        Column("linked_leader", "挂钩领导", max_length=50),
        Column("linked_department", "挂钩部门", max_length=100),
        Column("above_scale_years", "规上年份", synonyms=("规上年度",)),
        Column("high_tech_number", "高新技术企业证书编号", kind="code", max_length=40,
               synonyms=("高企证书编号", "高新证书编号")),
        Column("high_tech_issued_on", "高新技术企业发证日期", kind="date",
               synonyms=("高企发证日期", "高新证书发证日期")),
        Column("tags", "标签", synonyms=("企业标签",)),
        Column("contact_name", "联系人", max_length=50),
        Column("contact_title", "联系人职务", max_length=50, synonyms=("职务",)),
        Column("contact_phone", "联系电话", max_length=30, synonyms=("联系人电话", "手机", "电话")),
    ),
)

DIRECT_FIELDS = (
    "uscc", "name", "registered_on", "status", "address", "longitude", "latitude",
    "production_started_on", "linked_leader", "linked_department",
)
BLANK_TEXT = {"address", "linked_leader", "linked_department"}


class EnterpriseImporter(imports.ModelImporter):
    spec = ENTERPRISE_SPEC
    model = Enterprise
    key_field = "uscc"

    def resolve(self, rows):
        industries = set(Industry.objects.values_list("code", flat=True))
        zones = dict(Zone.objects.values_list("name", "pk"))
        subparks = {name: (pk, zone) for name, pk, zone in SubPark.objects.values_list("name", "pk", "zone_id")}
        errors = []
        for row in rows:
            errors += self._resolve_row(row, industries, zones, subparks)
        return errors

    def _resolve_row(self, row, industries, zones, subparks) -> list[CellError]:
        values, errors = row.values, []

        def fail(label, value, reason):
            errors.append(CellError(row.sheet, row.row, label, value, reason))

        if values.get("industry"):
            code = normalise_industry_code(values["industry"])
            if code in industries:
                values["industry_id"] = code
            else:
                fail("行业代码", values["industry"], f"“{values['industry']}”不是 GB/T 4754-2017 中的行业代码")
        elif "industry" in values:
            values["industry_id"] = None
        if "zone" in values:
            values["zone_id"] = zones.get(values["zone"]) if values["zone"] else None
            if values["zone"] and values["zone_id"] is None:
                fail("所在片区", values["zone"], f"没有名为“{values['zone']}”的片区（可选：{'、'.join(zones)}）")
        if "subpark" in values:
            found = subparks.get(values["subpark"]) if values["subpark"] else None
            values["subpark_id"] = found[0] if found else None
            if values["subpark"] and not found:
                fail("所在园中园", values["subpark"], f"没有名为“{values['subpark']}”的园中园")
            elif found and values.get("zone_id") and found[1] not in (None, values["zone_id"]):
                fail("所在园中园", values["subpark"], "园中园不在所填片区内")
        if "above_scale_years" in values:
            years = split_list(values["above_scale_years"])
            if all(y.isdigit() and 1990 <= int(y) <= 2100 for y in years):
                values["above_scale_years"] = sorted({int(y) for y in years})
            else:
                fail("规上年份", values["above_scale_years"], "应为年份，多个年份用逗号分隔，如 2020,2021")
        if values.get("high_tech_number") and not values.get("high_tech_issued_on"):
            fail("高新技术企业发证日期", "", "填写了高新技术企业证书编号，须同时填写发证日期")
        if (values.get("longitude") is None) != (values.get("latitude") is None) and (
            "longitude" in values or "latitude" in values
        ):
            fail("经度", values.get("longitude"), "经度和纬度须同时填写或同时留空")
        return errors

    def assign(self, instance, values):
        if instance.pk and values.get("name") and values["name"] != instance.name:
            instance._former_name = instance.name
        for name in DIRECT_FIELDS:
            if name in values:
                value = values[name]
                if value is None and name in BLANK_TEXT:
                    value = ""
                if value is None and name == "status":
                    value = EnterpriseStatus.OPERATING
                setattr(instance, name, value)
        for name in ("industry_id", "zone_id", "subpark_id"):
            if name in values:
                setattr(instance, name, values[name])

    def write_related(self, plan, by_key):
        rows, present = plan.rows, {c.field for c in plan.columns}
        today = timezone.localdate()
        renamed = [e for e in by_key.values() if getattr(e, "_former_name", None)]
        if renamed:
            names = [FormerName(enterprise=e, name=e._former_name, used_until=today) for e in renamed]
            bulk.insert_instances(FormerName, names)
            record_created(names)
        # Only enterprises that were there before this import can have related rows to compare.
        known = [by_key[key].pk for key in plan.existing if key in by_key]
        if "above_scale_years" in present:
            self._write_years(rows, by_key, known)
        if "high_tech_number" in present:
            self._write_certificates(rows, by_key)
        if "tags" in present:
            self._write_tags(rows, by_key, known)
        if "contact_name" in present:
            self._write_contacts(rows, by_key, known)

    def _write_years(self, rows, by_key, known):
        wanted = {(by_key[r.values["uscc"]].pk, y) for r in rows for y in r.values.get("above_scale_years") or []}
        have = {
            (enterprise_id, year): pk
            for chunk in imports.chunks(known)
            for pk, enterprise_id, year in AboveScaleYear.objects.filter(enterprise_id__in=chunk)
            .values_list("pk", "enterprise_id", "year")
        }
        stale = [pk for key, pk in have.items() if key not in wanted]
        for chunk in imports.chunks(stale):
            AboveScaleYear.objects.filter(pk__in=chunk).delete()
        by_pk = {e.pk: e for e in by_key.values()}  # instances, so that naming a row fetches nothing
        created = [AboveScaleYear(enterprise=by_pk[e], year=y) for e, y in sorted(wanted - set(have))]
        bulk.insert_instances(AboveScaleYear, created)
        record_created(created)

    def _write_certificates(self, rows, by_key):
        wanted = {
            r.values["high_tech_number"]: (by_key[r.values["uscc"]].pk, r.values["high_tech_issued_on"])
            for r in rows if r.values.get("high_tech_number")
        }
        existing = {
            c.number: c for chunk in imports.chunks(list(wanted))
            for c in HighTechCertificate.objects.filter(number__in=chunk)
        }
        creates, updates = [], []
        for number, (enterprise_id, issued_on) in wanted.items():
            certificate = existing.get(number)
            if certificate is None:
                creates.append(HighTechCertificate(number=number, enterprise_id=enterprise_id, issued_on=issued_on))
            elif (certificate.enterprise_id, certificate.issued_on) != (enterprise_id, issued_on):
                certificate.enterprise_id, certificate.issued_on = enterprise_id, issued_on
                updates.append(certificate)
        bulk.insert_instances(HighTechCertificate, creates)
        HighTechCertificate.objects.bulk_update(updates, ["enterprise", "issued_on"], batch_size=imports.BATCH)
        record_created(creates)

    def _write_tags(self, rows, by_key, known):
        names = {r.values["uscc"]: split_list(r.values.get("tags")) for r in rows}
        all_names = {n for tag_names in names.values() for n in tag_names}
        existing = dict(Tag.objects.filter(name__in=all_names).values_list("name", "pk"))
        created = [Tag(name=n) for n in sorted(all_names - set(existing))]
        bulk.insert_instances(Tag, created)
        record_created(created)
        existing.update({t.name: t.pk for t in created})
        through = Enterprise.tags.through
        for chunk in imports.chunks(known):
            through.objects.filter(enterprise_id__in=chunk).delete()
        bulk.insert_rows(through, ["enterprise_id", "tag_id"], [
            (by_key[code].pk, existing[n]) for code, tag_names in names.items() for n in dict.fromkeys(tag_names)
        ])

    def _write_contacts(self, rows, by_key, known):
        first = {}
        for chunk in imports.chunks(known):
            for contact in Contact.objects.filter(enterprise_id__in=chunk).order_by("pk"):
                first.setdefault(contact.enterprise_id, contact)
        creates, updates = [], []
        for row in rows:
            values = row.values
            if not values.get("contact_name"):
                continue
            enterprise = by_key[values["uscc"]]
            contact = first.get(enterprise.pk)
            phone = values.get("contact_phone") or ""
            if contact is None:
                creates.append(Contact(enterprise=enterprise, name=values["contact_name"],
                                       title=values.get("contact_title") or "",
                                       phone="" if is_masked(phone) else phone))
                continue
            before = (contact.name, contact.title, contact.phone)
            contact.name = values["contact_name"]
            contact.title = values.get("contact_title") or ""
            if not is_masked(phone):  # a masked export going round keeps the stored number
                contact.phone = phone
            if (contact.name, contact.title, contact.phone) != before:
                updates.append(contact)
        bulk.insert_instances(Contact, creates)
        Contact.objects.bulk_update(updates, ["name", "title", "phone"], batch_size=imports.BATCH)
        record_created(creates)

    def export_rows(self, queryset, user=None):
        queryset = queryset.select_related("zone", "subpark").prefetch_related(
            "above_scale_years", "high_tech_certificates", "tags", "contacts"
        )
        for enterprise in queryset.iterator(chunk_size=2000):
            certificate = max(enterprise.high_tech_certificates.all(), key=lambda c: c.issued_on, default=None)
            contact = min(enterprise.contacts.all(), key=lambda c: c.pk, default=None)
            yield {
                **{name: getattr(enterprise, name) for name in DIRECT_FIELDS},
                "industry": enterprise.industry_id or "",
                "zone": enterprise.zone.name if enterprise.zone_id else "",
                "subpark": enterprise.subpark.name if enterprise.subpark_id else "",
                "above_scale_years": ",".join(str(a.year) for a in enterprise.above_scale_years.all()),
                "high_tech_number": certificate.number if certificate else "",
                "high_tech_issued_on": certificate.issued_on if certificate else None,
                "tags": ",".join(t.name for t in enterprise.tags.all()),
                "contact_name": contact.name if contact else "",
                "contact_title": contact.title if contact else "",
                "contact_phone": visible_value(contact, "phone", user) if contact else "",
            }


PARCEL_SPEC = ImportSpec(
    name="enterprises.landparcel",
    title="土地台账",
    key="certificate_no",
    columns=(
        Column("certificate_no", "不动产权证号", kind="code", required=True, max_length=60,
               synonyms=("土地证号", "产权证号", "证书编号", "不动产权证书号")),
        Column("area_mu", "面积", kind="decimal", unit="亩", required=True,
               synonyms=("土地面积", "用地面积", "宗地面积")),
        Column("land_use", "土地用途", kind="choice", choices=choices_of(LandUse), synonyms=("用途",)),
        Column("right_type", "权利类型", kind="choice", choices=choices_of(LandRight),
               synonyms=("使用权类型", "取得方式")),
        Column("holder_uscc", "权利人统一社会信用代码", kind="uscc", synonyms=("权利人信用代码",)),
        Column("holder_name", "权利人名称", max_length=200, synonyms=("权利人",)),
        Column("acquired_on", "取得日期", kind="date", synonyms=("发证日期", "登记日期")),
        Column("released_on", "注销或收回日期", kind="date", synonyms=("注销日期", "收回日期")),
        Column("address", "坐落", max_length=200, synonyms=("地址", "土地坐落")),
    ),
)


class LandParcelImporter(imports.ModelImporter):
    spec = PARCEL_SPEC
    model = LandParcel
    key_field = "certificate_no"

    def resolve(self, rows):
        codes = {r.values["holder_uscc"] for r in rows if r.values.get("holder_uscc")}
        holders = {}
        for chunk in imports.chunks(list(codes)):
            holders.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
        errors = []
        for row in rows:
            values = row.values
            code = values.get("holder_uscc")
            if code:
                values["holder_id"] = holders.get(code)
                if values["holder_id"] is None:
                    errors.append(CellError(row.sheet, row.row, "权利人统一社会信用代码", code,
                                            "园区企业中没有这个统一社会信用代码，请先导入企业，或只填写权利人名称"))
            elif not values.get("holder_name"):
                errors.append(CellError(row.sheet, row.row, "权利人名称", "",
                                        "须填写权利人统一社会信用代码或权利人名称"))
            else:
                values["holder_id"] = None
            if values.get("acquired_on") and values.get("released_on") and values["released_on"] < values["acquired_on"]:
                errors.append(CellError(row.sheet, row.row, "注销或收回日期", values["released_on"],
                                        "注销或收回日期不能早于取得日期"))
        return errors

    def assign(self, instance, values):
        for name in ("certificate_no", "area_mu", "land_use", "right_type", "acquired_on", "released_on"):
            if name in values and (values[name] is not None or name in ("acquired_on", "released_on")):
                setattr(instance, name, values[name])
        for name in ("holder_name", "address"):
            if name in values:
                setattr(instance, name, values[name] or "")
        if "holder_id" in values:
            instance.holder_id = values["holder_id"]

    def export_rows(self, queryset, user=None):
        for parcel in queryset.select_related("holder").iterator(chunk_size=2000):
            yield {
                "certificate_no": parcel.certificate_no, "area_mu": parcel.area_mu,
                "land_use": parcel.land_use, "right_type": parcel.right_type,
                "holder_uscc": parcel.holder.uscc if parcel.holder_id else "",
                "holder_name": parcel.holder_name, "acquired_on": parcel.acquired_on,
                "released_on": parcel.released_on, "address": parcel.address,
            }


enterprise_importer = imports.register(EnterpriseImporter())
parcel_importer = imports.register(LandParcelImporter())
