"""Each role lands on its own work after login: the actions the server
gives each demo user at login (user preferences 'actions', from the
court.group.landing records of the user's groups and of the groups they
inherit from)."""
import pytest

# role -> the actions opened at login, in order (English source names)
LANDING = {
    # the intake form last: the tab the clerk sees
    'clerk': ['Mediation Cases', 'Log a Dispute'],
    'filing': ['Mediation Cases', 'Log a Dispute'],     # a clerk too
    'mediator': ['Cases Due Soonest'],
    'roster': ['Invited Mediators', 'Roster Health'],   # health on top
    # the overdue lists on top of the court's petitions
    'petition': ['Petitions', 'Overdue Petitions'],
    'judge': ['Petitions Assigned to Me or My Department'],
    # the evaluations, and on top their key petitions (owned by me first)
    'leader': ['Evaluations', 'Key Petitions'],
    'scoring': ['Evaluations'],
    }


def _landing(rpc, admin):
    preferences = rpc('model.res.user.get_preferences', False)
    actions = admin._call('model.ir.action.read', [preferences['actions'],
            ['name'], dict(admin.context, language='en')])
    names = {a['id']: a['name'] for a in actions}
    return [names[a] for a in preferences['actions']]


@pytest.mark.parametrize('role', sorted(LANDING))
def test_landing(sessions, admin, role):
    assert _landing(sessions(role), admin)[:len(LANDING[role])] == (
        LANDING[role])


def test_own_actions_win(server, admin):
    "A user given actions of their own opens those instead"
    user, = admin.model('res.user', 'search',
        [('login', '=', 'judge_410302')], 0, 1, None)
    action, = admin.model('ir.action', 'search',
        [('name', '=', '调解案件')], 0, 1, None)
    admin.model('res.user', 'write', [user], {'actions': [('add', [action])]})
    try:
        assert _landing(server.rpc('judge_410302'), admin) == [
            'Mediation Cases']
    finally:
        admin.model('res.user', 'write', [user],
            {'actions': [('remove', [action])]})
