/*
 * generate.c: generate_sessions.  Validates and locks the tournament, asks
 * the format for its plan and streams the plan into the tables in batches
 * (store.c, tablewrite.c).
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(tourney_generate_sessions);

/* Rounds of a Swiss tournament: as set, else ceil(log2 N). */
int32
swiss_rounds(const Tournament *t, int32 players)
{
	int32		rounds = 0;

	if (t->number_of_rounds > 0)
		return t->number_of_rounds;
	while (((int64) 1 << rounds) < players)
		rounds++;
	return Max(rounds, 1);
}

static void
require_players(const Tournament *t, int32 players, int32 minimum)
{
	if (players < minimum)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot generate sessions: tournament " INT64_FORMAT " has %d enrolled players",
						t->id, players),
				 errdetail("A %s tournament needs at least %d players.",
						   tourney_format_names[t->format], minimum)));
}

/* Every round has the same number of sessions. */
static void
count_even_rounds(RoundCounts *counts, int32 rounds, int64 per_round)
{
	counts->rounds = rounds;
	counts->sessions = palloc0(sizeof(int64) * (rounds + 1));
	for (int32 r = 1; r <= rounds; r++)
		counts->sessions[r] = per_round;
	counts->total = per_round * rounds;
}

/*
 * Sessions per round of the format, checked against the rules before
 * anything is written.  For Swiss only round 1 is generated; later rounds
 * are counted for the campus check.
 */
static void
count_rounds(const Tournament *t, int32 players, KnockoutLayout *k, RoundCounts *counts)
{
	int32		swiss_max;

	switch (t->format)
	{
		case FORMAT_KNOCKOUT:
			require_players(t, players, 2);
			knockout_layout(k, players, t->third_place);
			counts->rounds = k->rounds;
			counts->sessions = palloc0(sizeof(int64) * (k->rounds + 1));
			for (int32 r = 1; r <= k->rounds; r++)
				counts->sessions[r] = knockout_round_sessions(k, r);
			if (k->third_place)
				counts->sessions[k->rounds]++;
			counts->total = k->total_sessions;
			break;
		case FORMAT_INDIVIDUAL_RANKING:
			require_players(t, players, 1);
			count_even_rounds(counts, t->number_of_rounds, players);
			break;
		case FORMAT_ROUND_ROBIN:
			require_players(t, players, 2);
			count_even_rounds(counts, round_robin_rounds(players, t->number_of_rounds),
							  round_robin_round_sessions(players));
			break;
		case FORMAT_SWISS:
			require_players(t, players, 2);
			swiss_max = players - 1 + (players & 1);
			if (swiss_rounds(t, players) > swiss_max)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("cannot generate sessions: %d Swiss rounds need more than %d players",
								swiss_rounds(t, players), players),
						 errdetail("%d players can play at most %d rounds without a rematch.",
								   players, swiss_max)));
			count_even_rounds(counts, swiss_rounds(t, players), players / 2);
			break;
	}
	if (counts->total > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("tournament " INT64_FORMAT " would have " INT64_FORMAT " sessions",
						t->id, counts->total),
				 errdetail("At most %d sessions fit in one tournament.", PG_INT32_MAX)));
}

static void
check_campus_room(const Tournament *t, CampusSpread *cs, const RoundCounts *counts)
{
	for (int32 r = 1; r <= counts->rounds; r++)
		if (!campus_spread_round(cs, r, counts->sessions[r]))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("campuses of tournament " INT64_FORMAT " cannot hold round %d",
							t->id, r),
					 errdetail("Round %d has " INT64_FORMAT " sessions for %d campuses.",
							   r, counts->sessions[r], cs->ncampuses),
					 errhint("Raise the campuses' capacity or add campuses.")));
}

/*
 * Everything that can refuse a generation, checked before anything is
 * written (and before a task is queued).
 */
static void
check_generation(const Tournament *t, int32 players, KnockoutLayout *layout,
				 RoundCounts *counts, CampusSpread *campus)
{
	count_rounds(t, players, layout, counts);
	campus_spread_load(t, campus);
	if (t->ncampuses > 0)
		check_campus_room(t, campus, counts);
}

/* Sessions written at generation: all of them, but Swiss round 1 only. */
static int64
sessions_at_generation(const Tournament *t, const RoundCounts *counts)
{
	return t->format == FORMAT_SWISS ? counts->sessions[1] : counts->total;
}

static void
plan_format(const Tournament *t, const KnockoutLayout *layout, int32 players,
			int64 first_id, const SeededPlayer *seeded, PlanSink *sink)
{
	switch (t->format)
	{
		case FORMAT_KNOCKOUT:
			knockout_plan(layout, first_id, seeded, sink);
			break;
		case FORMAT_INDIVIDUAL_RANKING:
			individual_plan(players, t->number_of_rounds, first_id, seeded, sink);
			break;
		case FORMAT_ROUND_ROBIN:
			round_robin_plan(players, t->number_of_rounds, first_id, seeded, sink);
			break;
		case FORMAT_SWISS:
			swiss_plan_round_one(players, first_id, seeded, sink);
			break;
	}
}

