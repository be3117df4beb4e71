# This file is part of the court platform.  See LICENSE.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class AreaError(ValidationError):
    pass


class PointError(ValidationError):
    pass


class ActivityError(ValidationError):
    pass


class GridDisputeError(ValidationError):
    pass


class LawsuitCountError(ValidationError):
    pass


class DivisionImportError(UserError):
    pass


class AreaDataImportError(UserError):
    pass
