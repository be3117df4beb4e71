# This file is part of the court platform.  See LICENSE.
"""Demo data of court_mediation: stations, the city roster of invited
mediation organisations and mediators, and pre-litigation mediation
cases for every basic court since the first of January of last year (more
of them lately).

Called by ``court_tools.demo`` (``generate(ctx)``) inside its transaction,
as root.  Everything is created in batches, dates are relative to today and
every random choice comes from ``ctx.rng`` (deterministic for a seed)."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.modules.court_base import workday
from trytond.pool import Pool

BATCH = 500
CASES_PER_COURT = 250
MEDIATORS_PER_COURT = 15
# how much more often a full-time mediator is chosen than an occasional one
FULL_TIME_WEIGHT = 24

# dispute type code -> weight (of the cases received)
DISPUTE_WEIGHTS = {
    'adjacency': 8, 'homestead': 4, 'neighbour': 3,
    'divorce': 5, 'post_divorce_property': 2, 'child_support': 2,
    'elder_support': 3, 'inheritance': 3, 'family_property': 2,
    'labour_pay': 6, 'labour_contract': 3, 'work_injury': 2,
    'labour_service_contract': 2, 'labour_service_injury': 1,
    'road_traffic': 10,
    'private_lending': 13,
    'property_service': 9,
    'sale': 3, 'lease': 3, 'house_sale': 1, 'construction': 1,
    'work_contract': 1, 'service_contract': 1,
    'financial_loan': 1, 'credit_card': 1, 'insurance': 1,
    'online_shopping': 1, 'consumer': 1,
    'personal_injury': 2, 'property_damage': 2,
    'land_contract': 1, 'medical': 1, 'other': 1,
    }
# the types of the few cases found not mediable at triage
NOT_MEDIABLE = ['marriage_validity', 'special_procedure', 'payment_order']

ORGANISATIONS = [
    # (kind, name pattern)
    ('people', '{city}人民调解委员会'),
    ('people', '{county}人民调解委员会'),
    ('industry', '{city}医疗纠纷人民调解委员会'),
    ('industry', '{city}道路交通事故纠纷人民调解委员会'),
    ('industry', '{city}物业纠纷调解委员会'),
    ('administrative', '{city}劳动人事争议调解中心'),
    ('lawyer', '{city}律师协会律师调解中心'),
    ('commercial', '{city}商事调解中心'),
    ('studio', '{surname}大姐调解工作室'),
    ]
SUSPEND_REASONS = ['年度考核不合格，暂停接案', '因身体原因申请暂停调解工作',
    '当事人投诉查实，暂停调解资格']
REMOVE_REASONS = ['本人申请退出名册', '聘期内多次无故拒绝接案', '工作调动，不再担任特邀调解员']
REASSIGN_REASONS = ['当事人申请回避', '原调解员请假', '案件专业性强，改派专业调解员']
TRAININGS = ['特邀调解员岗前培训', '诉前调解业务培训', '在线调解平台操作培训',
    '婚姻家庭纠纷调解技巧专题培训', '道路交通事故纠纷调解专题培训']

FACTS = {
    'neighbour': '申请人{a}与被申请人{r}系邻居，双方因{thing}问题多次发生争执，'
    '经村（社区）调解未果。申请人请求被申请人{claim}。',
    'marriage_family': '申请人{a}与被申请人{r}系{relation}关系，因{thing}产生纠纷，'
    '申请人请求{claim}。',
    'labour': '申请人{a}自{start}起在被申请人{r}处工作，{thing}。申请人请求被申请人'
    '支付{amount}元。',
    'labour_service': '申请人{a}为被申请人{r}提供劳务，{thing}。申请人请求被申请人'
    '赔偿（支付）{amount}元。',
    'road_traffic': '{date}，被申请人{r}驾驶的小型轿车与申请人{a}发生碰撞，'
    '造成申请人受伤、车辆受损。交警部门认定被申请人负事故主要责任。申请人请求'
    '赔偿医疗费、误工费、车辆维修费等共计{amount}元。',
    'private_lending': '被申请人{r}于{date}向申请人{a}借款{amount}元，约定'
    '{months}个月内归还，并出具借条一张。借款到期后，经申请人多次催要，被申请人'
    '至今未还。申请人请求被申请人归还借款本金{amount}元及利息。',
    'property_service': '申请人{a}为某小区提供物业服务，被申请人{r}系该小区业主，'
    '自{start}起未缴纳物业服务费。申请人请求被申请人支付物业服务费{amount}元。',
    'contract': '申请人{a}与被申请人{r}于{date}签订{contract}，申请人已依约履行，'
    '被申请人未按约定{thing}。申请人请求被申请人支付{amount}元并承担违约责任。',
    'finance': '被申请人{r}与申请人{a}签订合同，后未按约定履行还款（赔付）义务，'
    '尚欠{amount}元。申请人请求被申请人偿还（赔付）{amount}元。',
    'consumer': '申请人{a}于{date}在被申请人{r}处购买商品（服务），发现存在质量问题，'
    '协商退换未果。申请人请求退款并赔偿{amount}元。',
    'tort': '{date}，被申请人{r}{thing}，造成申请人{a}损失。申请人请求被申请人'
    '赔偿{amount}元。',
    'land': '申请人{a}与被申请人{r}因土地承包经营权流转发生纠纷，被申请人未按约定'
    '支付流转费用{amount}元。申请人请求被申请人支付并继续履行合同。',
    'medical': '申请人{a}在被申请人{r}处就诊治疗后出现并发症，申请人认为被申请人存在'
    '诊疗过错，请求赔偿{amount}元。',
    'other': '申请人{a}与被申请人{r}因{thing}发生纠纷，请求依法调解处理。',
    'not_mediable': '申请人{a}与被申请人{r}之间的身份关系（程序）事项，申请人请求确认。',
    }
NEIGHBOUR_THINGS = [('排水', '疏通排水沟，停止向申请人院内排水'),
    ('通行', '拆除占用的通道，恢复通行'), ('采光', '降低加盖房屋高度，恢复采光'),
    ('宅基地界址', '按原界址拆除越界围墙'), ('噪音', '停止夜间施工噪音扰民')]
FAMILY = {
    'divorce': ('夫妻', '感情不和', '与被申请人离婚，婚生子女由申请人抚养'),
    'post_divorce_property': ('前夫妻', '离婚后财产分割', '分割离婚时未处理的房产'),
    'child_support': ('父子（母子）', '抚养费给付', '被申请人按月支付抚养费'),
    'elder_support': ('父母子女', '赡养费给付', '被申请人按月支付赡养费并承担医疗费用'),
    'inheritance': ('兄弟姐妹', '父母遗产继承', '依法分割父母遗留房产'),
    'family_property': ('家庭成员', '分家析产', '依法分割家庭共有房产'),
    }
LABOUR_THINGS = ['被申请人拖欠工资至今未付', '被申请人未签订书面劳动合同即解除劳动关系',
    '工作中受伤，被认定为工伤后被申请人未支付工伤保险待遇']
TORT_THINGS = ['饲养的犬只将申请人咬伤', '装修时造成楼下申请人房屋漏水',
    '在经营场所内未尽安全保障义务致申请人摔伤']
CONTRACTS = {
    'sale': ('买卖合同', '支付货款'), 'lease': ('房屋租赁合同', '支付租金'),
    'house_sale': ('房屋买卖合同', '办理过户手续'),
    'construction': ('施工合同', '支付工程款'),
    'work_contract': ('承揽合同', '支付加工费'),
    'service_contract': ('服务合同', '支付服务费'),
    }
AMOUNTS = {
    # family code -> (minimal, maximal, chance of no amount)
    'neighbour': (2000, 30000, 0.6),
    'marriage_family': (10000, 400000, 0.4),
    'labour': (3000, 90000, 0),
    'labour_service': (5000, 150000, 0),
    'road_traffic': (5000, 350000, 0),
    'private_lending': (10000, 900000, 0),
    'property_service': (800, 12000, 0),
    'contract': (10000, 1500000, 0),
    'finance': (5000, 600000, 0),
    'consumer': (500, 30000, 0),
    'tort': (3000, 120000, 0),
    'land': (5000, 80000, 0),
    'medical': (20000, 600000, 0),
    'other': (1000, 50000, 0.5),
    'not_mediable': (0, 0, 1),
    }
# organisations likely on the respondent side, by family code
ORG_RESPONDENT = {
    'property_service': ('物业', 1.0, 'applicant'),
    'labour': ('有限公司', 0.9, 'respondent'),
    'labour_service': ('建筑工程', 0.5, 'respondent'),
    'finance': ('小额贷款', 1.0, 'applicant'),
    'contract': ('有限公司', 0.5, 'respondent'),
    'consumer': ('商贸', 0.9, 'respondent'),
    'medical': ('医院', 1.0, 'respondent'),
    'road_traffic': ('汽车运输', 0.2, 'respondent'),
    }
FAILED_POINTS = ['双方对赔偿数额分歧较大', '被申请人否认借款事实', '双方对责任比例存在争议',
    '被申请人表示无力一次性履行，申请人不同意分期', '双方对房屋归属各执一词']


def _create(Model, vlist):
    records = []
    for i in range(0, len(vlist), BATCH):
        records.extend(Model.create(vlist[i:i + BATCH]))
    return records


def _family(dispute_type):
    "The code of the top-level type"
    while dispute_type.parent:
        dispute_type = dispute_type.parent
    if dispute_type.not_mediable:
        return 'not_mediable'
    return dispute_type.code


def _short(name):
    for suffix in ('街道办事处', '街道', '镇', '乡'):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def _weighted(rng, weights):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _weekday(rng, date, today):
    "Move most weekend dates to a weekday (cases come on working days)"
    if date.weekday() >= 5 and rng.random() < 0.8:
        date -= dt.timedelta(days=date.weekday() - 4)
    return min(date, today)


def _money(rng, low, high):
    # log-uniform: small amounts are the most frequent
    value = low * (high / low) ** rng.random()
    step = 100 if value >= 10000 else 10
    return Decimal(int(value // step * step)).quantize(Decimal('0.01'))


class _Builder:
    def __init__(self, ctx):
        pool = Pool()
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = dt.date.today()
        self.pool = pool
        DisputeType = pool.get('court.dispute.type')
        self.types = {t.code: t for t in DisputeType.search([])}
        self.stations = {}        # court id -> [station]
        self.windows = {}         # court id -> station
        self.mediators = []       # dicts, see build_roster
        self.case_count = 0
        self.session_count = 0
        # judicial confirmations planned, by court: one in five is filed
        # on paper, by count rather than by chance, so that every court's
        # online share (B11) stays strictly between 0 and 100% whatever
        # the day's draw
        self.confirmations = {}

    # stations
    def build_stations(self):
        Station = self.pool.get('court.station')
        vlist, owners = [], []
        for court in self.ctx.basic_courts:
            townships = self.ctx.townships.get(court.id) or []
            count = min(len(townships), self.rng.choice([3, 4]))
            clerk = self.ctx.users.get(court.id, {}).get('clerk')
            for i, township in enumerate(townships[:count]):
                values = {
                    'company': court.id,
                    'name': f'{township["name"]}诉调对接工作站',
                    'kind': 'mediation_station',
                    'division_code': township['code'],
                    'address': f'{court.party.name[:-4]}'
                    f'{_short(township["name"])}综治中心一楼',
                    'phone': f'0379-6{self.rng.randrange(1000000):07d}',
                    }
                if i == 0 and clerk:
                    values['users'] = [('add', [clerk.id])]
                vlist.append(values)
                owners.append((court, 'station'))
            vlist.append({
                    'company': court.id,
                    'name': f'{court.party.name}诉讼服务中心调解窗口',
                    'kind': 'court_window',
                    'division_code': court.division_code,
                    'address': f'{court.party.name}诉讼服务中心',
                    })
            owners.append((court, 'window'))
        for (court, kind), station in zip(owners, _create(Station, vlist)):
            if kind == 'window':
                self.windows[court.id] = station
            else:
                self.stations.setdefault(court.id, []).append(station)

    # roster
    def build_roster(self):
        pool = self.pool
        Organisation = pool.get('court.mediation.organisation')
        Agreement = pool.get('court.mediation.agreement')
        Mediator = pool.get('court.mediator')
        Change = pool.get('court.mediator.state_change')
        Appointment = pool.get('court.mediator.appointment')
        Training = pool.get('court.mediator.training')
        Appraisal = pool.get('court.mediator.appraisal')
        rng, today = self.rng, self.today
        year_start = dt.date(today.year, 1, 1)
        from court_tools.demo import SURNAMES
        persons = list(self.ctx.persons)
        rng.shuffle(persons)
        self.mediator_persons = set()

        org_values, org_courts = [], []
        for intermediate in self.ctx.intermediate_courts:
            basics = [c for c in self.ctx.basic_courts
                if c.superior and c.superior.id == intermediate.id]
            city = intermediate.party.name.replace('中级人民法院', '')
            county = (basics[0].party.name.replace('人民法院', '')
                if basics else city)
            names = set()
            for kind, pattern in ORGANISATIONS:
                name = pattern.format(city=city, county=county,
                    surname=rng.choice(SURNAMES))
                if name in names:
                    continue
                names.add(name)
                org_values.append({
                        'company': intermediate.id,
                        'name': name,
                        'kind': kind,
                        'contact': rng.choice(SURNAMES) + rng.choice(
                            ['主任', '秘书长', '老师']),
                        'phone': f'0379-6{rng.randrange(1000000):07d}',
                        'address': f'{city}{rng.choice(["开元大道", "中州中路", "九都路", "王城大道"])}'
                        f'{rng.randrange(1, 400)}号',
                        })
                org_courts.append((intermediate, basics))
        organisations = _create(Organisation, org_values)
        orgs_of = defaultdict(list)
        for org, (intermediate, basics) in zip(organisations, org_courts):
            orgs_of[intermediate.id].append(org)

        # agreements: each basic court with 5-7 organisations in force, the
        # others expired (and some renewed)
        agreements = []
        for intermediate in self.ctx.intermediate_courts:
            orgs = orgs_of[intermediate.id]
            for court in self.ctx.basic_courts:
                if not court.superior or court.superior.id != intermediate.id:
                    continue
                valid = set(rng.sample(range(len(orgs)),
                        min(len(orgs), rng.randint(5, 7))))
                for i, org in enumerate(orgs):
                    signed = today - dt.timedelta(days=rng.randint(400, 1000))
                    start = signed + dt.timedelta(days=rng.randint(0, 15))
                    if i in valid:
                        if rng.random() < 0.3:
                            # renewed: an expired agreement, then a new one
                            end = start + dt.timedelta(days=364)
                            agreements.append(self._agreement(
                                    org, court, signed, start, end))
                            signed = end - dt.timedelta(days=10)
                            start = end + dt.timedelta(days=1)
                        agreements.append(self._agreement(
                                org, court, signed, start,
                                start + dt.timedelta(days=3 * 365 - 1)
                                if rng.random() < 0.6 else None))
                    else:
                        end = today - dt.timedelta(days=rng.randint(20, 300))
                        start = min(start, end - dt.timedelta(days=364))
                        signed = min(signed, start)
                        agreements.append(self._agreement(
                                org, court, signed, start, end))
        _create(Agreement, agreements)

        # mediators: about 15 for each basic court, on the city roster
        values, infos = [], []
        for court in self.ctx.basic_courts:
            intermediate = court.superior
            if not intermediate:
                continue
            orgs = orgs_of[intermediate.id]
            townships = self.ctx.townships.get(court.id) or []
            for i in range(MEDIATORS_PER_COURT):
                if not persons:
                    break
                person = persons.pop()
                self.mediator_persons.add(person.id)
                roll = rng.random()
                if i == 0:
                    profile = 'veteran'   # the one the demo user logs in as
                elif roll < 0.06:
                    profile = 'candidate'
                elif roll < 0.26:
                    profile = 'new'
                elif roll < 0.34:
                    profile = 'suspended'
                elif roll < 0.40:
                    profile = 'removed'
                elif roll < 0.45:
                    profile = 'reinstated'
                else:
                    profile = 'veteran'
                if profile == 'candidate':
                    join = None
                elif profile == 'new':
                    first = max(year_start, today - dt.timedelta(days=320))
                    join = first + dt.timedelta(days=rng.randint(
                            0, max(0, (today - first).days - 20)))
                else:
                    join = today - dt.timedelta(days=rng.randint(330, 730))
                    join = min(join, year_start - dt.timedelta(days=1))
                # (from_state cannot be empty: no row for the application)
                changes = []
                inactive = []     # (from, to) periods without cases
                state = 'candidate'
                if join:
                    changes.append((join, 'candidate', 'active', None))
                    state = 'active'
                if profile in ('suspended', 'removed', 'reinstated'):
                    date = join + dt.timedelta(days=rng.randint(
                            90, max(91, (today - join).days - 10)))
                    to_state = ('removed' if profile == 'removed'
                        else 'suspended')
                    reason = rng.choice(REMOVE_REASONS if to_state == 'removed'
                        else SUSPEND_REASONS)
                    changes.append((date, 'active', to_state, reason))
                    state = to_state
                    end = None
                    if profile == 'reinstated':
                        end = min(today, date + dt.timedelta(
                                days=rng.randint(30, 90)))
                        changes.append((end, 'suspended', 'active',
                                '暂停期满，考核合格恢复'))
                        state = 'active'
                    inactive.append((date, end))
                org = rng.choice(orgs) if orgs and rng.random() < 0.85 else None
                codes = rng.sample(townships, min(len(townships),
                        rng.choice([1, 1, 2, 3])))
                specialities = self._specialities(org)
                values.append({
                        'company': intermediate.id,
                        'party': person.id,
                        'organisation': org.id if org else None,
                        'studio': (f'{person.name}调解工作室'
                            if org and org.kind == 'studio' else None),
                        'division_codes': ' '.join(
                            t['code'] for t in codes) or None,
                        # every mediator is created active (cases refer
                        # only to active mediators); the later states are
                        # written once the cases exist
                        'state': 'candidate' if state == 'candidate'
                        else 'active',
                        'join_date': join,
                        'term_end': (join.replace(year=join.year + 3)
                            if join and not (join.month == 2
                                and join.day == 29) else None),
                        })
                infos.append({
                        'court': court, 'profile': profile, 'state': state,
                        'join': join, 'changes': changes,
                        'inactive': inactive, 'specialities': specialities,
                        'end': (changes[-1][0] if state == 'removed'
                            else None),
                        'courts': [court],
                        })
        # two veterans of each court work full time at the court's
        # mediation room and take most of its cases (as in the courts the
        # seeds describe): they are the mediators who reach 5 cases a month
        # (B2); the rest are occasional
        full_time = defaultdict(int)
        for info in infos:
            if (info['profile'] == 'veteran' and info is not next(
                        i for i in infos if i['court'] == info['court'])
                    and full_time[info['court'].id] < 2):
                full_time[info['court'].id] += 1
                info['full_time'] = True
        mediators = _create(Mediator, values)
        for mediator, info in zip(mediators, infos):
            info['record'] = mediator
        # a few mediators also appointed by the neighbouring court
        basics = self.ctx.basic_courts
        for info in infos:
            if (len(basics) > 1 and info['join'] and info['profile'] != 'veteran'
                    and rng.random() < 0.15):
                other = basics[(basics.index(info['court']) + 1) % len(basics)]
                if other.superior == info['court'].superior:
                    info['courts'].append(other)
        self.mediators = [i for i in infos if i['join']]

        Link = pool.get('court.mediator-court.dispute.type')
        links, changes, appointments, trainings, appraisals = (
            [], [], [], [], [])
        for info in infos:
            mediator = info['record']
            for dispute_type in info['specialities']:
                links.append({'mediator': mediator.id,
                        'dispute_type': dispute_type.id})
            for date, from_state, to_state, reason in info['changes']:
                changes.append({'mediator': mediator.id, 'date': date,
                        'from_state': from_state, 'to_state': to_state,
                        'reason': reason})
            if not info['join']:
                continue
            for court in info['courts']:
                appointments.append({'mediator': mediator.id,
                        'company': court.id, 'date_start': info['join'],
                        'date_end': info['end']})
            trainings.append({'mediator': mediator.id,
                    'date': info['join'] + dt.timedelta(days=rng.randint(
                            0, 10)), 'title': TRAININGS[0],
                    'hours': Decimal('16.0')})
            if (today - info['join']).days > 200 and rng.random() < 0.7:
                trainings.append({'mediator': mediator.id,
                        'date': info['join'] + dt.timedelta(
                            days=rng.randint(100, (today - info['join']).days)),
                        'title': rng.choice(TRAININGS[1:]),
                        'hours': Decimal(rng.choice(['4.0', '6.0', '8.0']))})
            if info['join'].year < today.year and info['state'] != 'removed':
                result = _weighted(rng, {'excellent': 2, 'competent': 6,
                        'basic': 1, 'incompetent': 0.3})
                score = {'excellent': 92, 'competent': 82, 'basic': 68,
                    'incompetent': 52}[result] + rng.randint(-3, 5)
                appraisals.append({'mediator': mediator.id,
                        'year': today.year - 1, 'result': result,
                        'score': Decimal(score)})
        _create(Link, links)
        _create(Change, changes)
        _create(Appointment, appointments)
        _create(Training, trainings)
        _create(Appraisal, appraisals)

        # the demo mediator user of each basic court is its first mediator
        self.user_mediator = {}
        for info in self.mediators:
            court = info['court']
            user = self.ctx.users.get(court.id, {}).get('mediator')
            if (user and court.id not in self.user_mediator
                    and info['state'] == 'active'
                    and len(info['courts']) == 1):
                self.user_mediator[court.id] = info
                info['user'] = user
        for info in self.user_mediator.values():
            Mediator.write([info['record']], {'user': info['user'].id})
        self.mediator_count = len(mediators)
        self.organisation_count = len(organisations)
        self.agreement_count = len(agreements)

    def _agreement(self, org, court, signed, start, end):
        return {
            'organisation': org.id,
            'company': court.id,
            'signed_date': signed,
            'start_date': start,
            'end_date': end,
            'notes': '诉调对接工作协议（特邀调解）' if end is None or (
                end >= self.today) else '协议期满未续签',
            }

    def _specialities(self, org):
        types = self.types
        by_kind = {
            'industry': ['medical', 'road_traffic', 'property_service'],
            'administrative': ['labour', 'land'],
            'lawyer': ['private_lending', 'contract', 'finance'],
            'commercial': ['contract', 'finance', 'sale'],
            }
        codes = list(by_kind.get(org.kind if org else None, []))
        pool = ['neighbour', 'marriage_family', 'private_lending', 'labour',
            'road_traffic', 'property_service', 'contract', 'inheritance']
        codes += self.rng.sample(pool, self.rng.randint(1, 2))
        codes = [c for c in dict.fromkeys(codes) if c in types]
        return [types[c] for c in codes[:3]]

    # cases
    def _available(self, court, date, now_active=False):
        result = []
        for info in self.mediators:
            if court not in info['courts'] or info['join'] > date:
                continue
            if now_active and info['state'] != 'active':
                continue
            if any(start <= date and (end is None or date < end)
                    for start, end in info['inactive']):
                continue
            weight = 4 if info.get('user') and court == info['court'] else 1
            if info.get('full_time') and court == info['court']:
                weight = FULL_TIME_WEIGHT
            if any(s.id in self._type_ids for s in info['specialities']):
                weight *= 2
            result.append((info, weight))
        return result

    def _pick_mediator(self, court, date, dispute_type, now_active=False,
            exclude=None):
        ids, type_ = set(), dispute_type
        while type_:
            ids.add(type_.id)
            type_ = type_.parent
        self._type_ids = ids
        candidates = [(i, w) for i, w in self._available(
                court, date, now_active) if i is not exclude]
        if not candidates:
            candidates = [(i, 1) for i in self.mediators
                if court in i['courts'] and i['state'] == 'active'
                and i is not exclude]
        if not candidates:
            return None
        infos, weights = zip(*candidates)
        return self.rng.choices(infos, weights=weights)[0]

    def _parties(self, family, court):
        rng = self.rng
        persons = [p for p in self.ctx.persons
            if p.id not in self.mediator_persons] or self.ctx.persons
        orgs = self.ctx.organisations
        applicants = [rng.choice(persons)]
        respondents = [rng.choice(persons)]
        while respondents[0] == applicants[0]:
            respondents = [rng.choice(persons)]
        if family in ORG_RESPONDENT and orgs:
            word, chance, side = ORG_RESPONDENT[family]
            if rng.random() < chance:
                fitting = [o for o in orgs if word in o.name] or orgs
                org = rng.choice(fitting)
                if side == 'applicant':
                    applicants = [org]
                else:
                    respondents = [org]
        insurers = [o for o in orgs if '保险' in o.name]
        if family == 'road_traffic' and insurers and rng.random() < 0.6:
            respondents.append(rng.choice(insurers))
        if family in ('marriage_family', 'neighbour') and rng.random() < 0.1:
            extra = rng.choice(persons)
            if extra not in applicants + respondents:
                respondents.append(extra)
        if family == 'labour' and rng.random() < 0.15:
            for _ in range(rng.randint(1, 3)):
                extra = rng.choice(persons)
                if extra not in applicants + respondents:
                    applicants.append(extra)
        return applicants, respondents

    def _facts(self, family, code, applicants, respondents, amount, received):
        rng = self.rng
        a = '、'.join(p.name for p in applicants)
        r = '、'.join(p.name for p in respondents)
        before = received - dt.timedelta(days=rng.randint(20, 300)
            if family in ('road_traffic', 'tort', 'medical')
            else rng.randint(60, 900))
        values = {
            'a': a, 'r': r, 'amount': f'{amount:,.2f}' if amount else '',
            'date': f'{before.year}年{before.month}月{before.day}日',
            'start': f'{before.year}年{before.month}月',
            'months': rng.choice([3, 6, 12]),
            }
        if family == 'neighbour':
            values['thing'], values['claim'] = rng.choice(NEIGHBOUR_THINGS)
        elif family == 'marriage_family':
            values['relation'], values['thing'], values['claim'] = FAMILY.get(
                code, FAMILY['family_property'])
        elif family in ('labour', 'labour_service'):
            values['thing'] = rng.choice(LABOUR_THINGS)
        elif family == 'contract':
            values['contract'], values['thing'] = CONTRACTS.get(
                code, ('合同', '付款'))
        elif family == 'tort':
            values['thing'] = rng.choice(TORT_THINGS)
        else:
            values['thing'] = '财产权益'
        return FACTS.get(family, FACTS['other']).format(**values)

    def _state(self):
        return _weighted(self.rng, {
                'succeeded': 55, 'failed': 5, 'transferred': 20,
                'withdrawn': 5, 'refused': 1.5, 'cancelled': 0.5,
                'draft': 1, 'registered': 3, 'assigned': 3,
                'mediating': 6,
                })

    def build_cases(self):
        pool = self.pool
        Case = pool.get('court.mediation.case')
        CaseParty = pool.get('court.mediation.case.party')
        Assignment = pool.get('court.mediation.case.assignment')
        Session = pool.get('court.mediation.session')
        Counter = pool.get('court.number.counter')
        Kind = pool.get('court.number.kind')
        rng = self.rng
        kind, = Kind.search([('code', '=', 'mediation')])
        weights = {c: w for c, w in DISPUTE_WEIGHTS.items() if c in self.types}

        plans = []
        for court in self.ctx.basic_courts:
            stations = self.stations.get(court.id) or []
            window = self.windows.get(court.id)
            for _ in range(CASES_PER_COURT):
                plans.append(self._plan(court, stations, window, weights))

        # numbers: per court and year, in order of acceptance
        counters = defaultdict(int)
        code = {c.id: c.numbering_code for c in self.ctx.basic_courts}
        for plan in sorted(plans, key=lambda p: (
                    p['accepted_date'] or dt.date.max, p['seq'])):
            if plan['accepted_date']:
                key = (plan['company'], plan['accepted_date'].year)
                counters[key] += 1
                plan['number'] = kind.format(
                    key[1], code[plan['company']], counters[key])
        existing = {(c.company.id, c.year): c for c in Counter.search([
                    ('kind', '=', kind.id)])}
        to_create = []
        for (company, year), last in counters.items():
            if (company, year) in existing:
                Counter.write([existing[company, year]], {'last': max(
                            last, existing[company, year].last)})
            else:
                to_create.append({'company': company, 'kind': kind.id,
                        'year': year, 'last': last})
        _create(Counter, to_create)

        fields = ['company', 'number', 'source', 'station', 'received_date',
            'accepted_date', 'dispute_type', 'amount', 'facts', 'consent',
            'filing_number', 'complexity', 'triage_note', 'mediator',
            'deadline', 'extension_days', 'extension_consent', 'extended',
            'concluded_date', 'agreement', 'performance',
            'confirmation_online', 'undisputed_facts', 'disputed_points',
            'service_address', 'result_note', 'satisfaction', 'cancel_reason']
        vlist = []
        for plan in plans:
            values = {f: plan[f] for f in fields
                if plan.get(f) is not None}
            values['mediator'] = (plan['mediator']['record'].id
                if plan.get('mediator') else None)
            # cases with sessions are created in mediation, the sessions
            # need it; their outcome is written after
            values['state'] = ('mediating' if plan['sessions']
                else plan['state'])
            vlist.append(values)
        cases = _create(Case, vlist)
        parties, assignments, sessions = [], [], []
        for case, plan in zip(cases, plans):
            plan['record'] = case
            for role, members in [('applicant', plan['applicants']),
                    ('respondent', plan['respondents'])]:
                for party in members:
                    parties.append({'case': case.id, 'role': role,
                            'party': party.id,
                            'agent': (rng.choice(['河南豫洛律师事务所律师',
                                        '法律援助中心律师', '近亲属'])
                                if rng.random() < 0.15 else None)})
            for mediator, date, reason in plan['assignments']:
                assignments.append({'case': case.id,
                        'mediator': mediator['record'].id, 'date': date,
                        'reason': reason})
            for date, mode, duration, notes in plan['sessions']:
                sessions.append({'case': case.id, 'date': date, 'mode': mode,
                        'duration': duration, 'notes': notes})
        _create(CaseParty, parties)
        _create(Assignment, assignments)
        _create(Session, sessions)
        by_state = defaultdict(list)
        for plan in plans:
            if plan['sessions'] and plan['state'] != 'mediating':
                by_state[plan['state']].append(plan['record'])
        for state, records in sorted(by_state.items()):
            for i in range(0, len(records), BATCH):
                Case.write(records[i:i + BATCH], {'state': state})

        # the states of the mediators that left since
        Mediator = pool.get('court.mediator')
        for state in ['suspended', 'removed']:
            records = [i['record'] for i in self.mediators
                if i['state'] == state]
            if records:
                Mediator.write(records, {'state': state})
        self.case_count = len(cases)
        self.session_count = len(sessions)
        self.state_counts = defaultdict(int)
        for plan in plans:
            self.state_counts[plan['state']] += 1

    def _plan(self, court, stations, window, weights):
        rng, today = self.rng, self.today
        self._seq = getattr(self, '_seq', 0) + 1
        state = self._state()
        if state == 'refused':
            code = rng.choice([c for c in NOT_MEDIABLE if c in self.types]
                or ['other'])
        else:
            code = _weighted(rng, weights)
        dispute_type = self.types[code]
        family = _family(dispute_type)
        # received: open cases are recent, concluded ones back to the
        # first of January of last year (the evaluations of last year have
        # a full year of cases whatever today's date)
        span = max(364, (today - dt.date(today.year - 1, 1, 1)).days)
        if state == 'draft':
            age = rng.randint(0, 3)
        elif state == 'registered':
            age = rng.randint(0, 6)
        elif state == 'assigned':
            age = rng.randint(1, 12)
        elif state == 'mediating':
            age = rng.randint(3, 40)
        else:
            # more cases lately: the platform is being adopted
            age = int(span * (1 - rng.random() ** 0.8))
            age = max(age, 8 if state in ('refused', 'cancelled') else 12)
        received = _weekday(rng, today - dt.timedelta(days=age), today)
        low, high, none = AMOUNTS.get(family, AMOUNTS['other'])
        amount = None if rng.random() < none else _money(rng, low, high)
        applicants, respondents = self._parties(family, court)
        source = _weighted(rng, {'station': 70, 'window': 15, 'online': 10,
                'delegated': 5})
        station = None
        if source == 'station' and stations:
            # the first station (the demo clerk's) logs the most
            station = rng.choices(stations, weights=[3] + [1] * (
                    len(stations) - 1))[0]
        elif source == 'window':
            station = window
        if source == 'station' and not station:
            source = 'window'
        plan = {
            'seq': self._seq, 'company': court.id, 'state': state,
            'source': source, 'station': station.id if station else None,
            'received_date': received, 'dispute_type': dispute_type.id,
            'amount': amount, 'consent': state != 'draft' or rng.random() < .5,
            'facts': self._facts(family, code, applicants, respondents,
                amount, received),
            'applicants': applicants, 'respondents': respondents,
            'assignments': [], 'sessions': [],
            'accepted_date': None,
            }
        if state == 'draft':
            return plan
        accepted = received
        plan['accepted_date'] = accepted
        plan['deadline'] = workday.add_calendar_days(accepted, 30)
        parties = len(applicants) + len(respondents)
        complex_ = ((amount or 0) >= 500000 or parties >= 4)
        complexity = 'complex' if complex_ else 'simple'
        if state == 'refused':
            plan['triage_note'] = f'{dispute_type.name}依法不适用调解，不予调解。'
            plan['service_address'] = f'{court.party.name[:-4]}某小区'
            plan['satisfaction'] = None
            return plan
        if state == 'cancelled':
            plan['cancel_reason'] = '同一纠纷重复登记，予以撤销。'
            return plan
        if state == 'registered' or (
                state == 'withdrawn' and rng.random() < 0.3):
            if state == 'withdrawn':
                plan['concluded_date'] = min(today, accepted
                    + dt.timedelta(days=rng.randint(1, 5)))
                plan['result_note'] = '申请人在分派前撤回调解申请。'
                plan['satisfaction'] = 'satisfied'
            elif rng.random() < 0.5:
                plan['complexity'] = complexity
            return plan
        plan['complexity'] = complexity
        # assignment, possibly a reassignment
        assigned = min(today, accepted + dt.timedelta(
                days=rng.choice([0, 0, 1, 1, 2, 3])))
        open_ = state in ('assigned', 'mediating')
        mediator = self._pick_mediator(court, assigned, dispute_type,
            now_active=open_)
        if not mediator:
            plan['complexity'] = None
            plan['state'] = 'registered'
            return plan
        plan['assignments'].append((mediator, assigned, None))
        last_day = today
        if not open_:
            duration = min(int(rng.triangular(4, 45, 14)),
                (today - accepted).days)
            last_day = accepted + dt.timedelta(days=max(duration, 4))
            last_day = max(assigned, min(last_day, today))
        if rng.random() < 0.05 and (last_day - assigned).days > 4:
            other = self._pick_mediator(court, assigned, dispute_type,
                now_active=True, exclude=mediator)
            if other:
                date = assigned + dt.timedelta(days=rng.randint(
                        1, min(5, (last_day - assigned).days - 1)))
                plan['assignments'].append(
                    (other, date, rng.choice(REASSIGN_REASONS)))
                mediator = other
        plan['mediator'] = mediator
        # sessions between assignment and conclusion (or today)
        first = plan['assignments'][-1][1]
        if state == 'assigned':
            n = 0
        elif state == 'withdrawn':
            n = rng.choice([0, 1, 1])
        else:
            n = rng.choice([1, 1, 1, 2, 2, 3])
        span = max(0, (last_day - first).days)
        days = sorted(rng.randint(0, span) for _ in range(n))
        if days and state in ('succeeded', 'failed', 'transferred'):
            days[-1] = span     # concluded at the last session
        for day in days:
            mode = _weighted(rng, {'in_person': 60, 'video': 28, 'audio': 12})
            plan['sessions'].append((first + dt.timedelta(days=day), mode,
                    rng.choice([30, 45, 60, 60, 90, 120, 150]),
                    {'in_person': '在调解室面对面调解',
                        'video': '通过人民法院在线服务视频调解',
                        'audio': '电话（语音）调解'}[mode]))
        if n and plan['sessions'][-1][0] > plan['deadline'] and not (
                state == 'mediating'):
            plan['extension_days'] = 15
            plan['extension_consent'] = True
            plan['extended'] = True
            plan['deadline'] = workday.add_calendar_days(accepted, 45)
        elif state == 'mediating' and rng.random() < 0.08:
            plan['extension_days'] = rng.choice([10, 15, 20])
            plan['extension_consent'] = True
            plan['extended'] = True
            plan['deadline'] = workday.add_calendar_days(
                accepted, 30 + plan['extension_days'])
        if open_:
            return plan
        a = '、'.join(p.name for p in applicants)
        r = '、'.join(p.name for p in respondents)
        plan['concluded_date'] = last_day
        satisfaction = {'satisfied': 75, 'basically': 18, 'unsatisfied': 7}
        if state == 'succeeded':
            due = last_day + dt.timedelta(days=rng.choice([7, 15, 30]))
            if family == 'marriage_family' and code == 'divorce':
                terms = (f'申请人{a}与被申请人{r}自愿离婚；婚生子女由申请人'
                    f'抚养，被申请人每月支付抚养费{rng.choice([800, 1000, 1500])}元')
            elif amount:
                paid = (amount * Decimal(rng.choice(['0.7', '0.8', '0.9', '1']))
                    ).quantize(Decimal('1'))
                terms = (f'被申请人{r}于{due.year}年{due.month}月{due.day}日前'
                    f'向申请人{a}支付{paid:,}元')
            else:
                terms = (f'被申请人{r}于{due.year}年{due.month}月{due.day}日前'
                    '停止侵害、恢复原状')
            plan['agreement'] = (
                f'经调解，双方自愿达成如下协议：一、{terms}；'
                '二、双方就本纠纷再无其他争议。')
            performance = _weighted(rng, {'voluntary': 65,
                    'judicial_confirmation': 25, 'mediation_document': 10})
            if (today - last_day).days < 10 and rng.random() < 0.5:
                performance = 'pending'
            plan['performance'] = performance
            online = False
            if performance == 'judicial_confirmation':
                rank = self.confirmations.get(court.id, 0)
                self.confirmations[court.id] = rank + 1
                online = rank % 5 != 2
            plan['confirmation_online'] = online
            plan['result_note'] = '调解成功。'
        elif state in ('failed', 'transferred'):
            plan['undisputed_facts'] = f'双方对{a}与{r}之间的基础法律关系无异议。'
            plan['disputed_points'] = rng.choice(FAILED_POINTS)
            plan['service_address'] = (
                f'{court.party.name[:-4]}{rng.choice(["中州路", "九都路", "定鼎路"])}'
                f'{rng.randint(1, 300)}号')
            plan['result_note'] = '调解不成，已告知当事人诉讼权利。'
            satisfaction = {'satisfied': 40, 'basically': 40,
                'unsatisfied': 20}
            if state == 'transferred':
                plan['filing_number'] = (
                    f'({last_day.year}){court.numbering_code}民初'
                    f'{rng.randint(100, 9999)}号')
        elif state == 'withdrawn':
            plan['result_note'] = '当事人自行和解，申请撤回。'
        plan['satisfaction'] = (None if rng.random() < 0.08
            else _weighted(rng, satisfaction))
        return plan


def generate(ctx):
    import sys
    import time
    start = time.time()
    builder = _Builder(ctx)
    builder.build_stations()
    builder.build_roster()
    builder.build_cases()
    print(f"demo: court_mediation: {sum(len(s) for s in builder.stations.values())}"
        f" stations, {builder.organisation_count} organisations, "
        f"{builder.agreement_count} agreements, {builder.mediator_count} "
        f"mediators, {builder.case_count} cases "
        f"({dict(sorted(builder.state_counts.items()))}), "
        f"{builder.session_count} sessions in {time.time() - start:.1f} s",
        file=sys.stderr)
