# This file is part of the court platform.  See LICENSE.
"""The notice posted at every liaison point (加挂张贴): the point, its
judges', grid leaders' and grid members' names and numbers (PDF)."""
from trytond.pool import Pool
from trytond.report import Report


class NoticeReport(Report):
    __name__ = 'court.station.grid_notice'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        Station = pool.get('court.station')
        context = super().get_context(records, header, data)
        context['today'] = Date.today()
        kinds = dict(Station.fields_get(['kind'])['kind']['selection'])
        context['kind_name'] = lambda p: kinds.get(p.kind, p.kind)
        context['judge_phone'] = _judge_phone
        context['grid_people'] = lambda p, role: [
            g for g in p.grid_persons if g.role == role and g.active]
        return context


def _judge_phone(user):
    "The judge's work phone (posted on the notice)"
    return user.court_phone or ''
