"""Cross-court isolation, the remaining doors: a user of one court finds
nothing of another court through search_count, read by id, searches on
related fields, the web client's global search, reports and exports, on
every court-owned model; a superior court sees exactly the courts under
it, not fewer, not more.  Parties are shared across courts
(doc/reliability.md says what is seen of them and why).

Each check is paired with the same request answered for the user's own
court (or by the administrator), so that a check finding nothing because
there is nothing to find fails."""
import pytest

from court_tools import testdb
from court_tools.testdb import RPCError

COURT = '410302'    # 洛阳市老城区人民法院
OTHER = '410303'    # 洛阳市西工区人民法院
CITY = '4103'       # 洛阳市中级人民法院
CASE = 'court.mediation.case'
PETITION = 'court.petition'
EVALUATION = 'court.scoring.evaluation'

# court-owned models (CourtMixin, court rule), the role of 西工区 that
# reads them, the role of 老城区 that reads them (for the pairing)
MODELS = [
    (CASE, 'filing'),
    (PETITION, 'petition'),
    ('court.petition.escalation', 'petition'),
    ('court.grid.activity', 'filing'),
    ('court.grid.dispute', 'filing'),
    ('court.grid.person', 'filing'),
    ('court.station', 'filing'),
    ('court.scoring.value', 'scoring'),
    (EVALUATION, 'scoring'),
    ('court.scoring.shortfall', 'scoring'),
    ]


def _error(call):
    try:
        call()
    except RPCError as error:
        return error
    return None


def _denied(error):
    return error is not None and any(
        word in error.message for word in testdb.DENIED_WORDS)


@pytest.fixture(scope='module')
def courts(admin):
    def court(division):
        ids = admin.model('company.company', 'search',
            [('division_code', '=', division)], 0, None, None)
        assert len(ids) == 1, division
        return ids[0]
    info = {'court': court(COURT), 'other': court(OTHER), 'city': court(CITY)}

    tree = admin.model('company.company', 'search_read', [], 0, None,
        None, ['superior'])

    def below(court_id):
        "The court and every court under it"
        ids, todo = set(), [court_id]
        while todo:
            current = todo.pop()
            ids.add(current)
            todo.extend(c['id'] for c in tree if c['superior'] == current)
        return ids
    info['below'] = below
    return info


def _ids(rpc, model, domain):
    return set(rpc.model(model, 'search', domain, 0, None, None))


@pytest.mark.parametrize('model,role', MODELS)
def test_count_and_read_other_court(sessions, admin, courts, model, role):
    """search, search_count and read of 老城区's records by 西工区's user:
    nothing found, read refused; 老城区's own user finds them"""
    field = 'company'
    theirs = sorted(_ids(admin, model, [
                (field, 'in', list(courts['below'](courts['court'])))]))
    assert theirs, f'the demo has no {model} of {COURT}'
    own = sessions(role, COURT)
    assert own.model(model, 'search_count', [
            (field, 'in', list(courts['below'](courts['court'])))]) > 0
    rpc = sessions(role, OTHER)
    assert rpc.model(model, 'search_count', [
            (field, '=', courts['court'])]) == 0
    assert rpc.model(model, 'search_count', [('id', 'in', theirs)]) == 0
    assert not _ids(rpc, model, [('id', 'in', theirs)])
    assert _denied(_error(lambda: rpc.model(model, 'read', theirs[:3],
                ['rec_name'])))
    # the other court's own records are there to be found
    assert rpc.model(model, 'search_count', []) > 0 or model in {
        'court.petition.escalation', 'court.scoring.shortfall',
        'court.grid.dispute'}


@pytest.fixture(scope='module')
def court_party(admin, courts):
    """A person who is a party of 老城区's cases and of no case of 西工区's
    (nor of the city's courts outside 老城区): (party id, name)"""
    rows = admin.model('court.mediation.case.party', 'search_read', [],
        0, None, None, ['party', 'case'])
    company = {r['id']: r['company'] for r in admin.model(CASE, 'read',
            sorted({r['case'] for r in rows}), ['company'])}
    mine = courts['below'](courts['court'])
    by_party = {}
    for row in rows:
        by_party.setdefault(row['party'], set()).add(company[row['case']])
    names = {}
    for party, companies in sorted(by_party.items()):
        if companies <= mine:
            name, = admin.model('party.party', 'read', [party], ['name'])
            names.setdefault(name['name'], []).append(party)
    # a name no other party bears (the related search is by name)
    for name, parties in names.items():
        if len(parties) == 1 and admin.model('party.party', 'search_count',
                [('name', '=', name)]) == 1:
            return parties[0], name
    pytest.fail('no party of 老城区 only with a unique name')


