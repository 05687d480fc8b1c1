/*
 * tasks.c: the task table.  Recording generations, their outcome and the
 * announcement of it, reading and waiting for a task, and the recovery of
 * tasks whose worker is gone.
 */
#include "tourney.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/wait_event.h"

PG_FUNCTION_INFO_V1(tourney_generation_status);
PG_FUNCTION_INFO_V1(tourney_wait_for_task);

/*
 * How often a backend looks for tasks to recover, and how long
 * wait_for_task sleeps when no worker wakes it (a worker that died cannot).
 */
#define TASK_RECOVERY_INTERVAL_MS 1000
#define TASK_WAIT_FALLBACK_MS 1000

/* A worker "alive" for recovery: a tourney task process with that pid. */
#define WORKER_ALIVE(pidcol) \
	"(" pidcol " IS NOT NULL AND EXISTS (SELECT FROM pg_catalog.pg_stat_get_activity(" pidcol ") a" \
	" WHERE a.backend_type = 'tourney task'))"

static void
task_notify(const pg_uuid_t *task_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {UUIDOID};
	Datum		args[1] = {UUIDPGetDatum(task_id)};

	tourney_plan(&plan,
				 "SELECT pg_notify('tourney_tasks', json_build_object("
				 " 'task_id', task_id, 'tournament_id', tournament_id,"
				 " 'status', status, 'session_count', session_count,"
				 " 'queue_wait_ms', queue_wait_ms, 'generation_ms', generation_ms,"
				 " 'db_write_ms', db_write_ms, 'error', error)::text)"
				 " FROM tourney.tasks WHERE task_id = $1",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
}

/*
 * Record a generation that ran in the caller's transaction: it is done as
 * soon as that transaction commits.
 */
void
task_record_done(int64 tournament_id, const pg_uuid_t *task_id,
				 const GenerationTimings *timings)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[7] = {INT8OID, UUIDOID, FLOAT8OID, FLOAT8OID, INT4OID,
	OIDOID, OIDOID};
	Datum		args[7];

	args[0] = Int64GetDatum(tournament_id);
	args[1] = UUIDPGetDatum(task_id);
	args[2] = Float8GetDatum(timings->generation_ms);
	args[3] = Float8GetDatum(timings->db_write_ms);
	args[4] = Int32GetDatum((int32) timings->session_count);
	args[5] = ObjectIdGetDatum(GetOuterUserId());
	args[6] = ObjectIdGetDatum(GetSessionUserId());
	tourney_plan(&plan,
				 "INSERT INTO tourney.tasks (tournament_id, task_id, kind, status,"
				 " attempts, queued_at, started_at, finished_at, queue_wait_ms,"
				 " generation_ms, db_write_ms, session_count, worker_pid,"
				 " requested_by, connected_as)"
				 " VALUES ($1, $2, 'generate', 'done', 1, now(), now(),"
				 " clock_timestamp(), 0, $3, $4, $5, pg_backend_pid(), $6, $7)",
				 7, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	task_notify(task_id);
}

/*
 * Queue a generation: the row becomes visible to workers when the caller's
 * transaction commits.
 */
void
task_enqueue(int64 tournament_id, const pg_uuid_t *task_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, UUIDOID, OIDOID, OIDOID};
	Datum		args[4];

	args[0] = Int64GetDatum(tournament_id);
	args[1] = UUIDPGetDatum(task_id);
	args[2] = ObjectIdGetDatum(GetOuterUserId());
	args[3] = ObjectIdGetDatum(GetSessionUserId());
	tourney_plan(&plan,
				 "INSERT INTO tourney.tasks (tournament_id, task_id, kind, status,"
				 " requested_by, connected_as)"
				 " VALUES ($1, $2, 'generate', 'queued', $3, $4)",
				 4, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
}

/*
 * A worker takes a queued task in one step when a slot is free at once, or
 * in two: it first writes its pid (so recovery knows the task has a live
 * worker waiting for a slot), then, holding a slot, marks it running.
 * Either fails harmlessly when another worker got there first.  Returns
 * false when the task is not ours.
 */
bool
task_adopt(const pg_uuid_t *task_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {UUIDOID, INT4OID};
	Datum		args[2] = {UUIDPGetDatum(task_id), Int32GetDatum(MyProcPid)};

	tourney_plan(&plan,
				 "UPDATE tourney.tasks SET worker_pid = $2"
				 " WHERE task_id = $1 AND status = 'queued'",
				 2, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	return SPI_processed == 1;
}

/* With adopted false, adopt and claim at once. */
bool
task_claim(const pg_uuid_t *task_id, bool adopted, ClaimedTask *claimed)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {UUIDOID, INT4OID, BOOLOID};
	Datum		args[3] = {UUIDPGetDatum(task_id), Int32GetDatum(MyProcPid),
	BoolGetDatum(adopted)};
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;

	tourney_plan(&plan,
				 "UPDATE tourney.tasks SET status = 'running', worker_pid = $2,"
				 " started_at = clock_timestamp(), attempts = attempts + 1,"
				 " queue_wait_ms = 1000 * extract(epoch FROM clock_timestamp() - queued_at)"
				 " WHERE task_id = $1 AND status = 'queued' AND (NOT $3 OR worker_pid = $2)"
				 " RETURNING tournament_id, requested_by::oid, connected_as::oid, attempts",
				 3, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	if (SPI_processed != 1)
		return false;
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	claimed->tournament_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
	claimed->requested_by = DatumGetObjectId(SPI_getbinval(row, desc, 2, &isnull));
	claimed->connected_as = DatumGetObjectId(SPI_getbinval(row, desc, 3, &isnull));
	claimed->attempts = DatumGetInt32(SPI_getbinval(row, desc, 4, &isnull));
	return true;
}

/* The generation committed with this transaction: the task is done. */
void
task_finish_done(const pg_uuid_t *task_id, const GenerationTimings *timings)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {UUIDOID, FLOAT8OID, FLOAT8OID, INT4OID};
	Datum		args[4];

	args[0] = UUIDPGetDatum(task_id);
	args[1] = Float8GetDatum(timings->generation_ms);
	args[2] = Float8GetDatum(timings->db_write_ms);
	args[3] = Int32GetDatum((int32) timings->session_count);
	tourney_plan(&plan,
				 "UPDATE tourney.tasks SET status = 'done', finished_at = clock_timestamp(),"
				 " generation_ms = $2, db_write_ms = $3, session_count = $4,"
				 " error = NULL, error_sqlstate = NULL"
				 " WHERE task_id = $1",
				 4, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	task_notify(task_id);
}

/*
 * The generation failed (its transaction is already rolled back).  An
 * interrupted attempt is queued again while retries remain; any other
 * error ends the task, since running it again would fail the same way.
 */
void
task_finish_failed(const pg_uuid_t *task_id, const char *message,
				   const char *sqlstate, bool retry)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[5] = {UUIDOID, TEXTOID, TEXTOID, BOOLOID, INT4OID};
	Datum		args[5];

	args[0] = UUIDPGetDatum(task_id);
	args[1] = CStringGetTextDatum(message);
	args[2] = CStringGetTextDatum(sqlstate);
	args[3] = BoolGetDatum(retry);
	args[4] = Int32GetDatum(tourney_task_retries);
	tourney_plan(&plan,
				 "UPDATE tourney.tasks SET"
				 " status = CASE WHEN $4 AND attempts <= $5 THEN 'queued'"
				 "  ELSE 'error' END::tourney.task_status,"
				 " finished_at = CASE WHEN $4 AND attempts <= $5 THEN NULL"
				 "  ELSE clock_timestamp() END,"
				 " error = $2, error_sqlstate = $3, worker_pid = NULL"
				 " WHERE task_id = $1 AND status = 'running'",
				 5, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	task_notify(task_id);
}

/*
 * A queued task that needs a worker: none alive, and (with grace) not
 * fresh.  The clock, not now(): wait_for_task asks again and again within
 * one statement, whose now() stays where the wait began.
 */
#define NEEDS_WORKER(k) \
	"(" k ".status = 'queued'" \
	" AND NOT " WORKER_ALIVE(k ".worker_pid") \
	" AND (NOT $1 OR " k ".attempts > 0" \
	"  OR " k ".queued_at < pg_catalog.clock_timestamp() - interval '1 second'))"

/*
 * Tasks whose worker is gone: a running task whose process has ended is
 * queued again (or, out of retries, marked error); a queued task without a
 * live worker gets one.  Runs in recovery workers and in every task worker
 * before it exits, each step in a transaction of its own.  With grace,
 * fresh requests get a second to be picked up by the worker they started
 * (a second worker would only find the task taken).
 */
void
tasks_recover(bool grace)
{
	static SPIPlanPtr plan_orphans = NULL;
	static SPIPlanPtr plan_queued = NULL;
	static SPIPlanPtr plan_no_login = NULL;
	Oid			argtypes[1] = {INT4OID};
	Oid			queued_types[2] = {BOOLOID, INT4OID};
	Datum		args[1] = {Int32GetDatum(tourney_task_retries)};
	Datum		queued_args[2] = {BoolGetDatum(grace), Int32GetDatum(tourney_max_workers)};
	SPITupleTable *queued;
	uint64		nqueued;

	tourney_plan(&plan_orphans,
				 "WITH orphan AS (SELECT task_id FROM tourney.tasks k"
				 "  WHERE k.status = 'running' AND NOT " WORKER_ALIVE("k.worker_pid")
				 "  FOR UPDATE SKIP LOCKED)"
				 " UPDATE tourney.tasks k SET"
				 " status = CASE WHEN k.attempts <= $1 THEN 'queued'"
				 "  ELSE 'error' END::tourney.task_status,"
				 " finished_at = CASE WHEN k.attempts <= $1 THEN NULL"
				 "  ELSE clock_timestamp() END,"
				 " error = format('worker %s ended before it finished attempt %s',"
				 "  k.worker_pid, k.attempts),"
				 " error_sqlstate = '57P02', worker_pid = NULL"
				 " FROM orphan WHERE k.task_id = orphan.task_id",
				 1, argtypes);
	tourney_exec(plan_orphans, args, NULL, false, 0);

	/* A worker could never log in for these: end them instead of retrying. */
	tourney_plan(&plan_no_login,
				 "UPDATE tourney.tasks k SET status = 'error', finished_at = clock_timestamp(),"
				 " error = format('role %s, which queued the task, can no longer log in',"
				 "  k.connected_as),"
				 " error_sqlstate = '28000', worker_pid = NULL"
				 " WHERE k.status = 'queued' AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles r"
				 "  WHERE r.oid = k.connected_as AND r.rolcanlogin)",
				 0, NULL);
	tourney_exec(plan_no_login, NULL, NULL, false, 0);

	tourney_plan(&plan_queued,
				 "SELECT k.task_id, k.connected_as::oid FROM tourney.tasks k"
				 " WHERE " NEEDS_WORKER("k") " ORDER BY k.queued_at LIMIT $2",
				 2, queued_types);
	tourney_exec(plan_queued, queued_args, NULL, false, 0);
	queued = SPI_tuptable;
	nqueued = SPI_processed;
	for (uint64 i = 0; i < nqueued; i++)
	{
		bool		isnull;
		pg_uuid_t  *task_id = DatumGetUUIDP(SPI_getbinval(queued->vals[i], queued->tupdesc, 1, &isnull));
		Oid			role = DatumGetObjectId(SPI_getbinval(queued->vals[i], queued->tupdesc, 2, &isnull));

		(void) task_dispatch(task_id, MyDatabaseId, role);
	}
}

/*
 * Called by every tourney function (at most once a second per backend):
 * when some task of this database needs recovering, start a recovery
 * worker for it.  Only reads here: the caller's transaction stays clean,
 * and nothing waits for it (wait_for_task may be that caller).
 */
void
tasks_recover_if_needed(void)
{
	static TimestampTz last_run = 0;
	static SPIPlanPtr plan_unfinished = NULL;
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {BOOLOID};
	Datum		args[1] = {BoolGetDatum(true)};
	TimestampTz now = GetCurrentTimestamp();

	if (RecoveryInProgress() ||
		!TimestampDifferenceExceeds(last_run, now, TASK_RECOVERY_INTERVAL_MS))
		return;
	last_run = now;

	/*
	 * Usually no task is unfinished: then a probe of their partial index
	 * is all, and a new connection does not plan the query below.
	 */
	tourney_plan(&plan_unfinished,
				 "SELECT FROM tourney.tasks k WHERE k.status IN ('queued', 'running') LIMIT 1",
				 0, NULL);
	tourney_exec(plan_unfinished, NULL, NULL, false, 1);
	if (SPI_processed == 0)
		return;

	tourney_plan(&plan,
				 "SELECT FROM tourney.tasks k WHERE k.status IN ('queued', 'running')"
				 " AND ((k.status = 'running' AND NOT " WORKER_ALIVE("k.worker_pid") ")"
				 "  OR " NEEDS_WORKER("k") ") LIMIT 1",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 1);
	if (SPI_processed > 0)
		(void) recovery_dispatch(MyDatabaseId);
}

/* The task row as a tourney.tasks composite, copied out of SPI; NULL if unknown. */
static HeapTupleHeader
task_row(pg_uuid_t *task_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {UUIDOID};
	Datum		args[1] = {UUIDPGetDatum(task_id)};
	bool		isnull;
	Datum		row;

	tourney_plan(&plan, "SELECT t FROM tourney.tasks t WHERE t.task_id = $1",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 1);
	if (SPI_processed == 0)
		return NULL;
	row = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return DatumGetHeapTupleHeader(SPI_datumTransfer(row, false, -1));
}

static HeapTupleHeader
task_row_or_error(pg_uuid_t *task_id)
{
	HeapTupleHeader row = task_row(task_id);

	if (row == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("task %s does not exist",
						DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(task_id))))));
	return row;
}

