# This file is part of the court platform.  See LICENSE.
"""Grid people: grid leaders (网格长) and grid members (网格员), the cells
they cover and, for those who log disputes, their user."""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields)
from trytond.modules.court_base.model import CourtMixin
from trytond.modules.court_base.validators import normalize_mobile
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import AreaError

ROLES = [
    ('leader', "Grid Leader"),
    ('member', "Grid Member"),
    ]


class Person(DeactivableMixin, CourtMixin, ModelSQL, ModelView):
    "Grid Person"
    __name__ = 'court.grid.person'
    party = fields.Many2One('party.party', "Person", required=True,
        ondelete='RESTRICT', domain=[('party_kind', '=', 'person')])
    name = fields.Function(fields.Char("Name"), 'on_change_with_name',
        searcher='search_name')
    role = fields.Selection(ROLES, "Role", required=True, sort=False)
    phone = fields.Char("Phone", required=True,
        help="The number posted on the liaison points' notices.")
    cells = fields.Many2Many(
        'court.grid.person-court.grid.area', 'person', 'cell', "Cells",
        domain=[('level', '=', 'cell'),
            ('company', 'child_of', [Eval('company', -1)], 'superior')])
    user = fields.Many2One('res.user', "User", ondelete='SET NULL',
        help="The user with which the grid member logs disputes in the "
        "cells.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.party, Index.Equality())),
                Index(t, (t.user, Index.Equality())),
                })
        cls._order = [('role', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_role():
        return 'member'

    @fields.depends('party')
    def on_change_with_name(self, name=None):
        if self.party:
            return self.party.name

    @classmethod
    def search_name(cls, name, clause):
        return [('party.name',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return self.party.name if self.party else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('party.name',) + tuple(clause[1:])]

    @classmethod
    def validate_fields(cls, persons, field_names):
        super().validate_fields(persons, field_names)
        for person in persons:
            if not valid_phone(person.phone):
                raise AreaError(gettext('court_grid.msg_person_phone',
                        person=person.rec_name, phone=person.phone or ''))
            for cell in person.cells:
                if cell.level != 'cell':
                    raise AreaError(gettext('court_grid.msg_person_cell',
                            person=person.rec_name, cell=cell.rec_name))

    @classmethod
    def cell_ids_of_user(cls, user_id):
        "The ids of the cells the user covers as an active grid person"
        pool = Pool()
        PersonCell = pool.get('court.grid.person-court.grid.area')
        from trytond.transaction import Transaction
        person = cls.__table__()
        link = PersonCell.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*link.join(person,
                condition=link.person == person.id).select(
                link.cell,
                where=(person.user == user_id)
                & (person.active == True)))  # noqa: E712
        return sorted({c for c, in cursor})


class PersonCell(ModelSQL):
    "Grid Person - Cell"
    __name__ = 'court.grid.person-court.grid.area'
    person = fields.Many2One('court.grid.person', "Person", required=True,
        ondelete='CASCADE')
    cell = fields.Many2One('court.grid.area', "Cell", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('person')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.person, Index.Equality())),
                Index(t, (t.cell, Index.Equality())),
                })


def valid_phone(value):
    "A mainland mobile number or a landline number (0379-6xxxxxxx)"
    try:
        normalize_mobile(value)
        return True
    except ValueError:
        pass
    digits = (value or '').replace('-', '').replace(' ', '')
    return digits.isdigit() and 7 <= len(digits) <= 12
