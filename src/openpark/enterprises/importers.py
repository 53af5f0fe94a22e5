"""Column maps of the enterprise file (企业名录) and the land ledger (土地台账)."""
import re
from collections import defaultdict

from django.utils import timezone

from openpark.core import imports
from openpark.core.importing import CellError, Column, ColumnHint, ImportSpec
from openpark.core.imports import FieldChange, LinkChanges, RelatedChanges
from openpark.core.limits import in_year_range
from openpark.core.masking import is_masked, is_withheld, visible_value
from openpark.core.matching import Action, repeated_keys, where_text

from .chains import chain_names_by_enterprise, chains_by_name
from .choices import EnterpriseStatus, LandRight, LandUse
from .industry import normalise_industry_code
from .models import (
    AboveScaleYear, ChainMembership, Contact, Enterprise, FormerName, HighTechCertificate, Industry, LandParcel,
    SubPark, Tag, Zone,
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
        Column("industry", "行业代码", kind="industry", synonyms=("国民经济行业代码", "国民经济行业", "行业")),
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
    key = ("uscc",)

    def resolve(self, rows):
        industries = set(Industry.objects.values_list("code", flat=True))
        zones = dict(Zone.objects.values_list("name", "pk"))
        subparks = {name: (pk, zone) for name, pk, zone in SubPark.objects.values_list("name", "pk", "zone_id")}
        errors = []
        for row in rows:
            errors += self._resolve_row(row, industries, zones, subparks)
        return errors + _repeated_certificates(rows)

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
            if all(y.isdigit() and in_year_range(int(y)) for y in years):
                values["above_scale_years"] = sorted({int(y) for y in years})
            else:
                fail("规上年份", values["above_scale_years"], "应为年份，多个年份用逗号分隔，如 2020,2021")
        if values.get("high_tech_number") and not values.get("high_tech_issued_on"):
            fail("高新技术企业发证日期", "", "填写了高新技术企业证书编号，须同时填写发证日期")
        return errors

    def assign(self, instance, values):
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

    # Related rows: planned here, written by the framework ----------------------------------------

    def plan_related(self, plan):
        present, changes = plan.present, plan.changes
        # Only enterprises that were there before this import can have related rows to compare.
        known = [change.instance.pk for change in changes if change.instance.pk is not None]
        plan.related.append(_former_names(changes))
        if "above_scale_years" in present:
            plan.related.append(_years(changes, known))
        if "high_tech_number" in present:
            plan.related.append(_certificates(changes, known))
        if "tags" in present:
            plan.related += _tags(changes, known)
        if "contact_name" in present:
            plan.related.append(_contacts(changes, known, plan.headers))

    def export_rows(self, queryset, user=None):
        queryset = queryset.select_related("zone", "subpark").prefetch_related(
            "above_scale_years", "high_tech_certificates", "tags", "contacts"
        )
        chains = chain_names_by_enterprise() if not is_withheld(Enterprise, "chains", user) else {}
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
                "tags": ",".join([t.name for t in enterprise.tags.all()] + chains.get(enterprise.pk, [])),
                "contact_name": contact.name if contact else "",
                "contact_title": contact.title if contact else "",
                "contact_phone": visible_value(contact, "phone", user) if contact else "",
            }



# The related rows of the enterprise sheet ---------------------------------------------------------

CONTACT_FIELDS = {"contact_name": "name", "contact_title": "title", "contact_phone": "phone"}


def _repeated_certificates(rows) -> list[CellError]:
    """A certificate belongs to one enterprise: its number twice in the file is an error."""
    numbers = ((row.values["high_tech_number"], row.sheet, row.row) for row in rows if row.values.get("high_tech_number"))
    return [
        CellError(repeat.again[0], repeat.again[1], "高新技术企业证书编号", repeat.key,
                  f"高新技术企业证书编号“{repeat.key}”与{where_text(*repeat.first, repeat.again[0])}重复")
        for repeat in repeated_keys(numbers)
    ]


