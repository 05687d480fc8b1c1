/*
 * worker.c: background workers.
 *
 * A task worker is a dynamic background worker started for one queued
 * generation task.  It logs in to the task's database as the session user
 * of the request, waits for the requesting transaction to end, takes the
 * task and one of tourney.max_workers slots (waiting for a slot if none is
 * free), takes on the requesting role (as SET ROLE would), checks that role
 * may run generate_sessions, and
 * generates in one transaction that also marks the task done.  A failure
 * is recorded in a fresh transaction after the failed one is rolled back.
 * The worker then gives its slot back; with tourney preloaded it stays,
 * idle, for the next task of its database and session user (pool.c).
 *
 * The launcher (only when tourney is in shared_preload_libraries) starts a
 * recovery worker in every database once the server accepts connections;
 * it requeues or fails the tasks whose worker died and starts workers for
 * queued ones.  Without preloading, every tourney call does the same.
 */
#include "tourney.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "catalog/namespace.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lock.h"
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
PGDLLEXPORT void tourney_launcher_main(Datum main_arg);

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

static char *
uuid_text(const pg_uuid_t *uuid)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(uuid)));
}

/* Register a task worker (role valid) or a recovery worker (role invalid). */
static bool
start_worker(const TaskWorkerArgs *args, pid_t notify_pid, BackgroundWorkerHandle **handle)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(worker.bgw_library_name, "tourney", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "tourney_task_worker_main", BGW_MAXLEN);
	if (OidIsValid(args->role))
	{
		strlcpy(worker.bgw_type, "tourney task", BGW_MAXLEN);
		snprintf(worker.bgw_name, BGW_MAXLEN, "tourney task %s", uuid_text(&args->task_id));
	}
	else
	{
		strlcpy(worker.bgw_type, "tourney recovery", BGW_MAXLEN);
		snprintf(worker.bgw_name, BGW_MAXLEN, "tourney recovery of database %u", args->database);
	}
	memcpy(worker.bgw_extra, args, sizeof(*args));
	worker.bgw_notify_pid = notify_pid;
	return RegisterDynamicBackgroundWorker(&worker, handle);
}

/* A worker nobody waits for: for a task, or for recovery. */
bool
task_worker_start(const TaskWorkerArgs *args)
{
	BackgroundWorkerHandle *handle;

	return start_worker(args, 0, &handle);
}

/*
 * Give a queued task to an idle worker (pool.c), else start a worker for
 * it; false when no worker process slot is free (the task then stays
 * queued until recovery tries again, and idle workers are asked to leave
 * to free their slots).  The worker first waits for the calling
 * transaction to end.
 */
bool
task_dispatch(const pg_uuid_t *task_id, Oid database, Oid role)
{
	TaskWorkerArgs args;

	memset(&args, 0, sizeof(args));
	args.database = database;
	args.role = role;
	args.task_id = *task_id;
	GET_VXID_FROM_PGPROC(args.dispatcher, *MyProc);
	args.max_workers = tourney_max_workers;
	args.task_retries = tourney_task_retries;
	args.idle_timeout = tourney_worker_idle_timeout;
	if (pool_hand_over(&args))
		return true;
	if (task_worker_start(&args))
		return true;
	pool_retire_idle();
	return false;
}

/* Start a recovery worker for a database; it waits for nobody. */
bool
recovery_dispatch(Oid database)
{
	TaskWorkerArgs args;

	memset(&args, 0, sizeof(args));
	args.database = database;
	args.max_workers = tourney_max_workers;
	args.task_retries = tourney_task_retries;
	return task_worker_start(&args);
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

/* The user a step ran as before it became the owner. */
static Oid	outer_user = InvalidOid;
static int	outer_sec_context = 0;

/*
 * Run as the extension's owner with search_path pinned, exactly as the
 * SECURITY DEFINER SQL functions do.  worker_step_end (or an abort) undoes
 * it, and the commit the settings.
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
	tourney_bulk_settings();
}

/* Each step of a worker is its own transaction, run as the owner. */
static void
worker_step_begin(GenerateFunction *f)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	lookup_generate_function(f);
	become_owner(f);
}

static void
worker_step_end(void)
{
	SetUserIdAndSecContext(outer_user, outer_sec_context);
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
}

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

static void
report_progress(int64 tournament_id, const char *phase, int64 done, int64 total)
{
	char		activity[160];

	snprintf(activity, sizeof(activity),
			 "tourney task %s tournament " INT64_FORMAT ": %s " INT64_FORMAT "/" INT64_FORMAT,
			 uuid_text(&current_task), tournament_id, phase, done, total);
	pgstat_report_activity(STATE_RUNNING, activity);
}

