# This file is part of the court platform.  See LICENSE.
"""Exchange of mediation cases with other platforms (数据交换): the national
people's mediation platform (全国人民调解信息平台) and the local
governance (综治) platforms.

A profile (``court.mediation.exchange``) says how a platform's file looks:
its format (.xlsx or CSV), its date format and its columns, each a header
and a case field taken from ``SOURCE_FIELDS`` (nothing else of the
database can be exported), with optional value mappings (our value ↔ the
platform's code).  The export wizard writes the selected cases in a
profile's layout; the import wizard reads such a file, shows every row's
errors, and writes nothing while one remains.  Cases are matched on their
external number (``external_number``, the other platform's number, or our
own number for a file we exported): a known case is updated, an unknown
one created, always in one of the user's own courts.
"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.modules.court_base import validators, workday
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ExchangeError
from .exchange_file import TableError, parse_date, read_table, write_table

# key (a path of the case), label, kind, importable
SOURCE_FIELDS = [
    ('external_number', "External Number", 'key', True),
    ('number', "Case Number", 'char', False),
    ('company.court_code', "Court Code", 'court', True),
    ('company.rec_name', "Court Name", 'char', False),
    ('source', "Source", 'selection', True),
    ('station.name', "Station", 'station', True),
    ('received_date', "Received", 'date', True),
    ('accepted_date', "Accepted", 'date', True),
    ('concluded_date', "Concluded", 'date', True),
    ('dispute_type.code', "Dispute Type", 'dispute_type', True),
    ('amount', "Amount in Dispute", 'numeric', True),
    ('facts', "Facts and Claims", 'text', True),
    ('consent', "Parties Consent to Mediation", 'boolean', True),
    ('applicant.name', "Applicants' Names", 'names', True),
    ('applicant.id_number', "Applicants' ID Numbers", 'ids', True),
    ('respondent.name', "Respondents' Names", 'names', True),
    ('respondent.id_number', "Respondents' ID Numbers", 'ids', True),
    ('complexity', "Complexity", 'selection', True),
    ('mediator.name', "Mediator", 'mediator', True),
    ('state', "State", 'selection', True),
    ('agreement', "Agreement", 'text', True),
    ('performance', "Performance", 'selection', True),
    ('satisfaction', "Satisfaction", 'selection', True),
    ('filing_number', "Filing Case Number", 'char', True),
    ('result_note', "Outcome Note", 'text', True),
    ]
KINDS = {key: kind for key, _, kind, _ in SOURCE_FIELDS}
IMPORTABLE = {key for key, _, _, importable in SOURCE_FIELDS if importable}
DATE_FORMATS = [
    ('%Y-%m-%d', "2026-03-01"),
    ('%Y%m%d', "20260301"),
    ('%Y/%m/%d', "2026/03/01"),
    ('%Y年%m月%d日', "2026年03月01日"),
    ]
SEPARATOR = '、'
TRUE_TEXTS = {'是', '1', 'true', 'y', 'yes', '同意'}
FALSE_TEXTS = {'否', '0', 'false', 'n', 'no', '不同意'}
# the states whose cases have a mediator and a complexity (case.py)
STATES_MEDIATOR = {'assigned', 'mediating'}
CENT = Decimal('0.01')


class Exchange(ModelSQL, ModelView):
    "Case Exchange Profile"
    __name__ = 'court.mediation.exchange'
    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Court",
        ondelete='CASCADE',
        help="The court whose profile this is; empty for a profile "
        "shipped for every court.")
    target = fields.Selection([
            ('national', "National People's Mediation Platform"),
            ('governance', "Local Governance Platform"),
            ('other', "Other Platform"),
            ], "Target", required=True, sort=False)
    file_format = fields.Selection([
            ('xlsx', "Excel (.xlsx)"),
            ('csv', "CSV (UTF-8)"),
            ], "File Format", required=True, sort=False)
    date_format = fields.Selection(
        DATE_FORMATS, "Date Format", required=True, sort=False)
    columns = fields.One2Many(
        'court.mediation.exchange.column', 'profile', "Columns")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_target():
        return 'other'

    @staticmethod
    def default_file_format():
        return 'xlsx'

    @staticmethod
    def default_date_format():
        return '%Y-%m-%d'

    @classmethod
    def copy(cls, profiles, default=None):
        "A copy belongs to the user's court (a shipped profile to none)"
        default = default.copy() if default is not None else {}
        default.setdefault('company', Transaction().context.get('company'))
        return super().copy(profiles, default=default)

    @classmethod
    def validate_fields(cls, profiles, field_names):
        super().validate_fields(profiles, field_names)
        for profile in profiles:
            headers, keys = set(), set()
            for column in profile.columns:
                if column.header in headers:
                    raise ExchangeError(gettext(
                            'court_mediation.msg_exchange_header_twice',
                            profile=profile.rec_name, header=column.header))
                if column.field in keys:
                    raise ExchangeError(gettext(
                            'court_mediation.msg_exchange_field_twice',
                            profile=profile.rec_name,
                            header=column.header))
                headers.add(column.header)
                keys.add(column.field)

    def filename(self):
        today = Pool().get('ir.date').today()
        return '%s-%s.%s' % (self.name, today.strftime('%Y%m%d'),
            self.file_format)


class ExchangeColumn(sequence_ordered(), ModelSQL, ModelView):
    "Case Exchange Column"
    __name__ = 'court.mediation.exchange.column'
    profile = fields.Many2One('court.mediation.exchange', "Profile",
        required=True, ondelete='CASCADE')
    header = fields.Char("Header", required=True,
        help="The column's header in the other platform's file.")
    field = fields.Selection([(k, l) for k, l, _, _ in SOURCE_FIELDS],
        "Case Field", required=True, sort=False)
    mappings = fields.One2Many(
        'court.mediation.exchange.value', 'column', "Value Mappings",
        help="Our value and the other platform's code for it. When a "
        "column has mappings, an imported value must be one of the codes.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('profile')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.profile, Index.Equality())))

    def to_external(self):
        return {m.value: m.code for m in self.mappings}

    def to_internal(self):
        return {m.code: m.value for m in self.mappings}


class ExchangeValue(ModelSQL, ModelView):
    "Case Exchange Value Mapping"
    __name__ = 'court.mediation.exchange.value'
    column = fields.Many2One('court.mediation.exchange.column', "Column",
        required=True, ondelete='CASCADE')
    value = fields.Char("Our Value", required=True,
        help="A key of the field's choices (e.g. succeeded), a dispute "
        "type's code, a court code, a station's name or True / False.")
    code = fields.Char("Their Code", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('column')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.column, Index.Equality())))

    @classmethod
    def validate_fields(cls, values, field_names):
        super().validate_fields(values, field_names)
        Case = Pool().get('court.mediation.case')
        for value in values:
            for other in value.column.mappings:
                if other.id != value.id and (other.value == value.value
                        or other.code == value.code):
                    raise ExchangeError(gettext(
                            'court_mediation.msg_exchange_mapping_twice',
                            header=value.column.header,
                            value=value.value if other.value == value.value
                            else value.code))
            key = value.column.field
            kind = KINDS.get(key)
            allowed = None
            if kind == 'selection':
                allowed = {k for k, _ in Case._fields[key].selection if k}
            elif kind == 'boolean':
                allowed = {'True', 'False'}
            if allowed is not None and value.value not in allowed:
                raise ExchangeError(gettext(
                        'court_mediation.msg_exchange_mapping_value',
                        value=value.value, header=value.column.header,
                        allowed=', '.join(sorted(allowed))))


def _labels(Case, key):
    "{selection key: label in the user's language} of a case field"
    selection = Case.fields_get([key])[key]['selection']
    return {k: l for k, l in selection if k}


class Exporter:
    "The cells of cases in a profile's layout"

    def __init__(self, profile, id_numbers=True):
        pool = Pool()
        self.Case = pool.get('court.mediation.case')
        self.profile = profile
        self.id_numbers = id_numbers
        self.columns = list(profile.columns)
        self.labels = {c.field: _labels(self.Case, c.field)
            for c in self.columns if KINDS[c.field] == 'selection'}

    def headers(self):
        return [c.header for c in self.columns]

    def row(self, case):
        return [self.cell(case, c) for c in self.columns]

    def cell(self, case, column):
        key, kind = column.field, KINDS[column.field]
        mapping = column.to_external()
        if kind in {'names', 'ids'}:
            role = key.split('.')[0]
            lines = sorted((l for l in case.parties
                    if l.role == role and l.party), key=lambda l: l.id)
            if kind == 'names':
                texts = [l.party.name for l in lines]
            elif not self.id_numbers:
                return None
            else:
                texts = [l.party.id_number or l.party.credit_code or ''
                    for l in lines]
            return SEPARATOR.join(texts) if any(texts) else None
        if kind == 'key':
            return case.external_number or case.number
        if key == 'company.rec_name':
            return case.company.rec_name
        value = {
            'court': lambda: case.company.court_code,
            'station': lambda: case.station.name if case.station else None,
            'dispute_type': lambda: case.dispute_type.code,
            'mediator': lambda: (case.mediator.party.name
                if case.mediator else None),
            }.get(kind, lambda: getattr(case, key))()
        if value is None:
            return None
        if kind == 'boolean':
            return mapping.get(str(bool(value)), '是' if value else '否')
        if kind == 'date':
            return value.strftime(self.profile.date_format)
        if kind == 'numeric':
            return value.quantize(CENT)
        if kind == 'selection':
            return mapping.get(value, self.labels[key].get(value, value))
        if kind == 'dispute_type':
            return mapping.get(value, case.dispute_type.name)
        return mapping.get(value, value)


class Importer:
    """Reads the rows of a file in a profile's layout and checks them
    against the database; ``check()`` writes nothing"""

    def __init__(self, profile, data):
        pool = Pool()
        self.Case = pool.get('court.mediation.case')
        self.profile = profile
        self.data = data
        self.errors = []
        self.rows = []      # [(row number, values, parties, case or None)]

    def error(self, number, column, message, **kwargs):
        self.errors.append(gettext('court_mediation.msg_exchange_row',
                row=number, column=column,
                error=gettext('court_mediation.' + message, **kwargs)))

    def check(self):
        pool = Pool()
        User = pool.get('res.user')
        Company = pool.get('company.company')
        profile = self.profile
        try:
            headers, rows = read_table(profile.file_format, self.data)
        except TableError as exception:
            self.errors.append(gettext('court_mediation.msg_exchange_file',
                    format=profile.file_format, detail=exception.args[0]))
            return self
        columns = []
        for column in profile.columns:
            if column.field not in IMPORTABLE:
                continue
            if column.header not in headers:
                self.errors.append(gettext(
                        'court_mediation.msg_exchange_missing_header',
                        header=column.header, profile=profile.rec_name))
                continue
            columns.append((column, headers.index(column.header)))
        if self.errors:
            return self
        if not any(c.field == 'external_number' for c, _ in columns):
            self.errors.append(gettext(
                    'court_mediation.msg_exchange_no_key',
                    profile=profile.rec_name))
            return self
        if not rows:
            self.errors.append(gettext('court_mediation.msg_exchange_empty'))
            return self
        user = User(Transaction().user) if Transaction().user else None
        if user:
            self.courts = {c.court_code: c for c in user.companies
                if c.court_code}
        else:
            self.courts = {c.court_code: c for c in Company.search([])
                if c.court_code}
        company = Transaction().context.get('company')
        self.default_court = (Company(company) if company
            and company in {c.id for c in self.courts.values()} else None)
        self._lookups()
        seen = {}
        for number, cells in rows:
            values, parties = {}, {}
            for column, index in columns:
                cell = cells[index] if index < len(cells) else None
                self.parse(number, column, cell, values, parties)
            self.check_row(number, values, parties, seen)
            self.rows.append((number, values, parties))
        return self

    def _lookups(self):
        pool = Pool()
        DisputeType = pool.get('court.dispute.type')
        Mediator = pool.get('court.mediator')
        types = DisputeType.search([])
        self.types = {t.code: t for t in types if t.code}
        self.type_names = {t.name: t for t in types}
        self.mediators = {}
        for mediator in Mediator.search([], order=[('id', 'ASC')]):
            self.mediators.setdefault(mediator.party.name, []).append(
                mediator)
        self.labels = {}

    def parse(self, number, column, cell, values, parties):
        key, kind = column.field, KINDS[column.field]
        header = column.header
        mapping = column.to_internal()
        if cell is None:
            if kind in {'names', 'ids'}:
                parties[key] = []
            else:
                values[key] = None
            return
        if kind in {'selection', 'boolean', 'court', 'station',
                'dispute_type', 'mediator'}:
            # a platform's code, else our own value (or its label)
            cell = mapping.get(str(cell), cell)
        # a value not found: its message says whether a mapping was tried
        unknown = 'msg_exchange_unknown_code' if mapping else None
        text = str(cell).strip() if not isinstance(cell, dt.date) else cell
        if kind in {'key', 'char', 'text'}:
            values[key] = text
        elif kind in {'names', 'ids'}:
            parties[key] = [n.strip() for n in text.split(SEPARATOR)]
        elif kind == 'date':
            try:
                values[key] = parse_date(cell, self.profile.date_format)
            except ValueError:
                self.error(number, header, 'msg_exchange_date', value=text,
                    example=dt.date(2026, 3, 1).strftime(
                        self.profile.date_format))
        elif kind == 'numeric':
            try:
                values[key] = Decimal(str(text).replace(',', '')).quantize(
                    CENT)
            except InvalidOperation:
                self.error(number, header, 'msg_exchange_number',
                    value=text)
        elif kind == 'boolean':
            lowered = str(text).lower()
            if lowered in TRUE_TEXTS or text == 'True':
                values[key] = True
            elif lowered in FALSE_TEXTS or text == 'False':
                values[key] = False
            else:
                self.error(number, header, unknown or 'msg_exchange_value',
                    value=text)
        elif kind == 'selection':
            if key not in self.labels:
                self.labels[key] = _labels(self.Case, key)
            labels = self.labels[key]
            by_label = {l: k for k, l in labels.items()}
            if text in labels:
                values[key] = text
            elif text in by_label:
                values[key] = by_label[text]
            else:
                self.error(number, header, unknown or 'msg_exchange_value',
                    value=text)
        elif kind == 'court':
            if text in self.courts:
                values[key] = self.courts[text]
            else:
                self.error(number, header, unknown or 'msg_exchange_court',
                    value=text)
        elif kind == 'station':
            values[key] = text
        elif kind == 'dispute_type':
            dispute_type = self.types.get(text) or self.type_names.get(text)
            if dispute_type:
                values[key] = dispute_type
            else:
                self.error(number, header,
                    unknown or 'msg_exchange_dispute_type', value=text)
        elif kind == 'mediator':
            mediators = self.mediators.get(text, [])
            if len(mediators) == 1:
                values[key] = mediators[0]
            else:
                self.error(number, header, unknown or 'msg_exchange_mediator',
                    value=text)

    def check_row(self, number, values, parties, seen):
        pool = Pool()
        Date = pool.get('ir.date')
        Station = pool.get('court.station')
        headers = {c.field: c.header for c in self.profile.columns}
        external = values.get('external_number')
        if not external:
            self.error(number, headers['external_number'],
                'msg_exchange_required')
        elif external in seen:
            self.error(number, headers['external_number'],
                'msg_exchange_duplicate', value=external,
                other=seen[external])
        else:
            seen[external] = number
        if 'company.court_code' in headers:
            # absent: a court refused, with its error
            empty = values.get('company.court_code', False) is None
            court = values.pop('company.court_code', None)
            if empty:
                self.error(number, headers['company.court_code'],
                    'msg_exchange_required')
        else:
            court = self.default_court
            if not court:
                self.error(number, '-', 'msg_exchange_no_court')
        values['company'] = court
        station = values.pop('station.name', None)
        if station and court:
            stations = Station.search([('company', '=', court.id),
                    ('name', '=', station)], limit=1)
            if not stations:
                self.error(number, headers['station.name'],
                    'msg_exchange_station', value=station,
                    court=court.rec_name)
            values['station'] = stations[0] if stations else None
        for key in ('received_date', 'dispute_type.code'):
            # None: an empty cell (a bad value is absent, with its error)
            if key in values and values[key] is None:
                self.error(number, headers[key], 'msg_exchange_required')
        received = values.get('received_date')
        if received and received > Date.today():
            self.error(number, headers['received_date'],
                'msg_exchange_future', value=received)
        amount = values.get('amount')
        if amount is not None and amount < 0:
            self.error(number, headers['amount'], 'msg_exchange_negative',
                value=amount)
        state = values.get('state') or 'draft'
        if state in STATES_MEDIATOR and not (
                values.get('mediator.name') and values.get('complexity')):
            self.error(number, headers.get('state', '-'),
                'msg_exchange_state_mediator',
                state=_labels(self.Case, 'state')[state])
        if values.get('source') == 'station' and not station:
            self.error(number, headers.get('station.name',
                    headers['source']), 'msg_exchange_station_required')
        for role in ('applicant', 'respondent'):
            names = parties.get(role + '.name')
            ids = parties.get(role + '.id_number') or []
            if names is None:
                continue
            if len(ids) > len(names):
                self.error(number, headers[role + '.id_number'],
                    'msg_exchange_parties')
                continue
            people = []
            for index, name in enumerate(names):
                identifier = ids[index] if index < len(ids) else ''
                kind, normal = self.identify(identifier)
                if kind is None:
                    self.error(number, headers[role + '.id_number'],
                        'msg_exchange_id_number', value=identifier)
                if not name:
                    self.error(number, headers[role + '.name'],
                        'msg_exchange_required')
                people.append((name, kind, normal))
            parties[role] = people
        return values

    @staticmethod
    def identify(identifier):
        """('person' or 'organisation' or '', normalised number) of an ID
        number or a unified social credit code; (None, text) if neither"""
        if not identifier:
            return '', None
        try:
            return 'person', validators.normalize_id_number(identifier)
        except ValueError:
            pass
        try:
            return 'organisation', validators.normalize_credit_code(
                identifier)
        except ValueError:
            return None, identifier

    # writing
    def match(self):
        """{row number: the case of the row's court with its external
        number (or, for a file of ours, its number)} of the known rows;
        two searches a court for the whole file (the first case in the
        cases' order, as a search of each row with limit 1 found)"""
        Case = self.Case
        keys = defaultdict(set)
        for _, values, _ in self.rows:
            keys[values['company'].id].add(values['external_number'])
        by_external, by_number = {}, {}
        with without_check_access():
            for court, court_keys in keys.items():
                for sub in grouped_slice(sorted(court_keys)):
                    sub = list(sub)
                    for case in Case.search([('company', '=', court),
                                ('external_number', 'in', sub)]):
                        by_external.setdefault(
                            (court, case.external_number), case)
                    for case in Case.search([('company', '=', court),
                                ('number', 'in', sub)]):
                        by_number.setdefault((court, case.number), case)
        result = {}
        for number, values, _ in self.rows:
            key = (values['company'].id, values['external_number'])
            case = by_external.get(key) or by_number.get(key)
            if case:
                result[number] = case
        return result

    def counts(self):
        matched = self.match()
        return len(self.rows) - len(matched), len(matched)

    def case_values(self, values):
        result = {}
        for key, value in values.items():
            name = key.split('.')[0]
            if name in {'company', 'station', 'dispute_type', 'mediator'}:
                result[name] = value.id if value else None
            else:
                result[name] = value
        return result

    def party(self, case, role, name, kind, identifier, cache):
        """The party of a name and an identifier: the one registered with
        the identifier (else created), or without one the party of that
        name already on the case in that role (else created)"""
        Party = Pool().get('party.party')
        if identifier:
            if identifier not in cache:
                cache[identifier] = Party.find_by_identifier(identifier)
            if cache[identifier] is None:
                party = Party(name=name, party_kind=kind)
                if kind == 'person':
                    party.id_number = identifier
                else:
                    party.credit_code = identifier
                party.save()
                cache[identifier] = party
            return cache[identifier]
        for line in (case.parties if case else []):
            if line.role == role and line.party.name == name:
                return line.party
        party = Party(name=name, party_kind='person')
        party.save()
        return party

    @staticmethod
    def _registration(company, accepted, config):
        "What registering gives a case: acceptance, number, deadline"
        Counter = Pool().get('court.number.counter')
        return {
            'accepted_date': accepted,
            'number': Counter.next_number(company, 'mediation', accepted),
            'deadline': workday.add_calendar_days(
                accepted, config.deadline_days),
            }

    def write(self):
        """Create and update the cases of the checked rows; return
        (created, updated)"""
        pool = Pool()
        Case = self.Case
        Company = pool.get('company.company')
        CaseParty = pool.get('court.mediation.case.party')
        Configuration = pool.get('court.mediation.configuration')
        config = Configuration(1)
        matched = self.match()
        cache = {}
        created, updated = [], []
        # the new cases are created together at the end: one create
        # validates them all at once (created one by one, the validation
        # of every row's relations was most of an import's time)
        to_create = []
        for number, values, parties in self.rows:
            vals = self.case_values(values)
            case = matched.get(number)
            if case and case.external_number != vals['external_number']:
                # a case of ours, matched on its number: keep it as it is
                del vals['external_number']
            lines = {role: [self.party(case, role, *person, cache)
                    for person in parties[role]]
                for role in ('applicant', 'respondent') if role in parties}
            if case:
                changes = {k: v for k, v in vals.items()
                    if _value(getattr(case, k)) != v}
                old = [l for l in case.parties if l.role in lines]
                before = sorted((l.role, l.party.id) for l in old)
                after = sorted((r, p.id) for r, ps in lines.items()
                    for p in ps)
                if (changes.get('state', case.state) != 'draft'
                        and not case.number):
                    # a draft of ours the platform has registered
                    changes.update(self._registration(case.company,
                            changes.get('accepted_date')
                            or case.accepted_date
                            or changes.get('received_date')
                            or case.received_date, config))
                if changes:
                    Case.write([case], changes)
                if before != after:
                    CaseParty.delete(old)
                    CaseParty.create([{'case': case.id, 'role': r,
                                'party': p.id} for r, ps in lines.items()
                            for p in ps])
                if changes or before != after:
                    updated.append(case)
                continue
            vals['state'] = vals.get('state') or 'draft'
            if vals['state'] != 'draft':
                vals.update(self._registration(Company(vals['company']),
                        vals.get('accepted_date')
                        or vals.get('received_date'), config))
            if not vals.get('source'):
                vals['source'] = 'station' if vals.get('station') else (
                    'online')
            vals['parties'] = [('create', [{'role': r, 'party': p.id}
                        for r, ps in lines.items() for p in ps])]
            to_create.append(vals)
        if to_create:
            created.extend(Case.create(to_create))
        return created, updated


def _value(value):
    "A case's value as the importer compares it"
    if hasattr(value, 'id'):
        return value.id
    return value


class ExportStart(ModelView):
    "Export Cases for Exchange"
    __name__ = 'court.mediation.exchange.export.start'
    profile = fields.Many2One('court.mediation.exchange', "Profile",
        required=True)
    records = fields.Integer("Cases", readonly=True)


class ExportResult(ModelView):
    "Export Cases for Exchange"
    __name__ = 'court.mediation.exchange.export.result'
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)
    records = fields.Integer("Cases", readonly=True)


