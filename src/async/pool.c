/*
 * pool.c: task workers that stay, idle, for the next task.
 *
 * A worker started for a task pays a process start, a login and a first
 * transaction with cold caches before it can claim the task: most of the
 * queue wait.  With tourney preloaded, a worker that has ended its task
 * waits up to tourney.worker_idle_timeout for another task of the same
 * database and session user, and task_dispatch hands a new task to such a
 * worker instead of starting one.  The idle workers are listed in shared
 * memory, so without preloading there is no list and every task gets a
 * worker of its own.
 *
 * A task is handed over and an idle worker leaves the list under the same
 * spinlock: a worker never leaves with a task given to it unseen.
 */
#include "tourney/async.h"

#include "catalog/pg_database.h"
#include "pgstat.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/wait_event.h"

/* No more workers than tourney.max_workers are ever idle. */
#define POOL_SIZE TOURNEY_MAX_WORKERS_LIMIT

/* How often an idle worker looks whether someone needs its database. */
#define POOL_PROBE_MS 200

typedef struct IdleWorker
{
	pid_t		pid;			/* 0: the entry is free */
	Latch	   *latch;
	Oid			database;
	Oid			role;
	bool		retire;			/* leave at once */
	bool		has_task;
	TaskWorkerArgs task;
} IdleWorker;

typedef struct WorkerPool
{
	slock_t		mutex;
	IdleWorker	idle[POOL_SIZE];
} WorkerPool;

static WorkerPool *pool = NULL;
static IdleWorker *my_entry = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void
pool_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(MAXALIGN(sizeof(WorkerPool)));
}

static void
pool_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	pool = ShmemInitStruct("tourney worker pool", sizeof(WorkerPool), &found);
	if (!found)
	{
		memset(pool, 0, sizeof(WorkerPool));
		SpinLockInit(&pool->mutex);
	}
	LWLockRelease(AddinShmemInitLock);
}

/* From _PG_init, when tourney is preloaded. */
void
pool_install_hooks(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = pool_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = pool_shmem_startup;
}

/*
 * Give the task to an idle worker of its database and session user; false
 * when there is none (or no pool).  The worker still waits for the
 * dispatching transaction, as a new worker would.
 */
bool
pool_hand_over(const TaskWorkerArgs *task)
{
	Latch	   *latch = NULL;

	if (pool == NULL)
		return false;
	SpinLockAcquire(&pool->mutex);
	for (int i = 0; i < POOL_SIZE; i++)
	{
		IdleWorker *w = &pool->idle[i];

		if (w->pid != 0 && !w->has_task && !w->retire &&
			w->database == task->database && w->role == task->role)
		{
			w->task = *task;
			w->has_task = true;
			latch = w->latch;
			break;
		}
	}
	SpinLockRelease(&pool->mutex);
	if (latch != NULL)
		SetLatch(latch);
	return latch != NULL;
}

/*
 * Ask every idle worker without a task to leave: a new worker could not
 * be started, and idle ones hold background worker slots.
 */
void
pool_retire_idle(void)
{
	if (pool == NULL)
		return;
	SpinLockAcquire(&pool->mutex);
	for (int i = 0; i < POOL_SIZE; i++)
	{
		IdleWorker *w = &pool->idle[i];

		if (w->pid != 0 && !w->has_task)
		{
			w->retire = true;
			SetLatch(w->latch);
		}
	}
	SpinLockRelease(&pool->mutex);
}

/*
 * Leave the list (if in it); true (and the task) if one was handed over
 * meanwhile.  The worker calls it at exit too (worker.c), and starts a
 * worker for a task it got but will not serve.
 */
bool
pool_leave(TaskWorkerArgs *task)
{
	bool		has_task;

	if (my_entry == NULL)
		return false;
	SpinLockAcquire(&pool->mutex);
	has_task = my_entry->has_task;
	if (has_task)
		*task = my_entry->task;
	my_entry->pid = 0;
	SpinLockRelease(&pool->mutex);
	my_entry = NULL;
	return has_task;
}

/* Join the list, unless max_idle workers are idle already. */
static bool
pool_join(int max_idle)
{
	IdleWorker *free_entry = NULL;
	int			idle = 0;

	SpinLockAcquire(&pool->mutex);
	for (int i = 0; i < POOL_SIZE; i++)
	{
		if (pool->idle[i].pid != 0)
			idle++;
		else if (free_entry == NULL)
			free_entry = &pool->idle[i];
	}
	if (free_entry != NULL && idle < max_idle)
	{
		free_entry->pid = MyProcPid;
		free_entry->latch = MyLatch;
		free_entry->database = MyDatabaseId;
		free_entry->role = GetSessionUserId();
		free_entry->retire = false;
		free_entry->has_task = false;
		my_entry = free_entry;
	}
	SpinLockRelease(&pool->mutex);
	return my_entry != NULL;
}

/* A task was handed over, or the worker is asked to leave. */
static bool
pool_called(void)
{
	bool		called;

	SpinLockAcquire(&pool->mutex);
	called = my_entry->has_task || my_entry->retire;
	SpinLockRelease(&pool->mutex);
	return called;
}

/*
 * Someone wants this database to itself: DROP DATABASE (and CREATE
 * DATABASE from it as a template) locks it, then waits a few seconds for
 * its connections to end.  An idle worker must not be one of them.
 */
static bool
database_wanted(void)
{
	LOCKTAG		tag;

	SET_LOCKTAG_OBJECT(tag, InvalidOid, DatabaseRelationId, MyDatabaseId, 0);
	if (LockAcquire(&tag, RowExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
		return true;
	LockRelease(&tag, RowExclusiveLock, true);
	return false;
}

/*
 * After a task: wait, idle, for the next one of this database and session
 * user.  True with the task handed over; false when none came within the
 * idle timeout, when max_workers are idle already, when asked to stop (by
 * *stop, or to free a worker slot) or when the database is wanted.
 */
bool
pool_wait_for_task(TaskWorkerArgs *task, volatile sig_atomic_t *stop)
{
	TimestampTz deadline;

	if (pool == NULL || task->idle_timeout <= 0 || !pool_join(task->max_workers))
		return false;
	/* what the task did counts now, not when the worker leaves */
	pgstat_report_stat(true);
	/* not the last task's progress, which tourney.task_progress would list */
	pgstat_report_activity(STATE_IDLE, "tourney worker: idle, waiting for a task");
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), task->idle_timeout);
	for (;;)
	{
		long		remaining;

		remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
		if (remaining <= 0 || *stop || pool_called() || database_wanted())
			return pool_leave(task);
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(remaining, POOL_PROBE_MS), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		if (!*stop)
			CHECK_FOR_INTERRUPTS();
	}
}
