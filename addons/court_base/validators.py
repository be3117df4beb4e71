# This file is part of the court platform.  See LICENSE.
"""Validators for Chinese identifiers, shared by every court_* module.

Each ``normalize_*`` function returns the canonical form of a value or
raises ``ValueError``; it never touches the database, so importers can use
them row by row before anything is written.
"""
import datetime as dt
import re

from stdnum.cn import uscc

# GB 11643-1999: weights of the 17 digits, and the check characters
_RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_RIC_CHECK = '10X98765432'
_RIC_RE = re.compile(r'^[1-9]\d{5}(\d{8})\d{3}[\dX]$')
_MOBILE_RE = re.compile(r'^1[3-9]\d{9}$')
_MOBILE_STRIP = re.compile(r'[\s\-()（）]')


def id_number_check_character(number17):
    total = sum(int(d) * w for d, w in zip(number17, _RIC_WEIGHTS))
    return _RIC_CHECK[total % 11]


def normalize_id_number(value, today=None):
    """Return the 18-character resident ID number (upper-case X) or raise
    ValueError: wrong length or characters, impossible or future birth date,
    or wrong GB 11643 check character."""
    number = (value or '').strip().upper().replace(' ', '')
    match = _RIC_RE.match(number)
    if not match:
        raise ValueError('format')
    birth = id_number_birth_date(number)
    today = today or dt.date.today()
    if birth is None or birth > today or birth.year < 1900:
        raise ValueError('birth date')
    if id_number_check_character(number[:17]) != number[17]:
        raise ValueError('check character')
    return number


def id_number_birth_date(number):
    try:
        return dt.datetime.strptime(number[6:14], '%Y%m%d').date()
    except (ValueError, TypeError):
        return None


def id_number_gender(number):
    "'male' or 'female' from the sequence digit (odd: male)"
    return 'male' if int(number[16]) % 2 else 'female'


def normalize_credit_code(value):
    """Return the 18-character unified social credit code or raise
    ValueError (GB 32100 check character)."""
    code = (value or '').strip().upper().replace(' ', '')
    try:
        return uscc.validate(code)
    except Exception as exception:
        raise ValueError(str(exception)) from exception


def normalize_mobile(value):
    """Return the 11-digit mainland mobile number, accepting spaces,
    hyphens and a +86 / 0086 / 86 prefix, or raise ValueError."""
    number = _MOBILE_STRIP.sub('', (value or '').strip())
    for prefix in ('+86', '0086', '86'):
        if number.startswith(prefix) and len(number) == 11 + len(prefix):
            number = number[len(prefix):]
            break
    if not _MOBILE_RE.match(number):
        raise ValueError('mobile')
    return number
