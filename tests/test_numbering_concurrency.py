"""Case numbers under concurrent registration, through JSON-RPC, on
PostgreSQL (SQLite serialises every write: nothing to prove there)."""
import concurrent.futures
import os
import re

import pytest

CLIENTS = 4
PER_CLIENT = 8

pytestmark = pytest.mark.skipif(
    not os.environ.get('TRYTOND_DATABASE_URI', '').startswith('postgresql'),
    reason="concurrency is proven on PostgreSQL")


def test_concurrent_registrations_get_distinct_consecutive_numbers(
        server, admin):
    parties = admin.model('party.party', 'search',
        [('party_kind', '=', 'person')], 0, 2, None)
    dispute_type, = admin.model('court.dispute.type', 'search',
        [('code', '=', 'neighbour')], 0, 1, None)
    sessions = [server.rpc('filing_410302') for _ in range(CLIENTS)]

    def register(rpc):
        numbers = []
        for _ in range(PER_CLIENT):
            case_id, = rpc.model('court.mediation.case', 'create', [{
                        'source': 'window',
                        'dispute_type': dispute_type,
                        'consent': True,
                        'facts': '并发登记',
                        'parties': [('create', [
                                    {'role': 'applicant', 'party': parties[0]},
                                    {'role': 'respondent',
                                        'party': parties[1]}])],
                        }])
            rpc.model('court.mediation.case', 'register', [case_id])
            numbers.append(rpc.model('court.mediation.case', 'read',
                    [case_id], ['number'])[0]['number'])
        return numbers

    before = admin.model('court.number.counter', 'search_read', [
            ('company.court_code', '=', '豫0302'),
            ('kind.code', '=', 'mediation')], 0, None, [('year', 'DESC')],
        ['last', 'year'])
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(register, sessions))
    numbers = [n for r in results for n in r]
    assert len(numbers) == len(set(numbers)) == CLIENTS * PER_CLIENT
    sequence = sorted(int(re.search(r'(\d+)号$', n).group(1))
        for n in numbers)
    # no gap: the numbers continue the counter one by one
    start = before[0]['last'] + 1 if before else 1
    assert sequence == list(range(start, start + CLIENTS * PER_CLIENT))
