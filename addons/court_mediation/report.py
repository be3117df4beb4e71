# This file is part of the court platform.  See LICENSE.
"""Printable documents of a mediation case: the mediation agreement
(调解协议书) and the transfer form (诉前调解不成转立案登记表).

Templates are OpenDocument files a court may edit (``agreement.fodt``,
``transfer.fodt``; or upload another template on the report action)."""
from trytond.pool import Pool
from trytond.report import Report


def _party_identifier(party):
    """The party's ID number or credit code when the user may read it, ''
    otherwise: a report never shows what the form would hide."""
    pool = Pool()
    FieldAccess = pool.get('ir.model.field.access')
    field = 'id_number' if party.party_kind == 'person' else 'credit_code'
    access = FieldAccess.get_access(['party.party'])['party.party']
    if field in access and not access[field]['read']:
        return ''
    return getattr(party, field) or ''


class CaseReport(Report):

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        Session = pool.get('court.mediation.session')
        context = super().get_context(records, header, data)
        context['party_id'] = _party_identifier
        context['today'] = Date.today()
        modes = dict(Session.fields_get(['mode'])['mode']['selection'])
        context['session_mode'] = lambda s: modes.get(s.mode, s.mode)
        return context


class AgreementReport(CaseReport):
    __name__ = 'court.mediation.case.agreement'


class TransferReport(CaseReport):
    __name__ = 'court.mediation.case.transfer'
