"""The 智改数转 sheets: certifications (认定名录) and transformation projects (改造项目), each
imported all-or-nothing and exported in the same layout, so that a file can go round.

A row names its enterprise by 统一社会信用代码 or, without it, by its name, as the enterprise file's
sheets do. Every row runs the model's rules before anything is written. Of the kinds held at one
level at a time (星级上云, 智能工厂), the certifications a file brings end the ones held before as if
they had been entered one by one in the order of their dates (`services.supersede_many`, the rule
that `Certification.save` runs too). A project's state moves only through its transitions: a new
project starts at 立项, and a stored project's state cannot be changed by a sheet."""
from decimal import Decimal

from openpark.core import imports
from openpark.core.importing import CellError, Column, ImportSpec
from openpark.core.matching import Action
from openpark.enterprises.importers import EnterpriseFileImporter, choices_of, enterprise_columns

from . import services
from .choices import (
    ONE_LEVEL_AT_A_TIME, CertificationKind, CertificationLevel, IssuingLevel, NetworkConnection, ProjectState,
)
from .models import Certification, TransformationProject

CERTIFICATION_SPEC = ImportSpec(
    name="transformation.certification",
    title="智改数转认定",
    key="kind",
    unique_key=False,
    columns=(
        *enterprise_columns(),
        Column("kind", "认定类型", kind="choice", required=True, choices=choices_of(CertificationKind),
               synonyms=("类型", "认定类别")),
        Column("level", "级别", kind="choice", choices=choices_of(CertificationLevel), synonyms=("等级", "星级")),
        Column("issuing_level", "认定层级", kind="choice", required=True, choices=choices_of(IssuingLevel),
               synonyms=("认定级别", "层级")),
        Column("certified_on", "认定日期", kind="date", required=True, synonyms=("认定时间",)),
        Column("expires_on", "有效期至", kind="date", synonyms=("到期日期",)),
        Column("document_number", "文号", max_length=100, synonyms=("认定文号", "发文文号")),
        Column("note", "备注", max_length=2000, synonyms=("说明",)),
    ),
)


class CertificationImporter(EnterpriseFileImporter):
    spec = CERTIFICATION_SPEC
    model = Certification
    key = ("enterprise", "kind", "level", "certified_on")
    plain = ("kind", "level", "issuing_level", "certified_on", "expires_on", "document_number", "note")
    blank_text = frozenset({"level", "document_number", "note"})
    notes = ("按企业、认定类型、级别和认定日期对应已有认定。星级上云和智能工厂同一时间只持有一个级别："
             "导入的新认定按认定日期先后替代该企业此前的同类认定，与逐条录入相同；"
             "认定日期不能早于该企业当前持有的同类认定。")

    def check(self, plan):
        errors = super().check(plan)
        for row in plan.rows:
            row.values["level"] = row.values.get("level") or ""
        return errors

    def check_rules(self, plan):
        """The model's rules, with the current certifications its clean compares with read once
        for all the pairs the file names (one query, not one a row)."""
        checked = [change.instance for change in plan.of(Action.CREATE, Action.UPDATE, Action.RESTORE)]
        held = services.current_by_pair(checked)
        for instance in checked:
            instance._held_current = held.get((instance.enterprise_id, instance.kind), [])
        return super().check_rules(plan)

    def check_changes(self, plan):
        """Two certifications of one enterprise and one kind held at one level at a time, on the
        same day: entered one by one, the second would be refused, so is the second row here."""
        errors, seen = [], {}
        for change in sorted(plan.of(Action.CREATE), key=lambda c: (c.record.row.sheet, c.record.row.row)):
            instance, row = change.instance, change.record.row
            if instance.kind not in ONE_LEVEL_AT_A_TIME:
                continue
            key = (instance.enterprise_id, instance.kind, instance.certified_on)
            if key in seen:
                errors.append(CellError(row.sheet, row.row, plan.headers.get("certified_on", "认定日期"),
                                        instance.certified_on.isoformat(),
                                        f"与第 {seen[key]} 行是同一企业同一天的{instance.get_kind_display()}，"
                                        "同一时间只能持有一个级别"))
            else:
                seen[key] = row.row
        return errors

    def write(self, plan):
        counts = super().write(plan)
        services.supersede_many([change.instance for change in plan.of(Action.CREATE, Action.UPDATE, Action.RESTORE)])
        return counts


