# This file is part of the court platform.  See LICENSE.
"""Accounts: forbidden passwords refused at login, the log of exports of
personal data, and the model access of line models."""
import datetime as dt
import logging
import mmap

from sql import Literal, Null
from sql.aggregate import Max
from sql.conditionals import Case

from trytond.cache import Cache
from trytond.config import config
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

logger = logging.getLogger(__name__)


def password_forbidden(password):
    """Whether `password` is in the ``[password] forbidden`` file of the
    configuration (production configurations list the demo passwords)"""
    path = config.get('password', 'forbidden', default=None)
    if not path or not password:
        return False
    password_b = password.encode('utf-8')
    with open(path, 'rb') as f:
        if not f.seek(0, 2):
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return any(line.strip() == password_b
                for line in iter(data.readline, b''))


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def _login_password(cls, login, parameters):
        """A password the court's rules forbid does not open a session,
        even one set before the rules (the demo users' outside demo
        mode)"""
        user_id = super()._login_password(login, parameters)
        if user_id and password_forbidden(parameters.get('password')):
            logger.warning(
                "login of %s refused: a forbidden password", login)
            return None
        return user_id

    @classmethod
    def _get_preferences(cls, user, context_only=False):
        """Each role lands on its own work: a user without actions of their
        own opens at login the landing actions of their groups (and of the
        groups those inherit from)"""
        pool = Pool()
        Landing = pool.get('court.group.landing')
        preferences = super()._get_preferences(user,
            context_only=context_only)
        if 'actions' in preferences and not preferences['actions']:
            with Transaction().set_user(user.id), without_check_access():
                groups = cls.get_groups()
                preferences['actions'] = Landing.actions_of(groups)
        return preferences


class ActionWizard(metaclass=PoolMeta):
    """The groups of a wizard are those of its actions, whatever action id
    the client sends: trytond 8.0 looks the groups up among the wizard's
    actions *with that id* and finds none (so no group check) when the id
    is another action's or no action's — any user could then run a
    wizard restricted to some groups by sending a foreign ``action_id``
    in the context (found by tests/test_wizard_isolation.py)"""
    __name__ = 'ir.action.wizard'

    @classmethod
    def get_groups(cls, name, action_id=None):
        groups = super().get_groups(name, action_id=action_id)
        if action_id and not groups:
            with without_check_access():
                known = cls.search([
                        ('wiz_name', '=', name), ('id', '=', action_id)])
            if not known:
                groups = super().get_groups(name)
        return groups


class UserApplication(metaclass=PoolMeta):
    __name__ = 'res.user.application'

    @classmethod
    def check(cls, key, application):
        """The key of a deactivated user is refused: trytond 8.0 checks
        the key's state only, so the REST keys of a user the court
        deactivated (a system disconnected, a clerk who left) kept working
        (found by tests/test_api.py, see doc/api.md)"""
        record = super().check(key, application)
        if record and not (record.user and record.user.active):
            logger.info("REST key of the inactive user %s refused",
                record.user.login if record.user else None)
            return None
        return record


class ModelAccess(metaclass=PoolMeta):
    """A court line model's own access rows govern who may write, create
    and delete it.

    Tryton gives a model with ``__access__`` (a case's parties, sessions
    and assignments; a petition's petitioners, plan, reports and
    supervision notes; a mediator's state history) the *greatest* of its
    own access and its parent's: whoever may write the case could create
    assignments, although no group's own row allows it (found by the
    audit of ``tests/test_line_access.py``). For a ``court.*`` model with
    ``__access__`` and access rows of its own, write, create and delete
    are those of its own rows only (no matching row: refused). Reading
    still follows Tryton (own or parent), and the record rules still
    follow the parent. Buttons and wizards that write lines for the user
    run without access checks, as Tryton runs them.

    A party's contact mechanisms (phone numbers) are narrowed for reading
    too: they are read by the roles that read mobile numbers, not by
    whoever reads the party (party.xml)."""
    __name__ = 'ir.model.access'
    _own_access_cache = Cache('ir_model_access.court_own', context=False)
    _own_read_models = {'party.contact_mechanism'}

    @classmethod
    def _line_models(cls, models):
        pool = Pool()
        return [m for m in models
            if (m.startswith('court.') and pool.get(m).__access__)
            or m in cls._own_read_models]

    @classmethod
    def _own_access(cls, groups, models):
        "{model: {perm: bool}} of the models that have access rows"
        result, missing = {}, []
        for model in models:
            cached = cls._own_access_cache.get((groups, model), default=-1)
            if cached == -1:
                missing.append(model)
            elif cached is not None:
                result[model] = cached
        if not missing:
            return result
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.model,
                *(Max(Case((((table.group.in_(groups or [-1]))
                                    | (table.group == Null))
                                & (getattr(table, 'perm_' + p)
                                    == Literal(True)), 1), else_=0))
                    for p in ('read', 'write', 'create', 'delete')),
                where=table.model.in_(missing)
                & (table.active == Literal(True)),
                group_by=table.model))
        found = {}
        for model, read, write, create, delete in cursor:
            found[model] = {
                'write': bool(write), 'create': bool(create),
                'delete': bool(delete)}
            if model in cls._own_read_models:
                found[model]['read'] = bool(read)
        for model in missing:
            value = found.get(model)
            cls._own_access_cache.set((groups, model), value)
            if value is not None:
                result[model] = value
        return result

    @classmethod
    def get_access(cls, models):
        access = super().get_access(models)
        lines = cls._line_models(models)
        if lines:
            groups = Pool().get('res.user').get_groups()
            for model, own in cls._own_access(groups, lines).items():
                # the parent's cached dictionary is not changed
                access[model] = {**access[model], **own}
        return access

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._own_access_cache.clear()


