# This file is part of the court platform.  See LICENSE.
"""Stations: the places where disputes are logged (township mediation
stations, litigation service stations, court windows, liaison points).

court_base owns the station's identity (court, kind, division, users) so
that every module can refer to it; court_grid adds areas, judges and grid
people."""
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields)
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .model import CourtMixin

STATION_KINDS = [
    ('mediation_station', "Township Mediation Station"),
    ('service_station', "Litigation Service Station"),
    ('court_window', "Court Window"),
    ('liaison_point', "Judge Liaison Point"),
    ('enterprise_station', "Enterprise Liaison Station"),
    ('administrative_room', "Administrative-Dispute Mediation Room"),
    ('circuit_point', "Circuit-Trial Point"),
    ]


class Station(DeactivableMixin, CourtMixin, ModelSQL, ModelView):
    "Station"
    __name__ = 'court.station'
    name = fields.Char("Name", required=True)
    kind = fields.Selection(STATION_KINDS, "Kind", required=True)
    division_code = fields.Char(
        "Division Code", size=12,
        help="The administrative division code of the township or village "
        "the station serves (GB/T 2260).")
    address = fields.Char("Address")
    phone = fields.Char("Phone")
    users = fields.Many2Many(
        'res.user-court.station', 'station', 'user', "Users",
        help="The users who log disputes at this station.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.division_code, Index.Equality())))
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_kind():
        return 'mediation_station'


class UserStation(ModelSQL):
    "User - Station"
    __name__ = 'res.user-court.station'
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    station = fields.Many2One(
        'court.station', "Station", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.user, Index.Equality())),
                Index(t, (t.station, Index.Equality())),
                })


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    stations = fields.Many2Many(
        'res.user-court.station', 'user', 'station', "Stations")

    @classmethod
    def get_station_ids(cls):
        "The ids of the stations of the current user"
        user_id = Transaction().user
        if not user_id:
            return []
        pool = Pool()
        UserStation = pool.get('res.user-court.station')
        table = UserStation.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.station, where=table.user == user_id))
        return sorted(s for s, in cursor)


class Rule(metaclass=PoolMeta):
    """Record rules may use, besides "groups" and "companies":
    - "user_id": the current user's id;
    - "stations": the ids of the current user's stations."""
    __name__ = 'ir.rule'

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, Transaction().user, tuple(User.get_station_ids()))

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['user_id'] = Transaction().user
        context['stations'] = User.get_station_ids()
        return context
