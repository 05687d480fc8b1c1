/*
 * tasks.c: the task table.  Recording generations, their outcome and the
 * announcement of it, reading a task and whether it has ended, keeping a
 * tournament still while its generation is pending, and finding the tasks
 * whose worker is gone (dispatch.c starts workers for them).
 */
#include "tourney/async.h"

#include "access/xact.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/wait_event.h"

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

	query_prepare(&plan,
				  "SELECT pg_notify('tourney_tasks', json_build_object("
				  " 'task_id', task_id, 'tournament_id', tournament_id,"
				  " 'status', status, 'session_count', session_count,"
				  " 'queue_wait_ms', queue_wait_ms, 'generation_ms', generation_ms,"
				  " 'db_write_ms', db_write_ms, 'error', error)::text)"
				  " FROM tourney.tasks WHERE task_id = $1",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 0);
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
	query_prepare(&plan,
				  "INSERT INTO tourney.tasks (tournament_id, task_id, kind, status,"
				  " attempts, queued_at, started_at, finished_at, queue_wait_ms,"
				  " generation_ms, db_write_ms, session_count, worker_pid,"
				  " requested_by, connected_as)"
				  " VALUES ($1, $2, 'generate', 'done', 1, now(), now(),"
				  " clock_timestamp(), 0, $3, $4, $5, pg_backend_pid(), $6, $7)",
				  7, argtypes);
	query_exec(plan, args, NULL, false, 0);
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
	query_prepare(&plan,
				  "INSERT INTO tourney.tasks (tournament_id, task_id, kind, status,"
				  " requested_by, connected_as)"
				  " VALUES ($1, $2, 'generate', 'queued', $3, $4)",
				  4, argtypes);
	query_exec(plan, args, NULL, false, 0);
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

	query_prepare(&plan,
				  "UPDATE tourney.tasks SET worker_pid = $2"
				  " WHERE task_id = $1 AND status = 'queued'",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 0);
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

	query_prepare(&plan,
				  "UPDATE tourney.tasks SET status = 'running', worker_pid = $2,"
				  " started_at = clock_timestamp(), attempts = attempts + 1,"
				  " queue_wait_ms = 1000 * extract(epoch FROM clock_timestamp() - queued_at)"
				  " WHERE task_id = $1 AND status = 'queued' AND (NOT $3 OR worker_pid = $2)"
				  " RETURNING tournament_id, requested_by::oid, connected_as::oid, attempts",
				  3, argtypes);
	query_exec(plan, args, NULL, false, 0);
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
	query_prepare(&plan,
				  "UPDATE tourney.tasks SET status = 'done', finished_at = clock_timestamp(),"
				  " generation_ms = $2, db_write_ms = $3, session_count = $4,"
				  " error = NULL, error_sqlstate = NULL"
				  " WHERE task_id = $1 AND status = 'running'",
				  4, argtypes);
	query_exec(plan, args, NULL, false, 0);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_QUERY_CANCELED),
				 errmsg("task %s was cancelled", task_uuid_text(task_id))));
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
	query_prepare(&plan,
				  "UPDATE tourney.tasks SET"
				  " status = CASE WHEN $4 AND attempts <= $5 THEN 'queued'"
				  "  ELSE 'error' END::tourney.task_status,"
				  " finished_at = CASE WHEN $4 AND attempts <= $5 THEN NULL"
				  "  ELSE clock_timestamp() END,"
				  " error = $2, error_sqlstate = $3, worker_pid = NULL"
				  " WHERE task_id = $1 AND status = 'running'",
				  5, argtypes);
	query_exec(plan, args, NULL, false, 0);
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
 * queued again (or, out of retries, marked error); the queued tasks
 * without a live worker are returned (TaskToStart, allocated in cxt) for
 * the caller to start once this transaction has committed.  Runs in
 * recovery workers and in every task worker after a task.  With grace,
 * fresh requests get a second to be picked up by the worker they started
 * (a second worker would only find the task taken).
 */
