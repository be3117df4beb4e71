"""The test runner's verdict (court_tools.runtests.main): what fails a run."""
import pytest

from court_tools import runtests


def _phase(counts, code=0):
    def run(extra, results):
        results.append(('fake', dict(counts), 0.0, code))
    return run


@pytest.mark.parametrize('counts,code,extra,verdict', [
        ({'passed': 3, 'failed': 0, 'skipped': 1}, 0, [], 0),
        ({'passed': 3, 'failed': 1, 'skipped': 0}, 1, [], 1),
        # every test skipped: proves nothing
        ({'passed': 0, 'failed': 0, 'skipped': 7}, 0, [], 1),
        # nothing collected
        ({'passed': 0, 'failed': 0, 'skipped': 0}, 5, [], 1),
        # pytest crashed without a report
        ({'passed': 2, 'failed': 0, 'skipped': 0}, 3, [], 1),
        ])
def test_verdict(monkeypatch, capsys, counts, code, extra, verdict):
    monkeypatch.setattr(runtests, 'phase_sqlite', _phase(counts, code))
    argv = ['sqlite'] + (['--', *extra] if extra else [])
    assert runtests.main(argv) == verdict


def test_selected_tests_may_skip_a_phase(monkeypatch):
    "With -k after --, a phase that selects nothing is not a failure"
    monkeypatch.setattr(runtests, 'phase_sqlite',
        _phase({'passed': 0, 'failed': 0, 'skipped': 0}, 5))
    monkeypatch.setattr(runtests, 'phase_browser',
        _phase({'passed': 1, 'failed': 0, 'skipped': 0}, 0))
    assert runtests.main(['sqlite', 'browser', '--', '-k', 'x']) == 0
    assert runtests.main(['sqlite', 'browser']) == 1


def test_paths_after_dashes_select_the_runs():
    "Paths after -- replace a run's own paths they fall under"
    root = runtests.ROOT
    modules = [str(root / 'addons' / m / 'tests')
        for m in ('court_base', 'court_grid')]
    cross = [str(root / 'tests' / 'test_api.py'),
        str(root / 'tests' / 'test_runtests.py')]
    extra = ['tests/test_api.py::test_x', '-k', 'tests', '-p',
        'no:randomly', 'addons/court_grid']
    assert runtests._select(cross, extra) == (['tests/test_api.py::test_x'],
        ['-k', 'tests', '-p', 'no:randomly'])
    assert runtests._select(modules, extra) == ([modules[1]],
        ['-k', 'tests', '-p', 'no:randomly'])
    # a file of another run: nothing here
    assert runtests._select(modules, ['tests/test_api.py', '-x']) == (
        [], ['-x'])
    # no path given: the run's own paths, options kept
    assert runtests._select(cross, ['-k', 'tests']) == (cross,
        ['-k', 'tests'])
    # a directory above the run's paths selects them all
    assert runtests._select(cross, ['tests']) == (cross, [])
