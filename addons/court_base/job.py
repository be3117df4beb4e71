# This file is part of the court platform.  See LICENSE.
"""后台任务: long work (large exports, imports, evaluations of many courts)
run in Tryton's queue (``ir.queue``, ``trytond-worker``) and show their
progress and outcome to the user.

Module code uses it in three steps (doc/jobs.md):

    job = Job.launch('export', name, 'court.some.model', 'run_job',
        params={...}, total=len(ids))
    ...
    @classmethod
    def run_job(cls, job):                  # in the worker, as the user
        for chunk in job.each(ids, 500):    # committed chunk by chunk
            ...
        return {'message': ..., 'result': data, 'result_name': name}

``launch`` creates the ``court.job`` record and queues ``Job.run``
through ``__queue__``. With ``[queue] worker = True`` a ``trytond-worker``
runs it; without (SQLite demo, tests) Tryton runs it in the request once
the request's transaction is committed.

``Job.run`` marks the job running (committed at once, so the user sees
it), calls the function with the user's language and access checks on,
then stores the outcome, or on any exception rolls back the work not yet
committed and stores the error in Chinese (the message of a ``UserError``,
a generic message for anything else), and notifies the user
(``res.notification``, the bell of the web client).
"""
import datetime as dt
import logging

import trytond.config as config
from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .model import CourtMixin

logger = logging.getLogger(__name__)


def threshold(option, default):
    "An integer of the [court] section of the configuration"
    return config.getint('court', option, default=default)


class Job(CourtMixin, ModelSQL, ModelView):
    "Background Job"
    __name__ = 'court.job'
    user = fields.Many2One('res.user', "User", required=True, readonly=True,
        ondelete='CASCADE')
    kind = fields.Selection([
            ('export', "Export"),
            ('import', "Import"),
            ('evaluation', "Evaluation"),
            ], "Kind", required=True, readonly=True)
    name = fields.Char("Name", required=True, readonly=True)
    state = fields.Selection([
            ('queued', "Queued"),
            ('running', "Running"),
            ('done', "Done"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True)
    done = fields.Integer("Done", readonly=True)
    total = fields.Integer("Total", readonly=True)
    progress = fields.Function(fields.Float("Progress", digits=(1, 4)),
        'get_progress')
    started = fields.Timestamp("Started", readonly=True)
    finished = fields.Timestamp("Finished", readonly=True)
    message = fields.Text("Outcome", readonly=True)
    error = fields.Text("Error", readonly=True)
    result = fields.Binary("Result File", filename='result_name',
        readonly=True)
    result_name = fields.Char("Result File Name", readonly=True)
    # what to run: a classmethod of a model of the pool, called with the
    # job; its parameters and input file (cleared once finished)
    model = fields.Char("Model", readonly=True)
    method = fields.Char("Method", readonly=True)
    params = fields.Dict(None, "Parameters", readonly=True)
    source = fields.Binary("Source File", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.user, Index.Equality())),
                Index(t, (t.state, Index.Equality())),
                })

    @staticmethod
    def default_state():
        return 'queued'

    @staticmethod
    def default_done():
        return 0

    @staticmethod
    def default_total():
        return 0

    def get_progress(self, name):
        if self.state == 'done':
            return 1.0
        if not self.total:
            return 0.0
        return min(1.0, (self.done or 0) / self.total)

    # ------------------------------------------------------------------
    # API for module code

    @classmethod
    def launch(cls, kind, name, model, method, params=None, source=None,
            total=0):
        """Create a job of the current user and court and queue it.
        model.method(job) runs in the queue worker (or at commit without
        one); return the job."""
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        user = User(transaction.user)
        company = transaction.context.get('company') or (
            user.company.id if user.company else None)
        with without_check_access():
            job, = cls.create([{
                        'user': user.id,
                        'company': company,
                        'kind': kind,
                        'name': name,
                        'model': model,
                        'method': method,
                        'params': params or {},
                        'source': source,
                        'total': total or 0,
                        }])
        with transaction.set_context(queue_name='court_job'):
            cls.__queue__.run([job])
        return job

    def each(self, items, size=100):
        """Yield the items in lists of size; after each list the
        transaction (the work done so far and the progress) is committed,
        so the user sees the progress and a failure keeps what is done."""
        items = list(items)
        self.set_progress(0, len(items), commit=True)
        done = 0
        for chunk in grouped_slice(items, count=size):
            chunk = list(chunk)
            yield chunk
            done += len(chunk)
            self.set_progress(done, commit=True)

    def set_progress(self, done, total=None, commit=False):
        """Record the progress. With commit, commit the current
        transaction with it; otherwise write it in a transaction of its
        own (the work's transaction stays open: nothing half-done is
        committed), or, on SQLite, where a second transaction cannot write
        while the work's holds its lock, in the work's transaction."""
        values = {'done': done}
        if total is not None:
            values['total'] = total
        transaction = Transaction()
        if commit or backend.name == 'sqlite':
            self._write(values)
            if commit:
                transaction.commit()
        else:
            with transaction.new_transaction():
                self._write(values)

    # ------------------------------------------------------------------
    # run

    def _write(self, values):
        with without_check_access():
            self.write([self.__class__(self.id)], values)

    @classmethod
    def run(cls, jobs):
        "Run the jobs (called by the queue)"
        for job in jobs:
            job._run()

    def _run(self):
        pool = Pool()
        transaction = Transaction()
        if self.state != 'queued':
            return
        self._write({'state': 'running', 'started': dt.datetime.now()})
        transaction.commit()
        language = self.user.language.code if self.user.language else None
        context = {'_check_access': True, 'court_job': self.id}
        if language:
            context['language'] = language
        try:
            Model = pool.get(self.model)
            with transaction.set_user(self.user.id), \
                    transaction.set_context(context):
                outcome = getattr(Model, self.method)(self)
        except Exception as exception:
            transaction.rollback()
            if isinstance(exception, (UserError, UserWarning)):
                error = exception.message
            else:
                logger.exception("job %s failed", self.id)
                with transaction.set_context(language=language):
                    error = gettext('court_base.msg_job_internal_error')
            values = {'state': 'failed', 'error': error}
        else:
            # commit the work first: on PostgreSQL (repeatable read) this
            # transaction could not update the job's row once set_progress
            # has updated it from a transaction of its own
            transaction.commit()
            if not isinstance(outcome, dict):
                outcome = {'message': outcome}
            values = {'state': 'done', **outcome}
        values.update({
                'finished': dt.datetime.now(),
                'params': None,
                'source': None,
                })
        self._write(values)
        with transaction.set_context(language=language):
            self.__class__(self.id).notify()

    def notify(self):
        "Tell the user in the web client that the job is finished"
        Notification = Pool().get('res.notification')
        if self.state == 'done':
            label = gettext('court_base.msg_job_done', name=self.name)
            description = self.message
        else:
            label = gettext('court_base.msg_job_failed', name=self.name)
            description = self.error
        # a Char: no line breaks (the error of an import lists its rows
        # one a line; the job's form shows them all)
        description = ' '.join(line.strip() for line in (
                description or '').splitlines() if line.strip())
        with without_check_access():
            Notification.create([{
                        'user': self.user.id,
                        'label': label,
                        'description': description[:500] or None,
                        'model': self.__name__,
                        'records': str([self.id]),
                        }])
