/*
 * tablewrite.c: rows written straight into tourney's tables, without a
 * query to parse, plan or execute and without arrays to build.
 *
 * BulkInsert writes new rows a batch at a time, the way COPY FROM does:
 * table_multi_insert with a BulkInsertState (one WAL record per heap page,
 * not per row), then each row's index entries.  TidUpdate rewrites rows
 * found by a scan that read their TIDs, as UPDATE does once it has found
 * them: no index probe to find the row again, and no new index entries
 * when the update is HOT.  Both check the table's NOT NULL and CHECK
 * constraints and enforce unique indexes as usual.
 *
 * Both open their table when the first row comes, in the memory context
 * they were begun in: a single result touches few of the tables a writer
 * may need, and rows may be added from a shorter-lived context.
 *
 * tourney's bulk tables have no row triggers, foreign keys or rules (SPEC
 * section 2); a table altered to have row triggers that the write would
 * fire is refused rather than written behind their back.  (players, whose
 * ratings update_ratings writes, has a guard of player_id alone.)
 */
#include "tourney/storage.h"

#include "access/heapam.h"
#include "access/hio.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_trigger.h"
#include "utils/snapmgr.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "storage/bufmgr.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

/* Rows per table_multi_insert call, as COPY FROM buffers them. */
#define BULK_INSERT_ROWS 1000

/*
 * The table a writer writes and the columns it gives, opened when the first
 * row comes, with the executor state that index maintenance and constraint
 * checks need.
 */
typedef struct TableTarget
{
	const char *relname;
	const char *const *colnames;	/* kept, not copied */
	int			ncols;
	CmdType		operation;
	MemoryContext cxt;			/* where the writer was begun */
	Relation	rel;			/* NULL until the first row */
	EState	   *estate;
	ResultRelInfo *rri;
	bool		keep_checks;	/* use the table's kept CHECK states (checks.c) */
	AttrNumber *attnums;		/* table attribute of each given column */
	int16	   *typlen;
	bool	   *typbyval;
} TableTarget;

struct BulkInsert
{
	TableTarget t;
	BulkInsertState bistate;
	TupleDesc	slotdesc;		/* unpinned copy: slots stay out of resource owners */
	TupleTableSlot *slots[BULK_INSERT_ROWS];	/* made as rows first need them */
	int			nslots;
	int			nrows;
	MemoryContext batchcxt;		/* by-reference values of the pending rows */
	int64		rows_written;
	double		write_ms;
};

static Relation
open_tourney_table(const char *relname)
{
	Relation	rel = table_open(query_relid(relname), RowExclusiveLock);

	if (rel->rd_rel->relkind != RELKIND_RELATION)
		elog(ERROR, "tourney.%s is not an ordinary table", relname);
	return rel;
}

/*
 * Whether an UPDATE of the writer's columns would fire the row trigger:
 * one limited to columns (UPDATE OF) fires only when the UPDATE sets one
 * of them, as the executor decides (trigger.c): tourney.players' guard of
 * player_id does not stop a write of its ratings.
 */
static bool
update_fires(const TableTarget *t, const Trigger *trigger)
{
	if (!TRIGGER_FOR_ROW(trigger->tgtype) || !TRIGGER_FOR_UPDATE(trigger->tgtype))
		return false;
	if (trigger->tgnattr == 0)
		return true;
	for (int i = 0; i < trigger->tgnattr; i++)
		for (int c = 0; c < t->ncols; c++)
			if (trigger->tgattr[i] == t->attnums[c])
				return true;
	return false;
}

/* Row triggers this writer would have to fire are refused, not bypassed. */
static void
refuse_row_triggers(const TableTarget *t)
{
	TriggerDesc *trig = t->rel->trigdesc;
	bool		fires = false;

	if (trig == NULL)
		return;
	if (t->operation == CMD_INSERT)
		fires = trig->trig_insert_before_row || trig->trig_insert_after_row ||
			trig->trig_insert_instead_row || trig->trig_insert_new_table;
	else
	{
		fires = trig->trig_update_old_table || trig->trig_update_new_table;
		for (int i = 0; i < trig->numtriggers && !fires; i++)
			fires = update_fires(t, &trig->triggers[i]);
	}
	if (fires)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("tourney.%s has row triggers on %s", t->relname,
						t->operation == CMD_INSERT ? "INSERT" : "UPDATE"),
				 errdetail("tourney writes its tables in bulk without firing row triggers.")));
}

