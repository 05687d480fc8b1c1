/*
 * tournaments.c: create_tournament (and create_tournament_with_id), enroll,
 * generate_sessions and complete_tournament.  generate_sessions makes the
 * sync/async choice: a generation runs in the caller's transaction, or is
 * queued for a background worker that starts once the caller has
 * committed.
 */
#include "tourney/api.h"

#include "utils/builtins.h"

static int64 api_given_tournament_id(FunctionCallInfo fcinfo, int argno);

PG_FUNCTION_INFO_V1(tourney_create_tournament);
PG_FUNCTION_INFO_V1(tourney_create_tournament_0_2);
PG_FUNCTION_INFO_V1(tourney_create_tournament_with_id);
PG_FUNCTION_INFO_V1(tourney_enroll);
PG_FUNCTION_INFO_V1(tourney_generate_sessions);
PG_FUNCTION_INFO_V1(tourney_complete_tournament);

/*
 * create_tournament: 0.2 (options = 7: grand_final, group_count,
 * advance_per_group, group_tiebreak) and 0.1 (options = -1, and
 * third_place_playoff not null); with base = 1, create_tournament_with_id,
 * whose arguments are those of 0.2 after the id.
 */
static int64
create_tournament(FunctionCallInfo fcinfo, int options, int base)
{
	Tournament	settings;
	const FormatRoutine *format;
	int			scoring;
	int64		id;

	api_require_arg(fcinfo, base, "name");
	api_require_arg(fcinfo, base + 1, "format");
	api_require_arg(fcinfo, base + 2, "scoring_type");
	if (options < 0)
		api_require_arg(fcinfo, base + 5, "third_place_playoff");
	api_require_arg(fcinfo, base + 6, "campus_ids");

	format = api_parse_format(PG_GETARG_TEXT_PP(base + 1));
	scoring = api_parse_enum(PG_GETARG_TEXT_PP(base + 2), tourney_scoring_names, "scoring type");
	api_tournament_settings(fcinfo, format, base + 4, base + 5,
							options < 0 ? options : base + options, &settings);
	if (PG_ARGISNULL(base + 3))
		settings.higher_wins = strcmp(tourney_scoring_names[scoring], "time_based") != 0;
	else
	{
		const char *const directions[] = {"asc", "desc", NULL};

		settings.higher_wins = api_parse_enum(PG_GETARG_TEXT_PP(base + 3), directions,
											  "ranking direction") == 1;
	}
	settings.campus_ids = query_int8_values(PG_GETARG_ARRAYTYPE_P(base + 6), "campus_ids",
											&settings.ncampuses);
	if (base > 0)
		settings.id = api_given_tournament_id(fcinfo, 0);

	api_begin(API_RECOVER);
	id = tournament_create(&settings, text_to_cstring(PG_GETARG_TEXT_PP(base)), scoring);
	api_end();
	return id;
}

Datum
tourney_create_tournament_0_2(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(create_tournament(fcinfo, 7, 0));
}

/* tourney 0.1's create_tournament(name, format, ..., campus_ids) */
Datum
tourney_create_tournament(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(create_tournament(fcinfo, -1, 0));
}

/*
 * create_tournament_with_id: the id comes from the caller (a proxy that
 * routes by it), stamped with this node's id.
 */
Datum
tourney_create_tournament_with_id(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(create_tournament(fcinfo, 7, 1));
}

/*
 * An id given for a new tournament: positive, minted for this node (its
 * node stamp is tourney.node_id), and in the proxy's range of local
 * parts, where this node's own create_tournament never goes.
 */
static int64
api_given_tournament_id(FunctionCallInfo fcinfo, int argno)
{
	int64		id;

	api_require_arg(fcinfo, argno, "tournament_id");
	id = PG_GETARG_INT64(argno);
	if (id <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tournament_id must be positive")));
	if ((id >> ID_NODE_SHIFT) != tourney_node_id)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tournament_id " INT64_FORMAT " is stamped for node " INT64_FORMAT
						", and this is node %d", id, id >> ID_NODE_SHIFT, tourney_node_id),
				 errhint("A tournament lives on the node its id names: route the call by it.")));
	if ((id & ID_LOCAL_MASK) < ID_PROXY_TOURNAMENT_FIRST)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tournament_id " INT64_FORMAT " has the local part " INT64_FORMAT
						", below the proxy's range", id, id & ID_LOCAL_MASK),
				 errdetail("Local parts below " INT64_FORMAT " are this node's own create_tournament's.",
						   ID_PROXY_TOURNAMENT_FIRST)));
	return id;
}

