# This file is part of the court platform.  See LICENSE.
"""Scoring schemes as data: scheme -> sections -> items -> indicators (and
tiers), over a catalog of indicator codes."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If, In
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import rules
from .exceptions import SchemeError

UNITS = [
    ('ratio', "Rate (%)"),
    ('count', "Count"),
    ('days', "Days"),
    ('number', "Number"),
    ('points', "Points"),
    ('flag', "Yes (1) / No (0)"),
    ]
SOURCES = [
    ('computed', "Computed (P)"),
    ('reported', "Reported (R)"),
    ('mixed', "Computed, else Reported"),
    ]
DIRECTIONS = [
    (None, ""),
    ('at_least', "At Least"),
    ('at_most', "At Most"),
    ('equal', "Equal To"),
    ]
TIER_DIRECTIONS = [
    ('at_least', "At Least"),
    ('at_most', "At Most"),
    ('any', "Otherwise"),
    ]
RULES = [
    ('all_met', "Full Points If All Met"),
    ('tiers', "Tiers"),
    ('deduction', "Deduction per Indicator Not Met"),
    ('all_or_nothing', "All or Nothing"),
    ('bonus', "Bonus per Event"),
    ('penalty', "Penalty"),
    ('disqualification', "Disqualification"),
    ]
BASIS = [
    ('value', "Value of the Period"),
    ('change', "Change on the Same Period a Year Before (%)"),
    ]
ZERO = Decimal(0)


class Code(DeactivableMixin, ModelSQL, ModelView):
    "Scoring Indicator Code"
    __name__ = 'court.scoring.code'
    _rec_name = 'code'
    code = fields.Char("Code", required=True,
        help="The code in kpi-catalog.md, e.g. A3 or B6.")
    name = fields.Char("Name", required=True)
    unit = fields.Selection(UNITS, "Unit", required=True)
    source = fields.Selection(SOURCES, "Source", required=True)
    provider_code = fields.Char("Provider Code",
        states={'invisible': Eval('source') == 'reported'},
        help="The code asked of court.indicator (the module that owns the "
        "data); empty: the code itself.")
    filters = fields.Char("Filters",
        states={'invisible': Eval('source') == 'reported'},
        help="Filters passed to court.indicator, as key=value separated by "
        "semicolons.")
    description = fields.Text("Description")
    provider_installed = fields.Function(
        fields.Boolean("Provider Installed"), 'get_provider_installed')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'court_scoring.msg_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_unit():
        return 'ratio'

    @staticmethod
    def default_source():
        return 'reported'

    def get_rec_name(self, name):
        return '%s %s' % (self.code, self.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op, ('code', operator, value) + tuple(clause[3:]),
            ('name', operator, value) + tuple(clause[3:])]

    @property
    def indicator_code(self):
        return self.provider_code or self.code

    @property
    def filter_values(self):
        result = {}
        for part in (self.filters or '').split(';'):
            if '=' in part:
                key, value = part.split('=', 1)
                result[key.strip()] = value.strip()
        return result

    def get_provider_installed(self, name):
        if self.source == 'reported':
            return False
        Indicator = Pool().get('court.indicator')
        return self.indicator_code in Indicator._providers()


class Scheme(DeactivableMixin, Workflow, ModelSQL, ModelView):
    "Scoring Scheme"
    __name__ = 'court.scoring.scheme'
    _states = {'readonly': Eval('state') != 'draft'}
    name = fields.Char("Name", required=True,
        states=_states)
    code = fields.Char("Code", required=True, states=_states)
    year = fields.Integer("Year", required=True, states=_states)
    total = fields.Numeric("Total Points", digits=(16, 2), required=True,
        states=_states,
        help="The sections' points (bonus and penalty excluded) must add "
        "up to this total.")
    missing_policy = fields.Selection([
            ('zero', "Scores Nothing"),
            ('exclude', "Left Out of the Total"),
            ], "Item Without Data", required=True, states=_states,
        help="Scores nothing: an item without data scores 0 and is marked "
        "\"no data\". Left out: it is also left out of the points "
        "attainable.")
    source = fields.Char("Source Document", states=_states)
    notes = fields.Text("Notes", states=_states)
    sections = fields.One2Many('court.scoring.section', 'scheme',
        "Sections", states=_states)
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "In Force"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True)
    base_total = fields.Function(fields.Numeric("Sections Total",
            digits=(16, 2)), 'get_base_total')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'court_scoring.msg_scheme_code_unique'),
            ]
        cls._order = [('year', 'DESC'), ('code', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'draft'),
            ('active', 'closed'),
            ('closed', 'active'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': ~Eval('state').in_(['draft', 'closed']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                'copy_next_year': {
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_total():
        return Decimal(100)

    @classmethod
    def in_force(cls):
        """The id of the scheme in force a wizard proposes: of the latest
        year, the first by code (None when no scheme is in force)"""
        schemes = cls.search([('state', '=', 'active')], limit=1)
        return schemes[0].id if schemes else None

    @staticmethod
    def default_missing_policy():
        return 'zero'

    @staticmethod
    def default_state():
        return 'draft'

    def get_base_total(self, name):
        return sum((s.points or ZERO for s in self.sections
                if s.kind == 'base'), ZERO)

    @classmethod
    def check_modification(cls, mode, schemes, values=None, external=False):
        super().check_modification(
            mode, schemes, values=values, external=external)
        if Transaction().user == 0:
            return
        if mode == 'write' and not (set(values) <= {'state', 'active'}):
            for scheme in schemes:
                if scheme.state != 'draft':
                    raise SchemeError(gettext(
                            'court_scoring.msg_scheme_not_draft',
                            scheme=scheme.rec_name))
        if mode == 'delete':
            Evaluation = Pool().get('court.scoring.evaluation')
            used = Evaluation.search([
                    ('scheme', 'in', [s.id for s in schemes]),
                    ], limit=1)
            if used:
                raise SchemeError(gettext(
                        'court_scoring.msg_scheme_used',
                        scheme=used[0].scheme.rec_name))

    @classmethod
    def validate(cls, schemes):
        super().validate(schemes)
        for scheme in schemes:
            scheme.check_structure()
            if scheme.state == 'active':
                scheme.check_totals()

    def check_structure(self):
        "What must hold even in a draft"
        for section in self.sections:
            for item in section.items:
                item.check_structure()

    def check_totals(self):
        "The sections and items add up"
        total = self.base_total
        if total != self.total:
            raise SchemeError(gettext('court_scoring.msg_scheme_total',
                    scheme=self.rec_name, total=rules.fmt(total),
                    expected=rules.fmt(self.total)))
        if not self.sections:
            raise SchemeError(gettext('court_scoring.msg_scheme_empty',
                    scheme=self.rec_name))
        for section in self.sections:
            if section.kind != 'base':
                continue
            items_total = sum((i.points or ZERO for i in section.items),
                ZERO)
            if items_total != section.points:
                raise SchemeError(gettext(
                        'court_scoring.msg_section_total',
                        section=section.rec_name,
                        total=rules.fmt(items_total),
                        expected=rules.fmt(section.points)))
            if not section.items:
                raise SchemeError(gettext(
                        'court_scoring.msg_section_empty',
                        section=section.rec_name))
        for section in self.sections:
            for item in section.items:
                item.check_complete()

    @classmethod
    def copy(cls, schemes, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        new = []
        for scheme in schemes:
            values = default.copy()
            values.setdefault('code', '%s-副本' % scheme.code)
            new.extend(super().copy([scheme], default=values))
        return new

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, schemes):
        for scheme in schemes:
            scheme.check_totals()

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, schemes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, schemes):
        pass

    @classmethod
    @ModelView.button_action('court_scoring.wizard_scheme_copy')
    def copy_next_year(cls, schemes):
        pass

    def item_specs(self):
        "[(section, item, rules.Item)] in order"
        result = []
        for section in self.sections:
            for item in section.items:
                result.append((section, item, item.spec()))
        return result


class SchemePartMixin:
    "Sections, items, indicators and tiers change only in a draft scheme"
    __slots__ = ()

    def _scheme(self):
        raise NotImplementedError

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if Transaction().user == 0:
            return
        for record in cls.browse([r.id for r in records]):
            scheme = record._scheme()
            if scheme and scheme.state != 'draft':
                raise SchemeError(gettext(
                        'court_scoring.msg_scheme_not_draft',
                        scheme=scheme.rec_name))

    @classmethod
    def validate(cls, records):
        super().validate(records)
        for record in records:
            scheme = record._scheme()
            if scheme:
                scheme.check_structure()


class Section(SchemePartMixin, sequence_ordered(), ModelSQL, ModelView):
    "Scoring Section"
    __name__ = 'court.scoring.section'
    scheme = fields.Many2One('court.scoring.scheme', "Scheme",
        required=True, ondelete='CASCADE')
    code = fields.Char("Code")
    name = fields.Char("Name", required=True)
    kind = fields.Selection([
            ('base', "Scored"),
            ('adjustment', "Bonus and Penalty"),
            ], "Kind", required=True)
    points = fields.Numeric("Points", digits=(16, 2),
        states={
            'required': Eval('kind') == 'base',
            'invisible': Eval('kind') != 'base',
            })
    items = fields.One2Many('court.scoring.item', 'section', "Items")

    @staticmethod
    def default_kind():
        return 'base'

    def _scheme(self):
        return self.scheme

    def get_rec_name(self, name):
        return self.name

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('scheme')


class Item(SchemePartMixin, sequence_ordered(), ModelSQL, ModelView):
    "Scoring Item"
    __name__ = 'court.scoring.item'
    section = fields.Many2One('court.scoring.section', "Section",
        required=True, ondelete='CASCADE')
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True)
    requirement = fields.Text("Requirement")
    standard = fields.Text("Scoring Standard",
        help="The scoring rule in the source's words.")
    points = fields.Numeric("Points", digits=(16, 2),
        help="The points of the item; for a bonus or a penalty the most it "
        "may add or deduct (0: no limit).")
    rule = fields.Selection(RULES, "Rule", required=True)
    deduction = fields.Numeric("Deduction per Indicator", digits=(16, 2),
        states={
            'invisible': Eval('rule') != 'deduction',
            'required': Eval('rule') == 'deduction',
            })
    points_otherwise = fields.Numeric("Points If Not Met", digits=(16, 2),
        states={'invisible': Eval('rule') != 'all_met'})
    per_event = fields.Numeric("Points per Event", digits=(16, 2),
        states={
            'invisible': ~Eval('rule').in_(['bonus', 'penalty']),
            'required': Eval('rule').in_(['bonus', 'penalty']),
            })
    note = fields.Text("Note")
    indicators = fields.One2Many('court.scoring.item.indicator', 'item',
        "Indicators")
    tiers = fields.One2Many('court.scoring.item.tier', 'item', "Tiers",
        states={'invisible': Eval('rule') != 'tiers'})

    @staticmethod
    def default_points():
        return ZERO

    @staticmethod
    def default_rule():
        return 'all_met'

    def _scheme(self):
        return self.section.scheme if self.section else None

    @staticmethod
    def default_points_otherwise():
        return ZERO

    def get_rec_name(self, name):
        return '%s %s' % (self.code, self.name)

    def check_structure(self):
        kind = self.section.kind
        if kind == 'base' and self.rule not in rules.BASE_RULES:
            raise SchemeError(gettext('court_scoring.msg_item_rule_base',
                    item=self.rec_name))
        if kind != 'base' and self.rule in rules.BASE_RULES:
            raise SchemeError(gettext(
                    'court_scoring.msg_item_rule_adjustment',
                    item=self.rec_name))
        if (self.points or ZERO) < 0:
            raise SchemeError(gettext('court_scoring.msg_item_points',
                    item=self.rec_name))
        for indicator in self.indicators:
            indicator.check_threshold()

    def check_complete(self):
        "What must hold before the scheme is put in force"
        if not self.indicators:
            raise SchemeError(gettext('court_scoring.msg_item_no_indicator',
                    item=self.rec_name))
        if self.rule == 'tiers':
            if not self.tiers:
                raise SchemeError(gettext('court_scoring.msg_item_no_tier',
                        item=self.rec_name))
            for tier in self.tiers:
                if tier.points is None or tier.points > (self.points or 0):
                    raise SchemeError(gettext(
                            'court_scoring.msg_tier_points',
                            item=self.rec_name))
                if tier.direction != 'any' and tier.bound is None:
                    raise SchemeError(gettext(
                            'court_scoring.msg_tier_bound',
                            item=self.rec_name))
        if self.rule in rules.BASE_RULES and self.rule != 'tiers':
            for indicator in self.indicators:
                if indicator.threshold is None:
                    raise SchemeError(gettext(
                            'court_scoring.msg_indicator_threshold_required',
                            item=self.rec_name,
                            indicator=indicator.code.code))
        if self.rule == 'deduction' and not self.deduction:
            raise SchemeError(gettext('court_scoring.msg_item_deduction',
                    item=self.rec_name))


    def spec(self):
        return rules.Item(
            code=self.code, rule=self.rule, points=self.points or ZERO,
            indicators=[i.spec() for i in self.indicators],
            tiers=[rules.Tier(t.direction, t.inclusive, t.bound, t.points)
                for t in self.tiers],
            deduction=self.deduction or ZERO,
            points_otherwise=self.points_otherwise or ZERO,
            per_event=self.per_event or ZERO,
            cap=self.points if self.rule in ('bonus', 'penalty')
            else ZERO)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('section')


class ItemIndicator(SchemePartMixin, sequence_ordered(), ModelSQL,
        ModelView):
    "Scoring Item Indicator"
    __name__ = 'court.scoring.item.indicator'
    item = fields.Many2One('court.scoring.item', "Item", required=True,
        ondelete='CASCADE')
    code = fields.Many2One('court.scoring.code', "Indicator", required=True,
        ondelete='RESTRICT')
    label = fields.Char("Label",
        help="Empty: the indicator's name.")
    basis = fields.Selection(BASIS, "Basis", required=True)
    direction = fields.Selection(DIRECTIONS, "Direction",
        help="At least / at most / equal to the threshold.")
    inclusive = fields.Boolean("Bound Included",
        states={'invisible': Eval('direction') == 'equal'},
        help="Checked: the threshold itself meets the target (≥, ≤); "
        "unchecked: it must be passed (>, <).")
    threshold = fields.Numeric("Threshold", digits=(16, 4),
        help="In percent for a rate (90 = 90%).")
    unit = fields.Function(fields.Selection(UNITS, "Unit"), 'get_unit')

    @staticmethod
    def default_basis():
        return 'value'

    def _scheme(self):
        return self.item.section.scheme if self.item else None

    @staticmethod
    def default_inclusive():
        return True

    def get_unit(self, name):
        if self.basis == 'change':
            return 'ratio'
        return self.code.unit if self.code else None

    def get_rec_name(self, name):
        return self.spec().describe()

    @property
    def key(self):
        "The key of this indicator's value in an evaluation"
        code = self.code.code
        if self.basis == 'change':
            code += '/Δ'
        return code

    def check_threshold(self):
        if self.threshold is not None and not self.direction:
            raise SchemeError(gettext(
                    'court_scoring.msg_indicator_direction_required',
                    item=self.item.rec_name, indicator=self.code.code))
        if self.direction and self.threshold is None:
            raise SchemeError(gettext(
                    'court_scoring.msg_indicator_threshold_required',
                    item=self.item.rec_name, indicator=self.code.code))

    def spec(self):
        return rules.Indicator(
            code=self.key, name=self.label or (
                self.code.name if self.code else ''),
            direction=self.direction or 'at_least',
            inclusive=True if self.direction == 'equal' else self.inclusive,
            threshold=self.threshold,
            unit=self.unit)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('item')


class ItemTier(SchemePartMixin, sequence_ordered(), ModelSQL, ModelView):
    "Scoring Item Tier"
    __name__ = 'court.scoring.item.tier'
    item = fields.Many2One('court.scoring.item', "Item", required=True,
        ondelete='CASCADE')
    direction = fields.Selection(TIER_DIRECTIONS, "Direction",
        required=True)
    inclusive = fields.Boolean("Bound Included",
        states={'invisible': Eval('direction') == 'any'})
    bound = fields.Numeric("Bound", digits=(16, 4),
        states={
            'invisible': Eval('direction') == 'any',
            'required': Eval('direction') != 'any',
            })
    points = fields.Numeric("Points", digits=(16, 2), required=True)

    @staticmethod
    def default_inclusive():
        return True

    @staticmethod
    def default_direction():
        return 'at_least'

    def _scheme(self):
        return self.item.section.scheme if self.item else None

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('item')


class CopySchemeStart(ModelView):
    "Copy Scoring Scheme"
    __name__ = 'court.scoring.scheme.copy.start'
    scheme = fields.Many2One('court.scoring.scheme', "Scheme",
        readonly=True)
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    year = fields.Integer("Year", required=True)


class CopyScheme(Wizard):
    "Copy Scoring Scheme"
    __name__ = 'court.scoring.scheme.copy'
    start = StateView('court.scoring.scheme.copy.start',
        'court_scoring.scheme_copy_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Copy", 'copy_', 'tryton-ok', default=True),
            ])
    copy_ = StateAction('court_scoring.act_scheme')

    def default_start(self, fields):
        scheme = self.record
        year = (scheme.year or 0) + 1
        return {
            'scheme': scheme.id,
            'name': scheme.name.replace(str(scheme.year), str(year))
            if scheme.year else scheme.name,
            'code': scheme.code.replace(str(scheme.year), str(year))
            if scheme.year and str(scheme.year) in scheme.code
            else '%s-%s' % (scheme.code, year),
            'year': year,
            }

    def do_copy_(self, action):
        Scheme = Pool().get('court.scoring.scheme')
        new, = Scheme.copy([self.record], default={
                'name': self.start.name,
                'code': self.start.code,
                'year': self.start.year,
                })
        action['res_id'] = [new.id]
        action['views'].reverse()
        return action, {'res_id': [new.id]}
