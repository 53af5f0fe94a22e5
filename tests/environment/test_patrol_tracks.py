"""A patrol's track from a GPX file (what phones and GPS receivers record) as well as GeoJSON: the
parsing without Django, the patrol form taking the file (its times filling an empty start and end,
the model's point limit and speed check applying), and the track drawn on the patrol's page."""
import json
import re
from datetime import datetime, timedelta, UTC
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from openpark.environment import patrols
from openpark.environment.models import Patrol, RiverChief, RiverSegment, WaterBody

GPX_11 = "http://www.topografix.com/GPX/1/1"


def gpx(*segments, namespace=GPX_11, times=True, start=None) -> bytes:
    """A GPX file of one track with the given segments of (lon, lat) points, a minute apart."""
    start = start or datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    number, parts = 0, []
    for segment in segments:
        points = []
        for lon, lat in segment:
            when = f"<time>{(start + timedelta(minutes=number)):%Y-%m-%dT%H:%M:%SZ}</time>" if times else ""
            points.append(f'<trkpt lat="{lat}" lon="{lon}"><ele>3.0</ele>{when}</trkpt>')
            number += 1
        parts.append(f"<trkseg>{''.join(points)}</trkseg>")
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="奥维互动地图"{xmlns}>'
            f"<metadata><name>巡河</name></metadata><trk><name>七圩港</name>{''.join(parts)}</trk></gpx>").encode()


NORTH = [(120.26, 31.990), (120.26, 31.999), (120.26, 32.008)]  # 2.0 km along a meridian, 3 points


# Parsing, without Django ------------------------------------------------------------------------


def test_a_gpx_track_is_read_with_its_times():
    read = patrols.parse_gpx(gpx(NORTH))
    assert read.track == {"type": "LineString", "coordinates": [[120.26, 31.99], [120.26, 31.999], [120.26, 32.008]]}
    assert read.started_at == datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    assert read.ended_at == datetime(2026, 11, 20, 0, 2, tzinfo=UTC)
    assert patrols.track_km(read.track) == pytest.approx(2.0, abs=0.01)


@pytest.mark.parametrize("namespace", [GPX_11, "http://www.topografix.com/GPX/1/0", ""])
def test_gpx_1_0_1_1_and_no_namespace_are_read(namespace):
    assert patrols.parse_gpx(gpx(NORTH, namespace=namespace)).track["type"] == "LineString"


def test_each_segment_is_a_piece_and_a_one_point_segment_is_left_out():
    east = [(120.27, 31.99), (120.28, 31.99)]
    read = patrols.parse_gpx(gpx(NORTH, [(121.0, 32.5)], east))
    assert read.track["type"] == "MultiLineString"
    assert [len(line) for line in read.track["coordinates"]] == [3, 2]


def test_times_with_a_zone_or_none_are_utc():
    data = gpx(NORTH, times=False).replace(
        b'lon="120.26"><ele>3.0</ele></trkpt>', b'lon="120.26"><time>2026-11-20T08:00:00+08:00</time></trkpt>', 1)
    read = patrols.parse_gpx(data)
    assert read.started_at == read.ended_at == datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    untimed = patrols.parse_gpx(gpx(NORTH, times=False))
    assert (untimed.started_at, untimed.ended_at) == (None, None)


