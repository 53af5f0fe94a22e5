from openpark.core.forms import DateInput, ScopedModelForm

from .models import Certification, TransformationProject

DATE = DateInput()
CERTIFICATION_FIELDS = ["enterprise", "kind", "level", "issuing_level", "certified_on", "expires_on",
                        "document_number", "note"]
PROJECT_FIELDS = ["enterprise", "name", "year", "diagnosed_on", "investment", "equipment_investment",
                  "software_investment", "network", "subsidy_applied", "subsidy_received", "note"]


class CertificationForm(ScopedModelForm):
    class Meta:
        model = Certification
        fields = CERTIFICATION_FIELDS
        widgets = {"certified_on": DATE, "expires_on": DATE}


class TransformationProjectForm(ScopedModelForm):
    class Meta:
        model = TransformationProject
        fields = PROJECT_FIELDS
        widgets = {"diagnosed_on": DATE}
