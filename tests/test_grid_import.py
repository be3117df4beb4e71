"""The county import command (court_tools/grid_import.py) on a copy of the
demo database: a county the demo has not loaded is imported under the
intermediate court; run again, it creates nothing (idempotent)."""
import os
import re
import subprocess
import sys

import pytest

from court_tools import testdb

pytestmark = pytest.mark.skipif(
    os.environ.get('TRYTOND_DATABASE_URI', '').startswith('postgresql'),
    reason="the import is the same ORM code on both backends (scenario "
    "tests); the command is run on a SQLite copy of the demo")


def _run(database, *args):
    out = subprocess.run([sys.executable, '-m', 'court_tools.grid_import',
            '-d', database.name, *args], env=database.env, cwd=testdb.ROOT,
        capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return int(re.search(r': (\d+) areas created', out.stdout).group(1))


def test_import_county(tmp_path):
    database = testdb.demo_database('sqlite', str(tmp_path))
    # 涧西区 (410305): not a demo court's county
    created = _run(database, '410305', '--court', '4103')
    assert created > 10
    assert _run(database, '410305', '--court', '4103') == 0
