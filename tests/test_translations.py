"""The zh_CN translations of the court_* modules are complete.

Runs the ``check`` of ``court_tools.i18n``: the modules are activated in a
throw-away SQLite database (in a child process, ~10 s) and every source
string must have a non-fuzzy Chinese translation in the module's
locale/zh_CN.po.  To fix a failure: ``python -m court_tools.i18n export``,
then translate the empty msgstr (see doc/translations.md).
"""
import polib

from court_tools import i18n


def _entry(msgctxt, msgid, msgstr='', flags=()):
    return polib.POEntry(
        msgctxt=msgctxt, msgid=msgid, msgstr=msgstr, flags=list(flags))


def test_translations_complete():
    problems = i18n.check()
    assert not problems, (
        '%d translation problem(s); run "python -m court_tools.i18n export" '
        'and translate:\n%s' % (len(problems), '\n'.join(problems)))


def test_every_module_has_translations():
    for module in i18n.default_modules():
        assert i18n.po_path(module).is_file(), module


def test_check_reports_bad_entries():
    pofile = polib.POFile()
    pofile.extend([
            _entry('field:party.party,id_number:', 'Resident ID Number',
                '居民身份证号码'),
            _entry('model:res.group,name:group_judge', 'Judge'),
            _entry('model:ir.ui.menu,name:menu_x', 'Grid', '网格',
                flags=['fuzzy']),
            _entry('model:ir.message,text:msg_x', 'The court "%(court)s".',
                '法院。', flags=['python-format']),
            _entry('model:ir.message,text:msg_y', '"%(a)s" of "%(b)s"',
                '“%(b)s”的“%(a)s”', flags=['python-format']),
            ])
    problems = i18n.check_pofile('court_x', pofile)
    assert len(problems) == 3, problems
    text = '\n'.join(problems)
    assert 'untranslated: model:res.group,name:group_judge' in text
    assert 'fuzzy: model:ir.ui.menu,name:menu_x' in text
    assert 'placeholders differ (expected %(court)s): ' \
        'model:ir.message,text:msg_x' in text


def test_merge_keeps_adds_drops_and_flags_rewording():
    existing = polib.POFile()
    existing.extend([
            _entry('field:m,a:', 'A', '甲'),
            _entry('field:m,b:', 'Old B', '乙'),
            _entry('field:m,gone:', 'Gone', '无'),
            _entry('selection:m,s:', 'Old', '旧'),
            ])

    def source(msgctxt, msgid):
        return {'msgctxt': msgctxt, 'msgid': msgid, 'msgid_plural': '',
            'flags': []}
    pofile, stats = i18n.merge('court_x', [
            source('selection:m,s:', 'New'),
            source('field:m,b:', 'New B'),
            source('field:m,a:', 'A'),
            source('field:m,c:', 'C'),
            ], existing=existing)
    got = [(e.msgctxt, e.msgid, e.msgstr, 'fuzzy' in e.flags) for e in pofile]
    assert got == [
        ('field:m,a:', 'A', '甲', False),
        ('field:m,b:', 'New B', '乙', True),
        ('field:m,c:', 'C', '', False),
        ('selection:m,s:', 'New', '', False),
        ]
    assert stats == {'kept': 1, 'added': 2, 'fuzzy': 1, 'dropped': 2}
