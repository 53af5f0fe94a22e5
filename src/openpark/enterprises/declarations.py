"""一企一档's declared models (see `openpark.core.registry`)."""
from django.db.models import Prefetch

from openpark.core.generic import ModelPages
from openpark.core.registry import Api, Menu

from . import filters, forms
from .api import serializers
from .chains import live_memberships
from .importers import enterprise_importer, parcel_importer
from .models import (
    AboveScaleYear, Chain, ChainLink, ChainMembership, Contact, Enterprise, HighTechCertificate, LandParcel, ParcelUse,
    ServiceContract, SubPark, Zone,
)
from .views import basic_panel, chain_panel, contacts_panel, land_panel, link_panel

MODULE = "enterprises"

enterprise_pages = ModelPages(
    Enterprise, filterset_class=filters.EnterpriseFilterSet, form_class=forms.EnterpriseForm,
    list_columns=["uscc", "name", "status", "industry", "zone", "subpark", "updated_at"],
    detail_fields=["uscc", "name", "status", "registered_on", "production_started_on", "industry", "zone",
                   "subpark", "address", "longitude", "latitude", "linked_leader", "linked_department",
                   "updated_at"],
    panels=[basic_panel, land_panel, contacts_panel],
    importer=enterprise_importer, attachments=True,
    api=Api("enterprises", serializer=serializers.EnterpriseSerializer, ordering=("name", "uscc", "registered_on", "updated_at"),
            select_related=("industry",),
            prefetch_related=("tags", "chains", "above_scale_years", "high_tech_certificates", "former_names", "contacts")),
    menu=Menu(MODULE, "企业名录", order=10),
)
zone_pages = ModelPages(
    Zone, filterset_class=filters.ZoneFilterSet, form_class=forms.ZoneForm,
    list_columns=["name", "order", "updated_at"], detail_fields=["name", "order", "boundary"],
    api=Api("zones", fields=("name", "order", "boundary", "created_at", "updated_at")),
    menu=Menu(MODULE, "片区", order=40),
)
subpark_pages = ModelPages(
    SubPark, filterset_class=filters.SubParkFilterSet, form_class=forms.SubParkForm,
    list_columns=["name", "zone", "order"], detail_fields=["name", "zone", "order", "boundary"],
    api=Api("subparks", fields=("name", "zone", "order", "boundary", "created_at", "updated_at")),
    menu=Menu(MODULE, "园中园", order=50),
)
parcel_pages = ModelPages(
    LandParcel, filterset_class=filters.LandParcelFilterSet, form_class=forms.LandParcelForm,
    list_columns=["certificate_no", "area_mu", "land_use", "right_type", "holder", "holder_name", "acquired_on"],
    detail_fields=["certificate_no", "area_mu", "land_use", "right_type", "holder", "holder_name",
                   "acquired_on", "released_on", "address", "geometry"],
    importer=parcel_importer,
    api=Api("parcels", serializer=serializers.LandParcelSerializer, ordering=("certificate_no", "area_mu", "acquired_on"),
            select_related=("holder",), prefetch_related=("uses",)),
    menu=Menu(MODULE, "土地台账", order=30),
)
contact_pages = ModelPages(
    Contact, filterset_class=filters.ContactFilterSet, form_class=forms.ContactForm,
    list_columns=["enterprise", "name", "title"], detail_fields=["enterprise", "name", "title"],
    api=Api("contacts", fields=("enterprise", "name", "title", "phone"), read_only_fields=(),
            select_related=("enterprise",)),
)
certificate_pages = ModelPages(
    HighTechCertificate, filterset_class=filters.HighTechCertificateFilterSet,
    form_class=forms.HighTechCertificateForm, list_columns=["number", "enterprise", "issued_on"],
    prefix="high-tech-certificates/",
    api=Api("high-tech-certificates", fields=("enterprise", "number", "issued_on"), read_only_fields=(),
            select_related=("enterprise",)),
)
above_scale_pages = ModelPages(
    AboveScaleYear, filterset_class=filters.AboveScaleYearFilterSet, form_class=forms.AboveScaleYearForm,
    list_columns=["enterprise", "year"], prefix="above-scale-years/",
    api=Api("above-scale-years", fields=("enterprise", "year"), read_only_fields=(), select_related=("enterprise",)),
)
parcel_use_pages = ModelPages(
    ParcelUse, filterset_class=filters.ParcelUseFilterSet, form_class=forms.ParcelUseForm,
    list_columns=["parcel", "enterprise", "area_mu", "started_on", "ended_on"], prefix="parcel-uses/",
    api=Api("parcel-uses", serializer=serializers.ParcelUseSerializer),
)
contract_pages = ModelPages(
    ServiceContract, filterset_class=filters.ServiceContractFilterSet, form_class=forms.ServiceContractForm,
    list_columns=["number", "contractor", "service", "starts_on", "ends_on"],
    detail_fields=["number", "contractor", "service", "starts_on", "ends_on", "covered_enterprises", "updated_at"],
    prefix="service-contracts/",
    api=Api("service-contracts", fields=("number", "contractor", "service", "starts_on", "ends_on", "enterprises",
                                         "created_at", "updated_at"), prefetch_related=("enterprises",)),
    menu=Menu(MODULE, "服务合同", order=60, park_wide=True),
)

# The chains are shown in 招商's menu, where they are planned; every app reads them from here.
CHAIN_MODULE = "investment"

chain_pages = ModelPages(
    Chain, filterset_class=filters.ChainFilterSet, list_columns=["order", "name", "leader"],
    form_fields=["name", "leader", "order", "note"], panels=[chain_panel],
    api=Api("chains", serializer=serializers.ChainSerializer),
    menu=Menu(CHAIN_MODULE, "产业链", order=90, park_wide=True),
)
link_pages = ModelPages(
    ChainLink, filterset_class=filters.ChainLinkFilterSet, prefix="links/",
    list_columns=["chain", "order", "name", "status"], select_related=["chain"],
    form_fields=["chain", "name", "order", "status", "note"], panels=[link_panel],
    api=Api("links", serializer=serializers.ChainLinkSerializer, select_related=("chain",),
            prefetch_related=(Prefetch("memberships", queryset=live_memberships()),)),
)
membership_pages = ModelPages(
    ChainMembership, filterset_class=filters.ChainMembershipFilterSet, prefix="chain-members/",
    list_columns=["chain", "link", "enterprise"], select_related=["chain", "link__chain", "enterprise"],
    form_fields=["enterprise", "chain", "link"],
    api=Api("chain-members", serializer=serializers.ChainMembershipSerializer,
            select_related=("chain", "link__chain", "enterprise")),
)
