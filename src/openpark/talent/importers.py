"""Column maps of 人才服务's sheets, each imported all-or-nothing and exported in the same layout.

A row names its enterprise by 统一社会信用代码 or, without one, by its name (one enterprise's), as
the enterprise file's sheets do; a booth names its fair by the fair's name and date."""
from openpark.core import imports
from openpark.core.importing import CellError, Column, ImportSpec
from openpark.enterprises.importers import (
    EnterpriseFileImporter, choices_of, enterprise_columns, enterprise_scope, resolve_enterprises,
)

from .choices import ApprenticeshipOutcome, Education, FairKind, PartnershipKind, PostingStatus, SkillLevel
from .models import Apprenticeship, FairBooth, JobPosting, RecruitmentFair, SchoolPartnership, SkillsTraining

NOTE = Column("note", "备注", max_length=2000, synonyms=("说明",))


class TalentImporter(EnterpriseFileImporter):
    """A sheet whose rows belong to an enterprise; `defaults` fill the blank cells of fields with a default."""

    defaults: dict = {}
    optional_enterprise = False

    def check(self, plan):
        plan.enterprise_scope = enterprise_scope()
        if not self.optional_enterprise:
            return resolve_enterprises(plan.rows, plan.enterprise_scope)
        named = [r for r in plan.rows if r.values.get("enterprise_uscc") or r.values.get("enterprise_name")]
        for row in plan.rows:
            row.values.setdefault("enterprise_id", None)
        return resolve_enterprises(named, plan.enterprise_scope)

    def assign(self, instance, values):
        super().assign(instance, values)
        for name, default in self.defaults.items():
            if name in values and values[name] is None:
                setattr(instance, name, default)
        if self.optional_enterprise and "enterprise_id" in values:
            instance.enterprise_id = values["enterprise_id"]


POSTING_SPEC = ImportSpec(
    name="talent.jobposting",
    title="招聘岗位",
    key="title",
    unique_key=False,
    columns=(
        *enterprise_columns(),
        Column("title", "岗位名称", required=True, max_length=100, synonyms=("岗位", "职位", "职位名称")),
        Column("trade", "工种", max_length=100, synonyms=("职业", "工种/职业")),
        Column("headcount", "招聘人数", kind="int", unit="人", required=True, synonyms=("需求人数", "人数")),
        Column("education", "学历要求", kind="choice", choices=choices_of(Education), synonyms=("学历",)),
        Column("salary_low", "月薪下限", kind="int", synonyms=("薪资下限", "最低月薪")),
        Column("salary_high", "月薪上限", kind="int", synonyms=("薪资上限", "最高月薪")),
        Column("posted_on", "发布日期", kind="date", required=True, synonyms=("发布时间",)),
        Column("closes_on", "截止日期", kind="date", synonyms=("截止时间",)),
        Column("hired", "已招人数", kind="int", unit="人", synonyms=("已录用人数",)),
        Column("status", "状态", kind="choice", choices=choices_of(PostingStatus), synonyms=("招聘状态",)),
        NOTE,
    ),
)


class JobPostingImporter(TalentImporter):
    spec = POSTING_SPEC
    model = JobPosting
    key = ("enterprise", "title", "posted_on")
    plain = ("title", "trade", "headcount", "education", "salary_low", "salary_high", "posted_on", "closes_on",
             "hired", "status", "note")
    blank_text = frozenset({"note", "trade"})
    defaults = {"education": Education.ANY, "hired": 0, "status": PostingStatus.OPEN}
    notes = "按企业、岗位名称和发布日期对应已有岗位；月薪以元/月计。"


PARTNERSHIP_SPEC = ImportSpec(
    name="talent.schoolpartnership",
    title="校企合作",
    key="school",
    unique_key=False,
    columns=(
        *enterprise_columns(),
        Column("school", "合作院校", required=True, max_length=200, synonyms=("院校", "学校", "院校名称")),
        Column("kind", "合作形式", kind="choice", required=True, choices=choices_of(PartnershipKind),
               synonyms=("合作类型", "形式")),
        Column("major", "专业", max_length=100, synonyms=("合作专业",)),
        Column("started_on", "开始日期", kind="date", required=True, synonyms=("合作开始日期", "签约日期")),
        Column("ended_on", "结束日期", kind="date", synonyms=("合作结束日期",)),
        Column("students_per_year", "每年学生数", kind="int", unit="人", synonyms=("学生数", "每年学生人数")),
        NOTE,
    ),
)


