# This file is part of the court platform.  See LICENSE.
from trytond.tests.test_tryton import ModuleTestCase


class CourtPetitionTestCase(ModuleTestCase):
    "Test court_petition module"
    module = 'court_petition'
    extras = ['court_mediation']


del ModuleTestCase
