"""Demo data: a believable city of courts, users and parties.

    python -m court_tools.demo -d DBNAME [--seed 2026] [--city 4103]
        [--basic-courts 3] [--parties 300] [--scale city|province]

Deterministic for a given seed.  Courts, counties and townships are real:
they come from the administrative-division data package ``china-division``
(npm, GB/T 2260 codes down to villages), installed beside the web client.
Everything is created in batches (``create([...])`` of hundreds).

Each activated ``court_*`` module may add its own records with a
``demo.py`` that defines ``generate(ctx)``; it is called after the
foundation, in dependency order, with the ``DemoContext`` below.
"""
import argparse
import contextlib
import csv
import datetime as dt
import importlib
import os
import random
import sys
from decimal import Decimal
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIVISION_DIR = Path(os.environ.get(
        'COURT_DIVISION_DATA',
        ROOT / 'var' / 'sao' / 'node_modules' / 'china-division' / 'dist'))
DEMO_PASSWORD = 'court-demo-2026'
BATCH = 500

# province code -> one-character abbreviation used in court codes
PROVINCE_ABBR = {
    '11': '京', '12': '津', '13': '冀', '14': '晋', '15': '蒙', '21': '辽',
    '22': '吉', '23': '黑', '31': '沪', '32': '苏', '33': '浙', '34': '皖',
    '35': '闽', '36': '赣', '37': '鲁', '41': '豫', '42': '鄂', '43': '湘',
    '44': '粤', '45': '桂', '46': '琼', '50': '渝', '51': '川', '52': '贵',
    '53': '云', '54': '藏', '61': '陕', '62': '甘', '63': '青', '64': '宁',
    '65': '新',
    }

# role key -> (court_base group, Chinese title used in the user's name)
ROLES = {
    'clerk': ('group_station_clerk', '调解站登记员'),
    'mediator': ('group_mediator', '特邀调解员'),
    'filing': ('group_filing_officer', '立案庭干警'),
    'judge': ('group_judge', '员额法官'),
    'petition': ('group_petition_officer', '信访干警'),
    'leader': ('group_court_leader', '院领导'),
    'roster': ('group_roster_admin', '名册管理员'),
    'scoring': ('group_scoring_admin', '考核管理员'),
    'supervisor': ('group_superior_supervisor', '上级法院监督员'),
    }
BASIC_ROLES = [r for r in ROLES if r != 'supervisor']
SUPERIOR_ROLES = ['leader', 'supervisor', 'scoring', 'petition']

SURNAMES = (
    '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董'
    '袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟'
    '熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤')
GIVEN = (
    '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰志强'
    '海燕红梅春梅志明丹丹晓东晓峰雪梅文博子涵浩然欣怡宇轩梓萱俊杰淑珍国庆卫东')
ORG_SUFFIX = ['有限公司', '物业服务有限公司', '建筑工程有限公司', '商贸有限公司',
    '农业专业合作社', '小额贷款有限公司', '汽车运输有限公司', '医院']


def _read_csv(name):
    path = DIVISION_DIR / name
    if not path.exists():
        raise SystemExit(
            f"Division data not found at {path}: install the npm package "
            "china-division (./court start does) or set COURT_DIVISION_DATA")
    with path.open(encoding='utf-8') as f:
        return list(csv.DictReader(f))


@dataclass
class Divisions:
    "The administrative divisions of one province, from china-division"
    province: dict
    cities: list
    areas: list
    streets: list

    @classmethod
    def load(cls, province_code):
        provinces = {p['code']: p for p in _read_csv('provinces.csv')}
        return cls(
            province=provinces[province_code],
            cities=[c for c in _read_csv('cities.csv')
                if c['provinceCode'] == province_code],
            areas=[a for a in _read_csv('areas.csv')
                if a['provinceCode'] == province_code],
            streets=[s for s in _read_csv('streets.csv')
                if s['provinceCode'] == province_code])

    def areas_of(self, city_code):
        return [a for a in self.areas if a['cityCode'] == city_code]

    def streets_of(self, area_code):
        return [s for s in self.streets if s['areaCode'] == area_code]


def id_number(rng, area_code, birth, sequence):
    from trytond.modules.court_base.validators import (
        id_number_check_character)
    body = f'{area_code}{birth:%Y%m%d}{sequence:03d}'
    return body + id_number_check_character(body)


def credit_code(rng, area_code):
    from stdnum.cn import uscc
    body = '91' + area_code + ''.join(
        rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY') for _ in range(9))
    return body + uscc.calc_check_digit(body)


def mobile(rng):
    return rng.choice(['13', '15', '17', '18', '19']) + ''.join(
        rng.choice('0123456789') for _ in range(9))


@dataclass
class DemoContext:
    "What the foundation built, handed to each module's demo generator"
    rng: random.Random
    scale: str
    high_court: object = None
    intermediate_courts: list = field(default_factory=list)
    basic_courts: list = field(default_factory=list)
    tribunals: list = field(default_factory=list)
    # court id -> {role key: res.user}
    users: dict = field(default_factory=dict)
    persons: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    # basic court id -> list of township rows (dict with code, name)
    townships: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)


