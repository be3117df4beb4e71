from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class IDNumberError(ValidationError):
    pass


class CreditCodeError(ValidationError):
    pass


class MobileNumberError(ValidationError):
    pass


class PartyKindError(ValidationError):
    pass


class CourtHierarchyError(ValidationError):
    pass


class NumberingError(UserError):
    pass


class RegisteredDeleteError(AccessError):
    pass


class CancelReasonError(ValidationError):
    pass


class IndicatorError(UserError):
    pass


class ExportError(UserError):
    pass
