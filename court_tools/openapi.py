"""Generate the OpenAPI document of the court_* models' REST API.

    python -m court_tools.openapi -d DBNAME -c CONFIG -o doc/openapi.json

Describes trytond 8.0's REST routes (``trytond/protocols/rest.py``) for
every model of the installed ``court_*`` modules, as the server really
answers them:

- ``GET  /{database}/rest/model/{model}``: search (``d`` domain, ``s``
  size, ``p`` page offset, ``o`` order, ``f`` fields, or a ``Range:
  records=START-END`` header);
- ``GET  /{database}/rest/model/{model}/{id}``: read one (404 when the
  record does not exist or a record rule hides it);
- ``POST /{database}/rest/model/{model}``: create; ``PUT …/{id}``: write;
  ``DELETE …/{id}``: delete;
- ``POST /{database}/rest/model/{model}/{id}/{button}``: the model's
  buttons (what the web client's buttons call, with their ``ir.model.button``
  groups), and ``POST /{database}/rest/model/{model}/{method}`` for the
  class methods the court_* modules expose over RPC;
- ``GET  /{database}/rest/report/{report}/{id}``: the court_* reports;
- ``POST``/``DELETE /{database}/user/application/``: asking for a key and
  deleting one.

The record schemas come from ``fields_get`` in English and in Chinese
(zh_CN): type, required, read-only, selection values, relation target and
both labels as the description.  Values travel in trytond's JSON encoding
(dates, decimals, bytes as ``{"__class__": …}`` objects: see the
``Date``, ``Decimal``… schemas).  The document is deterministic: keys
sorted, nothing from the data but the database name of ``servers``.
"""
import argparse
import inspect
import json
import sys
from pathlib import Path

OPENAPI = '3.0.3'
PREFIX = 'court_'
LANGUAGES = ('en', 'zh_CN')
KEY_DESCRIPTION = (
    "The key of a `res.user.application` record with application `rest` "
    "and state `validated` (trytond's `user_application('rest')` in "
    "`trytond/protocols/wrappers.py` looks it up, "
    "`UserApplication.check(key, 'rest')`). Every request then runs as the "
    "key's user, with that user's model access, field access, button groups "
    "and record rules, exactly as in the web client. A missing, unknown, "
    "requested-but-not-validated or cancelled key, or the key of a "
    "deactivated user (court_base), is answered 401. "
    "See doc/api.md for issuing and revoking keys.")

# trytond's JSON encoding of the values JSON has no type for
ENCODED = {
    'Date': {'__class__': 'date', 'year': 'integer', 'month': 'integer',
        'day': 'integer'},
    'DateTime': {'__class__': 'datetime', 'year': 'integer',
        'month': 'integer', 'day': 'integer', 'hour': 'integer',
        'minute': 'integer', 'second': 'integer', 'microsecond': 'integer'},
    'Time': {'__class__': 'time', 'hour': 'integer', 'minute': 'integer',
        'second': 'integer', 'microsecond': 'integer'},
    'TimeDelta': {'__class__': 'timedelta', 'seconds': 'number'},
    'Decimal': {'__class__': 'Decimal', 'decimal': 'string'},
    'Bytes': {'__class__': 'bytes', 'base64': 'string'},
    }
TYPE_ENCODED = {
    'date': 'Date', 'datetime': 'DateTime', 'timestamp': 'DateTime',
    'time': 'Time', 'timedelta': 'TimeDelta', 'numeric': 'Decimal',
    'binary': 'Bytes',
    }
X2MANY_WRITE = (
    "Read: the list of ids. Create and write: a list of actions, "
    "`[\"create\", [{values}]]`, `[\"write\", [ids], {values}]`, "
    "`[\"add\", [ids]]`, `[\"remove\", [ids]]`, `[\"delete\", [ids]]`, "
    "`[\"copy\", [ids]]`.")


def _ref(kind, name):
    return {'$ref': f'#/components/{kind}/{name}'}


def _labels(infos, key):
    "'English / 中文' of a key of fields_get (or ir.model) in each language"
    texts = []
    for language in LANGUAGES:
        text = (infos.get(language) or {}).get(key)
        if text and text not in texts:
            texts.append(text)
    return ' / '.join(texts)


