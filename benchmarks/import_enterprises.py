#!/usr/bin/env python
"""Benchmark: import 100,000 enterprises and their land ledger into a fresh SQLite database.

    DEBUG=1 .venv/bin/python benchmarks/import_enterprises.py [--rows 100000] [--baseline-rows 10000]

1. Generates, deterministically (fixed seed), an xlsx of N enterprises (企业名录, every column of
   the enterprise import: codes, names, dates, status, industry, zone, address, coordinates, 规上年份,
   高新 certificates, tags, contacts) and an xlsx land ledger (土地台账) of N parcels, one per
   enterprise, its area given in 平方米 so that the unit conversion runs, the holder being the
   enterprise's 统一社会信用代码.
2. Imports both with the platform's bulk path, `enterprise_importer.apply(...)` then
   `parcel_importer.apply(...)`, each timed as a whole: read + parse + check + match + write + change
   record; then imports the enterprise file again, which changes nothing (every row matched to its
   stored enterprise and compared, related rows included).
3. Baseline, in the same run: the first --baseline-rows rows of the same data, imported "the naive
   way" (one `save()` per row, the change record written by the normal signals, as the pages do)
   into a second fresh database, in a subprocess of this script so that it gets its own settings.
   Both paths share the reading, parsing and reference checks (`resolve`) of the platform, and both
   write inside one transaction per file (--baseline-autocommit: each save its own transaction, as
   on the pages); only the writing differs. The ratio is on rows/second.
4. Prints the figures, checks that both paths wrote the same data for the baseline's rows, and
   whether the targets are met (bulk ≥ 10× the baseline; 100,000 enterprises + land in < 30 s).

Nothing here touches the dev database: each database lives in its own temporary directory
(OPENPARK_DATA_DIR, set before Django starts; DATABASE_URL is ignored), removed at the end.
"""
import argparse
import cProfile
import hashlib
import json
import os
import platform
import pstats
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import nullcontext
from datetime import date
from pathlib import Path

from common import setup_django
SEED = 20261129
TARGET_RATIO = 10.0
TARGET_SECONDS = 30.0
TARGET_ROWS = 100_000

ENTERPRISES_FILE = "企业名录.xlsx"
PARCELS_FILE = "土地台账.xlsx"

