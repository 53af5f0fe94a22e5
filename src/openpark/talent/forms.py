from openpark.core.forms import DateInput, ScopedModelForm

from .models import Apprenticeship, FairBooth, JobPosting, RecruitmentFair, SchoolPartnership, SkillsTraining

DATE = DateInput()
POSTING_FIELDS = ["enterprise", "title", "trade", "headcount", "education", "salary_low", "salary_high",
                  "posted_on", "closes_on", "hired", "status", "note"]
PARTNERSHIP_FIELDS = ["enterprise", "school", "kind", "major", "started_on", "ended_on", "students_per_year", "note"]
FAIR_FIELDS = ["name", "held_on", "venue", "kind", "organiser", "visitors", "note"]
BOOTH_FIELDS = ["fair", "enterprise", "positions", "resumes", "hires", "note"]
TRAINING_FIELDS = ["name", "trade", "organiser", "enterprise", "started_on", "ended_on", "trainees", "certified",
                   "note"]
APPRENTICESHIP_FIELDS = ["enterprise", "master", "apprentice", "trade", "started_on", "planned_end_on", "outcome",
                         "finished_on", "skill_level", "note"]


class JobPostingForm(ScopedModelForm):
    class Meta:
        model = JobPosting
        fields = POSTING_FIELDS
        widgets = {"posted_on": DATE, "closes_on": DATE}


class SchoolPartnershipForm(ScopedModelForm):
    class Meta:
        model = SchoolPartnership
        fields = PARTNERSHIP_FIELDS
        widgets = {"started_on": DATE, "ended_on": DATE}


class RecruitmentFairForm(ScopedModelForm):
    class Meta:
        model = RecruitmentFair
        fields = FAIR_FIELDS
        widgets = {"held_on": DATE}


class FairBoothForm(ScopedModelForm):
    class Meta:
        model = FairBooth
        fields = BOOTH_FIELDS


class SkillsTrainingForm(ScopedModelForm):
    class Meta:
        model = SkillsTraining
        fields = TRAINING_FIELDS
        widgets = {"started_on": DATE, "ended_on": DATE}


class ApprenticeshipForm(ScopedModelForm):
    class Meta:
        model = Apprenticeship
        fields = APPRENTICESHIP_FIELDS
        widgets = {"started_on": DATE, "planned_end_on": DATE, "finished_on": DATE}
