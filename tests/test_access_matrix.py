"""The access matrix of every role, every court_* model, button and wizard,
probed from the outside (JSON-RPC as each demo user, see
court_tools/access_matrix.py) and compared with the reviewed matrix in
tests/access_matrix.json (its table is in doc/reliability.md).

After an intended change of access, run
``python -m court_tools.access_matrix --write`` and review the diff."""
import json

from court_tools import access_matrix


def test_access_matrix(server, admin):
    prober = access_matrix.Prober(server, admin)
    actual = prober.probe()
    expected = json.loads(access_matrix.EXPECTED.read_text())
    # every basic role and the superior court's are probed
    assert {'clerk', 'mediator', 'filing', 'judge', 'petition', 'leader',
        'roster', 'scoring', 'supervisor@city'} <= set(actual)
    differences = access_matrix.differences(expected, actual)
    assert not differences, (
        'the server answers another access matrix than '
        'tests/access_matrix.json:\n' + '\n'.join(differences))
    # no probe met a server error (an answer that is neither an access
    # error nor a success would be a bug of the probed method)
    assert not [e for e in prober.errors if 'Traceback' in e[1]], (
        prober.errors)


def test_access_pattern():
    "The access errors are recognised in English and in Chinese"
    pattern = access_matrix._access_pattern()
    assert pattern.search(
        'You are not allowed to access "Mediation Case".')
    assert not pattern.search('The ID number is not valid.')
