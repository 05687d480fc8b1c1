/*
 * worker.c: the task worker, a dynamic background worker started for one
 * queued generation task (dispatch.c).
 *
 * It logs in to the task's database as the session user of the request,
 * waits for the requesting transaction to end, takes the task and one of
 * tourney.max_workers slots (waiting for a slot if none is free), takes on
 * the requesting role (as SET ROLE would), checks that role may run
 * generate_sessions, and generates in one transaction that also marks the
 * task done.  A failure is recorded in a fresh transaction after the
 * failed one is rolled back.  The worker then gives its slot back, looks
 * for tasks to recover, and, with tourney preloaded, stays idle for the
 * next task of its database and session user (pool.c).  Started without a
 * role it is a recovery worker: it recovers its database's tasks and
 * exits.  The states, the waits and recovery: README.md.
 */
#include "tourney/async.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_proc.h"
#include "pgstat.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/wait_event.h"

PGDLLEXPORT void tourney_task_worker_main(Datum main_arg);

StaticAssertDecl(sizeof(TaskWorkerArgs) <= BGW_EXTRALEN, "TaskWorkerArgs too large");

/* Slots are advisory locks on (no database, this key, slot number). */
#define SLOT_LOCK_KEY 0x746f7572	/* "tour" */
#define SLOT_POLL_MS 200

static volatile sig_atomic_t got_sigterm = false;
static pg_uuid_t current_task;

/*
 * SIGTERM cancels whatever runs, so that the attempt can be recorded (and
 * retried) before the worker exits.
 */
static void
task_worker_sigterm(SIGNAL_ARGS)
{
	int			save_errno = errno;

	got_sigterm = true;
	InterruptPending = true;
	QueryCancelPending = true;
	SetLatch(MyLatch);
	errno = save_errno;
}

/* The function whose rights a task needs, and whose owner does the writing. */
typedef struct GenerateFunction
{
	Oid			oid;
	Oid			owner;
	Oid			schema;
} GenerateFunction;

/*
 * Straight from the catalog, without the privilege checks of a name
 * lookup: the worker's own bookkeeping must not depend on what the
 * requesting roles may do (that is checked in act_as_requester).
 */
static void
lookup_generate_function(GenerateFunction *f)
{
	Oid			argtypes[2] = {INT8OID, BOOLOID};
	HeapTuple	tuple;

	f->schema = get_namespace_oid("tourney", false);
	tuple = SearchSysCache3(PROCNAMEARGSNSP, CStringGetDatum("generate_sessions"),
							PointerGetDatum(buildoidvector(argtypes, 2)),
							ObjectIdGetDatum(f->schema));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "function tourney.generate_sessions(bigint, boolean) does not exist");
	f->oid = ((Form_pg_proc) GETSTRUCT(tuple))->oid;
	f->owner = ((Form_pg_proc) GETSTRUCT(tuple))->proowner;
	ReleaseSysCache(tuple);
}

/* The rights a step of a worker runs with. */
typedef enum StepRights
{
	STEP_AS_SESSION_USER,		/* as logged in */
	STEP_AS_OWNER,				/* the extension's owner: bookkeeping */
	STEP_FOR_REQUESTER			/* the requester's rights checked, then the owner's */
} StepRights;

/* Whether the current step became the owner, and who it was before. */
static bool step_as_owner = false;
static Oid	outer_user = InvalidOid;
static int	outer_sec_context = 0;

/*
 * Take on the requesting role, as SET ROLE did in the requesting session,
 * and refuse if that role may not generate sessions synchronously either.
 */
