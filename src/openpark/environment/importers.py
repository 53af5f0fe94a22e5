"""Column maps of the environment sheets: outfalls (入河排污口名录), remediation measures and the
pollution-source list, each imported all-or-nothing and exported in the same layout.

An outfall's stage moves only through its transitions: a sheet creates outfalls (as 疑似) and
updates their particulars, never their stage. Measures are matched by their outfall's code and
their content; a measure's outfall must already have its plan (一口一策)."""
import dataclasses
from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from openpark.core import importing, imports
from openpark.core.importing import CellError, Column, ImportSpec
from openpark.core.matching import Action
from openpark.enterprises.importers import EnterpriseFileImporter, choices_of, enterprise_columns
from openpark.enterprises.models import Enterprise

from . import services, water_quality
from .choices import ApprovalType, DischargeMode, MeasureStatus, OutletForm, SourceCategory, UsageStatus
from .models import (
    Measure, Measurement, MonitoringSite, Outfall, OutfallClass, PollutionSource, RemediationPlan, RiverSegment,
    WaterBody, WaterSample, park_time, unit_of_parameter,
)

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


# River chiefs and their patrols ----------------------------------------------------------------
# A chief is matched by name and level; the water bodies and segments they answer for are listed
# in one cell each ("七圩港、夹港"; a segment as "七圩港·入江段"). A patrol is matched by its chief
# and start time; its track is a GeoJSON cell, or left empty with the distance walked given instead.

import re as _re  # noqa: E402


from openpark.core.imports import FieldChange, LinkChanges  # noqa: E402
from openpark.core.masking import is_masked, visible_value  # noqa: E402
from openpark.enterprises.importers import split_list  # noqa: E402

from .choices import ChiefLevel  # noqa: E402
from .models import Patrol, PatrolRule, RiverChief  # noqa: E402

SEGMENT_SEPARATOR = _re.compile(r"\s*[·/／]\s*")

CHIEF_SPEC = ImportSpec(
    name="environment.riverchief",
    title="河长名录",
    key="name",
    unique_key=False,
    columns=(
        Column("name", "姓名", required=True, max_length=50, synonyms=("河长", "河长姓名")),
        Column("level", "河长级别", kind="choice", required=True, choices=choices_of(ChiefLevel), synonyms=("级别",)),
        Column("is_general", "总河长", kind="bool", synonyms=("是否总河长",)),
        Column("title", "职务", max_length=100),
        Column("phone", "联系电话", max_length=30, synonyms=("电话", "手机")),
        Column("water_bodies", "负责水体", max_length=2000, synonyms=("水体",)),
        Column("segments", "负责河段", max_length=2000, synonyms=("河段",)),
        Column("note", "说明", max_length=2000, synonyms=("备注",)),
    ),
)


