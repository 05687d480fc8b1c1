/*
 * module.c: the module magic and _PG_init, which defines the configuration
 * parameters and, when tourney is preloaded, starts the async subsystem's
 * launcher and the pool of idle workers.
 */
#include "tourney/async.h"

#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("tourney.async_threshold",
							"Enrolled players from which generate_sessions runs in a background worker.",
							"Applies when generate_sessions is called with async => NULL.",
							&tourney_async_threshold,
							128, 0, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("tourney.max_workers",
							"Most background generation workers running at once.",
							NULL,
							&tourney_max_workers,
							4, 1, TOURNEY_MAX_WORKERS_LIMIT,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("tourney.task_retries",
							"Times a task whose worker died is started again before it is marked as failed.",
							NULL,
							&tourney_task_retries,
							2, 0, 100,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("tourney.node_id",
							"Node number stamped into the ids this server mints (bits 48 to 62).",
							"Give every node of a distributed deployment its own number.",
							&tourney_node_id,
							0, 0, 32767,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("tourney.worker_idle_timeout",
							"Time a generation worker stays, idle, for the next task of its database and user.",
							"Only with tourney in shared_preload_libraries; 0 ends every worker with its task.",
							&tourney_worker_idle_timeout,
							10000, 0, 3600 * 1000,
							PGC_SUSET, GUC_UNIT_MS,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("tourney");

	if (process_shared_preload_libraries_in_progress)
	{
		launcher_register();
		pool_install_hooks();
	}
}