def _create(Model, vlist):
    records = []
    for i in range(0, len(vlist), BATCH):
        records.extend(Model.create(vlist[i:i + BATCH]))
    return records


def _court_values(Party, name, level, code, division, superior, currency):
    party, = Party.create([{'name': name, 'party_kind': 'organisation'}])
    return {
        'party': party.id,
        'currency': currency.id,
        'court_level': level,
        'court_code': code,
        'division_code': division,
        'superior': superior.id if superior else None,
        'timezone': 'Asia/Shanghai',
        }


def build_courts(ctx, divisions, city_codes, basic_per_city,
        tribunals_per_court):
    pool = _pool()
    Company = pool.get('company.company')
    Party = pool.get('party.party')
    currency = _currency()
    abbr = PROVINCE_ABBR[divisions.province['code']]
    pname = divisions.province['name']
    ctx.high_court, = Company.create([_court_values(
                Party, f'{pname.rstrip("省市")}省高级人民法院'
                if pname.endswith('省') else f'{pname}高级人民法院',
                'high', abbr, divisions.province['code'], None, currency)])
    cities = {c['code']: c for c in divisions.cities}
    for city_code in city_codes:
        city = cities[city_code]
        city_name = city['name'] if city['name'] != '市辖区' else pname
        intermediate, = Company.create([_court_values(
                    Party, f'{city_name}中级人民法院', 'intermediate',
                    abbr + city_code[2:], city_code, ctx.high_court,
                    currency)])
        ctx.intermediate_courts.append(intermediate)
        areas = [a for a in divisions.areas_of(city_code)
            if divisions.streets_of(a['code'])]
        for area in areas[:basic_per_city]:
            basic, = Company.create([_court_values(
                        Party, f'{city_name}{area["name"]}人民法院', 'basic',
                        abbr + area['code'][2:], area['code'],
                        intermediate, currency)])
            ctx.basic_courts.append(basic)
            streets = divisions.streets_of(area['code'])
            ctx.townships[basic.id] = streets
            for street in streets[:tribunals_per_court]:
                short = street['name']
                for suffix in ('街道办事处', '街道', '镇', '乡'):
                    if short.endswith(suffix) and len(short) > len(suffix):
                        short = short[:-len(suffix)]
                        break
                tribunal, = Company.create([_court_values(
                            Party, f'{basic.party.name}{short}人民法庭',
                            'tribunal', None, street['code'], basic,
                            currency)])
                ctx.tribunals.append(tribunal)


def build_users(ctx, with_users_for):
    pool = _pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Lang = pool.get('ir.lang')
    lang, = Lang.search([('code', '=', 'zh_CN')])
    group_ids = {
        key: ModelData.get_id('court_base', group)
        for key, (group, _) in ROLES.items()}
    vlist, owners = [], []
    for court, roles in with_users_for:
        division = court.division_code
        for role in roles:
            login = f'{role}_{division}'
            title = ROLES[role][1]
            vlist.append({
                    'name': f'{court.party.name}{title}',
                    'login': login,
                    'password': DEMO_PASSWORD,
                    'groups': [('add', [group_ids[role]])],
                    'companies': [('add', [court.id])],
                    'company': court.id,
                    'language': lang.id,
                    })
            owners.append((court, role, login))
    users = _create(User, vlist)
    for (court, role, login), user in zip(owners, users):
        ctx.users.setdefault(court.id, {})[role] = user
        ctx.logins.append((court.party.name, ROLES[role][1], login))