class Export(Wizard):
    "Export Cases for Exchange"
    __name__ = 'court.mediation.exchange.export'
    start = StateView('court.mediation.exchange.export.start',
        'court_mediation.exchange_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'result', 'tryton-ok', default=True),
            ])
    result = StateView('court.mediation.exchange.export.result',
        'court_mediation.exchange_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        if not self.records:
            raise ExchangeError(gettext(
                    'court_mediation.msg_exchange_nothing'))
        return {
            'records': len(self.records),
            'profile': ImportStart.default_profile(),
            }

    def default_result(self, fields):
        pool = Pool()
        Case = pool.get('court.mediation.case')
        FieldAccess = pool.get('ir.model.field.access')
        ExportLog = pool.get('court.export.log')
        if not self.records:
            raise ExchangeError(gettext(
                    'court_mediation.msg_exchange_nothing'))
        ids = [r.id for r in self.records]
        # read as the user: another court's cases are refused
        Case.read(ids, ['number'])
        access = FieldAccess.get_access(['party.party'])['party.party']
        id_numbers = access.get('id_number', {}).get('read', True)
        profile = self.start.profile
        exporter = Exporter(profile, id_numbers=id_numbers)
        cases = Case.browse(ids)
        data = write_table(profile.file_format, profile.name,
            exporter.headers(), [exporter.row(c) for c in cases])
        names = ['number'] + (['parties/party/id_number'] if id_numbers
            and any(KINDS[c.field] == 'ids' for c in profile.columns)
            else [])
        ExportLog.record(Case, cases, names)
        return {
            'file': data,
            'filename': profile.filename(),
            'records': len(cases),
            }


class ImportStart(ModelView):
    "Import Cases from Exchange"
    __name__ = 'court.mediation.exchange.import.start'
    profile = fields.Many2One('court.mediation.exchange', "Profile",
        required=True)
    file = fields.Binary("File", filename='filename', required=True)
    filename = fields.Char("File Name")

    @staticmethod
    def default_profile():
        "The first profile the user reads (by name): one choice less"
        profiles = Pool().get('court.mediation.exchange').search([], limit=1)
        return profiles[0].id if profiles else None


class ImportPreview(ModelView):
    "Import Cases from Exchange"
    __name__ = 'court.mediation.exchange.import.preview'
    rows = fields.Integer("Rows", readonly=True)
    created = fields.Integer("To Create", readonly=True)
    updated = fields.Integer("To Update", readonly=True)
    errors = fields.Integer("Errors", readonly=True)
    report = fields.Text("Check", readonly=True)


class Import(Wizard):
    "Import Cases from Exchange"
    __name__ = 'court.mediation.exchange.import'
    start = StateView('court.mediation.exchange.import.start',
        'court_mediation.exchange_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Check", 'preview', 'tryton-forward', default=True),
            ])
    preview = StateView('court.mediation.exchange.import.preview',
        'court_mediation.exchange_import_preview_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Back", 'start', 'tryton-back'),
            Button("Import", 'import_', 'tryton-ok', default=True,
                states={'readonly': Bool(Eval('errors'))}),
            ])
    import_ = StateTransition()

    def _importer(self):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            allowed = {ModelData.get_id('court_base', g) for g in (
                    'group_filing_officer', 'group_court_admin')}
            if not allowed & set(User.get_groups()):
                raise ExchangeError(gettext(
                        'court_mediation.msg_exchange_import_group'))
        return Importer(self.start.profile, self.start.file).check()

    def default_preview(self, fields):
        importer = self._importer()
        created = updated = 0
        if not importer.errors:
            created, updated = importer.counts()
        return {
            'rows': len(importer.rows),
            'created': created,
            'updated': updated,
            'errors': len(importer.errors),
            'report': '\n'.join(importer.errors) or gettext(
                'court_mediation.msg_exchange_ok',
                created=created, updated=updated),
            }

    def transition_import_(self):
        importer = self._importer()
        if importer.errors:
            raise ExchangeError('\n'.join(importer.errors))
        # the rows are checked and every case is in one of the user's
        # courts: the cases are written as the other platform has them
        with without_check_access():
            importer.write()
        return 'end'