def field_schema(name, infos):
    """The JSON schema of one field from its fields_get in each language
    (infos: {language: definition})"""
    field = infos['en']
    ftype = field['type']
    description = _labels(infos, 'string')
    helps = _labels(infos, 'help')
    if helps:
        description += f'. {helps}'
    extra = {}
    if ftype in ('char', 'text', 'color'):
        schema = {'type': 'string'}
        if field.get('size'):
            schema['maxLength'] = field['size']
    elif ftype in ('integer', 'bigint'):
        schema = {'type': 'integer'}
    elif ftype == 'float':
        schema = {'type': 'number'}
    elif ftype == 'boolean':
        schema = {'type': 'boolean'}
    elif ftype in TYPE_ENCODED:
        schema = {'allOf': [_ref('schemas', TYPE_ENCODED[ftype])]}
    elif ftype in ('selection', 'multiselection'):
        selection = field.get('selection')
        item = {'type': 'string'}
        if isinstance(selection, (list, tuple)):
            values = [v for v, _ in selection if v is not None]
            if values and all(isinstance(v, str) for v in values):
                item['enum'] = values
            elif values and all(isinstance(v, int) for v in values):
                item = {'type': 'integer', 'enum': values}
            zh = dict((v, s) for v, s in infos['zh_CN']['selection'])
            description += '. Values: ' + ', '.join(
                f'`{v}` {s}' + (f' / {zh[v]}' if zh.get(v, s) != s else '')
                for v, s in selection if v is not None)
        else:
            description += '. Values: computed (`fields_get`).'
        if ftype == 'multiselection':
            schema = {'type': 'array', 'items': item}
        else:
            schema = item
    elif ftype in ('many2one', 'one2one'):
        schema = {'anyOf': [{'type': 'integer'}, {'type': 'object'}]}
        extra['x-tryton-relation'] = field['relation']
        description += (f". The id of a `{field['relation']}`; read with "
            "dotted fields (`f=" + name + ".rec_name`), an object of them "
            "with `id` and `__name__`.")
    elif ftype in ('one2many', 'many2many'):
        schema = {'type': 'array', 'items': {}}
        extra['x-tryton-relation'] = field['relation']
        description += (f". `{field['relation']}` records. {X2MANY_WRITE} "
            "Read with dotted fields, a list of objects.")
    elif ftype == 'reference':
        schema = {'type': 'string'}
        description += '. `"model,id"`.'
        if isinstance(field.get('selection'), (list, tuple)):
            extra['x-tryton-models'] = sorted(
                v for v, _ in field['selection'] if v)
    elif ftype == 'dict':
        schema = {'type': 'object'}
    else:
        schema = {}
    if not field.get('required') or ftype in ('one2many', 'many2many'):
        schema['nullable'] = True
    if field.get('readonly'):
        schema['readOnly'] = True
    schema['description'] = description
    schema['x-tryton-type'] = ftype
    schema.update(extra)
    return schema


def model_schema(model, labels, fields, Model=None):
    "fields: {language: fields_get}"
    properties = {
        'id': {'type': 'integer', 'readOnly': True},
        '__name__': {'type': 'string', 'readOnly': True,
            'enum': [model]},
        }
    required = []
    for name in sorted(fields['en']):
        if name in properties:
            continue
        infos = {language: fields[language].get(name) or {}
            for language in LANGUAGES}
        properties[name] = field_schema(name, infos)
        field = fields['en'][name]
        if (field.get('required') and not field.get('readonly')
                and field['type'] not in ('one2many', 'many2many')
                and not hasattr(Model, f'default_{name}')):
            required.append(name)
    schema = {
        'type': 'object',
        'title': model,
        'description': _labels(labels, 'name') + (
            '. A read answers the fields asked only. Creating requires the '
            'fields of `x-tryton-required-on-create` (always required, no '
            'default); some others are required or read-only in some '
            'states only (`states` of `fields_get`).'),
        'properties': properties,
        }
    schema['x-tryton-required-on-create'] = required
    return schema