/* The generation and its "done" mark: one transaction. */
static void
run_generation(const ClaimedTask *c)
{
	GenerateFunction f;
	GenerationTimings timings;
	Tournament *t;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	report_progress(c->tournament_id, "starting", 0, 0);
	lookup_generate_function(&f);
	act_as_requester(c, &f);
	become_owner(&f);

	t = tournament_lock(c->tournament_id, TOURNAMENT_LOCK);
	generate_require_draft(t);
	generation_progress_hook = report_progress;
	generate_tournament_sessions(t, &timings);
	generation_progress_hook = NULL;
	task_finish_done(&current_task, &timings);
	report_progress(c->tournament_id, "committing", timings.session_count,
					timings.session_count);
	worker_step_end();
}

static void
record_failure(ErrorData *edata)
{
	GenerateFunction f;
	char	   *message;

	worker_step_begin(&f);
	message = got_sigterm
		? psprintf("worker terminated during the generation: %s", edata->message)
		: edata->message;
	task_finish_failed(&current_task, message, unpack_sql_state(edata->sqlerrcode),
					   got_sigterm);
	worker_step_end();
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

		generation_progress_hook = NULL;
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
	GenerateFunction f;
	bool		adopted;

	worker_step_begin(&f);
	bookkeeping_commit();
	adopted = task_adopt(&current_task);
	worker_step_end();
	return adopted;
}

static bool
claim_task(bool adopted, ClaimedTask *claimed)
{
	GenerateFunction f;
	bool		claimed_it;

	worker_step_begin(&f);
	bookkeeping_commit();
	claimed_it = task_claim(&current_task, adopted, claimed);
	worker_step_end();
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

/* Recovery in this database, if tourney is installed in it. */
static void
recover_database(bool grace)
{
	bool		installed;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	SPI_execute("SELECT FROM pg_catalog.pg_extension WHERE extname = 'tourney'", true, 1);
	installed = SPI_processed == 1;
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	if (!installed)
		return;

	{
		GenerateFunction f;

		worker_step_begin(&f);
		tasks_recover(grace);
		worker_step_end();
	}
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
	for (;;)
	{
		serve_task(&args);
		if (got_sigterm || !pool_wait_for_task(&args, &got_sigterm))
			break;
		if (got_sigterm)
		{
			/* stopped as a task was handed over: it gets a worker of its own */
			(void) task_worker_start(&args);
			break;
		}
	}
	proc_exit(0);
}

/* Databases that accept connections (read from the shared catalog). */
static List *
connectable_databases(void)
{
	List	   *oids = NIL;
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tuple;
	MemoryContext cxt = CurrentMemoryContext;

	StartTransactionCommand();
	(void) GetTransactionSnapshot();
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tuple);
		MemoryContext old;

		if (!db->datallowconn || db->datistemplate)
			continue;
		old = MemoryContextSwitchTo(cxt);
		oids = lappend_oid(oids, db->oid);
		MemoryContextSwitchTo(old);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	CommitTransactionCommand();
	return oids;
}

/*
 * The launcher: one recovery worker per database, one at a time, then idle
 * until shutdown (staying alive means it runs again after a crash restart).
 */
void
tourney_launcher_main(Datum main_arg)
{
	ListCell   *lc;
	List	   *databases;

	pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);

	databases = connectable_databases();
	foreach(lc, databases)
	{
		BackgroundWorkerHandle *handle;
		TaskWorkerArgs args;
		pid_t		pid;

		if (ShutdownRequestPending)
			break;
		memset(&args, 0, sizeof(args));
		args.database = lfirst_oid(lc);
		args.max_workers = tourney_max_workers;
		args.task_retries = tourney_task_retries;
		if (start_worker(&args, MyProcPid, &handle) &&
			WaitForBackgroundWorkerStartup(handle, &pid) == BGWH_STARTED)
			(void) WaitForBackgroundWorkerShutdown(handle);
	}

	while (!ShutdownRequestPending)
	{
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_EXIT_ON_PM_DEATH, -1, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		/* absorbs ProcSignalBarriers (DROP DATABASE waits for them) */
		CHECK_FOR_INTERRUPTS();
	}
	proc_exit(0);
}

/* Called from _PG_init when tourney is preloaded. */
void
tourney_register_launcher(void)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 10;
	strlcpy(worker.bgw_library_name, "tourney", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "tourney_launcher_main", BGW_MAXLEN);
	strlcpy(worker.bgw_name, "tourney launcher", BGW_MAXLEN);
	strlcpy(worker.bgw_type, "tourney launcher", BGW_MAXLEN);
	RegisterBackgroundWorker(&worker);
}
