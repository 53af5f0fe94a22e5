"""An installation upgrades in place: the demo park built by the release before the shared core
(its code and migrations, from git) is migrated by this code to the new head, and every enterprise,
fact, evaluation run, project, change record and chain membership is still there. The chain tags of
that release become chain memberships one for one; projects keep their chains.

Both releases run in subprocesses on a SQLite file in a temporary folder (DATABASE_URL and
OPENPARK_DATA_DIR point there), so nothing of the developer's data is touched."""
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PREVIOUS_RELEASE = "3b5c28e"
REPOSITORY = Path(__file__).resolve().parents[2]
SOURCE = REPOSITORY / "src"

pytestmark = pytest.mark.upgrade


def _previous_release_available() -> bool:
    if shutil.which("git") is None:
        return False
    found = subprocess.run(["git", "-C", str(REPOSITORY), "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"],
                           capture_output=True)
    return found.returncode == 0


def _django(source: Path, folder: Path, *args: str) -> str:
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "SECRET_KEY"}}
    env.update(PYTHONPATH=str(source), DJANGO_SETTINGS_MODULE="openpark.settings", DEBUG="1",
               DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", OPENPARK_DATA_DIR=str(folder / "data"))
    done = subprocess.run([sys.executable, "-m", "django", *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _rows(database: Path, sql: str) -> set:
    with sqlite3.connect(database) as connection:
        return set(connection.execute(sql).fetchall())


BEFORE = {
    "enterprises": "SELECT id, uscc, name FROM enterprises_enterprise",
    "facts": "SELECT id, enterprise_id, indicator_id, year, month, value FROM economy_fact",
    "runs": "SELECT id, year, state FROM evaluation_run",
    "results": "SELECT id, run_id, enterprise_id, grade FROM evaluation_result",
    "changes": "SELECT id, object_id, action FROM core_changerecord",
    "tags": "SELECT t.enterprise_id, t.tag_id FROM enterprises_enterprise_tags t "
            "JOIN enterprises_tag g ON g.id = t.tag_id WHERE g.kind <> 'chain'",
}
PROJECTS_BEFORE = ("SELECT p.id, p.code, p.stage, c.name, l.name FROM investment_project p "
                   "JOIN investment_chain c ON c.id = p.chain_id LEFT JOIN investment_chainlink l ON l.id = p.link_id")
PROJECTS_AFTER = ("SELECT p.id, p.code, p.stage, c.name, l.name FROM investment_project p "
                  "JOIN enterprises_chain c ON c.id = p.chain_id LEFT JOIN enterprises_chainlink l ON l.id = p.link_id")
CHAIN_TAGS = ("SELECT t.enterprise_id, g.name FROM enterprises_enterprise_tags t "
              "JOIN enterprises_tag g ON g.id = t.tag_id WHERE g.kind = 'chain'")
AT_LINKS = ("SELECT e.enterprise_id, c.name, l.name FROM investment_chainlink_enterprises e "
            "JOIN investment_chainlink l ON l.id = e.chainlink_id JOIN investment_chain c ON c.id = l.chain_id")
MEMBERSHIPS = ("SELECT m.enterprise_id, c.name, l.name FROM enterprises_chainmembership m "
               "JOIN enterprises_chain c ON c.id = m.chain_id LEFT JOIN enterprises_chainlink l ON l.id = m.link_id")


@pytest.mark.skipif(not _previous_release_available(),
                    reason=f"git or the commit {PREVIOUS_RELEASE} of the previous release is not available "
                           "(a shallow clone): the upgrade cannot be rebuilt")
def test_the_previous_releases_demo_park_upgrades_in_place(tmp_path):
    archive = subprocess.run(["git", "-C", str(REPOSITORY), "archive", PREVIOUS_RELEASE, "src"],
                             capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tmp_path)], input=archive.stdout, check=True)
    _django(tmp_path / "src", tmp_path, "migrate", "--verbosity", "0")
    _django(tmp_path / "src", tmp_path, "load_demo")
    database = tmp_path / "db.sqlite3"
    before = {name: _rows(database, sql) for name, sql in BEFORE.items()}
    projects, chain_tags, at_links = (_rows(database, sql) for sql in (PROJECTS_BEFORE, CHAIN_TAGS, AT_LINKS))
    assert len(before["enterprises"]) == 300 and len(before["facts"]) > 60000 and len(projects) > 150
    assert len(chain_tags) > 200 and before["runs"] and before["changes"]

    _django(SOURCE, tmp_path, "migrate", "--verbosity", "0")

    after = {name: _rows(database, sql) for name, sql in BEFORE.items()}
    for name, rows in before.items():
        assert after[name] == rows, name
    assert _rows(database, PROJECTS_AFTER) == projects
    memberships = _rows(database, MEMBERSHIPS)
    assert {(enterprise, chain) for enterprise, chain, _ in memberships} >= chain_tags | {
        (enterprise, chain) for enterprise, chain, _ in at_links}
    assert {m for m in memberships if m[2] is not None} == at_links
    unplaced = {(enterprise, chain) for enterprise, chain, link in memberships if link is None}
    placed = {(enterprise, chain) for enterprise, chain, _ in at_links}
    assert unplaced == chain_tags - placed  # one membership for each tag link, none more
    assert not _rows(database, "SELECT id FROM enterprises_tag WHERE kind = 'chain'")
    goals = _rows(database, "SELECT year, count FROM investment_targetgoal")
    assert goals and {count for _, count in goals} == {30}