class ExportLog(ModelSQL, ModelView):
    "Export of Personal Data"
    __name__ = 'court.export.log'
    user = fields.Many2One('res.user', "User", readonly=True)
    date = fields.DateTime("Date", readonly=True)
    model = fields.Char("Model", readonly=True)
    fields_exported = fields.Text("Fields", readonly=True)
    sensitive = fields.Char("Personal Data", readonly=True)
    records = fields.Integer("Records", readonly=True)
    record_ids = fields.Text("Record IDs", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.date, Index.Range())))
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def sensitive_paths(cls, Model, fields_names):
        """The exported field paths that end on a field listed in the
        ``_sensitive_fields`` of its model"""
        result = []
        for path in fields_names:
            parts = path.split('/')
            model = Model
            for part in parts[:-1]:
                field = model._fields.get(part.split('.')[0])
                target = field.get_target() if field is not None and hasattr(
                    field, 'get_target') else None
                if target is None:
                    model = None
                    break
                model = target
            if model is not None and parts[-1] in getattr(
                    model, '_sensitive_fields', ()):
                result.append(path)
        return result

    @classmethod
    def record(cls, Model, records, fields_names):
        "Log an export by the user if it takes personal data"
        transaction = Transaction()
        sensitive = cls.sensitive_paths(Model, fields_names)
        if not sensitive or not transaction.user:
            return
        ids = [r.id for r in records if r.id is not None]
        values = {
            'user': transaction.user,
            'date': dt.datetime.now(),
            'model': Model.__name__,
            'fields_exported': ', '.join(fields_names),
            'sensitive': ', '.join(sensitive),
            'records': len(ids),
            'record_ids': ' '.join(map(str, ids[:10000])),
            }
        # the export itself runs in a read-only transaction: the log is
        # written (and kept) in a transaction of its own
        with transaction.new_transaction() as log_transaction, \
                without_check_access():
            cls.create([values])
            log_transaction.commit()



class GroupLanding(ModelSQL, ModelView):
    "Landing Action of a Group"
    __name__ = 'court.group.landing'
    group = fields.Many2One('res.group', "Group", required=True,
        ondelete='CASCADE')
    action = fields.Many2One('ir.action', "Action", required=True,
        ondelete='CASCADE')
    sequence = fields.Integer("Sequence")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('sequence', 'ASC NULLS LAST'))

    @classmethod
    def preprocess_values(cls, mode, values):
        "An XML ref to an act_window or wizard names its ir.action"
        Action = Pool().get('ir.action')
        values = super().preprocess_values(mode, values)
        if values.get('action') is not None:
            values['action'] = Action.get_action_id(values['action'])
        return values

    @classmethod
    def actions_of(cls, group_ids):
        "The ir.action ids to open at login for these groups, in order"
        landings = cls.search([('group', 'in', list(group_ids))],
            order=[('sequence', 'ASC NULLS LAST'), ('id', 'ASC')])
        result = []
        for landing in landings:
            if landing.action.id not in result and landing.action.active:
                result.append(landing.action.id)
        return result

