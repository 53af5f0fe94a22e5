from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from openpark.core.api.serializers import ScopedModelSerializer

from ..models import (
    Chain, ChainLink, ChainMembership, Contact, Enterprise, Industry, LandParcel, ParcelUse, Tag, industry_for,
)


@extend_schema_field(OpenApiTypes.STR)
class IndustryCodeRelatedField(serializers.RelatedField):
    """An industry given and shown as its code; "C3670" and "3670" are the same class."""

    default_error_messages = {"does_not_exist": "“{value}”不是 GB/T 4754-2017 中的行业代码。"}

    def to_internal_value(self, data):
        try:
            industry = industry_for(data) if isinstance(data, (str, int)) else None
        except ValueError as exc:  # a section letter that is not the code's
            raise serializers.ValidationError(str(exc)) from None
        if industry is None:
            self.fail("does_not_exist", value=data)
        return industry

    def to_representation(self, value):
        return value.pk


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["code", "display_code", "level", "name", "section", "parent"]


class EnterpriseContactSerializer(ScopedModelSerializer):
    """An enterprise's contacts within its record; the phone masked as everywhere (see
    ScopedModelSerializer)."""

    class Meta:
        model = Contact
        fields = ["id", "name", "title", "phone"]


class EnterpriseSerializer(ScopedModelSerializer):
    industry = IndustryCodeRelatedField(queryset=Industry.objects.all(), required=False, allow_null=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, queryset=Tag.objects.all(), required=False)
    chains = serializers.SlugRelatedField(slug_field="name", many=True, queryset=Chain.objects.all(), required=False)
    above_scale_years = serializers.SerializerMethodField()
    high_tech_certificates = serializers.SerializerMethodField()
    former_names = serializers.SerializerMethodField()
    contacts = EnterpriseContactSerializer(many=True, read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "uscc", "name", "registered_on", "status", "industry", "zone", "subpark", "address",
            "longitude", "latitude", "production_started_on", "linked_leader", "linked_department", "tags",
            "chains", "above_scale_years", "high_tech_certificates", "former_names", "contacts", "created_at", "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_above_scale_years(self, enterprise) -> list[int]:
        return [a.year for a in enterprise.above_scale_years.all()]

    def get_high_tech_certificates(self, enterprise) -> list[dict]:
        return [{"number": c.number, "issued_on": c.issued_on} for c in enterprise.high_tech_certificates.all()]

    def get_former_names(self, enterprise) -> list[dict]:
        return [{"name": n.name, "used_until": n.used_until} for n in enterprise.former_names.all()]


class ParcelUseSerializer(ScopedModelSerializer):
    class Meta:
        model = ParcelUse
        fields = ["id", "parcel", "enterprise", "area_mu", "started_on", "ended_on"]


class LandParcelSerializer(ScopedModelSerializer):
    uses = ParcelUseSerializer(many=True, read_only=True)

    class Meta:
        model = LandParcel
        fields = ["id", "certificate_no", "area_mu", "land_use", "right_type", "holder", "holder_name",
                  "acquired_on", "released_on", "address", "geometry", "uses", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class ChainSerializer(ScopedModelSerializer):
    class Meta:
        model = Chain
        fields = ["id", "name", "leader", "order", "note", "updated_at"]
        read_only_fields = ["updated_at"]


class ChainLinkSerializer(ScopedModelSerializer):
    """A link with the enterprises at it (read here, set through the chain memberships)."""

    enterprises = serializers.SerializerMethodField()

    class Meta:
        model = ChainLink
        fields = ["id", "chain", "name", "order", "status", "note", "enterprises", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_enterprises(self, link) -> list[int]:
        return [membership.enterprise_id for membership in link.memberships.all()]


class ChainMembershipSerializer(ScopedModelSerializer):
    class Meta:
        model = ChainMembership
        fields = ["id", "enterprise", "chain", "link"]
