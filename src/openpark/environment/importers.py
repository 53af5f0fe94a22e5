"""Column maps of the environment sheets: outfalls (入河排污口名录), remediation measures and the
pollution-source list, each imported all-or-nothing and exported in the same layout.

An outfall's stage moves only through its transitions: a sheet creates outfalls (as 疑似) and
updates their particulars, never their stage. Measures are matched by their outfall's code and
their content; a measure's outfall must already have its plan (一口一策)."""
from openpark.core import imports
from openpark.core.importing import CellError, Column, ImportSpec
from openpark.enterprises.importers import choices_of
from openpark.enterprises.models import Enterprise

from .choices import ApprovalType, DischargeMode, MeasureStatus, OutletForm, SourceCategory, UsageStatus
from .models import Measure, Outfall, OutfallClass, PollutionSource, RemediationPlan, RiverSegment, WaterBody

FLAGS = (("has_sampling_point", "采样点"), ("has_inspection_well", "检查井"), ("has_signboard", "标志牌"),
         ("has_video", "视频监控"), ("has_online_monitoring", "在线监测"))

OUTFALL_SPEC = ImportSpec(
    name="environment.outfall",
    title="入河排污口",
    key="code",
    columns=(
        Column("code", "排口编码", kind="code", required=True, max_length=30, synonyms=("排污口编码", "编码", "排口编号")),
        Column("name", "排口名称", required=True, max_length=100, synonyms=("排污口名称", "名称")),
        Column("outfall_class", "排口类别", required=True, max_length=50, synonyms=("排污口类别", "类别", "排口类型")),
        Column("longitude", "经度", kind="decimal", required=True, decimal_places=6),
        Column("latitude", "纬度", kind="decimal", required=True, decimal_places=6),
        Column("water_body", "受纳水体", required=True, max_length=100, synonyms=("入河（湖）名称", "水体")),
        Column("segment", "所在河段", max_length=100, synonyms=("河段",)),
        Column("outlet_form", "排放口形式", kind="choice", choices=choices_of(OutletForm), synonyms=("排口形式",)),
        Column("discharge_mode", "排放方式", kind="choice", choices=choices_of(DischargeMode)),
        Column("approval_type", "设置审批", kind="choice", choices=choices_of(ApprovalType), synonyms=("审批情况",)),
        Column("enterprise_uscc", "责任企业统一社会信用代码", kind="uscc", synonyms=("企业统一社会信用代码", "信用代码")),
        Column("responsible_organisation", "其他责任单位", max_length=200, synonyms=("责任单位",)),
        Column("usage_status", "使用状态", kind="choice", choices=choices_of(UsageStatus)),
        Column("signboard_text", "标志牌内容", max_length=2000),
        Column("qr_data", "二维码信息", max_length=500),
        *(Column(name, label, kind="bool") for name, label in FLAGS),
        Column("note", "说明", max_length=2000, synonyms=("备注",)),
    ),
)
OUTFALL_PLAIN = ("code", "name", "longitude", "latitude", "outlet_form", "discharge_mode", "approval_type",
                 "responsible_organisation", "usage_status", "signboard_text", "qr_data", "note",
                 *(name for name, _ in FLAGS))
BLANK_TEXT = {"responsible_organisation", "signboard_text", "qr_data", "note", "responsible_party", "location",
              "pollutants"}
CHOICE_DEFAULTS = {"outlet_form": OutletForm.OPEN_PIPE, "discharge_mode": DischargeMode.CONTINUOUS,
                   "approval_type": ApprovalType.UNAPPROVED, "usage_status": UsageStatus.IN_USE}


def _assign_plain(instance, values: dict, names) -> None:
    for name in names:
        if name not in values:
            continue
        value = values[name]
        if value is None and name in BLANK_TEXT:
            value = ""
        if value is None and name in CHOICE_DEFAULTS:
            value = CHOICE_DEFAULTS[name]
        if value is None and name.startswith("has_"):
            value = False
        setattr(instance, name, value)


def _enterprises_by_uscc(rows, column: str = "enterprise_uscc") -> dict[str, int]:
    codes = [r.values[column] for r in rows if r.values.get(column)]
    found = {}
    for chunk in imports.chunks(codes):
        found.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
    return found


