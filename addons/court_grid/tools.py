# This file is part of the court platform.  See LICENSE.
"Counts as searchable function fields"
import operator as op

from sql.conditionals import Coalesce

from trytond.model import fields

_ZERO_TESTS = {'=': op.eq, '!=': op.ne, '<': op.lt, '<=': op.le,
    '>': op.gt, '>=': op.ge}


def count_domain(nonzero, operator, value):
    """The domain of "count <operator> value" where ``nonzero`` is a query
    of (id, n) for the records whose count n is not zero: the records
    without a row count 0.  The zero rows are never built, so that a search
    such as "no point" over 10^5 areas stays a NOT IN over the few areas
    that have one."""
    if operator == '=' and value == 0:
        # the lists of coverage: "without any"
        return [('id', 'not in', nonzero.select(nonzero.id))]
    if operator in ('in', 'not in'):
        holds = (0 in (value or [])) == (operator == 'in')
    else:
        holds = _ZERO_TESTS[operator](0, value or 0)
    Operator = fields.SQL_OPERATORS[operator]
    matching = nonzero.select(nonzero.id, where=Operator(nonzero.n, value))
    if holds:
        return ['OR', ('id', 'in', matching),
            ('id', 'not in', nonzero.select(nonzero.id))]
    return [('id', 'in', matching)]


def count_join(table, nonzero):
    "Return (query, count) of the table left joined to its counts"
    return (table.join(nonzero, 'LEFT', condition=table.id == nonzero.id),
        Coalesce(nonzero.n, 0))
