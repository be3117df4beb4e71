# This file is part of the court platform.  See LICENSE.
"""The roster's records: trainings, yearly appraisals, the agreement's
document, the term end, its renewal (续聘) and the list of terms ending
(doc/court_mediation.md)."""
import datetime as dt
import unittest
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import DomainValidationError
from trytond.modules.company.tests import create_company
from trytond.modules.court_base.validators import id_number_check_character
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

D = dt.date


class RosterRulesTestCase(unittest.TestCase):
    "Test the roster's records and the renewal"

    @classmethod
    def setUpClass(cls):
        # the framework's own checks run once, in test_module.py
        super().setUpClass()
        activate_module('court_mediation')

    def _mediators(self, *term_ends):
        pool = Pool()
        Party = pool.get('party.party')
        Mediator = pool.get('court.mediator')
        court = create_company('洛阳市中级人民法院')
        mediators = []
        for seq, term_end in enumerate(term_ends, 1):
            number17 = '41030219700101%03d' % seq
            party, = Party.create([{
                        'name': '调解员%s' % seq, 'party_kind': 'person',
                        'id_number': number17
                        + id_number_check_character(number17),
                        }])
            mediator, = Mediator.create([{
                        'party': party.id, 'company': court.id,
                        'join_date': D(2023, 3, 1), 'term_end': term_end,
                        }])
            mediators.append(mediator)
        return court, mediators

    @with_transaction()
    def test_trainings_and_appraisals(self):
        """Trainings and appraisals are kept with the mediator; one
        appraisal a year, scores 0-100, hours not negative"""
        pool = Pool()
        Mediator = pool.get('court.mediator')
        Training = pool.get('court.mediator.training')
        Appraisal = pool.get('court.mediator.appraisal')
        _, (mediator,) = self._mediators(D(2026, 3, 1))
        Training.create([
                {'mediator': mediator.id, 'date': D(2024, 5, 10),
                    'title': '人民调解业务培训', 'hours': Decimal('16')},
                {'mediator': mediator.id, 'date': D(2025, 4, 2),
                    'title': '民法典专题', 'hours': None},
                ])
        Appraisal.create([
                {'mediator': mediator.id, 'year': 2024,
                    'result': 'excellent', 'score': Decimal('95.5')},
                {'mediator': mediator.id, 'year': 2025,
                    'result': 'competent', 'score': Decimal('100')},
                ])
        mediator = Mediator(mediator.id)
        self.assertEqual(
            sorted((t.date, t.title, t.hours) for t in mediator.trainings),
            [(D(2024, 5, 10), '人民调解业务培训', Decimal('16')),
                (D(2025, 4, 2), '民法典专题', None)])
        self.assertEqual(
            sorted((a.year, a.result, a.score)
                for a in mediator.appraisals),
            [(2024, 'excellent', Decimal('95.5')),
                (2025, 'competent', Decimal('100'))])

        with self.assertRaises(DomainValidationError):
            Training.create([{'mediator': mediator.id, 'date': D(2025, 1, 1),
                        'title': '培训', 'hours': Decimal('-1')}])
        # (the rows refused stay in this transaction: a year each)
        for year, score in [(2021, Decimal('-0.5')),
                (2022, Decimal('100.5'))]:
            with self.assertRaises(DomainValidationError):
                Appraisal.create([{'mediator': mediator.id, 'year': year,
                            'result': 'basic', 'score': score}])
        with self.assertRaises(UserError) as cm:
            Appraisal.create([{'mediator': mediator.id, 'year': 2024,
                        'result': 'basic'}])
        self.assertIn("one appraisal per year", cm.exception.message)

    @with_transaction()
    def test_agreement_document(self):
        "The agreement keeps its document and its name; end after start"
        pool = Pool()
        Organisation = pool.get('court.mediation.organisation')
        Agreement = pool.get('court.mediation.agreement')
        court = create_company('老城区人民法院')
        organisation, = Organisation.create([{
                    'name': '老城区人民调解委员会', 'kind': 'people',
                    'company': court.id}])
        content = b'%PDF-1.4 agreement'
        agreement, = Agreement.create([{
                    'organisation': organisation.id, 'company': court.id,
                    'signed_date': D(2025, 1, 5),
                    'start_date': D(2025, 1, 5),
                    'end_date': D(2027, 12, 31),
                    'document': content,
                    'document_name': '诉调对接协议.pdf',
                    }])
        agreement = Agreement(agreement.id)
        self.assertEqual(
            (bytes(agreement.document), agreement.document_name),
            (content, '诉调对接协议.pdf'))
        self.assertEqual(Organisation(organisation.id).agreements,
            (agreement,))
        with self.assertRaises(DomainValidationError):
            Agreement.create([{
                        'organisation': organisation.id,
                        'company': court.id,
                        'signed_date': D(2025, 1, 5),
                        'start_date': D(2025, 1, 5),
                        'end_date': D(2025, 1, 4)}])

    @with_transaction()
    def test_renew(self):
        """续聘 moves the term end by the configured years (3 by default)
        and keeps a renewal; the state history is not touched"""
        pool = Pool()
        Mediator = pool.get('court.mediator')
        Configuration = pool.get('court.mediation.configuration')
        today = pool.get('ir.date').today()
        _, (active, candidate, leap) = self._mediators(
            D(2026, 3, 1), D(2025, 12, 31), D(2028, 2, 29))
        Mediator.activate([active])
        self.assertEqual(Configuration(1).renewal_years, 3)

        Mediator.renew([active, candidate, leap])
        active, candidate, leap = Mediator.browse([active, candidate, leap])
        self.assertEqual(
            [m.term_end for m in [active, candidate, leap]],
            [D(2029, 3, 1), D(2028, 12, 31), D(2031, 2, 28)])
        self.assertEqual(
            [(r.date, r.previous_term_end, r.term_end, r.years)
                for r in active.renewals],
            [(today, D(2026, 3, 1), D(2029, 3, 1), 3)])
        self.assertEqual((active.state, len(active.state_changes)),
            ('active', 1))
        self.assertEqual(candidate.state, 'candidate')

        Configuration.write([Configuration(1)], {'renewal_years': 2})
        Mediator.renew([active])
        active = Mediator(active.id)
        self.assertEqual(active.term_end, D(2031, 3, 1))
        self.assertEqual(
            [(r.previous_term_end, r.term_end, r.years)
                for r in active.renewals],
            [(D(2029, 3, 1), D(2031, 3, 1), 2),
                (D(2026, 3, 1), D(2029, 3, 1), 3)])
        with self.assertRaises(DomainValidationError):
            Configuration.write([Configuration(1)], {'renewal_years': 0})

    @with_transaction()
    def test_renew_refused(self):
        """A removed mediator, or one without a term end, is not renewed
        and nothing is written"""
        pool = Pool()
        Mediator = pool.get('court.mediator')
        Renewal = pool.get('court.mediator.renewal')
        _, (removed, no_term, fine) = self._mediators(
            D(2026, 3, 1), None, D(2026, 3, 1))
        Mediator.write([removed], {'state_reason': '不再履职'})
        Mediator.remove([removed])
        with self.assertRaises(UserError) as cm:
            Mediator.renew([fine, removed])
        self.assertEqual(cm.exception.message,
            '"调解员1" has been removed from the roster: a removed '
            'mediator is not renewed.')
        with self.assertRaises(UserError) as cm:
            Mediator.renew([no_term])
        self.assertEqual(cm.exception.message,
            '"调解员2" has no term end: enter the term end before renewing.')
        self.assertEqual(Renewal.search([]), [])
        self.assertEqual(
            [m.term_end for m in Mediator.browse([removed, no_term, fine])],
            [D(2026, 3, 1), None, D(2026, 3, 1)])

    @with_transaction()
    def test_terms_ending(self):
        """The list 任期即将届满的调解员: the term ends within the
        configured days (60 by default) or has ended; removed mediators
        are left out"""
        pool = Pool()
        Mediator = pool.get('court.mediator')
        Configuration = pool.get('court.mediation.configuration')
        today = pool.get('ir.date').today()
        days = dt.timedelta
        _, ms = self._mediators(
            today + days(60), today + days(61), today - days(1), today,
            None, today + days(10))
        at_limit, beyond, ended, ends_today, no_term, removed = ms
        Mediator.write([removed], {'state_reason': '不再履职'})
        Mediator.remove([removed])
        self.assertEqual(Configuration(1).term_warning_days, 60)

        def ending():
            return sorted(m.id for m in Mediator.search(
                    [('term_ending', '=', True)]))

        def not_ending():
            return sorted(m.id for m in Mediator.search(
                    [('term_ending', '=', False)]))

        self.assertEqual(ending(),
            sorted(m.id for m in [at_limit, ended, ends_today]))
        self.assertEqual(not_ending(),
            sorted(m.id for m in [beyond, no_term, removed]))
        self.assertEqual(
            [m.term_ending for m in Mediator.browse(ms)],
            [True, False, True, True, False, False])

        Configuration.write([Configuration(1)], {'term_warning_days': 0})
        self.assertEqual(ending(), sorted(m.id for m in [ended, ends_today]))

        # renewing takes a mediator off the list
        Configuration.write([Configuration(1)], {'term_warning_days': 60})
        Mediator.renew([at_limit])
        self.assertEqual(ending(), sorted(m.id for m in [ended, ends_today]))
