"""智改数转's rules that span records."""
from .choices import ONE_LEVEL_AT_A_TIME


def supersede(certification) -> list:
    """Of a kind held at one level at a time, the enterprise's current certifications certified
    before this one end on its date and are superseded by it. Run from `Certification.save`, so by
    every path. Returns the certifications it ended."""
    from .models import Certification

    if certification.kind not in ONE_LEVEL_AT_A_TIME or not certification.is_current:
        return []
    earlier = list(Certification.objects.filter(
        enterprise_id=certification.enterprise_id, kind=certification.kind, ended_on__isnull=True,
        superseded_by__isnull=True, certified_on__lt=certification.certified_on).exclude(pk=certification.pk))
    for previous in earlier:
        previous.ended_on = certification.certified_on
        previous.superseded_by = certification
        previous.save(update_fields=["ended_on", "superseded_by", "updated_at"])
    return earlier


def transformed_since():
    """{enterprise id: first year transformed}, read from the live projects and certifications."""
    from .choices import TRANSFORMING_KINDS, ProjectState
    from .coverage import transformed_since as first_years
    from .models import Certification, TransformationProject

    projects = TransformationProject.objects.filter(state=ProjectState.COMPLETED, enterprise__is_deleted=False)
    certifications = Certification.objects.filter(kind__in=TRANSFORMING_KINDS, enterprise__is_deleted=False)
    return first_years(projects.values_list("enterprise_id", "year"),
                       ((e, d.year) for e, d in certifications.values_list("enterprise_id", "certified_on")))


def coverage_tables(year: int) -> dict:
    """The year's coverage: overall, by zone and by industry (GB/T 4754 section)."""
    from openpark.enterprises.models import AboveScaleYear, Enterprise, Industry

    from .coverage import coverage

    above = list(AboveScaleYear.objects.filter(year=year, enterprise__is_deleted=False)
                 .values_list("enterprise_id", flat=True))
    since = transformed_since()
    rows = Enterprise.objects.filter(pk__in=above).values_list("pk", "zone__name", "industry__section")
    zones = {pk: zone or "未分片区" for pk, zone, _ in rows}
    sections = dict(Industry.objects.filter(level=1).values_list("code", "name"))
    industries = {pk: sections.get(section, section) if section else "未分行业" for pk, _, section in rows}
    return {"total": coverage(year, above, since)[0] if above else None,
            "by_zone": coverage(year, above, since, zones),
            "by_industry": coverage(year, above, since, industries)}


def certified_count(year: int) -> int:
    """Enterprises holding a certification certified in `year`."""
    from .models import Certification

    return Certification.objects.filter(certified_on__year=year).values("enterprise").distinct().count()


def latest_year() -> int:
    """The latest year, up to this one, whose 规上 enterprises are known (this year when none is)."""
    from django.db.models import Max
    from django.utils import timezone

    from openpark.enterprises.models import AboveScaleYear

    this_year = timezone.localdate().year
    return AboveScaleYear.objects.filter(year__lte=this_year).aggregate(latest=Max("year"))["latest"] or this_year
