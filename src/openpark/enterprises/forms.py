from django import forms

from openpark.core.forms import DateInput, ScopedModelForm

from .industry import normalise_industry_code
from .models import (
    AboveScaleYear,
    Contact,
    Enterprise,
    HighTechCertificate,
    Industry,
    LandParcel,
    ParcelUse,
    ServiceContract,
    SubPark,
    Zone,
    industry_for,
)

DATE = DateInput()


class IndustryCodeField(forms.ModelChoiceField):
    """An industry typed as its code ("3670" or "C3670") rather than picked from 1,971 rows."""

    widget = forms.TextInput(attrs={"placeholder": "如 C3670 或 3670"})
    default_error_messages = {"invalid_choice": "“%(value)s”不是 GB/T 4754-2017 中的行业代码。"}

    def __init__(self, **kwargs):
        kwargs.pop("queryset", None)
        super().__init__(queryset=Industry.objects.all(), **kwargs)

    def to_python(self, value):
        try:
            if not normalise_industry_code(value):
                return None
            industry = industry_for(value)
        except ValueError as exc:  # a section letter that is not the code's
            raise forms.ValidationError(str(exc), code="invalid_choice") from None
        if industry is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value})
        return industry

    def prepare_value(self, value):
        if isinstance(value, Industry):
            return value.display_code
        if value and not isinstance(value, str):
            return value
        try:
            industry = industry_for(value) if value else None
        except ValueError:
            return value  # shown again as typed, with the error under it
        return industry.display_code if industry else value


class EnterpriseForm(ScopedModelForm):
    industry = IndustryCodeField(label="国民经济行业代码", required=False)

    class Meta:
        model = Enterprise
        fields = [
            "uscc", "name", "registered_on", "status", "industry", "zone", "subpark", "address",
            "longitude", "latitude", "production_started_on", "linked_leader", "linked_department", "tags",
            "chains",
        ]
        widgets = {"registered_on": DATE, "production_started_on": DATE, "tags": forms.CheckboxSelectMultiple,
                   "chains": forms.CheckboxSelectMultiple}


class ZoneForm(ScopedModelForm):
    class Meta:
        model = Zone
        fields = ["name", "order", "boundary"]


class SubParkForm(ScopedModelForm):
    class Meta:
        model = SubPark
        fields = ["name", "zone", "order", "boundary"]


class LandParcelForm(ScopedModelForm):
    area_m2 = forms.DecimalField(label="面积（平方米）", required=False, min_value=0, max_digits=16, decimal_places=2,
                                 help_text="按平方米填写时自动换算为亩（1 亩 = 10000/15 平方米）；两者都填以亩为准。")

    class Meta:
        model = LandParcel
        fields = ["certificate_no", "area_mu", "area_m2", "land_use", "right_type", "holder", "holder_name",
                  "acquired_on", "released_on", "address", "geometry"]
        widgets = {"acquired_on": DATE, "released_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_mu"].required = False

    def clean(self):
        from openpark.core.units import square_metres_to_mu

        data = super().clean()
        if data.get("area_mu") is None:
            if data.get("area_m2") is None:
                self.add_error("area_mu", "请填写面积（亩或平方米）。")
            else:
                data["area_mu"] = square_metres_to_mu(data["area_m2"])
                self.instance.area_mu = data["area_mu"]
        return data


class ContactForm(ScopedModelForm):
    class Meta:
        model = Contact
        fields = ["enterprise", "name", "title", "phone"]


class HighTechCertificateForm(ScopedModelForm):
    class Meta:
        model = HighTechCertificate
        fields = ["enterprise", "number", "issued_on"]
        widgets = {"issued_on": DATE}


class AboveScaleYearForm(ScopedModelForm):
    class Meta:
        model = AboveScaleYear
        fields = ["enterprise", "year"]


class ParcelUseForm(ScopedModelForm):
    class Meta:
        model = ParcelUse
        fields = ["parcel", "enterprise", "area_mu", "started_on", "ended_on"]
        widgets = {"started_on": DATE, "ended_on": DATE}


class ServiceContractForm(ScopedModelForm):
    class Meta:
        model = ServiceContract
        fields = ["number", "contractor", "service", "starts_on", "ends_on", "enterprises"]
        widgets = {"starts_on": DATE, "ends_on": DATE}