List *
tasks_recover(bool grace, MemoryContext cxt)
{
	static SPIPlanPtr plan_orphans = NULL;
	static SPIPlanPtr plan_queued = NULL;
	static SPIPlanPtr plan_no_login = NULL;
	Oid			argtypes[1] = {INT4OID};
	Oid			queued_types[2] = {BOOLOID, INT4OID};
	Datum		args[1] = {Int32GetDatum(tourney_task_retries)};
	Datum		queued_args[2] = {BoolGetDatum(grace), Int32GetDatum(tourney_max_workers)};
	List	   *to_start = NIL;

	query_prepare(&plan_orphans,
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
	query_exec(plan_orphans, args, NULL, false, 0);

	/* A worker could never log in for these: end them instead of retrying. */
	query_prepare(&plan_no_login,
				  "UPDATE tourney.tasks k SET status = 'error', finished_at = clock_timestamp(),"
				  " error = format('role %s, which queued the task, can no longer log in',"
				  "  k.connected_as),"
				  " error_sqlstate = '28000', worker_pid = NULL"
				  " WHERE k.status = 'queued' AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles r"
				  "  WHERE r.oid = k.connected_as AND r.rolcanlogin)",
				  0, NULL);
	query_exec(plan_no_login, NULL, NULL, false, 0);

	query_prepare(&plan_queued,
				  "SELECT k.task_id, k.connected_as::oid FROM tourney.tasks k"
				  " WHERE " NEEDS_WORKER("k") " ORDER BY k.queued_at LIMIT $2",
				  2, queued_types);
	query_exec(plan_queued, queued_args, NULL, false, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		MemoryContext old = MemoryContextSwitchTo(cxt);
		TaskToStart *task = palloc(sizeof(TaskToStart));

		task->task_id = *DatumGetUUIDP(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		task->role = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
		to_start = lappend(to_start, task);
		MemoryContextSwitchTo(old);
	}
	return to_start;
}

/*
 * Whether some task of this database needs recovering: the probe every
 * tourney call makes (dispatch_recover_if_needed).  Only reads: the
 * caller's transaction stays clean, and nothing waits for it
 * (wait_for_task may be that caller).
 */
bool
tasks_need_recovery(void)
{
	static SPIPlanPtr plan_unfinished = NULL;
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {BOOLOID};
	Datum		args[1] = {BoolGetDatum(true)};

	/*
	 * Usually no task is unfinished: then a probe of their partial index
	 * is all, and a new connection does not plan the query below.
	 */
	query_prepare(&plan_unfinished,
				  "SELECT FROM tourney.tasks k WHERE k.status IN ('queued', 'running') LIMIT 1",
				  0, NULL);
	query_exec(plan_unfinished, NULL, NULL, false, 1);
	if (SPI_processed == 0)
		return false;

	query_prepare(&plan,
				  "SELECT FROM tourney.tasks k WHERE k.status IN ('queued', 'running')"
				  " AND ((k.status = 'running' AND NOT " WORKER_ALIVE("k.worker_pid") ")"
				  "  OR " NEEDS_WORKER("k") ") LIMIT 1",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 1);
	return SPI_processed > 0;
}

/* The task row as a tourney.tasks composite, copied out of SPI; NULL if unknown. */
static HeapTupleHeader
task_row(const pg_uuid_t *task_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {UUIDOID};
	Datum		args[1] = {UUIDPGetDatum(task_id)};
	bool		isnull;
	Datum		row;

	query_prepare(&plan, "SELECT t FROM tourney.tasks t WHERE t.task_id = $1",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 1);
	if (SPI_processed == 0)
		return NULL;
	row = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return DatumGetHeapTupleHeader(SPI_datumTransfer(row, false, -1));
}

HeapTupleHeader
task_row_or_error(const pg_uuid_t *task_id)
{
	HeapTupleHeader row = task_row(task_id);

	if (row == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("task %s does not exist", task_uuid_text(task_id))));
	return row;
}

/*
 * Whether the task has ended; unknown tasks are P0002.  A task that cannot
 * end while we wait is refused: its worker waits for the transaction that
 * queued it, and a snapshot fixed for the transaction never sees it end.
 */
bool
task_has_ended(const pg_uuid_t *task_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {UUIDOID};
	Datum		args[1] = {UUIDPGetDatum(task_id)};
	bool		isnull;
	bool		ended;
	TransactionId xmin;

	query_prepare(&plan,
				  "SELECT status NOT IN ('queued', 'running'), xmin FROM tourney.tasks"
				  " WHERE task_id = $1",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 1);
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


/* While a generation is queued or running the tournament must not change. */
static void
require_no_pending_task(const Tournament *t, const char *action)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};

	query_prepare(&plan,
				  "SELECT k.status::text FROM tourney.tasks k"
				  " WHERE k.tournament_id = $1 AND k.status IN ('queued', 'running') LIMIT 1",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot %s: the generation of tournament " INT64_FORMAT " is %s",
						action, t->id,
						SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
				 errhint("Wait for it with tourney.wait_for_task.")));
}

