"""智慧环保: water bodies and their segments, outfalls into them (入河排污口) with their life cycle
(查、测、溯、治), one remediation plan per outfall with its measures, and the pollution sources
an outfall is traced to."""
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openpark.core import geo
from openpark.core.models import DomainModel

from .choices import WaterBodyKind, WaterBodyLevel, WaterClass

LENGTH = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True, "validators": [MinValueValidator(0)]}


def normalise_geometry(value) -> dict:
    """A GeoJSON geometry of a water body or segment: a line (LineString, MultiLineString) for a
    river, a Point, or a Polygon / MultiPolygon for a lake; ValueError in Chinese otherwise."""
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry") or {}
    kind = value.get("type") if isinstance(value, dict) else None
    coordinates = value.get("coordinates") if isinstance(value, dict) else None
    if kind == "LineString":
        if not isinstance(coordinates, (list, tuple)) or len(coordinates) < 2:
            raise ValueError("线至少需要 2 个坐标点。")
        return {"type": "LineString", "coordinates": [geo.check_position(p) for p in coordinates]}
    if kind == "MultiLineString":
        if not isinstance(coordinates, (list, tuple)) or not coordinates:
            raise ValueError("多线缺少坐标。")
        return {"type": "MultiLineString",
                "coordinates": [normalise_geometry({"type": "LineString", "coordinates": line})["coordinates"]
                                for line in coordinates]}
    if kind in ("Point", "Polygon", "MultiPolygon", "FeatureCollection"):
        return geo.normalise_geometry(value)
    raise ValueError("空间范围应为 GeoJSON 的线（LineString）、点或面。")


def clean_geometry(instance, field: str = "geometry") -> None:
    value = getattr(instance, field)
    if not value:
        return
    try:
        setattr(instance, field, normalise_geometry(value))
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from exc


class WaterBody(DomainModel):
    """A river, canal (港), lake or reservoir, the Yangtze included, with the water class it should meet."""

    name = models.CharField(_("名称"), max_length=100, unique=True,
                            error_messages={"unique": _("已有同名水体。")})
    kind = models.CharField(_("类型"), max_length=10, choices=WaterBodyKind.choices, default=WaterBodyKind.RIVER)
    level = models.CharField(_("管理级别"), max_length=10, choices=WaterBodyLevel.choices, blank=True)
    length_km = models.DecimalField(_("长度（千米）"), **LENGTH)
    target_class = models.CharField(_("水质目标"), max_length=3, choices=WaterClass.choices, blank=True)
    geometry = models.JSONField(_("空间范围（GeoJSON）"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("水体")
        verbose_name_plural = _("水体")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = (self.name or "").strip()
        clean_geometry(self)


class RiverSegment(DomainModel):
    """A stretch of a water body (河段), from one point to another."""

    clean_links = ("water_body",)

    water_body = models.ForeignKey(WaterBody, on_delete=models.PROTECT, related_name="segments",
                                   verbose_name=_("水体"))
    name = models.CharField(_("河段名称"), max_length=100)
    start_description = models.CharField(_("起点"), max_length=200, blank=True)
    end_description = models.CharField(_("终点"), max_length=200, blank=True)
    length_km = models.DecimalField(_("长度（千米）"), **LENGTH)
    geometry = models.JSONField(_("空间范围（GeoJSON）"), null=True, blank=True)

    class Meta:
        verbose_name = _("河段")
        verbose_name_plural = _("河段")
        ordering = ["water_body__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["water_body", "name"], name="unique_segment_name",
                                    violation_error_message="该水体已有同名河段。"),
        ]

    def __str__(self):
        return f"{self.water_body.name} · {self.name}"

    def clean(self):
        self.name = (self.name or "").strip()
        clean_geometry(self)
        if self.length_km is not None and self.water_body_id and self.water_body.length_km is not None \
                and self.length_km > self.water_body.length_km:
            raise ValidationError({"length_km": "河段长度不能超过所在水体的长度。"})