static void
act_as_requester(const ClaimedTask *c, const GenerateFunction *f)
{
	/* a worker serves only tasks of the session user it logged in as */
	if (c->connected_as != GetSessionUserId())
		elog(ERROR, "task queued by role %u taken by a worker of role %u",
			 c->connected_as, GetSessionUserId());
	/* the role of this worker's previous task, if any, ends here */
	SetCurrentRoleId(InvalidOid, false);
	if (c->requested_by != c->connected_as)
	{
		if (!is_member_of_role(c->connected_as, c->requested_by))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("role \"%s\" may no longer act as role \"%s\"",
							GetUserNameFromId(c->connected_as, false),
							GetUserNameFromId(c->requested_by, false))));
		SetCurrentRoleId(c->requested_by, superuser_arg(c->requested_by));
	}
	if (pg_namespace_aclcheck(f->schema, c->requested_by, ACL_USAGE) != ACLCHECK_OK ||
		pg_proc_aclcheck(f->oid, c->requested_by, ACL_EXECUTE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for function generate_sessions"),
				 errdetail("The task runs with the rights of role \"%s\", which queued it.",
						   GetUserNameFromId(c->requested_by, false))));
}

/*
 * Run as the extension's owner with search_path pinned, exactly as the
 * SECURITY DEFINER SQL functions do.  step_end (or an abort) undoes it,
 * and the commit the settings.
 */
static void
become_owner(const GenerateFunction *f)
{
	GetUserIdAndSecContext(&outer_user, &outer_sec_context);
	SetUserIdAndSecContext(f->owner, outer_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	(void) NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	query_bulk_settings();
	step_as_owner = true;
}

/*
 * Each step of a worker is a transaction of its own, with a snapshot and
 * SPI, ended by step_end (or rolled back by an error).  With task, the
 * requesting role's rights are checked first (STEP_FOR_REQUESTER).
 */
static void
step_begin(StepRights rights, const ClaimedTask *task)
{
	GenerateFunction f;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	step_as_owner = false;
	if (rights == STEP_AS_SESSION_USER)
		return;
	lookup_generate_function(&f);
	if (rights == STEP_FOR_REQUESTER)
		act_as_requester(task, &f);
	become_owner(&f);
}

static void
step_end(void)
{
	if (step_as_owner)
		SetUserIdAndSecContext(outer_user, outer_sec_context);
	step_as_owner = false;
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
}

static void
report_progress(int64 tournament_id, const char *phase, int64 done, int64 total)
{
	char		activity[160];

	snprintf(activity, sizeof(activity),
			 "tourney task %s tournament " INT64_FORMAT ": %s " INT64_FORMAT "/" INT64_FORMAT,
			 task_uuid_text(&current_task), tournament_id, phase, done, total);
	pgstat_report_activity(STATE_RUNNING, activity);
}

/*
 * How far the worker running a task is, in percent, from what it reports
 * above; false when no backend reports on that task.  pg_stat_activity
 * shows other roles' reports only to privileged roles, so this reads the
 * backends' status itself and gives away no more than the percent.
 */
bool
task_worker_percent(const pg_uuid_t *task_id, double *percent)
{
	char	   *prefix = psprintf("tourney task %s tournament ", task_uuid_text(task_id));
	size_t		prefix_len = strlen(prefix);
	int			backends = pgstat_fetch_stat_numbackends();

	for (int i = 1; i <= backends; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		const char *activity;
		const char *phase;
		long long	done;
		long long	total;

		if (local == NULL || local->backendStatus.st_activity_raw == NULL)
			continue;
		activity = local->backendStatus.st_activity_raw;
		if (strncmp(activity, prefix, prefix_len) != 0 ||
			(phase = strstr(activity + prefix_len, ": ")) == NULL)
			continue;
		phase = strchr(phase + 2, ' ');
		if (phase == NULL || sscanf(phase, " %lld/%lld", &done, &total) != 2)
			continue;
		*percent = total > 0 ? Min(100.0, 100.0 * (double) done / (double) total) : 0.0;
		return true;
	}
	return false;
}

/* Set when this worker stopped its task because it was being cancelled. */
static bool cancel_seen = false;

/*
 * Stop (roll back) when cancel_task or cancel_tournament is cancelling the
 * task; with hold, keep every cancellation off until this transaction ends.
 */
static void
stop_if_cancelled(bool hold)
{
	if (task_hold_uncancelled(&current_task))
	{
		if (!hold)
			task_release_uncancelled(&current_task);
		return;
	}
	cancel_seen = true;
	ereport(ERROR,
			(errcode(ERRCODE_QUERY_CANCELED),
			 errmsg("task %s is being cancelled", task_uuid_text(&current_task))));
}

/*
 * Between the batches a generation writes: its progress, and whether to
 * stop: a cancellation in flight (its lock), or committed (the task's
 * status, read at most every 100 ms).
 */
static void
progress_or_stop(int64 tournament_id, const char *phase, int64 done, int64 total)
{
	static TimestampTz last_look = 0;
	TimestampTz now = GetCurrentTimestamp();

	report_progress(tournament_id, phase, done, total);
	stop_if_cancelled(false);
	if (TimestampDifferenceExceeds(last_look, now, 100))
	{
		last_look = now;
		if (!task_still_running(&current_task))
		{
			cancel_seen = true;
			ereport(ERROR,
					(errcode(ERRCODE_QUERY_CANCELED),
					 errmsg("task %s was cancelled", task_uuid_text(&current_task))));
		}
	}
}

/*
 * The generation and its "done" mark: one transaction, which holds off a
 * cancellation from the mark to the commit (task_hold_uncancelled).
 */
static void
run_generation(const ClaimedTask *c)
{
	GenerationTimings timings;
	Tournament *t;

	step_begin(STEP_FOR_REQUESTER, c);
	report_progress(c->tournament_id, "starting", 0, 0);
	t = tournament_lock(c->tournament_id, TOURNAMENT_LOCK);
	generate_require_draft(t);
	generate_progress_hook = progress_or_stop;
	generate_sessions(t, &timings);
	generate_progress_hook = NULL;
	stop_if_cancelled(true);
	task_finish_done(&current_task, &timings);
	report_progress(c->tournament_id, "committing", timings.session_count,
					timings.session_count);
	step_end();
}

static void
record_failure(ErrorData *edata)
{
	char	   *message;

	step_begin(STEP_AS_OWNER, NULL);
	message = got_sigterm
		? psprintf("worker terminated during the generation: %s", edata->message)
		: edata->message;
	/*
	 * A cancellation that committed left the task cancelled, and this
	 * changes nothing; one that rolled back leaves it running, and it is
	 * queued again like an interrupted attempt.
	 */
	task_finish_failed(&current_task, message, unpack_sql_state(edata->sqlerrcode),
					   got_sigterm || cancel_seen);
	cancel_seen = false;
	step_end();
}

static void
run_task(const ClaimedTask *c)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		run_generation(c);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		generate_progress_hook = NULL;
		MemoryContextSwitchTo(cxt);
		EmitErrorReport();
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		record_failure(edata);
		FreeErrorData(edata);
	}
	PG_END_TRY();
}

