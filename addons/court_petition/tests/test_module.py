# This file is part of the court platform.  See LICENSE.
"""court_petition: the module loads; the clocks, the repeat-petitioner
detection and the figures on small datasets worked by hand
(doc/petition_figures.md)."""
import datetime as dt
from decimal import Decimal

from trytond.modules.company.tests import create_company
from trytond.modules.court_base import workday
from trytond.modules.court_base.validators import id_number_check_character
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

D = dt.date
START, END = D(2025, 1, 1), D(2025, 6, 30)


def _courts():
    "T (intermediate) > A (basic); B elsewhere"
    Company = Pool().get('company.company')
    top = create_company('中级人民法院')
    courts = {'T': top}
    for code in ['A', 'B']:
        courts[code] = create_company(code, currency=top.currency)
    Company.write([courts['T']], {'court_code': '豫03'})
    Company.write([courts['A']], {
            'court_code': '豫0302', 'superior': courts['T'].id})
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


def _petition(court, person, received, state='registered', **values):
    "A petition written directly (the workflow is the scenarios')"
    Petition = Pool().get('court.petition')
    values.setdefault('channel', 'window')
    values.setdefault('matter', '反映问题')
    values.setdefault('demand', '请求解决')
    values.setdefault('demand_kind', 'request')
    values.setdefault('category', 'enforcement')
    if state != 'draft':
        values.setdefault('registered_date', received)
    petition, = Petition.create([{
                'company': court.id,
                'received_date': received,
                'state': state,
                'petitioners': [('create', [{'party': person.id}])],
                **values}])
    return petition