def test_related_field_search(sessions, court_party):
    """Searching the cases on the parties' name (case.parties.party.name)
    or id finds the case for its court, nothing for another court"""
    party, name = court_party
    for domain in [[('parties.party.name', '=', name)],
            [('parties.party.name', 'ilike', name)],
            [('parties.party', '=', party)],
            [('parties.party.id_number', '!=', None),
                ('parties.party', '=', party)]]:
        assert sessions('filing', COURT).model(
            CASE, 'search_count', domain) > 0, domain
        assert sessions('filing', OTHER).model(
            CASE, 'search_count', domain) == 0, domain


def test_party_seen_through_a_case(sessions, admin, courts, court_party):
    """A party is shared: 西工区's filing officer reads the person (name,
    ID number, as every court's officer does when it registers them), but
    not 老城区's cases of that person, through the party or the case"""
    party, name = court_party
    rpc = sessions('filing', OTHER)
    row, = rpc.model('party.party', 'read', [party], ['name'])
    assert row['name'] == name
    lines = admin.model('court.mediation.case.party', 'search', [
            ('party', '=', party)], 0, None, None)
    assert lines
    assert rpc.model('court.mediation.case.party', 'search_count', [
            ('party', '=', party)]) == 0
    assert _denied(_error(lambda: rpc.model(
                'court.mediation.case.party', 'read', lines, ['case'])))


def test_petition_related_search(sessions, admin, courts):
    "Petitions searched on their petitioners' names stay in the court"
    row = admin.model('court.petition.petitioner', 'search_read', [
            ('petition.company', '=', courts['court'])], 0, 1, None,
        ['party'])[0]
    name, = admin.model('party.party', 'read', [row['party']], ['name'])
    domain = [('petitioners.party.name', '=', name['name'])]
    assert sessions('petition', COURT).model(
        PETITION, 'search_count', domain) > 0
    other = sessions('petition', OTHER)
    found = other.model(PETITION, 'search', domain, 0, None, None)
    if found:
        # a namesake's petitions: only 西工区's own
        companies = {r['company'] for r in other.model(PETITION, 'read',
                found, ['company'])}
        assert companies == {courts['other']}


@pytest.fixture
def global_search_on(admin):
    """The web client's global search enabled for cases, petitions and
    parties (off in the platform: no court model is global_search_p)"""
    models = admin.model('ir.model', 'search', [
            ('name', 'in', [CASE, PETITION, 'party.party'])], 0, None, None)
    before = admin.model('ir.model', 'read', models, ['global_search_p'])
    admin.model('ir.model', 'write', models, {'global_search_p': True})
    yield
    for row in before:
        admin.model('ir.model', 'write', [row['id']],
            {'global_search_p': row['global_search_p']})


def _global(rpc, text):
    "sao's global search: [(ratio, model, model name, id, name, icon)]"
    return rpc('model.ir.model.global_search', text, 50)


def test_global_search_off(sessions, admin, courts):
    "No court model is in the web client's global search"
    assert not admin.model('ir.model', 'search', [
            ('global_search_p', '=', True),
            ('name', 'like', 'court.%')], 0, None, None)
    number = admin.model(CASE, 'search_read', [
            ('company', '=', courts['court']), ('number', '!=', None)],
        0, 1, None, ['number'])[0]['number']
    assert not [r for r in _global(sessions('filing', COURT), number)
        if r[1].startswith('court.')]


