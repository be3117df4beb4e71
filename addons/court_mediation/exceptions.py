from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class MediatorError(ValidationError):
    pass


class CaseError(ValidationError):
    pass


class RosterImportError(ValidationError):
    pass


class FiguresError(UserError):
    pass


class ExchangeError(ValidationError):
    pass
