# This file is part of the court platform.  See LICENSE.
"""Demo data of court_petition: two years of petitions for every basic
court (every channel, the whole workflow, key petitions owned by the
court's leader, petitions assigned down by the intermediate court with
their feedback, repeat petitioners), escalations over two years (falling),
and the analysis of the last half-year; the departments of every court
(court.department) with the demo judges and officer in them.

Called by ``court_tools.demo`` (``generate(ctx)``) inside its transaction,
as root.  Dates are relative to today; every random choice comes from
``ctx.rng``."""
import datetime as dt
import sys
import time
from collections import defaultdict

from trytond.pool import Pool

BATCH = 500
PETITIONS_PER_COURT = 160
REPEAT_PERSONS_PER_COURT = 8
DAYS = 730

CHANNEL_WEIGHTS = {
    'window': 30, 'letter': 15, 'online': 15, 'hotline': 12, 'video': 6,
    'appointment': 6, 'npc': 3, 'inspection': 2,
    }
CATEGORY_WEIGHTS = {
    'enforcement': 35, 'trial': 25, 'delay': 12, 'filing': 6,
    'conduct': 7, 'service': 10, 'other': 5,
    }
DEMAND_OF_CATEGORY = {
    'enforcement': 'request', 'trial': 'complaint', 'delay': 'request',
    'filing': 'request', 'conduct': 'report', 'service': 'inquiry',
    'other': 'suggestion',
    }
MATTERS = {
    'enforcement': ('反映{case}执行案件长期未执行到位，被执行人有财产未处置。',
        '请求法院加大执行力度，尽快执行到位。'),
    'trial': ('不服{case}民事判决，认为原审认定事实不清、适用法律错误。',
        '请求依法再审，纠正原判决。'),
    'delay': ('反映{case}案件超过审限仍未审结。', '请求尽快审结案件。'),
    'filing': ('反映到法院立案窗口起诉未被当场登记立案。', '请求依法登记立案。'),
    'conduct': ('反映承办法官接待当事人态度生硬，未及时回复电话。',
        '请求调查处理并改进工作作风。'),
    'service': ('咨询{case}案件的进展及诉讼费退费事宜。', '请求告知办理进度。'),
    'other': ('对法院诉讼服务中心的便民措施提出意见建议。', '建议增加周末预约服务。'),
    }
DEPARTMENTS = {
    'enforcement': ['执行局', '执行实施一庭', '执行裁决庭'],
    'trial': ['民一庭', '民二庭', '审判监督庭'],
    'delay': ['民一庭', '刑事审判庭', '行政审判庭'],
    'filing': ['立案庭'],
    'conduct': ['监察室', '政治处'],
    'service': ['诉讼服务中心'],
    'other': ['办公室', '诉讼服务中心'],
    }
# every court's departments (court.department); the demo judge works in
# 执行局, the second judge (court_grid's judge2) in 民一庭, the petition
# officer in 信访办
COURT_DEPARTMENTS = ['立案庭', '民一庭', '民二庭', '刑事审判庭', '行政审判庭',
    '审判监督庭', '执行局', '执行实施一庭', '执行裁决庭', '诉讼服务中心',
    '信访办', '监察室', '政治处', '办公室']
DEPARTMENT_USERS = {'judge': '执行局', 'judge2': '民一庭', 'petition': '信访办'}
REPLIES = {
    'enforcement': '经查，该案已对被执行人名下财产采取查封措施，正在依法评估拍卖，'
    '执行款到位后将及时发放。',
    'trial': '经审查，原审判决认定事实清楚，适用法律正确，已向信访人释法明理，'
    '告知其可依法申请再审。',
    'delay': '经查，该案因需鉴定而延长审限，现鉴定意见已作出，将于近期开庭审理。',
    'filing': '经核查，已依法对信访人的起诉登记立案。',
    'conduct': '经调查，已对承办法官进行批评教育，并向信访人致歉。',
    'service': '已电话告知信访人案件进展及退费办理流程。',
    'other': '感谢来信，相关建议已转诉讼服务中心研究落实。',
    }
