/*
 * rankings.c: calculate_rankings, standings (0.1: the 0.2 standings is a
 * SQL function over tourney.tallies), its first rows read by index
 * (standings with top), tallies_rebuild and tournament_checked.
 */
#include "tourney/api.h"

PG_FUNCTION_INFO_V1(tourney_calculate_rankings);
PG_FUNCTION_INFO_V1(tourney_standings);
PG_FUNCTION_INFO_V1(tourney_standings_top);
PG_FUNCTION_INFO_V1(tourney_tallies_rebuild);
PG_FUNCTION_INFO_V1(tourney_tournament_checked);

Datum
tourney_calculate_rankings(PG_FUNCTION_ARGS)
{
	int64		written;

	api_require_arg(fcinfo, 0, "tournament_id");
	api_begin(API_RECOVER);
	written = rankings_calculate(PG_GETARG_INT64(0));
	api_end();
	PG_RETURN_INT32((int32) written);
}

/*
 * Read-only, in the caller's snapshot and with the caller's rights: no
 * recovery probe (which may start a worker), works on a hot standby.
 */
Datum
tourney_standings(PG_FUNCTION_ARGS)
{
	api_require_arg(fcinfo, 0, "tournament_id");
	InitMaterializedSRF(fcinfo, 0);
	api_begin(0);
	rankings_standings(PG_GETARG_INT64(0), (ReturnSetInfo *) fcinfo->resultinfo);
	api_end();
	return (Datum) 0;
}

/* standings(tournament_id, top): read-only like standings. */
Datum
tourney_standings_top(PG_FUNCTION_ARGS)
{
	api_require_arg(fcinfo, 0, "tournament_id");
	api_require_arg(fcinfo, 1, "top");
	if (PG_GETARG_INT32(1) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("top must not be negative")));
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	api_begin(0);
	standings_top(PG_GETARG_INT64(0), PG_GETARG_INT32(1), (ReturnSetInfo *) fcinfo->resultinfo);
	api_end();
	return (Datum) 0;
}

/* The tallies of one tournament counted again from its results. */
Datum
tourney_tallies_rebuild(PG_FUNCTION_ARGS)
{
	Tournament *t;
	int64		written;

	api_require_arg(fcinfo, 0, "tournament_id");
	api_begin(API_BULK);
	t = tournament_lock(PG_GETARG_INT64(0), TOURNAMENT_LOCK);
	written = tally_rebuild(t);
	progress_recount(t);
	api_end();
	PG_RETURN_INT64(written);
}

/*
 * What the SQL functions over the tallies check once per call: the
 * tournament exists (P0002), which they cannot say themselves.
 */
Datum
tourney_tournament_checked(PG_FUNCTION_ARGS)
{
	int64		tournament_id;

	api_require_arg(fcinfo, 0, "tournament_id");
	tournament_id = PG_GETARG_INT64(0);
	tournament_require_visible(tournament_id);
	PG_RETURN_INT64(tournament_id);
}
