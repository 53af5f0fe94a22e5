"""Demo data of water-quality monitoring (水质监测), on the water bodies of the environment demo
(`demo.py` calls `load_monitoring` after its own): 8 monitoring sites on 七圩港, the other 港 and
the Yangtze, sampled monthly for the last 12 months (the 10th, 09:30) with the main parameters and
a few metals, graded in bulk by the grader. Most samples are II–III, the 港 of the industrial area
(罗家桥港, 城南河) drift into IV–V in summer, and 罗家桥港 had one 劣V event (ammonia) five months ago.
"""
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from . import water_quality
from .choices import SiteKind
from .demo import YANGTZE, _save
from .models import Measurement, MonitoringSite, RiverSegment, WaterBody, WaterSample, target_of, unit_of_parameter
from .services import grade_samples

# code, name, water body, segment, kind, base level (a class number, fractional), longitude, latitude
SITES = (
    ("CJ01", "长江城南断面", YANGTZE, "城南段", SiteKind.NATIONAL, 1.9, "120.2580", "31.9785"),
    ("QW01", "七圩港上游", "七圩港", "上游段", SiteKind.PARK, 2.5, "120.2600", "32.0380"),
    ("QW02", "七圩港城南大道桥", "七圩港", "城区段", SiteKind.MUNICIPAL, 2.8, "120.2635", "32.0110"),
    ("QW03", "七圩港入江口", "七圩港", "入江段", SiteKind.PROVINCIAL, 2.6, "120.2655", "31.9880"),
    ("JG01", "夹港入江口", "夹港", "入江段", SiteKind.MUNICIPAL, 2.7, "120.3025", "31.9900"),
    ("SW01", "十圩港中段", "十圩港", "", SiteKind.PARK, 3.3, "120.2300", "32.0190"),
    ("LJ01", "罗家桥港闸口", "罗家桥港", "", SiteKind.PARK, 3.7, "120.3348", "31.9920"),
    ("CN01", "城南河新港大道", "城南河", "", SiteKind.PARK, 4.3, "120.2600", "32.0095"),
)
MAIN_PARAMETERS = ("ph", "dissolved_oxygen", "permanganate_index", "cod", "bod5", "ammonia_nitrogen",
                   "total_phosphorus")
# Metals well within class I–II (mercury and hexavalent chromium below detection), mg/L.
METALS = {"copper": "0.004", "zinc": "0.021", "cadmium": "0.0004", "lead": "0.003"}
BELOW_DETECTION = {"mercury": "0.00004", "chromium_vi": "0.004"}
WORST_EVENT = ("LJ01", 5, "ammonia_nitrogen", "2.86")  # site, months ago, parameter, value: 劣V
MONITORING_AGENCY = "靖江市环境监测站"


def load_monitoring(out) -> None:
    if MonitoringSite.all_objects.exists():
        out.write(f"水质监测断面：已有 {MonitoringSite.all_objects.count()} 个，未重复生成。")
        return
    bodies = {body.name: body for body in WaterBody.objects.all()}
    segments = {(s.water_body_id, s.name): s for s in RiverSegment.objects.all()}
    sites = [MonitoringSite(code=code, name=name, water_body=bodies[body], kind=kind,
                            segment=segments.get((bodies[body].pk, segment)) if segment else None,
                            longitude=Decimal(lon), latitude=Decimal(lat), target_class=target_of(bodies[body]))
             for code, name, body, segment, kind, _, lon, lat in SITES if body in bodies]
    _save(MonitoringSite, sites)
    samples, measurements = _water_samples(sites, timezone.localdate())
    grade_samples(samples, measurements)
    _save(WaterSample, samples)
    for item in measurements:
        item.sample = item.sample  # the sample's id, now that it is saved
    _save(Measurement, measurements)
    worse = sum(1 for sample in samples if sample.worse_than_target)
    out.write(f"水质监测：断面 {len(sites)} 个，采样 {len(samples)} 次（劣于目标 {worse} 次），"
              f"监测结果 {len(measurements)} 项。")


def sampling_days(today: date, months: int = 12) -> list[date]:
    """The 10th of each of the last `months` months, the latest first (this month's once the 10th is past)."""
    month = today.replace(day=1) if today.day >= 10 else (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    days = []
    for _ in range(months):
        days.append(month.replace(day=10))
        month = (month - timedelta(days=1)).replace(day=1)
    return days


def _water_samples(sites, today: date):
    rng = random.Random(3838)
    levels = {code: level for code, _, _, _, _, level, _, _ in SITES}
    days = sampling_days(today)
    samples, measurements = [], []
    for site in sites:
        for months_ago, day in enumerate(days):
            summer = 0.5 if day.month in (6, 7, 8) else 0.2 if day.month in (5, 9) else 0.0
            level = levels[site.code] + summer + rng.uniform(-0.4, 0.4)
            sample = WaterSample(site=site, sampled_at=timezone.make_aware(datetime.combine(day, time(9, 30))),
                                 agency=MONITORING_AGENCY, sampler="监测站采样组")
            samples.append(sample)
            for key in MAIN_PARAMETERS:
                value = _value_at(key, level + rng.uniform(-0.9, 0.1), rng)
                if (site.code, months_ago, key) == WORST_EVENT[:3]:
                    value = Decimal(WORST_EVENT[3])
                measurements.append(Measurement(sample=sample, parameter=key, value=value,
                                                unit=unit_of_parameter(key)))
            measurements += [Measurement(sample=sample, parameter=key, value=Decimal(value),
                                         unit=unit_of_parameter(key)) for key, value in METALS.items()]
            measurements += [Measurement(sample=sample, parameter=key, below_detection=True,
                                         detection_limit=Decimal(limit), unit=unit_of_parameter(key))
                             for key, limit in BELOW_DETECTION.items()]
    return samples, measurements


def _value_at(key: str, level: float, rng) -> Decimal:
    """A value of the parameter at a quality level (2.4: well into class II), between the limits of
    GB 3838-2002 Table 1 as the grader holds them."""
    if key == "ph":
        return Decimal(str(round(rng.uniform(6.9, 8.1), 2)))
    parameter = water_quality.PARAMETER[key]
    limits = parameter.limits
    rising = parameter.rule != water_quality.AT_LEAST
    bounds = (limits[0] * (0.5 if rising else 1.2), *limits)
    level = min(max(level, 1.0), 5.95)
    k = int(level)
    low, high = bounds[k - 1], bounds[k]
    value = low + (level - k) * (high - low)
    return Decimal(str(round(value, 3 if value < 1 else 2)))