class CourtPetitionTestCase(ModuleTestCase):
    "Test court_petition module"
    module = 'court_petition'
    extras = ['court_mediation']

    @with_transaction()
    def test_due_date(self):
        "The clocks on the working-day calendar"
        from trytond.modules.court_petition.petition import due_date
        # Friday 2025-09-26; 2025-09-28 (Sunday) is a worked day (调休),
        # 10-01..10-08 the National Day holiday
        start = D(2025, 9, 26)
        self.assertEqual(due_date(start, 1, 'working'), D(2025, 9, 28))
        self.assertEqual(due_date(start, 3, 'working'), D(2025, 9, 30))
        self.assertEqual(due_date(start, 4, 'working'), D(2025, 10, 9))
        self.assertEqual(due_date(start, 0, 'working'), start)
        # calendar days roll forward off a rest day
        self.assertEqual(due_date(start, 5, 'calendar'), D(2025, 10, 9))
        self.assertEqual(due_date(start, 14, 'calendar'), D(2025, 10, 10))
        self.assertIsNone(due_date(None, 5, 'working'))

    @with_transaction()
    def test_set_clocks(self):
        "Registration sets the clocks, superior-assigned ones their own"
        pool = Pool()
        Petition = pool.get('court.petition')
        Configuration = pool.get('court.petition.configuration')
        courts = _courts()
        person = _person('甲', 1)
        start = D(2025, 3, 3)  # a Monday
        window = _petition(courts['A'], person, start)
        superior = _petition(courts['A'], person, start, channel='superior',
            key=True)
        Petition.set_clocks([window, superior])
        self.assertEqual(window.finish_deadline,
            workday.add_working_days(start, 60))
        self.assertIsNone(window.meet_deadline)
        self.assertEqual(superior.report_deadline, start)
        self.assertEqual(superior.meet_deadline, D(2025, 3, 10))
        self.assertEqual(superior.progress_deadline, D(2025, 3, 17))
        self.assertEqual(superior.closing_report_deadline, D(2025, 4, 2))
        # an extension adds to the handling clock
        window.extended, window.extension_days = True, 10
        Petition.set_clocks([window])
        self.assertEqual(window.finish_deadline,
            workday.add_working_days(start, 70))
        # configurable
        Configuration.write([Configuration(1)], {
                'finish_days': 30, 'finish_day_kind': 'calendar'})
        window.extended = False
        Petition.set_clocks([window])
        self.assertEqual(window.finish_deadline, D(2025, 4, 2))
        # the acceptance clock follows the date received
        draft = _petition(courts['A'], person, start, state='draft')
        self.assertEqual(draft.accept_deadline,
            workday.add_working_days(start, 15))

    @with_transaction()
    def test_reminders(self):
        "The cron tells once before each clock runs out"
        pool = Pool()
        Petition = pool.get('court.petition')
        User = pool.get('res.user')
        Notification = pool.get('res.notification')
        courts = _courts()
        person = _person('甲', 1)
        today = pool.get('ir.date').today()
        judge, = User.create([{'name': 'judge', 'login': 'judge_t',
                    'companies': [('add', [courts['A'].id])],
                    'company': courts['A'].id}])
        soon = _petition(courts['A'], person, today, state='assigned',
            assignee=judge.id, finish_deadline=today + dt.timedelta(days=2),
            assign_deadline=today + dt.timedelta(days=10))
        later = _petition(courts['A'], person, today, state='assigned',
            assignee=judge.id, finish_deadline=today + dt.timedelta(days=20))
        done = _petition(courts['A'], person, today, state='closed',
            assignee=judge.id, finish_deadline=today + dt.timedelta(days=1),
            closed_date=today)
        reminded = Petition.send_reminders()
        self.assertEqual(reminded, [soon])
        self.assertEqual(soon.reminded, 'finish')
        notifications = Notification.search([('user', '=', judge.id)])
        self.assertEqual(len(notifications), 1)
        self.assertEqual(Petition.send_reminders(), [])
        # the assignment clock a week later
        self.assertEqual(Petition.send_reminders(
                today + dt.timedelta(days=8)), [soon])
        self.assertEqual(soon.reminded, 'finish,assign')
        self.assertEqual(Petition.send_reminders(
                today + dt.timedelta(days=30)), [later])
        self.assertIsNone(done.reminded)

    @with_transaction()
    def test_reminders_clock_names(self):
        "A clock whose name is part of another's is reminded of on its own"
        pool = Pool()
        Petition = pool.get('court.petition')
        courts = _courts()
        person = _person('乙', 3)
        today = pool.get('ir.date').today()
        soon = today + dt.timedelta(days=1)
        later = today + dt.timedelta(days=60)
        values = dict(report_deadline=soon, finish_deadline=later,
            meet_deadline=later, progress_deadline=later,
            closing_report_deadline=later)
        petitions = [_petition(courts['A'], person, today, state='replied',
                reminded=reminded, **values)
            for reminded in ['closing_report', 'meet,closing_report',
                'report', 'meet,report', 'report,meet', 'meet,report,finish',
                'reportx', None]]
        reminded = Petition.send_reminders()
        self.assertEqual(
            [p.reminded for p in petitions if p in reminded],
            ['closing_report,report', 'meet,closing_report,report',
                'reportx,report', 'report'])
        self.assertEqual(Petition.send_reminders(), [])

    @with_transaction()
    def test_find_previous(self):
        "Same person and same matter, every channel, within the window"
        pool = Pool()
        Petition = pool.get('court.petition')
        courts = _courts()
        wang, li = _person('王', 1), _person('李', 2)
        case = '(2024)豫0302执1号'
        p1 = _petition(courts['A'], wang, D(2025, 1, 10), channel='letter',
            original_enforcement_number=case)
        # another court, another channel, same case: counts
        p2 = _petition(courts['B'], wang, D(2025, 2, 10), channel='hotline',
            category='trial', original_enforcement_number=case)
        # same category, no case number: counts (same matter by cause)
        p3 = _petition(courts['A'], wang, D(2025, 3, 1))
        # other person, same case: does not count
        _petition(courts['A'], li, D(2025, 1, 5),
            original_enforcement_number=case)
        # other matter of the same person: does not count
        _petition(courts['A'], wang, D(2025, 1, 6), category='conduct')
        # drafts and cancelled ones do not count
        _petition(courts['A'], wang, D(2025, 1, 7), state='draft')
        _petition(courts['A'], wang, D(2025, 1, 8), state='cancelled')
        # too old: outside the 730-day window
        _petition(courts['A'], wang, D(2022, 1, 8))
        new = _petition(courts['A'], wang, D(2025, 4, 1), state='draft',
            original_enforcement_number=case)
        self.assertEqual(Petition.find_previous(new), [p1.id, p2.id, p3.id])
        self.assertEqual(Petition.find_previous(new, window_days=60),
            [p2.id, p3.id])
        self.assertEqual(Petition.find_previous(new, window_days=40),
            [p3.id])
        # a later petition is not an earlier one
        self.assertEqual(Petition.find_previous(p1), [])
        # the superior court's record and its copy are one petition
        top = _petition(courts['T'], li, D(2025, 5, 1), channel='letter',
            category='conduct')
        copy = _petition(courts['A'], li, D(2025, 5, 1), channel='superior',
            key=True, category='conduct', superior_petition=top.id,
            assigning_court=courts['T'].id)
        self.assertEqual(Petition.find_previous(copy), [])
        self.assertEqual(Petition.find_previous(top), [])

    @with_transaction()
    def test_register_flags_repeat(self):
        "Registering a petition flags the repeat and its first petition"
        pool = Pool()
        Petition = pool.get('court.petition')
        courts = _courts()
        wang = _person('王', 1)
        today = pool.get('ir.date').today()
        first = _petition(courts['A'], wang, today - dt.timedelta(days=40))
        second = _petition(courts['A'], wang, today - dt.timedelta(days=1),
            state='draft')
        Petition.register([second])
        self.assertTrue(second.repeat)
        self.assertEqual(second.repeat_of, first)
        self.assertEqual(second.previous_count, 1)
        self.assertEqual(second.state, 'registered')
        self.assertTrue(second.number.endswith('信访1号'))

    @with_transaction()
    def test_quality(self):
        "The reporting fields required are data; D3 follows them"
        pool = Pool()
        Configuration = pool.get('court.petition.configuration')
        courts = _courts()
        wang = _person('王', 1)
        ok = _petition(courts['A'], wang, D(2025, 1, 10))
        missing = _petition(courts['A'], wang, D(2025, 1, 11),
            demand_kind=None)
        self.assertTrue(ok.quality_ok)
        self.assertFalse(missing.quality_ok)
        self.assertIn('Kind of Demand', missing.quality_issues)
        # the superior court adds the mobile number: both fail now
        config = Configuration(1)
        Configuration.write([config], {'required_fields':
                config.required_fields + '\npetitioner_mobile'})
        ok = ok.__class__(ok.id)
        self.assertFalse(ok.quality_ok)
        with self.assertRaises(Exception):
            Configuration.write([config], {'required_fields': 'no_such'})

    @with_transaction()
    def test_figures(self):
        """D1-D5, D8, A9, A10 on a hand-worked dataset of court A (and T,
        its superior, which assigned one petition down)"""
        pool = Pool()
        Indicator = pool.get('court.indicator')
        courts = _courts()
        A, B = courts['A'], courts['B']
        wang, li, zhao = (_person('王', 1), _person('李', 2),
            _person('赵', 3))
        # received in the period: p1..p6 (A); p7 draft; p8 cancelled;
        # p9 outside the period; q1 of court B
        p1 = _petition(A, wang, D(2025, 1, 5), state='closed',
            reply_date=D(2025, 2, 1), outcome='resolved', key=True,
            closure_approved=True)
        p2 = _petition(A, wang, D(2025, 2, 5), state='replied',
            reply_date=D(2025, 3, 1), repeat=True, key=True)
        p3 = _petition(A, li, D(2025, 3, 5), state='assigned',
            demand_kind=None)
        p4 = _petition(A, li, D(2025, 4, 5), state='closed',
            reply_date=D(2025, 4, 20), outcome='not_resolved', repeat=True,
            category='trial')
        p5 = _petition(A, zhao, D(2025, 5, 5), state='closed',
            channel='superior', key=True, assigning_court=courts['T'].id,
            reply_date=D(2025, 5, 20), outcome='resolved',
            feedback_date=D(2025, 5, 21), closure_approved=True)
        p6 = _petition(A, zhao, D(2025, 6, 5), state='replied',
            channel='superior', key=True, assigning_court=courts['T'].id,
            reply_date=D(2025, 6, 20), repeat=True)
        p7 = _petition(A, zhao, D(2025, 6, 6), state='draft')
        _petition(A, zhao, D(2025, 6, 7), state='cancelled')
        _petition(A, zhao, D(2025, 7, 1), state='closed',
            reply_date=D(2025, 7, 2), outcome='resolved')
        _petition(B, zhao, D(2025, 3, 1), state='registered')

        def compute(code, court=A):
            return Indicator.compute(code, [court.id], START, END)

        d1 = compute('D1')
        self.assertEqual((d1.numerator, d1.denominator), (6, 7))
        self.assertEqual(d1.value, Decimal('0.8571'))
        self.assertIn(p7.id, d1.record_ids)
        self.assertNotIn(p7.id, d1.details['numerator_ids'])
        d2 = compute('D2')
        self.assertEqual((d2.numerator, d2.denominator), (5, 6))
        self.assertEqual(set(d2.record_ids) - set(
                d2.details['numerator_ids']), {p3.id})
        d3 = compute('D3')
        self.assertEqual((d3.numerator, d3.denominator), (5, 6))
        d4 = compute('D4')
        self.assertEqual((d4.numerator, d4.denominator), (2, 4))
        self.assertEqual(sorted(d4.details['numerator_ids']),
            sorted([p1.id, p5.id]))
        d5 = compute('D5')
        self.assertEqual((d5.numerator, d5.denominator), (1, 2))
        a10 = compute('A10')
        self.assertEqual(a10.value, Decimal('0.5000'))
        d8 = compute('D8')
        # persons with a repeat petition: 王 (p2), 李 (p4), 赵 (p6)
        self.assertEqual(d8.value, 3)
        self.assertEqual(sorted(d8.record_ids),
            sorted([p2.id, p4.id, p6.id]))
        self.assertEqual(d8.details['by_cause'],
            {'enforcement': 2, 'trial': 1})
        a9 = compute('A9')
        self.assertEqual(a9.value, 0)
        # the superior court's figures include the courts below it; its
        # own record of a petition assigned down counts once (the copy)
        _petition(courts['T'], zhao, D(2025, 5, 5), state='assigned',
            assigned_to_court=A.id)
        self.assertEqual(compute('D1', courts['T']).denominator, 7)
        self.assertEqual(compute('D1', B).denominator, 1)
        self._assert_batched(['D1', 'D2', 'D3', 'D4', 'D5', 'D8', 'A9',
                'A10'], courts.values(), START, END)

    @with_transaction()
    def test_a9_items(self):
        """A9: the items met counted one by one (D1 = 100%, D2 = 100%,
        D3 >= 99%, each at its boundary); the video and appointment
        receptions shown beside them"""
        pool = Pool()
        Petition = pool.get('court.petition')
        Indicator = pool.get('court.indicator')
        courts = _courts()
        A, B = courts['A'], courts['B']
        wang = _person('王', 1)

        def a9(court=A):
            result = Indicator.compute('A9', [court.id], START, END)
            return result.value, result.details['met'], result

        def replied(court, received, **values):
            return _petition(court, wang, received, state='replied',
                reply_date=received, **values)

        replied(A, D(2025, 1, 5))
        replied(A, D(2025, 2, 5), channel='video')
        replied(A, D(2025, 3, 5), channel='appointment')
        # outside the period, cancelled: neither an item nor a reception
        replied(A, D(2025, 7, 5), channel='video', demand_kind=None)
        _petition(A, wang, D(2025, 3, 6), state='cancelled',
            channel='video')
        value, met, result = a9()
        self.assertEqual((value, met), (3, ['D1', 'D2', 'D3']))
        self.assertEqual((result.numerator, result.denominator), (3, 3))
        self.assertEqual(
            (result.details['video'], result.details['appointment']), (1, 1))
        # D3 missed (a reporting field empty): 2
        bad = replied(A, D(2025, 4, 5), demand_kind=None)
        value, met, result = a9()
        self.assertEqual((value, met), (2, ['D1', 'D2']))
        self.assertEqual(result.details['items']['D3']['value'],
            Decimal('0.7500'))
        self.assertFalse(result.details['items']['D3']['met'])
        # and D2 (registered, not replied): 1
        _petition(A, wang, D(2025, 5, 5), state='assigned')
        self.assertEqual(a9()[:2], (1, ['D1']))
        # and D1 (a draft: received, not registered): 0
        _petition(A, wang, D(2025, 6, 5), state='draft')
        value, met, result = a9()
        self.assertEqual((value, met), (0, []))
        self.assertEqual(result.details['items']['D1']['value'],
            Decimal('0.8333'))
        self.assertEqual(a9(B)[:2], (0, []))  # nothing received: not met
        # the quality boundary: 99 of 100 (99%) is met, 98 of 99
        # (98.99%) is not
        good = Petition.create([{
                    'company': B.id, 'received_date': D(2025, 2, 1),
                    'registered_date': D(2025, 2, 1), 'state': 'replied',
                    'reply_date': D(2025, 2, 2), 'channel': 'letter',
                    'matter': '反映问题', 'demand': '请求解决',
                    'demand_kind': 'request', 'category': 'trial',
                    'petitioners': [('create', [{'party': wang.id}])],
                    } for _ in range(99)])
        replied(B, D(2025, 2, 1), demand_kind=None)
        value, met, result = a9(B)
        self.assertEqual(result.details['items']['D3']['value'],
            Decimal('0.9900'))
        self.assertEqual((value, met), (3, ['D1', 'D2', 'D3']))
        Petition.write(good[:1], {'state': 'cancelled'})
        value, met, result = a9(B)
        self.assertEqual(result.details['items']['D3']['value'],
            Decimal('0.9899'))
        self.assertEqual((value, met), (2, ['D1', 'D2']))
        self.assertFalse(bad.quality_ok)
        self._assert_batched(['A9'], courts.values(), START, END)

    @with_transaction()
    def test_overdue_lists(self):
        """The tabs of 超期信访件 (the petition officer's landing list, its
        overdue tabs and 7日内到期): their PYSON domains evaluated as sao
        does, against petitions whose clocks ran out, run out today, this
        week or later, and closed ones"""
        from trytond.modules.court_petition.petition import due_date
        pool = Pool()
        Petition = pool.get('court.petition')
        courts = _courts()
        A = courts['A']
        wang = _person('王', 1)
        today = pool.get('ir.date').today()
        past, week, later = (today - dt.timedelta(days=1),
            today + dt.timedelta(days=5), today + dt.timedelta(days=40))
        # the acceptance clock is computed from the date received: a date
        # whose 15 working days end this week (after today)
        in_week = next(today - dt.timedelta(days=n) for n in range(30)
            if today < due_date(today - dt.timedelta(days=n), 15, 'working')
            <= today + dt.timedelta(days=7))
        old = today - dt.timedelta(days=60)

        def make(name, state='registered', received=old, **values):
            return name, _petition(A, wang, received, state=state,
                matter=name, **values)
        made = dict([
                make('draft past', 'draft'),
                make('draft week', 'draft', received=in_week),
                make('draft today', 'draft', received=today),
                make('cancelled draft', 'cancelled'),
                make('finish past', finish_deadline=past),
                make('finish today', finish_deadline=today),
                make('finish week', 'handled', finish_deadline=week),
                make('finish later', 'replied', finish_deadline=later),
                make('finish closed', 'closed', finish_deadline=past,
                    closed_date=today),
                make('finish cancelled', 'cancelled', finish_deadline=past),
                make('assign past', 'assigned', assign_deadline=past,
                    finish_deadline=later),
                make('assign week', 'assigned', assign_deadline=week,
                    finish_deadline=later),
                make('assign handled', 'handled', assign_deadline=past,
                    finish_deadline=later, handled_date=past),
                make('meet past', channel='superior', key=True,
                    meet_deadline=past, progress_deadline=week,
                    closing_report_deadline=later, finish_deadline=later),
                make('meet done', 'assigned', channel='superior', key=True,
                    meet_deadline=past, met_date=past,
                    progress_deadline=past, closing_report_deadline=past,
                    finish_deadline=later),
                make('reports done', 'replied', channel='superior',
                    key=True, meet_deadline=past, met_date=past,
                    progress_deadline=past, progress_report_date=past,
                    closing_report_deadline=past, closing_report_date=past,
                    finish_deadline=later),
                make('closed no report', 'closed', channel='superior',
                    key=True, meet_deadline=past, progress_deadline=past,
                    closing_report_deadline=past, finish_deadline=later,
                    closed_date=past),
                make('closed report week', 'closed', channel='superior',
                    key=True, meet_deadline=past, met_date=past,
                    progress_deadline=past, progress_report_date=past,
                    closing_report_deadline=week, finish_deadline=later,
                    closed_date=past),
                make('closed finish week', 'closed', finish_deadline=week,
                    closed_date=past),
                ])
        self.assertLess(made['draft past'].accept_deadline, today)
        self.assertTrue(today < made['draft week'].accept_deadline
            <= today + dt.timedelta(days=7))
        lists = {name: sorted(p.matter for p in Petition.search(domain))
            for name, domain in _action_domains('act_petition_overdue')}
        self.assertEqual(lists, {
                'Not Accepted in Time': ['draft past'],
                'Not Finished in Time': ['finish past'],
                'Assignment Overdue': ['assign past'],
                'Leader Meeting Overdue': ['meet past'],
                'Progress Report Overdue': ['meet done'],
                'Closing Report Overdue': ['closed no report', 'meet done'],
                # a clock running out from today to a week ahead
                'Due within 7 Days': ['assign week', 'closed report week',
                    'draft week', 'finish today', 'finish week',
                    'meet past'],
                })
        # every listed petition shows its clock overdue on the form
        for name, field in [
                ('Not Accepted in Time', 'accept_deadline'),
                ('Leader Meeting Overdue', 'meet_deadline')]:
            for matter in lists[name]:
                self.assertLess(getattr(made[matter], field), today)

    def _assert_batched(self, codes, courts, start, end, **filters):
        """compute_many of every court at once gives each court what
        compute gives it alone"""
        Indicator = Pool().get('court.indicator')
        ids = [c.id for c in courts]
        for code in codes:
            self.assertIn(code, Indicator._batched())
            many = Indicator.compute_many(code, ids, start, end, **filters)
            self.assertEqual(set(many), set(ids), code)
            for court in ids:
                self.assertEqual(many[court], Indicator.compute(
                        code, [court], start, end, **filters), (code, court))

    @with_transaction()
    def test_escalations(self):
        "D6 and A11: per destination, year on year"
        pool = Pool()
        Indicator = pool.get('court.indicator')
        Escalation = pool.get('court.petition.escalation')
        courts = _courts()
        wang = _person('王', 1)
        plan = {
            # destination: (count 2024 H1, count 2025 H1)
            'beijing': (10, 7),     # -30%: met
            'province': (4, 3),     # -25%: not met
            'circuit': (0, 0),      # none: met
            }
        vlist = []
        for destination, (before, now) in plan.items():
            for year, count in [(2024, before), (2025, now)]:
                vlist += [{'company': courts['A'].id, 'party': wang.id,
                        'destination': destination,
                        'date': D(year, 3, 1)}] * count
        vlist.append({'company': courts['A'].id, 'party': wang.id,
                'destination': 'beijing', 'date': D(2025, 7, 1)})
        Escalation.create(vlist)
        d6 = Indicator.compute('D6', [courts['A'].id], START, END)
        self.assertEqual((d6.value, d6.details['previous']), (10, 14))
        self.assertEqual(len(d6.record_ids), 10)
        beijing = d6.details['destinations']['beijing']
        self.assertEqual(beijing['change'], Decimal('-0.3000'))
        d6b = Indicator.compute('D6', [courts['A'].id], START, END,
            destination='province')
        self.assertEqual((d6b.value, d6b.denominator), (3, 4))
        a11 = Indicator.compute('A11', [courts['A'].id], START, END)
        self.assertEqual(a11.value, 2)
        self.assertEqual(sorted(a11.details['met']), ['beijing', 'circuit'])
        self._assert_batched(['D6', 'A11'], courts.values(), START, END)
        self._assert_batched(['D6'], courts.values(), START, END,
            destination='beijing')

    @with_transaction()
    def test_d7_analysis(self):
        "D7: half-years ended in the period with an analysis produced"
        pool = Pool()
        Indicator = pool.get('court.indicator')
        Analysis = pool.get('court.petition.analysis')
        courts = _courts()
        Analysis.create([{'company': courts['A'].id, 'year': 2024,
                    'half': '2'}])
        d7 = Indicator.compute('D7', [courts['A'].id], D(2024, 1, 1),
            D(2024, 12, 31))
        self.assertEqual((d7.numerator, d7.denominator), (1, 2))
        self.assertEqual(d7.details['done'], [(2024, '2')])
        self._assert_batched(['D7'], courts.values(), D(2024, 1, 1),
            D(2024, 12, 31))

    @with_transaction()
    def test_workbook(self):
        "The half-year workbook: its sheets and counts"
        import io
        import zipfile

        import openpyxl
        from trytond.modules.court_petition.analysis import (
            build_workbook, grouped)
        Department = Pool().get('court.department')
        courts = _courts()
        enforcement, civil, top = Department.create([
                {'company': courts['A'].id, 'name': '执行局'},
                {'company': courts['A'].id, 'name': '民一庭'},
                {'company': courts['T'].id, 'name': '执行局'}])
        wang, li = _person('王', 1), _person('李', 2)
        _petition(courts['A'], wang, D(2025, 1, 5),
            department=enforcement.id)
        _petition(courts['A'], li, D(2025, 2, 5), department=enforcement.id,
            repeat=True)
        _petition(courts['A'], li, D(2025, 2, 6), category='trial',
            department=civil.id, state='closed', outcome='resolved',
            reply_date=D(2025, 3, 1))
        # the intermediate court's: one of its department, one assigned
        # down to A
        _petition(courts['T'], wang, D(2025, 3, 5), department=top.id)
        _petition(courts['T'], li, D(2025, 3, 6), state='assigned',
            assigned_to_court=courts['A'].id)
        rows = dict((r[0], r[1:]) for r in grouped(
                [courts['A'].id], START, END, 'department'))
        self.assertEqual(rows, {
                enforcement.id: (2, 2, 0, 0, 1),
                civil.id: (1, 1, 1, 1, 0)})
        both = [courts['T'].id, courts['A'].id]
        rows = dict((r[0], r[1:]) for r in grouped(
                both, START, END, 'department'))
        # a department is its court's: the two 执行局 are two rows; the
        # record assigned down is keyed by the court below
        self.assertEqual(rows, {
                enforcement.id: (2, 2, 0, 0, 1),
                civil.id: (1, 1, 1, 1, 0),
                top.id: (1, 1, 0, 0, 0),
                -courts['A'].id: (1, 1, 0, 0, 0)})
        data, count = build_workbook([courts['A'].id], START, END, '测试')
        self.assertEqual(count, 3)
        book = zipfile.ZipFile(io.BytesIO(data))
        self.assertEqual(len([n for n in book.namelist()
                    if n.startswith('xl/worksheets/sheet')]), 6)
        # a column chart of the petitions received on each summary sheet,
        # over its rows (the total left out); none on the detail sheet
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        charts = {ws.title: ws._charts for ws in workbook.worksheets}
        self.assertEqual(list(charts), ['按信访原因', '按法院', '按承办部门',
                '按来访渠道', '初访与重复访', '信访明细及原因'])
        self.assertEqual(charts.pop('信访明细及原因'), [])
        rows = {'按信访原因': 2, '按法院': 1, '按承办部门': 2,
            '按来访渠道': 1, '初访与重复访': 2}

        def cells(title, column):
            last = 2 + rows[title]
            return f"{title}!${column}$3" + (
                f":${column}${last}" if last > 3 else '')
        for title, found in charts.items():
            self.assertEqual(len(found), 1, title)
            chart, = found
            self.assertEqual(chart.tagname, 'barChart', title)
            series, = chart.series
            self.assertEqual(series.val.numRef.f, cells(title, 'B'), title)
            self.assertEqual(series.cat.strRef.f if series.cat.strRef
                else series.cat.numRef.f, cells(title, 'A'), title)
        data, count = build_workbook(both, START, END, '测试')
        self.assertEqual(count, 5)
        strings = book_strings(data)
        self.assertIn('A 执行局', strings)
        self.assertIn('中级人民法院 执行局', strings)
        self.assertIn('交办下级法院：A', strings)

    @with_transaction()
    def test_department_court(self):
        "A petition's department is of its court, its users too"
        from trytond.modules.court_petition.exceptions import PetitionError
        pool = Pool()
        Department = pool.get('court.department')
        User = pool.get('res.user')
        courts = _courts()
        mine, other = Department.create([
                {'company': courts['A'].id, 'name': '执行局'},
                {'company': courts['B'].id, 'name': '执行局'}])
        petition = _petition(courts['A'], _person('王', 1), D(2025, 1, 5))
        with self.assertRaisesRegex(PetitionError, 'is of B'):
            petition.department = other
            petition.save()
        petition.department = mine
        petition.save()
        user, = User.create([{'login': 'b_judge', 'name': 'b',
                    'companies': [('add', [courts['B'].id])]}])
        with self.assertRaisesRegex(PetitionError, 'not a user of A'):
            Department.write([mine], {'users': [('add', [user.id])]})
        Department.write([other], {'users': [('add', [user.id])]})
        self.assertEqual(list(other.users), [user])


def _action_domains(xml_id):
    """[(name, domain)] of the tabs of the action, their PYSON evaluated
    as the client does (Date() is today)"""
    from trytond.pyson import PYSONDecoder
    from trytond.transaction import Transaction
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    ActWindow = pool.get('ir.action.act_window')
    with Transaction().set_context(language='en'):
        action = ActWindow(ModelData.get_id('court_petition', xml_id))
        decoder = PYSONDecoder({'_user': Transaction().user})
        return [(d.name, decoder.decode(d.domain))
            for d in action.act_window_domains]


def book_strings(data):
    "The shared strings of an xlsx workbook"
    import io
    import zipfile
    book = zipfile.ZipFile(io.BytesIO(data))
    return book.read('xl/sharedStrings.xml').decode('utf-8')


del ModuleTestCase
