# This file is part of the court platform.  See LICENSE.
"Dispute types (案由): one hierarchical taxonomy for every module."
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields,
    sequence_ordered, tree)

KEY_DOMAINS = [
    (None, ""),
    ('road_traffic', "Road Traffic"),
    ('labour', "Labour"),
    ('finance', "Finance"),
    ('consumer', "Consumer"),
    ]


class DisputeType(
        DeactivableMixin, sequence_ordered(), tree(separator=' / '),
        ModelSQL, ModelView):
    "Dispute Type"
    __name__ = 'court.dispute.type'
    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True, size=32)
    parent = fields.Many2One(
        'court.dispute.type', "Parent", ondelete='RESTRICT')
    childs = fields.One2Many('court.dispute.type', 'parent', "Children")
    key_domain = fields.Selection(
        KEY_DOMAINS, "Key Domain",
        help="The key domain of indicator B12 (road traffic, labour, "
        "finance, consumer) the type belongs to.")
    not_mediable = fields.Boolean(
        "Not Mediable by Law",
        help="Cases of this type may not be mediated by law and go "
        "straight to filing.")
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_uniq', Unique(t, t.code),
                'court_base.msg_dispute_type_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.parent, Index.Range())))

    @staticmethod
    def default_not_mediable():
        return False

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]
