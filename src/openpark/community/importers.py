"""Column maps of the 新就业群体 sheets: the service stations and the workers, each imported
all-or-nothing and exported in the same layout.

A station is matched by its name; its opening hours are one cell ("08:00-22:00", "24小时"), its
facilities another, named from the facility list and separated by "、" ("饮水、充电、休息"). A
worker is matched by the whole mobile number; a number shown masked (an export made by a role
without the right to see numbers) cannot identify anyone and is refused. Numbers are stored
encrypted, so a worker is found by the digest of the number (`Worker.phone_digest`)."""
import re
from collections import defaultdict
from datetime import time

from openpark.core import crypto, imports
from openpark.core.models import Grid
from openpark.core.importing import CellError, Column, ImportSpec
from openpark.core.imports import FieldChange, LinkChanges
from openpark.core.matching import Action
from openpark.core.masking import is_masked, visible_value
from openpark.enterprises.importers import choices_of, split_list
from openpark.enterprises.models import Enterprise

from .choices import JobType, StationKind, StationTier
from .models import Organisation, Station, VolunteerTeam, Worker, normalise_phone
from .standards import facilities_text, parse_facilities, unknown_facilities_message

ALWAYS_OPEN = ("24小时", "24 小时", "全天")
HOURS = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(?:次日\s*)?(\d{1,2})[:：](\d{2})\s*$")