REGION = "91321282"
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
PLACES = ["靖江", "江苏", "泰州", "靖江市"]
BRANDS = [
    "鼎盛", "恒通", "华晟", "江海", "新城", "南港", "永固", "博瑞", "天工", "长江", "宏达", "联创",
    "金川", "瑞丰", "中鼎", "亚星", "万达", "九龙", "东盛", "润禾", "蓝海", "星辰", "嘉和", "明远",
]
FORMS = ["有限公司", "股份有限公司", "制造有限公司", "科技有限公司"]
TRADES = [  # (trade in the name, GB/T 4754 class, chain tag or "")
    ("汽车零部件", "3670", "汽车配件"), ("汽车配件", "3670", "汽车配件"), ("内燃机配件", "3412", "汽车配件"),
    ("工程机械", "3514", "工程机械"), ("机械零部件", "3484", "工程机械"), ("泵业", "3441", "工程机械"),
    ("模具", "3525", "工程机械"), ("电机", "3819", "电机电器"), ("发电设备", "3811", "电机电器"),
    ("电气控制", "3829", "电机电器"), ("电力电子", "3824", "新能源"), ("新能源科技", "3824", "新能源"),
    ("新材料", "3985", "新材料"), ("化工材料", "2614", "新材料"), ("智能装备", "3516", "智能制造"),
    ("包装", "2231", ""), ("塑料包装", "2926", ""), ("金属制品", "3399", ""), ("表面处理", "3360", ""),
    ("建材", "3099", ""),
]
ROADS = ["园区路", "新港大道", "城南大道", "江平路", "澄江路", "东环路", "滨江路", "牧城路"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱马胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志"
TITLES = ["总经理", "财务负责人", "办公室主任", "生产厂长", "安环主管"]
STATUSES = [("在营", 0.86), ("停产", 0.05), ("搬迁", 0.03), ("注销", 0.06)]
LAND_USES = [("工业用地", 0.85), ("仓储用地", 0.08), ("商服用地", 0.04), ("科研用地", 0.03)]
LAND_RIGHTS = [("出让", 0.9), ("划拨", 0.06), ("租赁", 0.04)]
ORIGIN_LON, ORIGIN_LAT = 120.245, 31.955

ENTERPRISE_HEADERS = [
    "统一社会信用代码", "企业名称", "成立日期", "经营状态", "行业代码", "所在片区", "地址", "经度", "纬度",
    "投产日期", "挂钩部门", "规上年份", "高新技术企业证书编号", "高新技术企业发证日期", "标签",
    "联系人", "联系人职务", "联系电话",
]
PARCEL_HEADERS = [
    "不动产权证号", "面积（平方米）", "土地用途", "权利类型", "权利人统一社会信用代码", "权利人名称", "取得日期", "坐落",
]
DATE_COLUMNS = {"成立日期", "投产日期", "高新技术企业发证日期", "取得日期"}
_EXCEL_EPOCH = date(1899, 12, 30)


# ---------------------------------------------------------------- Django, on a temporary database


def zone_names() -> list[str]:
    from openpark.core.facts import park_facts

    return list(park_facts()["park"]["zones"])


# ---------------------------------------------------------------- the generated files


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    roll = rng.random()
    for value, weight in weighted:
        roll -= weight
        if roll < 0:
            return value
    return weighted[-1][0]


def _uscc(index: int) -> str:
    from openpark.core.uscc import with_check_digit

    # A bijection of 0 … 31⁹-1 (the multiplier is prime to 31), so that the codes are unique but not sequential.
    n = (index * 1_000_003 + 7_777_777) % 31**9
    digits = []
    for _ in range(9):
        n, d = divmod(n, 31)
        digits.append(ORG_ALPHABET[d])
    return with_check_digit(REGION + "".join(reversed(digits)))


def _date(rng: random.Random, first_year: int, last_year: int) -> date:
    return date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def generate(rows: int, zones: list[str], seed: int = SEED):
    """(enterprise row, parcel row) pairs, the same for the same seed: row i never depends on N."""
    rng = random.Random(seed)
    for index in range(rows):
        trade, industry, chain = rng.choice(TRADES)
        name = f"{rng.choice(PLACES)}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{trade}{rng.choice(FORMS)}"
        code = _uscc(index)
        registered = _date(rng, 1995, 2025)
        zone_index = rng.randrange(len(zones))
        address = f"靖江市城南园区{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        longitude = round(ORIGIN_LON + zone_index * 0.012 + rng.random() * 0.012, 6)
        latitude = round(ORIGIN_LAT + rng.random() * 0.020, 6)
        started = None
        if rng.random() < 0.7:
            started = date(min(registered.year + rng.randint(0, 2), 2025), rng.randint(1, 12), 1)
        years = sorted(rng.sample(range(2018, 2026), rng.randint(1, 5))) if rng.random() < 0.3 else []
        certificate, issued = None, None
        if rng.random() < 0.15:
            issued = _date(rng, 2019, 2025)
            certificate = f"GR{issued.year}32{index:07d}"
        tags = ([chain] if chain and rng.random() < 0.5 else []) + (["专精特新"] if rng.random() < 0.08 else [])
        contact = None
        if rng.random() < 0.9:
            contact = (rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), rng.choice(TITLES),
                       f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}")
        enterprise = [
            code, name, registered, _pick(rng, STATUSES),
            f"C{industry}" if index % 2 else industry,  # both forms people write
            zones[zone_index], address, longitude, latitude, started,
            rng.choice(["经发局", "招商局", "安监局", ""]),
            ",".join(map(str, years)), certificate, issued, "、".join(tags),
            *(contact or (None, None, None)),
        ]
        acquired = date(max(registered.year, 2000) + rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28))
        parcel = [
            f"苏（{acquired.year}）靖江市不动产权第{index + 1:07d}号",  # full-width brackets, stored normalised
            round(rng.uniform(2_000, 200_000), 2),  # 平方米, converted to 亩
            _pick(rng, LAND_USES), _pick(rng, LAND_RIGHTS), code, name, acquired, address,
        ]
        yield enterprise, parcel