def _encoded_schemas():
    schemas = {}
    for name, keys in ENCODED.items():
        properties = {}
        for key, kind in keys.items():
            if key == '__class__':
                properties[key] = {'type': 'string', 'enum': [kind]}
            else:
                properties[key] = {'type': kind}
        schemas[name] = {
            'type': 'object',
            'description': f"trytond's JSON encoding of a {name} value",
            'required': sorted(keys),
            'properties': properties,
            }
    schemas['Error'] = {
        'type': 'object',
        'description': "A refusal of the server (a UserError: validation, "
        "access, a state that forbids the action); `message` in the "
        "language asked with Accept-Language.",
        'properties': {
            'status': {'type': 'integer'},
            'message': {'type': 'string'},
            'description': {'type': 'string'},
            },
        }
    return schemas


def _parameters():
    def b64json(name, what):
        return {'name': name, 'in': 'query', 'required': False,
            'description': f"{what}, as JSON then base64url-encoded",
            'schema': {'type': 'string'}}
    return {
        'id': {'name': 'id', 'in': 'path', 'required': True,
            'description': "The record's id", 'schema': {'type': 'integer'}},
        'domain': b64json('d', "A Tryton search domain, "
            "e.g. `[[\"state\", \"=\", \"draft\"]]`"),
        'order': b64json('o', "The order, e.g. `[[\"id\", \"DESC\"]]`"),
        'size': {'name': 's', 'in': 'query', 'required': False,
            'description': "How many records at most (no limit by default)",
            'schema': {'type': 'integer', 'minimum': 0}},
        'page': {'name': 'p', 'in': 'query', 'required': False,
            'description': "The offset of the first record",
            'schema': {'type': 'integer', 'minimum': 0, 'default': 0}},
        'fields': {'name': 'f', 'in': 'query', 'required': False,
            'style': 'form', 'explode': True,
            'description': "The fields to read (repeat `f`; dotted paths "
            "follow relations, e.g. `dispute_type.rec_name`); by default "
            "`id`, `__name__` and `rec_name`. Fields the user may not read "
            "are left out.",
            'schema': {'type': 'array', 'items': {'type': 'string'}}},
        'range': {'name': 'Range', 'in': 'header', 'required': False,
            'description': "`records=START-END` instead of `s`/`p`: the "
            "answer then carries `Content-Range: records START-END/COUNT` "
            "(COUNT `*` when large)",
            'schema': {'type': 'string', 'pattern': '^records=[0-9]+-[0-9]*$'}},
        'context': {'name': 'X-Tryton-Context', 'in': 'header',
            'required': False,
            'description': "The context, as JSON then base64url-encoded, "
            "e.g. `{\"company\": 12}`: the court new records default to",
            'schema': {'type': 'string'}},
        'language': {'name': 'Accept-Language', 'in': 'header',
            'required': False,
            'description': "`zh-CN` or `en`: the language of labels, "
            "selection texts and error messages",
            'schema': {'type': 'string'}},
        }


def _responses():
    def error(text):
        return {'description': text, 'content': {'application/json': {
                        'schema': _ref('schemas', 'Error')}}}
    return {
        'Unauthorized': {'description': "No key, or not a validated key of "
            "the `rest` application"},
        'Forbidden': {'description': "The key's user may not do this "
            "(model access, button groups), or not a method exposed over "
            "RPC"},
        'NotFound': {'description': "No such record, or a record rule hides "
            "it from the key's user (another court's record)"},
        'BadRequest': error("Refused: validation, access or state error "
            "(JSON body), or not a JSON request"),
        }


def _common_parameters():
    return [_ref('parameters', 'context'), _ref('parameters', 'language')]


def _errors(*codes):
    names = {'400': 'BadRequest', '401': 'Unauthorized', '403': 'Forbidden',
        '404': 'NotFound'}
    return {code: _ref('responses', names[code]) for code in codes}


def _json_body(schema, description, required=True):
    return {'required': required, 'description': description,
        'content': {'application/json': {'schema': schema}}}


def _json_answer(schema, description):
    return {'description': description,
        'content': {'application/json': {'schema': schema}}}


