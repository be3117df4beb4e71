# This file is part of the court platform.  See LICENSE.
"Courts: the company hierarchy of the people's courts."
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import CourtHierarchyError

COURT_LEVELS = [
    (None, ""),
    ('high', "High People's Court"),
    ('intermediate', "Intermediate People's Court"),
    ('basic', "Basic People's Court"),
    ('tribunal', "People's Tribunal"),
    ]
# rank of each level: a superior court must rank strictly lower
LEVEL_RANK = {'high': 1, 'intermediate': 2, 'basic': 3, 'tribunal': 4}


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'
    court_level = fields.Selection(COURT_LEVELS, "Court Level")
    court_code = fields.Char(
        "Court Code", size=16,
        help="The code used in case numbers, e.g. 豫0302.\n"
        "A people's tribunal without its own code numbers its cases "
        "with the code of its basic court.")
    superior = fields.Many2One(
        'company.company', "Superior Court", ondelete='RESTRICT',
        domain=[('id', '!=', Eval('id', -1))])
    subordinates = fields.One2Many(
        'company.company', 'superior', "Subordinate Courts", readonly=True)
    division_code = fields.Char(
        "Division Code", size=12,
        help="The administrative division code of the court's "
        "jurisdiction (GB/T 2260).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.superior, Index.Range())))

    @classmethod
    def validate_fields(cls, companies, field_names):
        super().validate_fields(companies, field_names)
        if field_names is None or field_names & {'superior', 'court_level'}:
            cls.check_hierarchy(companies)

    @classmethod
    def check_hierarchy(cls, companies):
        for company in companies:
            seen = {company.id}
            parent = company.superior
            while parent:
                if parent.id in seen:
                    raise CourtHierarchyError(gettext(
                            'court_base.msg_court_hierarchy_cycle',
                            court=company.rec_name))
                seen.add(parent.id)
                parent = parent.superior
            superior = company.superior
            if (superior and company.court_level and superior.court_level
                    and LEVEL_RANK[superior.court_level]
                    >= LEVEL_RANK[company.court_level]):
                raise CourtHierarchyError(gettext(
                        'court_base.msg_court_superior_level',
                        court=company.rec_name,
                        superior=superior.rec_name))

    @property
    def numbering_code(self):
        "The court code used in case numbers (a tribunal's basic court's)"
        court = self
        while court:
            if court.court_code:
                return court.court_code
            court = court.superior

    @classmethod
    def user_courts(cls):
        """Return the sorted ids of the courts the current user works for
        (every court they belong to, whichever one is selected, or their
        current court) with every court below them; every court for the
        root user.  Wizards that compute figures for a chosen court bound
        the choice with it."""
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        if not transaction.user:
            return sorted(c.id for c in cls.search([]))
        user = User(transaction.user)
        courts = [c.id for c in user.companies] or (
            [user.company.id] if user.company else [])
        return sorted(cls.court_and_subordinates(courts))

    @classmethod
    def subordinates_of(cls, court_ids):
        """Return {court id: [the court's id and the ids of every court
        below it]} for each of court_ids (an unknown id: []), from one
        query of the whole court tree, which is small"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.superior))
        children, known = {}, set()
        for id_, superior in cursor.fetchall():
            children.setdefault(superior, []).append(id_)
            known.add(id_)
        result = {}
        for court in court_ids:
            ids, todo = set(), [court] if court in known else []
            while todo:
                current = todo.pop()
                if current in ids:
                    continue    # a loop (refused on write, but be safe)
                ids.add(current)
                todo.extend(children.get(current, []))
            result[court] = sorted(ids)
        return result

    @classmethod
    def court_and_subordinates(cls, court_ids):
        "Return the ids of the courts and of every court below them"
        if not court_ids:
            return []
        return sorted(set().union(
                *cls.subordinates_of(list(court_ids)).values()))


def user_court_ids():
    """Return the ids of the courts the current user acts for, with the
    courts under them: what the court isolation rules let them see."""
    pool = Pool()
    User = pool.get('res.user')
    Company = pool.get('company.company')
    if Transaction().user == 0:
        return None
    return Company.court_and_subordinates(User.get_companies())
