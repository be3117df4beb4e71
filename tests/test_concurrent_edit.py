"""Two users editing the same case: the second save, made on what the user
read before the first save, is refused (Tryton's timestamp check: a
ConcurrencyException, HTTP 423, which the web client shows as a "modified
meanwhile" dialog offering to reload); no update is lost."""
import pytest

from court_tools.testdb import RPCError

CASE = 'court.mediation.case'


def _write(rpc, case, values, timestamp):
    context = dict(rpc.context, _timestamp={f'{CASE},{case}': timestamp})
    return rpc._call(f'model.{CASE}.write', [[case], values, context])


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

