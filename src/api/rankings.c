/*
 * rankings.c: calculate_rankings, standings and group_tables.
 */
#include "tourney/api.h"

PG_FUNCTION_INFO_V1(tourney_calculate_rankings);
PG_FUNCTION_INFO_V1(tourney_standings);
PG_FUNCTION_INFO_V1(tourney_group_tables);

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

/* Read-only like standings. */
Datum
tourney_group_tables(PG_FUNCTION_ARGS)
{
	api_require_arg(fcinfo, 0, "tournament_id");
	InitMaterializedSRF(fcinfo, 0);
	api_begin(0);
	rankings_group_tables(PG_GETARG_INT64(0), (ReturnSetInfo *) fcinfo->resultinfo);
	api_end();
	return (Datum) 0;
}