def model_paths(model, label, Model, storage, writable, buttons, methods,
        required=()):
    ref = _ref('schemas', model)
    create_schema = {'allOf': [ref, {'required': list(required)}]} if (
        required) else ref
    tag = [model]
    paths = {}
    base = f'/rest/model/{model}'
    if storage:
        collection = {'get': {
                'operationId': f'{model}.search',
                'summary': f"Search {label}",
                'tags': tag,
                'parameters': [*map(lambda n: _ref('parameters', n), (
                        'domain', 'size', 'page', 'order', 'fields',
                        'range')), *_common_parameters()],
                'responses': {
                    '200': _json_answer({'type': 'array', 'items': ref},
                        "The records the key's user may see (record rules "
                        "apply), with the asked fields"),
                    **_errors('400', '401', '403'),
                    '416': {'description': "The Range starts after the "
                        "last record"},
                    },
                }}
        one = {'get': {
                'operationId': f'{model}.read',
                'summary': f"Read one {label}",
                'tags': tag,
                'parameters': [_ref('parameters', 'id'),
                    _ref('parameters', 'fields'), *_common_parameters()],
                'responses': {
                    '200': _json_answer(ref, "The record"),
                    **_errors('400', '401', '403', '404'),
                    },
                }}
        if writable:
            collection['post'] = {
                'operationId': f'{model}.create',
                'summary': f"Create {label}",
                'tags': tag,
                'parameters': [_ref('parameters', 'fields'),
                    *_common_parameters()],
                'requestBody': _json_body(create_schema, "The values "
                    "(`Content-Type: application/json`); fields left out "
                    "take their defaults (the court: the `company` of "
                    "X-Tryton-Context)"),
                'responses': {
                    '200': _json_answer(ref, "The record created"),
                    '204': {'description': "Created, but not readable by "
                        "the key's user"},
                    **_errors('400', '401', '403'),
                    },
                }
            one['put'] = {
                'operationId': f'{model}.write',
                'summary': f"Write {label}",
                'tags': tag,
                'parameters': [_ref('parameters', 'id'),
                    _ref('parameters', 'fields'), *_common_parameters()],
                'requestBody': _json_body(ref, "The values to change"),
                'responses': {
                    '200': _json_answer(ref, "The record written"),
                    '204': {'description': "Written, but no longer readable"},
                    **_errors('400', '401', '403', '404'),
                    },
                }
            one['delete'] = {
                'operationId': f'{model}.delete',
                'summary': f"Delete {label}",
                'tags': tag,
                'parameters': [_ref('parameters', 'id'),
                    *_common_parameters()],
                'responses': {
                    '204': {'description': "Deleted"},
                    **_errors('400', '401', '403', '404'),
                    },
                }
        paths[base] = collection
        paths[f'{base}/{{id}}'] = one
    for name, (button_labels, groups, parameters) in sorted(
            buttons.items()):
        paths[f'{base}/{{id}}/{name}'] = {'post': {
                'operationId': f'{model}.{name}',
                'summary': f"Button {name}: {button_labels}".rstrip(': '),
                'tags': tag,
                'description': "Presses the button on the record, as the web "
                "client does (the button's `ir.model.button` groups and the "
                "record's state decide). The body is a JSON object of "
                "keyword arguments, `{}` for none." + (
                    " Groups: " + ', '.join(groups) + '.' if groups else ''),
                'x-tryton-groups': groups,
                'parameters': [_ref('parameters', 'id'),
                    _ref('parameters', 'fields'), *_common_parameters()],
                'requestBody': _json_body(_kwargs_schema(parameters),
                    "Keyword arguments (`Content-Type: application/json`)"),
                'responses': {
                    '200': _json_answer({'anyOf': [ref, {}]}, "The record "
                        "after the button, or what the button returns (an "
                        "action to open)"),
                    '204': {'description': "Done"},
                    **_errors('400', '401', '403', '404'),
                    },
                }}
    for name, (instance, parameters) in sorted(methods.items()):
        path = f'{base}/{{id}}/{name}' if instance else f'{base}/{name}'
        if path in paths:
            continue
        operation = {
            'operationId': f'{model}.{name}',
            'summary': f"Method {name}",
            'tags': tag,
            'description': "An RPC method of the model, called with the "
            "body's keyword arguments" + (
                " on the record" if instance else ""),
            'parameters': ([_ref('parameters', 'id')] if instance else [])
            + _common_parameters(),
            'requestBody': _json_body(_kwargs_schema(parameters),
                "Keyword arguments (`Content-Type: application/json`)"),
            'responses': {
                '200': _json_answer({}, "The method's result"),
                '204': {'description': "Done, no result"},
                **_errors('400', '401', '403', *(
                        ['404'] if instance else [])),
                },
            }
        paths[path] = {'post': operation}
    return paths


