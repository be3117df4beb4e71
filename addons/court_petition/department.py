# This file is part of the court platform.  See LICENSE.
"""A court's departments (立案庭, 民一庭, 执行局, 信访办, …) and their users:
petitions are assigned (交办) to a department and/or a judge, and the
department's users see and handle what was assigned to their department.

Kept in court_petition (only petitions are assigned to departments so far);
the model is named ``court.department`` so that it can move to court_base
unchanged if another module needs it."""

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.modules.court_base.model import CourtMixin
from trytond.transaction import without_check_access

from .exceptions import PetitionError


class Department(DeactivableMixin, CourtMixin, ModelSQL, ModelView):
    "Court Department"
    __name__ = 'court.department'
    name = fields.Char("Name", required=True,
        help="The department's name in the court, such as 立案庭, 民一庭, "
        "执行局 or 信访办.")
    users = fields.Many2Many('res.user-court.department', 'department',
        'user', "Users",
        help="The court's users of the department: they see and handle "
        "the petitions assigned to the department.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_name_unique', Unique(t, t.company, t.name),
                'court_petition.msg_department_name_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def validate_fields(cls, departments, field_names):
        super().validate_fields(departments, field_names)
        if field_names and not ({'users', 'company'} & set(field_names)):
            return
        with without_check_access():
            for department in departments:
                for user in department.users:
                    if department.company not in user.companies:
                        raise PetitionError(gettext(
                                'court_petition.msg_department_user_court',
                                department=department.rec_name,
                                user=user.rec_name,
                                court=department.company.rec_name))


class UserDepartment(ModelSQL):
    "User - Court Department"
    __name__ = 'res.user-court.department'
    user = fields.Many2One('res.user', "User", required=True,
        ondelete='CASCADE')
    department = fields.Many2One('court.department', "Department",
        required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.user, Index.Equality())),
                Index(t, (t.department, Index.Equality())),
                })
