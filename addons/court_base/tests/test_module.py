# This file is part of the court platform.  See LICENSE.
import datetime as dt
import unittest

from trytond.modules.court_base import validators, workday
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class CourtBaseTestCase(ModuleTestCase):
    "Test court_base module"
    module = 'court_base'

    @with_transaction()
    def test_calendar_correction_wins(self):
        from trytond.pool import Pool
        CalendarDay = Pool().get('court.calendar.day')
        day = dt.date(2025, 3, 3)  # a Monday
        self.assertTrue(workday.is_working_day(day))
        CalendarDay.create([{'date': day, 'kind': 'rest', 'name': 'x'}])
        self.assertFalse(workday.is_working_day(day))
        self.assertEqual(
            workday.add_working_days(dt.date(2025, 2, 28), 1),
            dt.date(2025, 3, 4))


    @with_transaction()
    def test_registered_history(self):
        "Every revision of a registered record is kept with who and when"
        from trytond.pool import Pool
        from trytond.modules.company.tests import create_company, set_company
        pool = Pool()
        Traced = pool.get('court.test.traced')
        company = create_company()
        company.court_code = '豫0302'
        company.save()
        with set_company(company):
            record, = Traced.create([{'name': 'a', 'company': company.id}])
            Traced.write([record], {'name': 'b'})
            Traced.write([record], {'name': 'c'})
            history = Traced.history_of(record)
        self.assertEqual(len(history), 3)
        self.assertTrue(all(date for date, _ in history))
        self.assertTrue(all(user for _, user in history))


    @with_transaction()
    def test_sms(self):
        """Text messages go through the configured gateway and are kept;
        a failing gateway is recorded, never raised; no valid number, no
        message"""
        from unittest.mock import patch

        from trytond.config import config
        from trytond.pool import Pool
        Sms = Pool().get('court.sms')
        sent = Sms.send([
                {'number': '+86 138-0013-8000', 'text': '测试短信'},
                {'number': '12345', 'text': '无效号码'},
                {'number': None, 'text': '无号码'},
                ])
        self.assertEqual([(m.number, m.state, m.gateway) for m in sent],
            [('13800138000', 'sent', 'logging')])
        with patch.object(config, 'get', side_effect=lambda section, option,
                    default=None: (__name__ + ':FailingGateway'
                    if (section, option) == ('court', 'sms_gateway')
                    else default)):
            failed, = Sms.send([{'number': '13800138000', 'text': '失败'}])
            self.assertEqual(failed.state, 'failed')
            self.assertIn('网关不可用', failed.error)
            self.assertEqual(failed.gateway, 'FailingGateway')
        with patch.object(config, 'get', side_effect=lambda section, option,
                    default=None: (__name__ + ':RecordingGateway'
                    if (section, option) == ('court', 'sms_gateway')
                    else default)):
            message, = Sms.send([{'number': '13900139000', 'text': '送达'}])
        self.assertEqual((message.state, message.reference), ('sent', 'R1'))
        self.assertEqual(RecordingGateway.sent, [('13900139000', '送达')])
        self.assertEqual(Sms.search_count([]), 3)


    @with_transaction()
    def test_job_states(self):
        """A job is queued, then runs as its user: done with its outcome
        and result, or failed with the error's message; its user is
        notified either way. (Commits and rollbacks are stubbed: the test
        transaction must stay whole.)"""
        from unittest.mock import patch

        from trytond.exceptions import UserError
        from trytond.modules.company.tests import create_company, set_company
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        pool = Pool()
        Job = pool.get('court.job')
        Queue = pool.get('ir.queue')
        Notification = pool.get('res.notification')
        Result = pool.get('court.export.xlsx.result')
        company = create_company()

        def launch(name):
            with set_company(company):
                return Job.launch('export', name,
                    'court.export.xlsx.result', 'run_job',
                    params={'ids': [1, 2, 3, 4]}, total=4)

        done = launch('good')
        self.assertEqual((done.state, done.progress, done.company),
            ('queued', 0.0, company))
        task, = Queue.search([('name', '=', 'court_job')])
        self.assertEqual((task.data['model'], task.data['method'],
                list(task.data['instances'])), ('court.job', 'run', [done.id]))

        def work(job):
            for chunk in job.each(job.params['ids'], 3):
                # the user's access checks are on while the job runs
                self.assertTrue(Transaction().check_access)
            return {'message': 'four', 'result': b'xlsx',
                'result_name': 'a.xlsx'}

        def fail(job):
            # in the work's transaction (commit is stubbed): on PostgreSQL
            # a transaction of its own would not see the job this test's
            # transaction created and never commits
            job.set_progress(1, 4, commit=True)
            raise UserError('no way\nrow 3: bad\n')

        transaction = Transaction()
        with patch.object(type(transaction), 'commit'), \
                patch.object(type(transaction), 'rollback'):
            with patch.object(Result, 'run_job', work, create=True):
                Job.run([done])
            done = Job(done.id)
            self.assertEqual((done.state, done.done, done.total,
                    done.progress, done.message, bytes(done.result),
                    done.error), ('done', 4, 4, 1.0, 'four', b'xlsx', None))
            self.assertTrue(done.started and done.finished)
            self.assertIsNone(done.params)
            # a job runs once
            with patch.object(Result, 'run_job', fail, create=True):
                Job.run([done])
            self.assertEqual(Job(done.id).state, 'done')

            failed = launch('bad')
            with patch.object(Result, 'run_job', fail, create=True):
                Job.run([failed])
            failed = Job(failed.id)
            self.assertEqual((failed.state, failed.error, failed.message,
                    failed.done), ('failed', 'no way\nrow 3: bad\n', None,
                    1))

            broken = launch('broken')
            with patch.object(Result, 'run_job',
                    lambda job: 1 / 0, create=True):
                Job.run([broken])
            broken = Job(broken.id)
            self.assertEqual(broken.state, 'failed')
            self.assertNotIn('ZeroDivision', broken.error)

        notifications = {n.records: n for n in Notification.search([
                    ('model', '=', 'court.job')])}
        labels = {r: n.label for r, n in notifications.items()}
        # the error's lines on one line (the description is a Char)
        self.assertEqual(notifications[str([failed.id])].description,
            'no way row 3: bad')
        self.assertEqual(labels[str([done.id])],
            'Background job finished: good')
        self.assertEqual(labels[str([failed.id])],
            'Background job failed: bad')


    def test_storable_values_patched_once(self):
        """The check wraps trytond's own _before_create/_before_write once,
        though the package is imported under two names in one process"""
        import trytond.modules.court_base  # noqa: F401 (the second name)
        from trytond.model import ModelStorage
        for name in ['_before_create', '_before_write']:
            wrapper = getattr(ModelStorage, name).__func__
            cells = dict(zip(wrapper.__code__.co_freevars,
                    (c.cell_contents for c in wrapper.__closure__)))
            wrapped = cells[name.lstrip('_')]
            self.assertEqual(wrapped.__module__, 'trytond.model.modelstorage')

    @with_transaction()
    def test_storable_values(self):
        """Values the database cannot store (NUL character, integer out of
        its column's range, Many2One id that does not exist) are refused
        with a message naming the field on create, write and copy, before
        anything is written, on SQLite and PostgreSQL alike"""
        from trytond.pool import Pool
        from trytond.model.exceptions import ValidationError
        pool = Pool()
        DisputeType = pool.get('court.dispute.type')
        NumberKind = pool.get('court.number.kind')
        parent, = DisputeType.create([{'name': 'P', 'code': 'T-P'}])
        # a Many2One to a record of the same transaction is accepted
        child, = DisputeType.create([{'name': 'C', 'code': 'T-C',
                    'parent': parent.id, 'description': 'a\tb'}])
        kind, = NumberKind.create([{'code': 'T-K', 'name': 'K',
                    'prefix': '测', 'pattern': '{number}',
                    'padding': 2 ** 31 - 1}])
        count = DisputeType.search_count([])
        refused = [
            (DisputeType, child, 'name', 'x\x00y'),
            (DisputeType, child, 'description', '\x00'),
            (DisputeType, child, 'parent', 987654321),
            (DisputeType, child, 'parent', -1),
            (DisputeType, child, 'parent', 2 ** 40),
            (NumberKind, kind, 'padding', 2 ** 31),
            (NumberKind, kind, 'padding', -2 ** 31 - 1),
            (NumberKind, kind, 'padding', 2 ** 64),
            ]
        for Model, record, name, value in refused:
            before = getattr(record, name)
            for call in [
                    lambda: Model.write([record], {name: value}),
                    lambda: Model.copy([record], {name: value}),
                    lambda: Model.create([{
                                'name': 'N', 'code': 'T-N', name: value}]),
                    ]:
                with self.subTest(model=Model.__name__, name=name,
                        value=value):
                    with self.assertRaises(ValidationError) as cm:
                        call()
                    # (the module is imported as court_base and as
                    # trytond.modules.court_base: compare by name)
                    self.assertEqual(type(cm.exception).__name__,
                        'StorableValueError')
                    label = Model._fields[name].string
                    self.assertIn(label, cm.exception.message)
                    # nothing written, and the transaction still works
                    record = Model(record.id)
                    self.assertEqual(getattr(record, name), before)
                    self.assertEqual(DisputeType.search_count([]), count)
        # the limits themselves are stored
        NumberKind.write([kind], {'padding': -2 ** 31})
        self.assertEqual(NumberKind(kind.id).padding, -2 ** 31)
        DisputeType.write([child], {'parent': None, 'description': None})
        self.assertIsNone(DisputeType(child.id).parent)