class RiverChiefImporter(imports.ModelImporter):
    spec = CHIEF_SPEC
    model = RiverChief
    key = ("name", "level")
    notes = "按姓名和级别对应已有河长；负责水体用“、”分隔，负责河段写作“水体·河段”。"

    def resolve(self, rows):
        bodies = dict(WaterBody.objects.values_list("name", "pk"))
        segments = {(body, name): pk for pk, body, name in
                    RiverSegment.objects.values_list("pk", "water_body__name", "name")}
        errors = []
        for row in rows:
            values = row.values
            if "water_bodies" in values:
                names = split_list(values["water_bodies"])
                missing = [name for name in names if name not in bodies]
                if missing:
                    errors.append(CellError(row.sheet, row.row, "负责水体", values["water_bodies"],
                                            f"没有名为“{'、'.join(missing)}”的水体"))
                values["water_body_ids"] = sorted({bodies[name] for name in names if name in bodies})
            if "segments" in values:
                ids, missing = set(), []
                for item in split_list(values["segments"]):
                    parts = SEGMENT_SEPARATOR.split(item, maxsplit=1)
                    pk = segments.get(tuple(parts)) if len(parts) == 2 else None
                    if pk is None:
                        missing.append(item)
                    else:
                        ids.add(pk)
                if missing:
                    errors.append(CellError(row.sheet, row.row, "负责河段", values["segments"],
                                            f"没有“{'、'.join(missing)}”河段（写作“水体·河段”）"))
                values["segment_ids"] = sorted(ids)
        return errors

    def assign(self, instance, values):
        for name in ("name", "level", "title", "note", "is_general"):
            if name in values:
                value = values[name]
                setattr(instance, name, (False if name == "is_general" else "") if value is None else value)
        if "phone" in values and not is_masked(values["phone"] or ""):
            instance.phone = values["phone"] or ""

    def plan_related(self, plan):
        changes = [change for change in plan.changes if change.action != Action.UNCHANGED or
                   "water_body_ids" in change.record.values or "segment_ids" in change.record.values]
        known = [change.instance.pk for change in changes if change.instance.pk is not None]
        links = []
        for field, key, label, model in (("water_bodies", "water_body_ids", "负责水体", WaterBody),
                                         ("segments", "segment_ids", "负责河段", RiverSegment)):
            through = getattr(RiverChief, field).through
            target = "waterbody_id" if field == "water_bodies" else "riversegment_id"
            stored = defaultdict(list)
            for chief_id, linked_id in imports.rows_of(through.objects.values_list("riverchief_id", target),
                                                       "riverchief_id", known):
                stored[chief_id].append(linked_id)
            wanted_ids = {pk for change in changes for pk in change.record.values.get(key, ())}
            records = model.objects.in_bulk(sorted(wanted_ids))
            owned = LinkChanges(RiverChief, field)
            for change in changes:
                if key not in change.record.values:
                    continue
                before = sorted(stored.get(change.instance.pk, [])) if change.instance.pk is not None else []
                after = change.record.values[key]
                if before == after:
                    continue
                owned.owners.append((change.instance, before, [records[pk] for pk in after]))
                if change.action != Action.CREATE:
                    change.add_related(FieldChange(label, "、".join(str(pk) for pk in before),
                                                   "、".join(str(records[pk]) for pk in after)))
            links.append(owned)
        plan.related += links

    def export_rows(self, queryset, user=None):
        for chief in queryset.prefetch_related("water_bodies", "segments__water_body").iterator(chunk_size=2000):
            yield {
                "name": chief.name, "level": chief.level, "is_general": chief.is_general, "title": chief.title,
                "phone": visible_value(chief, "phone", user), "note": chief.note,
                "water_bodies": "、".join(body.name for body in chief.water_bodies.all()),
                "segments": "、".join(f"{s.water_body.name}·{s.name}" for s in chief.segments.all()),
            }


PATROL_SPEC = ImportSpec(
    name="environment.patrol",
    title="巡河记录",
    key="chief_name",
    unique_key=False,
    columns=(
        Column("chief_name", "河长", required=True, max_length=50, synonyms=("河长姓名", "姓名")),
        Column("chief_level", "河长级别", kind="choice", choices=choices_of(ChiefLevel), synonyms=("级别",)),
        Column("water_body_name", "巡查水体", required=True, max_length=100, synonyms=("水体", "河道")),
        Column("segment_name", "巡查河段", max_length=100, synonyms=("河段",)),
        Column("started_at", "开始时间", required=True, max_length=30, synonyms=("巡河开始时间",)),
        Column("ended_at", "结束时间", required=True, max_length=30, synonyms=("巡河结束时间",)),
        Column("track", "巡河轨迹（GeoJSON）", max_length=200000, synonyms=("轨迹", "巡河轨迹")),
        Column("distance_km", "距离", kind="decimal", unit="千米", decimal_places=2, synonyms=("巡河距离", "里程")),
        Column("note", "巡河情况", max_length=2000, synonyms=("说明", "备注")),
    ),
)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
                "%Y.%m.%d %H:%M", "%Y.%m.%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")


