"""Audit of the line models' access: for every demo user and every
``court.*`` model with ``__access__`` and access rows of its own, the
write, create and delete access the server computes must be what the
model's own rows give the user's groups — not more through the parent
(Tryton's rule is the greatest of the two; court_base narrows it).

    python -m court_tools.line_access -d DATABASE -c CONFIG

prints one line per difference (as JSON) and exits 1 if there is any."""
import argparse
import json
import sys

PERMS = ('write', 'create', 'delete')


def audit(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(database)
    pool.init()
    differences = []
    with Transaction().start(database, 0, readonly=True) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT model, "group", perm_write, perm_create, '
            'perm_delete FROM ir_model_access WHERE active')
        rows = cursor.fetchall()
        User = pool.get('res.user')
        users = [(u.id, u.login) for u in User.search(
                [('login', '!=', 'admin')])]
        models = sorted(name for name, Model in pool.iterobject()
            if name.startswith('court.') and Model.__access__
            and any(r[0] == name for r in rows))
    for user_id, login in users:
        with Transaction().start(database, user_id, readonly=True):
            groups = set(pool.get('res.user').get_groups())
            access = pool.get('ir.model.access').get_access(models)
            for model in models:
                own = [r for r in rows if r[0] == model
                    and (r[1] is None or r[1] in groups)]
                for i, perm in enumerate(PERMS):
                    expected = any(bool(r[2 + i]) for r in own)
                    if bool(access[model][perm]) != expected:
                        differences.append({'login': login, 'model': model,
                                'perm': perm, 'own': expected,
                                'server': bool(access[model][perm])})
    return models, differences


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config')
    args = parser.parse_args(argv)
    from trytond import config
    if args.config:
        config.update_etc(args.config)
    models, differences = audit(args.database)
    print(json.dumps({'models': models}, ensure_ascii=False))
    for difference in differences:
        print(json.dumps(difference, ensure_ascii=False))
    return 1 if differences else 0


if __name__ == '__main__':
    sys.exit(main())