/* Enrolment in a tournament that no generation is working on. */
int32
api_enroll(int64 tournament_id, const int64 *player_ids, const int32 *seeds,
		   const bool *seed_nulls, int n)
{
	Tournament *t = tasks_lock_idle(tournament_id, "enroll players");

	return field_enroll(t, player_ids, seeds, seed_nulls, n);
}

Datum
tourney_enroll(PG_FUNCTION_ARGS)
{
	int64	   *player_ids;
	int32	   *seeds = NULL;
	bool	   *seed_nulls = NULL;
	int			n;
	int32		enrolled;

	api_require_arg(fcinfo, 0, "tournament_id");
	api_require_arg(fcinfo, 1, "player_ids");
	player_ids = query_int8_values(PG_GETARG_ARRAYTYPE_P(1), "player_ids", &n);
	if (!PG_ARGISNULL(2))
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(2);
		Datum	   *values;
		int			nseeds;

		if (ARR_NDIM(a) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("seeds must be a one-dimensional array")));
		deconstruct_array(a, INT4OID, 4, true, TYPALIGN_INT, &values, &seed_nulls, &nseeds);
		if (nseeds != n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("seeds has %d elements but player_ids has %d", nseeds, n),
					 errhint("Give one seed (or NULL) per player.")));
		seeds = palloc(sizeof(int32) * Max(n, 1));
		for (int i = 0; i < n; i++)
			seeds[i] = DatumGetInt32(values[i]);
	}

	api_begin(API_RECOVER | API_BULK);
	enrolled = api_enroll(PG_GETARG_INT64(0), player_ids, seeds, seed_nulls, n);
	api_end();
	PG_RETURN_INT32(enrolled);
}

/*
 * Validate, lock and queue: the worker starts once this transaction has
 * committed.  When no worker process can be had the task stays queued and
 * recovery starts it later.
 */
static pg_uuid_t *
queue_generation(Tournament *t, int32 players)
{
	pg_uuid_t  *task_id = SPI_palloc(sizeof(pg_uuid_t));
	WaveCounts	counts;
	CampusSpread campus;

	generate_check(t, players, &counts, &campus);
	id_mint_uuid(task_id);
	task_enqueue(t->id, task_id);
	if (!dispatch_task(task_id, MyDatabaseId, GetSessionUserId()))
		ereport(NOTICE,
				(errmsg("no background worker slot is free: the generation of tournament " INT64_FORMAT " stays queued",
						t->id),
				 errdetail("It starts when a slot frees up (see max_worker_processes).")));
	return task_id;
}

/*
 * The generation of generate_sessions and run_scenario: async NULL (-1)
 * picks the background worker from tourney.async_threshold players on.
 */
pg_uuid_t *
api_generate(int64 tournament_id, int async, GenerationTimings *timings, bool *queued)
{
	Tournament *t = tasks_lock_idle(tournament_id, "generate sessions");
	pg_uuid_t  *task_id;
	int32		players;

	generate_require_draft(t);
	players = field_count(tournament_id);
	*queued = async < 0 ? players >= tourney_async_threshold : async > 0;
	if (*queued)
		return queue_generation(t, players);

	generate_sessions(t, timings);
	task_id = SPI_palloc(sizeof(pg_uuid_t));
	id_mint_uuid(task_id);
	task_record_done(tournament_id, task_id, timings);
	return task_id;
}

Datum
tourney_generate_sessions(PG_FUNCTION_ARGS)
{
	GenerationTimings timings;
	pg_uuid_t  *task_id;
	bool		queued;

	api_require_arg(fcinfo, 0, "tournament_id");
	api_begin(API_RECOVER | API_BULK);
	task_id = api_generate(PG_GETARG_INT64(0), PG_ARGISNULL(1) ? -1 : PG_GETARG_BOOL(1),
						   &timings, &queued);
	api_end();
	PG_RETURN_UUID_P(task_id);
}

Datum
tourney_complete_tournament(PG_FUNCTION_ARGS)
{
	api_require_arg(fcinfo, 0, "tournament_id");
	api_begin(API_RECOVER);
	tournament_complete(PG_GETARG_INT64(0));
	api_end();
	PG_RETURN_VOID();
}