PROJECT_SPEC = ImportSpec(
    name="transformation.transformationproject",
    title="智改数转项目",
    key="name",
    unique_key=False,
    columns=(
        *enterprise_columns(),
        Column("name", "项目名称", required=True, max_length=200, synonyms=("项目",)),
        Column("year", "年度", kind="int", required=True, synonyms=("项目年度", "年份")),
        Column("diagnosed_on", "诊断日期", kind="date", synonyms=("诊断时间",)),
        Column("investment", "总投资", kind="decimal", unit="万元", required=True, decimal_places=2,
               synonyms=("项目总投资",)),
        Column("equipment_investment", "设备投资", kind="decimal", unit="万元", decimal_places=2),
        Column("software_investment", "软件投资", kind="decimal", unit="万元", decimal_places=2),
        Column("network", "网络接入", kind="choice", choices=choices_of(NetworkConnection)),
        Column("subsidy_applied", "申请补助", kind="decimal", unit="万元", decimal_places=2),
        Column("subsidy_received", "到位补助", kind="decimal", unit="万元", decimal_places=2),
        Column("state", "状态", kind="choice", choices=choices_of(ProjectState), synonyms=("项目状态",)),
        Column("note", "备注", max_length=2000, synonyms=("说明",)),
    ),
)
ZERO = Decimal("0")
MONEY_DEFAULTS = ("equipment_investment", "software_investment", "subsidy_applied", "subsidy_received")


class ProjectImporter(EnterpriseFileImporter):
    spec = PROJECT_SPEC
    model = TransformationProject
    key = ("enterprise", "name", "year")
    plain = ("name", "year", "diagnosed_on", "investment", "equipment_investment", "software_investment", "network",
             "subsidy_applied", "subsidy_received", "note")
    notes = ("按企业、项目名称和年度对应已有项目。新项目从“立项”开始；项目状态只能在项目页面按流程推进"
             "（开始实施、验收完成、终止），导入不改变已有项目的状态。")

    def assign(self, instance, values):
        super().assign(instance, values)
        for name in MONEY_DEFAULTS:
            if name in values and values[name] is None:
                setattr(instance, name, ZERO)
        if "network" in values and not values["network"]:
            instance.network = NetworkConnection.NONE

    def check_changes(self, plan):
        """A state moves only through the project's transitions: a new project starts at 立项, a
        stored one keeps its state (a row may restate it, not change it)."""
        errors = []
        for change in plan.changes:
            values, row = change.record.values, change.record.row
            wanted = values.get("state")
            if not wanted:
                continue
            column = plan.headers.get("state", "状态")
            if change.action == Action.CREATE:
                if wanted != ProjectState.APPROVED:
                    errors.append(CellError(row.sheet, row.row, column, str(ProjectState(wanted).label),
                                            f"新项目从“{ProjectState.APPROVED.label}”开始，之后在项目页面按流程推进；"
                                            "导入时状态只能为空或“立项”"))
            elif wanted != change.instance.state:
                errors.append(CellError(row.sheet, row.row, column, str(ProjectState(wanted).label),
                                        f"状态只能在项目页面按流程推进（当前为“{ProjectState(change.instance.state).label}”）；"
                                        "导入不改变状态"))
        return errors

    def export_row(self, record) -> dict:
        return {**super().export_row(record), "state": record.state}


certification_importer = imports.register(CertificationImporter())
project_importer = imports.register(ProjectImporter())
