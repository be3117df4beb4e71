"""The access of line models (a case's parties, sessions and assignments;
a petition's petitioners, plan, reports and supervision notes; a
mediator's history): what each role may write, create and delete is what
the line model's own access rows say, not more through its parent
(court_base's ir.model.access; doc/reliability.md)."""
import json
import subprocess
import sys

from court_tools import testdb

PETITION = 'court.petition'
_denied = testdb.denied


def test_own_rows_govern(demo_db):
    """Every demo user × every line model with access rows: write, create
    and delete as the server computes them are those of the own rows"""
    result = subprocess.run([sys.executable, '-m', 'court_tools.line_access',
            '-d', demo_db.name, '-c', demo_db.env['TRYTOND_CONFIG']],
        env=demo_db.env, capture_output=True, text=True, cwd=testdb.ROOT)
    lines = result.stdout.splitlines()
    assert lines, result.stderr[-3000:]
    models = json.loads(lines[0])['models']
    # the audit looked at the line models of every module
    assert {'court.mediation.case.assignment', 'court.mediation.session',
        'court.mediator.state_change', 'court.petition.supervision',
        'court.petition.petitioner'} <= set(models), models
    differences = [json.loads(line) for line in lines[1:]]
    assert result.returncode == 0 and not differences, differences


def test_lines_through_rpc(sessions, admin):
    """From the outside: the petition officer may write the petition but
    not write a supervision note (the leader's) nor delete a report; the
    judge handles the petition but does not change its petitioners; the
    leader writes the supervision note"""
    officer = sessions('petition')
    judge = sessions('judge')
    leader = sessions('leader')
    petition = officer.model(PETITION, 'search',
        [('state', 'in', ['assigned', 'handling'])], 0, 1, None)[0]
    today = testdb.court_today().isoformat()
    note = {'petition': petition, 'note': '测试：督办意见',
        'date': {'__class__': 'date', 'year': int(today[:4]),
            'month': int(today[5:7]), 'day': int(today[8:10])}}
    assert _denied(lambda: officer.model(
            'court.petition.supervision', 'create', [note]))
    assert not admin.model('court.petition.supervision', 'search',
        [('note', '=', '测试：督办意见')], 0, None, None)
    created, = leader.model('court.petition.supervision', 'create', [note])
    assert _denied(lambda: officer.model(
            'court.petition.supervision', 'write', [created],
            {'note': '改过'}))
    assert admin.model('court.petition.supervision', 'read', [created],
        ['note'])[0]['note'] == '测试：督办意见'
    reports = admin.model('court.petition.report', 'search',
        [('petition.company', '=', admin.model(PETITION, 'read',
                    [petition], ['company'])[0]['company'])], 0, 1, None)
    assert reports
    assert _denied(lambda: officer.model(
            'court.petition.report', 'delete', reports))
    assert admin.model('court.petition.report', 'search',
        [('id', 'in', reports)], 0, None, None) == reports
    petitioners = admin.model('court.petition.petitioner', 'search',
        [('petition', '=', petition)], 0, 1, None)
    assert petitioners
    assert _denied(lambda: judge.model('court.petition.petitioner',
            'write', petitioners, {'representative': True}))