class OutfallImporter(imports.ModelImporter):
    spec = OUTFALL_SPEC
    model = Outfall
    key = ("code",)
    notes = "新导入的排口状态为“疑似”，其后按流程在排口页面核实、监测、溯源和整治；导入不改变已有排口的状态。"

    def resolve(self, rows):
        classes = dict(OutfallClass.objects.values_list("name", "pk"))
        bodies = dict(WaterBody.objects.values_list("name", "pk"))
        segments = {(body, name): pk for pk, body, name in RiverSegment.objects.values_list("pk", "water_body_id", "name")}
        enterprises = _enterprises_by_uscc(rows)
        errors = []
        for row in rows:
            errors += self._resolve_row(row, classes, bodies, segments, enterprises)
        return errors

    @staticmethod
    def _resolve_row(row, classes, bodies, segments, enterprises) -> list[CellError]:
        values, errors = row.values, []

        def fail(column, value, reason):
            errors.append(CellError(row.sheet, row.row, column, value, reason))

        values["outfall_class_id"] = classes.get(values["outfall_class"])
        if values["outfall_class_id"] is None:
            fail("排口类别", values["outfall_class"], f"没有名为“{values['outfall_class']}”的排口类别（可选：{'、'.join(classes)}）")
        values["water_body_id"] = bodies.get(values["water_body"])
        if values["water_body_id"] is None:
            fail("受纳水体", values["water_body"], f"没有名为“{values['water_body']}”的水体")
        if values.get("segment"):
            values["segment_id"] = segments.get((values["water_body_id"], values["segment"]))
            if values["segment_id"] is None and values["water_body_id"] is not None:
                fail("所在河段", values["segment"], f"水体“{values['water_body']}”中没有“{values['segment']}”河段")
        elif "segment" in values:
            values["segment_id"] = None
        if values.get("enterprise_uscc"):
            values["enterprise_id"] = enterprises.get(values["enterprise_uscc"])
            if values["enterprise_id"] is None:
                fail("责任企业统一社会信用代码", values["enterprise_uscc"], "园区企业中没有这个统一社会信用代码")
        elif "enterprise_uscc" in values:
            values["enterprise_id"] = None
        return errors

    def assign(self, instance, values):
        _assign_plain(instance, values, OUTFALL_PLAIN)
        for name in ("outfall_class_id", "water_body_id", "segment_id", "enterprise_id"):
            if name in values:
                setattr(instance, name, values[name])

    def export_rows(self, queryset, user=None):
        for outfall in queryset.select_related("outfall_class", "water_body", "segment", "enterprise") \
                .iterator(chunk_size=2000):
            yield {
                **{name: getattr(outfall, name) for name in OUTFALL_PLAIN},
                "outfall_class": outfall.outfall_class.name, "water_body": outfall.water_body.name,
                "segment": outfall.segment.name if outfall.segment_id else "",
                "enterprise_uscc": outfall.enterprise.uscc if outfall.enterprise_id else "",
            }


MEASURE_SPEC = ImportSpec(
    name="environment.measure",
    title="整治措施",
    key="outfall",
    unique_key=False,
    columns=(
        Column("outfall", "排口编码", kind="code", required=True, max_length=30, synonyms=("排污口编码", "排口编号")),
        Column("content", "措施内容", required=True, max_length=2000, synonyms=("整治措施", "措施")),
        Column("owner", "责任单位（人）", required=True, max_length=100, synonyms=("责任单位", "责任人")),
        Column("deadline", "完成时限", kind="date", required=True, synonyms=("时限", "完成期限")),
        Column("progress", "进度", kind="int", unit="%", synonyms=("完成进度",)),
        Column("status", "状态", kind="choice", choices=choices_of(MeasureStatus), synonyms=("完成情况",)),
        Column("completed_on", "完成日期", kind="date"),
    ),
)
MEASURE_PLAIN = ("content", "owner", "deadline", "progress", "status", "completed_on")


class MeasureImporter(imports.ModelImporter):
    spec = MEASURE_SPEC
    model = Measure
    key = ("plan", "content")
    notes = "按排口编码和措施内容对应已有措施；排口须已制定整治方案（一口一策）。"

    def resolve(self, rows):
        codes = {r.values["outfall"] for r in rows}
        plans = dict(RemediationPlan.objects.filter(outfall__code__in=codes).values_list("outfall__code", "pk"))
        known = set(Outfall.objects.filter(code__in=codes).values_list("code", flat=True))
        errors = []
        for row in rows:
            code = row.values["outfall"]
            row.values["plan_id"] = plans.get(code)
            if row.values["plan_id"] is None:
                reason = "该排口尚未制定整治方案" if code in known else "没有这个编码的排口"
                errors.append(CellError(row.sheet, row.row, "排口编码", code, reason))
        return errors

    def assign(self, instance, values):
        _assign_plain(instance, values, MEASURE_PLAIN)
        if instance.progress is None:
            instance.progress = 0
        if not instance.status:
            instance.status = MeasureStatus.NOT_STARTED
        if "plan_id" in values:
            instance.plan_id = values["plan_id"]

    def export_rows(self, queryset, user=None):
        for measure in queryset.select_related("plan__outfall").iterator(chunk_size=2000):
            yield {**{name: getattr(measure, name) for name in MEASURE_PLAIN}, "outfall": measure.plan.outfall.code}