def test_global_search_other_court(sessions, admin, courts, global_search_on):
    """Enabled by an administrator, the global search still obeys the
    record rules: 老城区's case and petition numbers are found by its
    users, not by 西工区's"""
    case = admin.model(CASE, 'search_read', [
            ('company', '=', courts['court']), ('number', '!=', None)],
        0, 1, None, ['number'])[0]
    petition = admin.model(PETITION, 'search_read', [
            ('company', '=', courts['court']), ('number', '!=', None)],
        0, 1, None, ['number'])[0]
    for model, record, role in [(CASE, case, 'filing'),
            (PETITION, petition, 'petition')]:
        found = {(r[1], r[3]) for r in _global(
                sessions(role, COURT), record['number'])}
        assert (model, record['id']) in found, found
        found = _global(sessions(role, OTHER), record['number'])
        assert not [r for r in found if r[1] == model
            and r[3] == record['id']], found
        # nothing of 老城区 at all among what 西工区 finds
        ids = [r[3] for r in found if r[1] == model]
        if ids:
            companies = {r['company'] for r in sessions(role, OTHER).model(
                    model, 'read', ids, ['company'])}
            assert courts['court'] not in companies


@pytest.mark.parametrize('report,model,role,domain', [
        ('court.mediation.case.transfer', CASE, 'filing', []),
        ('court.petition.reply_letter', PETITION, 'petition', []),
        ('court.scoring.evaluation.score_sheet', EVALUATION, 'scoring', []),
        ('court.station.grid_notice', 'court.station', 'filing',
            [('kind', '=', 'liaison_point')]),
        ])
def test_reports_other_court(sessions, admin, courts, report, model, role,
        domain):
    "The documents of another court's records are not printed"
    ids = admin.model(model, 'search', [
            ('company', '=', courts['court'])] + domain, 0, 1, None)
    assert ids, f'no {model} of {COURT} to print'
    rpc = sessions(role, OTHER)
    assert _denied(_error(lambda: rpc(f'report.{report}.execute', ids,
                {'model': model, 'id': ids[0], 'ids': ids})))


@pytest.mark.parametrize('model,role,fields', [
        (PETITION, 'petition', ['number', 'matter']),
        ('court.scoring.value', 'scoring', ['value']),
        ('court.grid.activity', 'filing', ['date']),
        ])
def test_exports_other_court(sessions, admin, courts, model, role, fields):
    """export_data of another court's ids is refused; export_data_domain
    exports the user's courts only"""
    theirs = admin.model(model, 'search', [
            ('company', '=', courts['court'])], 0, 5, None)
    assert theirs
    rpc = sessions(role, OTHER)
    assert _denied(_error(lambda: rpc.model(model, 'export_data', theirs,
                fields)))
    rows = rpc.model(model, 'export_data_domain', [], ['company/id'], 0,
        None, None)
    assert courts['court'] not in {r[0] for r in rows}
    # 老城区's own user exports them
    rows = sessions(role, COURT).model(model, 'export_data_domain', [],
        ['company/id'], 0, None, None)
    assert courts['court'] in {r[0] for r in rows}


# the roles of the city that read each model under the court rule
# (company child_of the user's courts)
SUPERIOR_MODELS = [
    (CASE, 'supervisor'),
    (EVALUATION, 'supervisor'),
    ('court.scoring.value', 'scoring'),
    ('court.grid.activity', 'supervisor'),
    ('court.station', 'supervisor'),
    ]


@pytest.mark.parametrize('model,role', SUPERIOR_MODELS)
def test_superior_sees_exactly_its_subordinates(sessions, admin, courts,
        model, role):
    """The city's user sees the records of the city and of every court
    under it: not fewer, not more (the province's and other cities' are
    not seen); a basic court's user sees its court and its tribunals"""
    for division, court, who in [(CITY, courts['city'], role),
            (COURT, courts['court'], 'filing' if model in {
                    CASE, 'court.grid.activity', 'court.station'}
                else 'scoring')]:
        rpc = sessions(who, division)
        scope = courts['below'](court)
        expected = _ids(admin, model, [('company', 'in', list(scope))])
        seen = _ids(rpc, model, [])
        assert expected, (model, division)
        assert seen == expected, (model, division,
            len(seen - expected), len(expected - seen))
    # the city's scope is more than one basic court's
    assert courts['below'](courts['city']) > courts['below'](courts['court'])
