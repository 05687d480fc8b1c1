/*
 * query.c: SPI as tourney uses it: statements prepared once per backend,
 * cursor scans a batch at a time, bigint[] parameters, and the planner
 * settings of the bulk phases.
 */
#include "tourney/storage.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

/*
 * Prepare a statement once per backend.  Plans are generic on purpose: a
 * new tournament's id lies outside the column statistics, and a custom plan
 * built on "one row expected" turns a bulk phase quadratic.
 */
SPIPlanPtr
query_prepare(SPIPlanPtr *cache, const char *sql, int nargs, const Oid *argtypes)
{
	if (*cache == NULL)
	{
		SPIPlanPtr	plan;

		plan = SPI_prepare_cursor(sql, nargs, (Oid *) argtypes,
								  CURSOR_OPT_GENERIC_PLAN);
		if (plan == NULL)
			elog(ERROR, "could not prepare \"%s\": %s",
				 sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep plan for \"%s\"", sql);
		*cache = plan;
	}
	return *cache;
}

int
query_exec(SPIPlanPtr plan, const Datum *values, const char *nulls,
		   bool read_only, long count)
{
	int			rc;

	rc = SPI_execute_plan(plan, (Datum *) values, nulls, read_only, count);
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	return rc;
}

/* A column of a row read by SPI; NULL reads as 0. */
int64
query_int8(HeapTuple row, TupleDesc desc, int column)
{
	bool		isnull;
	Datum		value = SPI_getbinval(row, desc, column, &isnull);

	return isnull ? 0 : DatumGetInt64(value);
}

int32
query_int4(HeapTuple row, TupleDesc desc, int column)
{
	bool		isnull;
	Datum		value = SPI_getbinval(row, desc, column, &isnull);

	return isnull ? 0 : DatumGetInt32(value);
}

/*
 * The reads and checks that a lock makes safe: once the lock is granted,
 * every transaction that held it before has committed, and these see what
 * it wrote.  Under READ COMMITTED each statement takes a new snapshot
 * anyway; under REPEATABLE READ and SERIALIZABLE the transaction's
 * snapshot may predate that commit, so these take the latest one, as the
 * foreign-key checks do (ri_triggers.c).
 */
int
query_exec_fresh(SPIPlanPtr plan, const Datum *values, const char *nulls, long count)
{
	int			rc;

	if (!IsolationUsesXactSnapshot())
		return query_exec(plan, values, nulls, false, count);
	rc = SPI_execute_snapshot(plan, (Datum *) values, nulls, GetLatestSnapshot(),
							  InvalidSnapshot, false, false, count);
	if (rc < 0)
		elog(ERROR, "SPI_execute_snapshot failed: %s", SPI_result_code_string(rc));
	return rc;
}

/*
 * Make active the caller's snapshot as it also sees what this
 * transaction's latest command wrote (pop it with PopActiveSnapshot).  A
 * STABLE function that the planner runs while it estimates a query
 * (constant arguments in an index condition) runs before the command
 * counter moves on, so the active snapshot does not yet show the previous
 * command's rows, which the query itself will see.
 */
void
query_push_own_latest(void)
{
	CommandCounterIncrement();
	PushCopiedSnapshot(GetActiveSnapshot());
	UpdateActiveSnapshotCommandId();
}

/* A read-only query in that snapshot. */
int
query_exec_own_latest(SPIPlanPtr plan, const Datum *values, const char *nulls, long count)
{
	int			rc;

	query_push_own_latest();
	rc = query_exec(plan, values, nulls, true, count);
	PopActiveSnapshot();
	return rc;
}

void
query_scan_fresh(SPIPlanPtr plan, const Datum *args, QueryRowFn row_fn,
				 void (*batch_end_fn) (void *arg), void *arg)
{
	if (!IsolationUsesXactSnapshot())
	{
		query_scan(plan, args, false, row_fn, batch_end_fn, arg);
		return;
	}
	/* a read-only cursor runs on the active snapshot: make it the latest */
	CommandCounterIncrement();
	PushActiveSnapshot(GetLatestSnapshot());
	query_scan(plan, args, true, row_fn, batch_end_fn, arg);
	PopActiveSnapshot();
}

/*
 * Run a prepared query through a cursor, TOURNEY_BATCH_ROWS rows at a time,
 * handing each row to row_fn and, after each batch, calling batch_end_fn
 * (when given) while the batch's rows are still valid.  The batch is kept
 * apart from SPI_tuptable, which statements that row_fn runs replace.
 */
