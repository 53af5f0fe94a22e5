"""人才服务's declared models (see `openpark.core.registry`)."""
from openpark.core.generic import ModelPages
from openpark.core.registry import Api, Menu, add_panel
from openpark.enterprises.models import Enterprise

from . import filters, forms
from .importers import (
    apprenticeship_importer, booth_importer, fair_importer, partnership_importer, posting_importer,
    training_importer,
)
from .models import Apprenticeship, FairBooth, JobPosting, RecruitmentFair, SchoolPartnership, SkillsTraining
from .views import enterprise_panel, fair_booths_panel

MODULE = "talent"

posting_pages = ModelPages(
    JobPosting, filterset_class=filters.JobPostingFilterSet, form_class=forms.JobPostingForm, prefix="postings/",
    list_columns=["title", "enterprise", "trade", "headcount", "education", "salary_low", "salary_high",
                  "posted_on", "closes_on", "hired", "status"],
    detail_fields=forms.POSTING_FIELDS, select_related=["enterprise"], importer=posting_importer,
    api=Api("postings", fields=tuple(forms.POSTING_FIELDS), select_related=("enterprise",)),
    menu=Menu(MODULE, "招聘岗位", order=10), totals=("headcount", "hired"),
)
partnership_pages = ModelPages(
    SchoolPartnership, filterset_class=filters.SchoolPartnershipFilterSet, form_class=forms.SchoolPartnershipForm,
    prefix="partnerships/",
    list_columns=["school", "enterprise", "kind", "major", "started_on", "ended_on", "students_per_year"],
    detail_fields=forms.PARTNERSHIP_FIELDS, select_related=["enterprise"], importer=partnership_importer,
    attachments=True,
    api=Api("partnerships", fields=tuple(forms.PARTNERSHIP_FIELDS), select_related=("enterprise",)),
    menu=Menu(MODULE, "校企合作", order=20),
)
fair_pages = ModelPages(
    RecruitmentFair, filterset_class=filters.RecruitmentFairFilterSet, form_class=forms.RecruitmentFairForm,
    prefix="fairs/", list_columns=["name", "held_on", "kind", "venue", "organiser", "visitors"],
    detail_fields=forms.FAIR_FIELDS, panels=[fair_booths_panel], importer=fair_importer, attachments=True,
    api=Api("fairs", fields=tuple(forms.FAIR_FIELDS)),
    menu=Menu(MODULE, "招聘会", order=30), totals=("visitors",),
)
booth_pages = ModelPages(
    FairBooth, filterset_class=filters.FairBoothFilterSet, form_class=forms.FairBoothForm, prefix="booths/",
    list_columns=["enterprise", "fair", "positions", "resumes", "hires"], link_column="enterprise",
    detail_fields=forms.BOOTH_FIELDS, select_related=["enterprise", "fair"], importer=booth_importer,
    api=Api("booths", fields=tuple(forms.BOOTH_FIELDS), select_related=("enterprise", "fair")),
    menu=Menu(MODULE, "参会企业", order=40), totals=("positions", "resumes", "hires"),
)
training_pages = ModelPages(
    SkillsTraining, filterset_class=filters.SkillsTrainingFilterSet, form_class=forms.SkillsTrainingForm,
    prefix="trainings/",
    list_columns=["name", "trade", "organiser", "enterprise", "started_on", "ended_on", "trainees", "certified"],
    detail_fields=forms.TRAINING_FIELDS, select_related=["enterprise"], importer=training_importer,
    attachments=True,
    api=Api("trainings", fields=tuple(forms.TRAINING_FIELDS), select_related=("enterprise",)),
    menu=Menu(MODULE, "技能培训", order=50), totals=("trainees", "certified"),
)
apprenticeship_pages = ModelPages(
    Apprenticeship, filterset_class=filters.ApprenticeshipFilterSet, form_class=forms.ApprenticeshipForm,
    prefix="apprenticeships/",
    list_columns=["master", "apprentice", "enterprise", "trade", "started_on", "planned_end_on", "outcome",
                  "finished_on", "skill_level"],
    detail_fields=forms.APPRENTICESHIP_FIELDS, select_related=["enterprise"], importer=apprenticeship_importer,
    api=Api("apprenticeships", fields=tuple(forms.APPRENTICESHIP_FIELDS), select_related=("enterprise",)),
    menu=Menu(MODULE, "名师带高徒", order=60),
)

add_panel(Enterprise, enterprise_panel)
