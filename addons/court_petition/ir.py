# This file is part of the court platform.  See LICENSE.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('court.petition|send_reminders',
                "Send Petition Deadline Reminders"))
