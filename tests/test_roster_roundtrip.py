"""导出名册（导入格式）: the roster exported in the import template's columns
imports back, through JSON-RPC as the roster administrators: the mediators
of one court (the demo's roster is the intermediate court's, read by the
basic courts' roster administrators) exported and imported into another
court that has the same organisations are the same people with the same
values (as candidates);
the same file imported again is refused row by row as duplicates, nothing
written. ID numbers are exported only to the roles whose field access reads
them (a leader gets the column empty); mediators the user may not read are
refused."""
import base64
import contextlib
import datetime as dt
import io

import pytest

from court_tools.testdb import RPCError

openpyxl = pytest.importorskip('openpyxl')
COURT, OTHER, THIRD = '410302', '410303', '410304'
ROSTER = '4103'     # the court whose roster the demo's mediators are on
MEDIATOR = 'court.mediator'
ORGANISATION = 'court.mediation.organisation'
HEADERS = ['姓名', '居民身份证号码', '手机号码', '调解组织', '调解工作室',
    '专长案由', '服务区域代码', '加入日期', '任期届满日期']
FIELDS = ['party.name', 'party.id_number', 'party.mobile_number',
    'organisation.name', 'studio', 'specialities', 'division_codes',
    'join_date', 'term_end', 'state']


def _export(rpc, ids):
    context = dict(rpc.context, active_model=MEDIATOR, active_ids=ids,
        active_id=ids[0])
    result = rpc.wizard('court.mediator.export', None, context=context)
    values = result['view']['defaults']
    return base64.b64decode(values['file']['base64']), values


def _import(rpc, court, data, state):
    return rpc.wizard('court.mediator.import', state, {'start': {
                'file': {'__class__': 'bytes',
                    'base64': base64.b64encode(data).decode()},
                'filename': '名册.xlsx', 'company': court,
                'appoint': None}})


def _court(admin, division):
    court, = admin.model('company.company', 'search',
        [('division_code', '=', division)], 0, 1, None)
    return court


def _rows(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [str(h).rstrip('*') for h in rows[0]], rows[1:]


def _values(admin, ids):
    "The values the round trip keeps, by ID number"
    types = {}
    result = {}
    for r in admin.model(MEDIATOR, 'read', ids, FIELDS):
        for t in r['specialities']:
            if t not in types:
                types[t] = admin.model('court.dispute.type', 'read', [t],
                    ['name'])[0]['name']
        result[r['party.']['id_number']] = (
            r['party.']['name'], r['party.']['mobile_number'],
            (r['organisation.'] or {}).get('name'), r['studio'],
            sorted(types[t] for t in r['specialities']),
            r['division_codes'], r['join_date'], r['term_end'])
    return result


@pytest.fixture
def exported(sessions, admin):
    "(ids, file) of mediators of COURT exported by its roster administrator"
    roster = sessions('roster', COURT)
    court = _court(admin, ROSTER)
    ids = roster.model(MEDIATOR, 'search', [('company', '=', court)], 0, 6,
        [('id', 'ASC')])
    assert len(ids) == 6
    data, _ = _export(roster, ids)
    return ids, data


def test_roster_round_trip(sessions, admin, exported):
    ids, data = exported
    headers, rows = _rows(data)
    assert headers == HEADERS
    assert len(rows) == len(ids)
    before = _values(admin, ids)
    assert all(before), 'every demo mediator has an ID number'
    assert {r[1] for r in rows} == set(before)
    # dates as dates, ID numbers as text
    assert any(isinstance(r[7], dt.datetime) for r in rows), rows
    assert all(isinstance(r[1], str) for r in rows)

    # the other court has organisations of the same names
    other = _court(admin, OTHER)
    names = {v[2] for v in before.values()} - {None}
    have = {o['name'] for o in admin.model(ORGANISATION, 'search_read',
            [('company', '=', other)], 0, None, None, ['name'])}
    kinds = {o['name']: o['kind'] for o in admin.model(ORGANISATION,
            'search_read', [('name', 'in', list(names))], 0, None, None,
            ['name', 'kind'])}
    admin.model(ORGANISATION, 'create', [{'name': n, 'kind': kinds[n],
                'company': other} for n in sorted(names - have)])

    roster = sessions('roster', OTHER)
    domain = [('company', '=', other),
        ('party.id_number', 'in', list(before))]
    assert not roster.model(MEDIATOR, 'search', domain, 0, None, None)
    preview = _import(roster, other, data, 'preview')
    defaults = preview['view']['defaults']
    assert (defaults['rows'], defaults['errors']) == (len(ids), 0), defaults
    imported = []
    try:
        _import(roster, other, data, 'import_')
        imported = roster.model(MEDIATOR, 'search', domain, 0, None, None)
        assert len(imported) == len(ids)
        # the same people with the same values, as candidates
        assert _values(admin, imported) == before
        states = {r['state'] for r in roster.model(MEDIATOR, 'read',
                imported, ['state'])}
        assert states == {'candidate'}

        # again into the same court: every row refused, nothing written
        count = roster.model(MEDIATOR, 'search_count', [])
        preview = _import(roster, other, data, 'preview')
        defaults = preview['view']['defaults']
        assert defaults['errors'] == len(ids), defaults
        for number, id_number in enumerate((r[1] for r in rows), 2):
            assert (f'第 {number} 行' in defaults['report']
                and f'身份证号码为 {id_number} 的人员已在名册中'
                in defaults['report']), defaults['report']
        with pytest.raises(RPCError) as refused:
            _import(roster, other, data, 'import_')
        assert '已在名册中' in str(refused.value.message)
        assert roster.model(MEDIATOR, 'search_count', []) == count
        # who may not read them may not export them
        with pytest.raises(RPCError):
            _export(sessions('roster', THIRD), imported)
        with pytest.raises(RPCError):
            _export(sessions('roster', COURT), imported)
    finally:
        imported = admin.model(MEDIATOR, 'search', domain, 0, None, None)
        with contextlib.suppress(RPCError):
            admin.model(MEDIATOR, 'delete', imported)


def test_roster_export_id_numbers_by_field_access(sessions, exported):
    ids, _ = exported
    # a leader reads the roster but not the ID numbers: the column is empty
    leader = sessions('leader', COURT)
    data, values = _export(leader, ids)
    assert values['records'] == len(ids)
    headers, rows = _rows(data)
    assert headers == HEADERS
    assert len(rows) == len(ids)
    assert all(r[0] for r in rows)
    assert not any(r[1] for r in rows)
    # the roster administrator's export has them
    data, _ = _export(sessions('roster', COURT), ids)
    assert all(r[1] for r in _rows(data)[1])
