"""Maintain the zh_CN translations of the court_* modules.

    python -m court_tools.i18n export [module ...]
    python -m court_tools.i18n check [--offline] [module ...]

Without modules, every ``addons/court_*`` module is processed.

The translatable strings are not guessed from the sources: the modules are
activated in a throw-away SQLite database (in a temporary directory) and
Tryton itself lists them, exactly like the *Set Translations* and *Export
Translations* wizards of the client do (``ir.translation.set`` and
``ir.translation.translation_export``).  The database work runs in a child
Python process so that the caller (e.g. pytest) keeps a clean trytond
configuration and pool.

``export`` merges those strings into ``addons/<module>/locale/zh_CN.po``:
existing translations are kept, new strings are added with an empty msgstr,
strings that no longer exist are dropped, and a string whose English source
changed keeps its old translation flagged ``fuzzy`` for review.  The file is
sorted like Tryton sorts its own exports, so diffs stay small.

``check`` exits with status 1 and lists every empty or fuzzy msgstr, every
translation that lost or changed a %(placeholder)s, and (unless
``--offline``) every string missing from or obsolete in the .po file, i.e.
when ``export`` has to be run again.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / 'addons'
LANG = 'zh_CN'
DB_NAME = 'i18n'
WRAPWIDTH = 78
HEADER = {'Content-Type': 'text/plain; charset=utf-8'}
# Types whose msgctxt identifies one resource, so a changed msgid is the
# same string reworded (the others, view/selection/report/wizard_button, are
# keyed on the source text itself).
_RESOURCE_TYPES = {'field', 'help', 'model'}
_PLACEHOLDER = re.compile(r'%\([^)]+\)[#0\- +]*\d*(?:\.\d+)?[a-zA-Z]|%%')


def default_modules():
    return sorted(
        p.name for p in ADDONS.glob('court_*')
        if (p / 'tryton.cfg').is_file())


def po_path(module):
    return ADDONS / module / 'locale' / f'{LANG}.po'


def _key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or '')


# --------------------------------------------------------------------------
# Source strings, from an activated throw-away database (child process)

def _collect_in_process(modules, output):
    """Activate the modules and dump their source strings as JSON.

    Must run in a fresh interpreter: trytond reads its configuration from
    the environment at import time.
    """
    from trytond import backend
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    database = backend.Database(DB_NAME)
    database.connect()
    if not database.test():
        database.init()
    pool = Pool(DB_NAME)
    pool.init(update=list(modules), lang=['en'], activatedeps=True)

    result = {}
    with Transaction().start(DB_NAME, 0, readonly=False):
        Module = pool.get('ir.module')
        activated = {m.name for m in Module.search([
                    ('name', 'in', list(modules)),
                    ('state', '=', 'activated'),
                    ])}
        missing = set(modules) - activated
        if missing:
            raise SystemExit('Not activated: %s' % ', '.join(sorted(missing)))
        # Like the "Set Translations" wizard: register view and report
        # strings, which are not registered at activation.
        TranslationSet = pool.get('ir.translation.set', type='wizard')
        session_id, _, _ = TranslationSet.create()
        TranslationSet(session_id).transition_set_()
        TranslationSet.delete(session_id)

        Translation = pool.get('ir.translation')
        for module in modules:
            # The export of the internal language gives every source string
            # of the module with Tryton's own msgctxt (res_id as fs_id...).
            content = Translation.translation_export('en', module)
            entries = []
            if content:
                for entry in polib.pofile(content.decode('utf-8')):
                    entries.append({
                            'msgctxt': entry.msgctxt,
                            'msgid': entry.msgid,
                            'msgid_plural': entry.msgid_plural or '',
                            'flags': [
                                f for f in entry.flags if f != 'fuzzy'],
                            })
            result[module] = entries
    with open(output, 'w', encoding='utf-8') as fp:
        json.dump(result, fp, ensure_ascii=False, indent=0)


def collect_sources(modules):
    """Return {module: [source entry dict, ...]} for the modules."""
    modules = list(modules)
    with tempfile.TemporaryDirectory(prefix='court-i18n-') as tmpdir:
        # The SQLite backend only opens existing database files.
        Path(tmpdir, f'{DB_NAME}.sqlite').touch()
        output = Path(tmpdir, 'sources.json')
        env = {
            k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_')
            and k not in {'DB_NAME', 'DB_CACHE', 'DB_CACHE_JOBS'}}
        env.update({
                'TRYTOND_DATABASE_URI': 'sqlite://',
                'TRYTOND_DATABASE__PATH': tmpdir,
                'PYTHONPATH': os.pathsep.join(
                    filter(None, [str(ROOT), env.get('PYTHONPATH')])),
                })
        proc = subprocess.run(
            [sys.executable, '-m', 'court_tools.i18n', '_collect',
                '--output', str(output)] + modules,
            env=env, cwd=tmpdir, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(
                'Activation of %s failed:\n%s%s' % (
                    ', '.join(modules), proc.stdout, proc.stderr))
        with open(output, encoding='utf-8') as fp:
            return json.load(fp)


# --------------------------------------------------------------------------
# Merge and check (plain polib, no database)

def _new_pofile():
    pofile = polib.POFile(wrapwidth=WRAPWIDTH)
    pofile.metadata = dict(HEADER)
    return pofile


def _sorted(entries):
    return sorted(entries, key=_key)


def _msgstr_set(entry):
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(
            entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _ctxt_type(msgctxt):
    return (msgctxt or '').split(':', 1)[0]


def merge(module, sources, existing=None):
    """Return (POFile, stats) merging sources into the existing translations.

    existing is a polib.POFile (default: the module's current .po, if any).
    """
    if existing is None:
        path = po_path(module)
        existing = polib.pofile(str(path)) if path.exists() else []
    old = {_key(e): e for e in existing if not e.obsolete}
    old_by_ctxt = {}
    for entry in old.values():
        old_by_ctxt.setdefault(entry.msgctxt, []).append(entry)
    new_ctxt_count = {}
    for source in sources:
        new_ctxt_count[source['msgctxt']] = (
            new_ctxt_count.get(source['msgctxt'], 0) + 1)

    stats = {'kept': 0, 'added': 0, 'fuzzy': 0, 'dropped': 0}
    used = set()
    pofile = _new_pofile()
    for source in sources:
        entry = polib.POEntry(
            msgctxt=source['msgctxt'],
            msgid=source['msgid'],
            flags=list(source['flags']))
        if source['msgid_plural']:
            entry.msgid_plural = source['msgid_plural']
            entry.msgstr_plural = {0: ''}
        key = _key(entry)
        previous = old.get(key)
        reworded = False
        if previous is None:
            candidates = [
                e for e in old_by_ctxt.get(entry.msgctxt, [])
                if _key(e) not in used]
            if (_ctxt_type(entry.msgctxt) in _RESOURCE_TYPES
                    and len(candidates) == 1
                    and new_ctxt_count[entry.msgctxt] == 1
                    and bool(candidates[0].msgid_plural)
                    == bool(entry.msgid_plural)):
                previous = candidates[0]
                reworded = True
        if previous is not None:
            used.add(_key(previous))
            if entry.msgid_plural:
                entry.msgstr_plural = dict(previous.msgstr_plural) or {0: ''}
            else:
                entry.msgstr = previous.msgstr
            fuzzy = 'fuzzy' in previous.flags or (
                reworded and _msgstr_set(previous))
            if fuzzy and 'fuzzy' not in entry.flags:
                entry.flags.insert(0, 'fuzzy')
            stats['fuzzy' if reworded else 'kept'] += 1
        else:
            stats['added'] += 1
        pofile.append(entry)
    stats['dropped'] = len(set(old) - used)
    pofile[:] = _sorted(pofile)
    return pofile, stats


def export(modules=None, verbose=True):
    modules = list(modules or default_modules())
    sources = collect_sources(modules)
    for module in modules:
        pofile, stats = merge(module, sources[module])
        path = po_path(module)
        if len(pofile):
            path.parent.mkdir(exist_ok=True)
            content = str(pofile)
            if not content.endswith('\n'):
                content += '\n'
            if not path.exists() or path.read_text('utf-8') != content:
                path.write_text(content, encoding='utf-8')
        elif path.exists():
            path.unlink()
        if verbose:
            print('%s: %d entries (%d kept, %d added, %d reworded -> fuzzy, '
                '%d dropped)' % (
                    module, len(pofile), stats['kept'], stats['added'],
                    stats['fuzzy'], stats['dropped']))


def _placeholders(text):
    # A translation may repeat or reorder placeholders, not lose or add one.
    return sorted(set(_PLACEHOLDER.findall(text or '')))


def _describe(module, entry, problem):
    return '%s: %s: %s %r' % (module, problem, entry.msgctxt, entry.msgid)


def check_pofile(module, pofile):
    """Return the problems of the translations of one .po file."""
    problems = []
    for entry in _sorted(e for e in pofile if not e.obsolete):
        if not _msgstr_set(entry):
            problems.append(_describe(module, entry, 'untranslated'))
            continue
        if 'fuzzy' in entry.flags:
            problems.append(_describe(module, entry, 'fuzzy'))
        if entry.msgid_plural:
            values = list(entry.msgstr_plural.values())
        else:
            values = [entry.msgstr]
        for value in values:
            if _placeholders(value) != _placeholders(entry.msgid):
                problems.append(_describe(
                        module, entry, 'placeholders differ (expected %s)'
                        % (', '.join(_placeholders(entry.msgid)) or 'none')))
                break
    return problems


def check(modules=None, offline=False):
    """Return the list of translation problems (empty when all is fine).

    Unless offline, the source strings are collected from an activated
    database, so strings missing from (or obsolete in) the .po files are
    reported too.
    """
    modules = list(modules or default_modules())
    sources = {} if offline else collect_sources(modules)
    problems = []
    for module in modules:
        path = po_path(module)
        current = polib.pofile(str(path)) if path.exists() else []
        if not offline:
            expected = {
                (s['msgctxt'], s['msgid'], s['msgid_plural'])
                for s in sources[module]}
            present = {_key(e) for e in current if not e.obsolete}
            for key in sorted(expected - present):
                problems.append('%s: missing from %s (run export): %s %r'
                    % (module, path.relative_to(ROOT), key[0], key[1]))
            for key in sorted(present - expected):
                problems.append('%s: obsolete in %s (run export): %s %r'
                    % (module, path.relative_to(ROOT), key[0], key[1]))
            # Judge the translations as export would leave them.
            current, _ = merge(module, sources[module], existing=current)
        problems.extend(check_pofile(module, current))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m court_tools.i18n', description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    p_export = sub.add_parser('export', help='refresh the zh_CN.po files')
    p_export.add_argument('modules', nargs='*')
    p_check = sub.add_parser('check',
        help='fail on untranslated, fuzzy or out-of-date entries')
    p_check.add_argument('--offline', action='store_true',
        help='only read the .po files (no database, misses new strings)')
    p_check.add_argument('modules', nargs='*')
    p_collect = sub.add_parser('_collect')  # internal, child process
    p_collect.add_argument('--output', required=True)
    p_collect.add_argument('modules', nargs='+')
    args = parser.parse_args(argv)

    for module in getattr(args, 'modules', []):
        if args.command != '_collect' and not (
                ADDONS / module / 'tryton.cfg').is_file():
            parser.error('unknown module: %s' % module)

    if args.command == '_collect':
        _collect_in_process(args.modules, args.output)
        return 0
    start = time.monotonic()
    if args.command == 'export':
        export(args.modules)
        return 0
    problems = check(args.modules, offline=args.offline)
    for problem in problems:
        print(problem)
    print('%d problem(s) in %.1f s' % (
            len(problems), time.monotonic() - start), file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
