"""The project sheet (招商项目): import, and the export that imports back unchanged.

A project's stage moves only through its transitions, so a sheet may create projects and update
their figures, but cannot change a stored project's stage: a row whose 阶段 differs from the
stored one is refused with the reason. A new project already under way comes with its stage and
the day it entered each stage (线索日期 … 投产日期) and what each stage needs (合同签订日期 …): its
history is entered as on the existing-project page (`services.enter_existing`: the same checks
and messages, by those who may enter project histories), recorded once on its timeline.
"""
from django.db.models import prefetch_related_objects
from django.utils import timezone

from openpark.core.bulk import insert_instances
from openpark.core.changes import record_created
from openpark.core.context import current_actor
from openpark.core.matching import Action

from openpark.core import imports
from openpark.core.importing import CellError, Column, ImportSpec
from openpark.enterprises.importers import choices_of
from openpark.enterprises.models import Enterprise, Zone

from . import stages
from .choices import STAGE_ORDER, Stage
from .models import ENTER_HISTORY_PERMISSION, Chain, ChainLink, Project, StageDate
from .services import history_dates, record_history

PROJECT_SPEC = ImportSpec(
    name="investment.project",
    title="招商项目",
    key="code",
    columns=(
        Column("code", "项目编号", kind="code", required=True, max_length=30, synonyms=("编号",)),
        Column("name", "项目名称", required=True, max_length=200, synonyms=("项目",)),
        Column("investor", "投资方", required=True, max_length=200, synonyms=("投资主体", "投资单位")),
        Column("investor_uscc", "投资方统一社会信用代码", kind="uscc", synonyms=("投资方信用代码",)),
        Column("chain", "产业链", required=True, max_length=50),
        Column("link", "环节", max_length=50, synonyms=("产业链环节",)),
        Column("zone", "片区", max_length=100, synonyms=("所在片区",)),
        Column("total_investment", "总投资", kind="decimal", unit="万元", required=True, decimal_places=2),
        Column("fixed_asset_investment", "固定资产投资", kind="decimal", unit="万元", decimal_places=2,
               synonyms=("固投",)),
        Column("foreign_investment", "外资", kind="decimal", unit="万美元", decimal_places=2, synonyms=("利用外资",)),
        Column("land_mu", "用地需求", kind="decimal", unit="亩", decimal_places=2, synonyms=("用地面积",)),
        Column("expected_output", "预计年产值", kind="decimal", unit="万元", decimal_places=2),
        Column("expected_tax", "预计年税收", kind="decimal", unit="万元", decimal_places=2),
        Column("linked_leader", "挂钩领导", max_length=50),
        Column("linked_department", "挂钩部门", max_length=100),
        Column("industrial", "工业项目", kind="bool"),
        Column("stage", "阶段", kind="choice", choices=choices_of(Stage), synonyms=("项目阶段",)),
        Column("contract_signed_on", "合同签订日期", kind="date"),
        Column("contract_amount", "合同金额", kind="decimal", unit="万元", decimal_places=2),
        Column("land_parcel", "供地地块编号", max_length=60, synonyms=("地块编号",)),
        Column("land_certificate", "不动产权证号", max_length=60, synonyms=("土地证号",)),
        Column("permit_number", "施工许可证号", max_length=60),
        Column("permit_issued_on", "施工许可日期", kind="date"),
        *(Column(name, f"{Stage(stage).label}日期", kind="date") for name, stage in stages.HISTORY_FIELDS.items()),
    ),
)
PLAIN_FIELDS = ("code", "name", "investor", "total_investment", "fixed_asset_investment", "foreign_investment",
                "land_mu", "expected_output", "expected_tax", "linked_leader", "linked_department", "industrial",
                *stages.FACT_FIELDS)
BLANK_TEXT = {"linked_leader", "linked_department", "land_parcel", "land_certificate", "permit_number"}