/* The slot taken, or -1 when all max_workers slots are taken. */
static int
try_take_slot(int max_workers)
{
	for (int i = 0; i < max_workers; i++)
	{
		LOCKTAG		tag;

		SET_LOCKTAG_ADVISORY(tag, InvalidOid, SLOT_LOCK_KEY, (uint32) i, 2);
		if (LockAcquire(&tag, ExclusiveLock, true, true) != LOCKACQUIRE_NOT_AVAIL)
			return i;
	}
	return -1;
}

/* Workers that end a task wake us; the timeout covers other databases. */
static int
wait_for_slot(int max_workers)
{
	int			slot;

	while ((slot = try_take_slot(max_workers)) < 0)
	{
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 SLOT_POLL_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	return slot;
}

static void
release_slot(int slot)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, InvalidOid, SLOT_LOCK_KEY, (uint32) slot, 2);
	LockRelease(&tag, ExclusiveLock, true);
}

/*
 * Adopting and claiming a task are bookkeeping that recovery redoes if a
 * crash loses them (the task is then still queued, or running with a dead
 * worker): their commits need not wait for the WAL flush, which is most of
 * the queue wait on a machine with slow fsync.
 */
static void
bookkeeping_commit(void)
{
	(void) set_config_option("synchronous_commit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/* A queued task may be taken once the transaction that queued it has ended. */
static void
wait_for_dispatcher(const TaskWorkerArgs *args)
{
	StartTransactionCommand();
	if (VirtualTransactionIdIsValid(args->dispatcher))
		(void) VirtualXactLock(args->dispatcher, true);
	CommitTransactionCommand();
}

static bool
adopt_task(void)
{
	bool		adopted;

	step_begin(STEP_AS_OWNER, NULL);
	bookkeeping_commit();
	adopted = task_adopt(&current_task);
	step_end();
	return adopted;
}

static bool
claim_task(bool adopted, ClaimedTask *claimed)
{
	bool		claimed_it;

	step_begin(STEP_AS_OWNER, NULL);
	bookkeeping_commit();
	claimed_it = task_claim(&current_task, adopted, claimed);
	step_end();
	return claimed_it;
}

/*
 * The task, running, in one transaction when a slot is free at once (the
 * usual case, and the one the queue wait is about), else adopted first and
 * claimed when a slot frees.  The slot taken, or -1 when the queuing
 * transaction rolled back or another worker has the task.
 */
static int
take_task(const TaskWorkerArgs *args, ClaimedTask *claimed)
{
	bool		adopted = false;
	int			slot;

	wait_for_dispatcher(args);
	slot = try_take_slot(args->max_workers);
	if (slot < 0)
	{
		if (!adopt_task())
			return -1;
		adopted = true;
		slot = wait_for_slot(args->max_workers);
	}
	if (claim_task(adopted, claimed))
		return slot;
	release_slot(slot);
	return -1;
}

/*
 * Recovery in this database, if tourney is installed in it: the tasks
 * whose worker is gone are requeued in one transaction, and the queued
 * tasks without a worker are dispatched once it has committed.
 */
static void
recover_database(bool grace)
{
	MemoryContext cxt;
	List	   *to_start;
	ListCell   *lc;
	bool		installed;

	step_begin(STEP_AS_SESSION_USER, NULL);
	SPI_execute("SELECT FROM pg_catalog.pg_extension WHERE extname = 'tourney'", true, 1);
	installed = SPI_processed == 1;
	step_end();
	if (!installed)
		return;

	cxt = AllocSetContextCreate(TopMemoryContext, "tourney recovery", ALLOCSET_SMALL_SIZES);
	step_begin(STEP_AS_OWNER, NULL);
	to_start = tasks_recover(grace, cxt);
	step_end();
	foreach(lc, to_start)
	{
		TaskToStart *task = lfirst(lc);

		(void) dispatch_task(&task->task_id, MyDatabaseId, task->role);
	}
	MemoryContextDelete(cxt);
}

/* One task from take to end; the worker is then free for another. */
static void
serve_task(const TaskWorkerArgs *args)
{
	ClaimedTask claimed;
	int			slot;

	current_task = args->task_id;
	tourney_max_workers = args->max_workers;
	tourney_task_retries = args->task_retries;
	slot = take_task(args, &claimed);
	if (slot < 0)
		return;
	run_task(&claimed);
	release_slot(slot);
	if (!got_sigterm)
		recover_database(true);
	tasks_wake_waiters();
}

/*
 * A worker that exits while idle (a FATAL error, say) leaves the pool, and
 * a task handed to it meanwhile gets a worker of its own.
 */
static void
leave_pool_at_exit(int code, Datum arg)
{
	TaskWorkerArgs task;

	if (pool_leave(&task))
		(void) dispatch_start(&task);
}

void
tourney_task_worker_main(Datum main_arg)
{
	TaskWorkerArgs args;

	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	pqsignal(SIGTERM, task_worker_sigterm);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(args.database, args.role, 0);

	if (!OidIsValid(args.role))
	{
		recover_database(false);
		proc_exit(0);
	}
	before_shmem_exit(leave_pool_at_exit, 0);
	for (;;)
	{
		serve_task(&args);
		if (got_sigterm || !pool_wait_for_task(&args, &got_sigterm))
			break;
		if (got_sigterm)
		{
			/* stopped as a task was handed over: it gets a worker of its own */
			(void) dispatch_start(&args);
			break;
		}
	}
	proc_exit(0);
}
