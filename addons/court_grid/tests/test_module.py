# This file is part of the court platform.  See LICENSE.
from trytond.tests.test_tryton import ModuleTestCase


class CourtGridTestCase(ModuleTestCase):
    "Test court_grid module"
    module = 'court_grid'


del ModuleTestCase