SOURCE_SPEC = ImportSpec(
    name="environment.pollutionsource",
    title="污染源清单",
    key="name",
    unique_key=False,
    columns=(
        Column("name", "污染源名称", required=True, max_length=200, synonyms=("名称", "污染源")),
        Column("category", "类别", kind="choice", required=True, choices=choices_of(SourceCategory),
               synonyms=("污染源类别",)),
        Column("enterprise_uscc", "所属企业统一社会信用代码", kind="uscc", synonyms=("企业统一社会信用代码", "信用代码")),
        Column("responsible_party", "责任主体", max_length=200, synonyms=("责任单位",)),
        Column("location", "位置", max_length=200, synonyms=("地址", "所在位置")),
        Column("pollutants", "主要污染物", max_length=300, synonyms=("污染物",)),
        Column("note", "说明", max_length=2000, synonyms=("备注",)),
    ),
)
SOURCE_PLAIN = ("name", "category", "responsible_party", "location", "pollutants", "note")


class PollutionSourceImporter(imports.ModelImporter):
    spec = SOURCE_SPEC
    model = PollutionSource
    key = ("name", "category")

    def resolve(self, rows):
        enterprises = _enterprises_by_uscc(rows)
        errors = []
        for row in rows:
            uscc = row.values.get("enterprise_uscc")
            if uscc:
                row.values["enterprise_id"] = enterprises.get(uscc)
                if row.values["enterprise_id"] is None:
                    errors.append(CellError(row.sheet, row.row, "所属企业统一社会信用代码", uscc, "园区企业中没有这个统一社会信用代码"))
            elif "enterprise_uscc" in row.values:
                row.values["enterprise_id"] = None
        return errors

    def assign(self, instance, values):
        _assign_plain(instance, values, SOURCE_PLAIN)
        if "enterprise_id" in values:
            instance.enterprise_id = values["enterprise_id"]

    def export_rows(self, queryset, user=None):
        for source in queryset.select_related("enterprise").iterator(chunk_size=2000):
            yield {**{name: getattr(source, name) for name in SOURCE_PLAIN},
                   "enterprise_uscc": source.enterprise.uscc if source.enterprise_id else ""}


outfall_importer = imports.register(OutfallImporter())
measure_importer = imports.register(MeasureImporter())
source_importer = imports.register(PollutionSourceImporter())


# The enterprise environmental file (一企一档, environmental part) ---------------------------------
# Discharge permits, hazardous-waste manifests and credit ratings, each all-or-nothing; a row names
# its enterprise by 统一社会信用代码 or, without it, by its name (which must be one enterprise's).

from .choices import CreditRatingLevel, PermitCategory  # noqa: E402
from .models import CreditRating, DischargePermit, HazardousWasteManifest  # noqa: E402

ENTERPRISE_USCC = "企业统一社会信用代码"
ENTERPRISE_NAME = "企业名称"


def _enterprise_columns() -> tuple[Column, Column]:
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


def _enterprise_cells(record) -> dict:
    return {"enterprise_uscc": record.enterprise.uscc, "enterprise_name": record.enterprise.name}


