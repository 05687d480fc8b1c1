/*
 * tasks.c: generation_status, wait_for_task and task_percent.
 */
#include "tourney/api.h"

#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

PG_FUNCTION_INFO_V1(tourney_generation_status);
PG_FUNCTION_INFO_V1(tourney_wait_for_task);
PG_FUNCTION_INFO_V1(tourney_task_percent);

/* How long wait_for_task sleeps when no worker wakes it (a dead one cannot). */
#define TASK_WAIT_FALLBACK_MS 1000

Datum
tourney_generation_status(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row;

	api_require_arg(fcinfo, 0, "task_id");
	api_begin(API_RECOVER);
	row = task_row_or_error(PG_GETARG_UUID_P(0));
	api_end();
	PG_RETURN_HEAPTUPLEHEADER(row);
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

	api_require_arg(fcinfo, 0, "task_id");
	api_require_arg(fcinfo, 1, "timeout");
	task_id = PG_GETARG_UUID_P(0);
	timeout = PG_GETARG_INTERVAL_P(1);
	deadline = GetCurrentTimestamp() + timeout_usec(timeout);
	api_begin(0);
	for (;;)
	{
		long		remaining;

		dispatch_recover_if_needed();
		remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
		if (task_has_ended(task_id) || remaining <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(remaining, TASK_WAIT_FALLBACK_MS), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	row = task_row_or_error(task_id);
	api_end();
	PG_RETURN_HEAPTUPLEHEADER(row);
}

/* Read-only and lock-free, for the overview: NULL when no worker runs it. */
Datum
tourney_task_percent(PG_FUNCTION_ARGS)
{
	double		percent;

	api_require_arg(fcinfo, 0, "task_id");
	if (!task_worker_percent(PG_GETARG_UUID_P(0), &percent))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(DirectFunctionCall2(numeric_round,
										DirectFunctionCall1(float8_numeric,
															Float8GetDatum(percent)),
										Int32GetDatum(1)));
}
