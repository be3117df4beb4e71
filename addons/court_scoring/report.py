# This file is part of the court platform.  See LICENSE.
"""The score sheet of an evaluation (考核评分表), an OpenDocument template
(``score_sheet.fodt``) converted to PDF by LibreOffice."""
from trytond.pool import Pool
from trytond.report import Report

from . import rules
from .excel import STATE_LABELS, STATUS_LABELS


class ScoreSheetReport(Report):
    __name__ = 'court.scoring.evaluation.score_sheet'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['today'] = Pool().get('ir.date').today()
        context['fmt'] = rules.fmt
        context['state_label'] = lambda e: STATE_LABELS.get(e.state, '')
        context['status_label'] = lambda l: STATUS_LABELS.get(l.status, '')
        return context