class SchoolPartnershipImporter(TalentImporter):
    spec = PARTNERSHIP_SPEC
    model = SchoolPartnership
    key = ("enterprise", "school", "kind", "started_on")
    plain = ("school", "kind", "major", "started_on", "ended_on", "students_per_year", "note")
    blank_text = frozenset({"note", "major"})
    defaults = {"students_per_year": 0}
    notes = "按企业、合作院校、合作形式和开始日期对应已有合作。"


FAIR_SPEC = ImportSpec(
    name="talent.recruitmentfair",
    title="招聘会",
    key="name",
    unique_key=False,
    columns=(
        Column("name", "招聘会名称", required=True, max_length=200, synonyms=("名称", "招聘会")),
        Column("held_on", "举办日期", kind="date", required=True, synonyms=("日期", "举办时间")),
        Column("venue", "地点", max_length=200, synonyms=("举办地点",)),
        Column("kind", "形式", kind="choice", choices=choices_of(FairKind), synonyms=("举办形式",)),
        Column("organiser", "主办单位", max_length=200, synonyms=("主办方",)),
        Column("visitors", "到场求职人数", kind="int", unit="人", synonyms=("求职人数", "到场人数")),
        NOTE,
    ),
)
FAIR_PLAIN = ("name", "held_on", "venue", "kind", "organiser", "visitors", "note")


class RecruitmentFairImporter(imports.ModelImporter):
    spec = FAIR_SPEC
    model = RecruitmentFair
    key = ("name", "held_on")
    notes = "按招聘会名称和举办日期对应已有招聘会；参会企业在“参会企业”表中导入。"

    def assign(self, instance, values):
        defaults = {"venue": "", "organiser": "", "note": "", "kind": FairKind.ONSITE, "visitors": 0}
        for name in FAIR_PLAIN:
            if name in values:
                value = values[name]
                setattr(instance, name, defaults.get(name) if value is None else value)

    def export_rows(self, queryset, user=None):
        for fair in queryset.iterator(chunk_size=2000):
            yield {name: getattr(fair, name) for name in FAIR_PLAIN}


BOOTH_SPEC = ImportSpec(
    name="talent.fairbooth",
    title="参会企业",
    key="fair_name",
    unique_key=False,
    columns=(
        Column("fair_name", "招聘会名称", required=True, max_length=200, synonyms=("招聘会",)),
        Column("fair_held_on", "举办日期", kind="date", required=True, synonyms=("招聘会日期",)),
        *enterprise_columns(),
        Column("positions", "提供岗位数", kind="int", synonyms=("岗位数", "提供岗位")),
        Column("resumes", "收到简历数", kind="int", synonyms=("简历数",)),
        Column("hires", "达成就业意向", kind="int", unit="人", synonyms=("录用人数", "达成意向人数", "就业意向")),
        NOTE,
    ),
)


class FairBoothImporter(TalentImporter):
    spec = BOOTH_SPEC
    model = FairBooth
    key = ("fair", "enterprise")
    related = ("enterprise", "fair")
    plain = ("positions", "resumes", "hires", "note")
    defaults = {"positions": 0, "resumes": 0, "hires": 0}
    notes = "招聘会按名称和举办日期对应，须已登记；每家企业在一场招聘会登记一次。"

    def check(self, plan):
        errors = super().check(plan)
        names = {r.values["fair_name"] for r in plan.rows}
        fairs = {(name, held_on): pk for pk, name, held_on in
                 RecruitmentFair.objects.filter(name__in=names).values_list("pk", "name", "held_on")}
        for row in plan.rows:
            key = (row.values["fair_name"], row.values["fair_held_on"])
            row.values["fair_id"] = fairs.get(key)
            if row.values["fair_id"] is None:
                errors.append(CellError(row.sheet, row.row, "招聘会名称", row.values["fair_name"],
                                        f"没有 {key[1]:%Y-%m-%d} 举办的“{key[0]}”，请先登记该招聘会"))
        return errors

    def assign(self, instance, values):
        super().assign(instance, values)
        if values.get("fair_id") is not None:
            instance.fair_id = values["fair_id"]

    def export_row(self, record) -> dict:
        return {"fair_name": record.fair.name, "fair_held_on": record.fair.held_on, **super().export_row(record)}