class FailingGateway:
    def send(self, number, text):
        raise RuntimeError('网关不可用')


class RecordingGateway:
    name = 'recording'
    sent = []

    def send(self, number, text):
        self.sent.append((number, text))
        return 'R%s' % len(self.sent)


class ValidatorsTestCase(unittest.TestCase):
    "Validators need no database"

    def test_id_number_valid(self):
        # GB 11643 example number
        self.assertEqual(
            validators.normalize_id_number('11010519491231002x'),
            '11010519491231002X')
        self.assertEqual(
            validators.id_number_birth_date('11010519491231002X'),
            dt.date(1949, 12, 31))
        self.assertEqual(
            validators.id_number_gender('11010519491231002X'), 'female')

    def test_id_number_invalid(self):
        for value in [
                '', '123', '11010519491231002',  # too short
                '110105194912310021',  # wrong check character
                '110105194902300028',  # 30 February
                '110105299912310023',  # future birth date
                '01010519491231002X',  # leading zero
                '11010519491231002Y', 'ＡＢＣ', "1' OR 1=1 --",
                ]:
            with self.subTest(value=value):
                with self.assertRaises(ValueError):
                    validators.normalize_id_number(value)

    def test_id_number_check_character(self):
        # every check character, including X, computed by the formula
        number17 = '44030019900101123'
        check = validators.id_number_check_character(number17)
        self.assertEqual(
            validators.normalize_id_number(number17 + check),
            number17 + check)

    def test_credit_code(self):
        self.assertEqual(
            validators.normalize_credit_code('91110108551385082q'),
            '91110108551385082Q')
        for value in ['91110108551385082A', '123', '']:
            with self.subTest(value=value):
                with self.assertRaises(ValueError):
                    validators.normalize_credit_code(value)

    def test_mobile(self):
        for value, expected in [
                ('13812345678', '13812345678'),
                ('+86 138-1234-5678', '13812345678'),
                ('0086 19912345678', '19912345678'),
                ]:
            self.assertEqual(validators.normalize_mobile(value), expected)
        for value in ['12812345678', '1381234567', '138123456789',
                '010-12345678', 'abc', '']:
            with self.subTest(value=value):
                with self.assertRaises(ValueError):
                    validators.normalize_mobile(value)


