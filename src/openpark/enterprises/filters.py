import django_filters
from django.utils import timezone

from openpark.core.filters import SearchFilterSet, YearFilter

from .chains import unplaced
from .choices import EnterpriseStatus, LandRight, LandUse
from .industry import industry_lookup
from .models import (
    AboveScaleYear, Chain, ChainLink, ChainMembership, Contact, Enterprise, HighTechCertificate, LandParcel, ParcelUse,
    ServiceContract, SubPark, Tag, Zone,
)

YES_NO = [("1", "是"), ("0", "否")]


def default_year() -> int:
    """The latest year with 规上 data, else the current year."""
    latest = AboveScaleYear.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


class EnterpriseFilterSet(SearchFilterSet):
    search_fields = ("name", "uscc", "former_names__name")

    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices, label="经营状态")
    zone = django_filters.ModelChoiceFilter(queryset=Zone.objects.all(), label="片区")
    subpark = django_filters.ModelChoiceFilter(queryset=SubPark.objects.all(), label="园中园")
    industry = django_filters.CharFilter(method="filter_industry", label="行业代码",
                                         help_text="门类字母或代码前缀，如 C、36、C3670")
    tag = django_filters.ModelChoiceFilter(field_name="tags", queryset=Tag.objects.all(), label="标签")
    chain = django_filters.ModelChoiceFilter(field_name="chains", queryset=Chain.objects.all(), label="产业链",
                                             distinct=True)
    year = YearFilter(method="keep", label="年份")
    above_scale = django_filters.ChoiceFilter(choices=YES_NO, method="filter_above_scale", label="规上")
    high_tech = django_filters.ChoiceFilter(choices=YES_NO, method="filter_high_tech", label="高新技术企业")

    class Meta:
        model = Enterprise
        fields = ["uscc"]

    def keep(self, queryset, name, value):
        return queryset

    def chosen_year(self) -> int:
        return int(self.form.cleaned_data.get("year") or default_year())

    def filter_industry(self, queryset, name, value):
        return queryset.filter(**industry_lookup(value))

    def filter_above_scale(self, queryset, name, value):
        ids = AboveScaleYear.objects.filter(year=self.chosen_year()).values("enterprise_id")
        return queryset.filter(pk__in=ids) if value == "1" else queryset.exclude(pk__in=ids)

    def filter_high_tech(self, queryset, name, value):
        year = self.chosen_year()
        ids = HighTechCertificate.objects.filter(
            issued_on__year__gte=year - HighTechCertificate.VALID_YEARS + 1, issued_on__year__lte=year
        ).values("enterprise_id")
        return queryset.filter(pk__in=ids) if value == "1" else queryset.exclude(pk__in=ids)

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class ZoneFilterSet(SearchFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Zone
        fields = []


class SubParkFilterSet(SearchFilterSet):
    search_fields = ("name",)

    class Meta:
        model = SubPark
        fields = ["zone"]


class LandParcelFilterSet(SearchFilterSet):
    search_fields = ("certificate_no", "holder__name", "holder_name", "address")

    land_use = django_filters.ChoiceFilter(choices=LandUse.choices, label="土地用途")
    right_type = django_filters.ChoiceFilter(choices=LandRight.choices, label="权利类型")
    holder = django_filters.CharFilter(field_name="holder__uscc", label="权利人统一社会信用代码")

    class Meta:
        model = LandParcel
        fields = []


class EnterpriseLinkFilterSet(SearchFilterSet):
    """For the records that belong to one enterprise (contacts, certificates …)."""

    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label="企业编号")
    search_fields = ("enterprise__name", "enterprise__uscc")


class ContactFilterSet(EnterpriseLinkFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc", "name")

    class Meta:
        model = Contact
        fields = []


class HighTechCertificateFilterSet(EnterpriseLinkFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc", "number")

    class Meta:
        model = HighTechCertificate
        fields = []


class AboveScaleYearFilterSet(EnterpriseLinkFilterSet):
    class Meta:
        model = AboveScaleYear
        fields = ["year"]


class ParcelUseFilterSet(EnterpriseLinkFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc", "parcel__certificate_no")

    class Meta:
        model = ParcelUse
        fields = []


class ServiceContractFilterSet(SearchFilterSet):
    search_fields = ("number", "contractor", "service")

    class Meta:
        model = ServiceContract
        fields = []


class ChainFilterSet(SearchFilterSet):
    search_fields = ("name", "leader")

    class Meta:
        model = Chain
        fields = []


class ChainLinkFilterSet(SearchFilterSet):
    search_fields = ("name", "chain__name")
    chain = django_filters.ModelChoiceFilter(queryset=Chain.objects.all(), label="产业链")

    class Meta:
        model = ChainLink
        fields = ["status"]


class ChainMembershipFilterSet(SearchFilterSet):
    search_fields = ("enterprise__name", "enterprise__uscc", "chain__name", "link__name")
    chain = django_filters.ModelChoiceFilter(queryset=Chain.objects.all(), label="产业链")
    link = django_filters.ModelChoiceFilter(queryset=ChainLink.objects.select_related("chain"), label="环节")
    unplaced = django_filters.BooleanFilter(method="filter_unplaced", label="仅未分环节")

    class Meta:
        model = ChainMembership
        fields = []

    def filter_unplaced(self, queryset, name, value):
        return queryset if value is None else unplaced(queryset, wanted=value)
