/*
 * rankings.c: calculate_rankings, standings and group_tables.  The first
 * two tally the results in memory (tally.c) and rank the players by the
 * rules of the tournament's format; players still in the running rank by
 * the same rules on the results so far, which is what standings shows.
 * group_tables shows the tables of a format with groups (pools.c).
 */
#include "tourney/lifecycle.h"

#include "utils/memutils.h"
#include "utils/tuplestore.h"

static void
require_all_results(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	bool		isnull;
	int64		open;

	query_prepare(&plan,
				  "SELECT count(*) FROM tourney.sessions"
				  " WHERE tournament_id = $1 AND NOT result_submitted",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 1);
	open = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (open > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot calculate rankings: tournament " INT64_FORMAT " has " INT64_FORMAT " sessions without a result",
						t->id, open),
				 errhint("Submit every result first; tourney.standings shows provisional standings.")));
}

/* Write the rankings of a tournament whose results are all in. */
int64
rankings_calculate(int64 tournament_id)
{
	static SPIPlanPtr plan_delete = NULL;
	static SPIPlanPtr plan_stamp = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		key[1] = {Int64GetDatum(tournament_id)};
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	int64		written;

	query_merge_join_settings();
	tournament_require_state(t, STATUS_IN_PROGRESS, "calculate rankings");
	require_all_results(t);

	query_prepare(&plan_delete, "DELETE FROM tourney.rankings WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan_delete, key, NULL, false, 0);
	written = tally_calculate(t);
	query_prepare(&plan_stamp,
				  "UPDATE tourney.tournaments SET rankings_calculated_at = now()"
				  " WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan_stamp, key, NULL, false, 0);
	return written;
}

/*
 * Provisional standings, in rank order.  Reads only, in one snapshot:
 * result entry is never blocked.
 */
void
rankings_standings(int64 tournament_id, ReturnSetInfo *rsinfo)
{
	Tournament *t;

	query_merge_join_settings();
	t = tournament_lock(tournament_id, TOURNAMENT_SNAPSHOT);
	tally_standings(t, rsinfo);
}

/* A row of group_tables. */
typedef struct GroupRow
{
	int64		player_id;
	int16		pool;
	int32		place;
	int32		played;
	int32		wins;
	int32		draws;
	int32		losses;
	int32		points;
	Numeric		score_for;
	Numeric		score_against;
	text	   *name;
} GroupRow;

typedef struct GroupRows
{
	GroupRow   *rows;
	int64		count;
	int64		allocated;
	MemoryContext cxt;
} GroupRows;

static void
keep_group_rows(PoolTable *pt, void *arg)
{
	GroupRows  *g = arg;
	MemoryContext old = MemoryContextSwitchTo(g->cxt);

	for (int32 i = 0; i < pt->nmembers; i++)
	{
		const PoolMember *m = &pt->members[i];
		GroupRow   *r;

		g->rows = tourney_grow(g->rows, g->count, &g->allocated, sizeof(GroupRow));
		r = &g->rows[g->count++];
		r->player_id = m->player_id;
		r->pool = pt->pool;
		r->place = m->place;
		r->played = m->played;
		r->wins = m->wins;
		r->draws = m->draws;
		r->losses = m->losses;
		r->points = m->points;
		r->score_for = DatumGetNumericCopy(NumericGetDatum(m->score_for));
		r->score_against = DatumGetNumericCopy(NumericGetDatum(m->score_against));
		r->name = NULL;
	}
	MemoryContextSwitchTo(old);
}

static int
group_row_by_player(const void *a, const void *b)
{
	int64		x = ((const GroupRow *) a)->player_id;
	int64		y = ((const GroupRow *) b)->player_id;

	return (x > y) - (x < y);
}

static int
group_row_by_place(const void *a, const void *b)
{
	const GroupRow *x = a;
	const GroupRow *y = b;

	if (x->pool != y->pool)
		return x->pool < y->pool ? -1 : 1;
	return (x->place > y->place) - (x->place < y->place);
}

static void
set_group_row_name(void *row, Datum value, bool isnull, void *arg)
{
	MemoryContext old = MemoryContextSwitchTo(((GroupRows *) arg)->cxt);

	((GroupRow *) row)->name = isnull ? NULL : DatumGetTextPCopy(value);
	MemoryContextSwitchTo(old);
}

static void
put_group_row(ReturnSetInfo *rsinfo, const GroupRow *r)
{
	Datum		values[11];
	bool		nulls[11] = {false};

	values[0] = Int32GetDatum(r->pool);
	values[1] = Int32GetDatum(r->place);
	values[2] = Int64GetDatum(r->player_id);
	values[3] = PointerGetDatum(r->name);
	nulls[3] = r->name == NULL;
	values[4] = Int32GetDatum(r->played);
	values[5] = Int32GetDatum(r->wins);
	values[6] = Int32GetDatum(r->draws);
	values[7] = Int32GetDatum(r->losses);
	values[8] = NumericGetDatum(r->score_for);
	values[9] = NumericGetDatum(r->score_against);
	values[10] = NumericGetDatum(int64_to_numeric(r->points));
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * The live group tables (none for a format without groups), by group and
 * place.  Reads only, in one snapshot, as standings.
 */
void
rankings_group_tables(int64 tournament_id, ReturnSetInfo *rsinfo)
{
	static PlayerColumn names = {"name", NULL, NULL};
	Tournament *t;
	GroupRows	g;

	query_merge_join_settings();
	t = tournament_lock(tournament_id, TOURNAMENT_SNAPSHOT);
	if (!t->format->has_pools)
		return;
	memset(&g, 0, sizeof(g));
	g.cxt = AllocSetContextCreate(CurrentMemoryContext, "tourney group tables",
								  ALLOCSET_DEFAULT_SIZES);
	pools_scan(t, true, keep_group_rows, &g);
	qsort(g.rows, g.count, sizeof(GroupRow), group_row_by_player);
	players_merge_enrolled(&names, g.rows, g.count, sizeof(GroupRow), true,
						   set_group_row_name, &g);
	qsort(g.rows, g.count, sizeof(GroupRow), group_row_by_place);
	for (int64 i = 0; i < g.count; i++)
	{
		put_group_row(rsinfo, &g.rows[i]);
		if (i % 1024 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(g.cxt);
}
