# This file is part of the court platform.  See LICENSE.
"""The rules of a mediation case: the triage suggestion (分调裁审), the
ranking of the mediators suggested, and the withdrawal (撤回) with how it
counts in the figures (doc/court_mediation.md, doc/mediation_figures.md)."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.modules.company.tests import create_company
from trytond.modules.court_base.validators import id_number_check_character
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

SIMPLE = ("No sign of complexity: small amount, few parties, ordinary "
    "dispute type.")


def _court():
    Company = Pool().get('company.company')
    court = create_company('老城区人民法院')
    Company.write([court], {'court_code': '豫0302'})
    return court


def _party(name, seq, kind='person'):
    Party = Pool().get('party.party')
    values = {'name': name, 'party_kind': kind}
    if kind == 'person':
        number17 = '41030219800101%03d' % seq
        values['id_number'] = number17 + id_number_check_character(number17)
    party, = Party.create([values])
    return party


def _types():
    DisputeType = Pool().get('court.dispute.type')
    general, building, forbidden = DisputeType.create([
            {'name': '一般纠纷', 'code': 'trule_general'},
            {'name': '建设工程', 'code': 'trule_building'},
            {'name': '确认婚姻效力', 'code': 'trule_nm',
                'not_mediable': True},
            ])
    subcontract, = DisputeType.create([
            {'name': '分包合同', 'code': 'trule_subcontract',
                'parent': building.id}])
    return {'general': general, 'building': building,
        'subcontract': subcontract, 'not_mediable': forbidden}


class _Mixin:

    @classmethod
    def setUpClass(cls):
        # the framework's own checks run once, in test_module.py
        super().setUpClass()
        activate_module('court_mediation')

    def _case(self, court, dispute_type, parties, amount=None, **values):
        Case = Pool().get('court.mediation.case')
        case, = Case.create([dict({
                        'company': court.id,
                        'source': 'window',
                        'received_date': dt.date.today(),
                        'dispute_type': dispute_type.id,
                        'amount': amount,
                        'consent': True,
                        'parties': [('create', [
                                    {'role': role, 'party': party.id}
                                    for role, party in parties])],
                        }, **values)])
        return case


class TriageTestCase(_Mixin, unittest.TestCase):
    "The suggestion simple / complex and its reasons, rule by rule"

    def _setup(self):
        pool = Pool()
        Configuration = pool.get('court.mediation.configuration')
        court = _court()
        types = _types()
        config = Configuration(1)
        config.complex_types = [types['building']]
        config.save()
        people = [_party('当事人%s' % i, i) for i in range(1, 6)]
        company = _party('某建筑有限公司', 0, kind='organisation')
        return court, types, people, company

    def _triage(self, case):
        "(suggestion, reasons) as the form shows them"
        Case = Pool().get('court.mediation.case')
        case = Case(case.id)
        return case.suggested_complexity, case.triage_reasons

    @with_transaction()
    def test_defaults(self):
        "The thresholds default to 500,000 and four parties"
        Configuration = Pool().get('court.mediation.configuration')
        config = Configuration(1)
        self.assertEqual(config.complex_amount, Decimal('500000'))
        self.assertEqual(config.complex_parties, 4)

    @with_transaction()
    def test_amount(self):
        "Complex from the configured amount on, not below it"
        court, types, people, _ = self._setup()
        two = [('applicant', people[0]), ('respondent', people[1])]
        below = self._case(court, types['general'], two,
            amount=Decimal('499999.99'))
        self.assertEqual(self._triage(below), ('simple', SIMPLE))
        at = self._case(court, types['general'], two,
            amount=Decimal('500000'))
        self.assertEqual(self._triage(at), ('complex',
                "The amount in dispute (500000.00) reaches 500000.00."))
        unknown = self._case(court, types['general'], two, amount=None)
        self.assertEqual(self._triage(unknown), ('simple', SIMPLE))

        # the threshold is the configuration's
        Configuration = Pool().get('court.mediation.configuration')
        Configuration.write([Configuration(1)], {
                'complex_amount': Decimal('10000')})
        self.assertEqual(self._triage(below)[0], 'complex')
        self.assertEqual(self._triage(
                self._case(court, types['general'], two,
                    amount=Decimal('9999.99')))[0], 'simple')

    @with_transaction()
    def test_parties(self):
        "Complex from four parties on (every role counts), not at three"
        court, types, people, _ = self._setup()
        three = [('applicant', people[0]), ('respondent', people[1]),
            ('third', people[2])]
        case = self._case(court, types['general'], three)
        self.assertEqual(self._triage(case), ('simple', SIMPLE))
        four = three + [('respondent', people[3])]
        case = self._case(court, types['general'], four)
        self.assertEqual(self._triage(case), ('complex',
                "The case has 4 parties (complex from 4)."))

    @with_transaction()
    def test_dispute_type(self):
        """A type configured as complex, or a type under it, is complex;
        another type is not"""
        court, types, people, _ = self._setup()
        two = [('applicant', people[0]), ('respondent', people[1])]
        for name in ['building', 'subcontract']:
            case = self._case(court, types[name], two)
            self.assertEqual(self._triage(case), ('complex',
                    'Disputes of type "%s" are complex by configuration.'
                    % types[name].rec_name))
        case = self._case(court, types['general'], two)
        self.assertEqual(self._triage(case), ('simple', SIMPLE))

    @with_transaction()
    def test_organisation(self):
        """An organisation as respondent is noted with other reasons but
        does not make a case complex alone; as applicant it is not noted"""
        court, types, people, company = self._setup()
        case = self._case(court, types['general'],
            [('applicant', people[0]), ('respondent', company)])
        self.assertEqual(self._triage(case), ('simple', SIMPLE))
        case = self._case(court, types['general'],
            [('applicant', people[0]), ('respondent', company)],
            amount=Decimal('600000'))
        self.assertEqual(self._triage(case), ('complex',
                "The amount in dispute (600000.00) reaches 500000.00.\n"
                "The respondent is an organisation."))
        case = self._case(court, types['general'],
            [('applicant', company), ('respondent', people[0])],
            amount=Decimal('600000'))
        self.assertEqual(self._triage(case), ('complex',
                "The amount in dispute (600000.00) reaches 500000.00."))

    @with_transaction()
    def test_all_reasons(self):
        "Every reason is given, in order"
        court, types, people, company = self._setup()
        case = self._case(court, types['subcontract'],
            [('applicant', people[0]), ('applicant', people[1]),
                ('respondent', people[2]), ('respondent', company)],
            amount=Decimal('800000'))
        self.assertEqual(self._triage(case), ('complex', '\n'.join([
                        "The amount in dispute (800000.00) reaches "
                        "500000.00.",
                        "The case has 4 parties (complex from 4).",
                        'Disputes of type "%s" are complex by '
                        'configuration.' % types['subcontract'].rec_name,
                        "The respondent is an organisation."])))

    @with_transaction()
    def test_not_mediable(self):
        """A type not mediable by law gives no suggestion but its reason,
        whatever the other rules say; refusing records 'not_mediable'"""
        pool = Pool()
        Case = pool.get('court.mediation.case')
        court, types, people, company = self._setup()
        case = self._case(court, types['not_mediable'],
            [('applicant', people[0]), ('applicant', people[1]),
                ('respondent', people[2]), ('respondent', company)],
            amount=Decimal('800000'))
        reason = ('Disputes of type "%s" may not be mediated by law: '
            'transfer to filing.' % types['not_mediable'].rec_name)
        self.assertEqual(self._triage(case), (None, reason))
        Case.register([case])
        Case.refuse([case])
        case = Case(case.id)
        self.assertEqual(
            (case.state, case.triage_suggestion, case.triage_note),
            ('refused', 'not_mediable', reason))

    @with_transaction()
    def test_recorded_at_assignment(self):
        """The suggestion of the moment is kept with the decision, even
        against it, and stays when the rules change"""
        pool = Pool()
        Case = pool.get('court.mediation.case')
        Mediator = pool.get('court.mediator')
        Configuration = pool.get('court.mediation.configuration')
        court, types, people, _ = self._setup()
        mediator, = Mediator.create([{
                    'party': people[4].id, 'company': court.id,
                    'appointments': [('create', [{
                                    'company': court.id,
                                    'date_start': dt.date(2024, 1, 1)}])],
                    }])
        Mediator.activate([mediator])
        case = self._case(court, types['general'],
            [('applicant', people[0]), ('respondent', people[1])],
            amount=Decimal('700000'))
        Case.register([case])
        Case.write([case], {'complexity': 'simple',
                'mediator': mediator.id})
        Case.assign([case])
        Configuration.write([Configuration(1)], {
                'complex_amount': Decimal('1000000')})
        case = Case(case.id)
        self.assertEqual(
            (case.complexity, case.triage_suggestion,
                case.suggested_complexity),
            ('simple', 'complex', 'simple'))
        self.assertEqual(case.triaged_by.id, Transaction().user)
        self.assertIsNotNone(case.triaged_at)


class RankingTestCase(_Mixin, unittest.TestCase):
    "The mediators suggested for a case, best first"

    def _setup(self):
        pool = Pool()
        Mediator = pool.get('court.mediator')
        Station = pool.get('court.station')
        court = _court()
        types = _types()
        station, = Station.create([{'name': '西关站', 'company': court.id,
                    'division_code': '410302001'}])
        people = [_party('当事人%s' % i, i) for i in range(1, 3)]
        mediators = {}
        for seq, (name, specialities, areas) in enumerate([
                    ('甲', [types['building']], '410302'),
                    ('乙', [types['building']], '410302001'),
                    ('丙', [], '410302'),
                    ('丁', [types['general']], '410303'),
                    ], 10):
            mediator, = Mediator.create([{
                        'party': _party(name, seq).id,
                        'company': court.id,
                        'specialities': [('add',
                                [t.id for t in specialities])],
                        'division_codes': areas,
                        'appointments': [('create', [{
                                        'company': court.id,
                                        'date_start': dt.date(2024, 1, 1),
                                        }])],
                        }])
            mediators[name] = mediator
        Mediator.activate(list(mediators.values()))
        return court, types, station, people, mediators

    def _load(self, court, types, people, mediator, count, state='assigned'):
        "count cases of mediator in state (open or not)"
        Case = Pool().get('court.mediation.case')
        for _ in range(count):
            case = self._case(court, types['general'],
                [('applicant', people[0]), ('respondent', people[1])],
                complexity='simple', mediator=mediator.id)
            Case.write([case], {'state': state})

    def _ranking(self, case):
        return [(m.party.name, score, load)
            for m, score, _, load in case.rank_mediators()]

    @with_transaction()
    def test_load_decides_a_tie(self):
        """Same speciality and area: the fewer open cases first; concluded
        cases are not a load"""
        court, types, station, people, m = self._setup()
        self._load(court, types, people, m['甲'], 3)
        self._load(court, types, people, m['乙'], 1, state='mediating')
        self._load(court, types, people, m['乙'], 4, state='succeeded')
        case = self._case(court, types['subcontract'],
            [('applicant', people[0]), ('respondent', people[1])],
            source='station', station=station.id)
        self.assertEqual(self._ranking(case), [
                ('乙', 3, 1), ('甲', 3, 3), ('丙', 1, 0), ('丁', 0, 0)])
        # one more open case for 乙 each time turns the order round
        self._load(court, types, people, m['乙'], 3)
        self.assertEqual(self._ranking(case)[:2], [('甲', 3, 3), ('乙', 3, 4)])
        mediator, score, reasons, load = case.rank_mediators()[0]
        self.assertEqual(reasons,
            ['speciality matches', 'serves the area', '3 open cases'])

    @with_transaction()
    def test_speciality_beats_load(self):
        """The speciality comes before the area and the load: a busy
        specialist ranks before an idle generalist"""
        court, types, station, people, m = self._setup()
        self._load(court, types, people, m['甲'], 6)
        self._load(court, types, people, m['乙'], 2)
        case = self._case(court, types['building'],
            [('applicant', people[0]), ('respondent', people[1])],
            source='station', station=station.id)
        self.assertEqual(self._ranking(case), [
                ('乙', 3, 2), ('甲', 3, 6), ('丙', 1, 0), ('丁', 0, 0)])
        # without a station, the area counts for nobody
        case = self._case(court, types['building'],
            [('applicant', people[0]), ('respondent', people[1])])
        self.assertEqual(self._ranking(case), [
                ('乙', 2, 2), ('甲', 2, 6), ('丙', 0, 0), ('丁', 0, 0)])
        # a general dispute: 丁's speciality beats 丙's area
        case = self._case(court, types['general'],
            [('applicant', people[0]), ('respondent', people[1])],
            source='station', station=station.id)
        self.assertEqual(self._ranking(case), [
                ('丁', 2, 0), ('丙', 1, 0), ('乙', 1, 2), ('甲', 1, 6)])

    @with_transaction()
    def test_only_active_and_appointed(self):
        "A suspended mediator is not suggested"
        pool = Pool()
        Mediator = pool.get('court.mediator')
        court, types, station, people, m = self._setup()
        Mediator.write([m['乙']], {'state_reason': '休假'})
        Mediator.suspend([m['乙']])
        case = self._case(court, types['building'],
            [('applicant', people[0]), ('respondent', people[1])],
            source='station', station=station.id)
        self.assertEqual([r[0] for r in self._ranking(case)],
            ['甲', '丙', '丁'])


class WithdrawalTestCase(_Mixin, unittest.TestCase):
    "A case withdrawn (撤回) by the applicant"

    def _setup(self):
        pool = Pool()
        Mediator = pool.get('court.mediator')
        court = _court()
        types = _types()
        people = [_party('当事人%s' % i, i) for i in range(1, 4)]
        mediator, = Mediator.create([{
                    'party': people[2].id, 'company': court.id,
                    'appointments': [('create', [{
                                    'company': court.id,
                                    'date_start': dt.date(2024, 1, 1)}])],
                    }])
        Mediator.activate([mediator])
        return court, types, people, mediator

    def _registered(self, court, types, people, days_ago=5):
        Case = Pool().get('court.mediation.case')
        case = self._case(court, types['general'],
            [('applicant', people[0]), ('respondent', people[1])],
            received_date=dt.date.today() - dt.timedelta(days=days_ago))
        Case.register([case])
        return case

    def _mediating(self, court, types, people, mediator, days_ago=5):
        pool = Pool()
        Case = pool.get('court.mediation.case')
        Session = pool.get('court.mediation.session')
        case = self._registered(court, types, people, days_ago)
        Case.write([case], {'complexity': 'simple', 'mediator': mediator.id})
        Case.assign([case])
        Session.create([{'case': case.id, 'mode': 'video',
                    'date': dt.date.today()}])
        return Case(case.id)

    @with_transaction()
    def test_withdraw_from_each_open_state(self):
        "Registered, assigned or mediating: withdrawn, concluded today"
        pool = Pool()
        Case = pool.get('court.mediation.case')
        court, types, people, mediator = self._setup()
        registered = self._registered(court, types, people)
        assigned = self._registered(court, types, people)
        Case.write([assigned], {'complexity': 'simple',
                'mediator': mediator.id})
        Case.assign([assigned])
        mediating = self._mediating(court, types, people, mediator)
        self.assertEqual(
            [c.state for c in Case.browse([registered, assigned, mediating])],
            ['registered', 'assigned', 'mediating'])
        Case.withdraw([registered, assigned, mediating])
        for case in Case.browse([registered, assigned, mediating]):
            self.assertEqual((case.state, case.concluded_date),
                ('withdrawn', dt.date.today()))
        # the assignment and the session are kept
        mediating = Case(mediating.id)
        self.assertEqual((len(mediating.assignments), len(mediating.sessions)),
            (1, 1))

    @with_transaction()
    def test_withdraw_refused_out_of_turn(self):
        """A draft, a concluded or a cancelled case is not withdrawn: the
        workflow leaves it as it was"""
        pool = Pool()
        Case = pool.get('court.mediation.case')
        court, types, people, mediator = self._setup()
        draft = self._case(court, types['general'],
            [('applicant', people[0]), ('respondent', people[1])])
        succeeded = self._mediating(court, types, people, mediator)
        Case.write([succeeded], {'agreement': '双方和解'})
        Case.succeed([succeeded])
        failed = self._mediating(court, types, people, mediator)
        Case.write([failed], {'disputed_points': '金额'})
        Case.fail([failed])
        cancelled = self._registered(court, types, people)
        Case.write([cancelled], {'cancel_reason': '重复登记'})
        Case.cancel([cancelled])
        withdrawn = self._registered(court, types, people)
        Case.withdraw([withdrawn])
        Case.write([withdrawn], {'concluded_date': dt.date(2025, 1, 1)})
        before = {c.id: (c.state, c.concluded_date) for c in Case.browse(
                [draft, succeeded, failed, cancelled, withdrawn])}
        self.assertEqual([s for s, _ in before.values()],
            ['draft', 'succeeded', 'failed', 'cancelled', 'withdrawn'])
        Case.withdraw(Case.browse(list(before)))
        after = {c.id: (c.state, c.concluded_date)
            for c in Case.browse(list(before))}
        self.assertEqual(after, before)

    @with_transaction()
    def test_withdrawn_in_figures(self):
        """A withdrawn case is concluded (B6 denominator, not numerator; B9
        counts its days); without a session it is in neither term of B10;
        left out everywhere when _mediation_withdrawn_concluded is off"""
        pool = Pool()
        Case = pool.get('court.mediation.case')
        Indicator = pool.get('court.indicator')
        court, types, people, mediator = self._setup()
        succeeded = self._mediating(court, types, people, mediator,
            days_ago=10)
        Case.write([succeeded], {'agreement': '双方和解'})
        Case.succeed([succeeded])
        mediated = self._mediating(court, types, people, mediator,
            days_ago=4)
        unmediated = self._registered(court, types, people, days_ago=2)
        Case.withdraw([mediated, unmediated])

        today = dt.date.today()
        start, end = today - dt.timedelta(days=30), today

        def figure(code):
            result = Indicator.compute(code, [court], start, end,
                station=None, mediator=None, dispute_type=None)
            return result.numerator, result.denominator, sorted(
                result.record_ids)

        self.assertEqual(figure('B6')[:2], (1, 3))
        b9 = figure('B9')
        self.assertEqual(b9[:2], (10 + 4 + 2, 3))
        # B10: online sessions among the mediated cases; the withdrawn
        # case without a session is in neither term
        b10 = figure('B10')
        self.assertEqual(b10[:2], (2, 2))

        Indicator._mediation_withdrawn_concluded = False
        try:
            self.assertEqual(figure('B6')[:2], (1, 1))
            self.assertEqual(figure('B9')[:2], (10, 1))
            self.assertEqual(figure('B10')[:2], (1, 1))
        finally:
            Indicator._mediation_withdrawn_concluded = True
