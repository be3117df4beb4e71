# This file is part of the court platform.  See LICENSE.
from trytond.tests.test_tryton import ModuleTestCase


class CourtScoringTestCase(ModuleTestCase):
    "Test court_scoring module"
    module = 'court_scoring'


del ModuleTestCase
