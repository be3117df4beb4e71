# This file is part of the court platform.  See LICENSE.
from trytond.tests.test_tryton import ModuleTestCase


class CourtMediationTestCase(ModuleTestCase):
    "Test court_mediation module"
    module = 'court_mediation'


del ModuleTestCase
