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
