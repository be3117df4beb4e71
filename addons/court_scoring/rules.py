# This file is part of the court platform.  See LICENSE.
"""The scoring rules, as plain Python (no database): an item's rule applied
to the values of its indicators.

Units: a ratio is handled in percent (92.5 means 92.5%) everywhere in
court_scoring: thresholds, tiers and reported values are entered in
percent, and the ratios of ``court.indicator`` (0.925) are multiplied by 100
before they reach these functions.

A missing value (None) is never replaced by a guess: an item with a missing
value scores nothing and its status is ``no_data`` (see doc/court_scoring.md
for the scheme's policy on missing data)."""
from dataclasses import dataclass, field
from decimal import Decimal

BASE_RULES = ('all_met', 'tiers', 'deduction', 'all_or_nothing')
ADJUSTMENT_RULES = ('bonus', 'penalty', 'disqualification')
RULES = BASE_RULES + ADJUSTMENT_RULES

DIRECTIONS = {
    # direction, inclusive -> symbol
    ('at_least', True): '≥',
    ('at_least', False): '>',
    ('at_most', True): '≤',
    ('at_most', False): '<',
    ('equal', True): '=',
    }

ZERO = Decimal(0)


def _d(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def compare(value, direction, inclusive, bound):
    """Whether value meets the bound; None when value is missing.

    direction: 'at_least', 'at_most', 'equal' or 'any' (always true)."""
    if direction == 'any':
        return True
    if value is None:
        return None
    value, bound = _d(value), _d(bound)
    if bound is None or direction not in {'at_least', 'at_most', 'equal'}:
        raise ValueError("a threshold needs a direction and a bound")
    if direction == 'equal':
        return value == bound
    if direction == 'at_least':
        return value >= bound if inclusive else value > bound
    return value <= bound if inclusive else value < bound


def symbol(direction, inclusive):
    if direction == 'any':
        return '*'
    return DIRECTIONS.get((direction, bool(inclusive) or direction == 'equal'),
        '?')


def fmt(value):
    "A Decimal without useless zeros"
    if value is None:
        return '—'
    value = _d(value)
    if value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


@dataclass
class Indicator:
    code: str
    name: str = ''
    direction: str = 'at_least'
    inclusive: bool = True
    threshold: object = None
    unit: str = 'ratio'

    def met(self, value):
        if self.threshold is None and self.direction != 'any':
            # an indicator without a threshold (a count of events)
            return None if value is None else True
        return compare(value, self.direction, self.inclusive, self.threshold)

    def describe(self):
        suffix = '%' if self.unit == 'ratio' else ''
        if self.threshold is None:
            return self.name or self.code
        return '%s %s %s%s' % (self.name or self.code,
            symbol(self.direction, self.inclusive), fmt(self.threshold),
            suffix)


@dataclass
class Tier:
    direction: str
    inclusive: bool
    bound: object
    points: object


@dataclass
class Item:
    code: str
    rule: str
    points: object = ZERO
    indicators: list = field(default_factory=list)
    tiers: list = field(default_factory=list)
    deduction: object = ZERO        # per indicator not met
    points_otherwise: object = ZERO  # all_met: when an indicator is not met
    per_event: object = ZERO        # bonus / penalty per event (or point)
    cap: object = ZERO              # bonus / penalty: at most (0: no cap)


@dataclass
class Outcome:
    points: Decimal
    status: str             # full, partial, zero, no_data, bonus, penalty,
                            # disqualified, none
    reason: str
    disqualified: bool = False
    met: dict = field(default_factory=dict)     # code -> True/False/None


def evaluate(item, values):
    """Apply item's rule to values ({indicator code: Decimal or None}).

    Return an Outcome: points (negative for a penalty), status and the
    reason in words (zh_CN, shown to users)."""
    if item.rule not in RULES:
        raise ValueError("unknown rule %r" % item.rule)
    if not item.indicators:
        raise ValueError("item %s has no indicator" % item.code)
    met = {i.code: i.met(values.get(i.code)) for i in item.indicators}
    missing = [i for i in item.indicators if values.get(i.code) is None]
    failed = [i for i in item.indicators if met[i.code] is False]
    points = _d(item.points) or ZERO

    def names(indicators):
        return '、'.join(i.describe() for i in indicators)

    if item.rule in BASE_RULES and missing:
        return Outcome(ZERO, 'no_data',
            '无数据：%s 缺少数值，本项未计分' % names(missing), met=met)

    if item.rule == 'all_met':
        if not failed:
            return Outcome(points, 'full', '全部达标：%s' % names(
                    item.indicators), met=met)
        other = _d(item.points_otherwise) or ZERO
        return Outcome(other, 'partial' if other else 'zero',
            '未达标：%s，得 %s 分' % (names(failed), fmt(other)), met=met)

    if item.rule == 'all_or_nothing':
        if not failed:
            return Outcome(points, 'full', '全部达标：%s' % names(
                    item.indicators), met=met)
        return Outcome(ZERO, 'zero', '未达标：%s，不得分' % names(failed),
            met=met)

    if item.rule == 'deduction':
        deduction = (_d(item.deduction) or ZERO) * len(failed)
        result = max(points - deduction, ZERO)
        if not failed:
            return Outcome(points, 'full', '全部达标：%s' % names(
                    item.indicators), met=met)
        return Outcome(result, 'partial' if result else 'zero',
            '%d 项未达标（%s），每项扣 %s 分，扣 %s 分' % (len(failed),
                names(failed), fmt(item.deduction), fmt(points - result)),
            met=met)

    if item.rule == 'tiers':
        indicator = item.indicators[0]
        value = values.get(indicator.code)
        suffix = '%' if indicator.unit == 'ratio' else ''
        for tier in item.tiers:
            if compare(value, tier.direction, tier.inclusive, tier.bound):
                tier_points = _d(tier.points)
                if tier.direction == 'any':
                    condition = '其他情形'
                else:
                    condition = '%s %s%s' % (
                        symbol(tier.direction, tier.inclusive),
                        fmt(tier.bound), suffix)
                status = ('full' if tier_points >= points
                    else 'partial' if tier_points else 'zero')
                return Outcome(tier_points, status, '%s = %s%s，属于“%s”档，得 %s 分'
                    % (indicator.name or indicator.code, fmt(value), suffix,
                        condition, fmt(tier_points)), met=met)
        return Outcome(ZERO, 'zero', '%s = %s%s，不在任何档次内，不得分' % (
                indicator.name or indicator.code, fmt(value), suffix),
            met=met)

    # adjustments: bonus, penalty, disqualification
    if item.rule == 'disqualification':
        if failed:
            return Outcome(ZERO, 'disqualified',
                '取消评选资格：%s' % names(failed), disqualified=True,
                met=met)
        if missing:
            return Outcome(ZERO, 'no_data',
                '无数据：%s 未核查' % names(missing), met=met)
        return Outcome(ZERO, 'none', '未发现：%s' % names(item.indicators),
            met=met)

    events = sum((_d(values.get(i.code)) or ZERO for i in item.indicators),
        ZERO)
    per_event = _d(item.per_event) or ZERO
    amount = events * per_event
    cap = _d(item.cap) or ZERO
    capped = ''
    if cap and amount > cap:
        amount, capped = cap, '（上限 %s 分）' % fmt(cap)
    if missing and len(missing) == len(item.indicators):
        return Outcome(ZERO, 'no_data', '无数据：未填报%s' % names(missing),
            met=met)
    if item.rule == 'bonus':
        return Outcome(amount, 'bonus' if amount else 'none',
            '%s 次，每次加 %s 分，加 %s 分%s' % (fmt(events), fmt(per_event),
                fmt(amount), capped), met=met)
    return Outcome(-amount, 'penalty' if amount else 'none',
        '%s，每次（分）扣 %s 分，扣 %s 分%s' % (fmt(events), fmt(per_event),
            fmt(amount), capped), met=met)


# ----------------------------------------------------------------------
# where a value stands against its target (the leaders' dashboard)

STANDINGS = ('met', 'at_risk', 'not_met', 'no_data', 'info')


def _ceil(value):
    value = _d(value)
    integral = value.to_integral_value(rounding='ROUND_CEILING')
    return int(integral)


def standing(indicator, value, numerator=None, denominator=None,
        margin=Decimal(5)):
    """Where value stands against indicator's threshold, and what is
    missing to reach it: (standing, words).

    standing is one of STANDINGS: ``met``; ``at_risk`` when met by no more
    than margin (percentage points for a rate or a change, margin % of the
    threshold — at least 1 — for a count, days or a number; a yes/no is
    never at risk); ``not_met``; ``no_data``; ``info`` for an indicator
    without a threshold (events counted for a bonus or a penalty).
    For a rate with its numerator and denominator, the words give the
    number of records that would close the gap with the denominator as it
    is."""
    margin = _d(margin) if margin is not None else ZERO
    if value is None:
        return 'no_data', '无数据，无法判断'
    value = _d(value)
    threshold = _d(indicator.threshold)
    if threshold is None:
        return 'info', '记录 %s' % fmt(value)
    percent = indicator.unit == 'ratio'
    suffix = ' 个百分点' if percent else ''
    if indicator.direction == 'equal':
        if value == threshold:
            return 'met', '符合要求'
        return 'not_met', '应为 %s，现为 %s' % (fmt(threshold), fmt(value))
    at_least = indicator.direction == 'at_least'
    distance = value - threshold if at_least else threshold - value
    if indicator.met(value):
        if percent:
            allowed = margin
        else:
            allowed = max(abs(threshold) * margin / 100, Decimal(1))
        # a yes/no, and a count that must stay at 0, are never at risk
        at_risk = (margin and distance <= allowed
            and indicator.unit != 'flag'
            and (percent or threshold or at_least))
        if at_risk and not distance:
            return 'at_risk', '恰好达到目标 %s，临界' % fmt(threshold)
        if at_risk:
            return 'at_risk', '仅%s目标 %s%s，临界' % (
                '高于' if at_least else '低于', fmt(distance), suffix)
        if not distance:
            return 'met', '已达标'
        return 'met', '已达标（%s目标 %s%s）' % (
            '高于' if at_least else '低于', fmt(distance), suffix)
    gap = -distance
    if gap:
        words = '%s目标 %s%s' % ('低于' if at_least else '超出', fmt(gap),
            suffix)
    else:
        words = '恰好等于目标 %s，须%s目标' % (fmt(threshold),
            '高于' if at_least else '低于')
    if percent and numerator is not None and denominator:
        numerator, denominator = _d(numerator), _d(denominator)
        target = threshold / 100 * denominator
        if at_least:
            needed = _ceil(target - numerator)
            if not indicator.inclusive and numerator + needed <= target:
                needed += 1
            words += '，按现有 %s 件还需增加 %d 件' % (fmt(denominator),
                max(needed, 1))
        else:
            excess = _ceil(numerator - target)
            if not indicator.inclusive and numerator - excess >= target:
                excess += 1
            words += '，按现有 %s 件需减少 %d 件' % (fmt(denominator),
                max(excess, 1))
    elif not percent:
        if at_least:
            needed = gap if indicator.inclusive else gap + (
                1 if gap == gap.to_integral_value() else 0)
            words = '还差 %s（目标 %s %s）' % (fmt(needed),
                symbol(indicator.direction, indicator.inclusive),
                fmt(threshold))
        else:
            excess = gap if indicator.inclusive else gap + (
                1 if gap == gap.to_integral_value() else 0)
            words = '需减少 %s（目标 %s %s）' % (fmt(excess),
                symbol(indicator.direction, indicator.inclusive),
                fmt(threshold))
    return 'not_met', words
