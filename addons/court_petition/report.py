# This file is part of the court platform.  See LICENSE.
"""The petition reply letter (信访答复意见书), an OpenDocument template the
court may replace (``reply.fodt``), printed as PDF."""
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report

from .exceptions import PetitionError


class ReplyReport(Report):
    __name__ = 'court.petition.reply_letter'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        Petition = pool.get('court.petition')
        for record in records:
            if not record.reply_text:
                raise PetitionError(gettext(
                        'court_petition.msg_reply_letter_no_reply',
                        petition=record.rec_name))
        context = super().get_context(records, header, data)
        context['today'] = Date.today()
        channels = dict(Petition.fields_get(['channel'])['channel'][
                'selection'])
        context['channel'] = lambda p: channels.get(p.channel, p.channel)
        return context
