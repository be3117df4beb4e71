# This file is part of the court platform.  See LICENSE.
"""The mediation figures (kpi-catalog B) on a small dataset worked by hand
(doc/mediation_figures.md)."""
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import create_company
from trytond.modules.court_base.validators import id_number_check_character
from trytond.pool import Pool
from trytond.transaction import Transaction
import unittest

from trytond.tests.test_tryton import activate_module, with_transaction

D = dt.date
START, END = D(2025, 1, 1), D(2025, 6, 30)


def _courts():
    "T (intermediate) > A (basic) > A1 (tribunal); B elsewhere"
    Company = Pool().get('company.company')
    top = create_company('中级人民法院')
    courts = {'T': top}
    for code, superior in [('A', 'T'), ('A1', 'A'), ('B', None)]:
        company = create_company(code, currency=top.currency)
        courts[code] = company
    Company.write([courts['T']], {'court_code': '豫03'})
    Company.write([courts['A']], {
            'court_code': '豫0302', 'superior': courts['T'].id})
    Company.write([courts['A1']], {'superior': courts['A'].id})
    Company.write([courts['B']], {'court_code': '豫0303'})
    return courts


def _person(name, seq):
    Party = Pool().get('party.party')
    number17 = '11010519800101%03d' % seq
    party, = Party.create([{
                'name': name,
                'party_kind': 'person',
                'id_number': number17 + id_number_check_character(number17),
                }])
    return party


def _roster(courts):
    """Mediators of the roster of T, appointed to A, A1 or B.
    Active on 2025-01-01: M1 M2 M4 M10; on 2025-06-30: M1 M3 M5 M7 M10."""
    pool = Pool()
    Mediator = pool.get('court.mediator')
    Change = pool.get('court.mediator.state_change')
    Appointment = pool.get('court.mediator.appointment')
    A, A1, B = courts['A'], courts['A1'], courts['B']
    plan = {
        # name: (current state, [(date, from, to)], [(court, start, end)])
        'M1': ('active', [(D(2024, 6, 1), 'candidate', 'active')],
            [(A, D(2024, 6, 1), None)]),
        'M2': ('active', [(D(2024, 1, 1), 'candidate', 'active')],
            [(A, D(2024, 1, 1), D(2025, 3, 31))]),
        'M3': ('active', [(D(2025, 2, 1), 'candidate', 'active')],
            [(A, D(2025, 2, 1), None)]),
        'M4': ('suspended', [(D(2024, 1, 1), 'candidate', 'active'),
                (D(2025, 5, 1), 'active', 'suspended')],
            [(A, D(2024, 1, 1), None)]),
        'M5': ('active', [(D(2025, 3, 1), 'candidate', 'active')],
            [(A1, D(2025, 3, 1), None)]),
        'M6': ('active', [(D(2024, 1, 1), 'candidate', 'active')],
            [(B, D(2024, 1, 1), None)]),
        'M7': ('active', [(D(2025, 6, 30), 'candidate', 'active')],
            [(A, D(2025, 1, 1), None)]),
        'M8': ('active', [(D(2025, 7, 1), 'candidate', 'active')],
            [(A, D(2025, 1, 1), None)]),
        'M9': ('candidate', [], [(A, D(2024, 1, 1), None)]),
        'M10': ('active', [(D(2024, 1, 1), 'candidate', 'active'),
                (D(2024, 6, 1), 'active', 'suspended'),
                (D(2025, 1, 1), 'suspended', 'active')],
            [(A, D(2024, 1, 1), None)]),
        }
    mediators = {}
    for seq, (name, (state, changes, appointments)) in enumerate(
            plan.items(), 1):
        mediator, = Mediator.create([{
                    'party': _person(name, seq).id,
                    'company': courts['T'].id,
                    'state': state,
                    }])
        mediators[name] = mediator
        Change.create([{
                    'mediator': mediator.id, 'date': date,
                    'from_state': from_, 'to_state': to,
                    } for date, from_, to in changes])
        Appointment.create([{
                    'mediator': mediator.id, 'company': court.id,
                    'date_start': date_start, 'date_end': date_end,
                    } for court, date_start, date_end in appointments])
    return mediators


def _dispute_types():
    DisputeType = Pool().get('court.dispute.type')
    kd, gen, nm = DisputeType.create([
            {'name': 'KD', 'code': 'tfig_kd', 'key_domain': 'labour'},
            {'name': 'GEN', 'code': 'tfig_gen'},
            {'name': 'NM', 'code': 'tfig_nm', 'not_mediable': True},
            ])
    kd_child, gen_child = DisputeType.create([
            {'name': 'KDC', 'code': 'tfig_kdc', 'key_domain': 'labour',
                'parent': kd.id},
            {'name': 'GENC', 'code': 'tfig_genc', 'parent': gen.id},
            ])
    return {'KD': kd, 'KDC': kd_child, 'GEN': gen, 'GENC': gen_child,
        'NM': nm}