/*
 * Whether the task has ended; unknown tasks are P0002.  A task that cannot
 * end while we wait is refused: its worker waits for the transaction that
 * queued it, and a snapshot fixed for the transaction never sees it end.
 */
static bool
task_has_ended(pg_uuid_t *task_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {UUIDOID};
	Datum		args[1] = {UUIDPGetDatum(task_id)};
	bool		isnull;
	bool		ended;
	TransactionId xmin;

	tourney_plan(&plan,
				 "SELECT status NOT IN ('queued', 'running'), xmin FROM tourney.tasks"
				 " WHERE task_id = $1",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 1);
	if (SPI_processed == 0)
		(void) task_row_or_error(task_id);
	ended = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	xmin = DatumGetTransactionId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);
	if (!ended && TransactionIdIsCurrentTransactionId(xmin))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot wait for a task in the transaction that queued it"),
				 errdetail("The task starts only after this transaction commits."),
				 errhint("Commit, then call tourney.wait_for_task.")));
	if (!ended && IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot wait for a task in a %s transaction",
						IsolationIsSerializable() ? "SERIALIZABLE" : "REPEATABLE READ"),
				 errdetail("The transaction's snapshot would never show the task ending."),
				 errhint("Wait in a READ COMMITTED transaction.")));
	return ended;
}