TRAINING_SPEC = ImportSpec(
    name="talent.skillstraining",
    title="技能培训",
    key="name",
    unique_key=False,
    columns=(
        Column("name", "培训名称", required=True, max_length=200, synonyms=("培训班名称", "名称", "培训项目")),
        Column("trade", "工种", max_length=100, synonyms=("职业", "培训工种")),
        Column("organiser", "承办单位", max_length=200, synonyms=("培训机构", "主办单位")),
        *enterprise_columns(),
        Column("started_on", "开班日期", kind="date", required=True, synonyms=("开始日期",)),
        Column("ended_on", "结业日期", kind="date", synonyms=("结束日期",)),
        Column("trainees", "培训人数", kind="int", unit="人", synonyms=("参训人数",)),
        Column("certified", "取证人数", kind="int", unit="人", synonyms=("获证人数",)),
        NOTE,
    ),
)


class SkillsTrainingImporter(TalentImporter):
    spec = TRAINING_SPEC
    model = SkillsTraining
    key = ("name", "started_on")
    plain = ("name", "trade", "organiser", "started_on", "ended_on", "trainees", "certified", "note")
    blank_text = frozenset({"note", "trade", "organiser"})
    defaults = {"trainees": 0, "certified": 0}
    optional_enterprise = True
    notes = "按培训名称和开班日期对应已有培训；为一家企业举办的培训填写该企业，面向园区的留空。"


APPRENTICESHIP_SPEC = ImportSpec(
    name="talent.apprenticeship",
    title="名师带高徒",
    key="apprentice",
    unique_key=False,
    columns=(
        *enterprise_columns(),
        Column("master", "师傅", required=True, max_length=50, synonyms=("师傅姓名", "名师")),
        Column("apprentice", "徒弟", required=True, max_length=50, synonyms=("徒弟姓名", "高徒")),
        Column("trade", "工种", required=True, max_length=100, synonyms=("职业",)),
        Column("started_on", "开始日期", kind="date", required=True, synonyms=("带徒开始日期",)),
        Column("planned_end_on", "计划结束日期", kind="date", required=True, synonyms=("计划出师日期",)),
        Column("outcome", "带徒结果", kind="choice", choices=choices_of(ApprenticeshipOutcome),
               synonyms=("结果", "状态")),
        Column("finished_on", "实际结束日期", kind="date", synonyms=("出师日期",)),
        Column("skill_level", "达到技能等级", kind="choice", choices=choices_of(SkillLevel),
               synonyms=("技能等级",)),
        NOTE,
    ),
)


class ApprenticeshipImporter(TalentImporter):
    spec = APPRENTICESHIP_SPEC
    model = Apprenticeship
    key = ("enterprise", "master", "apprentice", "started_on")
    plain = ("master", "apprentice", "trade", "started_on", "planned_end_on", "outcome", "finished_on",
             "skill_level", "note")
    blank_text = frozenset({"note", "skill_level"})
    defaults = {"outcome": ApprenticeshipOutcome.ONGOING}
    notes = "按企业、师傅、徒弟和开始日期对应已有记录；只填姓名，不填联系方式和身份证号。"


posting_importer = imports.register(JobPostingImporter())
partnership_importer = imports.register(SchoolPartnershipImporter())
fair_importer = imports.register(RecruitmentFairImporter())
booth_importer = imports.register(FairBoothImporter())
training_importer = imports.register(SkillsTrainingImporter())
apprenticeship_importer = imports.register(ApprenticeshipImporter())