def _former_names(changes) -> RelatedChanges:
    """A renamed enterprise keeps its old name as a former name, used until today."""
    today = timezone.localdate()
    names = RelatedChanges(FormerName)
    for change in changes:
        enterprise = change.instance
        if change.action != Action.CREATE and enterprise._loaded_values["name"] != enterprise.name:
            names.creates.append(FormerName(enterprise=enterprise, name=enterprise._loaded_values["name"],
                                            used_until=today))
    return names


def _years(changes, known) -> RelatedChanges:
    stored = defaultdict(dict)
    for year in imports.rows_of(AboveScaleYear.objects.all(), "enterprise_id", known):
        stored[year.enterprise_id][year.year] = year
    years = RelatedChanges(AboveScaleYear)
    for change in changes:
        wanted = set(change.record.values.get("above_scale_years") or [])
        have = stored.get(change.instance.pk, {}) if change.instance.pk is not None else {}
        added, removed = sorted(wanted - have.keys()), sorted(have.keys() - wanted)
        if not (added or removed):
            continue
        years.creates += [AboveScaleYear(enterprise=change.instance, year=year) for year in added]
        years.deletes += [have[year] for year in removed]
        if change.action != Action.CREATE:
            change.add_related(FieldChange("规上年份", _joined(have), _joined(wanted)))
    return years


def _certificates(changes, known) -> RelatedChanges:
    """A certificate named in the file is created, or moved to the row's enterprise and given the
    row's date; the enterprise's other certificates stay. Shown against its latest certificate."""
    wanted = {}
    for change in changes:
        number = change.record.values.get("high_tech_number")
        if number:
            wanted[number] = (change, change.record.values["high_tech_issued_on"])
    by_number = imports.stored_by_key(HighTechCertificate, ("number",), [(number,) for number in wanted])
    latest = {}
    for certificate in imports.rows_of(HighTechCertificate.objects.order_by("issued_on", "pk"), "enterprise_id", known):
        latest[certificate.enterprise_id] = certificate
    certificates = RelatedChanges(HighTechCertificate, update_fields=("enterprise", "issued_on"))
    for number, (change, issued_on) in wanted.items():
        enterprise, certificate = change.instance, by_number.get((number,))
        if certificate is None:
            certificates.creates.append(HighTechCertificate(number=number, enterprise=enterprise, issued_on=issued_on))
        elif (certificate.enterprise_id, certificate.issued_on) != (enterprise.pk, issued_on):
            certificate.enterprise, certificate.issued_on = enterprise, issued_on
            certificates.updates.append(certificate)
        else:
            continue
        if change.action != Action.CREATE:
            before = latest.get(enterprise.pk)
            change.add_related(FieldChange("高新技术企业证书", before and _certificate_text(before.number, before.issued_on),
                                           _certificate_text(number, issued_on)))
    return certificates


def _certificate_text(number: str, issued_on) -> str:
    return f"{number}（发证日期 {issued_on:%Y-%m-%d}）"


