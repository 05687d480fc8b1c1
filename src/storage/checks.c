/*
 * checks.c: a table's CHECK constraints, compiled once and kept across
 * calls.
 *
 * The executor compiles them from their stored text for every statement
 * (parse, plan, build the expression state).  For one submitted result
 * that was 7% of the server's CPU under 32 concurrent submitters (perf),
 * more than the heap update itself.  CHECK constraints are immutable
 * expressions whose states keep nothing between evaluations, so, as the
 * type cache keeps domain constraints, the states are kept per table until
 * a relcache invalidation of that table (and freed at the end of the
 * transaction that saw it).
 *
 * Only the writers of single results use them.  A bulk phase compiles the
 * constraints once for millions of rows, and kept states built in the
 * middle of its large allocations pinned the heap: the soak's backend
 * (make test-soak) kept 672 kB more resident after 100 lifecycles and
 * 904 kB after 1,000, for 41 kB of states.
 */
#include "tourney/storage.h"

#include "access/xact.h"
#include "executor/executor.h"
#include "nodes/execnodes.h"
#include "optimizer/optimizer.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/rel.h"

/* tourney writes a handful of tables */
#define CHECK_CACHE_SIZE 8

typedef struct CheckCacheEntry
{
	Oid			relid;			/* InvalidOid: free */
	MemoryContext cxt;
	ExprState **states;			/* in the order of the relation's constr->check */
} CheckCacheEntry;

static CheckCacheEntry check_cache[CHECK_CACHE_SIZE];
static bool check_cache_registered = false;

/*
 * States of invalidated entries: a writer of this transaction may still
 * use them (an invalidation can arrive at any lock it takes), so they go
 * when the transaction ends.
 */
static List *retired_contexts = NIL;

static void
check_cache_forget(Datum arg, Oid relid)
{
	for (int i = 0; i < CHECK_CACHE_SIZE; i++)
	{
		CheckCacheEntry *e = &check_cache[i];

		if (OidIsValid(e->relid) && (!OidIsValid(relid) || e->relid == relid))
		{
			MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

			retired_contexts = lappend(retired_contexts, e->cxt);
			MemoryContextSwitchTo(old);
			memset(e, 0, sizeof(*e));
		}
	}
}

static void
check_cache_xact_end(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PARALLEL_COMMIT && event != XACT_EVENT_PARALLEL_ABORT)
		return;
	foreach(lc, retired_contexts)
		MemoryContextDelete((MemoryContext) lfirst(lc));
	list_free(retired_contexts);
	retired_contexts = NIL;
}

/* Compile in a context of the caller's, kept only once complete. */
static ExprState **
check_states_build(Relation rel, MemoryContext *cxt)
{
	TupleConstr *constr = rel->rd_att->constr;
	MemoryContext old;
	ExprState **states;

	*cxt = AllocSetContextCreate(CurrentMemoryContext, "tourney CHECK constraints",
								 ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(*cxt);
	states = palloc(sizeof(ExprState *) * constr->num_check);
	for (int i = 0; i < constr->num_check; i++)
		states[i] = ExecInitExpr(expression_planner(stringToNode(constr->check[i].ccbin)), NULL);
	MemoryContextSwitchTo(old);
	return states;
}

/*
 * Give the result relation the kept states of its table's CHECK
 * constraints (ExecConstraints then uses them as its own).
 */
void
checks_use_kept(ResultRelInfo *rri)
{
	Relation	rel = rri->ri_RelationDesc;
	TupleConstr *constr = rel->rd_att->constr;
	CheckCacheEntry *free_entry = NULL;
	MemoryContext cxt;

	/* a mismatch is the executor's to report */
	if (constr == NULL || constr->num_check == 0 ||
		constr->num_check != rel->rd_rel->relchecks)
		return;
	for (int i = 0; i < CHECK_CACHE_SIZE; i++)
	{
		if (check_cache[i].relid == RelationGetRelid(rel))
		{
			rri->ri_ConstraintExprs = check_cache[i].states;
			return;
		}
		if (free_entry == NULL && !OidIsValid(check_cache[i].relid))
			free_entry = &check_cache[i];
	}
	if (free_entry == NULL)
		return;
	if (!check_cache_registered)
	{
		CacheRegisterRelcacheCallback(check_cache_forget, (Datum) 0);
		RegisterXactCallback(check_cache_xact_end, NULL);
		check_cache_registered = true;
	}
	free_entry->states = check_states_build(rel, &cxt);
	MemoryContextSetParent(cxt, CacheMemoryContext);
	free_entry->cxt = cxt;
	free_entry->relid = RelationGetRelid(rel);
	rri->ri_ConstraintExprs = free_entry->states;
}