/*
 * Write every session of a locked draft tournament and move it to
 * in_progress.  Shared by the synchronous path and the background worker.
 */
void
generate_tournament_sessions(Tournament *t, GenerationTimings *timings)
{
	static SPIPlanPtr plan_status = NULL;
	Oid			argtypes[2] = {INT8OID, INT4OID};
	Datum		args[2];
	instr_time	start;
	SeededPlayer *seeded;
	int32		players;
	KnockoutLayout layout;
	RoundCounts counts;
	CampusSpread campus;
	PlanWriter *writer;
	int64		sessions;

	INSTR_TIME_SET_CURRENT(start);
	if (generation_progress_hook != NULL)
		generation_progress_hook(t->id, "reading", 0, 0);
	seeded = tournament_seeded_players(t->id, &players);
	check_generation(t, players, &layout, &counts, &campus);
	if (t->format == FORMAT_SWISS)
		t->number_of_rounds = counts.rounds;

	sessions = sessions_at_generation(t, &counts);
	writer = plan_writer_begin(t, &counts, &campus);
	plan_format(t, &layout, players, tourney_mint_ids("session_id_seq", Max(sessions, 1)),
				seeded, plan_writer_sink(writer));
	plan_writer_end(writer, timings);

	args[0] = Int64GetDatum(t->id);
	args[1] = Int32GetDatum(t->number_of_rounds);
	tourney_plan(&plan_status,
				 "UPDATE tourney.tournaments SET status = 'in_progress',"
				 " sessions_generated_at = now(),"
				 " number_of_rounds = CASE WHEN $2 > 0 THEN $2 END"
				 " WHERE tournament_id = $1",
				 2, argtypes);
	tourney_exec(plan_status, args, NULL, false, 0);
	timings->generation_ms = tourney_elapsed_ms(start) - timings->db_write_ms;
}

/* Refuse a tournament that is not a draft, naming an earlier generation. */
void
generate_require_draft(const Tournament *t)
{
	if (t->generated)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("tournament " INT64_FORMAT ": sessions already generated at %s",
						t->id, t->generated_at),
				 errdetail("A tournament's sessions are generated once.")));
	tournament_require_state(t, STATUS_DRAFT, "generate sessions");
}

static int32
enrolled_count(int64 tournament_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	bool		isnull;

	tourney_plan(&plan,
				 "SELECT count(*)::int FROM tourney.enrollments WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 1);
	return DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Validate, lock and queue: the worker starts once this transaction has
 * committed.  When no worker process can be had the task stays queued and
 * recovery starts it later.
 */
static pg_uuid_t *
generate_sessions_async(Tournament *t, int32 players)
{
	pg_uuid_t  *task_id = SPI_palloc(sizeof(pg_uuid_t));
	KnockoutLayout layout;
	RoundCounts counts;
	CampusSpread campus;

	check_generation(t, players, &layout, &counts, &campus);
	tourney_mint_uuid(task_id);
	task_enqueue(t->id, task_id);
	if (!task_dispatch(task_id, MyDatabaseId, GetSessionUserId()))
		ereport(NOTICE,
				(errmsg("no background worker slot is free: the generation of tournament " INT64_FORMAT " stays queued",
						t->id),
				 errdetail("It starts when a slot frees up (see max_worker_processes).")));
	return task_id;
}

/*
 * The entry point shared by generate_sessions and run_scenario: async NULL
 * picks the background worker from tourney.async_threshold players on.
 */
pg_uuid_t *
generate_sessions_request(int64 tournament_id, int async, GenerationTimings *timings,
						  bool *queued)
{
	Tournament *t = tournament_lock_idle(tournament_id, "generate sessions");
	pg_uuid_t  *task_id;
	int32		players;

	generate_require_draft(t);
	players = enrolled_count(tournament_id);
	*queued = async < 0 ? players >= tourney_async_threshold : async > 0;
	if (*queued)
		return generate_sessions_async(t, players);

	generate_tournament_sessions(t, timings);
	task_id = SPI_palloc(sizeof(pg_uuid_t));
	tourney_mint_uuid(task_id);
	task_record_done(tournament_id, task_id, timings);
	return task_id;
}

Datum
tourney_generate_sessions(PG_FUNCTION_ARGS)
{
	GenerationTimings timings;
	pg_uuid_t  *task_id;
	bool		queued;

	tourney_require_arg(fcinfo, 0, "tournament_id");
	SPI_connect();
	tasks_recover_if_needed();
	tourney_bulk_settings();
	task_id = generate_sessions_request(PG_GETARG_INT64(0),
										PG_ARGISNULL(1) ? -1 : PG_GETARG_BOOL(1),
										&timings, &queued);
	SPI_finish();
	PG_RETURN_UUID_P(task_id);
}
