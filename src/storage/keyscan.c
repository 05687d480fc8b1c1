/*
 * keyscan.c: rows read (and locked) by a key of bigint or integer columns,
 * straight through the table's index, without a query.
 *
 * Result entry reads a handful of rows per call.  As SPI queries, their
 * executor set-up costs more than the reads, and a generic plan made from
 * statistics that lag behind a freshly generated tournament can be a hash
 * join or a bitmap scan for what is one index probe: under 32 concurrent
 * submitters that cost a quarter of the throughput.  An index scan has no
 * plan to get wrong.
 *
 * The snapshot is what a query in this function would get: a new one in
 * READ COMMITTED (after the function's own earlier writes), the
 * transaction's under REPEATABLE READ.
 */
#include "tourney/storage.h"

#include "access/genam.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "executor/tuptable.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

struct KeyScan
{
	Relation	rel;
	Relation	index;
	Snapshot	snapshot;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ItemPointerData found;		/* the row keyscan_next returned last */
	int			nkeys;
	ScanKeyData keys[INDEX_MAX_KEYS];
};

/*
 * The rows of tourney.relname whose leading nkeys columns of index
 * tourney.indexname equal keys (Datums of the columns' types: bigint or
 * integer), in index order.
 */
KeyScan *
keyscan_begin(const char *relname, const char *indexname, int nkeys, const Datum *keys)
{
	CommandCounterIncrement();
	return keyscan_begin_snapshot(relname, indexname, nkeys, keys, GetTransactionSnapshot());
}

/* The same in a snapshot of the caller's (a read-only function's: its active one). */
KeyScan *
keyscan_begin_snapshot(const char *relname, const char *indexname, int nkeys, const Datum *keys,
					   Snapshot snapshot)
{
	KeyScan    *ks = palloc0(sizeof(KeyScan));

	Assert(nkeys > 0 && nkeys <= INDEX_MAX_KEYS);
	ks->rel = table_open(query_relid(relname), AccessShareLock);
	ks->index = index_open(query_relid(indexname), AccessShareLock);
	if (ks->index->rd_index->indrelid != RelationGetRelid(ks->rel) ||
		ks->index->rd_index->indnkeyatts < nkeys)
		elog(ERROR, "tourney.%s is not an index of tourney.%s on %d columns",
			 indexname, relname, nkeys);
	for (int i = 0; i < nkeys; i++)
	{
		Oid			type = TupleDescAttr(RelationGetDescr(ks->index), i)->atttypid;

		if (type != INT8OID && type != INT4OID)
			elog(ERROR, "column %d of index tourney.%s is not a bigint or an integer",
				 i + 1, indexname);
		ScanKeyInit(&ks->keys[i], (AttrNumber) (i + 1), BTEqualStrategyNumber,
					type == INT8OID ? F_INT8EQ : F_INT4EQ, keys[i]);
	}
	ks->nkeys = nkeys;
	ks->snapshot = RegisterSnapshot(snapshot);
	ks->slot = table_slot_create(ks->rel, NULL);
	ks->scan = index_beginscan(ks->rel, ks->index, ks->snapshot, nkeys, 0);
	index_rescan(ks->scan, ks->keys, nkeys, NULL, 0);
	return ks;
}

/* The same scan from the start, for other keys: one more index probe, nothing opened again. */
void
keyscan_rescan(KeyScan *ks, const Datum *keys)
{
	for (int i = 0; i < ks->nkeys; i++)
		ks->keys[i].sk_argument = keys[i];
	index_rescan(ks->scan, ks->keys, ks->nkeys, NULL, 0);
}

/*
 * Whether the row in the slot still has the scan's keys: a version found
 * by following its update chain need not.
 */