class ProjectImporter(imports.ModelImporter):
    spec = PROJECT_SPEC
    model = Project
    key = ("code",)
    notes = ("已在推进中的新项目可填写阶段、各阶段日期（线索日期……投产日期）及各阶段所需信息（合同签订日期、合同金额、"
             "供地地块编号或不动产权证号、施工许可证号和施工许可日期），作为既有项目录入其历史（须有录入既有项目历史的权限）；"
             "已有项目的阶段只能在项目页面按流程推进。")

    def resolve(self, rows):
        chains = dict(Chain.objects.values_list("name", "pk"))
        links = {(chain, name): pk for pk, chain, name in ChainLink.objects.values_list("pk", "chain_id", "name")}
        zones = dict(Zone.objects.values_list("name", "pk"))
        codes = [r.values["investor_uscc"] for r in rows if r.values.get("investor_uscc")]
        investors = {}
        for chunk in imports.chunks(codes):
            investors.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
        errors = []
        for row in rows:
            errors += self._resolve_row(row, chains, links, zones, investors)
        return errors

    def existing(self, keys):
        """The stored projects with their stage dates, which the project's rules read (one query)."""
        found = super().existing(keys)
        prefetch_related_objects(list(found.values()), "stage_dates")
        return found

    def check_changes(self, plan):
        """A stage moves only through the project's transitions: a row may restate the stored stage,
        not change it. A new project with a stage beyond 线索 or with stage dates is an existing
        project entered with its history: checked as on its page, by those who may."""
        errors = []
        today = timezone.localdate()
        for change in plan.changes:
            values, row = change.record.values, change.record.row
            if change.action != Action.CREATE:
                stored = change.instance.stage
                if values.get("stage") and values["stage"] != stored:
                    errors.append(CellError(row.sheet, row.row, "阶段", values["stage"],
                                            f"阶段只能在项目页面按流程推进（当前为“{Stage(stored).label}”）；导入不改变阶段"))
                continue
            stage, dates = values.get("stage") or Stage.LEAD, history_dates(values)
            if stage == Stage.LEAD and not any(dates.values()):
                continue
            user = current_actor().resolved_user()
            if user is not None and not user.has_perm(ENTER_HISTORY_PERMISSION):
                errors.append(CellError(row.sheet, row.row, "阶段", values.get("stage") or "",
                                        "您没有录入既有项目历史的权限；新项目只能从“线索”阶段开始"))
                continue
            facts = {name: getattr(change.instance, name) for name in stages.FACT_FIELDS}
            problems = stages.history_errors(stage, dates, facts, today)
            errors += [CellError(row.sheet, row.row, "阶段", values.get("stage") or "", message) for message in problems]
            if not problems:
                reached = {s: dates[s] for s in STAGE_ORDER if dates.get(s) is not None}
                change.instance.stage = stage
                change.instance.stage_changed_on = change.instance.last_progress_on = reached[stage]
                change.instance._entered_history = reached
        return errors

    def write(self, plan):
        """The projects, then the stage dates and the one timeline entry of each project entered
        with its history."""
        counts = super().write(plan)
        entered = [change for change in plan.of(Action.CREATE) if getattr(change.instance, "_entered_history", None)]
        dated = [StageDate(project=change.instance, stage=stage, actual_on=day)
                 for change in entered for stage, day in change.instance._entered_history.items()]
        insert_instances(StageDate, dated)
        record_created(dated)
        record_history([change.instance for change in entered], [change.instance._entered_history for change in entered],
                       current_actor().resolved_user())
        return counts

    def _resolve_row(self, row, chains, links, zones, investors) -> list[CellError]:
        values, errors = row.values, []

        def fail(column, value, reason):
            errors.append(CellError(row.sheet, row.row, column, value, reason))

        values["chain_id"] = chains.get(values["chain"])
        if values["chain_id"] is None:
            fail("产业链", values["chain"], f"没有名为“{values['chain']}”的产业链（可选：{'、'.join(chains)}）")
        if values.get("link"):
            values["link_id"] = links.get((values["chain_id"], values["link"]))
            if values["link_id"] is None and values["chain_id"] is not None:
                fail("环节", values["link"], f"产业链“{values['chain']}”中没有“{values['link']}”环节")
        elif "link" in values:
            values["link_id"] = None
        if "zone" in values:
            values["zone_id"] = zones.get(values["zone"]) if values["zone"] else None
            if values["zone"] and values["zone_id"] is None:
                fail("片区", values["zone"], f"没有名为“{values['zone']}”的片区")
        if values.get("investor_uscc"):
            values["investor_enterprise_id"] = investors.get(values["investor_uscc"])
            if values["investor_enterprise_id"] is None:
                fail("投资方统一社会信用代码", values["investor_uscc"], "园区企业中没有这个统一社会信用代码；投资方未注册时请留空")
        return errors

    def assign(self, instance, values):
        for name in PLAIN_FIELDS:
            if name in values:
                value = values[name]
                if value is None and name in BLANK_TEXT:
                    value = ""
                if value is None and name == "industrial":
                    value = True
                setattr(instance, name, value)
        for name in ("chain_id", "link_id", "zone_id", "investor_enterprise_id"):
            if name in values:
                setattr(instance, name, values[name])
        if instance.pk is None and not instance.code:
            from .models import next_code

            instance.code = next_code()

    def export_rows(self, queryset, user=None):
        dates = {}
        for project_id, stage, day in StageDate.objects.filter(project__in=queryset, actual_on__isnull=False) \
                .values_list("project_id", "stage", "actual_on"):
            dates.setdefault(project_id, {})[stage] = day
        for project in queryset.select_related("chain", "link", "zone", "investor_enterprise").iterator(chunk_size=2000):
            yield {
                **{name: getattr(project, name) for name in PLAIN_FIELDS},
                "investor_uscc": project.investor_enterprise.uscc if project.investor_enterprise_id else "",
                "chain": project.chain.name, "link": project.link.name if project.link_id else "",
                "zone": project.zone.name if project.zone_id else "", "stage": project.stage,
                **{stages.date_field(stage): day for stage, day in dates.get(project.pk, {}).items()},
            }


project_importer = imports.register(ProjectImporter())