static void
target_init(TableTarget *t, const char *relname, int ncols, const char *const *colnames,
			CmdType operation)
{
	memset(t, 0, sizeof(*t));
	t->relname = relname;
	t->colnames = colnames;
	t->ncols = ncols;
	t->operation = operation;
	t->cxt = CurrentMemoryContext;
}

/* Open the table and find the columns; the caller switched to t->cxt. */
static void
target_open(TableTarget *t)
{
	t->rel = open_tourney_table(t->relname);
	t->attnums = palloc(sizeof(AttrNumber) * t->ncols);
	t->typlen = palloc(sizeof(int16) * t->ncols);
	t->typbyval = palloc(sizeof(bool) * t->ncols);
	for (int c = 0; c < t->ncols; c++)
	{
		bool		optional = t->colnames[c][0] == '?';
		Form_pg_attribute att;

		t->attnums[c] = get_attnum(RelationGetRelid(t->rel), t->colnames[c] + optional);
		if (t->attnums[c] == InvalidAttrNumber && optional)
			continue;			/* a column this schema version lacks: not written */
		if (t->attnums[c] == InvalidAttrNumber)
			elog(ERROR, "column %s of tourney.%s does not exist", t->colnames[c], t->relname);
		att = TupleDescAttr(RelationGetDescr(t->rel), t->attnums[c] - 1);
		t->typlen[c] = att->attlen;
		t->typbyval[c] = att->attbyval;
	}
	refuse_row_triggers(t);
	t->estate = CreateExecutorState();
	t->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(t->rri, t->rel, 0, NULL, 0);
	if (t->keep_checks)
		checks_use_kept(t->rri);
	ExecOpenIndices(t->rri, false);
}

/* Close the table, kept locked to commit. */
static void
target_close(TableTarget *t)
{
	ExecCloseIndices(t->rri);
	FreeExecutorState(t->estate);
	table_close(t->rel, NoLock);
}

/*
 * Start writing rows of tourney.<relname>; each row gives the columns
 * named in colnames (kept, not copied), in that order, and the other
 * columns are NULL.  A name starting with '?' is a column that a schema of
 * an earlier version lacks: where it is absent its values are dropped
 * (the library serves every installed version of the extension).
 */
BulkInsert *
bulk_insert_begin(const char *relname, int ncols, const char *const *colnames)
{
	BulkInsert *b = palloc0(sizeof(BulkInsert));

	target_init(&b->t, relname, ncols, colnames, CMD_INSERT);
	return b;
}