def write_files(directory: Path, rows: int, zones: list[str]) -> tuple[Path, Path]:
    """The two workbooks, written as Excel would (dates as date cells, numbers as numbers)."""
    import xlsxwriter

    paths = directory / ENTERPRISES_FILE, directory / PARCELS_FILE
    books = [xlsxwriter.Workbook(str(path), {"constant_memory": True}) for path in paths]
    sheets, date_formats, date_cols = [], [], []
    for book, title, headers in zip(books, ("企业名录", "土地台账"), (ENTERPRISE_HEADERS, PARCEL_HEADERS)):
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, headers)
        sheets.append(sheet)
        date_formats.append(book.add_format({"num_format": "yyyy-mm-dd"}))
        date_cols.append({i for i, header in enumerate(headers) if header in DATE_COLUMNS})
    for row, pair in enumerate(generate(rows, zones), start=1):
        for sheet, values, date_format, dates in zip(sheets, pair, date_formats, date_cols):
            for col, value in enumerate(values):
                if value is None or value == "":
                    continue
                if col in dates:
                    sheet.write_number(row, col, (value - _EXCEL_EPOCH).days, date_format)
                elif isinstance(value, str):
                    sheet.write_string(row, col, value)
                else:
                    sheet.write_number(row, col, value)
    for book in books:
        book.close()
    return paths


# ---------------------------------------------------------------- the two import paths


