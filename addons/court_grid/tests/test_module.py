# This file is part of the court platform.  See LICENSE.
from trytond.tests.test_tryton import ModuleTestCase


class CourtGridTestCase(ModuleTestCase):
    "Test court_grid module alone"
    module = 'court_grid'

    def test_view(self):
        # the views of the mediation link are unused without
        # court_mediation: every view is checked by the test case below
        self.skipTest("views are checked with court_mediation")


class CourtGridMediationTestCase(ModuleTestCase):
    "Test court_grid module with court_mediation"
    module = 'court_grid'
    extras = ['court_mediation']


del ModuleTestCase
