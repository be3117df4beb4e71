# This file is part of the court platform.  See LICENSE.
"""With court_mediation installed: the mediation cases of a petition's
petitioners, on the petition (tab 关联查询) and in the lookup screen."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import check_access


def mediation_cases_of(party_ids, limit=200):
    "The mediation cases (read under the user's rules) of the parties"
    Case = Pool().get('court.mediation.case')
    if not party_ids:
        return []
    # function fields are computed without access checks
    with check_access():
        return [c.id for c in Case.search([
                    ('parties.party', 'in', list(party_ids)),
                    ], order=[('received_date', 'DESC'), ('id', 'DESC')],
                limit=limit)]


class Petition(metaclass=PoolMeta):
    __name__ = 'court.petition'
    mediation_cases = fields.Function(fields.Many2Many(
            'court.mediation.case', None, None, "Mediation Cases"),
        'get_mediation_cases')

    def get_mediation_cases(self, name):
        return mediation_cases_of(
            [p.party.id for p in self.petitioners if p.party])


class LookupResult(metaclass=PoolMeta):
    __name__ = 'court.petition.lookup.result'
    mediation_cases = fields.Many2Many('court.mediation.case', None, None,
        "Mediation Cases", readonly=True)


class Lookup(metaclass=PoolMeta):
    __name__ = 'court.petition.lookup'

    def _search(self):
        values = super()._search()
        values['mediation_cases'] = mediation_cases_of(
            [values['party']] if values.get('party') else [])
        return values
