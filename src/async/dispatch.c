/*
 * dispatch.c: starting the workers.  A queued task goes to an idle worker
 * of its database and session user (pool.c) or to a new dynamic
 * background worker; a database with tasks to recover gets a recovery
 * worker.  Worker slots run out in real deployments: when none can be had
 * the task stays queued, and recovery starts it later.
 */
#include "tourney/async.h"

#include "access/xact.h"
#include "storage/proc.h"

/* How often a backend looks for tasks to recover. */
#define RECOVERY_PROBE_INTERVAL_MS 1000

/*
 * Register a task worker (role valid) or a recovery worker (role invalid);
 * notify_pid, if not 0, hears of its start and end (through handle).
 */
static bool
register_worker(const TaskWorkerArgs *args, pid_t notify_pid,
				  BackgroundWorkerHandle **handle)
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
		snprintf(worker.bgw_name, BGW_MAXLEN, "tourney task %s", task_uuid_text(&args->task_id));
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

/* A new worker for a task, nobody waiting for it. */
bool
dispatch_start(const TaskWorkerArgs *args)
{
	return register_worker(args, 0, NULL);
}

/* What every worker is started with: the dispatcher's settings. */
static void
worker_args_init(TaskWorkerArgs *args, Oid database)
{
	memset(args, 0, sizeof(*args));
	args->database = database;
	args->max_workers = tourney_max_workers;
	args->task_retries = tourney_task_retries;
	args->idle_timeout = tourney_worker_idle_timeout;
}

/*
 * Give a queued task to an idle worker, else start a worker for it; false
 * when no worker process slot is free (the task then stays queued until
 * recovery tries again, and idle workers are asked to leave to free their
 * slots).  The worker first waits for the calling transaction, if any, to
 * end.
 */
bool
dispatch_task(const pg_uuid_t *task_id, Oid database, Oid role)
{
	TaskWorkerArgs args;

	worker_args_init(&args, database);
	args.role = role;
	args.task_id = *task_id;
	if (IsTransactionState())
		GET_VXID_FROM_PGPROC(args.dispatcher, *MyProc);
	if (pool_hand_over(&args))
		return true;
	if (dispatch_start(&args))
		return true;
	pool_retire_idle();
	return false;
}

/*
 * Start a recovery worker for a database; it waits for nobody.  notify_pid
 * and handle as for RegisterDynamicBackgroundWorker (0 and NULL: nobody
 * follows it).
 */
bool
dispatch_recovery(Oid database, pid_t notify_pid, BackgroundWorkerHandle **handle)
{
	TaskWorkerArgs args;

	worker_args_init(&args, database);
	args.idle_timeout = 0;
	return register_worker(&args, notify_pid, handle);
}

/*
 * The prologue of every tourney call (at most once a second per backend):
 * when some task of this database needs recovering, start a recovery
 * worker for it.
 */
void
dispatch_recover_if_needed(void)
{
	static TimestampTz last_probe = 0;
	TimestampTz now = GetCurrentTimestamp();

	if (RecoveryInProgress() ||
		!TimestampDifferenceExceeds(last_probe, now, RECOVERY_PROBE_INTERVAL_MS))
		return;
	last_probe = now;
	if (tasks_need_recovery())
		(void) dispatch_recovery(MyDatabaseId, 0, NULL);
}