def parse_time(text) -> datetime | None:
    """A time as a sheet writes it ("2026-11-30 08:05", "2026/3/5", "2026年3月5日", a date-time
    cell), in the park's time zone; None when it is none of these."""
    if isinstance(text, datetime):
        return text if timezone.is_aware(text) else park_time(text)
    text = " ".join(str(text or "").replace("T", " ").split())
    for pattern in TIME_FORMATS:
        try:
            return park_time(datetime.strptime(text, pattern))
        except ValueError:
            continue
    return None


class PatrolImporter(imports.ModelImporter):
    spec = PATROL_SPEC
    model = Patrol
    key = ("chief", "started_at")
    notes = ("按河长和开始时间对应已有巡河记录；时间写作“2026-11-30 08:05”；有轨迹时距离按轨迹计算，"
             "无轨迹时可填写距离；时长和是否计入履职自动计算。")

    def resolve(self, rows):
        chiefs = defaultdict(list)
        for pk, name, level in RiverChief.objects.values_list("pk", "name", "level"):
            chiefs[name].append((pk, level))
        bodies = dict(WaterBody.objects.values_list("name", "pk"))
        segments = {(body, name): pk for pk, body, name in RiverSegment.objects.values_list("pk", "water_body_id", "name")}
        responsibility = defaultdict(lambda: (set(), set()))
        for chief_id, body_id in RiverChief.water_bodies.through.objects.values_list("riverchief_id", "waterbody_id"):
            responsibility[chief_id][0].add(body_id)
        for chief_id, segment_id in RiverChief.segments.through.objects.values_list("riverchief_id",
                                                                                   "riversegment_id"):
            responsibility[chief_id][1].add(segment_id)
        self._responsibility = dict(responsibility)
        self._rules = {rule.level: rule for rule in PatrolRule.objects.all()}
        errors = []
        for row in rows:
            errors += self._resolve_row(row, chiefs, bodies, segments)
        return errors

    @staticmethod
    def _resolve_row(row, chiefs, bodies, segments) -> list[CellError]:
        values, errors = row.values, []

        def fail(column, value, reason):
            errors.append(CellError(row.sheet, row.row, column, value, reason))

        name = values["chief_name"]
        found = [pk for pk, level in chiefs.get(name, ()) if not values.get("chief_level") or level == values["chief_level"]]
        values["chief_id"] = found[0] if len(found) == 1 else None
        if not found:
            fail("河长", name, f"没有名为“{name}”的河长")
        elif len(found) > 1:
            fail("河长", name, "有多名同名河长，请填写河长级别")
        body = values["water_body_name"]
        values["water_body_id"] = bodies.get(body)
        if values["water_body_id"] is None:
            fail("巡查水体", body, f"没有名为“{body}”的水体")
        if values.get("segment_name"):
            values["segment_id"] = segments.get((values["water_body_id"], values["segment_name"]))
            if values["segment_id"] is None and values["water_body_id"] is not None:
                fail("巡查河段", values["segment_name"], f"水体“{body}”中没有“{values['segment_name']}”河段")
        elif "segment_name" in values:
            values["segment_id"] = None
        for name, label in (("started_at", "开始时间"), ("ended_at", "结束时间")):
            parsed = parse_time(values[name])
            if parsed is None:
                fail(label, values[name], "时间应写作“2026-11-30 08:05”")
            values[name] = parsed
        return errors

    def assign(self, instance, values):
        for name in ("chief_id", "water_body_id", "segment_id", "started_at", "ended_at", "distance_km"):
            if name in values:
                setattr(instance, name, values[name])
        if "note" in values:
            instance.note = values["note"] or ""
        if "track" in values:
            instance.track = values["track"] or None
        instance._responsibilities = self._responsibility
        instance._rules = self._rules

    def export_rows(self, queryset, user=None):
        import json

        for patrol in queryset.select_related("chief", "water_body", "segment").iterator(chunk_size=2000):
            yield {
                "chief_name": patrol.chief.name, "chief_level": patrol.chief.level,
                "water_body_name": patrol.water_body.name,
                "segment_name": patrol.segment.name if patrol.segment_id else "",
                "started_at": f"{timezone.localtime(patrol.started_at):%Y-%m-%d %H:%M}",
                "ended_at": f"{timezone.localtime(patrol.ended_at):%Y-%m-%d %H:%M}",
                "track": json.dumps(patrol.track, ensure_ascii=False) if patrol.track else "",
                "distance_km": patrol.distance_km, "note": patrol.note,
            }


