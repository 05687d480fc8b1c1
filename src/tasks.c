/*
 * tasks.c: the task table: recording generations, reading and waiting for
 * their outcome.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/wait_event.h"

PG_FUNCTION_INFO_V1(tourney_generation_status);
PG_FUNCTION_INFO_V1(tourney_wait_for_task);

/* Poll interval of wait_for_task while a task has not ended. */
#define TASK_WAIT_INTERVAL_MS 10

/*
 * Record a generation that ran in the caller's transaction: it is done as
 * soon as that transaction commits.
 */
void
task_record_done(int64 tournament_id, const pg_uuid_t *task_id,
				 const GenerationTimings *timings)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[6] = {INT8OID, UUIDOID, FLOAT8OID, FLOAT8OID, INT4OID, OIDOID};
	Datum		args[6];

	args[0] = Int64GetDatum(tournament_id);
	args[1] = UUIDPGetDatum(task_id);
	args[2] = Float8GetDatum(timings->generation_ms);
	args[3] = Float8GetDatum(timings->db_write_ms);
	args[4] = Int32GetDatum((int32) timings->session_count);
	args[5] = ObjectIdGetDatum(GetOuterUserId());
	tourney_plan(&plan,
				 "INSERT INTO tourney.tasks (tournament_id, task_id, kind, status,"
				 " attempts, queued_at, started_at, finished_at, queue_wait_ms,"
				 " generation_ms, db_write_ms, session_count, worker_pid, requested_by)"
				 " VALUES ($1, $2, 'generate', 'done', 1, now(), now(),"
				 " clock_timestamp(), 0, $3, $4, $5, pg_backend_pid(), $6::regrole)",
				 6, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
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

/* Whether the task has ended; unknown tasks are P0002. */
static bool
task_has_ended(pg_uuid_t *task_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {UUIDOID};
	Datum		args[1] = {UUIDPGetDatum(task_id)};
	bool		isnull;
	bool		ended;

	tourney_plan(&plan,
				 "SELECT status NOT IN ('queued', 'running') FROM tourney.tasks"
				 " WHERE task_id = $1",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 1);
	if (SPI_processed == 0)
		(void) task_row_or_error(task_id);
	ended = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	return ended;
}

Datum
tourney_generation_status(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row;

	tourney_require_arg(fcinfo, 0, "task_id");
	SPI_connect();
	row = task_row_or_error(PG_GETARG_UUID_P(0));
	SPI_finish();
	PG_RETURN_HEAPTUPLEHEADER(row);
}

/*
 * Wait until the task has ended or the timeout has passed.  Each look at
 * the row takes a fresh snapshot (READ COMMITTED), and between looks the
 * backend sleeps on its latch, so it stays interruptible.
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
	deadline = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
													   TimestampTzGetDatum(GetCurrentTimestamp()),
													   IntervalPGetDatum(timeout)));
	SPI_connect();
	for (;;)
	{
		long		remaining;

		remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
		if (task_has_ended(task_id) || remaining <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(remaining, TASK_WAIT_INTERVAL_MS), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	row = task_row_or_error(task_id);
	SPI_finish();
	PG_RETURN_HEAPTUPLEHEADER(row);
}