class EnterpriseFileImporter(imports.ModelImporter):
    """A sheet of one kind of record of the enterprise file: its enterprise by code or name, the
    rest plain fields (`plain`)."""

    plain: tuple[str, ...] = ()
    blank_text: frozenset[str] = frozenset({"note"})

    def check(self, plan):
        plan.enterprise_scope = enterprise_scope()
        return resolve_enterprises(plan.rows, plan.enterprise_scope)

    def change(self, plan, record, key, stored):
        """A stored record of an enterprise outside the importing user's scope is neither changed
        nor moved to another enterprise."""
        scope = getattr(plan, "enterprise_scope", None)
        if stored is not None and scope is not None and stored.enterprise_id not in scope:
            plan.errors.append(CellError(record.row.sheet, record.row.row, plan.spec.key_column.label,
                                         record.values.get(plan.spec.key, ""),
                                         "已有相同编号的记录属于您的服务或绑定范围以外的企业，不能导入"))
            return None
        return super().change(plan, record, key, stored)

    def assign(self, instance, values):
        for name in self.plain:
            if name in values:
                value = values[name]
                setattr(instance, name, "" if value is None and name in self.blank_text else value)
        if values.get("enterprise_id") is not None:
            instance.enterprise_id = values["enterprise_id"]

    def export_rows(self, queryset, user=None):
        for record in queryset.select_related("enterprise").iterator(chunk_size=2000):
            yield {**_enterprise_cells(record), **{name: getattr(record, name) for name in self.plain}}


PERMIT_SPEC = ImportSpec(
    name="environment.dischargepermit",
    title="排污许可证",
    key="number",
    columns=(
        Column("number", "许可证编号", kind="code", required=True, max_length=22,
               synonyms=("排污许可证编号", "证书编号", "编号")),
        *_enterprise_columns(),
        Column("category", "管理类别", kind="choice", required=True, choices=choices_of(PermitCategory),
               synonyms=("类别", "管理类型")),
        Column("issued_on", "发证日期", kind="date", required=True, synonyms=("核发日期",)),
        Column("expires_on", "有效期至", kind="date", synonyms=("到期日期", "有效期截止日期")),
        Column("note", "说明", max_length=2000, synonyms=("备注",)),
    ),
)


class DischargePermitImporter(EnterpriseFileImporter):
    spec = PERMIT_SPEC
    model = DischargePermit
    key = ("number",)
    plain = ("number", "category", "issued_on", "expires_on", "note")
    notes = ("按许可证编号对应已有许可证；许可证编号的前 18 位须为该企业的统一社会信用代码。"
             "“有效期至”留空则为发证日期起 5 年。")

    def assign(self, instance, values):
        super().assign(instance, values)
        if "expires_on" in values and values["expires_on"] is None and instance.issued_on:
            from .enterprise_file import default_expiry

            instance.expires_on = default_expiry(instance.issued_on)


MANIFEST_SPEC = ImportSpec(
    name="environment.hazardouswastemanifest",
    title="危险废物转移联单",
    key="number",
    columns=(
        Column("number", "联单编号", kind="code", required=True, max_length=40, synonyms=("转移联单编号", "编号")),
        *_enterprise_columns(),
        Column("waste_code", "废物类别", kind="code", required=True, max_length=4,
               synonyms=("危废类别", "废物类别代码", "危险废物类别")),
        Column("waste_name", "废物名称", required=True, max_length=100, synonyms=("危废名称", "危险废物名称")),
        Column("quantity", "转移量", kind="decimal", unit="吨", required=True, decimal_places=3,
               synonyms=("数量", "转移数量")),
        Column("receiver", "接收单位", required=True, max_length=200, synonyms=("处置单位", "接受单位")),
        Column("transferred_on", "转移日期", kind="date", required=True, synonyms=("日期",)),
    ),
)


class HazardousWasteManifestImporter(EnterpriseFileImporter):
    spec = MANIFEST_SPEC
    model = HazardousWasteManifest
    key = ("number",)
    plain = ("number", "waste_code", "waste_name", "quantity", "receiver", "transferred_on")
    notes = "按联单编号对应已有联单；转移量以吨计，填千克的列（如“转移量（千克）”）自动换算。"


RATING_SPEC = ImportSpec(
    name="environment.creditrating",
    title="环境信用评价",
    key="year",
    unique_key=False,
    columns=(
        *_enterprise_columns(),
        Column("year", "评价年度", kind="int", required=True, synonyms=("年度", "年份")),
        Column("rating", "信用等级", kind="choice", required=True, choices=choices_of(CreditRatingLevel),
               synonyms=("评价等级", "等级", "评价结果")),
        Column("note", "说明", max_length=2000, synonyms=("备注",)),
    ),
)


class CreditRatingImporter(EnterpriseFileImporter):
    spec = RATING_SPEC
    model = CreditRating
    key = ("enterprise", "year")
    plain = ("year", "rating", "note")
    notes = "每家企业每年一条评价；按企业和评价年度对应已有评价。"


permit_importer = imports.register(DischargePermitImporter())
manifest_importer = imports.register(HazardousWasteManifestImporter())
rating_importer = imports.register(CreditRatingImporter())