@pytest.mark.parametrize(("data", "message"), [
    (b"not xml at all <", "应为 GPX 或 GeoJSON"),
    (b"<gpx><trk><trkseg><trkpt lat='32' lon='120'>", "格式有误"),
    (b'<?xml version="1.0"?><kml><Placemark/></kml>', "根元素应为 gpx"),
    (b"<gpx><wpt lat='32' lon='120'/></gpx>", "没有轨迹点"),
    (b"<gpx><trk><trkseg><trkpt lat='32' lon='120'/></trkseg></trk></gpx>", "至少需要"),
    (b"<gpx><trk><trkseg><trkpt lat='abc' lon='120'/><trkpt lat='32' lon='120'/></trkseg></trk></gpx>",
     "第 1 个轨迹点的纬度“abc”不是数字"),
    (b"<gpx><trk><trkseg><trkpt lat='32' lon='120'/><trkpt lat='32'/></trkseg></trk></gpx>", "第 2 个轨迹点缺少经度"),
    (b"<gpx><trk><trkseg><trkpt lat='95' lon='120'/><trkpt lat='32' lon='120'/></trkseg></trk></gpx>", "超出范围"),
    (b"<gpx><trk><trkseg><trkpt lat='32' lon='nan'/><trkpt lat='32' lon='120'/></trkseg></trk></gpx>", "超出范围"),
    (b"<gpx><trk><trkseg><trkpt lat='32' lon='120'><time>yesterday</time></trkpt></trkseg></trk></gpx>",
     "时间“yesterday”无法识别"),
    (b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
     b"<gpx><trk><name>&b;</name></trk></gpx>", "DOCTYPE"),
])
def test_a_malformed_gpx_file_is_refused_in_chinese(data, message):
    with pytest.raises(ValueError, match=message):
        patrols.read_track_file(data)


def test_a_gpx_track_above_the_point_limit_is_refused():
    line = [(120.26, 31.99 + i * 0.0001) for i in range(11)]
    assert patrols.parse_gpx(gpx(line), limit=11).track
    with pytest.raises(ValueError, match="上限 10"):
        patrols.parse_gpx(gpx(line), limit=10)


def test_a_geojson_file_is_read_as_it_is():
    text = json.dumps({"type": "LineString", "coordinates": [[120.26, 31.99], [120.26, 32.0]]})
    assert patrols.read_track_file(("\ufeff" + text).encode()).track["type"] == "LineString"
    with pytest.raises(ValueError, match="GeoJSON"):
        patrols.read_track_file(b"{not json")
    with pytest.raises(ValueError, match="GPX 或 GeoJSON"):
        patrols.read_track_file(b"120.26,31.99\n120.26,32.0")


# The patrol form and page -----------------------------------------------------------------------


@pytest.fixture
def qiwei(db):
    return WaterBody.objects.create(
        name="七圩港", kind="canal", level="county", length_km=D("9.8"),
        geometry={"type": "LineString", "coordinates": [[120.25, 31.98], [120.26, 32.02]]})


@pytest.fixture
def chief(qiwei):
    chief = RiverChief.objects.create(name="钱永刚", level="village")
    chief.water_bodies.set([qiwei])
    return chief


@pytest.fixture
def staff_client(make_user, client_for):
    return client_for(make_user("environment"))


def yesterday_utc() -> datetime:
    day = timezone.localdate() - timedelta(days=1)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 8, 0)).astimezone(UTC)


def upload(data: bytes, name="巡河.gpx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/gpx+xml")


def test_the_patrol_form_takes_a_gpx_file_and_its_times(chief, qiwei, staff_client):
    page = staff_client.get(reverse("environment:patrol_add")).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="track_file"' in page
    start = yesterday_utc()
    data = gpx(NORTH, start=start).replace(b"T%02d:02:00Z" % start.hour, b"T%02d:45:00Z" % start.hour)
    response = staff_client.post(reverse("environment:patrol_add"), {
        "chief": chief.pk, "water_body": qiwei.pk, "track_file": upload(data)})
    assert response.status_code == 302, response.content.decode()
    patrol = Patrol.objects.get()
    assert patrol.track["type"] == "LineString" and len(patrol.track["coordinates"]) == 3
    assert patrol.distance_km == D("2.00")
    assert (patrol.started_at, patrol.ended_at) == (start, start + timedelta(minutes=45))
    assert patrol.duration_minutes == 45


def test_the_form_s_times_win_over_the_file_s(chief, qiwei, staff_client):
    day = timezone.localdate() - timedelta(days=1)
    response = staff_client.post(reverse("environment:patrol_add"), {
        "chief": chief.pk, "water_body": qiwei.pk, "started_at": f"{day}T09:00", "ended_at": f"{day}T10:00",
        "track_file": upload(gpx(NORTH, start=yesterday_utc()))})
    assert response.status_code == 302, response.content.decode()
    assert Patrol.objects.get().duration_minutes == 60


