# This file is part of the court platform.  See LICENSE.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class SchemeError(ValidationError):
    pass


class ReportedValueError(ValidationError):
    pass


class EvaluationError(ValidationError):
    pass


class ScoringAccessError(AccessError):
    pass


class ScoringImportError(UserError):
    pass