chief_importer = imports.register(RiverChiefImporter())
patrol_importer = imports.register(PatrolImporter())


# Water-quality monitoring: a lab's results (水质监测数据) -----------------------------------------
#
# The layout of the water-quality command line: one sample a row, the site's code and the time of
# sampling, then the parameters as columns under their GB 3838-2002 names or the lab's (COD,
# NH3-N, TP …), with or without a unit ("汞（μg/L）" is converted). The sheet is read, the values
# parsed and the units converted by the grader itself (`water_quality.read_sheets`, `measurement`,
# `unit_scale`); a sample is matched by site and time, its results are kept in the standard's unit,
# and every sample the file creates or changes is graded in bulk.

SITE_CODE = "site_code"
SAMPLED_AT = "sampled_at"
SAMPLE_TEXT = ("agency", "sampler", "note")
# The graded results an export writes after the parameters: read back and left alone.
RESULT_COLUMNS = (
    Column("site_name", "断面名称", synonyms=(*water_quality.OTHER_COLUMNS[0].synonyms, "站点名称")),
    Column("result_class", "水质类别"),
    Column("result_grade", "水质状况"),
    Column("result_exceedances", "超Ⅲ类项目", synonyms=("超标项目",)),
)
# The other columns of the command line's layout (the lab's sample number, the water type, which
# comes from the site here, water temperature …): read and not kept.
CARRIED_COLUMNS = (
    dataclasses.replace(water_quality.SAMPLE, required=False), water_quality.WATER_TYPE,
    *(column for column in water_quality.OTHER_COLUMNS if column.field not in ("section", "sampled", "note")),
)
ONE = Decimal(1)
PARAMETER_COLUMNS = tuple(column for column in water_quality.SPEC.columns if column.field in water_quality.PARAMETER)
WATER_SAMPLE_SPEC = ImportSpec(
    name="environment.watersample",
    title="水质监测数据",
    key=SITE_CODE,
    unique_key=False,
    columns=(
        Column(SITE_CODE, "站点编码", kind="code", required=True, max_length=30,
               synonyms=("断面编码", "点位编码", "站点代码", "断面代码", "监测断面编码", "测站编码")),
        Column(SAMPLED_AT, "采样时间", required=True, synonyms=("采样日期", "监测时间", "监测日期")),
        Column("agency", "监测单位", max_length=200, synonyms=("检测单位", "实验室")),
        Column("sampler", "采样人", max_length=100, synonyms=("采样人员",)),
        Column("note", "备注", max_length=2000, synonyms=("说明",)),
        *PARAMETER_COLUMNS,
        *RESULT_COLUMNS,
        *CARRIED_COLUMNS,
    ),
)
# What an export writes: the sheet without the columns read and not kept.
WATER_SAMPLE_EXPORT = dataclasses.replace(
    WATER_SAMPLE_SPEC, columns=tuple(c for c in WATER_SAMPLE_SPEC.columns if c not in CARRIED_COLUMNS))


def parse_sampled_at(text) -> datetime:
    """A time of sampling as a lab writes it ("2026-03-05 09:30", "2026/3/5", an Excel date), in
    Asia/Shanghai; ValueError in Chinese otherwise."""
    found = parse_time(text)
    if found is None:
        raise ValueError(f"“{' '.join(str(text).split())}”不是有效的采样时间（如 2026-03-05 09:30 或 2026-03-05）")
    return found