def _tags(changes, known) -> list:
    """The 标签 column names tags and chains: a name of a chain puts the enterprise in that chain
    (at no link, unless it is there already), any other name is a tag, created if new. Planned: new
    tags, the tag links of each enterprise whose tags change, and the chain memberships added and
    removed."""
    names = {id(change): list(dict.fromkeys(split_list(change.record.values.get("tags")))) for change in changes}
    wanted = sorted({name for tag_names in names.values() for name in tag_names})
    chains = chains_by_name(wanted)
    tags = {tag.name: tag for tag in imports.rows_of(Tag.objects.all(), "name", [n for n in wanted if n not in chains])}
    new_tags = RelatedChanges(Tag, creates=[Tag(name=name) for name in wanted if name not in tags and name not in chains])
    tags.update((tag.name, tag) for tag in new_tags.creates)
    linked = defaultdict(list)
    stored = Enterprise.tags.through.objects.order_by("tag__name").values_list("enterprise_id", "tag_id", "tag__name")
    for enterprise_id, tag_id, name in imports.rows_of(stored, "enterprise_id", known):
        linked[enterprise_id].append((tag_id, name))
    members = defaultdict(list)
    for membership in imports.rows_of(ChainMembership.objects.select_related("chain").order_by("chain__order", "pk"),
                                      "enterprise_id", known):
        members[membership.enterprise_id].append(membership)
    links = LinkChanges(Enterprise, "tags")
    memberships = RelatedChanges(ChainMembership)
    for change in changes:
        after = names[id(change)]
        before = linked.get(change.instance.pk, []) if change.instance.pk is not None else []
        in_chains = members.get(change.instance.pk, []) if change.instance.pk is not None else []
        before_names = [name for _, name in before] + list(dict.fromkeys(m.chain.name for m in in_chains))
        if set(after) == set(before_names):
            continue
        after_tags = [name for name in after if name not in chains]
        if set(after_tags) != {name for _, name in before}:
            links.owners.append((change.instance, [tag_id for tag_id, _ in before], [tags[name] for name in after_tags]))
        _plan_memberships(memberships, change.instance, in_chains, [chains[name] for name in after if name in chains])
        if change.action != Action.CREATE:
            change.add_related(FieldChange("标签", "、".join(before_names), "、".join(after)))
    return [new_tags, links, memberships]


def _plan_memberships(memberships: RelatedChanges, enterprise, current: list, wanted: list) -> None:
    """The enterprise ends in the wanted chains: those it leaves lose every membership (at any link),
    those it joins get one at no link, those it stays in keep theirs."""
    wanted_ids = {chain.pk for chain in wanted}
    memberships.deletes += [m for m in current if m.chain_id not in wanted_ids]
    present = {m.chain_id for m in current}
    memberships.creates += [ChainMembership(enterprise=enterprise, chain=chain) for chain in wanted
                            if chain.pk not in present]


def _contacts(changes, known, headers) -> RelatedChanges:
    """The first contact of each enterprise is the one the sheet's 联系人 columns describe."""
    first = {}
    for contact in imports.rows_of(Contact.objects.order_by("pk"), "enterprise_id", known):
        first.setdefault(contact.enterprise_id, contact)
    contacts = RelatedChanges(Contact, update_fields=tuple(CONTACT_FIELDS.values()))
    for change in changes:
        values = change.record.values
        if not values.get("contact_name"):
            continue
        contact = first.get(change.instance.pk) if change.instance.pk is not None else None
        if contact is None:
            contact = Contact(enterprise=change.instance)
            contacts.creates.append(contact)
            before = {}
        else:
            before = contact._loaded_values
        _assign_contact(contact, values)
        fields = [
            FieldChange(headers[column], before.get(name), getattr(contact, name), Contact._meta.get_field(name))
            for column, name in CONTACT_FIELDS.items() if (before.get(name) or "") != getattr(contact, name)
        ]
        if before and fields:
            contacts.updates.append(contact)
        if change.action != Action.CREATE:
            for field in fields:
                change.add_related(field)
    return contacts


def _assign_contact(contact, values) -> None:
    """The sheet's contact columns onto the contact; columns the file lacks leave their field alone,
    and a masked phone (an export going round) keeps the stored number."""
    contact.name = values["contact_name"]
    if "contact_title" in values:
        contact.title = values["contact_title"] or ""
    phone = values.get("contact_phone") or ""
    if "contact_phone" in values and not is_masked(phone):
        contact.phone = phone


def _joined(years) -> str:
    return "、".join(str(year) for year in sorted(years))


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
    key = ("certificate_no",)

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


ENTERPRISE_USCC = "企业统一社会信用代码"
ENTERPRISE_NAME = "企业名称"


def enterprise_columns() -> tuple[Column, Column]:
    return (Column("enterprise_uscc", ENTERPRISE_USCC, kind="uscc", synonyms=("统一社会信用代码", "信用代码")),
            Column("enterprise_name", ENTERPRISE_NAME, max_length=200, synonyms=("企业", "单位名称", "持证单位")))


OUT_OF_SCOPE = "（或该企业不在您的服务或绑定范围内）"