@pytest.mark.parametrize(("data", "field", "message"), [
    (b"<gpx><trk><trkseg><trkpt lat='abc' lon='120'/></trkseg></trk></gpx>", "track_file", "不是数字"),
    (b"\x00\x01binary", "track_file", "应为 GPX 或 GeoJSON"),
    # Three minutes for two kilometres: 40 km/h, faster than any patrol goes.
    (None, "track", "平均速度"),
    # No times in the file, none on the form.
    (gpx(NORTH, times=False), "started_at", "请填写开始时间"),
])
def test_a_bad_track_file_is_refused_and_nothing_is_saved(chief, qiwei, staff_client, data, field, message):
    data = data or gpx(NORTH, start=yesterday_utc())
    response = staff_client.post(reverse("environment:patrol_add"), {
        "chief": chief.pk, "water_body": qiwei.pk, "track_file": upload(data)})
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors.get(field, [])), form.errors
    assert not Patrol.objects.exists()


def test_a_gpx_file_above_the_point_limit_is_refused_on_the_form(chief, qiwei, staff_client):
    line = [(120.26, 31.99 + i * 0.00001) for i in range(patrols.MAX_TRACK_POINTS + 1)]
    response = staff_client.post(reverse("environment:patrol_add"), {
        "chief": chief.pk, "water_body": qiwei.pk, "track_file": upload(gpx(line, start=yesterday_utc()))})
    assert "上限 5,000" in " ".join(response.context["form"].errors["track_file"])
    assert not Patrol.objects.exists()


def test_the_patrol_page_draws_its_track_on_a_map(chief, qiwei, staff_client):
    start = yesterday_utc()
    patrol = Patrol(chief=chief, water_body=qiwei, started_at=start, ended_at=start + timedelta(minutes=45),
                    track={"type": "LineString", "coordinates": [list(point) for point in NORTH]})
    patrol.full_clean()
    patrol.save()
    page = staff_client.get(patrol.get_absolute_url()).content.decode()
    assert 'id="patrol-track-map"' in page
    assert "/static/vendor/leaflet/leaflet.js" in page and "/static/vendor/leaflet/leaflet.css" in page
    assert "/static/js/patrol-track.js" in page and "unpkg" not in page and "cdn" not in page.lower()
    data = json.loads(re.search(r'<script id="patrol-track-data" type="application/json">(.*?)</script>',
                                page, re.S).group(1))
    assert data["track"]["coordinates"][0] == [120.26, 31.99] and data["water"]["type"] == "LineString"
    assert data["start"]["point"] == [120.26, 31.99] and data["end"]["point"] == [120.26, 32.008]
    assert data["start"]["label"] == f"起点 {timezone.localtime(start):%H:%M}"
    assert "七圩港" in data["legend"]
    # A patrol without a track has no map.
    bare = Patrol(chief=chief, water_body=qiwei, started_at=start, ended_at=start + timedelta(minutes=45),
                  distance_km=D("2"))
    bare.full_clean()
    bare.save()
    page = staff_client.get(bare.get_absolute_url()).content.decode()
    assert "patrol-track-map" not in page and "leaflet.js" not in page


def test_a_segment_patrol_draws_the_segment(chief, qiwei, staff_client):
    reach = RiverSegment.objects.create(water_body=qiwei, name="入江段", length_km=D("2.1"), geometry={
        "type": "LineString", "coordinates": [[120.26, 31.99], [120.26, 32.0]]})
    chief.segments.set([reach])
    start = yesterday_utc()
    patrol = Patrol(chief=chief, water_body=qiwei, segment=reach, started_at=start,
                    ended_at=start + timedelta(minutes=45), track={"type": "LineString", "coordinates": NORTH})
    patrol.full_clean()
    patrol.save()
    page = staff_client.get(patrol.get_absolute_url()).content.decode()
    assert "所巡的入江段" in page
