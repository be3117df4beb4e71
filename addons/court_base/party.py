# This file is part of the court platform.  See LICENSE.
"Parties (当事人): people and organisations, one record per person."
from trytond.i18n import gettext
from trytond.model import Index, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from . import validators
from .exceptions import (
    CreditCodeError, IDNumberError, MobileNumberError, PartyKindError)


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    # personal data: exports of these fields are logged (court.export.log)
    _sensitive_fields = {'id_number', 'mobile_number', 'birth_date',
        'gender'}
    party_kind = fields.Selection([
            ('person', "Person"),
            ('organisation', "Organisation"),
            ], "Kind", required=True)
    id_number = fields.Char(
        "Resident ID Number", size=18, strip=True,
        states={
            'invisible': Eval('party_kind') != 'person',
            },
        help="The 18-character resident identity card number (GB 11643).")
    credit_code = fields.Char(
        "Unified Social Credit Code", size=18, strip=True,
        states={
            'invisible': Eval('party_kind') != 'organisation',
            },
        help="The 18-character unified social credit code (GB 32100).")
    mobile_number = fields.Char(
        "Mobile Number", size=11, strip=True,
        help="The mainland mobile number, 11 digits.")
    birth_date = fields.Function(
        fields.Date("Birth Date"), 'get_id_number_info')
    gender = fields.Function(fields.Selection([
                (None, ""),
                ('male', "Male"),
                ('female', "Female"),
                ], "Gender"), 'get_id_number_info')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('id_number_uniq', Unique(t, t.id_number),
                'court_base.msg_party_id_number_unique'),
            ('credit_code_uniq', Unique(t, t.credit_code),
                'court_base.msg_party_credit_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.mobile_number, Index.Equality())),
                })

    @staticmethod
    def default_party_kind():
        return 'person'

    def get_contact_mechanism(self, name):
        """The phone, mobile, fax, e-mail and website of a party are its
        contact mechanisms: empty for a role that may not read those"""
        # function fields are computed without access checks: ask the
        # user's access itself
        if Transaction().user:
            ModelAccess = Pool().get('ir.model.access')
            model = 'party.contact_mechanism'
            if not ModelAccess.get_access([model])[model]['read']:
                return ''
        return super().get_contact_mechanism(name)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # canonical forms, so that uniqueness holds whatever was typed
        for field, normalize, error, msg in [
                ('id_number', validators.normalize_id_number,
                    IDNumberError, 'msg_party_id_number_invalid'),
                ('credit_code', validators.normalize_credit_code,
                    CreditCodeError, 'msg_party_credit_code_invalid'),
                ('mobile_number', validators.normalize_mobile,
                    MobileNumberError, 'msg_party_mobile_invalid'),
                ]:
            if values.get(field):
                try:
                    values[field] = normalize(values[field])
                except ValueError:
                    raise error(gettext(
                            'court_base.' + msg,
                            value=values[field],
                            party=values.get('name') or ''))
            elif field in values:
                values[field] = None
        return values

    @classmethod
    def validate_fields(cls, parties, field_names):
        super().validate_fields(parties, field_names)
        if field_names is None or field_names & {
                'party_kind', 'id_number', 'credit_code'}:
            for party in parties:
                if party.party_kind == 'person' and party.credit_code:
                    raise PartyKindError(gettext(
                            'court_base.msg_party_person_credit_code',
                            party=party.rec_name))
                if party.party_kind == 'organisation' and party.id_number:
                    raise PartyKindError(gettext(
                            'court_base.msg_party_organisation_id_number',
                            party=party.rec_name))

    @classmethod
    def get_id_number_info(cls, parties, names):
        result = {n: {} for n in names}
        for party in parties:
            number = party.id_number
            if 'birth_date' in result:
                result['birth_date'][party.id] = (
                    validators.id_number_birth_date(number)
                    if number else None)
            if 'gender' in result:
                result['gender'][party.id] = (
                    validators.id_number_gender(number) if number else None)
        return result

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('id_number', None)
        default.setdefault('credit_code', None)
        return super().copy(parties, default=default)

    @classmethod
    def search_rec_name(cls, name, clause):
        """A party is found by its ID number, credit code or mobile number
        too (what the clerk has in hand at intake), for the users who may
        read them: searching is reading.  (Domains are converted without
        access checks, so the user's field access is read directly.)"""
        FieldAccess = Pool().get('ir.model.field.access')
        domain = super().search_rec_name(name, clause)
        _, operator, operand, *extra = clause
        if not isinstance(operand, str) or not operand.strip('% '):
            return domain
        if not operator.endswith('like'):
            operand = operand.strip().upper()
        if Transaction().user:
            access = FieldAccess.get_access([cls.__name__])[cls.__name__]
        else:
            access = {}
        for field in ['id_number', 'credit_code', 'mobile_number']:
            if access.get(field, {}).get('read', True):
                domain.append((field, operator, operand, *extra))
        return domain

    @classmethod
    def find_by_identifier(cls, number):
        """Return the party registered with this ID number or credit code
        (normalised first), or None."""
        number = (number or '').strip().upper()
        if not number:
            return None
        parties = cls.search(['OR',
                ('id_number', '=', number),
                ('credit_code', '=', number),
                ], limit=1)
        return parties[0] if parties else None


class ContactMechanism(metaclass=PoolMeta):
    """A mobile number typed as a contact mechanism is checked as the
    party's own mobile number is (and read only by the roles that read
    phone numbers: party.xml)"""
    __name__ = 'party.contact_mechanism'

    @classmethod
    def validate_fields(cls, mechanisms, field_names):
        super().validate_fields(mechanisms, field_names)
        if field_names is None or field_names & {'type', 'value'}:
            for mechanism in mechanisms:
                if mechanism.type == 'mobile' and mechanism.value:
                    try:
                        validators.normalize_mobile(mechanism.value)
                    except ValueError:
                        raise MobileNumberError(gettext(
                                'court_base.msg_party_mobile_invalid',
                                value=mechanism.value,
                                party=mechanism.party.rec_name
                                if mechanism.party else ''))
