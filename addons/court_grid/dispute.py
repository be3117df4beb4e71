# This file is part of the court platform.  See LICENSE.
"""Disputes a grid member logs in a cell (小事电话解决，大事不出网格):
settled in the grid, or referred to the court (with court_mediation: a
mediation case carrying the cell and the point)."""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.court_base.model import CourtMixin
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import GridDisputeError

STATES = [
    ('logged', "Logged"),
    ('settled', "Settled in the Grid"),
    ('referred', "Referred to the Court"),
    ]


class GridDispute(CourtMixin, Workflow, ModelSQL, ModelView):
    "Grid Dispute"
    __name__ = 'court.grid.dispute'
    cell = fields.Many2One('court.grid.area', "Cell", required=True,
        ondelete='RESTRICT', domain=[('level', '=', 'cell')],
        states={'readonly': Eval('state') != 'logged'})
    point = fields.Many2One('court.station', "Liaison Point",
        ondelete='RESTRICT',
        # a tribunal's cell may pass through its basic court's point
        domain=['OR',
            ('company', 'child_of', [Eval('company', -1)], 'superior'),
            ('company', 'parent_of', [Eval('company', -1)], 'superior'),
            ],
        states={'readonly': Eval('state') != 'logged'},
        help="The point the dispute passes through; by default the point "
        "of the cell, its village or its township.")
    date = fields.Date("Date", required=True,
        states={'readonly': Eval('state') != 'logged'})
    applicant = fields.Many2One('party.party', "Applicant", required=True,
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'logged'})
    respondent = fields.Many2One('party.party', "Respondent",
        ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'logged'})
    dispute_type = fields.Many2One('court.dispute.type', "Dispute Type",
        required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'logged'})
    facts = fields.Text("Facts", required=True,
        states={'readonly': Eval('state') != 'logged'})
    result = fields.Text("Result",
        states={'readonly': Eval('state') != 'logged'})
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.cell, Index.Equality()), (t.date, Index.Range())),
                Index(t, (t.company, Index.Equality()),
                    (t.state, Index.Equality())),
                })
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('logged', 'settled'),
            ('logged', 'referred'),
            }
        cls._buttons.update({
                'settle': {
                    'invisible': Eval('state') != 'logged',
                    'icon': 'tryton-ok',
                    },
                'refer': {
                    'invisible': Eval('state') != 'logged',
                    'icon': 'tryton-forward',
                    },
                })

    @staticmethod
    def default_state():
        return 'logged'

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_cell():
        User = Pool().get('res.user')
        cells = User.get_grid_cell_ids()
        if len(cells) == 1:
            return cells[0]

    @classmethod
    def default_company(cls):
        Area = Pool().get('court.grid.area')
        cell = cls.default_cell()
        if cell:
            return Area(cell).company.id
        return super().default_company()

    @fields.depends('cell', '_parent_cell.company', 'company', 'point')
    def on_change_cell(self):
        if self.cell:
            self.company = self.cell.company
            if not self.point:
                self.point = self.point_of(self.cell)

    @staticmethod
    def point_of(cell):
        """The active point nearest to the cell: in the cell, its village,
        then its township"""
        Station = Pool().get('court.station')
        area = cell
        while area:
            points = Station.search([
                    ('grid_area', '=', area.id),
                    ('kind', '!=', 'court_window'),
                    ], order=[('id', 'ASC')], limit=1)
            if points:
                return points[0]
            if area.level == 'township':
                break
            area = area.parent

    def get_rec_name(self, name):
        return '%s %s %s' % (self.date or '', self.cell.rec_name
            if self.cell else '', self.applicant.rec_name
            if self.applicant else '')

    @classmethod
    def validate_fields(cls, disputes, field_names):
        super().validate_fields(disputes, field_names)
        today = Pool().get('ir.date').today()
        for dispute in disputes:
            if dispute.date > today:
                raise GridDisputeError(gettext(
                        'court_grid.msg_dispute_future',
                        dispute=dispute.rec_name))
            if dispute.cell.company != dispute.company:
                raise GridDisputeError(gettext(
                        'court_grid.msg_dispute_court',
                        dispute=dispute.rec_name,
                        court=dispute.cell.company.rec_name))
            if dispute.applicant == dispute.respondent:
                raise GridDisputeError(gettext(
                        'court_grid.msg_dispute_same_party',
                        dispute=dispute.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        Area = Pool().get('court.grid.area')
        if mode == 'create' and values.get('cell'):
            cell = Area(values['cell'])
            values.setdefault('company', cell.company.id)
            if not values.get('point'):
                point = cls.point_of(cell)
                if point:
                    values['point'] = point.id
        return values

    @classmethod
    def check_modification(cls, mode, disputes, values=None, external=False):
        super().check_modification(
            mode, disputes, values=values, external=external)
        if mode == 'delete':
            for dispute in disputes:
                if dispute.state != 'logged':
                    raise GridDisputeError(gettext(
                            'court_grid.msg_dispute_delete',
                            dispute=dispute.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('settled')
    def settle(cls, disputes):
        for dispute in disputes:
            if not (dispute.result or '').strip():
                raise GridDisputeError(gettext(
                        'court_grid.msg_dispute_result',
                        dispute=dispute.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('referred')
    def refer(cls, disputes):
        cls._refer(disputes)

    @classmethod
    def _refer(cls, disputes):
        "With court_mediation, the referred dispute becomes a case"
        pass