RESOLVED_REASONS = ['执行款已全部到位，信访人表示满意。',
    '经释法明理，信访人表示理解，息诉罢访。', '问题已依法解决，信访人签订息诉承诺书。',
    '已依法立案，信访人诉求得到解决。']
NOT_RESOLVED_REASONS = ['被执行人确无财产可供执行，信访人不接受终本结案。',
    '信访人坚持原诉求，超出法律规定范围。', '信访人对答复意见不满意，表示将继续上访。',
    '涉及历史遗留问题，需多部门协调。']


def _weighted(rng, weights):
    items = list(weights.items())
    total = sum(w for _, w in items)
    pick = rng.random() * total
    for key, weight in items:
        pick -= weight
        if pick <= 0:
            return key
    return items[-1][0]


def _create(Model, vlist):
    records = []
    for i in range(0, len(vlist), BATCH):
        records.extend(Model.create(vlist[i:i + BATCH]))
    return records


class _Builder:

    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.rng
        self.pool = Pool()
        self.today = self.pool.get('ir.date').today()
        self.config = self.pool.get('court.petition.configuration')(1)
        self.counters = defaultdict(int)
        self.state_counts = defaultdict(int)
        self.plans = []

    def _date(self, start, low, high):
        date = start + dt.timedelta(days=self.rng.randint(low, high))
        return min(date, self.today)

    def _case(self, court, category):
        year = self.today.year - self.rng.randint(1, 3)
        code = court.numbering_code
        kind = '执' if category == 'enforcement' else '民初'
        return f'({year}){code}{kind}{self.rng.randint(1, 3000)}号'

    def _plan(self, court, received, category, person, case=None,
            channel=None, superior=None):
        rng = self.rng
        users = self.ctx.users.get(court.id, {})
        channel = channel or _weighted(rng, CHANNEL_WEIGHTS)
        case = case or (self._case(court, category)
            if category in ('enforcement', 'trial', 'delay', 'service')
            else None)
        matter, demand = MATTERS[category]
        age = (self.today - received).days
        plan = {
            'company': court.id,
            'channel': channel,
            'received_date': received,
            'received_time': dt.time(rng.randint(8, 17), rng.choice(
                    [0, 10, 20, 30, 40, 50])),
            'matter': matter.format(case=case or '相关'),
            'demand': demand,
            'demand_kind': (DEMAND_OF_CATEGORY[category]
                if rng.random() > 0.03 else None),
            'category': category,
            'key': channel == 'superior' or rng.random() < 0.08,
            'person': person,
            'state': 'draft',
            }
        if case:
            field = ('original_enforcement_number'
                if category == 'enforcement'
                else 'original_trial_number')
            plan[field] = case
        if superior:
            plan['assigning_court'] = superior['company']
            plan['superior'] = superior
        # how far it went, by its age
        if age <= 1 and rng.random() < 0.5 and not superior:
            return plan
        plan['state'] = 'registered'
        plan['registered_date'] = (received if superior
            else self._date(received, 0, 3))
        if age <= 4 and rng.random() < 0.5:
            return plan
        plan['state'] = 'assigned'
        plan['assigned_date'] = self._date(plan['registered_date'], 0, 3)
        plan['department'] = self.departments[court.id][
            rng.choice(DEPARTMENTS[category])].id
        if 'judge' in users and rng.random() < 0.35:
            plan['assignee'] = users['judge'].id
        if plan['key'] and 'leader' in users:
            plan['owner_leader'] = users['leader'].id
            plan['leader_assigned_date'] = plan['registered_date']
        if age <= 20 and rng.random() < 0.5:
            return plan
        plan['state'] = 'handled'
        plan['handled_date'] = self._date(plan['assigned_date'], 5, 40)
        plan['handling_note'] = '已调阅卷宗、约谈相关人员，查明情况。'
        if age <= 40 and rng.random() < 0.4:
            return plan
        plan['state'] = 'replied'
        plan['reply_date'] = self._date(plan['handled_date'], 0, 5)
        plan['reply_text'] = REPLIES[category]
        plan['reply_mode'] = {'request': 'written', 'complaint': 'written',
            'report': 'written', 'inquiry': 'phone',
            'suggestion': 'online'}.get(plan['demand_kind'], 'written')
        if age <= 60 and rng.random() < 0.4:
            return plan
        resolved = rng.random() < (0.85 if plan['key'] else 0.75)
        if plan['key']:
            plan['closure_approved'] = True
            plan['closure_approved_date'] = plan['reply_date']
            plan['closure_approved_by'] = (superior['approver']
                if superior else users.get('leader') and users['leader'].id)
        plan['state'] = 'closed'
        plan['closed_date'] = self._date(plan['reply_date'], 0, 5)
        plan['outcome'] = 'resolved' if resolved else 'not_resolved'
        plan['outcome_reason'] = rng.choice(
            RESOLVED_REASONS if resolved else NOT_RESOLVED_REASONS)
        if rng.random() < 0.6:
            plan['followup_date'] = self._date(plan['closed_date'], 3, 20)
            plan['followup_note'] = '电话回访，信访人对办理结果表示' + (
                '满意。' if resolved else '基本认可。')
        if superior and rng.random() < 0.95:
            plan['feedback_date'] = plan['closed_date']
            plan['feedback_text'] = '该件已办结：' + plan['outcome_reason']
        return plan

    def _departments(self):
        "The departments of every court with petitions, and their users"
        Department = self.pool.get('court.department')
        courts = list(self.ctx.intermediate_courts) + list(
            self.ctx.basic_courts)
        vlist = []
        for court in courts:
            users = self.ctx.users.get(court.id, {})
            for name in COURT_DEPARTMENTS:
                members = [users[r].id for r, n in DEPARTMENT_USERS.items()
                    if n == name and r in users]
                vlist.append({'company': court.id, 'name': name,
                        'users': [('add', members)]})
        self.departments = defaultdict(dict)
        for department in _create(Department, vlist):
            self.departments[department.company.id][department.name] = (
                department)

    def build(self):
        rng = self.rng
        self._departments()
        persons = list(self.ctx.persons)
        if not persons:
            return
        intermediate = {c.superior.id: c.superior
            for c in self.ctx.basic_courts if c.superior}
        for court in self.ctx.basic_courts:
            regular = rng.sample(persons, min(len(persons),
                    REPEAT_PERSONS_PER_COURT))
            # repeat petitioners: the same person and case, 2-5 times
            for person in regular:
                category = rng.choice(['enforcement', 'trial', 'delay'])
                case = self._case(court, category)
                received = self.today - dt.timedelta(
                    days=rng.randint(60, DAYS))
                for _ in range(rng.randint(2, 5)):
                    if received > self.today:
                        break
                    self.plans.append(self._plan(court, received, category,
                            person, case=case))
                    received += dt.timedelta(days=rng.randint(20, 120))
            # petitions assigned down by the intermediate court
            superior_court = intermediate.get(court.superior.id) \
                if court.superior else None
            superior_users = self.ctx.users.get(
                superior_court.id, {}) if superior_court else {}
            if superior_court:
                for _ in range(10):
                    received = self.today - dt.timedelta(
                        days=rng.randint(0, DAYS))
                    category = _weighted(rng, CATEGORY_WEIGHTS)
                    person = rng.choice(persons)
                    case = self._case(court, category)
                    top = self._plan(superior_court, received, category,
                        person, case=case, channel='letter')
                    top.update({'state': 'assigned',
                            'registered_date': received,
                            'assigned_date': received,
                            'assigned_to_court': court.id,
                            'key': False})
                    top.pop('department', None)
                    for name in ['assignee', 'owner_leader',
                            'leader_assigned_date', 'handled_date',
                            'handling_note', 'reply_date', 'reply_text',
                            'reply_mode', 'closed_date', 'outcome',
                            'outcome_reason', 'followup_date',
                            'followup_note', 'closure_approved',
                            'closure_approved_date', 'closure_approved_by',
                            'feedback_date', 'feedback_text']:
                        top.pop(name, None)
                    approver = superior_users.get('supervisor') or \
                        superior_users.get('leader')
                    top['approver'] = approver.id if approver else None
                    self.plans.append(top)
                    self.plans.append(self._plan(court, received, category,
                            person, case=case, channel='superior',
                            superior=top))
            for _ in range(PETITIONS_PER_COURT):
                received = self.today - dt.timedelta(
                    days=rng.randint(0, DAYS))
                category = _weighted(rng, CATEGORY_WEIGHTS)
                self.plans.append(self._plan(court, received, category,
                        rng.choice(persons)))
        self._save()
        self._escalations()
        self._analyses()

    def _save(self):
        pool = self.pool
        Petition = pool.get('court.petition')
        Report = pool.get('court.petition.report')
        Counter = pool.get('court.number.counter')
        Kind = pool.get('court.number.kind')
        Company = pool.get('company.company')
        kind, = Kind.search([('code', '=', 'petition')])
        config = self.config
        plans = self.plans
        codes = {c.id: c.numbering_code for c in Company.search([])}
        # numbers in order of registration; superior records first so that
        # the copies can point at them
        order = sorted(range(len(plans)), key=lambda i: (
                plans[i].get('registered_date') or dt.date.max, i))
        for i in order:
            plan = plans[i]
            if plan.get('registered_date'):
                key = (plan['company'], plan['registered_date'].year)
                self.counters[key] += 1
                plan['number'] = kind.format(
                    key[1], codes[plan['company']], self.counters[key])
        existing = {(c.company.id, c.year): c for c in Counter.search([
                    ('kind', '=', kind.id)])}
        to_create = []
        for (company, year), last in self.counters.items():
            if (company, year) in existing:
                Counter.write([existing[company, year]], {'last': max(
                            last, existing[company, year].last)})
            else:
                to_create.append({'company': company, 'kind': kind.id,
                        'year': year, 'last': last})
        _create(Counter, to_create)

        # repeat petitions: the same person and the same case or category
        seen = {}
        for i in sorted(range(len(plans)), key=lambda i: (
                    plans[i]['received_date'], i)):
            plan = plans[i]
            if not plan.get('registered_date') or plan.get(
                    'assigned_to_court'):
                continue
            matter = (plan.get('original_trial_number')
                or plan.get('original_enforcement_number')
                or plan['category'])
            key = (plan['person'].id, matter)
            first = seen.get(key)
            if first is not None and (plan['received_date']
                    - first[0]).days <= config.repeat_window_days:
                plan['repeat'] = True
                plan['previous_count'] = first[2] + 1
                plan['repeat_of_plan'] = first[1]
                seen[key] = (first[0], first[1], first[2] + 1)
            else:
                plan['previous_count'] = 0
                seen[key] = (plan['received_date'], plan, 0)

        fields = ['company', 'number', 'channel', 'received_date',
            'received_time', 'registered_date', 'matter', 'demand',
            'demand_kind', 'category', 'original_trial_number',
            'original_enforcement_number', 'key', 'department', 'assignee',
            'assigned_date', 'assigned_to_court', 'handling_note',
            'handled_date', 'reply_mode', 'reply_text', 'reply_date',
            'outcome', 'outcome_reason', 'closed_date', 'followup_date',
            'followup_note', 'owner_leader', 'leader_assigned_date',
            'closure_approved', 'closure_approved_by',
            'closure_approved_date', 'assigning_court', 'feedback_text',
            'feedback_date', 'repeat', 'previous_count', 'state']
        # the superior courts' records first
        for step in (lambda p: p.get('assigned_to_court'),
                lambda p: not p.get('assigned_to_court')):
            batch = [p for p in plans if step(p)]
            vlist = []
            for plan in batch:
                values = {f: plan[f] for f in fields
                    if plan.get(f) is not None}
                values['petitioners'] = [('create', [
                            {'party': plan['person'].id}])]
                if plan.get('superior'):
                    values['superior_petition'] = plan['superior'][
                        'record'].id
                if plan.get('repeat_of_plan') and plan[
                        'repeat_of_plan'].get('record'):
                    values['repeat_of'] = plan['repeat_of_plan']['record'].id
                vlist.append(values)
            for plan, record in zip(batch, _create(Petition, vlist)):
                plan['record'] = record
        petitions = [p['record'] for p in plans]
        registered = [p for p in petitions if p.registered_date]
        Petition.set_clocks(registered, config)
        Petition.save(registered)
        # repeat_of of plans created in the same batch as their first
        to_write = []
        for plan in plans:
            first = plan.get('repeat_of_plan')
            if first and not plan['record'].repeat_of:
                to_write.extend([[plan['record']],
                        {'repeat_of': first['record'].id}])
        if to_write:
            Petition.write(*to_write)
        reports = []
        for plan in plans:
            self.state_counts[plan['state']] += 1
            if plan['channel'] == 'superior' and plan.get('registered_date'):
                date = plan['registered_date']
                reports.append({'petition': plan['record'].id,
                        'kind': 'receipt', 'date': date,
                        'text': '当日登记并报告中级人民法院。'})
                if plan['state'] != 'registered' or self.rng.random() < 0.5:
                    reports.append({'petition': plan['record'].id,
                            'kind': 'meeting',
                            'date': self._date(date, 1, 6),
                            'text': '包案院领导接谈信访人，听取诉求。'})
                if plan.get('handled_date'):
                    reports.append({'petition': plan['record'].id,
                            'kind': 'progress',
                            'date': self._date(date, 7, 16),
                            'text': '已组织评查原审卷宗，正在研究化解方案。'})
                if plan.get('closed_date'):
                    reports.append({'petition': plan['record'].id,
                            'kind': 'closing', 'date': plan['closed_date'],
                            'text': '已办结：' + plan['outcome_reason']})
        _create(Report, reports)
        self.petition_count = len(plans)

    def _escalations(self):
        "Escalations over two years, falling by about 40% a year"
        Escalation = self.pool.get('court.petition.escalation')
        rng = self.rng
        persons = [p['person'] for p in self.plans if p.get('repeat')]
        if not persons:
            persons = list(self.ctx.persons)
        vlist = []
        for court in self.ctx.basic_courts:
            plans = [p for p in self.plans if p['company'] == court.id
                and p.get('repeat')]
            for destination, last_year in [('beijing', 5), ('province', 8),
                    ('circuit', 4)]:
                for years_ago, count in [(1, last_year),
                        (0, max(0, int(last_year * 0.6) - rng.randint(0, 1)))]:
                    for _ in range(count):
                        date = self.today - dt.timedelta(
                            days=365 * years_ago + rng.randint(0, 330))
                        plan = rng.choice(plans) if plans else None
                        vlist.append({
                                'company': court.id,
                                'date': date,
                                'destination': destination,
                                'party': (plan['person'].id if plan
                                    else rng.choice(persons).id),
                                'petition': (plan['record'].id
                                    if plan else None),
                                'note': '信访人越级上访，已派员接返并稳控。',
                                })
        _create(Escalation, vlist)
        self.escalation_count = len(vlist)

    def _analyses(self):
        "The analysis of the last half-year ended, for each basic court"
        from .analysis import build_workbook, half_bounds
        Analysis = self.pool.get('court.petition.analysis')
        today = self.today
        year, half = ((today.year, '1') if today.month > 6
            else (today.year - 1, '2'))
        start, end = half_bounds(year, half)
        vlist = []
        for court in self.ctx.basic_courts:
            title = f'{court.rec_name}{year}年' + (
                '上半年' if half == '1' else '下半年') + '涉诉信访分析'
            data, count = build_workbook([court.id], start, end, title)
            vlist.append({
                    'company': court.id, 'year': year, 'half': half,
                    'start_date': start, 'end_date': end,
                    'generated': dt.datetime.combine(
                        end + dt.timedelta(days=5), dt.time(9)),
                    'petition_count': count, 'file': data,
                    'filename': f'{title}.xlsx'})
        _create(Analysis, vlist)


def generate(ctx):
    start = time.time()
    builder = _Builder(ctx)
    builder.build()
    print(f"demo: court_petition: {getattr(builder, 'petition_count', 0)} "
        f"petitions ({dict(sorted(builder.state_counts.items()))}), "
        f"{getattr(builder, 'escalation_count', 0)} escalations in "
        f"{time.time() - start:.1f} s", file=sys.stderr)
