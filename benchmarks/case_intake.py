#!/usr/bin/env python
"""Benchmark: 随手拍 intake from the phone page and the staff's case list over HTTP, against a bare
Django view served by the same server in the same run.

    DEBUG=1 .venv/bin/python benchmarks/case_intake.py [--clients 8] [--seconds 10] [--reported 1000]

1. Loads the Chengnan demo park (`load_demo`: a year of cases among the rest) into a SQLite file in a
   temporary directory, makes the demo accounts, and tops the cases waiting for 核实 up to
   --reported (copies of demo cases, written in bulk), so that the staff's list filters 1,000+ rows.
2. Starts gunicorn on loopback (2 sync workers, as a small park runs it) with the project's URLs and,
   beside them, the benchmark's bare view (an `HttpResponse`, nothing read or written: the baseline,
   what Django and the server cost by themselves).
3. Runs --clients HTTP clients (threads of `http.client`, a new connection per request, as gunicorn's
   sync workers close each) for --seconds against each of:
   - the bare view, GET; and POST with the same form and photo as a report (read, not parsed);
   - intake: the phone page (`community:report`, POST /community/report/) as the demo rider
     (`demo_grid`, signed in, with the page's CSRF token): a report with a ~30 KB JPEG, each with a
     request key of its own, so that each files a case (checked, numbered, its grid found, its first
     record and 核实 timer, its photo read, re-encoded and kept);
   - the staff's list: GET /community/cases/?state=reported as the grid centre (`demo_community`),
     the first page of the waiting cases with their 逾期 marks;
   - the staff's queue: GET /community/cases/queues/dispatch/ (核实派遣队列) as the grid centre: the
     waiting cases with their running deadlines, overdue first, then by due time.
4. Prints requests per second, the median and the 95th percentile latency, and the ratios to the
   bare view (intake to the bare POST, the list and the queue to the bare GET).

Nothing touches the dev database.
"""
import argparse
import http.client
import io
import logging
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

from common import ROOT, setup_django

BOUNDARY = "----openparkbenchmark"

SETTINGS = """
from openpark.settings import *  # noqa: F401,F403

DEBUG = False  # no query log, as in production
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench_urls"
"""
URLS = '''
"""The project's URLs and the benchmark's bare view."""
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from openpark.urls import urlpatterns as park


@csrf_exempt
def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *park]
'''


