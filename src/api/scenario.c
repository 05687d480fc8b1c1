/*
 * scenario.c: run_scenario, the operator's one call.  Synthetic players
 * (ratings reproducible from the seed) and campuses, a tournament, the
 * enrolment and the generation; on the synchronous path also simulation,
 * ranking and completion.  On the asynchronous path the call returns once
 * the task is queued: the caller commits, waits for the task, and goes on
 * with simulate_results, calculate_rankings and complete_tournament.
 * Returns ids, counts and per-phase timings.
 */
#include "tourney/api.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(tourney_run_scenario);
PG_FUNCTION_INFO_V1(tourney_run_scenario_0_2);

#define MAX_SCENARIO_CAMPUSES 1024

/* Run an INSERT ... RETURNING wrapped to return its ids as one bigint[]. */
static int64 *
inserted_ids(SPIPlanPtr plan, Datum *args)
{
	bool		isnull;
	int			n;

	query_exec(plan, args, NULL, false, 1);
	return query_int8_values(DatumGetArrayTypeP(SPI_getbinval(SPI_tuptable->vals[0],
															   SPI_tuptable->tupdesc, 1, &isnull)),
							  "inserted ids", &n);
}

/* Insert synthetic players; returns their ids, in id order. */
static int64 *
create_players(int32 count, int64 seed)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT4OID, INT8OID};
	Datum		args[2] = {Int32GetDatum(count), Int64GetDatum(seed)};

	/* Ratings from 1000 to 2400, a deterministic function of (seed, number). */
	query_prepare(&plan,
				  "WITH made AS (INSERT INTO tourney.players (name, rating)"
				  " SELECT 'scenario player ' || g,"
				  "  1000 + (hashint8extended(g, $2) & 1048575) * 1400.0 / 1048576"
				  " FROM generate_series(1, $1::int8) g RETURNING player_id)"
				  " SELECT array_agg(player_id ORDER BY player_id) FROM made",
				  2, argtypes);
	return inserted_ids(plan, args);
}

/* Unlimited campuses named after the scenario's first player, so names never collide. */
static int64 *
create_campuses(int32 count, int64 token)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT4OID, INT8OID};
	Datum		args[2] = {Int32GetDatum(count), Int64GetDatum(token)};

	query_prepare(&plan,
				  "WITH made AS (INSERT INTO tourney.campuses (name)"
				  " SELECT format('scenario %s campus %s', $2, g)"
				  " FROM generate_series(1, $1) g RETURNING campus_id)"
				  " SELECT array_agg(campus_id ORDER BY campus_id) FROM made",
				  2, argtypes);
	return inserted_ids(plan, args);
}

typedef struct ScenarioArgs
{
	int32		players;
	int32		campuses;
	int64		seed;
	Tournament	settings;
} ScenarioArgs;

/* options: as for create_tournament (-1: the 0.1 function) */
static void
check_scenario_args(FunctionCallInfo fcinfo, int options, ScenarioArgs *a)
{
	const FormatRoutine *format;

	api_require_arg(fcinfo, 0, "player_count");
	api_require_arg(fcinfo, 1, "format");
	api_require_arg(fcinfo, 3, "campus_count");
	api_require_arg(fcinfo, 5, "seed");
	if (options < 0)
		api_require_arg(fcinfo, 6, "third_place_playoff");
	a->players = PG_GETARG_INT32(0);
	format = api_parse_format(PG_GETARG_TEXT_PP(1));
	a->campuses = PG_GETARG_INT32(3);
	a->seed = PG_GETARG_INT64(5);
	if (a->players < 2 || a->players > TOURNEY_MAX_PLAYERS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("player_count must be between 2 and %d, not %d",
						TOURNEY_MAX_PLAYERS, a->players)));
	if (a->campuses < 0 || a->campuses > MAX_SCENARIO_CAMPUSES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("campus_count must be between 0 and %d, not %d",
						MAX_SCENARIO_CAMPUSES, a->campuses)));
	api_tournament_settings(fcinfo, format, 2, 6, options, &a->settings);
	a->settings.higher_wins = true;
}

