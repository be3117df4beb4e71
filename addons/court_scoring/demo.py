# This file is part of the court platform.  See LICENSE.
"""Demo data of court_scoring: the shipped schemes put in force, reported
values of last year for every basic court, and the evaluations of last year
computed under both schemes (the first basic court's 100-point evaluation
confirmed and published, the second one's confirmed); this year's
evaluations so far of every basic court, and the months already over of
the first two (the trend graphs).

Called by ``court_tools.demo`` (``generate(ctx)``) as root; random choices
come from ``ctx.rng``."""
from decimal import Decimal

from trytond.pool import Pool

# code -> (low, high) of the demo values (percent for rates); about one in
# five values falls short of its target so that evaluations differ
RANGES = {
    'flag': (0, 1),
    'A6D': (150, 260),
    'A7T': (1, 3),
    'A12': (0, 3), 'A13': (0, 1), 'A14': (0, 1), 'A15': (0, 0),
    'B15': (12, 26), 'C1': (2, 14), 'C3': (5, 20), 'C9': (1, 8),
    'C10': (4, 6), 'B17': (8, 14),
    }
# the reported values left out on purpose (shown as "no data")
LEFT_OUT = {'A8T'}


def _value(rng, code, target):
    if code.code in RANGES:
        low, high = RANGES[code.code]
    elif code.unit == 'flag':
        return Decimal(1 if rng.random() < 0.85 else 0)
    elif code.unit == 'ratio':
        if target is None:
            low, high = 40, 100
        else:
            low, high = max(0, float(target) - 12), min(100,
                float(target) + 8)
    else:
        low, high = 0, 10
    if isinstance(low, int) and isinstance(high, int) and code.unit in {
            'count', 'points', 'flag'}:
        return Decimal(rng.randint(low, high))
    return Decimal(str(round(rng.uniform(low, high), 2)))


def generate(ctx):
    pool = Pool()
    Scheme = pool.get('court.scoring.scheme')
    Code = pool.get('court.scoring.code')
    Value = pool.get('court.scoring.value')
    Evaluation = pool.get('court.scoring.evaluation')
    ModelData = pool.get('ir.model.data')
    Date = pool.get('ir.date')

    schemes = Scheme.browse([
            ModelData.get_id('court_scoring', 'scheme_model_court'),
            ModelData.get_id('court_scoring', 'scheme_targets')])
    Scheme.activate([s for s in schemes if s.state != 'active'])
    year = Date.today().year - 1
    rng = ctx.rng

    targets = {}
    for scheme in schemes:
        for section in scheme.sections:
            for item in section.items:
                for indicator in item.indicators:
                    if indicator.basis == 'value':
                        targets.setdefault(indicator.code.code,
                            indicator.threshold)
    codes = [c for c in Code.search([('source', '=', 'reported')])
        if c.code not in LEFT_OUT]
    vlist = []
    for court in ctx.basic_courts:
        for code in codes:
            vlist.append({
                    'company': court.id,
                    'code': code.id,
                    'period_kind': 'year',
                    'year': year,
                    'period_number': 1,
                    'value': _value(rng, code, targets.get(code.code)),
                    'document_name': f'{year}年度{code.code}填报依据.pdf',
                    'note': '年度数据填报（演示）',
                    })
    values = []
    for i in range(0, len(vlist), 500):
        values += Value.create(vlist[i:i + 500])

    evaluations = []
    for scheme in schemes:
        evaluations += Evaluation.evaluate(ctx.basic_courts, scheme, 'year',
            year, 1)
    first = [e for e in evaluations if e.scheme == schemes[0]]
    first.sort(key=lambda e: e.company.id)
    if first:
        Evaluation.confirm(first[:2])
        Evaluation.publish(first[:1])
    # this year so far: every basic court under both schemes (the
    # evaluations the daily cron keeps up to date), and the months already
    # over for the first two courts (the monthly trend graphs)
    today = Date.today()
    current = []
    for scheme in schemes:
        current += Evaluation.evaluate(ctx.basic_courts, scheme, 'year',
            today.year, 1)
    targets_scheme = schemes[1]
    for month in range(1, today.month):
        current += Evaluation.evaluate(ctx.basic_courts[:2], targets_scheme,
            'month', today.year, month)
    print(f"demo: court_scoring: {len(values)} reported values, "
        f"{len(evaluations)} evaluations of {year}, {len(current)} of "
        f"{today.year}")
