"""智改数转's declared models (see `openpark.core.registry`)."""
from openpark.core.generic import ModelPages
from openpark.core.registry import Api, Menu, add_panel
from openpark.enterprises.models import Enterprise

from . import filters, forms
from .importers import certification_importer, project_importer
from .models import Certification, TransformationProject
from .views import enterprise_panel

MODULE = "transformation"

certification_pages = ModelPages(
    Certification, filterset_class=filters.CertificationFilterSet, form_class=forms.CertificationForm,
    prefix="certifications/",
    list_columns=["enterprise", "kind", "level", "issuing_level", "certified_on", "expires_on", "ended_on"],
    detail_fields=[*forms.CERTIFICATION_FIELDS, "ended_on", "superseded_by"],
    select_related=["enterprise"], attachments=True, importer=certification_importer,
    api=Api("certifications", fields=(*forms.CERTIFICATION_FIELDS, "ended_on", "superseded_by"),
            read_only_fields=("ended_on", "superseded_by"), select_related=("enterprise",)),
    menu=Menu(MODULE, "认定名录", order=10),
)
project_pages = ModelPages(
    TransformationProject, filterset_class=filters.TransformationProjectFilterSet,
    form_class=forms.TransformationProjectForm, prefix="projects/",
    list_columns=["name", "enterprise", "year", "investment", "subsidy_applied", "subsidy_received", "state"],
    detail_fields=[*forms.PROJECT_FIELDS, "state"],
    select_related=["enterprise"], attachments=True, importer=project_importer,
    api=Api("projects", fields=(*forms.PROJECT_FIELDS, "state"), read_only_fields=("state",),
            select_related=("enterprise",)),
    menu=Menu(MODULE, "改造项目", order=20),
)

add_panel(Enterprise, enterprise_panel)