Datum
tourney_generation_status(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row;

	tourney_require_arg(fcinfo, 0, "task_id");
	SPI_connect();
	tasks_recover_if_needed();
	row = task_row_or_error(PG_GETARG_UUID_P(0));
	SPI_finish();
	PG_RETURN_HEAPTUPLEHEADER(row);
}

/*
 * Wake every backend of this database that sleeps in wait_for_task (or a
 * worker waiting for a slot), so it looks at its task again.  Waking a
 * backend that waits for something else is harmless: latch waits re-check
 * their condition.
 */
void
tasks_wake_waiters(void)
{
	for (uint32 i = 0; i < ProcGlobal->allProcCount; i++)
	{
		PGPROC	   *proc = &ProcGlobal->allProcs[i];

		if (proc->pid != 0 && proc != MyProc &&
			proc->databaseId == MyDatabaseId &&
			proc->wait_event_info == PG_WAIT_EXTENSION)
			SetLatch(&proc->procLatch);
	}
}

/*
 * An interval as microseconds to wait (months of 30 days), at least 0 and
 * at most a century, so that any interval gives a valid deadline.
 */
static int64
timeout_usec(const Interval *timeout)
{
	const double century = 100.0 * DAYS_PER_YEAR * USECS_PER_DAY;
	double		usec = timeout->time +
		(double) timeout->day * USECS_PER_DAY +
		(double) timeout->month * DAYS_PER_MONTH * USECS_PER_DAY;

	return (int64) Max(0.0, Min(usec, century));
}

/*
 * Wait until the task has ended or the timeout has passed.  The worker
 * sets our latch when it ends a task; each look at the row takes a fresh
 * snapshot (READ COMMITTED).  Waiting inside the transaction that queued
 * the task would wait for ever: the worker waits for that transaction.
 */
Datum
tourney_wait_for_task(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *task_id;
	Interval   *timeout;
	TimestampTz deadline;
	HeapTupleHeader row;

	tourney_require_arg(fcinfo, 0, "task_id");
	tourney_require_arg(fcinfo, 1, "timeout");
	task_id = PG_GETARG_UUID_P(0);
	timeout = PG_GETARG_INTERVAL_P(1);
	deadline = GetCurrentTimestamp() + timeout_usec(timeout);
	SPI_connect();
	for (;;)
	{
		long		remaining;

		tasks_recover_if_needed();
		remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
		if (task_has_ended(task_id) || remaining <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(remaining, TASK_WAIT_FALLBACK_MS), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	row = task_row_or_error(task_id);
	SPI_finish();
	PG_RETURN_HEAPTUPLEHEADER(row);
}