def _kwargs_schema(parameters):
    schema = {'type': 'object'}
    if parameters:
        schema['properties'] = {p: {} for p in parameters}
    return schema


def _method_parameters(function, instance):
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return []
    names = [n for n, p in signature.parameters.items()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    # the records (or the record) come from the path
    return names[1:] if instance and names else names


def _is_court(Model, name):
    "Whether the method is the court_* modules' own, not trytond's"
    court = f'trytond.modules.{PREFIX}'
    owners = [k for k in Model.__mro__ if name in vars(k)]
    return bool(owners) and all(
        (k.__module__ or '').startswith(court) for k in owners)


def key_paths():
    body = {'type': 'object', 'required': ['user', 'application'],
        'properties': {
            'user': {'type': 'string', 'description': "The login of the "
                "user the key is for"},
            'application': {'type': 'string', 'enum': ['rest']},
            }}
    delete_body = json.loads(json.dumps(body))
    delete_body['required'].append('key')
    delete_body['properties']['key'] = {'type': 'string'}
    return {'/user/application/': {
            'post': {
                'operationId': 'user.application.request',
                'summary': "Ask for a key",
                'tags': ['res.user.application'],
                'security': [],
                'description': "Creates a `res.user.application` in state "
                "`requested` for the login and answers its key; the key "
                "works only once an administrator has validated it (the "
                "user's form, 应用程序 tab, 验证). One request at a time per "
                "user; an unknown login also answers a key, that will never "
                "work.",
                'requestBody': _json_body(body, "Login and application"),
                'responses': {'200': _json_answer({'type': 'string'},
                        "The key (128 hexadecimal characters)")},
                },
            'delete': {
                'operationId': 'user.application.delete',
                'summary': "Delete a key",
                'tags': ['res.user.application'],
                'security': [],
                'description': "Deletes the key of the login (the holder of "
                "a key can end it itself). Wrong guesses count as failed "
                "logins and are slowed down.",
                'requestBody': _json_body(delete_body,
                    "Login, application and key"),
                'responses': {
                    '200': {'description': "Done (whether or not the key "
                        "existed)"},
                    '429': {'description': "Too many wrong guesses"},
                    },
                },
            }}


def report_paths(reports):
    paths = {}
    for report_name, label, model in sorted(reports):
        paths[f'/rest/report/{report_name}/{{id}}'] = {'get': {
                'operationId': f'report.{report_name}',
                'summary': f"Print {label}",
                'tags': [model or 'reports'],
                'parameters': [_ref('parameters', 'id'),
                    *_common_parameters()],
                'responses': {
                    '200': {'description': "The document (attachment; "
                        "PDF or ODT as the report is set up)",
                        'content': {'application/octet-stream': {
                                'schema': {'type': 'string',
                                    'format': 'binary'}}}},
                    **_errors('400', '401', '403'),
                    },
                }}
    return paths


def collect(pool):
    """The court_* models and reports of the pool, in each language:
    {model: {'labels': {lang: {'name': …}}, 'fields': {lang: fields_get},
    'class': Model}}, [(report_name, label, model)]"""
    from trytond.model import ModelStorage
    from trytond.transaction import Transaction
    IrModel = pool.get('ir.model')
    Report = pool.get('ir.action.report')
    models = {}
    for language in LANGUAGES:
        with Transaction().set_context(language=language):
            for record in IrModel.search(
                    [('module', 'like', f'{PREFIX}%')],
                    order=[('name', 'ASC')]):
                Model = pool.get(record.name)
                info = models.setdefault(record.name, {
                        'labels': {}, 'fields': {}, 'class': Model,
                        'module': record.module})
                info['labels'][language] = {'name': record.string}
                if issubclass(Model, ModelStorage):
                    info['fields'][language] = Model.fields_get()
                else:
                    info['fields'][language] = {}
    Button = pool.get('ir.model.button')
    for language in LANGUAGES:
        with Transaction().set_context(language=language):
            for button in Button.search([('model', 'in', list(models))]):
                info = models[button.model].setdefault('buttons', {})
                entry = info.setdefault(button.name, {'labels': {},
                        'groups': sorted(g.name for g in button.groups)})
                entry['labels'][language] = {'name': button.string}
    reports = []
    with Transaction().set_context(language='zh_CN'):
        zh = {r.id: r.name for r in Report.search([])}
    for report in Report.search([('report_name', 'like', f'{PREFIX}%')]):
        label = report.name
        if zh.get(report.id, label) != label:
            label += f' / {zh[report.id]}'
        reports.append((report.report_name, label, report.model))
    return models, sorted(set(reports))


def document(models, reports, database='court_demo', version='8.0'):
    from trytond.model import ModelSQL, ModelStorage
    schemas = _encoded_schemas()
    paths = key_paths()
    tags = []
    for model, info in sorted(models.items()):
        Model = info['class']
        if not issubclass(Model, ModelStorage):
            # views of wizards: no REST route reaches them
            continue
        labels = info['labels']
        label = _labels(labels, 'name')
        schemas[model] = model_schema(model, labels, info['fields'], Model)
        table_query = (issubclass(Model, ModelSQL)
            and Model.table_query is not ModelSQL.table_query
            and getattr(Model.table_query, '__func__', None)
            is not getattr(ModelSQL.table_query, '__func__', None))
        buttons, methods = {}, {}
        for name, rpc in sorted(Model.__rpc__.items()):
            function = getattr(Model, name, None)
            if function is None:
                continue
            instance = rpc.instantiate == 0
            if name in getattr(Model, '_buttons', {}):
                button = info.get('buttons', {}).get(name, {})
                buttons[name] = (_labels(button.get('labels', {}), 'name'),
                    button.get('groups', []),
                    _method_parameters(function, True))
            elif name.startswith(('on_change', 'autocomplete')):
                # the web client's form helpers
                continue
            elif _is_court(Model, name):
                methods[name] = (instance,
                    _method_parameters(function, instance))
        paths.update(model_paths(model, label, Model, True,
                not table_query, buttons, methods,
                schemas[model]['x-tryton-required-on-create']))
        tags.append({'name': model, 'description': label + (
                    ' (read only: a view computed by the database)'
                    if table_query else '')})
    paths.update(report_paths(reports))
    tags.append({'name': 'res.user.application',
            'description': "API keys (trytond's user applications)"})
    if any(not r[2] for r in reports):
        tags.append({'name': 'reports', 'description': "Reports"})
    return {
        'openapi': OPENAPI,
        'info': {
            'title': "Court platform REST API (court_* models)",
            'version': version,
            'description': (
                "Tryton 8.0's REST API for the models of the court_* "
                "modules, generated by `python -m court_tools.openapi` from "
                "the installed models (doc/api.md: keys per outside system, "
                "what a key's user sees). Every call is made as the key's "
                "user: model and field access, button groups and the "
                "court record rules apply, so a key of one court's user sees "
                "that court's records (and those of the courts below it) "
                "only."),
            },
        'servers': [{
                'url': '{scheme}://{host}/{database}',
                'description': "The trytond server and the database",
                'variables': {
                    'scheme': {'default': 'http', 'enum': ['http', 'https']},
                    'host': {'default': '127.0.0.1:8000'},
                    'database': {'default': database},
                    },
                }],
        'security': [{'bearerKey': []}, {'basicKey': []}],
        'tags': tags,
        'paths': paths,
        'components': {
            'securitySchemes': {
                'bearerKey': {'type': 'http', 'scheme': 'bearer',
                    'description': "`Authorization: Bearer KEY`. "
                    + KEY_DESCRIPTION},
                'basicKey': {'type': 'http', 'scheme': 'basic',
                    'description': "`Authorization: Basic` with the key as "
                    "the password (the user name is not checked). "
                    + KEY_DESCRIPTION},
                },
            'parameters': _parameters(),
            'responses': _responses(),
            'schemas': schemas,
            },
        }


def generate(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    with Transaction().start(database, 0, readonly=True):
        pool = Pool()
        Module = pool.get('ir.module')
        base, = Module.search([('name', '=', 'court_base')])
        models, reports = collect(pool)
        return document(models, reports, database, base.version)


def dumps(doc):
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', help="trytond configuration")
    parser.add_argument('-o', '--output', help="file (default: stdout)")
    args = parser.parse_args(argv)
    from trytond import config
    config.update_etc(args.config)
    text = dumps(generate(args.database))
    if args.output:
        Path(args.output).write_text(text)
        print(f"{args.output}: {text.count('operationId')} operations",
            file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
