"""Two users editing the same case, or the same petition: the second save,
made on what the user read before the first save, is refused (Tryton's timestamp check: a
ConcurrencyException, HTTP 423, which the web client shows as a "modified
meanwhile" dialog offering to reload); no update is lost."""
import pytest

from court_tools.testdb import RPCError

CASE = 'court.mediation.case'
PETITION = 'court.petition'


def _write(rpc, case, values, timestamp, model=CASE):
    context = dict(rpc.context, _timestamp={f'{model},{case}': timestamp})
    return rpc._call(f'model.{model}.write', [[case], values, context])


@pytest.fixture
def case(admin):
    court, = admin.model('company.company', 'search',
        [('division_code', '=', '410302')], 0, 1, None)
    case, = admin.model(CASE, 'search', [('company', '=', court),
            ('state', '=', 'mediating')], 0, 1, None)
    return case


def test_second_save_is_refused(sessions, case):
    first = sessions('filing')
    second = sessions('judge')
    # both open the case
    read_first, = first.model(CASE, 'read', [case], ['_timestamp',
            'result_note'])
    read_second, = second.model(CASE, 'read', [case], ['_timestamp'])
    assert read_first['_timestamp'] == read_second['_timestamp']

    _write(first, case, {'result_note': '第一位用户的记录'},
        read_first['_timestamp'])
    with pytest.raises(RPCError) as error:
        _write(second, case, {'result_note': '第二位用户的记录'},
            read_second['_timestamp'])
    assert error.value.code == 'ConcurrencyException'
    # the first update is kept, the second is not written
    row, = second.model(CASE, 'read', [case], ['_timestamp', 'result_note'])
    assert row['result_note'] == '第一位用户的记录'

    # reloaded, the second user saves
    _write(second, case, {'result_note': '第二位用户重新打开后的记录'},
        row['_timestamp'])
    row, = first.model(CASE, 'read', [case], ['result_note'])
    assert row['result_note'] == '第二位用户重新打开后的记录'



@pytest.fixture
def petition(admin):
    court, = admin.model('company.company', 'search',
        [('division_code', '=', '410302')], 0, 1, None)
    petition, = admin.model(PETITION, 'search', [('company', '=', court),
            ('state', '=', 'assigned')], 0, 1, None)
    return petition


def test_second_petition_save_is_refused(sessions, petition):
    """The petition officer and the court leader open the same petition;
    the officer saves its handling note; the leader's save, made on the
    petition as read before, is refused; the officer's note is kept"""
    first = sessions('petition')
    second = sessions('leader')
    read_first, = first.model(PETITION, 'read', [petition],
        ['_timestamp', 'handling_note'])
    read_second, = second.model(PETITION, 'read', [petition],
        ['_timestamp', 'handling_note'])
    assert read_first['_timestamp'] == read_second['_timestamp']

    _write(first, petition, {'handling_note': '信访室：已约谈信访人'},
        read_first['_timestamp'], PETITION)
    with pytest.raises(RPCError) as error:
        _write(second, petition, {'handling_note': '院领导：另行批示'},
            read_second['_timestamp'], PETITION)
    assert error.value.code == 'ConcurrencyException'
    row, = second.model(PETITION, 'read', [petition],
        ['_timestamp', 'handling_note'])
    assert row['handling_note'] == '信访室：已约谈信访人'

    # reloaded, the leader adds to the officer's note: both kept
    _write(second, petition, {'handling_note':
            row['handling_note'] + '\n院领导：另行批示'},
        row['_timestamp'], PETITION)
    row, = first.model(PETITION, 'read', [petition], ['handling_note'])
    assert row['handling_note'] == '信访室：已约谈信访人\n院领导：另行批示'