class Phases:
    """Time spent in the steps of an import, by wrapping them (a few calls per import, not per row)."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self._undo = []

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return
        seconds = self.seconds

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - start

        had_own = name in vars(owner)
        setattr(owner, name, timed)
        self._undo.append((owner, name, original if had_own else None))

    def undo(self) -> None:
        for owner, name, original in reversed(self._undo):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._undo.clear()


def bulk_import(path: Path, importer, profile_dir: Path | None, label: str = "") -> dict:
    from openpark.core import importing, imports
    from openpark.core.context import acting_as

    data = path.read_bytes()
    phases = Phases()
    phases.wrap(importing, "read_workbook", "read")
    phases.wrap(importing, "parse_rows", "parse")
    for name in ("resolve", "match", "existing", "check_rules", "plan_related", "write", "write_related"):
        phases.wrap(importer, name, name)
    phases.wrap(imports, "record_bulk_changes", "record")
    phases.wrap(imports, "record_created", "record")
    profiler = cProfile.Profile() if profile_dir else None
    try:
        with acting_as(source="benchmark"):
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            plan, counts = importer.apply(data, path.name)
            if profiler:
                profiler.disable()
            seconds = time.perf_counter() - start
    finally:
        phases.undo()
    if counts is None:
        raise SystemExit(f"{path.name}: {len(plan.errors)} errors, first: {plan.errors[:3]}")
    if profiler:
        out = profile_dir / f"{label or path.stem}.prof"
        profiler.dump_stats(out)
        print(f"\n-- profile of {label or path.name} ({out}), by own time --")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return {"rows": len(plan.rows), "seconds": seconds, "counts": counts, "phases": dict(phases.seconds)}


def describe_phases(seconds: dict) -> str:
    get = lambda name: seconds.get(name, 0.0)  # noqa: E731
    return (f"read {get('read'):.1f} s, parse {get('parse'):.1f} s, resolve {get('resolve'):.1f} s, "
            f"match {get('match'):.1f} s (of which the lookup of stored rows {get('existing'):.1f} s, the model's "
            f"rules {get('check_rules'):.1f} s, planning "
            f"related rows {get('plan_related'):.1f} s), write {get('write'):.1f} s (of which the change record of "
            f"the file's rows {get('record'):.1f} s, related rows with their change record "
            f"{get('write_related'):.1f} s)")


def naive_enterprises(path: Path, autocommit: bool) -> dict:
    """One save() per row and per related row; the signals write the change record, as on the pages."""
    from django.db import transaction

    from openpark.core import importing
    from openpark.core.context import acting_as
    from openpark.enterprises.chains import chains_by_name
    from openpark.enterprises.importers import ENTERPRISE_SPEC, enterprise_importer, split_list
    from openpark.enterprises.models import (
        AboveScaleYear, ChainMembership, Contact, Enterprise, HighTechCertificate, Tag,
    )

    with acting_as(source="benchmark-naive"):
        start = time.perf_counter()
        sheets = importing.read_workbook(path.read_bytes(), path.name)
        result = importing.parse_rows(sheets, ENTERPRISE_SPEC)
        errors = result.errors + enterprise_importer.resolve(result.rows)  # the same checks as the bulk path
        if errors:
            raise SystemExit(f"{path.name}: {len(errors)} errors, first: {errors[:3]}")
        present = {column.field for column in result.columns}
        with nullcontext() if autocommit else transaction.atomic():
            for row in result.rows:
                values = row.values
                enterprise = Enterprise.all_objects.filter(uscc=values["uscc"]).first()
                created = enterprise is None
                if created:
                    enterprise = Enterprise()
                enterprise_importer.assign(enterprise, values)  # the same field values as the bulk path
                enterprise.save()
                if "above_scale_years" in present:
                    wanted = set(values.get("above_scale_years") or [])
                    if not created:
                        for year in enterprise.above_scale_years.all():
                            if year.year not in wanted:
                                year.delete()
                    for year in sorted(wanted):
                        if created:
                            AboveScaleYear(enterprise=enterprise, year=year).save()
                        else:
                            AboveScaleYear.objects.get_or_create(enterprise=enterprise, year=year)
                if values.get("high_tech_number"):
                    certificate = HighTechCertificate.objects.filter(number=values["high_tech_number"]).first()
                    certificate = certificate or HighTechCertificate(number=values["high_tech_number"])
                    certificate.enterprise, certificate.issued_on = enterprise, values["high_tech_issued_on"]
                    certificate.save()
                if "tags" in present:  # as the platform reads 标签: a chain's name is a membership
                    names = dict.fromkeys(split_list(values.get("tags")))
                    chains = chains_by_name(names)
                    enterprise.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names
                                         if name not in chains])
                    for chain in chains.values():
                        ChainMembership.objects.get_or_create(enterprise=enterprise, chain=chain, link=None)
                if values.get("contact_name"):
                    contact = None if created else enterprise.contacts.order_by("pk").first()
                    contact = contact or Contact(enterprise=enterprise)
                    contact.name = values["contact_name"]
                    contact.title = values.get("contact_title") or ""
                    contact.phone = values.get("contact_phone") or ""
                    contact.save()
        seconds = time.perf_counter() - start
    return {"rows": len(result.rows), "seconds": seconds}


def naive_parcels(path: Path, autocommit: bool) -> dict:
    from django.db import transaction

    from openpark.core import importing
    from openpark.core.context import acting_as
    from openpark.enterprises.importers import PARCEL_SPEC, parcel_importer
    from openpark.enterprises.models import LandParcel

    with acting_as(source="benchmark-naive"):
        start = time.perf_counter()
        sheets = importing.read_workbook(path.read_bytes(), path.name)
        result = importing.parse_rows(sheets, PARCEL_SPEC)
        errors = result.errors + parcel_importer.resolve(result.rows)
        if errors:
            raise SystemExit(f"{path.name}: {len(errors)} errors, first: {errors[:3]}")
        with nullcontext() if autocommit else transaction.atomic():
            for row in result.rows:
                parcel = LandParcel.all_objects.filter(certificate_no=row.values["certificate_no"]).first()
                parcel = parcel or LandParcel()
                parcel_importer.assign(parcel, row.values)
                parcel.save()
        seconds = time.perf_counter() - start
    return {"rows": len(result.rows), "seconds": seconds}


# ---------------------------------------------------------------- checking both wrote the same


def fingerprint(codes: list[str]) -> str:
    """A digest of everything imported for these enterprises (timestamps and ids left out)."""
    from openpark.enterprises.models import (
        AboveScaleYear, ChainMembership, Contact, Enterprise, HighTechCertificate, LandParcel,
    )

    digest = hashlib.sha256()
    codes = sorted(codes)
    queries = [
        (Enterprise.all_objects, "uscc", ["uscc", "name", "registered_on", "status", "industry_id", "zone__name",
                                          "subpark_id", "address", "longitude", "latitude", "production_started_on",
                                          "linked_leader", "linked_department", "is_deleted"]),
        (AboveScaleYear.objects, "enterprise__uscc", ["enterprise__uscc", "year"]),
        (HighTechCertificate.objects, "enterprise__uscc", ["enterprise__uscc", "number", "issued_on"]),
        (Contact.objects, "enterprise__uscc", ["enterprise__uscc", "name", "title", "phone"]),
        (Enterprise.tags.through.objects, "enterprise__uscc", ["enterprise__uscc", "tag__name"]),
        (ChainMembership.objects, "enterprise__uscc", ["enterprise__uscc", "chain__name", "link__name"]),
        (LandParcel.all_objects, "holder__uscc", ["certificate_no", "area_mu", "land_use", "right_type",
                                                  "holder__uscc", "holder_name", "acquired_on", "released_on",
                                                  "address", "is_deleted"]),
    ]
    for manager, key, fields in queries:
        for start in range(0, len(codes), 5000):
            rows = manager.filter(**{f"{key}__in": codes[start:start + 5000]}).order_by(*fields).values_list(*fields)
            for row in rows:
                digest.update(repr(row).encode())
    return digest.hexdigest()


def change_records() -> int:
    from openpark.core.models import ChangeRecord

    return ChangeRecord.objects.count()


# ---------------------------------------------------------------- the baseline, in its own process


def baseline_worker(args) -> None:
    data_dir = tempfile.mkdtemp(prefix="openpark-bench-naive-")
    try:
        setup_django(data_dir)
        records = change_records()
        enterprises = naive_enterprises(Path(args.enterprises), args.baseline_autocommit)
        parcels = naive_parcels(Path(args.parcels), args.baseline_autocommit)
        from openpark.enterprises.models import Enterprise

        codes = list(Enterprise.all_objects.values_list("uscc", flat=True))
        print(json.dumps({
            "enterprises": enterprises, "parcels": parcels, "fingerprint": fingerprint(codes),
            "change_records": change_records() - records,
        }))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run_baseline(paths: tuple[Path, Path], autocommit: bool) -> dict:
    command = [sys.executable, __file__, "--baseline-worker",
               "--enterprises", str(paths[0]), "--parcels", str(paths[1])]
    if autocommit:
        command.append("--baseline-autocommit")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("the baseline failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- main


def rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds else float("inf")


def line(label: str, rows: int, seconds: float) -> str:
    return f"  {label:<26}{rows:>9,} rows {seconds:>9.2f} s {rate(rows, seconds):>11,.0f} rows/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=TARGET_ROWS, help="enterprises (and parcels) to import")
    parser.add_argument("--baseline-rows", type=int, default=10_000,
                        help="rows of the naive baseline (a subset: it is slow); 0 skips it")
    parser.add_argument("--baseline-autocommit", action="store_true",
                        help="baseline without a transaction: each save() commits, as on the pages (slower still)")
    parser.add_argument("--profile", metavar="DIR", help="write a cProfile of each bulk import to DIR")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (files and database)")
    parser.add_argument("--baseline-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--enterprises", help=argparse.SUPPRESS)
    parser.add_argument("--parcels", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_worker:
        return baseline_worker(args)

    work = Path(tempfile.mkdtemp(prefix="openpark-bench-"))
    try:
        (work / "db").mkdir()
        setup_django(str(work / "db"))
        from django.db import connection

        from openpark.enterprises.importers import enterprise_importer, parcel_importer

        import django

        machine = (f"Python {platform.python_version()}, Django {django.get_version()}, "
                   f"SQLite {sqlite3.sqlite_version}, "
                   f"{os.cpu_count()} CPUs, {platform.platform()}")
        print(machine)
        print(f"Temporary directory {work}")

        zones = zone_names()
        started = time.perf_counter()
        paths = write_files(work, args.rows, zones)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in paths)
        print(f"Generated {args.rows:,} enterprises and {args.rows:,} parcels "
              f"in {time.perf_counter() - started:.1f} s ({sizes})")

        baseline_rows = min(args.baseline_rows, args.rows)
        baseline = None
        if baseline_rows:
            (work / "baseline").mkdir()
            baseline_paths = write_files(work / "baseline", baseline_rows, zones)
            print(f"Baseline: naive import of the first {baseline_rows:,} rows in a subprocess …", flush=True)
            baseline = run_baseline(baseline_paths, args.baseline_autocommit)

        profile_dir = Path(args.profile) if args.profile else None
        if profile_dir:
            profile_dir.mkdir(parents=True, exist_ok=True)
        records = change_records()
        print(f"Bulk import of {args.rows:,} rows …", flush=True)
        enterprises = bulk_import(paths[0], enterprise_importer, profile_dir)
        parcels = bulk_import(paths[1], parcel_importer, profile_dir)
        records = change_records() - records
        database_mb = Path(connection.settings_dict["NAME"]).stat().st_size / 1e6
        print(f"Re-import of the same {args.rows:,} enterprises (nothing changes) …", flush=True)
        again = bulk_import(paths[0], enterprise_importer, profile_dir, "re-import")

        bulk_rows = enterprises["rows"] + parcels["rows"]
        bulk_seconds = enterprises["seconds"] + parcels["seconds"]
        print("\nBulk path (ModelImporter.apply: read + parse + check + write + change record):")
        print(line("enterprises", enterprises["rows"], enterprises["seconds"]), enterprises["counts"])
        print(line("land parcels", parcels["rows"], parcels["seconds"]), parcels["counts"])
        print(line("enterprises + land", bulk_rows, bulk_seconds))
        print(f"  {records:,} change records; database {database_mb:.0f} MB")
        for name, result in (("enterprises", enterprises), ("land parcels", parcels)):
            print(f"  {name} by step: {describe_phases(result['phases'])}")
        print(line("re-import, unchanged", again["rows"], again["seconds"]), again["counts"])
        print(f"  by step: {describe_phases(again['phases'])}")

        ratio, ratios, same = None, {}, None
        if baseline:
            naive_rows = baseline["enterprises"]["rows"] + baseline["parcels"]["rows"]
            naive_seconds = baseline["enterprises"]["seconds"] + baseline["parcels"]["seconds"]
            print(f"\nBaseline (one save() per row, signals record each change, "
                  f"{'each save its own transaction' if args.baseline_autocommit else 'one transaction per file'}; "
                  f"first {baseline_rows:,} rows"
                  f"{' — a subset, compared on rows/s' if baseline_rows < args.rows else ''}):")
            print(line("enterprises", baseline["enterprises"]["rows"], baseline["enterprises"]["seconds"]))
            print(line("land parcels", baseline["parcels"]["rows"], baseline["parcels"]["seconds"]))
            print(line("enterprises + land", naive_rows, naive_seconds))
            print(f"  {baseline['change_records']:,} change records")
            codes = [_uscc(i) for i in range(baseline_rows)]
            same = fingerprint(codes) == baseline["fingerprint"]
            ratios = {
                "enterprises": rate(enterprises["rows"], enterprises["seconds"])
                / rate(baseline["enterprises"]["rows"], baseline["enterprises"]["seconds"]),
                "land parcels": rate(parcels["rows"], parcels["seconds"])
                / rate(baseline["parcels"]["rows"], baseline["parcels"]["seconds"]),
            }
            ratio = rate(bulk_rows, bulk_seconds) / rate(naive_rows, naive_seconds)
            print("\nSame data written by both paths for the baseline's rows: " + ("yes" if same else "NO"))

        print("\nSummary")
        print(line("bulk: enterprises", enterprises["rows"], enterprises["seconds"]))
        print(line("bulk: enterprises + land", bulk_rows, bulk_seconds))
        print(line("bulk: re-import, unchanged", again["rows"], again["seconds"]))
        if baseline:
            print(line("naive: enterprises + land", naive_rows, naive_seconds))
            print("  ratio bulk / naive (rows/s): " + ", ".join(f"{k} {v:.1f}×" for k, v in ratios.items())
                  + f", enterprises + land {ratio:.1f}×")
            print(f"  target ratio ≥ {TARGET_RATIO:.0f}×: {'met' if ratio >= TARGET_RATIO else 'NOT met'}"
                  f" ({ratio:.1f}×)")
        else:
            print("  ratio: no baseline run (--baseline-rows 0)")
        if args.rows >= TARGET_ROWS:
            verdict = "met" if bulk_seconds < TARGET_SECONDS else "NOT met"
            print(f"  target {TARGET_ROWS:,} enterprises + land in < {TARGET_SECONDS:.0f} s: {verdict} "
                  f"({bulk_seconds:.1f} s; enterprises alone {enterprises['seconds']:.1f} s)")
        else:
            print(f"  target {TARGET_ROWS:,} rows in < {TARGET_SECONDS:.0f} s: not judged (--rows {args.rows:,})")
        if args.json:
            Path(args.json).write_text(json.dumps({
                "machine": machine, "rows": args.rows, "bulk": {"enterprises": enterprises, "parcels": parcels},
                "reimport": again,
                "baseline_rows": baseline_rows, "baseline": baseline, "same_data": same, "ratios": ratios,
                "ratio": ratio, "bulk_seconds": bulk_seconds, "change_records": records,
            }, indent=2, ensure_ascii=False, default=str))
        if same is False:
            raise SystemExit("the two paths wrote different data")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
