"""The access matrix of the platform, probed from the outside.

For every demo role (one login of a basic court and those of the
intermediate court), every model of a ``court_*`` module, every button and
every wizard, the server is asked — through JSON-RPC, logged in as that
user — to read, write, create and delete (with no record: Tryton checks
the model access before it looks at the records, so nothing is written),
to press each button (on no record) and to start each wizard. The answers
form the matrix; ``tests/access_matrix.json`` holds the one reviewed and
committed, and ``tests/test_access_matrix.py`` fails when the server
answers anything else.

    python -m court_tools.access_matrix            # print the differences
    python -m court_tools.access_matrix --write    # accept the live matrix:
        # rewrite tests/access_matrix.json and the table of
        # doc/reliability.md (review the diff before committing it)
"""
import argparse
import json
import re
import sys
from pathlib import Path

from court_tools import testdb
from court_tools.testdb import RPCError

ROOT = testdb.ROOT
EXPECTED = ROOT / 'tests' / 'access_matrix.json'
DOC = ROOT / 'doc' / 'reliability.md'
BEGIN = '<!-- access-matrix:begin (court_tools/access_matrix.py) -->'
END = '<!-- access-matrix:end -->'
COURT = '410302'        # the first basic court of the demo
CITY = '4103'           # its intermediate court
# models of other modules the court users work with
EXTRA_MODELS = ['company.company', 'party.address', 'party.contact_mechanism',
    'party.party']
MODES = [('r', 'read'), ('w', 'write'), ('c', 'create'), ('d', 'delete')]
# the messages of Tryton's access errors (ir module)
ACCESS_MESSAGES = ['msg_access_rule_error', 'msg_access_button_error',
    'msg_access_wizard_error', 'msg_access_wizard_model_error',
    'msg_access_rule_field_error', 'msg_read_rule_error',
    'msg_write_rule_error', 'msg_create_rule_error', 'msg_delete_rule_error']


def _access_pattern():
    "A regex matching Tryton's access errors, in English and in zh_CN"
    import polib
    import trytond
    texts = []
    po = polib.pofile(str(Path(trytond.__file__).parent / 'ir' / 'locale'
            / 'zh_CN.po'))
    for entry in po:
        for msg in ACCESS_MESSAGES:
            if entry.msgctxt == f'model:ir.message,text:{msg}':
                texts.extend(t for t in (entry.msgid, entry.msgstr) if t)
    parts = []
    for text in texts:
        literal = re.split(r'%\(\w+\)s', text)
        parts.append('.*'.join(re.escape(p.strip()) for p in literal
                if p.strip()))
    return re.compile('|'.join(sorted(set(parts))), re.S)


class Prober:
    def __init__(self, server, admin):
        self.server = server
        self.admin = admin
        self.denied = _access_pattern()
        self.errors = []

    def logins(self):
        "{role: login}: the demo users of COURT, and those of CITY"
        users = self.admin.model('res.user', 'search_read', [
                ['OR', ('login', 'like', f'%\\_{COURT}'),
                    ('login', 'like', f'%\\_{CITY}')],
                ('active', '=', True)], 0, None, [('login', 'ASC')],
            ['login'])
        roles = {}
        for user in users:
            prefix, division = user['login'].rsplit('_', 1)
            role = prefix if division == COURT else f'{prefix}@city'
            roles[role] = user['login']
        return roles

    def models(self):
        "The stored models of the court_* modules (and the buttons)"
        models = self.admin.model('ir.model', 'search_read', [
                ('module', 'like', 'court\\_%')], 0, None,
            [('name', 'ASC')], ['name'])
        stored = []
        for model in [m['name'] for m in models] + EXTRA_MODELS:
            try:
                self.admin.model(model, 'search_count', [])
            except RPCError:
                continue        # a ModelView (wizard form) or abstract
            stored.append(model)
        buttons = self.admin.model('ir.model.button', 'search_read', [
                ('model', 'in', stored)], 0, None,
            [('model', 'ASC'), ('name', 'ASC')], ['model', 'name'])
        wizards = self.admin.model('ir.action.wizard', 'search_read', [
                ('wiz_name', 'like', 'court.%')], 0, None,
            [('wiz_name', 'ASC')], ['wiz_name', 'model'])
        return stored, [(b['model'], b['name']) for b in buttons], sorted({
                (w['wiz_name'], w['model'] or '') for w in wizards})

    def _allowed(self, call, what):
        try:
            call()
        except RPCError as error:
            if self.denied.search(error.message):
                return False
            if error.code == 'On table_query':
                return False    # a report model (SQL view): read only
            # any other answer: the access check passed
            self.errors.append((what, error.message[:200]))
        return True

    def probe(self, roles=None):
        stored, buttons, wizards = self.models()
        roles = roles or self.logins()
        matrix = {}
        for role, login in sorted(roles.items()):
            rpc = self.server.rpc(login)
            entry = matrix[role] = {'models': {}, 'buttons': {},
                'wizards': {}}
            for model in stored:
                calls = {
                    'r': lambda: rpc.model(model, 'search', [], 0, 1, None),
                    'w': lambda: rpc.model(model, 'write', [], {}),
                    'c': lambda: rpc.model(model, 'create', []),
                    'd': lambda: rpc.model(model, 'delete', []),
                    }
                if model.endswith('.configuration'):
                    # a singleton's delete ignores the records it is given
                    # and deletes the one record if there is one: ask the
                    # server the access it gives the client instead
                    calls['d'] = lambda: self._singleton_delete(rpc, model)
                # a method called on no record may return before Tryton's
                # check (an override that loops over the records): the
                # access the server gives the client must allow it too
                granted = rpc.model('ir.model.access', 'get_access',
                    [model])[model]
                entry['models'][model] = ''.join(
                    letter for letter, mode in MODES
                    if self._allowed(calls[letter],
                        f'{role} {model} {letter}') and granted[mode])
            for model, button in buttons:
                entry['buttons'][f'{model}.{button}'] = self._allowed(
                    lambda: rpc.model(model, button, []),
                    f'{role} {model}.{button}')
            for wizard, model in wizards:
                entry['wizards'][wizard] = self._allowed(
                    lambda: self._wizard(rpc, wizard, model),
                    f'{role} wizard {wizard}')
        return matrix

    def _singleton_delete(self, rpc, model):
        access = rpc.model('ir.model.access', 'get_access', [model])
        if not access[model]['delete']:
            raise RPCError(['UserError', [self._denied_text]])

    _denied_text = 'You are not allowed to access "(delete)".'

    @staticmethod
    def _wizard(rpc, wizard, model):
        context = dict(rpc.context)
        if model:
            context.update(active_model=model, active_ids=[],
                active_id=None)
        session, start, _ = rpc._call(f'wizard.{wizard}.create', [context])
        try:
            rpc._call(f'wizard.{wizard}.execute',
                [session, {}, start, context])
        finally:
            rpc._call(f'wizard.{wizard}.delete', [session, context])