def jpeg(target: int = 30_000) -> bytes:
    """A photo of about `target` bytes: a 640 × 480 JPEG of a gradient with some texture."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:480, 0:640]
    base = np.stack([x * 255 / 640, y * 255 / 480, (x + y) * 255 / 1120], axis=-1)
    pixels = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype("uint8")
    best = b""
    for quality in range(90, 10, -5):
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
        best = buffer.getvalue()
        if len(best) <= target:
            break
    return best


def multipart(fields: dict, photo: bytes) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="现场.jpg"\r\n'
                 "Content-Type: image/jpeg\r\n\r\n".encode() + photo + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def prepare(args, data_dir: str) -> dict:
    """The demo park, its accounts, 1,000+ cases waiting for 核实; the sessions and the form to send."""
    setup_django(data_dir)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from openpark.community.models import Case, CaseCategory
    from openpark.core.context import acting_as
    from openpark.core.demo_users import ensure_demo_users
    from openpark.core.models import User

    started = time.perf_counter()
    logging.disable(logging.INFO)  # the demo's reminders and notifications, each a line of the log
    call_command("load_demo", stdout=io.StringIO())
    with acting_as(source="benchmark"):
        ensure_demo_users()
        waiting = _top_up(args.reported)
    print(f"demo park loaded in {time.perf_counter() - started:.1f} s; {Case.objects.count():,} cases, "
          f"{waiting:,} waiting for 核实", flush=True)
    sessions = {}
    for username in ("demo_grid", "demo_community"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        sessions[username] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = Client(HTTP_HOST="localhost")
    staff.force_login(User.objects.get(username="demo_community"))
    with CaptureQueriesContext(connection) as captured:
        assert staff.get("/community/cases/?state=reported").status_code == 200
    case = Case.objects.filter(reporter__username="demo_grid").select_related("grid").first()
    ring = case.grid.boundary["coordinates"][0]
    lon = sum(p[0] for p in ring[:4]) / 4
    lat = sum(p[1] for p in ring[:4]) / 4
    category = CaseCategory.objects.get(name="乱扔垃圾")
    photo = jpeg()
    fields = {"category": category.pk, "description": "路边垃圾堆放，无人清理", "longitude": f"{lon:.6f}",
              "latitude": f"{lat:.6f}", "address": "城南大道 88 号附近"}
    return {"sessions": sessions, "fields": fields, "photo": photo, "cases": Case.objects.count(),
            "list_queries": len(captured)}


def _top_up(wanted: int) -> int:
    """Cases waiting for 核实 up to `wanted`: copies of the demo's cases, reported in the last days,
    numbered after the day's own, written in one bulk insert."""
    from datetime import timedelta

    from django.utils import timezone

    from openpark.community.cases import case_number
    from openpark.community.models import Case
    from openpark.core.bulk import insert_instances

    have = Case.objects.filter(state="reported").count()
    models = list(Case.objects.order_by("pk")[:200])
    now, copies = timezone.now(), []
    for n in range(max(0, wanted - have)):
        model = models[n % len(models)]
        at = now - timedelta(minutes=7 * (n + 1))
        copies.append(Case(number=case_number(timezone.localdate(at), 5000 + n), category_id=model.category_id,
                           urgency=model.urgency, description=model.description, longitude=model.longitude,
                           latitude=model.latitude, location_source=model.location_source, address=model.address,
                           grid_id=model.grid_id, reporter_worker_id=model.reporter_worker_id,
                           reporter_name=model.reporter_name, anonymous=model.anonymous, reported_at=at))
    insert_instances(Case, copies)
    return have + len(copies)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data_dir: str, port: int, secret: str) -> subprocess.Popen:
    Path(data_dir, "bench_settings.py").write_text(textwrap.dedent(SETTINGS))
    Path(data_dir, "bench_urls.py").write_text(URLS)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", "OPENPARK_DATA_DIR": data_dir,
                   "SECRET_KEY": secret, "DEBUG": "1", "PYTHONPATH": f"{data_dir}{os.pathsep}{ROOT / 'src'}"}
    environment.pop("DATABASE_URL", None)
    log = open(Path(data_dir, "gunicorn.log"), "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60", "openpark.wsgi:application"],
        env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = request(port, "GET", "/bench/bare/")
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start:\n" + Path(data_dir, "gunicorn.log").read_text()[-3000:])


