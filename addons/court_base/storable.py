# This file is part of the court platform.  See LICENSE.
"""Values the database cannot store are refused before any SQL.

Three kinds of value reach PostgreSQL from a client and used to answer a
server error there (SQLite accepted the first two and refused the third
through Tryton's foreign-key message): text with a NUL character
(``\\x00``: PostgreSQL text cannot hold it), integers beyond the column's
range (``INTEGER`` is 32 bits, ``BIGINT`` 64 bits; Python integers from
JSON have no limit) and Many2One ids of records that do not exist.

``check_values(Model, vlist)`` refuses them with a clear message naming the
field (``StorableValueError``, a ``ValidationError``), on both backends
alike, before anything is written. It is called at the start of
``ModelStorage._before_create`` and ``_before_write`` (patched in
``court_base/__init__.py``), which every create, write, copy, save and
import of every model goes through, right after the model access check
and before the models' own ``check_modification`` and
``preprocess_values`` see the values: one general mechanism instead of a
check per model.
"""
from trytond.i18n import gettext
from trytond.model import Model
from trytond.model.exceptions import ValidationError
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

# the ranges of Tryton's integer columns (PostgreSQL INTEGER and BIGINT;
# the same limits on SQLite so that both backends answer alike)
INTEGER_RANGE = {
    'integer': (-2 ** 31, 2 ** 31 - 1),
    'biginteger': (-2 ** 63, 2 ** 63 - 1),
    }
# ids are INTEGER columns
ID_MAX = 2 ** 31 - 1
# the nested values of these fields are checked by the target's create
NESTED = {'one2many', 'many2many'}


class StorableValueError(ValidationError):
    pass


def _has_nul(value):
    if isinstance(value, str):
        return '\x00' in value
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def _check_value(Model_, name, field, value):
    "Refuse a NUL character or an integer out of range"
    if value is None or field._type in NESTED:
        return
    if _has_nul(value):
        raise StorableValueError(gettext(
                'court_base.msg_value_nul_character',
                **Model_.__names__(name)))
    limits = INTEGER_RANGE.get(field._type)
    if (limits and isinstance(value, int) and not isinstance(value, bool)
            and not limits[0] <= value <= limits[1]):
        raise StorableValueError(gettext(
                'court_base.msg_value_integer_range',
                value=value, minimum=limits[0], maximum=limits[1],
                **Model_.__names__(name)))


def _target_table(field):
    "The SQL table of a Many2One's target, or None (not stored)"
    from trytond.model import ModelSQL
    from trytond.pool import Pool
    try:
        Target = Pool().get(field.model_name)
    except KeyError:
        return None
    if not issubclass(Target, ModelSQL) or Target._is_table_query():
        return None
    return Target.__table__()


def check_values(Model_, vlist):
    """Raise StorableValueError if a value of vlist (a list of dictionaries
    of field values for Model_) cannot be stored; nothing is written."""
    wanted = {}     # field name: set of ids
    for values in vlist:
        for name, value in values.items():
            field = Model_._fields.get(name)
            if field is None:
                continue
            _check_value(Model_, name, field, value)
            if field._type == 'many2one' and value is not None:
                if isinstance(value, Model):
                    value = value.id
                if isinstance(value, bool) or not isinstance(value, int):
                    continue    # an SQL expression or not an id
                wanted.setdefault(name, set()).add(value)
    if not wanted:
        return
    cursor = Transaction().connection.cursor()
    for name, ids in wanted.items():
        field = Model_._fields[name]
        table = _target_table(field)
        if table is None:
            continue
        queried = sorted(i for i in ids if 0 <= i <= ID_MAX)
        found = set()
        for sub_ids in grouped_slice(queried, 1000):
            sub_ids = list(sub_ids)
            cursor.execute(*table.select(
                    table.id, where=table.id.in_(sub_ids)))
            found.update(r[0] for r in cursor)
        missing = sorted(ids - found)
        if missing:
            raise StorableValueError(gettext(
                    'court_base.msg_value_record_missing',
                    value=missing[0], **Model_.__names__(name)))