static void
bulk_insert_open(BulkInsert *b)
{
	MemoryContext old = MemoryContextSwitchTo(b->t.cxt);

	target_open(&b->t);
	b->bistate = GetBulkInsertState();

	/*
	 * Keep the pages in shared buffers, as INSERT does: the next phase reads
	 * them back at once, while the bulk-write ring (16 MB) would have this
	 * backend write every page out, flushing WAL up to it first.
	 */
	FreeAccessStrategy(b->bistate->strategy);
	b->bistate->strategy = NULL;
	b->slotdesc = CreateTupleDescCopy(RelationGetDescr(b->t.rel));
	b->batchcxt = AllocSetContextCreate(b->t.cxt, "tourney bulk insert",
										ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(old);
}

void
bulk_insert_add(BulkInsert *b, const Datum *values, const bool *nulls)
{
	TupleTableSlot *slot;
	MemoryContext old;

	if (b->t.rel == NULL)
		bulk_insert_open(b);
	if (b->nrows == b->nslots)
	{
		old = MemoryContextSwitchTo(b->t.cxt);
		b->slots[b->nslots++] = MakeSingleTupleTableSlot(b->slotdesc,
														 table_slot_callbacks(b->t.rel));
		MemoryContextSwitchTo(old);
	}
	slot = b->slots[b->nrows];
	old = MemoryContextSwitchTo(b->batchcxt);
	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	for (int c = 0; c < b->t.ncols; c++)
	{
		int			att = b->t.attnums[c] - 1;

		if (att < 0)
			continue;			/* optional, absent */
		slot->tts_isnull[att] = nulls != NULL && nulls[c];
		slot->tts_values[att] = slot->tts_isnull[att] ? (Datum) 0 :
			datumCopy(values[c], b->t.typbyval[c], b->t.typlen[c]);
	}
	ExecStoreVirtualTuple(slot);
	MemoryContextSwitchTo(old);
	if (++b->nrows == BULK_INSERT_ROWS)
		bulk_insert_flush(b);
}

void
bulk_insert_flush(BulkInsert *b)
{
	instr_time	start;
	bool		checks;
	MemoryContext old;

	if (b->nrows == 0)
		return;
	checks = b->t.rel->rd_att->constr != NULL;
	CHECK_FOR_INTERRUPTS();
	INSTR_TIME_SET_CURRENT(start);
	old = MemoryContextSwitchTo(b->batchcxt);
	for (int i = 0; i < b->nrows && checks; i++)
		ExecConstraints(b->t.rri, b->slots[i], b->t.estate);

	/*
	 * The command id of now, not of bulk_insert_begin: a cursor opened in
	 * between (simulate_results reads a round while it writes) must not
	 * see these rows, as it would not see an INSERT statement's.
	 */
	table_multi_insert(b->t.rel, b->slots, b->nrows, GetCurrentCommandId(true), 0,
					   b->bistate);
	for (int i = 0; i < b->nrows; i++)
	{
		List	   *recheck;

		recheck = ExecInsertIndexTuples(b->t.rri, b->slots[i], b->t.estate,
										false, false, NULL, NIL);
		list_free(recheck);
		ResetPerTupleExprContext(b->t.estate);
		ExecClearTuple(b->slots[i]);
	}
	MemoryContextSwitchTo(old);
	b->write_ms += tourney_elapsed_ms(start);
	b->rows_written += b->nrows;
	b->nrows = 0;
	MemoryContextReset(b->batchcxt);
}

/* Write what is pending and close the table (kept locked to commit). */
void
bulk_insert_end(BulkInsert *b)
{
	if (b->t.rel == NULL)
		return;					/* no row came */
	bulk_insert_flush(b);
	for (int i = 0; i < b->nslots; i++)
		ExecDropSingleTupleTableSlot(b->slots[i]);
	FreeBulkInsertState(b->bistate);
	table_finish_bulk_insert(b->t.rel, 0);
	target_close(&b->t);
	MemoryContextDelete(b->batchcxt);
	/* later statements of this function see the rows */
	CommandCounterIncrement();
}

int64
bulk_insert_rows_written(const BulkInsert *b)
{
	return b->rows_written;
}

double
bulk_insert_write_ms(const BulkInsert *b)
{
	return b->write_ms;
}

struct TidUpdate
{
	TableTarget t;
	Snapshot	snapshot;
	TupleTableSlot *oldslot;	/* the row as stored */
	TupleTableSlot *newslot;	/* the row as rewritten */
	int64		rows_written;
};

/*
 * Start rewriting rows of tourney.<relname>: each update gives the TID of
 * the row, read in this transaction, and new values for the columns named
 * in colnames; the other columns keep theirs.
 */
TidUpdate *
tid_update_begin(const char *relname, int ncols, const char *const *colnames)
{
	TidUpdate  *u = palloc0(sizeof(TidUpdate));

	target_init(&u->t, relname, ncols, colnames, CMD_UPDATE);
	return u;
}

/*
 * Writers of a single result use the kept CHECK constraint states of
 * their table (checks.c) instead of compiling them for this writer.
 */
void
tid_update_keep_checks(TidUpdate *u)
{
	u->t.keep_checks = true;
}

void
bulk_insert_keep_checks(BulkInsert *b)
{
	b->t.keep_checks = true;
}

static void
tid_update_open(TidUpdate *u)
{
	MemoryContext old = MemoryContextSwitchTo(u->t.cxt);
	TupleDesc	desc;

	target_open(&u->t);
	/*
	 * With the missing values of columns added since a row was written
	 * (ALTER TABLE ... ADD COLUMN ... DEFAULT writes no row): the row is
	 * rewritten whole.
	 */
	desc = CreateTupleDescCopyConstr(RelationGetDescr(u->t.rel));
	u->oldslot = MakeSingleTupleTableSlot(desc, table_slot_callbacks(u->t.rel));
	u->newslot = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
	/* the rows to rewrite include those written earlier in this function */
	CommandCounterIncrement();
	u->snapshot = RegisterSnapshot(GetLatestSnapshot());
	MemoryContextSwitchTo(old);
}

/*
 * Rewrite the row at tid.  The caller holds the lock that keeps every
 * other tourney writer away from these rows; a row changed by anything
 * else since it was read is a serialization failure, as in UPDATE under
 * REPEATABLE READ.
 */
void
tid_update_row(TidUpdate *u, ItemPointer tid, const Datum *values, const bool *nulls)
{
	TupleDesc	desc;
	TM_FailureData tmfd;
	LockTupleMode lockmode;
	bool		update_indexes;
	TM_Result	result;
	MemoryContext old;

	if (u->t.rel == NULL)
		tid_update_open(u);
	desc = u->newslot->tts_tupleDescriptor;
	old = MemoryContextSwitchTo(GetPerTupleMemoryContext(u->t.estate));

	if (!table_tuple_fetch_row_version(u->t.rel, tid, u->snapshot, u->oldslot))
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent update of %s",
						RelationGetRelationName(u->t.rel))));
	slot_getallattrs(u->oldslot);
	ExecClearTuple(u->newslot);
	memcpy(u->newslot->tts_values, u->oldslot->tts_values, sizeof(Datum) * desc->natts);
	memcpy(u->newslot->tts_isnull, u->oldslot->tts_isnull, sizeof(bool) * desc->natts);
	for (int c = 0; c < u->t.ncols; c++)
	{
		int			att = u->t.attnums[c] - 1;

		if (att < 0)
			continue;			/* optional, absent */
		u->newslot->tts_isnull[att] = nulls != NULL && nulls[c];
		u->newslot->tts_values[att] = u->newslot->tts_isnull[att] ? (Datum) 0 : values[c];
	}
	ExecStoreVirtualTuple(u->newslot);
	/* the values kept from the old row point into its buffer: copy them */
	ExecMaterializeSlot(u->newslot);
	if (u->t.rel->rd_att->constr != NULL)
		ExecConstraints(u->t.rri, u->newslot, u->t.estate);

	result = table_tuple_update(u->t.rel, tid, u->newslot, GetCurrentCommandId(true),
								u->snapshot, InvalidSnapshot, true, &tmfd, &lockmode,
								&update_indexes);
	if (result == TM_SelfModified)
		elog(ERROR, "row of %s updated twice in one command",
			 RelationGetRelationName(u->t.rel));
	if (result != TM_Ok)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent update of %s",
						RelationGetRelationName(u->t.rel))));
	if (update_indexes)
		list_free(ExecInsertIndexTuples(u->t.rri, u->newslot, u->t.estate, true, false,
										NULL, NIL));
	ExecClearTuple(u->oldslot);
	ExecClearTuple(u->newslot);
	MemoryContextSwitchTo(old);
	ResetPerTupleExprContext(u->t.estate);
	u->rows_written++;
	if (u->rows_written % 1024 == 0)
		CHECK_FOR_INTERRUPTS();
}

void
tid_update_end(TidUpdate *u)
{
	if (u->t.rel == NULL)
		return;					/* no row came */
	ExecDropSingleTupleTableSlot(u->oldslot);
	ExecDropSingleTupleTableSlot(u->newslot);
	UnregisterSnapshot(u->snapshot);
	target_close(&u->t);
	/* later statements of this function see the new row versions */
	CommandCounterIncrement();
}
