# This file is part of the court platform.  See LICENSE.


def _patch_cursor_dict():
    """Read a result's column names once, not once a row.

    trytond 8.0's ``tools.cursor_dict`` evaluates ``cursor.description``
    for every row; with psycopg 3 that builds a Column object per column
    each time, which was most of the time of an 80-row list page (about
    100 ms of 145 ms on PostgreSQL, see bench/README.md).  The names do
    not change within a result, so this is the same behaviour, faster."""
    from trytond import tools
    from trytond.ir import model as ir_model
    from trytond.ir import translation as ir_translation
    from trytond.model import modelsql

    def cursor_dict(cursor, size=None):
        size = cursor.arraysize if size is None else size
        names = None
        while True:
            rows = cursor.fetchmany(size)
            if not rows:
                break
            if names is None:
                names = [d[0] for d in cursor.description]
            for row in rows:
                yield dict(zip(names, row))
    cursor_dict.__doc__ = tools.cursor_dict.__doc__
    for module in [tools, modelsql, ir_model, ir_translation]:
        if hasattr(module, 'cursor_dict'):
            module.cursor_dict = cursor_dict


_patch_cursor_dict()


def _patch_export_data():
    """Exports (导出) obey the record rules.

    trytond 8.0's ``export_data`` RPC instantiates the records it is given
    and reads their fields through the records, which checks the model and
    field access but not the record rules: a user could export any case of
    any court by id (found by tests/test_isolation.py). The records are now
    read through ``read`` first, under the user's rules, as a client's
    ``read`` would be. An export that takes personal data is logged
    (``court.export.log``: who, when, which fields, which records)."""
    from trytond.model import ModelStorage
    from trytond.transaction import Transaction

    from trytond.pool import Pool

    original = ModelStorage.export_data.__func__

    def export_data(cls, records, fields_names, header=False):
        transaction = Transaction()
        checked = transaction.user and transaction.check_access
        if checked:
            ids = [r.id for r in records if r.id is not None and r.id >= 0]
            if ids:
                cls.read(ids, ['id'])
        data = original(cls, records, fields_names, header=header)
        if checked:
            # who exported personal data, and when (court.export.log)
            try:
                ExportLog = Pool().get('court.export.log')
            except KeyError:
                ExportLog = None    # court_base not activated
            if ExportLog is not None:
                ExportLog.record(cls, records, fields_names)
        return data
    export_data.__doc__ = original.__doc__
    ModelStorage.export_data = classmethod(export_data)


_patch_export_data()


def _patch_storable_values():
    """Values the database cannot store are refused with a message.

    Every create and write (and so copy, save and import) of every model
    goes through ``ModelStorage._before_create`` / ``_before_write``; after
    the model access check and before anything else (the models'
    ``check_modification`` and ``preprocess_values`` read the values, and
    an unknown Many2One id broke them), ``storable.check_values`` refuses
    text with a NUL character, integers beyond their column's range and
    Many2One ids that do not exist (PostgreSQL answered a server error to
    each, found by tests/test_fuzz.py)."""
    from trytond.model import ModelStorage
    from trytond.pool import Pool

    from .storable import check_values

    # the package may be imported twice in one process (as court_base and
    # as trytond.modules.court_base): patch once
    if getattr(ModelStorage, '_court_storable_values', False):
        return
    ModelStorage._court_storable_values = True
    before_create = ModelStorage._before_create.__func__
    before_write = ModelStorage._before_write.__func__

    def _before_create(cls, vlist):
        # the access refusal comes first (it is checked again, cached)
        Pool().get('ir.model.access').check(cls.__name__, 'create')
        check_values(cls, vlist)
        return before_create(cls, vlist)

    def _before_write(cls, *args):
        Pool().get('ir.model.access').check(cls.__name__, 'write')
        actions = iter(args)
        check_values(cls, [values for _, values in zip(actions, actions)])
        return before_write(cls, *args)
    _before_create.__doc__ = before_create.__doc__
    _before_write.__doc__ = before_write.__doc__
    ModelStorage._before_create = classmethod(_before_create)
    ModelStorage._before_write = classmethod(_before_write)


_patch_storable_values()