def request(port: int, method: str, path: str, body=None, cookie: str = "", answer: dict | None = None):
    """One request on a connection of its own: (status, content); `answer` gets the response's headers.
    `body` may be a function that makes it, for a body of its own each time."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = body() if callable(body) else body
    try:
        headers = {"Host": "127.0.0.1"}
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = f"multipart/form-data; boundary={BOUNDARY}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        if answer is not None:
            answer["headers"] = response.getheaders()
        return response.status, response.read()
    finally:
        connection.close()


def csrf(port: int, path: str, cookie: str) -> tuple[str, str]:
    """The cookie with the CSRF cookie the page sets, and the token its form carries."""
    answer = {}
    status, content = request(port, "GET", path, cookie=cookie, answer=answer)
    assert status == 200, (status, content[:500])
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
    cookies = [value.split(";", 1)[0] for name, value in answer["headers"] if name.lower() == "set-cookie"]
    return "; ".join([cookie, *[c for c in cookies if c.startswith("csrftoken=")]]), token


def load(port: int, clients: int, seconds: float, method: str, path: str, body=None, cookie="",
         expected=(200,)) -> dict:
    """`clients` threads sending the request again and again for `seconds`: requests per second,
    median and 95th percentile latency, and the answers that were not `expected`."""
    latencies, failures, lock = [], [], threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        mine, wrong = [], []
        while time.monotonic() < stop:
            begun = time.perf_counter()
            status, content = request(port, method, path, body, cookie)
            mine.append(time.perf_counter() - begun)
            if status not in expected:
                wrong.append((status, content[:300]))
        with lock:
            latencies.extend(mine)
            failures.extend(wrong)

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "median": statistics.median(latencies),
            "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)], "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (threads)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of load on each URL")
    parser.add_argument("--reported", type=int, default=1000, help="cases waiting for 核实 before the run")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}; "
          f"gunicorn 2 sync workers, SQLite; {args.clients} clients, {args.seconds:.0f} s a URL", flush=True)
    data_dir = tempfile.mkdtemp(prefix="openpark-bench-")
    secret = secrets.token_urlsafe(40)
    os.environ["SECRET_KEY"] = secret  # the sessions made here are the server's
    server = None
    try:
        prepared = prepare(args, data_dir)
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = start_server(data_dir, port, secret)
        rider, staff = prepared["sessions"]["demo_grid"], prepared["sessions"]["demo_community"]
        listing, phone = "/community/cases/?state=reported", "/community/report/"
        queue = "/community/cases/queues/dispatch/"
        for url in (listing, queue):
            status, content = request(port, "GET", url, cookie=staff)
            assert status == 200 and "待核实".encode() in content, (status, content[:500])
        rider, token = csrf(port, phone, rider)  # as the rider's phone has it from the page

        def report():  # the phone page's form, with a request key of its own: a new case each time
            return multipart({"csrfmiddlewaretoken": token, "request_key": secrets.token_hex(16),
                              **prepared["fields"]}, prepared["photo"])

        status, content = request(port, "POST", phone, report, rider)
        assert status == 200 and "上报成功".encode() in content, (status, content[:1500].decode(errors="replace"))
        runs = {
            "baseline: bare view, GET": load(port, args.clients, args.seconds, "GET", "/bench/bare/"),
            "baseline: bare view, POST of the same form": load(port, args.clients, args.seconds, "POST",
                                                                "/bench/bare/", report()),
            f"intake: POST {phone}, a report with its photo": load(port, args.clients, args.seconds, "POST", phone,
                                                                  report, rider),
            f"staff list: GET {listing}": load(port, args.clients, args.seconds, "GET", listing, cookie=staff),
            f"staff queue: GET {queue}": load(port, args.clients, args.seconds, "GET", queue, cookie=staff),
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"photo {len(prepared['photo']) / 1024:.0f} KB; {prepared['cases']:,} cases before the run; "
          f"the staff list runs {prepared['list_queries']} queries\n")
    print(f"{'req/s':>8}{'median':>10}{'p95':>10}{'requests':>10}  what")
    for label, run in runs.items():
        print(f"{run['rps']:>8.1f}{run['median'] * 1000:>8.1f}ms{run['p95'] * 1000:>8.1f}ms{run['requests']:>10}  {label}")
        for status, content in run["failures"][:3]:
            print(f"          failed: {status} {content!r}")
    bare_get, bare_post = runs["baseline: bare view, GET"], runs["baseline: bare view, POST of the same form"]
    intake, staff_list = runs[f"intake: POST {phone}, a report with its photo"], runs[f"staff list: GET {listing}"]
    staff_queue = runs[f"staff queue: GET {queue}"]
    print(f"\nintake / bare POST: {bare_post['rps'] / intake['rps']:.1f}× fewer requests a second, "
          f"p95 {intake['p95'] / bare_post['p95']:.1f}× the bare view's")
    print(f"staff list / bare GET: {bare_get['rps'] / staff_list['rps']:.1f}× fewer requests a second, "
          f"p95 {staff_list['p95'] / bare_get['p95']:.1f}× the bare view's")
    print(f"staff queue / bare GET: {bare_get['rps'] / staff_queue['rps']:.1f}× fewer requests a second, "
          f"p95 {staff_queue['p95'] / bare_get['p95']:.1f}× the bare view's")
    if any(run["failures"] for run in runs.values()):
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
