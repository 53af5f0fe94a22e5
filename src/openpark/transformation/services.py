"""智改数转's rules that span records."""
from .choices import ONE_LEVEL_AT_A_TIME


def supersede(certification) -> list:
    """Of a kind held at one level at a time, the enterprise's current certifications certified
    before this one end on its date and are superseded by it. Run from `Certification.save`, so by
    every path. Returns the certifications it ended."""
    return supersede_many([certification])


def supersede_many(certifications) -> list:
    """`supersede` for many saved certifications at once, as if they had been saved one by one in
    the order of their dates: of each (enterprise, kind) held at one level at a time, each current
    certification ends on the date of the next one certified after it and is superseded by it.
    One query reads the current certifications of the pairs concerned; the rest is worked out in
    memory, written with one bulk update and recorded in the change log (before and after) as the
    bulk paths record theirs. Returns the certifications it ended."""
    from django.utils import timezone

    from openpark.core.changes import loaded_snapshot, record_bulk_changes, snapshot, snapshot_texts
    from openpark.core.choices import ChangeAction

    from .models import Certification

    new = [c for c in certifications if c.kind in ONE_LEVEL_AT_A_TIME and c.is_current and c.pk is not None]
    if not new:
        return []
    held = current_by_pair(new, exclude={c.pk for c in new})
    ended, before = [], {}
    for certification in sorted(new, key=lambda c: (c.certified_on, c.pk)):
        pair = (certification.enterprise_id, certification.kind)
        still = []
        for previous in held[pair]:
            if previous.certified_on < certification.certified_on:
                before[id(previous)] = loaded_snapshot(previous) or snapshot(previous)
                previous.ended_on = certification.certified_on
                previous.superseded_by = certification
                ended.append(previous)
            else:
                still.append(previous)
        held[pair] = [*still, certification]
    if ended:
        now = timezone.now()
        for previous in ended:
            previous.updated_at = now
        Certification.objects.bulk_update(ended, ["ended_on", "superseded_by", "updated_at"], batch_size=2000)
        record_bulk_changes((previous, ChangeAction.UPDATE, before[id(previous)], after)
                            for previous, after in zip(ended, snapshot_texts(ended), strict=True))
    return ended


def current_by_pair(certifications, exclude=frozenset()) -> dict[tuple, list]:
    """{(enterprise id, kind): its current certifications} for the pairs of `certifications` whose
    kind is held at one level at a time, in one query (chunked for a long list), leaving out the
    certifications whose ids are in `exclude`."""
    from openpark.core.bulk import chunks

    from .models import Certification

    pairs = {(c.enterprise_id, c.kind) for c in certifications if c.kind in ONE_LEVEL_AT_A_TIME and c.enterprise_id}
    held: dict[tuple, list] = {pair: [] for pair in pairs}
    if not pairs:
        return held
    kinds = sorted({kind for _, kind in pairs})
    for chunk in chunks(sorted({enterprise for enterprise, _ in pairs})):
        for stored in (Certification.objects.filter(enterprise_id__in=chunk, kind__in=kinds, ended_on__isnull=True,
                                                   superseded_by__isnull=True)
                       .exclude(pk__in=exclude).select_related("enterprise")):  # its name, for the change log
            if (stored.enterprise_id, stored.kind) in pairs:
                held[(stored.enterprise_id, stored.kind)].append(stored)
    return held


def transformed_since():
    """{enterprise id: first year transformed}, read from the live projects and certifications."""
    from .choices import TRANSFORMING_KINDS, ProjectState
    from .coverage import transformed_since as first_years
    from .models import Certification, TransformationProject

    projects = TransformationProject.objects.filter(state=ProjectState.COMPLETED, enterprise__is_deleted=False)
    certifications = Certification.objects.filter(kind__in=TRANSFORMING_KINDS, enterprise__is_deleted=False)
    return first_years(projects.values_list("enterprise_id", "year"),
                       ((e, d.year) for e, d in certifications.values_list("enterprise_id", "certified_on")))


def _above_scale_groups(year: int) -> tuple[list[int], dict[int, str], dict[int, str]]:
    """The year's 规上 enterprise ids, and {id: zone name} and {id: industry section name}, the
    groups the coverage page counts by (未分片区 / 未分行业 when none)."""
    from openpark.enterprises.models import AboveScaleYear, Enterprise, Industry

    above = list(AboveScaleYear.objects.filter(year=year, enterprise__is_deleted=False)
                 .values_list("enterprise_id", flat=True))
    rows = Enterprise.objects.filter(pk__in=above).values_list("pk", "zone__name", "industry__section")
    zones = {pk: zone or "未分片区" for pk, zone, _ in rows}
    sections = dict(Industry.objects.filter(level=1).values_list("code", "name"))
    industries = {pk: sections.get(section, section) if section else "未分行业" for pk, _, section in rows}
    return above, zones, industries


def coverage_enterprises(year: int, *, zone: str = "", industry: str = "", transformed: bool | None = None) -> list:
    """The 规上 enterprises of `year` a coverage figure counts, of a zone or an industry (by the
    names the page shows) and transformed or not when asked, each with `zone_name`,
    `industry_name`, `transformed` and `transformed_since` (its first year): the rows behind each
    figure of `coverage_tables`, by the same definition."""
    from openpark.enterprises.models import Enterprise

    from .coverage import is_transformed

    above, zones, industries = _above_scale_groups(year)
    since = transformed_since()
    chosen = [pk for pk in set(above) if (not zone or zones.get(pk) == zone)
              and (not industry or industries.get(pk) == industry)
              and (transformed is None or is_transformed(pk, year, since) == transformed)]
    enterprises = list(Enterprise.objects.filter(pk__in=chosen).order_by("name", "pk"))
    for enterprise in enterprises:
        enterprise.zone_name, enterprise.industry_name = zones.get(enterprise.pk), industries.get(enterprise.pk)
        enterprise.transformed = is_transformed(enterprise.pk, year, since)
        enterprise.transformed_since = since.get(enterprise.pk) if enterprise.transformed else None
    return enterprises


def coverage_tables(year: int) -> dict:
    """The year's coverage: overall, by zone and by industry (GB/T 4754 section)."""
    from .coverage import coverage

    above, zones, industries = _above_scale_groups(year)
    since = transformed_since()
    return {"total": coverage(year, above, since)[0] if above else None,
            "by_zone": coverage(year, above, since, zones),
            "by_industry": coverage(year, above, since, industries)}


def coverage_total(year: int):
    """The year's coverage of all its 规上 enterprises (a `coverage.Share`), None when the year has
    no 规上 list; three queries."""
    from openpark.enterprises.models import AboveScaleYear

    from .coverage import coverage

    above = list(AboveScaleYear.objects.filter(year=year, enterprise__is_deleted=False)
                 .values_list("enterprise_id", flat=True))
    return coverage(year, above, transformed_since())[0] if above else None


def certified_count(year: int) -> int:
    """Enterprises holding a certification certified in `year`."""
    from .models import Certification

    return Certification.objects.filter(certified_on__year=year, enterprise__is_deleted=False).values("enterprise").distinct().count()


def latest_year() -> int:
    """The latest year, up to this one, whose 规上 enterprises are known (this year when none is)."""
    from django.db.models import Max
    from django.utils import timezone

    from openpark.enterprises.models import AboveScaleYear

    this_year = timezone.localdate().year
    return AboveScaleYear.objects.filter(year__lte=this_year).aggregate(latest=Max("year"))["latest"] or this_year