def enterprise_scope() -> set[int] | None:
    """The ids of the enterprises the importing user may see (the pages' scope: an enterprise
    user's own, a steward's contract's), or None for a park-wide user or a command."""
    from openpark.core.context import current_actor
    from openpark.core.scoping import scope_q

    user = current_actor().user
    if user is None:
        return None
    condition = scope_q(Enterprise, user)
    return None if condition is None else set(Enterprise.objects.filter(condition).values_list("pk", flat=True))


def resolve_enterprises(rows, scope: set[int] | None = None) -> list[CellError]:
    """Sets each row's `enterprise_id` from its 统一社会信用代码, or, without one, from its enterprise
    name (a live enterprise's current name, one enterprise only); an error for each row that
    names no park enterprise, or one outside `scope` (ids) when given."""
    enterprises = Enterprise.objects.all() if scope is None else Enterprise.objects.filter(pk__in=scope)
    unseen = "" if scope is None else OUT_OF_SCOPE
    codes = [r.values["enterprise_uscc"] for r in rows if r.values.get("enterprise_uscc")]
    names = [r.values["enterprise_name"] for r in rows
             if r.values.get("enterprise_name") and not r.values.get("enterprise_uscc")]
    by_code = {}
    for chunk in imports.chunks(codes):
        by_code.update(enterprises.filter(uscc__in=chunk).values_list("uscc", "pk"))
    by_name: dict[str, list[int]] = {}
    for chunk in imports.chunks(list(set(names))):
        for pk, name in enterprises.filter(name__in=chunk).values_list("pk", "name"):
            by_name.setdefault(name, []).append(pk)
    errors = []
    for row in rows:
        values = row.values
        code, name = values.get("enterprise_uscc"), values.get("enterprise_name")
        values["enterprise_id"] = None
        if code:
            values["enterprise_id"] = by_code.get(code)
            if values["enterprise_id"] is None:
                errors.append(CellError(row.sheet, row.row, ENTERPRISE_USCC, code,
                                        f"园区企业中没有这个统一社会信用代码{unseen}"))
        elif name:
            found = by_name.get(name, [])
            if len(found) == 1:
                values["enterprise_id"] = found[0]
            else:
                reason = ("园区企业中有多家同名企业，请填写统一社会信用代码" if found
                          else f"园区企业中没有这个名称的企业{unseen}，请核对名称或填写统一社会信用代码")
                errors.append(CellError(row.sheet, row.row, ENTERPRISE_NAME, name, reason))
        else:
            errors.append(CellError(row.sheet, row.row, ENTERPRISE_USCC, "", "须填写企业统一社会信用代码或企业名称"))
    return errors


def enterprise_cells(record) -> dict:
    """The enterprise columns of a record's row: blank for a record of no enterprise."""
    if record.enterprise_id is None:
        return {"enterprise_uscc": "", "enterprise_name": ""}
    return {"enterprise_uscc": record.enterprise.uscc, "enterprise_name": record.enterprise.name}


class EnterpriseFileImporter(imports.ModelImporter):
    """A sheet of one kind of record of the enterprise file: its enterprise by code or name, the
    rest plain fields (`plain`)."""

    plain: tuple[str, ...] = ()
    blank_text: frozenset[str] = frozenset({"note"})

    def check(self, plan):
        plan.enterprise_scope = enterprise_scope()
        return resolve_enterprises(plan.rows, plan.enterprise_scope)

    def assign(self, instance, values):
        for name in self.plain:
            if name in values:
                value = values[name]
                setattr(instance, name, "" if value is None and name in self.blank_text else value)
        if values.get("enterprise_id") is not None:
            instance.enterprise_id = values["enterprise_id"]

    related: tuple[str, ...] = ("enterprise",)  # read with each exported record

    def export_rows(self, queryset, user=None):
        for record in queryset.select_related(*self.related).iterator(chunk_size=2000):
            yield self.export_row(record)

    def export_row(self, record) -> dict:
        return {**enterprise_cells(record), **{name: getattr(record, name) for name in self.plain}}