def _cases(courts, types, mediators):
    """The cases of the ratio figures.  Concluded in [START, END] for A
    (with A1): c1 c2 c3 c4 c5 c6 c12 c14, of which succeeded c1 c2 c3 c12
    c14."""
    pool = Pool()
    Case = pool.get('court.mediation.case')
    Session = pool.get('court.mediation.session')
    Station = pool.get('court.station')
    station, = Station.create([{
                'name': 'S1', 'company': courts['A'].id}])
    M1, M10 = mediators['M1'], mediators['M10']
    A, A1, B = courts['A'], courts['A1'], courts['B']
    # name: (court, type, accepted, concluded, final state, sessions,
    #        mediator, station, other values)
    plan = {
        'c1': (A, 'KD', D(2025, 1, 1), D(2025, 1, 11), 'succeeded',
            ['in_person'], M1, station, {
                'performance': 'voluntary', 'satisfaction': 'satisfied'}),
        'c2': (A, 'KDC', D(2025, 2, 1), D(2025, 2, 21), 'succeeded',
            ['video'], M1, None, {
                'performance': 'judicial_confirmation',
                'confirmation_online': True, 'satisfaction': 'satisfied'}),
        'c3': (A, 'GEN', D(2025, 3, 1), D(2025, 6, 30), 'succeeded',
            ['audio', 'in_person'], M10, station, {
                'performance': 'judicial_confirmation',
                'confirmation_online': False, 'satisfaction': 'basically'}),
        'c4': (A, 'KD', D(2025, 1, 10), D(2025, 1, 20), 'failed',
            ['in_person'], M1, station, {'satisfaction': 'unsatisfied'}),
        'c5': (A, 'GEN', D(2025, 4, 1), D(2025, 4, 5), 'withdrawn',
            [], M10, None, {}),
        'c6': (A, 'GENC', D(2025, 5, 1), D(2025, 5, 31), 'transferred',
            ['video'], M10, None, {'satisfaction': 'satisfied'}),
        # refused as not mediable, then transferred: never mediated
        'c7': (A, 'NM', D(2025, 2, 10), D(2025, 2, 15), 'transferred',
            None, None, None, {'satisfaction': 'unsatisfied'}),
        # concluded the day after END
        'c8': (A, 'KD', D(2025, 6, 1), D(2025, 7, 1), 'succeeded',
            ['in_person'], M1, None, {'performance': 'voluntary'}),
        'c9': (A, 'KD', D(2025, 2, 1), D(2025, 3, 1), 'cancelled',
            None, None, None, {'performance': 'voluntary'}),
        'c10': (A, 'KD', D(2025, 3, 1), D(2025, 3, 2), 'draft',
            None, None, None, {'performance': 'voluntary'}),
        'c11': (B, 'KD', D(2025, 2, 1), D(2025, 3, 1), 'succeeded',
            ['in_person'], M1, None, {'performance': 'voluntary'}),
        'c12': (A1, 'GEN', D(2025, 3, 5), D(2025, 3, 15), 'succeeded',
            ['in_person'], M10, None, {
                'performance': 'mediation_document'}),
        'c13': (A, 'GEN', D(2025, 6, 15), None, 'mediating',
            ['in_person'], M10, None, {}),
        'c14': (A, 'KD', D(2024, 12, 31), D(2025, 1, 5), 'succeeded',
            ['in_person'], M1, None, {'performance': 'pending'}),
        # entrusted after filing: not pre-litigation
        'c16': (A, 'GEN', D(2025, 3, 3), None, 'assigned',
            None, M10, None, {'source': 'entrusted'}),
        'c17': (A, 'GEN', D(2025, 7, 1), None, 'assigned',
            None, M10, None, {}),
        }
    cases = {}
    for name, (court, type_, accepted, concluded, state, sessions, mediator,
            station_, values) in plan.items():
        values = values.copy()
        source = values.pop('source', 'station' if station_ else 'window')
        case, = Case.create([{
                    'company': court.id,
                    'source': source,
                    'station': station_.id if station_ else None,
                    'dispute_type': types[type_].id,
                    'received_date': accepted,
                    'accepted_date': accepted,
                    'complexity': 'simple',
                    'mediator': mediator.id if mediator else None,
                    # not 'registered', whose suggestions are computed
                    'state': ('mediating' if sessions
                        else 'assigned' if mediator else 'draft'),
                    }])
        if sessions:
            Session.create([{
                        'case': case.id, 'date': accepted, 'mode': mode,
                        } for mode in sessions])
        Case.write([case], dict(values, state=state,
                concluded_date=concluded))
        cases[name] = case
    return cases, station