class WaterSampleImporter(imports.ModelImporter):
    spec = WATER_SAMPLE_SPEC
    model = WaterSample
    key = ("site", SAMPLED_AT)
    count_unit = "个样品"
    notes = ("每行一个样品：站点编码、采样时间和各监测项目（GB 3838-2002 表 1 名称或 COD、NH3-N、TP 等常用名，"
             "可带单位如“汞（μg/L）”，按标准单位换算保存）；低于检出限写 ND、未检出、<0.01 或 0.01L。"
             "同一断面同一采样时间的样品更新其结果，留空的项目删除该项结果；导入后按 GB 3838-2002 评价水质类别"
             "（湖库的总磷按湖库标准）。样品编号、水体类型、水温等说明列和水质类别等评价结果列只读不存。")

    def read_sheets(self, data, filename):
        return water_quality.read_sheets(data, filename)

    def check(self, plan):
        """Each parameter column's unit (read per sheet, as the file writes its header), then each
        row: its site, its time and its results, read and converted by the grader."""
        present = [column.field for column in plan.columns if column.field in water_quality.PARAMETER]
        errors, scales = [], {}
        for (sheet, name), header in plan.file_headers.items():
            if name in present:
                try:
                    scales[sheet, name] = water_quality.unit_scale(name, header)
                except ValueError as exc:
                    errors.append(CellError(sheet, 0, header, "", str(exc)))
        if errors:  # the file is refused as a whole: no row is read
            plan.rows = []
            return errors
        codes = {row.values[SITE_CODE] for row in plan.rows}
        sites = {site.code: site for site in
                 MonitoringSite.objects.filter(code__in=codes).select_related("water_body")}
        for row in plan.rows:
            errors += self._check_row(plan, row, sites, present, scales)
        return errors

    @staticmethod
    def _check_row(plan, row, sites, present, scales) -> list[CellError]:
        values, errors = row.values, []

        def header(name):
            return plan.file_headers.get((row.sheet, name)) or plan.headers[name]

        values["site"] = sites.get(values[SITE_CODE])
        if values["site"] is None:
            errors.append(CellError(row.sheet, row.row, header(SITE_CODE), values[SITE_CODE], "没有这个编码的监测断面"))
        try:
            values[SAMPLED_AT] = parse_sampled_at(values[SAMPLED_AT])
        except ValueError as exc:
            errors.append(CellError(row.sheet, row.row, header(SAMPLED_AT), values[SAMPLED_AT], str(exc)))
        readings = {}
        for key in present:
            written = values.get(key)
            try:
                readings[key] = water_quality.measurement(key, written, scales.get((row.sheet, key), ONE))
            except ValueError as exc:
                errors.append(CellError(row.sheet, row.row, header(key), written, str(exc)))
        values["readings"] = readings
        return errors

    def assign(self, instance, values):
        for name in SAMPLE_TEXT:
            if name in values:
                setattr(instance, name, values[name] or "")
        if values.get("site") is not None:
            instance.site = values["site"]
        if SAMPLED_AT in values:
            instance.sampled_at = values[SAMPLED_AT]

    def plan_related(self, plan):
        """Each sample's results: created, changed or (a cell left empty) deleted, in the standard's unit."""
        known = [change.instance.pk for change in plan.changes if change.instance.pk is not None]
        stored = defaultdict(dict)
        for item in imports.rows_of(Measurement.objects.all(), "sample_id", known):
            stored[item.sample_id][item.parameter] = item
        related = imports.RelatedChanges(Measurement, update_fields=("value", "below_detection", "detection_limit"))
        labels = {column.field: column.header for column in PARAMETER_COLUMNS}
        for change in plan.changes:
            sample = change.instance
            have = stored.get(sample.pk, {}) if sample.pk is not None else {}
            for key, reading in change.record.values["readings"].items():
                item = have.get(key)
                if reading is None:
                    if item is not None:
                        related.deletes.append(item)
                        self._show(change, labels[key], item.reading, None)
                    continue
                fields = measurement_fields(reading)
                if item is None:
                    related.creates.append(Measurement(sample=sample, parameter=key,
                                                       unit=unit_of_parameter(key), **fields))
                    self._show(change, labels[key], None, Measurement(**fields).reading)
                elif any(getattr(item, name) != value for name, value in fields.items()):
                    before = item.reading
                    for name, value in fields.items():
                        setattr(item, name, value)
                    related.updates.append(item)
                    self._show(change, labels[key], before, item.reading)
        plan.related.append(related)

    @staticmethod
    def _show(change, label, before, after):
        if change.action != Action.CREATE:
            change.add_related(imports.FieldChange(label, before, after))

    def write(self, plan):
        """Grade the new samples before they are inserted, and the stored ones whose results
        change once theirs are written: both in bulk."""
        created = [change.instance for change in plan.of(Action.CREATE)]
        new = {id(sample) for sample in created}
        services.grade_samples(created, [item for related in plan.related for item in related.creates
                                         if id(item.sample) in new])
        counts = super().write(plan)
        changed = [change.instance.pk for change in plan.changes
                   if change.action != Action.CREATE and (change.related or change.action == Action.RESTORE)]
        services.grade_samples_by_id(changed)
        return counts

    def export_bytes(self, queryset, user=None) -> bytes:
        return importing.export_xlsx(WATER_SAMPLE_EXPORT, self.export_rows(queryset, user))

    def export_rows(self, queryset, user=None):
        queryset = queryset.select_related("site").order_by("site__code", "sampled_at", "pk")
        for chunk in imports.chunks(list(queryset.values_list("pk", flat=True))):
            samples = list(queryset.filter(pk__in=chunk))
            results = defaultdict(dict)
            for item in Measurement.objects.filter(sample_id__in=chunk):
                results[item.sample_id][item.parameter] = item.reading
            for sample in samples:
                yield {
                    SITE_CODE: sample.site.code, "site_name": sample.site.name,
                    SAMPLED_AT: timezone.localtime(sample.sampled_at).strftime("%Y-%m-%d %H:%M"),
                    **{name: getattr(sample, name) for name in SAMPLE_TEXT},
                    **results[sample.pk],
                    "result_class": sample.get_water_class_display() if sample.water_class else "",
                    "result_grade": sample.quality_grade, "result_exceedances": sample.exceedances,
                }


def measurement_fields(reading: water_quality.Measurement) -> dict:
    """The stored fields of a result the grader has read (its value in the standard's unit)."""
    number = None if reading.value is None else Decimal(format(reading.value, ".15g"))
    if reading.below_detection:
        return {"value": None, "below_detection": True, "detection_limit": number}
    return {"value": number, "below_detection": False, "detection_limit": None}


water_sample_importer = imports.register(WaterSampleImporter())


# The enterprise environmental file (一企一档, environmental part) ---------------------------------
# Discharge permits, hazardous-waste manifests and credit ratings, each all-or-nothing; a row names
# its enterprise by 统一社会信用代码 or, without it, by its name (which must be one enterprise's).

from .choices import CreditRatingLevel, PermitCategory  # noqa: E402
from .models import CreditRating, DischargePermit, HazardousWasteManifest  # noqa: E402

PERMIT_SPEC = ImportSpec(
    name="environment.dischargepermit",
    title="排污许可证",
    key="number",
    columns=(
        Column("number", "许可证编号", kind="code", required=True, max_length=22,
               synonyms=("排污许可证编号", "证书编号", "编号")),
        *enterprise_columns(),
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
        *enterprise_columns(),
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
        *enterprise_columns(),
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
