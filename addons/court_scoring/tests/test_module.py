# This file is part of the court platform.  See LICENSE.
import datetime as dt
from decimal import Decimal as D
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.court_base.indicator import IndicatorResult
from trytond.modules.court_scoring.exceptions import ScoringAccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

YEAR = dt.date.today().year - 1

# reported values of court A for the 100-point scheme (percent for rates)
# and the points each item must score, worked by hand
A_VALUES = {
    'A1': 1,                                    # A1 met: 6
    'A2C': 62, 'A2A': 50, 'A2E': '50.5',        # A2 50% is not > 50%: 14
    'A3': 80,                                   # A3 exactly 80%: 8
    'A4E': 96, 'A4P': 94, 'A4I': 90,            # A4 two not met: 3
    'A5S': 1, 'A5D': 1, 'A5P': 1, 'A5A': 1,     # A5: 8
    'A6D': 210, 'A6P': 49, 'A6A': 60,           # A6 one not met: 8
    'A7F': 99, 'A7S': 80, 'A7T': 2,             # A7 all on the bound: 9
    'A8C': 96,                                  # A8 A8T missing: no data, 0
    'A12': 3, 'A13': 1, 'A14': 2, 'A15': 0,     # +1.5 +1 −2
    }
A_POINTS = {'A1': 6, 'A2': 14, 'A3': 8, 'A4': 3, 'A5': 8, 'A6': 8, 'A7': 9,
    'A8': 0, 'A9': 0, 'A10': 0, 'A11': 0, 'A12': D('1.5'), 'A13': 1,
    'A14': -2, 'A15': 0}


def _courts():
    Company = Pool().get('company.company')
    top = create_company('中级人民法院')
    a = create_company('甲法院', currency=top.currency)
    b = create_company('乙法院', currency=top.currency)
    Company.write([top], {'court_code': '豫03', 'court_level':
            'intermediate'})
    Company.write([a], {'court_code': '豫0302', 'superior': top.id,
            'court_level': 'basic'})
    Company.write([b], {'court_code': '豫0303', 'superior': top.id,
            'court_level': 'basic'})
    return top, a, b


def _scheme(xml_id='scheme_model_court'):
    pool = Pool()
    Scheme = pool.get('court.scoring.scheme')
    ModelData = pool.get('ir.model.data')
    return Scheme(ModelData.get_id('court_scoring', xml_id))


def _report(court, values, year=YEAR, kind='year', number=1):
    pool = Pool()
    Value = pool.get('court.scoring.value')
    Code = pool.get('court.scoring.code')
    codes = {c.code: c for c in Code.search([])}
    return Value.create([{
                'company': court.id,
                'code': codes[code].id,
                'period_kind': kind,
                'year': year,
                'period_number': number,
                'value': D(str(value)),
                } for code, value in values.items()])


