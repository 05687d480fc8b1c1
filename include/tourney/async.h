/*
 * tourney/async.h: generation in the background: the task table, the
 * dispatch of tasks to workers, the task worker, the launcher and the
 * pool of idle workers.  src/async/README.md describes the task states,
 * who waits for whom, and recovery.
 */
#ifndef TOURNEY_ASYNC_H
#define TOURNEY_ASYNC_H

#include "tourney/lifecycle.h"

#include <signal.h>

#include "postmaster/bgworker.h"
#include "storage/lock.h"

/* A task as a worker takes it (task_claim). */
typedef struct ClaimedTask
{
	int64		tournament_id;
	Oid			requested_by;
	Oid			connected_as;
	int32		attempts;
} ClaimedTask;

/* What a task or recovery worker is started (or handed a task) with. */
typedef struct TaskWorkerArgs
{
	Oid			database;
	Oid			role;			/* session user; InvalidOid: a recovery worker */
	pg_uuid_t	task_id;
	VirtualTransactionId dispatcher;	/* transaction to wait for */
	int			max_workers;	/* the dispatcher's settings */
	int			task_retries;
	int			idle_timeout;	/* ms */
} TaskWorkerArgs;

/* A queued task that recovery found without a worker. */
typedef struct TaskToStart
{
	pg_uuid_t	task_id;
	Oid			role;			/* the session user that queued it */
} TaskToStart;

/* tasks.c: the task table */
extern void task_record_done(int64 tournament_id, const pg_uuid_t *task_id,
							 const GenerationTimings *timings);
extern void task_enqueue(int64 tournament_id, const pg_uuid_t *task_id);
extern bool task_adopt(const pg_uuid_t *task_id);
extern bool task_claim(const pg_uuid_t *task_id, bool adopted, ClaimedTask *claimed);
extern void task_finish_done(const pg_uuid_t *task_id, const GenerationTimings *timings);
extern void task_finish_failed(const pg_uuid_t *task_id, const char *message,
							   const char *sqlstate, bool retry);
extern HeapTupleHeader task_row_or_error(const pg_uuid_t *task_id);
extern bool task_has_ended(const pg_uuid_t *task_id);
extern char *task_uuid_text(const pg_uuid_t *task_id);
extern List *tasks_recover(bool grace, MemoryContext cxt);
extern bool tasks_need_recovery(void);
extern void tasks_wake_waiters(void);
extern Tournament *tasks_lock_idle(int64 tournament_id, const char *action);
extern bool task_still_running(const pg_uuid_t *task_id);
extern bool task_hold_uncancelled(const pg_uuid_t *task_id);
extern void task_release_uncancelled(const pg_uuid_t *task_id);
extern HeapTupleHeader task_cancel(const pg_uuid_t *task_id);
extern void tasks_cancel_of_tournament(int64 tournament_id);

/* dispatch.c: starting workers */
extern bool dispatch_task(const pg_uuid_t *task_id, Oid database, Oid role);
extern bool dispatch_start(const TaskWorkerArgs *args);
extern bool dispatch_recovery(Oid database, pid_t notify_pid,
							  BackgroundWorkerHandle **handle);
extern void dispatch_recover_if_needed(void);

/* worker.c */
extern bool task_worker_percent(const pg_uuid_t *task_id, double *percent);

/* launcher.c */
extern void launcher_register(void);

/* pool.c: idle task workers (only with tourney preloaded) */
extern void pool_install_hooks(void);
extern bool pool_hand_over(const TaskWorkerArgs *task);
extern void pool_retire_idle(void);
extern bool pool_wait_for_task(TaskWorkerArgs *task, volatile sig_atomic_t *stop);
extern bool pool_leave(TaskWorkerArgs *task);

#endif							/* TOURNEY_ASYNC_H */
