/*
 * rankings.c: calculate_rankings and the standings of a 0.1 schema: they
 * tally the results in memory (tally.c) and rank the players by the rules
 * of the tournament's format; players still in the running rank by the
 * same rules on the results so far, which is what standings shows.  (In
 * 0.2 standings and group_tables read tourney.tallies: standings.c.)
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