/*
 * Lock a tournament that no generation is working on.  A pending task is
 * refused at once, before waiting for the lock its worker may hold; the
 * check is repeated under the lock.
 */
Tournament *
tasks_lock_idle(int64 tournament_id, const char *action)
{
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_READ);

	require_no_pending_task(t, action);
	t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	require_no_pending_task(t, action);
	return t;
}

/*
 * The cancellation of a task: an advisory lock of its own that the
 * canceller holds exclusive to its commit, and that the task's worker
 * tests (without waiting) between the batches it writes and holds shared
 * while it marks the task done.  So a worker stops within a batch of a
 * cancellation, even before it commits, and never marks done a task being
 * cancelled; and a canceller never waits for the tournament lock the
 * worker holds while the worker waits for it.
 */
static void
cancel_lock_key(const pg_uuid_t *task_id, uint64 *key, uint32 *sub)
{
	uint32		parts[2];

	memcpy(key, task_id->data, sizeof(*key));
	memcpy(parts, task_id->data + 8, sizeof(parts));
	*sub = parts[0] ^ parts[1];
}

/* Whether the task is still running: a cancellation may have committed. */
bool
task_still_running(const pg_uuid_t *task_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {UUIDOID};
	Datum		args[1] = {UUIDPGetDatum(task_id)};

	query_prepare(&plan,
				  "SELECT 1 FROM tourney.tasks WHERE task_id = $1 AND status = 'running'",
				  1, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	return SPI_processed > 0;
}

/* In the worker: false when the task is being cancelled; else the lock is held shared. */
bool
task_hold_uncancelled(const pg_uuid_t *task_id)
{
	uint64		key;
	uint32		sub;

	cancel_lock_key(task_id, &key, &sub);
	return locks_try(LOCK_TASK_CANCEL, key, sub, false);
}

void
task_release_uncancelled(const pg_uuid_t *task_id)
{
	uint64		key;
	uint32		sub;

	cancel_lock_key(task_id, &key, &sub);
	locks_release(LOCK_TASK_CANCEL, key, sub, false);
}

/* Mark a queued or running task cancelled, under its cancellation lock; false if it has ended. */
static bool
cancel_marked(const pg_uuid_t *task_id, const char *why)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {UUIDOID, TEXTOID};
	Datum		args[2] = {UUIDPGetDatum(task_id), CStringGetTextDatum(why)};
	uint64		key;
	uint32		sub;

	cancel_lock_key(task_id, &key, &sub);
	locks_take(LOCK_TASK_CANCEL, key, sub, true, false,
			   psprintf("task %s", task_uuid_text(task_id)));
	query_prepare(&plan,
				  "UPDATE tourney.tasks SET status = 'cancelled', finished_at = clock_timestamp(),"
				  " error = $2 || current_user, error_sqlstate = '57014'"
				  " WHERE task_id = $1 AND status IN ('queued', 'running')",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 0);
	if (SPI_processed == 0)
		return false;
	task_notify(task_id);
	return true;
}

/*
 * cancel_task: a queued or running task is marked cancelled; its worker
 * (if it runs) sees the cancellation and rolls back.  P0002 for an unknown
 * task, 55000 for one that has ended.  Returns the row.
 */
HeapTupleHeader
task_cancel(const pg_uuid_t *task_id)
{
	if (!cancel_marked(task_id, "cancelled by "))
	{
		(void) task_row_or_error(task_id);
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot cancel task %s: it has ended", task_uuid_text(task_id)),
				 errdetail("Only a queued or running task can be cancelled.")));
	}
	return task_row_or_error(task_id);
}

/* The tournament's queued and running tasks, cancelled (cancel_tournament). */
void
tasks_cancel_of_tournament(int64 tournament_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	uint64		n;
	pg_uuid_t  *ids;

	query_prepare(&plan,
				  "SELECT task_id FROM tourney.tasks"
				  " WHERE tournament_id = $1 AND status IN ('queued', 'running')",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 0);
	n = SPI_processed;
	ids = palloc(sizeof(pg_uuid_t) * Max(n, 1));
	for (uint64 i = 0; i < n; i++)
	{
		bool		isnull;

		ids[i] = *DatumGetUUIDP(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1,
											  &isnull));
	}
	for (uint64 i = 0; i < n; i++)
		(void) cancel_marked(&ids[i], "cancelled with its tournament by ");
}

/* A task id as text, for messages. */
char *
task_uuid_text(const pg_uuid_t *task_id)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(task_id)));
}
