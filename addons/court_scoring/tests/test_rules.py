# This file is part of the court platform.  See LICENSE.
"""The scoring rules, worked by hand from kpi-catalog.md section A."""
import unittest
from decimal import Decimal as D

from trytond.modules.court_scoring import rules
from trytond.modules.court_scoring.rules import Indicator, Item, Tier


def a2():
    "A2: three online-filing rates > 50% (bound excluded), 20, −6 each"
    return Item('A2', 'deduction', D(20), deduction=D(6), indicators=[
            Indicator('A2C', '民事', 'at_least', False, D(50)),
            Indicator('A2A', '行政', 'at_least', False, D(50)),
            Indicator('A2E', '执行', 'at_least', False, D(50)),
            ])


def a3():
    "A3: ≥ 90% → 10; 80–90% → 8; < 80% → 6"
    return Item('A3', 'tiers', D(10), indicators=[
            Indicator('A3', '网上立案审核按期率', unit='ratio')],
        tiers=[Tier('at_least', True, D(90), D(10)),
            Tier('at_least', True, D(80), D(8)),
            Tier('any', True, None, D(6))])


class RulesTestCase(unittest.TestCase):

    def test_standing_of_a_rate(self):
        "Where a rate stands, what is missing, at risk within the margin"
        b6 = Indicator('B6', '调解成功率', 'at_least', True, D(50), 'ratio')
        self.assertEqual(rules.standing(b6, D(48), 48, 100),
            ('not_met', '低于目标 2 个百分点，按现有 100 件还需增加 2 件'))
        # 33 of 70 = 47.14%: 35 needed, 2 more
        self.assertEqual(rules.standing(b6, D('47.14'), 33, 70)[1],
            '低于目标 2.86 个百分点，按现有 70 件还需增加 2 件')
        self.assertEqual(rules.standing(b6, D(50), 50, 100),
            ('at_risk', '恰好达到目标 50，临界'))
        self.assertEqual(rules.standing(b6, D(55), 55, 100)[0], 'at_risk')
        self.assertEqual(rules.standing(b6, D('55.01'), None, None)[0],
            'met')
        self.assertEqual(rules.standing(b6, D(55), margin=D(0))[0], 'met')
        self.assertEqual(rules.standing(b6, None)[0], 'no_data')

    def test_standing_bound_excluded(self):
        "A2's > 50%: exactly 50% is not met, one more record is"
        a2c = Indicator('A2C', '民事', 'at_least', False, D(50), 'ratio')
        self.assertEqual(rules.standing(a2c, D(50), 50, 100),
            ('not_met', '恰好等于目标 50，须高于目标，按现有 100 件还需增加 1 件'))
        b17 = Indicator('B17', '万人成讼率', 'at_most', False, D(0), 'ratio')
        self.assertEqual(rules.standing(b17, D(0))[0], 'not_met')
        self.assertEqual(rules.standing(b17, D(-3))[0], 'at_risk')
        self.assertEqual(rules.standing(b17, D(-6))[0], 'met')

    def test_standing_at_most_and_counts(self):
        b9 = Indicator('B9', '平均调解天数', 'at_most', True, D(30), 'days')
        self.assertEqual(rules.standing(b9, D(35)),
            ('not_met', '需减少 5（目标 ≤ 30）'))
        # margin 5% of 30 = 1.5 days
        self.assertEqual(rules.standing(b9, D('28.5'))[0], 'at_risk')
        self.assertEqual(rules.standing(b9, D(28))[0], 'met')
        b3 = Indicator('B3', '在册特邀调解员', 'at_least', True, D(10),
            'count')
        self.assertEqual(rules.standing(b3, D(7)),
            ('not_met', '还差 3（目标 ≥ 10）'))
        self.assertEqual(rules.standing(b3, D(11))[0], 'at_risk')
        self.assertEqual(rules.standing(b3, D(12))[0], 'met')
        # findings that must stay at 0 and yes/no are never at risk
        e1 = Indicator('E1', '重复登记', 'at_most', True, D(0), 'count')
        self.assertEqual(rules.standing(e1, D(0)), ('met', '已达标'))
        self.assertEqual(rules.standing(e1, D(2)),
            ('not_met', '需减少 2（目标 ≤ 0）'))
        a1 = Indicator('A1', '诉讼服务中心', 'equal', True, D(1), 'flag')
        self.assertEqual(rules.standing(a1, D(1)), ('met', '符合要求'))
        self.assertEqual(rules.standing(a1, D(0)),
            ('not_met', '应为 1，现为 0'))
        # a rate that must stay low: how many records too many
        rate = Indicator('X', '超期率', 'at_most', True, D(10), 'ratio')
        self.assertEqual(rules.standing(rate, D(15), 15, 100)[1],
            '超出目标 5 个百分点，按现有 100 件需减少 5 件')
        events = Indicator('A12', '表彰', threshold=None, unit='count')
        self.assertEqual(rules.standing(events, D(3)), ('info', '记录 3'))

    def test_compare_bounds(self):
        "Inclusive and exclusive bounds, both directions"
        self.assertTrue(rules.compare(D(90), 'at_least', True, D(90)))
        self.assertFalse(rules.compare(D(90), 'at_least', False, D(90)))
        self.assertTrue(rules.compare(D('90.01'), 'at_least', False, D(90)))
        self.assertTrue(rules.compare(D(2), 'at_most', True, D(2)))
        self.assertFalse(rules.compare(D(2), 'at_most', False, D(2)))
        self.assertFalse(rules.compare(D('2.1'), 'at_most', True, D(2)))
        self.assertTrue(rules.compare(D(100), 'equal', True, D(100)))
        self.assertFalse(rules.compare(D('99.9'), 'equal', True, D(100)))
        self.assertIsNone(rules.compare(None, 'at_least', True, D(90)))
        with self.assertRaises(ValueError):
            rules.compare(D(1), None, True, D(90))

    def test_all_met(self):
        "A1: met → 6, else 0; A10 likewise"
        item = Item('A1', 'all_met', D(6), indicators=[
                Indicator('A1', 'A1', 'at_least', True, D(1), 'flag')])
        self.assertEqual(rules.evaluate(item, {'A1': D(1)}).points, D(6))
        outcome = rules.evaluate(item, {'A1': D(0)})
        self.assertEqual((outcome.points, outcome.status), (D(0), 'zero'))
        item.points_otherwise = D(2)
        outcome = rules.evaluate(item, {'A1': D(0)})
        self.assertEqual((outcome.points, outcome.status), (D(2), 'partial'))

    def test_deduction_exclusive_bound(self):
        "A2: exactly 50% is not > 50%: one deduction of 6"
        item = a2()
        outcome = rules.evaluate(item,
            {'A2C': D(62), 'A2A': D(51), 'A2E': D('50.01')})
        self.assertEqual((outcome.points, outcome.status), (D(20), 'full'))
        outcome = rules.evaluate(item,
            {'A2C': D(62), 'A2A': D(50), 'A2E': D(55)})
        self.assertEqual((outcome.points, outcome.status), (D(14), 'partial'))
        self.assertEqual(outcome.met, {'A2C': True, 'A2A': False,
                'A2E': True})
        outcome = rules.evaluate(item,
            {'A2C': D(10), 'A2A': D(50), 'A2E': D(0)})
        self.assertEqual(outcome.points, D(2))
        self.assertIn('扣 18 分', outcome.reason)

    def test_deduction_floor(self):
        "A deduction never makes an item negative"
        item = Item('X', 'deduction', D(5), deduction=D(3), indicators=[
                Indicator('X1', '', 'at_least', True, D(1)),
                Indicator('X2', '', 'at_least', True, D(1))])
        outcome = rules.evaluate(item, {'X1': D(0), 'X2': D(0)})
        self.assertEqual((outcome.points, outcome.status), (D(0), 'zero'))

    def test_tiers_boundaries(self):
        "A3: exactly 90% → 10, 89.99% → 8, exactly 80% → 8, 79.99% → 6"
        item = a3()
        cases = [(D(100), D(10)), (D(90), D(10)), (D('89.99'), D(8)),
            (D(80), D(8)), (D('79.99'), D(6)), (D(0), D(6))]
        for value, points in cases:
            with self.subTest(value=value):
                self.assertEqual(
                    rules.evaluate(item, {'A3': value}).points, points)
        self.assertEqual(rules.evaluate(item, {'A3': D(90)}).status, 'full')
        self.assertEqual(rules.evaluate(item, {'A3': D(85)}).status,
            'partial')

    def test_tiers_no_match(self):
        "Tiers without an 'otherwise' tier score 0 below the last bound"
        item = a3()
        item.tiers = item.tiers[:2]
        outcome = rules.evaluate(item, {'A3': D(50)})
        self.assertEqual((outcome.points, outcome.status), (D(0), 'zero'))

    def test_missing_values(self):
        "A missing value scores nothing and says so; nothing is invented"
        outcome = rules.evaluate(a2(), {'A2C': D(62), 'A2A': None})
        self.assertEqual((outcome.points, outcome.status), (D(0), 'no_data'))
        self.assertIn('无数据', outcome.reason)
        self.assertIsNone(outcome.met['A2A'])
        outcome = rules.evaluate(a3(), {})
        self.assertEqual((outcome.points, outcome.status), (D(0), 'no_data'))

    def test_all_or_nothing(self):
        item = Item('A10', 'all_or_nothing', D(6), indicators=[
                Indicator('D4', '', 'at_least', True, D(99))])
        self.assertEqual(rules.evaluate(item, {'D4': D(99)}).points, D(6))
        self.assertEqual(rules.evaluate(item, {'D4': D('98.9')}).points,
            D(0))

    def test_bonus(self):
        "A12: +0.5 per provincial praise; A13 +1 per national one; a cap"
        item = Item('A12', 'bonus', D(0), per_event=D('0.5'), indicators=[
                Indicator('A12', '', unit='count')])
        outcome = rules.evaluate(item, {'A12': D(3)})
        self.assertEqual((outcome.points, outcome.status),
            (D('1.5'), 'bonus'))
        item.cap = D(1)
        self.assertEqual(rules.evaluate(item, {'A12': D(3)}).points, D(1))
        self.assertEqual(rules.evaluate(item, {'A12': D(0)}).status, 'none')
        self.assertEqual(rules.evaluate(item, {}).status, 'no_data')

    def test_penalty(self):
        "A14: the points deducted are reported"
        item = Item('A14', 'penalty', D(0), per_event=D(1), indicators=[
                Indicator('A14', '', unit='points')])
        outcome = rules.evaluate(item, {'A14': D(2)})
        self.assertEqual((outcome.points, outcome.status),
            (D(-2), 'penalty'))

    def test_disqualification(self):
        "A15: a finding disqualifies; no data is not a pass"
        item = Item('A15', 'disqualification', D(0), indicators=[
                Indicator('A15', '', 'at_most', True, D(0), 'flag'),
                Indicator('E1', '', 'at_most', True, D(0), 'count')])
        outcome = rules.evaluate(item, {'A15': D(0), 'E1': D(0)})
        self.assertEqual((outcome.disqualified, outcome.status),
            (False, 'none'))
        outcome = rules.evaluate(item, {'A15': D(0), 'E1': D(2)})
        self.assertEqual((outcome.disqualified, outcome.status),
            (True, 'disqualified'))
        outcome = rules.evaluate(item, {'A15': D(0), 'E1': None})
        self.assertEqual((outcome.disqualified, outcome.status),
            (False, 'no_data'))

    def test_change_threshold(self):
        "A11: a fall of at least 30% is a change ≤ −30%"
        item = Item('A11', 'deduction', D(8), deduction=D(2), indicators=[
                Indicator('BJ', '', 'at_most', True, D(-30)),
                Indicator('SP', '', 'at_most', True, D(-30)),
                Indicator('XC', '', 'at_most', True, D(-30))])
        outcome = rules.evaluate(item,
            {'BJ': D(-30), 'SP': D(-50), 'XC': D(-29)})
        self.assertEqual(outcome.points, D(6))

    def test_unknown_rule(self):
        with self.assertRaises(ValueError):
            rules.evaluate(Item('X', 'magic', D(1), indicators=[
                        Indicator('X')]), {})

