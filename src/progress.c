/*
 * progress.c: how many players, sessions and results a tournament has,
 * for tourney.overview, without counting its rows on every read.
 *
 * A counter on the tournament's row would make every two results of a
 * tournament wait for each other.  Each backend instead adds what its
 * transaction changed to a row of its own, keyed by its BackendId: no two
 * running transactions have the same BackendId, so no result ever waits
 * for another one's counter, and the totals are the sums over a few rows.
 * Writers that hold the tournament alone (corrections, simulate_results,
 * tallies_rebuild) count everything again into one row (backend 0, which
 * no backend has), which also folds the others away.
 */
#include "tourney/lifecycle.h"

#include "common/int.h"
#include "executor/tuptable.h"
#include "storage/backendid.h"

static const char *const count_columns[3] = {"players", "sessions", "results"};

/*
 * Add to the backend's row of the tournament, if it has one: found by key,
 * locked and rewritten in place (the counts are not indexed, so the
 * update is a HOT one).  Result entry adds to it once per result.
 */
static bool
add_to_row(const Tournament *t, const int64 *add)
{
	static ColumnMap map;
	Datum		counts[3];
	Datum		keys[2] = {Int64GetDatum(t->id), Int32GetDatum(MyBackendId)};
	KeyScan    *ks = keyscan_begin("progress", "progress_pkey", 2, keys);
	TupleTableSlot *row;
	ItemPointerData tid;
	Datum		values[3];
	TidUpdate  *u;

	if (keyscan_next(ks) == NULL || (row = keyscan_lock(ks, LockTupleNoKeyExclusive)) == NULL)
	{
		keyscan_end(ks);
		return false;
	}
	keyscan_columns(row, &map, 3, count_columns, counts, NULL);
	for (int c = 0; c < 3; c++)
	{
		int64		sum;

		if (pg_add_s64_overflow(DatumGetInt64(counts[c]), add[c], &sum))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("bigint out of range")));
		values[c] = Int64GetDatum(sum);
	}
	tid = row->tts_tid;
	keyscan_end(ks);
	u = tid_update_begin("progress", 3, count_columns);
	tid_update_keep_checks(u);
	tid_update_row(u, &tid, values, NULL);
	tid_update_end(u);
	return true;
}

/* Add the changes of this transaction to its backend's counts (0.2 schema). */
void
progress_add(const Tournament *t, int64 players, int64 sessions, int64 results)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[5] = {INT8OID, INT4OID, INT8OID, INT8OID, INT8OID};
	Datum		args[5];
	int64		add[3] = {players, sessions, results};

	if (!t->schema_0_2 || (players == 0 && sessions == 0 && results == 0))
		return;
	if (add_to_row(t, add))
		return;
	/* no row yet: the backend's first change since the counts were last folded */
	args[0] = Int64GetDatum(t->id);
	args[1] = Int32GetDatum(MyBackendId);
	args[2] = Int64GetDatum(players);
	args[3] = Int64GetDatum(sessions);
	args[4] = Int64GetDatum(results);
	query_prepare(&plan,
				  "INSERT INTO tourney.progress AS c"
				  " (tournament_id, backend, players, sessions, results)"
				  " VALUES ($1, $2, $3, $4, $5)"
				  " ON CONFLICT (tournament_id, backend) DO UPDATE"
				  " SET players = c.players + excluded.players,"
				  " sessions = c.sessions + excluded.sessions,"
				  " results = c.results + excluded.results",
				  5, argtypes);
	query_exec(plan, args, NULL, false, 0);
}

/*
 * Count a tournament's players, sessions and results again, by the caller
 * that holds it with TOURNAMENT_LOCK: no other transaction is changing its
 * counts, so the rows of every backend can go.
 */
void
progress_recount(const Tournament *t)
{
	static SPIPlanPtr plan_clear = NULL;
	static SPIPlanPtr plan_count = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};

	if (!t->schema_0_2)
		return;

	query_prepare(&plan_clear, "DELETE FROM tourney.progress WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan_clear, args, NULL, false, 0);
	query_prepare(&plan_count,
				  "INSERT INTO tourney.progress (tournament_id, backend, players, sessions, results)"
				  " SELECT $1, 0,"
				  " (SELECT count(*) FROM tourney.enrollments WHERE tournament_id = $1),"
				  " count(*), count(*) FILTER (WHERE result_submitted)"
				  " FROM tourney.sessions WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan_count, args, NULL, false, 0);
}

/* The players enrolled in a tournament of the 0.2 schema, by its counts. */
int32
progress_players(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};

	query_prepare(&plan,
				  "SELECT coalesce(sum(players), 0)::int FROM tourney.progress"
				  " WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 1);
	return query_int4(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}