void
query_scan(SPIPlanPtr plan, const Datum *args, bool read_only,
		   QueryRowFn row_fn, void (*batch_end_fn) (void *arg), void *arg)
{
	Portal		portal = SPI_cursor_open(NULL, plan, (Datum *) args, NULL, read_only);

	for (;;)
	{
		SPITupleTable *batch;
		uint64		rows;

		SPI_cursor_fetch(portal, true, TOURNEY_BATCH_ROWS);
		batch = SPI_tuptable;
		rows = SPI_processed;
		if (rows == 0)
			break;
		for (uint64 i = 0; i < rows; i++)
			row_fn(batch->vals[i], batch->tupdesc, arg);
		if (batch_end_fn != NULL)
			batch_end_fn(arg);
		SPI_freetuptable(batch);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
}

/*
 * A one-dimensional bigint[] without nulls, as a C array.
 */
int64 *
query_int8_values(ArrayType *a, const char *what, int *n)
{
	int64	   *result;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", what)));
	if (array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain nulls", what)));
	Assert(ARR_ELEMTYPE(a) == INT8OID);
	*n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	result = palloc(sizeof(int64) * Max(*n, 1));
	if (*n > 0)
		memcpy(result, ARR_DATA_PTR(a), sizeof(int64) * *n);
	return result;
}

/* The OID of tourney's relation (table, index or sequence) relname. */
Oid
query_relid(const char *relname)
{
	Oid			relid = get_relname_relid(relname, get_namespace_oid("tourney", false));

	if (!OidIsValid(relid))
		elog(ERROR, "relation tourney.%s does not exist", relname);
	return relid;
}

/*
 * What a query reading these columns of tourney.relname checks before it
 * reads: SELECT on the table, or else on each of the columns; 42501 as
 * the executor words it.  For a read that takes no query.
 */
Oid
query_require_select(const char *relname, int ncolumns, const char *const *columns)
{
	Oid			relid = query_relid(relname);
	Oid			user = GetUserId();

	if (pg_class_aclcheck(relid, user, ACL_SELECT) == ACLCHECK_OK)
		return relid;
	for (int i = 0; i < ncolumns; i++)
		if (pg_attribute_aclcheck(relid, query_attnum(relid, columns[i]), user,
								  ACL_SELECT) != ACLCHECK_OK)
			aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, relname);
	return relid;
}

/* A column of one of tourney's tables by name; cached attribute numbers are the caller's. */
AttrNumber
query_attnum(Oid relid, const char *column)
{
	AttrNumber	attnum = get_attnum(relid, column);

	if (attnum == InvalidAttrNumber)
		elog(ERROR, "column %s of tourney.%s does not exist", column, get_rel_name(relid));
	return attnum;
}

/*
 * The attribute numbers of columns of relid, in the caller's static map:
 * looked up again only for another table (a new relid), not by every
 * call of a reader that runs once per result or per read.
 */
const AttrNumber *
query_column_map(ColumnMap *map, Oid relid, int ncolumns, const char *const *columns)
{
	Assert(ncolumns <= COLUMN_MAP_SIZE);
	if (map->relid != relid)
	{
		map->relid = InvalidOid;
		for (int i = 0; i < ncolumns; i++)
			map->attnums[i] = query_attnum(relid, columns[i]);
		map->relid = relid;
	}
	return map->attnums;
}

/* A bigint[] parameter. */
Datum
query_int8_array(const int64 *values, int n)
{
	Datum	   *datums = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		datums[i] = Int64GetDatum(values[i]);
	return PointerGetDatum(construct_array(datums, n, INT8OID, sizeof(int64),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * Planner and memory settings for the bulk phases, undone when the calling
 * function returns (its SET search_path opened a GUC nest level; the
 * worker opens one too).  A phase sorts or hashes a whole tournament's rows
 * at once, and its per-row lookups are single-row index probes that a
 * bitmap scan only slows down.
 *
 * Every statement of a phase reads one tournament's rows, and every table
 * it reads leads an index with tournament_id.  The plans are generic, so
 * the planner expects (rows / distinct tournaments) per tournament: once
 * one large tournament dominates a table, that is most of the table, and
 * every small tournament's phase would scan all of it.  Sequential scans
 * are therefore off.
 *
 * No JIT: generic plans cost by the size of the whole tables, not of the
 * tournament at hand; once the tables grow, every phase of a small
 * tournament would pay for compiling (and the backend would keep LLVM
 * mapped).
 */
void
query_bulk_settings(void)
{
	(void) set_config_option("work_mem", "64MB", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("enable_bitmapscan", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}


/*
 * The same for a phase whose queries join derived tables: a generic plan
 * estimates them at a row or two and would join them by nested loop,
 * which is quadratic in the players.  Hash and merge joins only.
 */
void
query_merge_join_settings(void)
{
	query_bulk_settings();
	(void) set_config_option("enable_nestloop", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/* The memory each sort or hash of the phase's queries may take. */
void
query_work_mem(const char *size)
{
	(void) set_config_option("work_mem", size, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/*
 * The opposite, for a phase of point lookups that a caller's bulk phase
 * may run inside: nested loops over indexes.  Plans are built at their
 * first execution and kept, so each plan must first run under the
 * settings it is written for.
 */
void
query_lookup_settings(void)
{
	(void) set_config_option("enable_nestloop", "on", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/*
 * The labels of sessions.stage as a text[] parameter, in TourneyStage
 * order: array_position($n, stage) - 1 is the stage's number.
 */
Datum
query_stage_labels(void)
{
	Datum		labels[TOURNEY_STAGE_COUNT];

	for (int i = 0; i < TOURNEY_STAGE_COUNT; i++)
		labels[i] = CStringGetTextDatum(tourney_stage_names[i]);
	return PointerGetDatum(construct_array(labels, TOURNEY_STAGE_COUNT, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/* Ids from the first column of the last SPI result, as a bigint[]. */
Datum
query_result_ids(void)
{
	int64	   *ids = palloc(sizeof(int64) * Max(SPI_processed, 1));

	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		ids[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
	}
	return query_int8_array(ids, (int) SPI_processed);
}
