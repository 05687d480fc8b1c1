/*
 * launcher.c: the launcher, a static background worker registered only
 * when tourney is in shared_preload_libraries.  Once the server accepts
 * connections it starts a recovery worker in every database, one at a
 * time, which requeues or fails the tasks whose worker died and starts
 * workers for queued ones; then it idles until shutdown, so that it runs
 * again after a crash restart.  Without preloading, every tourney call
 * does the same for its own database (dispatch_recover_if_needed).
 */
#include "tourney/async.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "utils/snapmgr.h"
#include "utils/wait_event.h"

PGDLLEXPORT void tourney_launcher_main(Datum main_arg);

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
		pid_t		pid;

		if (ShutdownRequestPending)
			break;
		if (dispatch_recovery(lfirst_oid(lc), MyProcPid, &handle) &&
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
launcher_register(void)
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