class CourtScoringTestCase(ModuleTestCase):
    "Test court_scoring module"
    module = 'court_scoring'

    @with_transaction()
    def test_shipped_schemes_add_up(self):
        "The shipped schemes add up and go in force"
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        scheme = _scheme()
        self.assertEqual([(s.name, s.points) for s in scheme.sections
                if s.kind == 'base'],
            [('立案服务', 45), ('审判辅助', 35), ('涉诉信访', 20)])
        self.assertEqual(scheme.base_total, D(100))
        codes = [i.code for s in scheme.sections for i in s.items]
        self.assertEqual(codes, ['A%s' % n for n in range(1, 16)])
        a1 = scheme.sections[0].items[0]
        self.assertEqual(a1.points, 6)
        self.assertIn('8 分', a1.note)
        self.assertIn('8 分', scheme.notes)
        targets = _scheme('scheme_targets')
        self.assertEqual(targets.base_total, D(37))
        Scheme.activate([scheme, targets])
        self.assertEqual({scheme.state, targets.state}, {'active'})

    @with_transaction()
    def test_scheme_not_adding_up_refused(self):
        "A scheme whose items do not add up is not put in force"
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Item = pool.get('court.scoring.item')
        copy, = Scheme.copy([_scheme()], default={'code': 'X'})
        a1 = copy.sections[0].items[0]
        Item.write([a1], {'points': D(8)})   # as the source's text says
        with self.assertRaises(ValidationError) as cm:
            Scheme.activate([copy])
        self.assertIn('47', str(cm.exception))
        self.assertEqual(copy.state, 'draft')
        Item.write([a1], {'points': D(6)})
        Scheme.activate([copy])
        # a scheme in force is not changed
        with Transaction().set_user(1), self.assertRaises(ValidationError):
            Item.write([a1], {'points': D(7)})
        Scheme.draft([copy])
        copy.total = D(90)
        copy.save()
        with self.assertRaises(ValidationError):
            Scheme.activate([copy])

    @with_transaction()
    def test_threshold_without_direction_refused(self):
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Indicator = pool.get('court.scoring.item.indicator')
        copy, = Scheme.copy([_scheme()], default={'code': 'X'})
        indicator = copy.sections[0].items[1].indicators[0]
        with self.assertRaises(ValidationError):
            Indicator.write([indicator], {'direction': None})
        # (the failed write is not rolled back in a test transaction)
        other = copy.sections[0].items[1].indicators[1]
        with self.assertRaises(ValidationError):
            Indicator.write([other], {'threshold': None})

    @with_transaction()
    def test_copy_next_year(self):
        "The wizard copies every section, item, indicator and tier"
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Copy = pool.get('court.scoring.scheme.copy', type='wizard')
        scheme = _scheme()
        session_id, _, _ = Copy.create()
        with Transaction().set_context(active_model=Scheme.__name__,
                active_id=scheme.id, active_ids=[scheme.id]):
            copy = Copy(session_id)
            defaults = copy.default_start(None)
            self.assertEqual(defaults['year'], scheme.year + 1)
            copy.start.name = defaults['name']
            copy.start.code = defaults['code']
            copy.start.year = defaults['year']
            action, data = copy.do_copy_({'views': [1, 2]})
        new = Scheme(data['res_id'][0])
        self.assertEqual((new.state, new.year), ('draft', scheme.year + 1))

        def shape(s):
            return [(sec.name, sec.points, [(i.code, i.points, i.rule,
                            [(x.code.code, x.direction, x.inclusive,
                                    x.threshold, x.basis)
                                for x in i.indicators],
                            [(t.direction, t.bound, t.points)
                                for t in i.tiers])
                        for i in sec.items]) for sec in s.sections]
        self.assertEqual(shape(new), shape(scheme))
        self.assertNotEqual(new.sections[0].id, scheme.sections[0].id)

    @with_transaction()
    def test_reported_value_refusals(self):
        "Rates outside 0-100%, periods that don't exist, future periods"
        top, a, b = _courts()
        with set_company(a):
            with self.assertRaises(ValidationError):
                _report(a, {'A3': 120})
            # (each refusal on its own code: a failed write is not rolled
            # back in a test transaction, and a second value for the same
            # code and period would break the unique constraint)
            with self.assertRaises(ValidationError):
                _report(a, {'A4E': -1})
            with self.assertRaises(ValidationError):
                _report(a, {'A1': 2})
            with self.assertRaises(ValidationError):
                _report(a, {'A3': 90}, kind='month', number=13)
            with self.assertRaises(ValidationError):
                _report(a, {'A3': 90}, kind='quarter', number=5)
            with self.assertRaises(ValidationError):
                _report(a, {'A3': 90}, year=YEAR + 3)
            value, = _report(a, {'A3': 90}, kind='half', number=2)
            self.assertEqual((value.start, value.end),
                (dt.date(YEAR, 7, 1), dt.date(YEAR, 12, 31)))
            self.assertEqual(value.entered_by.id, Transaction().user)
            self.assertTrue(value.entered_at)

    @with_transaction()
    def test_correction_with_reason(self):
        "A value is only changed by a correction with a reason, kept"
        pool = Pool()
        Value = pool.get('court.scoring.value')
        top, a, b = _courts()
        with set_company(a):
            value, = _report(a, {'A3': 85})
            with self.assertRaises(ValidationError):
                Value.write([value], {'value': D(95)})
            with self.assertRaises(ValidationError):
                Value.correct_value(value, D(95), '  ')
            Value.correct_value(value, D(95), '原填报数据口径有误')
            Value.correct_value(value, D(92), '复核后更正')
            value = Value(value.id)
            self.assertEqual(value.value, D(92))
            self.assertEqual(
                sorted((c.old_value, c.new_value, c.reason)
                    for c in value.corrections),
                [(D(85), D(95), '原填报数据口径有误'),
                    (D(95), D(92), '复核后更正')])
            with Transaction().set_user(1), \
                    self.assertRaises(ValidationError):
                Value.delete([value])

    @with_transaction()
    def test_evaluation_item_by_item(self):
        "The 100-point scheme worked by hand, item by item"
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Evaluation = pool.get('court.scoring.evaluation')
        scheme = _scheme()
        Scheme.activate([scheme])
        top, a, b = _courts()
        with set_company(a):
            _report(a, A_VALUES)
            evaluation, = Evaluation.evaluate([a], scheme, 'year', YEAR, 1)
        points = {l.code: l.points for l in evaluation.lines}
        self.assertEqual(points, {k: D(v) for k, v in A_POINTS.items()})
        status = {l.code: l.status for l in evaluation.lines}
        self.assertEqual(status['A8'], 'no_data')
        self.assertEqual(status['A9'], 'no_data')
        self.assertEqual(status['A15'], 'no_data')   # E1: no provider
        a9 = [l for l in evaluation.lines if l.code == 'A9'][0]
        self.assertIn('D1', a9.values_text + a9.reason)
        self.assertEqual({v.source for v in a9.values}, {'missing'})
        self.assertEqual(evaluation.base_points, D(56))
        self.assertEqual((evaluation.bonus, evaluation.penalty),
            (D('2.5'), D(2)))
        self.assertEqual(evaluation.total, D('56.5'))
        self.assertEqual(evaluation.state, 'computed')
        self.assertFalse(evaluation.disqualified)
        self.assertEqual(evaluation.items_no_data, 5)
        self.assertEqual(evaluation.values_reported, len(A_VALUES))
        self.assertEqual(evaluation.values_computed, 0)
        self.assertTrue(evaluation.computed_at)
        self.assertEqual([(s.name, s.points) for s in evaluation.sections],
            [('立案服务', D(31)), ('审判辅助', D(25)), ('涉诉信访', D(0)),
                ('奖惩', D('0.5'))])
        a2 = [l for l in evaluation.lines if l.code == 'A2'][0]
        self.assertEqual({v.code: v.met for v in a2.values},
            {'A2C': 'yes', 'A2A': 'no', 'A2E': 'yes'})
        self.assertEqual({v.source for v in a2.values}, {'reported'})

        # "left out" policy: items without data leave the attainable total
        self.assertEqual(evaluation.attainable, D(100))

        # a correction changes the score at the next computation
        Value = pool.get('court.scoring.value')
        with set_company(a):
            a3, = Value.search([('code.code', '=', 'A3'),
                    ('company', '=', a.id)])
            Value.correct_value(a3, D(90), '复核更正')
            Evaluation.compute([evaluation])
        self.assertEqual(
            [l.points for l in evaluation.lines if l.code == 'A3'], [D(10)])
        self.assertEqual(evaluation.total, D('58.5'))

        # confirmed, published: frozen
        Evaluation.confirm([evaluation])
        Evaluation.publish([evaluation])
        self.assertEqual(evaluation.state, 'published')
        with Transaction().set_user(1):
            with self.assertRaises(ValidationError):
                Evaluation.write([evaluation], {'rank': 9})
        with self.assertRaises(ValidationError):
            Evaluation.compute([evaluation])
        self.assertEqual(evaluation.state, 'published')
        self.assertEqual(evaluation.total, D('58.5'))

    @with_transaction()
    def test_cron_recomputes_open_evaluations(self):
        "The daily cron recomputes draft and computed, not confirmed"
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Evaluation = pool.get('court.scoring.evaluation')
        Value = pool.get('court.scoring.value')
        scheme = _scheme()
        Scheme.activate([scheme])
        top, a, b = _courts()
        with set_company(a):
            _report(a, A_VALUES)
            _report(b, A_VALUES)
            ea, eb = Evaluation.evaluate([a, b], scheme, 'year', YEAR, 1)
            Evaluation.confirm([eb])
            for value in Value.search([('code.code', '=', 'A3'),
                        ('company', 'in', [a.id, b.id])]):
                Value.correct_value(value, D(95), '更正')
            Evaluation.recompute_open()
        self.assertEqual([l.points for l in Evaluation(ea.id).lines
                if l.code == 'A3'], [D(10)])
        self.assertEqual([l.points for l in Evaluation(eb.id).lines
                if l.code == 'A3'], [D(8)])
        self.assertEqual(Evaluation(eb.id).state, 'confirmed')

    @with_transaction()
    def test_disqualification_keeps_score(self):
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Evaluation = pool.get('court.scoring.evaluation')
        scheme = _scheme()
        Scheme.activate([scheme])
        top, a, b = _courts()
        with set_company(a):
            _report(a, dict(A_VALUES, A15=1))
            evaluation, = Evaluation.evaluate([a], scheme, 'year', YEAR, 1)
        self.assertTrue(evaluation.disqualified)
        self.assertIn('A15', evaluation.disqualification)
        self.assertEqual(evaluation.total, D('56.5'))

    @with_transaction()
    def test_ranking_of_peers(self):
        "Courts with the same superior and level are ranked by total"
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Evaluation = pool.get('court.scoring.evaluation')
        scheme = _scheme()
        Scheme.activate([scheme])
        top, a, b = _courts()
        with set_company(a):
            _report(a, A_VALUES)
            _report(b, dict(A_VALUES, A3=95))
            evaluations = Evaluation.evaluate([a, b], scheme, 'year', YEAR, 1)
        ranks = {e.company: (e.rank, e.peer_count, e.total)
            for e in Evaluation.browse(evaluations)}
        self.assertEqual(ranks[b], (1, 2, D('58.5')))
        self.assertEqual(ranks[a], (2, 2, D('56.5')))

    @with_transaction()
    def test_computed_values_and_change(self):
        """A provider's ratio is read in percent with the records behind
        it; a change is worked against the same period a year before"""
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Evaluation = pool.get('court.scoring.evaluation')
        Indicator = pool.get('court.indicator')
        scheme = _scheme()
        Scheme.activate([scheme])
        top, a, b = _courts()
        counts = {  # D6 destination -> (this year, last year)
            'beijing': (7, 10), 'province': (5, 10), 'circuit': (0, 0)}

        def compute(code, courts, start, end, **filters):
            if code == 'D6':
                count = counts[filters['destination']][
                    0 if start.year == YEAR else 1]
                return IndicatorResult(code, D(count), unit='count',
                    model='res.user', record_ids=[1])
            return IndicatorResult(code, {'D1': D(1), 'D2': D('0.9999'),
                    'D3': D('0.99'), 'D4': None}[code],
                model='res.user', record_ids=[1, 2])
        providers = {c: ('x', '') for c in ['D1', 'D2', 'D3', 'D4', 'D6']}
        with patch.object(Indicator, '_providers',
                    classmethod(lambda cls: providers)), \
                patch.object(Indicator, 'compute_many',
                    classmethod(lambda cls, code, courts, *a, **k: {
                            c: compute(code, [c], *a, **k)
                            for c in courts})), \
                set_company(a):
            evaluation, = Evaluation.evaluate([a], scheme, 'year', YEAR, 1)
        lines = {l.code: l for l in evaluation.lines}
        # D2 99.99% is not 100%: −2
        self.assertEqual(lines['A9'].points, D(4))
        self.assertEqual({v.code: (v.value, v.source, v.record_count)
                for v in lines['A9'].values}, {
                'D1': (D(100), 'computed', 2),
                'D2': (D('99.99'), 'computed', 2),
                'D3': (D(99), 'computed', 2)})
        # D4: no denominator, no data
        self.assertEqual(lines['A10'].status, 'no_data')
        # Beijing −30% met, province −50% met, circuit 0 → 0: no data
        self.assertEqual(lines['A11'].status, 'no_data')
        self.assertEqual([(v.value, v.met) for v in lines['A11'].values],
            [(D(-30), 'yes'), (D(-50), 'yes'), (None, 'unknown')])

    @with_transaction()
    def test_shortfalls_follow_the_evaluation(self):
        """The weekly list of items without points: created by the
        computation, the court's words kept across recomputations, an item
        that scores again resolved, and nothing else writable"""
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Evaluation = pool.get('court.scoring.evaluation')
        Shortfall = pool.get('court.scoring.shortfall')
        scheme = _scheme()
        Scheme.activate([scheme])
        top, a, b = _courts()
        with set_company(a):
            _report(a, A_VALUES)
            evaluation, = Evaluation.evaluate([a], scheme, 'year', YEAR, 1)
        shortfalls = {s.code: s for s in Shortfall.search([
                    ('evaluation', '=', evaluation.id)])}
        # the items scoring nothing of test_evaluation_item_by_item
        self.assertEqual(set(shortfalls),
            {'A8', 'A9', 'A10', 'A11', 'A15'})
        a8 = shortfalls['A8']
        self.assertEqual((a8.company, a8.status, a8.state, a8.points),
            (a, 'no_data', 'open', D(0)))
        self.assertIn('12368', a8.reason)
        Shortfall.write([a8, shortfalls['A9']], {
                'cause': '审判辅助数据未填报', 'measure': '本周五前补报',
                'responsible': '张三'})
        # the evaluation's part is not the user's to write
        with Transaction().set_user(1), \
                Transaction().set_context(_check_access=True):
            for values in [{'points': D(5)}, {'status': 'full'},
                    {'state': 'resolved'}, {'cause': 'x', 'code': 'A1'}]:
                with self.assertRaises(UserError):
                    Shortfall.write([a8], values)
        self.assertEqual(Shortfall(a8.id).points, D(0))

        # A8T reported: A8 scores, its shortfall is resolved, A9's words
        # are still there after the recomputation
        with set_company(a):
            _report(a, {'A8T': 97})
            Evaluation.compute([evaluation])
        shortfalls = {s.code: s for s in Shortfall.search([
                    ('evaluation', '=', evaluation.id)])}
        self.assertEqual(shortfalls['A8'].state, 'resolved')
        self.assertEqual(shortfalls['A8'].resolved_on,
            pool.get('ir.date').today())
        self.assertEqual(shortfalls['A9'].state, 'open')
        self.assertEqual((shortfalls['A9'].cause, shortfalls['A9'].measure,
                shortfalls['A9'].responsible),
            ('审判辅助数据未填报', '本周五前补报', '张三'))
        self.assertEqual(Shortfall.search_count([
                    ('evaluation', '=', evaluation.id),
                    ('state', '=', 'open')]), 4)

    @with_transaction()
    def test_dashboard(self):
        """The leaders' dashboard: this year so far, every target with its
        standing and gap, the items at risk, the records, the Excel file"""
        import io
        import json

        import openpyxl
        pool = Pool()
        Scheme = pool.get('court.scoring.scheme')
        Dashboard = pool.get('court.scoring.dashboard', type='wizard')
        scheme = _scheme()
        Scheme.activate([scheme])
        top, a, b = _courts()
        this_year = dt.date.today().year
        with set_company(a):
            values = _report(a, A_VALUES, year=this_year)
            session_id, start, _ = Dashboard.create()
            result = Dashboard.execute(session_id, {}, start)
        # computed once: opening records, exporting and coming back reuse
        # the figures of the session
        compute = patch.object(Dashboard, 'compute_lines', autospec=True,
            side_effect=AssertionError("computed again"))
        compute.start()
        self.addCleanup(compute.stop)
        view = result['view']
        self.assertEqual(view['state'], 'result')
        data = view['defaults']
        lines = {(l['item'].split()[0], l['indicator']): l
            for l in data['lines']}
        by_code = {}
        for (item, name), line in lines.items():
            by_code.setdefault(item, []).append(line)
        self.assertEqual(len(data['lines']), sum(
                len(i.indicators) for s in scheme.sections for i in s.items))
        # A2: 50% is not > 50% (the 行政 rate), one record more would do
        a2 = {l['value']: l for l in by_code['A2']}
        self.assertEqual(a2['50%']['standing'], 'not_met')
        self.assertIn('恰好等于目标 50', a2['50%']['gap'])
        self.assertEqual(a2['50.5%']['standing'], 'at_risk')
        self.assertEqual(a2['62%']['standing'], 'met')
        self.assertEqual(a2['62%']['points'], '14 / 20')
        self.assertEqual(a2['62%']['source'], '填报')
        # A8T never reported: no data, and why
        a8 = {l['indicator']: l for l in by_code['A8']}
        self.assertTrue(any(l['standing'] == 'no_data'
                and l['value'] == '无数据' for l in a8.values()))
        self.assertIn('A2 ', data['at_risk'])
        # the score so far is the evaluation's (56.5 by hand)
        self.assertIn('56.5', data['summary'])
        self.assertIn('100', data['summary'])
        # the records behind a reported value: the value itself
        details = json.loads(data['details'])
        labels = [d[0] for d in details]
        self.assertTrue(labels)
        index = labels.index([d for d in labels if d.startswith('A3 ')][0])
        with set_company(a):
            result = Dashboard.execute(session_id, {
                    'result': dict(data, detail=str(index), lines=[]),
                    }, 'open_')
        action, = [a_ for a_ in result['actions']]
        action = action[0]
        self.assertEqual(action['res_model'], 'court.scoring.value')
        a3, = [v for v in values if v.code.code == 'A3']
        self.assertIn(str(a3.id), action['pyson_domain'])
        # the Excel file
        with set_company(a):
            result = Dashboard.execute(session_id, {
                    'result': dict(data, lines=[]),
                    }, 'export')
        file_ = result['view']['defaults']
        self.assertTrue(file_['filename'].endswith('考核看板.xlsx'))
        sheet = openpyxl.load_workbook(io.BytesIO(file_['file'])).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[1][:8], ('考核方案', '项目', '指标', '目标',
                '当前值', '来源', '状态', '差距'))
        self.assertIn('未达标', [r[6] for r in rows[2:]])
        # every line, whatever the client sent back
        self.assertEqual(len([r for r in rows[2:] if r[0]]) - 2,
            len(data['lines']))
        with set_company(a):
            back = Dashboard.execute(session_id, {'file': {}}, 'result')
        self.assertEqual(back['view']['defaults']['lines'], data['lines'])
        # a figure that does not exist
        for detail in ['999', '-1', None]:
            with set_company(a), self.assertRaises(ScoringAccessError):
                Dashboard.execute(session_id, {
                        'result': dict(data, detail=detail, lines=[]),
                        }, 'open_')
        compute.stop()
        # other parameters: computed again
        with set_company(a):
            Dashboard.execute(session_id, {'result': {}}, 'params')
            other = Dashboard.execute(session_id, {'params': {
                        'margin': D(20)}}, 'result')
        self.assertNotEqual(
            [l['standing'] for l in other['view']['defaults']['lines']],
            [l['standing'] for l in data['lines']])
        Dashboard.delete(session_id)



del ModuleTestCase
