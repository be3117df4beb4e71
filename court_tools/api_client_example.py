"""An example client of the court platform's REST API (standard library
only): what an outside system (the national mediation platform, a 综治
platform) does with the key a court issued to it (doc/api.md).

    COURT_API_KEY=... python -m court_tools.api_client_example \\
        --url http://127.0.0.1:8000 --database court_demo [--limit 10]

(also runs as a plain script: ``python court_tools/api_client_example.py``).
It

1. lists the mediation cases the key's user may see (its court and the
   courts below it: record rules apply),
2. creates a draft case in the user's court (source 在线, the first
   dispute type, or ``--dispute-type CODE``),
3. reads the case back.

Output: one line per step, tab separated, for people and for tests::

    court   3       洛阳市老城区人民法院
    case    757     (2026)豫0302诉前调147号  succeeded  婚姻家庭纠纷
    listed  10
    created 758
    read    758     draft   2026-12-06      婚姻家庭纠纷    <facts>

Exit status 1 with the server's answer on standard error when a call is
refused (401: no valid key; 403/404/400: not allowed).
"""
import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class APIError(Exception):
    def __init__(self, status, body):
        self.status = status
        self.body = body
        super().__init__(f'HTTP {status}: {body[:300]}')


class Client:
    "A REST client of one database with one application key"

    def __init__(self, url, database, key, language='zh-CN', timeout=60):
        self.base = f"{url.rstrip('/')}/{database}/rest"
        self.key = key
        self.language = language
        self.timeout = timeout
        self.context = {}

    def call(self, method, path, body=None, fields=(), **query):
        params = [('f', f) for f in fields] + [
            (k, v) for k, v in query.items() if v is not None]
        url = f'{self.base}/{path}'
        if params:
            url += '?' + urllib.parse.urlencode(params)
        headers = {
            'Authorization': f'Bearer {self.key}',
            'Accept': 'application/json',
            'Accept-Language': self.language,
            }
        if self.context:
            headers['X-Tryton-Context'] = b64json(self.context)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers['Content-Type'] = 'application/json'
        request = urllib.request.Request(url, data=data, headers=headers,
            method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as r:
                content = r.read()
        except urllib.error.HTTPError as error:
            raise APIError(error.code,
                error.read().decode('utf-8', 'replace')) from None
        return json.loads(content) if content else None

    def search(self, model, domain=None, fields=(), limit=None, order=None):
        return self.call('GET', f'model/{model}', fields=fields,
            d=b64json(domain) if domain else None, s=limit,
            o=b64json(order) if order else None)

    def read(self, model, id_, fields=()):
        return self.call('GET', f'model/{model}/{id_}', fields=fields)

    def create(self, model, values, fields=()):
        return self.call('POST', f'model/{model}', values, fields=fields)

    def preferences(self):
        "The key's user's preferences (its current court), as sao asks them"
        return self.call('POST', 'model/res.user/get_preferences',
            {'context_only': True})


def b64json(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def text(value):
    "A value of trytond's JSON encoding as text"
    if isinstance(value, dict):
        if value.get('__class__') == 'date':
            return '%04d-%02d-%02d' % (
                value['year'], value['month'], value['day'])
        if 'rec_name' in value or 'name' in value:
            return str(value.get('name') or value.get('rec_name'))
    return '' if value is None else str(value)


CASE = 'court.mediation.case'
CASE_FIELDS = ['number', 'state', 'received_date', 'dispute_type.name',
    'facts', 'company']


def run(client, limit=10, dispute_type=None, facts=None, out=sys.stdout):
    def say(*values):
        print('\t'.join(map(text, values)), file=out, flush=True)

    preferences = client.preferences()
    court = preferences['company']
    say('court', court, preferences.get('company.rec_name'))
    # new records default to the court of the context
    client.context = {'company': court}

    cases = client.search(CASE, fields=CASE_FIELDS, limit=limit,
        order=[['id', 'DESC']])
    for case in cases:
        say('case', case['id'], case['number'] or '-', case['state'],
            case['dispute_type'])
    say('listed', len(cases))

    domain = [['code', '=', dispute_type]] if dispute_type else []
    types = client.search('court.dispute.type', domain, fields=['name'],
        limit=1, order=[['id', 'ASC']])
    if not types:
        raise SystemExit(f"no dispute type {dispute_type or ''}")
    created = client.create(CASE, {
            'source': 'online',
            'dispute_type': types[0]['id'],
            'consent': True,
            'facts': facts or '外部系统提交：邻里排水纠纷（API 示例）',
            })
    say('created', created['id'])

    case = client.read(CASE, created['id'], fields=CASE_FIELDS)
    say('read', case['id'], case['state'], case['received_date'],
        case['dispute_type'], case['facts'])
    return case


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', default='http://127.0.0.1:8000',
        help="the server (default %(default)s)")
    parser.add_argument('--database', '-d', required=True)
    parser.add_argument('--key', default=os.environ.get('COURT_API_KEY'),
        help="the application key (default: $COURT_API_KEY; better than "
        "the command line, which other users of the machine can see)")
    parser.add_argument('--limit', type=int, default=10)
    parser.add_argument('--dispute-type', help="code of the dispute type")
    parser.add_argument('--facts', help="facts of the new case")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("no key: --key or COURT_API_KEY")
    client = Client(args.url, args.database, args.key)
    try:
        run(client, args.limit, args.dispute_type, args.facts)
    except APIError as error:
        print(f'refused: {error}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
