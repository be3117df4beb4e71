# Test-only model: registered by tryton.cfg's test_include_dirs when the
# test suite runs, to exercise the shared mixins of court_base.
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.court_base.model import CourtMixin, RegisteredMixin


class TracedRecord(
        CourtMixin, RegisteredMixin, Workflow, ModelSQL, ModelView):
    "Traced Record"
    __name__ = 'court.test.traced'
    name = fields.Char("Name")
    number = fields.Char("Number", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('registered', "Registered"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'registered'),
            ('registered', 'cancelled'),
            }
        # buttons would need ir.model.button records, and Tryton 8.0 does
        # not load test-only XML: expose the transitions through RPC
        cls.__rpc__.update({
                'register': RPC(readonly=False, instantiate=0),
                'cancel': RPC(readonly=False, instantiate=0),
                })

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    @Workflow.transition('registered')
    def register(cls, records):
        pool = Pool()
        Counter = pool.get('court.number.counter')
        for record in records:
            record.number = Counter.next_number(record.company, 'test')
        cls.save(records)

    @classmethod
    @Workflow.transition('cancelled')
    def cancel(cls, records):
        cls.check_cancel_reason(records)
