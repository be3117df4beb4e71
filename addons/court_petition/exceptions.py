# This file is part of the court platform.  See LICENSE.
from trytond.model.exceptions import ValidationError


class PetitionError(ValidationError):
    pass