static void
add_timing(StringInfo timings, const char *phase, instr_time *clock)
{
	double		ms = tourney_elapsed_ms(*clock);

	appendStringInfo(timings, "%s\"%s\": %.3f", timings->len > 1 ? ", " : "", phase, ms);
	INSTR_TIME_SET_CURRENT(*clock);
}

static Datum
run_scenario(FunctionCallInfo fcinfo, int options)
{
	ScenarioArgs a;
	StringInfoData timings;
	StringInfoData out;
	instr_time	clock;
	instr_time	total;
	int64	   *players;
	int64	   *campuses = NULL;
	int64		tournament_id;
	GenerationTimings gen;
	pg_uuid_t  *task_id;
	int64		simulated = 0;
	int64		ranked = 0;
	int			async;
	bool		queued;

	check_scenario_args(fcinfo, options, &a);
	async = PG_ARGISNULL(4) ? -1 : PG_GETARG_BOOL(4);
	initStringInfo(&timings);
	appendStringInfoChar(&timings, '{');
	INSTR_TIME_SET_CURRENT(clock);
	total = clock;

	api_begin(API_RECOVER | API_BULK);
	players = create_players(a.players, a.seed);
	if (a.campuses > 0)
		campuses = create_campuses(a.campuses, players[0]);
	add_timing(&timings, "create_players", &clock);

	a.settings.campus_ids = campuses;
	a.settings.ncampuses = a.campuses;
	tournament_id = tournament_create(&a.settings,
									  psprintf("scenario: %d players, %s", a.players,
											   a.settings.format->name), 0);
	add_timing(&timings, "create_tournament", &clock);
	api_enroll(tournament_id, players, NULL, NULL, a.players);
	add_timing(&timings, "enroll", &clock);
	memset(&gen, 0, sizeof(gen));
	task_id = api_generate(tournament_id, async, &gen, &queued);
	add_timing(&timings, queued ? "queue" : "generate", &clock);
	if (!queued)
	{
		simulated = simulate_tournament(tournament_id, a.seed);
		add_timing(&timings, "simulate", &clock);
		ranked = rankings_calculate(tournament_id);
		add_timing(&timings, "rank", &clock);
		tournament_complete(tournament_id);
		add_timing(&timings, "complete", &clock);
	}
	appendStringInfo(&timings, ", \"total\": %.3f}", tourney_elapsed_ms(total));
	api_end();

	initStringInfo(&out);
	appendStringInfo(&out,
					 "{\"tournament_id\": " INT64_FORMAT ", \"task_id\": \"%s\","
					 " \"format\": \"%s\", \"players\": %d, \"campuses\": %d,"
					 " \"async\": %s, \"sessions\": " INT64_FORMAT ","
					 " \"simulated\": " INT64_FORMAT ", \"rankings\": " INT64_FORMAT ","
					 " \"status\": \"%s\", \"task_status\": \"%s\", \"generation_ms\": %.3f,"
					 " \"db_write_ms\": %.3f, \"timings_ms\": %s}",
					 tournament_id,
					 DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(task_id))),
					 a.settings.format->name, a.players, a.campuses,
					 queued ? "true" : "false", gen.session_count, simulated, ranked,
					 queued ? "draft" : "completed", queued ? "queued" : "done",
					 gen.generation_ms, gen.db_write_ms, timings.data);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data));
}

/* 0.2: (..., third_place_playoff, grand_final, group_count, advance_per_group, group_tiebreak) */
Datum
tourney_run_scenario_0_2(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(run_scenario(fcinfo, 7));
}

/* tourney 0.1's run_scenario(player_count, ..., third_place_playoff) */
Datum
tourney_run_scenario(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(run_scenario(fcinfo, -1));
}