class MediationFiguresTestCase(unittest.TestCase):
    "Test the mediation figures"

    @classmethod
    def setUpClass(cls):
        # the framework's own checks run once, in test_module.py
        super().setUpClass()
        activate_module('court_mediation')

    def _setup(self, roster=False, cases=False):
        data = {'courts': _courts()}
        if roster or cases:
            data['mediators'] = _roster(data['courts'])
        if cases:
            data['types'] = _dispute_types()
            data['cases'], data['station'] = _cases(
                data['courts'], data['types'], data['mediators'])
        return data

    def _compute(self, code, courts, start=START, end=END, **filters):
        """Call the provider of code with the courts and the courts below
        them, as Indicator.compute does (test_compute goes through it)"""
        pool = Pool()
        Indicator = pool.get('court.indicator')
        Company = pool.get('company.company')
        court_ids = [c.id for c in Company.search([
                    ('superior', 'child_of', [c.id for c in courts],
                        'superior'),
                    ])]
        method, _ = Indicator._providers()[code]
        return getattr(Indicator, method)(court_ids, start, end, **filters)

    @staticmethod
    def _ids(cases, *names):
        return sorted(cases[n].id for n in names)

    @with_transaction()
    def test_codes(self):
        "Every code is provided"
        Indicator = Pool().get('court.indicator')
        self.assertTrue({'B1', 'B2', 'B2_under', 'B3', 'B4', 'B5N', 'B6',
                'B7', 'B8', 'B9', 'B10', 'B11', 'B12', 'B16M', 'B18'}
            <= set(Indicator.codes()))

    @with_transaction()
    def test_compute(self):
        "Through Indicator.compute, which adds the courts below"
        data = self._setup(cases=True)
        Indicator = Pool().get('court.indicator')
        b6 = Indicator.compute('B6', [data['courts']['A']], START, END,
            station=None, mediator=None, dispute_type=None)
        self.assertEqual((b6.code, b6.numerator, b6.denominator),
            ('B6', 5, 8))

    @with_transaction()
    def test_compute_many(self):
        """Many courts at once give each court what compute gives it
        alone, for every code, with and without filters"""
        data = self._setup(cases=True)
        Indicator = Pool().get('court.indicator')
        courts = data['courts']
        ids = [courts[k].id for k in ['T', 'A', 'A1', 'B']]
        batched = Indicator._batched()
        self.assertTrue({'B6', 'B9', 'B12', 'B5N'} <= batched)
        for filters in [{}, {'station': data['station'].id},
                {'dispute_type': data['types']['KD'].id},
                {'mediator': data['mediators']['M1'].id}]:
            for code in Indicator.codes():
                if code.startswith('E') and filters:
                    continue    # integrity checks take no cut
                many = Indicator.compute_many(code, ids, START, END,
                    **filters)
                self.assertEqual(set(many), set(ids), code)
                for court in ids:
                    one = Indicator.compute(code, [court], START, END,
                        **filters)
                    self.assertEqual(many[court], one, (code, filters))
        # a case counts for every court above it: A's (with A1's) are T's
        b6 = Indicator.compute_many('B6', ids, START, END)
        self.assertEqual((b6[courts['A'].id].numerator,
                b6[courts['A'].id].denominator), (5, 8))
        self.assertTrue(b6[courts['A1'].id].record_ids)
        self.assertEqual(b6[courts['T'].id].record_ids,
            b6[courts['A'].id].record_ids)
        self.assertFalse(set(b6[courts['B'].id].record_ids)
            & set(b6[courts['A'].id].record_ids))

    @with_transaction()
    def test_case_figures(self):
        "Case figures of A (with the tribunal A1 below it)"
        data = self._setup(cases=True)
        cases = data['cases']
        courts = [data['courts']['A']]

        b6 = self._compute('B6', courts)
        self.assertEqual((b6.numerator, b6.denominator), (5, 8))
        self.assertEqual(b6.value, Decimal('0.6250'))
        self.assertEqual(b6.unit, 'ratio')
        self.assertEqual(b6.model, 'court.mediation.case')
        self.assertEqual(b6.record_ids, self._ids(
                cases, 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c12', 'c14'))
        self.assertEqual(b6.details['numerator_ids'], self._ids(
                cases, 'c1', 'c2', 'c3', 'c12', 'c14'))

        b7 = self._compute('B7', courts)
        self.assertEqual((b7.numerator, b7.denominator, b7.value),
            (1, 5, Decimal('0.2000')))
        self.assertEqual(b7.details['numerator_ids'], self._ids(cases, 'c1'))

        b8 = self._compute('B8', courts)
        self.assertEqual((b8.numerator, b8.denominator, b8.value),
            (3, 5, Decimal('0.6000')))

        # 10 + 20 + 121 + 10 + 4 + 30 + 10 + 5 days over 8 cases
        b9 = self._compute('B9', courts)
        self.assertEqual((b9.numerator, b9.denominator, b9.value),
            (210, 8, Decimal('26.2500')))
        self.assertEqual(b9.unit, 'days')

        # mediated: the concluded cases with a session (not c5)
        b10 = self._compute('B10', courts)
        self.assertEqual((b10.numerator, b10.denominator, b10.value),
            (3, 7, Decimal('0.4286')))
        self.assertEqual(b10.details['numerator_ids'], self._ids(
                cases, 'c2', 'c3', 'c6'))

        b11 = self._compute('B11', courts)
        self.assertEqual((b11.numerator, b11.denominator, b11.value),
            (1, 2, Decimal('0.5000')))
        self.assertEqual(b11.record_ids, self._ids(cases, 'c2', 'c3'))

        b12 = self._compute('B12', courts)
        self.assertEqual((b12.numerator, b12.denominator, b12.value),
            (3, 4, Decimal('0.7500')))
        self.assertEqual(b12.record_ids, self._ids(
                cases, 'c1', 'c2', 'c4', 'c14'))
        self.assertEqual(b12.details['by_domain'], {'labour': (3, 4)})

        b16 = self._compute('B16M', courts)
        self.assertEqual((b16.value, b16.unit), (5, 'count'))
        self.assertEqual(b16.record_ids, self._ids(
                cases, 'c1', 'c2', 'c3', 'c12', 'c14'))

        # 'basically satisfied' is not 'satisfied'; c7 is not concluded
        b18 = self._compute('B18', courts)
        self.assertEqual((b18.numerator, b18.denominator, b18.value),
            (3, 5, Decimal('0.6000')))

        # accepted in [START, END], not draft, cancelled nor entrusted
        b5 = self._compute('B5N', courts)
        self.assertEqual((b5.value, b5.unit), (10, 'count'))
        self.assertEqual(b5.record_ids, self._ids(cases, 'c1', 'c2', 'c3',
                'c4', 'c5', 'c6', 'c7', 'c8', 'c12', 'c13'))

    @with_transaction()
    def test_case_boundaries(self):
        "Inclusive bounds, other courts, empty populations"
        data = self._setup(cases=True)
        cases, courts = data['cases'], data['courts']

        # c3 concluded on END counts; c8 concluded on END + 1 does not
        b6 = self._compute('B6', [courts['A']], end=D(2025, 6, 29))
        self.assertEqual((b6.numerator, b6.denominator), (4, 7))
        b6 = self._compute('B6', [courts['A']], end=D(2025, 7, 1))
        self.assertEqual((b6.numerator, b6.denominator), (6, 9))
        # c1 concluded on 2025-01-11, c14 on 2025-01-05: start inclusive
        b6 = self._compute('B6', [courts['A']], start=D(2025, 1, 11),
            end=D(2025, 1, 11))
        self.assertEqual(b6.record_ids, self._ids(cases, 'c1'))
        # c14 accepted on 2024-12-31 and c1 on START
        b5 = self._compute('B5N', [courts['A']], start=D(2024, 12, 31),
            end=D(2024, 12, 31))
        self.assertEqual(b5.record_ids, self._ids(cases, 'c14'))

        # the tribunal alone; the other court alone
        b6 = self._compute('B6', [courts['A1']])
        self.assertEqual(b6.record_ids, self._ids(cases, 'c12'))
        b6 = self._compute('B6', [courts['B']])
        self.assertEqual((b6.numerator, b6.denominator, b6.value),
            (1, 1, Decimal('1.0000')))
        # the intermediate court sees everything below it
        b6 = self._compute('B6', [courts['T']])
        self.assertEqual((b6.numerator, b6.denominator), (5, 8))

        # nothing concluded: no value
        b6 = self._compute('B6', [courts['A']], start=D(2026, 1, 1),
            end=D(2026, 12, 31))
        self.assertEqual((b6.numerator, b6.denominator, b6.value),
            (0, 0, None))
        b9 = self._compute('B9', [courts['A']], start=D(2026, 1, 1),
            end=D(2026, 12, 31))
        self.assertIsNone(b9.value)
        b16 = self._compute('B16M', [courts['A']], start=D(2026, 1, 1),
            end=D(2026, 12, 31))
        self.assertEqual((b16.value, b16.record_ids), (0, []))

    @with_transaction()
    def test_case_filters(self):
        "Station, mediator and dispute type (with its children) filters"
        data = self._setup(cases=True)
        cases, types = data['cases'], data['types']
        courts = [data['courts']['A']]

        b6 = self._compute('B6', courts, dispute_type=types['KD'].id)
        self.assertEqual((b6.numerator, b6.denominator, b6.value),
            (3, 4, Decimal('0.7500')))
        self.assertEqual(b6.record_ids, self._ids(
                cases, 'c1', 'c2', 'c4', 'c14'))
        b6 = self._compute('B6', courts, dispute_type=types['GEN'])
        self.assertEqual((b6.numerator, b6.denominator, b6.value),
            (2, 4, Decimal('0.5000')))
        b6 = self._compute('B6', courts, dispute_type=types['KDC'].id)
        self.assertEqual(b6.record_ids, self._ids(cases, 'c2'))

        b6 = self._compute('B6', courts, station=data['station'].id)
        self.assertEqual((b6.numerator, b6.denominator, b6.value),
            (2, 3, Decimal('0.6667')))

        mediators = data['mediators']
        b6 = self._compute('B6', courts, mediator=mediators['M1'].id)
        self.assertEqual(b6.record_ids, self._ids(
                cases, 'c1', 'c2', 'c4', 'c14'))
        self.assertEqual(b6.value, Decimal('0.7500'))
        b9 = self._compute('B9', courts, mediator=mediators['M10'].id)
        # c3 121, c5 4, c6 30, c12 10
        self.assertEqual((b9.numerator, b9.denominator, b9.value),
            (165, 4, Decimal('41.2500')))
        b5 = self._compute('B5N', courts, station=data['station'].id)
        self.assertEqual(b5.record_ids, self._ids(cases, 'c1', 'c3', 'c4'))

    @with_transaction()
    def test_withdrawn_not_concluded(self):
        "The withdrawn cases may be left out of the concluded"
        data = self._setup(cases=True)
        Indicator = Pool().get('court.indicator')
        Indicator._mediation_withdrawn_concluded = False
        try:
            b6 = self._compute('B6', [data['courts']['A']])
        finally:
            del Indicator._mediation_withdrawn_concluded
        self.assertEqual((b6.numerator, b6.denominator, b6.value),
            (5, 7, Decimal('0.7143')))
        self.assertTrue(Indicator._mediation_withdrawn_concluded)

    @with_transaction()
    def test_roster(self):
        "B1 and B3 from the state history and the appointments"
        data = self._setup(roster=True)
        courts, mediators = data['courts'], data['mediators']

        def ids(*names):
            return sorted(mediators[n].id for n in names)

        b3 = self._compute('B3', [courts['A']])
        self.assertEqual((b3.value, b3.unit, b3.model),
            (5, 'count', 'court.mediator'))
        self.assertEqual(b3.record_ids, ids('M1', 'M3', 'M5', 'M7', 'M10'))
        # at START: M10 reactivated that day; M7 appointed, not yet active
        b3 = self._compute('B3', [courts['A']], end=START)
        self.assertEqual(b3.record_ids, ids('M1', 'M2', 'M4', 'M10'))
        # the day before END, M7 is not active yet
        b3 = self._compute('B3', [courts['A']], end=D(2025, 6, 29))
        self.assertEqual(b3.record_ids, ids('M1', 'M3', 'M5', 'M10'))
        # the roster's court appoints nobody itself but sees below it
        # (not B, which is not below it)
        b3 = self._compute('B3', [courts['T']])
        self.assertEqual(b3.record_ids, ids('M1', 'M3', 'M5', 'M7', 'M10'))
        b3 = self._compute('B3', [courts['B']])
        self.assertEqual(b3.record_ids, ids('M6'))
        b3 = self._compute('B3', [courts['A1']])
        self.assertEqual(b3.record_ids, ids('M5'))

        b1 = self._compute('B1', [courts['A']])
        self.assertEqual((b1.numerator, b1.denominator, b1.value),
            (1, 4, Decimal('0.2500')))
        self.assertEqual(b1.details['joined'], ids('M3', 'M5', 'M7'))
        self.assertEqual(b1.details['left'], ids('M2', 'M4'))
        # nobody active at the start: no growth rate
        b1 = self._compute('B1', [courts['B']], start=D(2023, 1, 1))
        self.assertEqual((b1.numerator, b1.denominator, b1.value),
            (1, 0, None))
        b1 = self._compute('B1', [courts['A']],
            mediator=mediators['M3'].id)
        self.assertEqual((b1.numerator, b1.denominator, b1.value),
            (1, 0, None))

    @with_transaction()
    def test_caseload(self):
        "B2: cases assigned per month active"
        data = self._setup(roster=True)
        pool = Pool()
        Case = pool.get('court.mediation.case')
        Assignment = pool.get('court.mediation.case.assignment')
        DisputeType = pool.get('court.dispute.type')
        courts, mediators = data['courts'], data['mediators']
        dispute_type, = DisputeType.create([
                {'name': 'X', 'code': 'tfig_x'}])

        def case(court='A', state='assigned'):
            # the current mediator does not matter to B2: its assignments do
            case, = Case.create([{
                        'company': courts[court].id,
                        'source': 'window',
                        'dispute_type': dispute_type.id,
                        'received_date': D(2025, 3, 1),
                        'accepted_date': D(2025, 3, 1),
                        'complexity': 'simple',
                        'mediator': mediators['M1'].id,
                        'state': state,
                        }])
            return case

        assignments = []

        def assign(case, mediator, *days):
            for day in days:
                assignments.append({'case': case.id,
                        'mediator': mediators[mediator].id, 'date': day})

        for day in [D(2025, 6, 1), D(2025, 6, 10), D(2025, 6, 15),
                D(2025, 6, 20), D(2025, 6, 30)]:
            assign(case(), 'M1', day)
        assign(case(), 'M1', D(2025, 5, 31))
        assign(case(), 'M1', D(2025, 7, 1))
        assign(case(state='cancelled'), 'M1', D(2025, 6, 12))
        assign(case(court='B'), 'M1', D(2025, 6, 12))
        for day in [D(2025, 6, 3), D(2025, 6, 4), D(2025, 6, 5)]:
            assign(case(), 'M3', day)
        reassigned = case()
        assign(reassigned, 'M3', D(2025, 6, 5))
        assign(reassigned, 'M10', D(2025, 6, 10))
        assign(case(), 'M10', D(2025, 6, 2), D(2025, 6, 20))
        for day in [D(2025, 6, 11), D(2025, 6, 12), D(2025, 6, 13)]:
            assign(case(), 'M10', day)
        for _ in range(5):
            assign(case(court='A1'), 'M7', D(2025, 6, 30))
        assign(case(), 'M4', D(2025, 4, 15))
        assign(case(), 'M2', D(2025, 6, 15))
        Assignment.create(assignments)

        def ids(*names):
            return sorted(mediators[n].id for n in names)

        # June: 30 days, counted as one month
        b2 = self._compute('B2', [courts['A']], start=D(2025, 6, 1))
        self.assertEqual((b2.numerator, b2.denominator, b2.value),
            (3, 5, Decimal('0.6000')))
        self.assertEqual((b2.unit, b2.model), ('ratio', 'court.mediator'))
        self.assertEqual(b2.record_ids, ids('M3', 'M5'))
        self.assertEqual(b2.details['no_cases'], ids('M5'))
        self.assertEqual(b2.details['inactive_with_cases'], ids('M2'))
        self.assertEqual(b2.details['rates'], {
                mediators['M1'].id: Decimal('5.0000'),
                mediators['M3'].id: Decimal('4.0000'),
                mediators['M5'].id: Decimal('0.0000'),
                mediators['M7'].id: Decimal('5.0000'),
                mediators['M10'].id: Decimal('5.0000'),
                })
        self.assertEqual(b2.details['days'][mediators['M7'].id], 1)
        under = self._compute('B2_under', [courts['A']],
            start=D(2025, 6, 1))
        self.assertEqual((under.value, under.unit, under.record_ids),
            (2, 'count', ids('M3', 'M5')))

        # the roster shows the same figures on each mediator (over the
        # roster court T and the courts below it), and finds them
        Mediator = pool.get('court.mediator')
        with Transaction().set_context(
                caseload_start=D(2025, 6, 1), caseload_end=END):
            shown = {m.id: (m.monthly_caseload, m.caseload_status)
                for m in Mediator.browse(ids('M1', 'M2', 'M3', 'M5'))}
            self.assertEqual(shown, {
                    mediators['M1'].id: (Decimal('5.00'), 'met'),
                    mediators['M2'].id: (None, None),
                    mediators['M3'].id: (Decimal('4.00'), 'under'),
                    mediators['M5'].id: (Decimal('0.00'), 'idle'),
                    })
            # a page of one mediator: the same figure, its own only
            alone, = Mediator.browse([mediators['M3'].id])
            self.assertEqual((alone.monthly_caseload, alone.caseload_status),
                (Decimal('4.00'), 'under'))
            found = Mediator.search(
                [('caseload_status', 'in', ['under', 'idle'])])
            self.assertEqual(sorted(m.id for m in found), ids('M3', 'M5'))

        # April to June: 91 days, 2.9897 months
        b2 = self._compute('B2', [courts['A']], start=D(2025, 4, 1))
        self.assertEqual(b2.details['days'], {
                mediators['M1'].id: 91, mediators['M3'].id: 91,
                mediators['M4'].id: 30, mediators['M5'].id: 91,
                mediators['M7'].id: 1, mediators['M10'].id: 91})
        self.assertEqual(b2.details['rates'], {
                mediators['M1'].id: Decimal('2.0069'),
                mediators['M3'].id: Decimal('1.3379'),
                mediators['M4'].id: Decimal('1.0000'),
                mediators['M5'].id: Decimal('0.0000'),
                mediators['M7'].id: Decimal('5.0000'),
                mediators['M10'].id: Decimal('1.6724'),
                })
        self.assertEqual((b2.numerator, b2.denominator, b2.value),
            (1, 6, Decimal('0.1667')))
        self.assertEqual(b2.record_ids, ids('M1', 'M3', 'M4', 'M5', 'M10'))

        # one mediator
        b2 = self._compute('B2', [courts['A']], start=D(2025, 6, 1),
            mediator=mediators['M3'].id)
        self.assertEqual((b2.numerator, b2.denominator, b2.value),
            (0, 1, Decimal('0.0000')))
        # some mediators (a roster page): their rates as computed with all
        b2 = self._compute('B2', [courts['A']], start=D(2025, 6, 1),
            mediator=[mediators['M3'].id, mediators['M1'].id])
        self.assertEqual(b2.details['rates'], {
                mediators['M1'].id: Decimal('5.0000'),
                mediators['M3'].id: Decimal('4.0000')})
        self.assertEqual(b2.record_ids, ids('M3'))
        # the tribunal alone: M5 is appointed to it; M7 handles its cases
        # but is appointed to A
        b2 = self._compute('B2', [courts['A1']], start=D(2025, 6, 1))
        self.assertEqual(b2.details['cases'], {mediators['M5'].id: 0})
        self.assertEqual(b2.details['inactive_with_cases'], ids('M7'))

        # B2 is remembered in the transaction only until it writes: M3's
        # fifth June case makes it meet the target
        fifth = case()
        before = self._compute('B2', [courts['A']], start=D(2025, 6, 1))
        again = self._compute('B2_under', [courts['A']],
            start=D(2025, 6, 1))
        Assignment.create([{'case': fifth.id,
                    'mediator': mediators['M3'].id, 'date': D(2025, 6, 25)}])
        after = self._compute('B2', [courts['A']], start=D(2025, 6, 1))
        self.assertEqual((before.numerator, again.value, after.numerator),
            (3, 2, 4))
        self.assertEqual(after.record_ids, ids('M5'))

    @with_transaction()
    def test_organisations(self):
        "B4: organisations with an agreement in force on END"
        pool = Pool()
        Organisation = pool.get('court.mediation.organisation')
        Agreement = pool.get('court.mediation.agreement')
        courts = _courts()
        A, A1, B = courts['A'], courts['A1'], courts['B']
        orgs = Organisation.create([{
                    'name': 'O%s' % i, 'company': courts['T'].id,
                    } for i in range(1, 7)])
        O1, O2, O3, O4, O5, O6 = orgs
        Agreement.create([{
                    'organisation': o.id, 'company': c.id,
                    'signed_date': signed, 'start_date': start,
                    'end_date': end,
                    } for o, c, signed, start, end in [
                    (O1, A, D(2025, 1, 1), D(2025, 1, 1), None),
                    (O2, A1, D(2024, 1, 1), D(2024, 1, 1), D(2025, 6, 30)),
                    (O3, A, D(2024, 1, 1), D(2024, 1, 1), D(2025, 6, 29)),
                    (O4, A, D(2025, 7, 1), D(2025, 7, 1), None),
                    (O4, B, D(2024, 1, 1), D(2024, 1, 1), None),
                    (O5, A, D(2024, 1, 1), D(2024, 1, 1), None),
                    (O5, A, D(2025, 1, 1), D(2025, 1, 1), D(2025, 12, 31)),
                    (O6, A, D(2025, 7, 15), D(2025, 1, 1), None),
                    ]])
        b4 = self._compute('B4', [A])
        self.assertEqual((b4.value, b4.unit), (3, 'count'))
        self.assertEqual(b4.model, 'court.mediation.organisation')
        self.assertEqual(b4.record_ids, sorted([O1.id, O2.id, O5.id]))
        b4 = self._compute('B4', [B])
        self.assertEqual(b4.record_ids, [O4.id])
        b4 = self._compute('B4', [A], end=D(2025, 7, 1))
        self.assertEqual(b4.record_ids, sorted([O1.id, O4.id, O5.id]))




class FiguresScreenTestCase(unittest.TestCase):
    "The targets the figures screen compares each figure with"

    def test_status(self):
        from trytond.modules.court_mediation.figures import status
        # bounds are inclusive: 50.00% meets B6 (>= 50%), 40% meets B8
        self.assertEqual(status('B6', Decimal('0.5')), 'met')
        self.assertEqual(status('B6', Decimal('0.4999')), 'not_met')
        self.assertEqual(status('B8', Decimal('0.40')), 'met')
        self.assertEqual(status('B8', Decimal('0.4001')), 'not_met')
        self.assertEqual(status('B9', Decimal('30')), 'met')
        self.assertEqual(status('B9', Decimal('30.1')), 'not_met')
        self.assertEqual(status('B3', 9), 'not_met')
        self.assertEqual(status('B3', 10), 'met')
        # no value (an empty denominator) is not a failure, nor a success
        self.assertEqual(status('B6', None), 'no_data')
        self.assertEqual(status('B5N', 12), 'no_target')

    def test_format(self):
        from trytond.modules.court_mediation.figures import (
            format_target, format_value)
        self.assertEqual(format_value(Decimal('0.6250'), 'ratio'), '62.5%')
        self.assertEqual(format_value(None, 'ratio'), '—')
        self.assertEqual(format_value(Decimal('12.345'), 'days'), '12.3')
        self.assertEqual(format_value(7, 'count'), '7')
        self.assertEqual(format_target('B8'), '≤ 40%')
        self.assertEqual(format_target('B9'), '≤ 30 天')
        self.assertEqual(format_target('B3'), '≥ 10')
        self.assertEqual(format_target('B5N'), '')


class IntegrityFiguresTestCase(unittest.TestCase):
    "E1-E4 (kpi-catalog E), worked by hand"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('court_mediation')

    @with_transaction()
    def test_integrity(self):
        pool = Pool()
        Case = pool.get('court.mediation.case')
        Session = pool.get('court.mediation.session')
        Indicator = pool.get('court.indicator')
        courts = _courts()
        types = _dispute_types()
        mediator = _roster(courts)['M1']
        p1, p2, p3 = (_person(n, 90 + i) for i, n in enumerate(
                ['甲', '乙', '丙']))
        A, B = courts['A'], courts['B']
        today = dt.date.today()
        # name: (court, type, applicant, respondent, accepted, state,
        #        concluded, performance, session durations)
        plan = {
            'e1': (A, 'GEN', p1, p2, D(2024, 12, 1), 'succeeded',
                D(2024, 12, 20), 'voluntary', [60]),
            # the same parties and dispute again, after a performed
            # settlement: E1; 62 days after e1: not a duplicate
            'e2': (A, 'GEN', p1, p2, D(2025, 2, 1), 'mediating', None,
                None, [30]),
            # and again 19 days after e2: E1 and E2
            'e3': (A, 'GEN', p1, p2, D(2025, 2, 20), 'mediating', None,
                None, [30]),
            # the roles reversed: another signature
            'e4': (A, 'GEN', p2, p1, D(2025, 2, 25), 'mediating', None,
                None, [30]),
            # successes without a session / with no time recorded (a
            # duration is 1 to 1440 minutes or empty): E3
            'e5': (A, 'KD', p1, p3, D(2025, 3, 1), 'succeeded',
                D(2025, 3, 10), 'pending', []),
            'e6': (A, 'KD', p3, p2, D(2025, 3, 2), 'succeeded',
                D(2025, 3, 12), 'pending', [None]),
            'e7': (A, 'KD', p3, p1, D(2025, 3, 3), 'succeeded',
                D(2025, 3, 13), 'pending', [None, 30]),
            # another court: not matched with A's cases
            'e8': (B, 'GEN', p1, p2, D(2025, 3, 1), 'mediating', None,
                None, [30]),
            # entered today: received 31 days ago is back-dated (E4), 30
            # days ago is not
            'e9': (A, 'KD', p2, p3, today - dt.timedelta(days=31),
                'mediating', None, None, [30]),
            'e10': (A, 'KD', p1, p2, today - dt.timedelta(days=30),
                'mediating', None, None, [30]),
            }
        cases = {}
        for name, (court, type_, applicant, respondent, accepted, state,
                concluded, performance, durations) in plan.items():
            case, = Case.create([{
                        'company': court.id, 'source': 'window',
                        'dispute_type': types[type_].id,
                        'received_date': accepted,
                        'accepted_date': accepted,
                        'complexity': 'simple', 'state': 'mediating',
                        'mediator': mediator.id,
                        'parties': [('create', [
                                    {'role': 'applicant',
                                        'party': applicant.id},
                                    {'role': 'respondent',
                                        'party': respondent.id}])],
                        }])
            Session.create([{'case': case.id, 'date': accepted,
                        'mode': 'in_person', 'duration': d}
                    for d in durations])
            Case.write([case], {'state': state, 'concluded_date': concluded,
                    'performance': performance})
            cases[name] = case.id
        names = {v: k for k, v in cases.items()}

        def found(code, start=START, end=END, court=A):
            result = Indicator.compute(code, [court.id], start, end)
            self.assertEqual(result.value, len(result.record_ids))
            return {names[i] for i in result.record_ids}
        self.assertEqual(found('E1'), {'e2', 'e3'})
        self.assertEqual(found('E2'), {'e3'})
        self.assertEqual(found('E3'), {'e5', 'e6'})
        self.assertEqual(found('E1', court=B), set())
        # every case of A was entered today; all but e10 were received more
        # than 30 days before
        year = (D(today.year, 1, 1), D(today.year, 12, 31))
        self.assertEqual(found('E4', *year),
            {n for n, p in plan.items() if p[0] == A} - {'e10'})
        self.assertEqual(found('E4'), set())
        # every court at once (the batch of an evaluation) finds what each
        # court finds alone
        self.assertTrue({'E1', 'E2', 'E3', 'E4'} <= Indicator._batched())
        for code in ['E1', 'E2', 'E3', 'E4']:
            for start, end in [(START, END), year]:
                many = Indicator.compute_many(code, [A.id, B.id], start, end)
                for court in [A, B]:
                    self.assertEqual(many[court.id], Indicator.compute(
                            code, [court.id], start, end), (code, court))
        self.assertEqual({names[i] for i in Indicator.compute_many(
                        'E1', [A.id, B.id], START, END)[A.id].record_ids},
            {'e2', 'e3'})
