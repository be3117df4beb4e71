# This file is part of the court platform.  See LICENSE.
"""Working-day calendar.

Every deadline of the platform is computed here.  Chinese public holidays
and the weekend days worked in exchange (调休) come from the maintained
``holidays`` package (``holidays.China``); a court administrator can add
corrections (``court.calendar.day``) for a year the package does not know
yet, and those win.

- ``is_working_day(date)``
- ``add_working_days(start, days)``: the date ``days`` working days after
  ``start`` (``start`` itself is not counted, as in procedural law).
- ``working_days_between(start, end)``: working days in ``(start, end]``.
- ``add_calendar_days(start, days, roll_forward=True)``: ``start + days``;
  when the last day falls on a rest day the deadline moves to the next
  working day (民事诉讼法 art. 85), unless ``roll_forward`` is False.
"""
import datetime as dt
import functools

import holidays as holidays_package

from trytond.cache import Cache
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool

_WORKING, _REST = 'working', 'rest'


@functools.lru_cache(maxsize=64)
def _package_year(year):
    "Rest days and worked weekend days of a year from the holidays package"
    china = holidays_package.China(years=[year])
    rest = frozenset(d for d in china if d.year == year)
    worked = frozenset(
        d for d in getattr(china, 'weekend_workdays', ()) if d.year == year)
    return rest, worked


class CalendarDay(ModelSQL, ModelView):
    "Calendar Correction"
    __name__ = 'court.calendar.day'
    date = fields.Date("Date", required=True)
    kind = fields.Selection([
            (_WORKING, "Working Day"),
            (_REST, "Rest Day"),
            ], "Kind", required=True)
    name = fields.Char("Name")
    _overrides_cache = Cache('court.calendar.day.overrides', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('date_uniq', Unique(t, t.date),
                'court_base.msg_calendar_day_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.date, Index.Range())))
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._overrides_cache.clear()

    @classmethod
    def overrides(cls):
        "Return {date: 'working'|'rest'} of the corrections"
        result = cls._overrides_cache.get(None)
        if result is None:
            result = {d.date: d.kind for d in cls.search([], order=[])}
            cls._overrides_cache.set(None, result)
        return result


def _overrides():
    try:
        CalendarDay = Pool().get('court.calendar.day')
    except Exception:
        return {}
    return CalendarDay.overrides()


def is_working_day(date, overrides=None):
    if overrides is None:
        overrides = _overrides()
    if date in overrides:
        return overrides[date] == _WORKING
    rest, worked = _package_year(date.year)
    if date in worked:
        return True
    if date in rest:
        return False
    return date.weekday() < 5


def add_working_days(start, days):
    """Return the date that is ``days`` working days after ``start``.
    ``days`` = 0 returns ``start`` if it is a working day, else the next
    working day."""
    if days < 0:
        raise ValueError("days must be positive")
    overrides = _overrides()
    date = start
    if days == 0:
        while not is_working_day(date, overrides):
            date += dt.timedelta(days=1)
        return date
    while days:
        date += dt.timedelta(days=1)
        if is_working_day(date, overrides):
            days -= 1
    return date


def working_days_between(start, end):
    "Number of working days in (start, end]; negative when end < start"
    if end < start:
        return -working_days_between(end, start)
    overrides = _overrides()
    count, date = 0, start
    while date < end:
        date += dt.timedelta(days=1)
        if is_working_day(date, overrides):
            count += 1
    return count


def add_calendar_days(start, days, roll_forward=True):
    date = start + dt.timedelta(days=days)
    if roll_forward:
        overrides = _overrides()
        while not is_working_day(date, overrides):
            date += dt.timedelta(days=1)
    return date