static bool
keyscan_keys_hold(KeyScan *ks)
{
	for (int i = 0; i < ks->nkeys; i++)
	{
		ScanKey		key = &ks->keys[i];
		bool		isnull;
		Datum		value = slot_getattr(ks->slot, ks->index->rd_index->indkey.values[i], &isnull);

		if (isnull || !DatumGetBool(FunctionCall2Coll(&key->sk_func, key->sk_collation, value,
													  key->sk_argument)))
			return false;
	}
	return true;
}

/*
 * Lock the row keyscan_next returned last (released or not) as SELECT ...
 * FOR UPDATE (or FOR NO KEY UPDATE, by mode) would: waiting for its
 * writers; in READ COMMITTED the row's latest version (another
 * transaction may have changed it since the scan's snapshot), under
 * REPEATABLE READ a serialization failure if it changed.  Returned: the
 * slot with the locked version, valid until the next call, or NULL when
 * the row was deleted or no longer has the keys.
 */
TupleTableSlot *
keyscan_lock(KeyScan *ks, LockTupleMode mode)
{
	ItemPointerData tid = ks->found;
	uint8		flags = TUPLE_LOCK_FLAG_LOCK_UPDATE_IN_PROGRESS;
	TM_FailureData tmfd;
	TM_Result	result;

	if (!IsolationUsesXactSnapshot())
		flags |= TUPLE_LOCK_FLAG_FIND_LAST_VERSION;
	result = table_tuple_lock(ks->rel, &tid, ks->snapshot, ks->slot, GetCurrentCommandId(true),
							  mode, LockWaitBlock, flags, &tmfd);
	switch (result)
	{
		case TM_Ok:
			return !tmfd.traversed || keyscan_keys_hold(ks) ? ks->slot : NULL;
		case TM_SelfModified:
			/* changed by this transaction after the snapshot: as the executor, gone */
			return NULL;
		case TM_Updated:
		case TM_Deleted:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update")));
			if (result == TM_Deleted)
				return NULL;
			break;
		default:
			break;
	}
	elog(ERROR, "unexpected table_tuple_lock status %u on tourney.%s", result,
		 RelationGetRelationName(ks->rel));
	return NULL;
}

/* The next row, or NULL; valid until the next call. */
TupleTableSlot *
keyscan_next(KeyScan *ks)
{
	if (!index_getnext_slot(ks->scan, ForwardScanDirection, ks->slot))
		return NULL;
	ks->found = ks->slot->tts_tid;
	return ks->slot;
}

/*
 * Let go of the row keyscan_next returned (and of its page), keeping where
 * it is for keyscan_lock: before the caller waits for other locks.
 */
void
keyscan_release(KeyScan *ks)
{
	ExecClearTuple(ks->slot);
}

void
keyscan_end(KeyScan *ks)
{
	index_endscan(ks->scan);
	ExecDropSingleTupleTableSlot(ks->slot);
	UnregisterSnapshot(ks->snapshot);
	index_close(ks->index, AccessShareLock);
	table_close(ks->rel, AccessShareLock);
	pfree(ks);
}

/*
 * Columns of a row keyscan returned, by name (their numbers kept in the
 * caller's static map), into values: NULLs as (Datum) 0, and true in nulls
 * if it is given.  Values point into the row, valid as long as it is.
 */
void
keyscan_columns(TupleTableSlot *row, ColumnMap *map, int ncolumns, const char *const *columns,
				Datum *values, bool *nulls)
{
	const AttrNumber *attnums = query_column_map(map, row->tts_tableOid, ncolumns, columns);

	for (int c = 0; c < ncolumns; c++)
	{
		bool		isnull;

		values[c] = slot_getattr(row, attnums[c], &isnull);
		if (isnull)
			values[c] = (Datum) 0;
		if (nulls != NULL)
			nulls[c] = isnull;
	}
}

/* A column of a row by name; cached attribute numbers are the caller's. */
AttrNumber
keyscan_attnum(KeyScan *ks, const char *column)
{
	return query_attnum(RelationGetRelid(ks->rel), column);
}
