# This file is part of the court platform.  See LICENSE.
"""Text messages (短信) to mediators and petitioners, behind one interface.

    Sms = Pool().get('court.sms')
    Sms.send([{'number': '13800000000', 'text': '…', 'company': court_id,
            'party': party_id, 'origin': 'court.mediation.case,12'}])

Every message is kept in ``court.sms`` (配置 › 短信发送记录) with what the
gateway answered.  The gateway is a class named by the configuration::

    [court]
    sms_gateway = mycourt.sms:Gateway

with a method ``send(number, text)`` that returns the gateway's message id
(or None) and raises on failure.  The default, ``LoggingGateway``, sends
nothing: it writes the message to the server log, so that a court plugs its
own gateway in without changing the modules.  A failing gateway never stops
the work that sends the message: the message is kept as failed, with the
error."""
import datetime as dt
import importlib
import logging

from trytond.config import config
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access

from . import validators

logger = logging.getLogger(__name__)


class LoggingGateway:
    "The default gateway: the message goes to the server log only"
    name = 'logging'

    def send(self, number, text):
        logger.info("SMS to %s: %s", number, text)
        return None


def gateway():
    "The configured gateway instance ([court] sms_gateway)"
    path = config.get('court', 'sms_gateway', default=None)
    if not path:
        return LoggingGateway()
    module, _, name = path.partition(':')
    return getattr(importlib.import_module(module), name)()


class Sms(ModelSQL, ModelView):
    "Text Message"
    __name__ = 'court.sms'
    company = fields.Many2One('company.company', "Court", readonly=True)
    date = fields.Date("Date", readonly=True)
    sent_at = fields.DateTime("Sent At", readonly=True)
    number = fields.Char("Mobile Number", readonly=True)
    party = fields.Many2One('party.party', "Recipient", readonly=True)
    text = fields.Text("Text", readonly=True)
    origin = fields.Reference("Origin", selection='get_origins',
        readonly=True)
    gateway = fields.Char("Gateway", readonly=True)
    reference = fields.Char("Gateway Reference", readonly=True)
    state = fields.Selection([
            ('sent', "Sent"),
            ('failed', "Failed"),
            ], "State", readonly=True)
    error = fields.Text("Error", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.date, Index.Range())),
                Index(t, (t.origin, Index.Equality())),
                })
        cls._order.insert(0, ('sent_at', 'DESC'))

    @classmethod
    def get_origins(cls):
        IrModel = Pool().get('ir.model')
        return [(None, '')] + [(m, IrModel.get_name(m))
            for m in cls._origin_models()]

    @classmethod
    def _origin_models(cls):
        "The models whose records send messages (extended by modules)"
        return []

    @classmethod
    def send(cls, messages):
        """Send and keep each message ({number, text, company, party,
        origin}); a message without a valid mobile number is not sent.
        Return the court.sms records."""
        sender = gateway()
        name = getattr(sender, 'name', type(sender).__name__)
        today = Pool().get('ir.date').today()
        vlist = []
        for message in messages:
            try:
                number = validators.normalize_mobile(message.get('number'))
            except ValueError:
                continue
            values = {
                'company': message.get('company'),
                'party': message.get('party'),
                'origin': message.get('origin'),
                'number': number,
                'text': message['text'],
                'gateway': name,
                'sent_at': dt.datetime.now(),
                'date': today,
                }
            try:
                values['reference'] = sender.send(number, message['text'])
                values['state'] = 'sent'
            except Exception as exception:
                logger.warning("SMS to %s failed", number, exc_info=True)
                values['state'] = 'failed'
                values['error'] = str(exception) or type(exception).__name__
            if values.get('reference') is not None:
                values['reference'] = str(values['reference'])
            vlist.append(values)
        if not vlist:
            return []
        with without_check_access():
            return cls.create(vlist)