def parse_hours(text: str) -> tuple[time | None, time | None]:
    """("08:00-22:00") → (08:00, 22:00); 24小时 or nothing → (None, None); ValueError otherwise."""
    text = (text or "").strip()
    if not text or text in ALWAYS_OPEN:
        return None, None
    found = HOURS.match(text)
    if found is None:
        raise ValueError("开放时段应写作“08:00-22:00”或“24小时”")
    h1, m1, h2, m2 = (int(part) for part in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError("开放时段的时间无效")
    return time(h1, m1), time(h2, m2)


def format_hours(station) -> str:
    if station.opens_at is None or station.closes_at is None:
        return "24小时"
    return f"{station.opens_at:%H:%M}-{station.closes_at:%H:%M}"


STATION_SPEC = ImportSpec(
    name="community.station",
    title="服务站点",
    key="name",
    columns=(
        Column("name", "名称", required=True, max_length=100, synonyms=("站点名称", "驿站名称")),
        Column("tier", "层级", kind="choice", required=True, choices=choices_of(StationTier), synonyms=("站点层级",)),
        Column("kind", "驿站类型", kind="choice", choices=choices_of(StationKind), synonyms=("类型",)),
        Column("organisation", "主管组织", max_length=100, synonyms=("组织",)),
        Column("address", "地址", max_length=200),
        Column("longitude", "经度", kind="decimal", required=True, decimal_places=6),
        Column("latitude", "纬度", kind="decimal", required=True, decimal_places=6),
        Column("hours", "开放时段", max_length=30, synonyms=("开放时间", "营业时间")),
        Column("facilities", "设施", max_length=300, synonyms=("服务设施",)),
        Column("note", "说明", max_length=2000, synonyms=("备注",)),
    ),
)
STATION_PLAIN = ("name", "tier", "kind", "address", "longitude", "latitude", "note")


class StationImporter(imports.ModelImporter):
    spec = STATION_SPEC
    model = Station
    key = ("name",)
    notes = ("按名称对应已有站点；开放时段写作“08:00-22:00”，晚于次日关闭写作“18:00-02:00”，全天开放写“24小时”；"
             "设施从设施清单中选，用“、”分隔，如“饮水、充电、休息”。")

    def resolve(self, rows):
        organisations = dict(Organisation.objects.values_list("name", "pk"))
        errors = []
        for row in rows:
            values = row.values
            if values.get("organisation"):
                values["organisation_id"] = organisations.get(values["organisation"])
                if values["organisation_id"] is None:
                    errors.append(CellError(row.sheet, row.row, "主管组织", values["organisation"], "没有这个组织"))
            elif "organisation" in values:
                values["organisation_id"] = None
            if "hours" in values:
                try:
                    values["opens_at"], values["closes_at"] = parse_hours(values["hours"])
                except ValueError as exc:
                    errors.append(CellError(row.sheet, row.row, "开放时段", values["hours"], str(exc)))
            if "facilities" in values:
                text = values["facilities"] or ""
                values["facilities"], unknown = parse_facilities(text)
                if unknown:
                    errors.append(CellError(row.sheet, row.row, "设施", text, unknown_facilities_message(unknown)))
        return errors

    def assign(self, instance, values):
        for name in STATION_PLAIN:
            if name in values:
                value = values[name]
                setattr(instance, name, "" if value is None and name not in ("longitude", "latitude") else value)
        for name in ("organisation_id", "opens_at", "closes_at"):
            if name in values:
                setattr(instance, name, values[name])
        if "facilities" in values:
            instance.facilities = values["facilities"] or []

    def export_rows(self, queryset, user=None):
        for station in queryset.select_related("organisation").iterator(chunk_size=2000):
            yield {**{name: getattr(station, name) for name in STATION_PLAIN}, "hours": format_hours(station),
                   "facilities": facilities_text(station.facilities),
                   "organisation": station.organisation.name if station.organisation_id else ""}


WORKER_SPEC = ImportSpec(
    name="community.worker",
    title="从业人员",
    key="phone",
    columns=(
        Column("phone", "手机号", required=True, max_length=20, synonyms=("手机号码", "联系电话", "电话")),
        Column("name", "姓名", required=True, max_length=50),
        Column("employer_uscc", "所属企业统一社会信用代码", kind="uscc", synonyms=("企业统一社会信用代码", "信用代码")),
        Column("job_type", "从业类型", kind="choice", required=True, choices=choices_of(JobType), synonyms=("岗位类型",)),
        Column("party_member", "党员", kind="bool", synonyms=("是否党员",)),
        Column("union_member", "工会会员", kind="bool", synonyms=("是否工会会员",)),
        Column("grid_worker", "兼职网格员", kind="bool", synonyms=("是否兼职网格员",)),
        Column("station", "常驻驿站", max_length=100, synonyms=("驿站",)),
        Column("grid", "所在网格", max_length=100, synonyms=("网格", "网格编码")),
        Column("teams", "志愿队伍", max_length=500, synonyms=("所属志愿队伍",)),
        Column("id_number", "身份证号", max_length=18, synonyms=("身份证号码",)),
        Column("consent_on", "个人信息同意日期", kind="date", synonyms=("同意日期",)),
        Column("note", "说明", max_length=2000, synonyms=("备注",)),
    ),
)
WORKER_PLAIN = ("name", "job_type", "consent_on", "note")
WORKER_FLAGS = ("party_member", "union_member", "grid_worker")


class WorkerImporter(imports.ModelImporter):
    spec = WORKER_SPEC
    model = Worker
    key = ("phone",)
    notes = "按完整手机号对应已有人员；登记手机号和身份证号须填写本人同意日期；志愿队伍用“、”分隔。"

    def resolve(self, rows):
        enterprises = {}
        codes = [r.values["employer_uscc"] for r in rows if r.values.get("employer_uscc")]
        for chunk in imports.chunks(codes):
            enterprises.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
        stations = dict(Station.objects.values_list("name", "pk"))
        grids = {**dict(Grid.objects.values_list("name", "pk")), **dict(Grid.objects.values_list("code", "pk"))}
        teams = dict(VolunteerTeam.objects.values_list("name", "pk"))
        errors = []
        for row in rows:
            values = row.values
            phone = values.get("phone") or ""
            if is_masked(phone):
                errors.append(CellError(row.sheet, row.row, "手机号", phone, "手机号已打码，无法对应人员，请填写完整号码"))
            values["phone"] = normalise_phone(phone)
            if is_masked(values.get("id_number") or ""):
                errors.append(CellError(row.sheet, row.row, "身份证号", values["id_number"], "身份证号已打码，请填写完整号码或留空"))
            if values.get("employer_uscc"):
                values["employer_id"] = enterprises.get(values["employer_uscc"])
                if values["employer_id"] is None:
                    errors.append(CellError(row.sheet, row.row, "所属企业统一社会信用代码", values["employer_uscc"],
                                            "园区企业中没有这个统一社会信用代码"))
            elif "employer_uscc" in values:
                values["employer_id"] = None
            if values.get("grid"):
                values["grid_id"] = grids.get(values["grid"])
                if values["grid_id"] is None:
                    errors.append(CellError(row.sheet, row.row, "所在网格", values["grid"], "没有这个网格（填写网格编码或名称）"))
            elif "grid" in values:
                values["grid_id"] = None
            if values.get("station"):
                values["station_id"] = stations.get(values["station"])
                if values["station_id"] is None:
                    errors.append(CellError(row.sheet, row.row, "常驻驿站", values["station"], "没有这个站点"))
            elif "station" in values:
                values["station_id"] = None
            if "teams" in values:
                names = split_list(values["teams"] or "")
                missing = [name for name in names if name not in teams]
                if missing:
                    errors.append(CellError(row.sheet, row.row, "志愿队伍", values["teams"],
                                            f"没有名为“{'、'.join(missing)}”的志愿队伍"))
                values["team_ids"] = sorted({teams[name] for name in names if name in teams})
        return errors

    def existing(self, keys):
        """The stored workers of the phones in `keys`, found by the phones' digests (the phone itself
        is stored encrypted and cannot be compared), one query per batch."""
        wanted = {}
        for (phone,) in keys:
            if phone:
                for digest in crypto.lookup_candidates(phone):
                    wanted[digest] = (phone,)
        found = {}
        for chunk in imports.chunks(sorted(wanted)):
            for worker in Worker.all_objects.filter(phone_digest__in=chunk).order_by("is_deleted", "pk"):
                found.setdefault(wanted[worker.phone_digest], worker)
        return found

    def assign(self, instance, values):
        for name in WORKER_PLAIN:
            if name in values:
                value = values[name]
                setattr(instance, name, "" if value is None and name in ("name", "note") else value)
        for name in WORKER_FLAGS:
            if name in values:
                setattr(instance, name, bool(values[name]))
        for name in ("phone", "employer_id", "station_id", "grid_id"):
            if name in values:
                setattr(instance, name, values[name])
        if "id_number" in values:
            instance.id_number = values["id_number"] or ""

    def plan_related(self, plan):
        changes = [change for change in plan.changes
                   if change.action != Action.UNCHANGED or "team_ids" in change.record.values]
        known = [change.instance.pk for change in changes if change.instance.pk is not None]
        stored = defaultdict(list)
        through = Worker.teams.through
        for worker_id, team_id in imports.rows_of(through.objects.values_list("worker_id", "volunteerteam_id"),
                                                  "worker_id", known):
            stored[worker_id].append(team_id)
        teams = VolunteerTeam.objects.in_bulk(sorted({pk for change in changes
                                                      for pk in change.record.values.get("team_ids", ())}))
        owned = LinkChanges(Worker, "teams")
        for change in changes:
            if "team_ids" not in change.record.values:
                continue
            before = sorted(stored.get(change.instance.pk, [])) if change.instance.pk is not None else []
            after = change.record.values["team_ids"]
            if before == after:
                continue
            owned.owners.append((change.instance, before, [teams[pk] for pk in after]))
            if change.action != Action.CREATE:
                change.add_related(FieldChange("志愿队伍", "、".join(str(pk) for pk in before),
                                               "、".join(str(teams[pk]) for pk in after)))
        plan.related.append(owned)

    def export_rows(self, queryset, user=None):
        for worker in queryset.select_related("employer", "station", "grid").prefetch_related("teams").iterator(
                chunk_size=2000):
            yield {
                **{name: getattr(worker, name) for name in (*WORKER_PLAIN, *WORKER_FLAGS)},
                "phone": visible_value(worker, "phone", user), "id_number": visible_value(worker, "id_number", user),
                "employer_uscc": worker.employer.uscc if worker.employer_id else "",
                "station": worker.station.name if worker.station_id else "",
                "grid": worker.grid.code if worker.grid_id else "",
                "teams": "、".join(team.name for team in worker.teams.all()),
            }


station_importer = imports.register(StationImporter())
worker_importer = imports.register(WorkerImporter())
