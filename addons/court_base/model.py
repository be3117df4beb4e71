# This file is part of the court platform.  See LICENSE.
"""Mixins every court_* model builds on.

``CourtMixin``: the record belongs to a court (``company``).  Court
isolation itself is a record rule the module declares in XML on the model:

    <record model="ir.rule.group" id="rule_group_<model>_court">
        <field name="name">User in court</field>
        <field name="model">court.<model></field>
        <field name="global_p" eval="True"/>
    </record>
    <record model="ir.rule" id="rule_<model>_court">
        <field name="domain" eval="[('company', 'child_of',
            Eval('companies', []), 'superior')]" pyson="1"/>
        <field name="rule_group" ref="rule_group_<model>_court"/>
    </record>

(``companies`` is the current court of the user, or all the user's courts
when the user's filter is "All"; ``child_of`` over ``superior`` lets a
superior court see its subordinates.)

``RegisteredMixin``: a registered record keeps its whole history (who
changed what, when: Tryton's history tables), is never hard-deleted once it
has left its draft state, and is cancelled with a reason instead.
"""
from sql import Column

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import CancelReasonError, RegisteredDeleteError


class CourtMixin:
    __slots__ = ()
    company = fields.Many2One(
        'company.company', "Court", required=True, ondelete='RESTRICT',
        states={
            'readonly': Eval('id', -1) >= 0,
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.company, Index.Equality())))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')


class RegisteredMixin:
    "History kept, no hard delete after draft, cancel with a reason"
    __slots__ = ()
    _history = True
    _deletable_states = {'draft'}
    cancel_reason = fields.Text(
        "Cancellation Reason",
        states={
            'invisible': Eval('state') != 'cancelled',
            'readonly': Eval('state') == 'cancelled',
            })

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            for record in records:
                if getattr(record, 'state', None) not in cls._deletable_states:
                    raise RegisteredDeleteError(gettext(
                            'court_base.msg_registered_delete',
                            record=record.rec_name))

    @classmethod
    def check_cancel_reason(cls, records):
        "Call from the cancel transition: a reason is required"
        for record in records:
            if not (record.cancel_reason or '').strip():
                raise CancelReasonError(gettext(
                        'court_base.msg_cancel_reason_required',
                        record=record.rec_name))

    @classmethod
    def history_of(cls, record):
        """Return [(date, user name)] of the record's revisions, oldest
        first (the values of a revision are read with the `_datetime`
        context)."""
        pool = Pool()
        User = pool.get('res.user')
        table = cls.__table_history__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.write_date, table.create_date, table.write_uid,
                table.create_uid,
                where=table.id == record.id,
                order_by=[Column(table, '__id').asc]))
        rows = cursor.fetchall()
        users = {u.id: u.rec_name for u in User.browse(
                {r[2] or r[3] for r in rows if r[2] or r[3]})}
        return [(r[0] or r[1], users.get(r[2] or r[3], '')) for r in rows]
