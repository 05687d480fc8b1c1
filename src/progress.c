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

#include "storage/backendid.h"

/* Add the changes of this transaction to its backend's counts (0.2 schema). */
void
progress_add(const Tournament *t, int64 players, int64 sessions, int64 results)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[5] = {INT8OID, INT4OID, INT8OID, INT8OID, INT8OID};
	Datum		args[5];

	if (!t->schema_0_2 || (players == 0 && sessions == 0 && results == 0))
		return;
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