def differences(expected, actual):
    "Lines describing how actual differs from expected"
    lines = []
    for role in sorted(set(expected) | set(actual)):
        if role not in actual:
            lines.append(f'{role}: role missing on the server')
            continue
        if role not in expected:
            lines.append(f'{role}: role not in the expected matrix')
            continue
        for kind in ['models', 'buttons', 'wizards']:
            want, got = expected[role][kind], actual[role][kind]
            for key in sorted(set(want) | set(got)):
                if want.get(key) != got.get(key):
                    lines.append(f'{role} {kind[:-1]} {key}: expected '
                        f'{want.get(key)!r}, the server answers '
                        f'{got.get(key)!r}')
    return lines


def table(matrix):
    "The matrix as Markdown tables (models, then buttons and wizards)"
    roles = sorted(matrix)
    models = sorted({m for r in roles for m in matrix[r]['models']})
    out = ['| model | ' + ' | '.join(roles) + ' |',
        '|---|' + '---|' * len(roles)]
    for model in models:
        out.append(f'| `{model}` | ' + ' | '.join(
                matrix[r]['models'].get(model) or '—' for r in roles) + ' |')
    out += ['', '| button / wizard | ' + ' | '.join(roles) + ' |',
        '|---|' + '---|' * len(roles)]
    for kind in ['buttons', 'wizards']:
        keys = sorted({k for r in roles for k in matrix[r][kind]})
        for key in keys:
            out.append(f'| `{key}` | ' + ' | '.join(
                    '✓' if matrix[r][kind].get(key) else '—'
                    for r in roles) + ' |')
    return '\n'.join(out)


def write_doc(matrix):
    text = DOC.read_text() if DOC.exists() else ''
    block = f'{BEGIN}\n{table(matrix)}\n{END}'
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + '.*?' + re.escape(END),
            lambda m: block, text, flags=re.S)
    else:
        text += f'\n{block}\n'
    DOC.write_text(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--write', action='store_true',
        help="accept the live matrix (tests/access_matrix.json, doc)")
    args = parser.parse_args(argv)
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        database = testdb.demo_database('sqlite', Path(tmp))
        with database.server() as server:
            admin = server.rpc('admin', testdb.ADMIN_PASSWORD)
            prober = Prober(server, admin)
            matrix = prober.probe()
    for what, message in prober.errors:
        print(f'note: {what}: {message}', file=sys.stderr)
    if args.write:
        EXPECTED.write_text(json.dumps(matrix, indent=1, sort_keys=True,
                ensure_ascii=False) + '\n')
        write_doc(matrix)
        print(f'wrote {EXPECTED.relative_to(ROOT)} and '
            f'{DOC.relative_to(ROOT)}')
        return 0
    expected = json.loads(EXPECTED.read_text()) if EXPECTED.exists() else {}
    lines = differences(expected, matrix)
    print('\n'.join(lines) or 'the server answers the expected matrix')
    return 1 if lines else 0


if __name__ == '__main__':
    sys.exit(main())