class WorkdayTestCase(unittest.TestCase):
    "The working-day calendar, on the published 2025 and 2026 schedules"

    def test_2025_spring_festival(self):
        # 2025: 1/28 - 2/4 off, Sunday 1/26 and Saturday 2/8 worked
        self.assertTrue(workday.is_working_day(dt.date(2025, 1, 26)))
        self.assertFalse(workday.is_working_day(dt.date(2025, 1, 28)))
        self.assertFalse(workday.is_working_day(dt.date(2025, 2, 4)))
        self.assertTrue(workday.is_working_day(dt.date(2025, 2, 8)))
        # 3 working days after Friday 1/24: Sun 1/26, Mon 1/27, Wed 2/5
        self.assertEqual(
            workday.add_working_days(dt.date(2025, 1, 24), 3),
            dt.date(2025, 2, 5))

    def test_2025_national_day(self):
        # 10/1 - 10/8 off; Sunday 9/28 and Saturday 10/11 worked
        self.assertTrue(workday.is_working_day(dt.date(2025, 9, 28)))
        for day in range(1, 9):
            self.assertFalse(
                workday.is_working_day(dt.date(2025, 10, day)))
        self.assertTrue(workday.is_working_day(dt.date(2025, 10, 11)))
        self.assertEqual(
            workday.add_working_days(dt.date(2025, 9, 30), 1),
            dt.date(2025, 10, 9))

    def test_2026_schedule(self):
        # 2026 Spring Festival: 2/15 - 2/23 off; Saturdays 2/14 and 2/28
        # worked; Labour Day 5/1 - 5/5 off, Saturday 5/9 worked
        self.assertTrue(workday.is_working_day(dt.date(2026, 2, 14)))
        self.assertFalse(workday.is_working_day(dt.date(2026, 2, 16)))
        self.assertFalse(workday.is_working_day(dt.date(2026, 2, 23)))
        self.assertTrue(workday.is_working_day(dt.date(2026, 2, 24)))
        self.assertTrue(workday.is_working_day(dt.date(2026, 2, 28)))
        self.assertFalse(workday.is_working_day(dt.date(2026, 5, 4)))
        self.assertTrue(workday.is_working_day(dt.date(2026, 5, 9)))
        self.assertTrue(workday.is_working_day(dt.date(2026, 1, 4)))

    def test_working_days_between(self):
        start, end = dt.date(2025, 9, 26), dt.date(2025, 10, 13)
        # 9/28 (Sun, worked), 9/29, 9/30, 10/9, 10/10, 10/11 (Sat,
        # worked), 10/13
        self.assertEqual(workday.working_days_between(start, end), 7)
        self.assertEqual(workday.working_days_between(end, start), -7)
        self.assertEqual(
            workday.add_working_days(start, 7), end)

    def test_calendar_days_roll_forward(self):
        # 15 calendar days from 2025-09-20 end on 10/5, a holiday:
        # the deadline moves to the first working day after it (10/9)
        self.assertEqual(
            workday.add_calendar_days(dt.date(2025, 9, 20), 15),
            dt.date(2025, 10, 9))
        self.assertEqual(
            workday.add_calendar_days(
                dt.date(2025, 9, 20), 15, roll_forward=False),
            dt.date(2025, 10, 5))
        # an ordinary weekday is left alone
        self.assertEqual(
            workday.add_calendar_days(dt.date(2025, 3, 3), 30),
            dt.date(2025, 4, 2))

    def test_zero_days(self):
        self.assertEqual(
            workday.add_working_days(dt.date(2025, 10, 4), 0),
            dt.date(2025, 10, 9))
        with self.assertRaises(ValueError):
            workday.add_working_days(dt.date(2025, 10, 4), -1)


del ModuleTestCase