def build_parties(ctx, count):
    pool = _pool()
    Party = pool.get('party.party')
    rng = ctx.rng
    areas = [c.division_code for c in ctx.basic_courts] or ['110101']
    persons, organisations = [], []
    used = set()
    n_orgs = max(1, count // 10)
    for i in range(count - n_orgs):
        area = rng.choice(areas)
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
        while True:
            number = id_number(rng, area, birth, rng.randrange(1000))
            if number not in used:
                used.add(number)
                break
        persons.append({
                'name': rng.choice(SURNAMES) + rng.choice(GIVEN)
                + (rng.choice(GIVEN) if rng.random() < 0.4 else ''),
                'party_kind': 'person',
                'id_number': number,
                'mobile_number': mobile(rng),
                })
    for i in range(n_orgs):
        area = rng.choice(areas)
        while True:
            code = credit_code(rng, area)
            if code not in used:
                used.add(code)
                break
        organisations.append({
                'name': f'{rng.choice(SURNAMES)}{rng.choice(GIVEN)}'
                f'{rng.choice(ORG_SUFFIX)}',
                'party_kind': 'organisation',
                'credit_code': code,
                'mobile_number': mobile(rng),
                })
    ctx.persons = _create(Party, persons)
    ctx.organisations = _create(Party, organisations)


def _pool():
    from trytond.pool import Pool
    return Pool()


def _currency():
    Currency = _pool().get('currency.currency')
    currencies = Currency.search([('code', '=', 'CNY')])
    if currencies:
        return currencies[0]
    currency, = Currency.create([{
                'name': '人民币', 'code': 'CNY', 'symbol': '¥',
                'numeric_code': '156', 'rounding': Decimal('0.01'),
                'digits': 2}])
    return currency


def _finish_setup():
    "Mark the configuration wizard done, set the admin's language"
    pool = _pool()
    Item = pool.get('ir.module.config_wizard.item')
    User = pool.get('res.user')
    Lang = pool.get('ir.lang')
    Item.write(Item.search([]), {'state': 'done'})
    lang, = Lang.search([('code', '=', 'zh_CN')])
    admin, = User.search([('login', '=', 'admin')])
    courts = _pool().get('company.company').search(
        [('court_level', '!=', None)], order=[('id', 'ASC')])
    User.write([admin], {
            'language': lang.id,
            'companies': [('add', [c.id for c in courts])],
            'company': courts[0].id if courts else None,
            })


def _module_generators():
    from trytond.modules import create_graph, get_modules
    pool = _pool()
    Module = pool.get('ir.module')
    activated = {m.name for m in Module.search([('state', '=', 'activated')])}
    for node in create_graph(get_modules()):
        name = node.name
        if name.startswith('court_') and name in activated:
            try:
                module = importlib.import_module(
                    f'trytond.modules.{name}.demo')
            except ModuleNotFoundError:
                continue
            yield name, module


def generate(database, seed=2026, scale='city', city='4103',
        basic_courts=3, tribunals=2, parties=300, verbose=True):
    """Fill the database with the demo city (or province) and return the
    list of demo logins (court, role title, login)."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool(database).init()
    rng = random.Random(seed)
    ctx = DemoContext(rng=rng, scale=scale)
    province = city[:2]
    divisions = Divisions.load(province)
    if scale == 'province':
        city_codes = [c['code'] for c in divisions.cities]
        per_city = max(1, -(-basic_courts // max(1, len(city_codes))))
    else:
        city_codes = [city]
        per_city = basic_courts
    with Transaction().start(database, 0, context={'language': 'zh_CN'}):
        pool = Pool()
        Company = pool.get('company.company')
        if Company.search([('court_level', '!=', None)], limit=1):
            raise SystemExit(f"{database} already has courts: demo data "
                "is loaded once, on a new database")
        build_courts(ctx, divisions, city_codes, per_city, tribunals)
        with_users = [(c, SUPERIOR_ROLES) for c in ctx.intermediate_courts]
        with_users += [(c, BASIC_ROLES) for c in ctx.basic_courts]
        build_users(ctx, with_users)
        build_parties(ctx, parties)
        _finish_setup()
        modules = list(_module_generators())
        # what other modules' data needs first (court_grid: the areas,
        # that the stations court_mediation creates are placed in)
        for name, module in modules:
            if hasattr(module, 'prepare'):
                module.prepare(ctx)
        for name, module in modules:
            if verbose:
                print(f"demo: {name}", file=sys.stderr)
            module.generate(ctx)
        Transaction().commit()
    if verbose:
        print(f"demo: {1 + len(ctx.intermediate_courts)} superior courts, "
            f"{len(ctx.basic_courts)} basic courts, {len(ctx.tribunals)} "
            f"tribunals, {len(ctx.logins)} users, {len(ctx.persons)} "
            f"persons, {len(ctx.organisations)} organisations",
            file=sys.stderr)
    return ctx.logins


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default=None)
    parser.add_argument('--seed', type=int, default=2026)
    parser.add_argument('--scale', choices=['city', 'province'],
        default='city')
    parser.add_argument('--city', default='4103',
        help="city division code (default 4103: 洛阳市)")
    parser.add_argument('--basic-courts', type=int, default=3,
        help="basic courts (per city; in total for --scale province)")
    parser.add_argument('--tribunals', type=int, default=2,
        help="people's tribunals per basic court")
    parser.add_argument('--parties', type=int, default=300)
    args = parser.parse_args(argv)
    from trytond import config
    config.update_etc(args.config)
    # standard output is the list of logins (./court keeps it in
    # var/db/logins.txt): what the modules' generators print goes to
    # standard error
    with contextlib.redirect_stdout(sys.stderr):
        logins = generate(args.database, seed=args.seed, scale=args.scale,
            city=args.city, basic_courts=args.basic_courts,
            tribunals=args.tribunals, parties=args.parties)
    # one line a demo user: court, role, login (tab separated)
    for court, role, login in logins:
        print(f'{court}\t{role}\t{login}')


if __name__ == '__main__':
    main()
