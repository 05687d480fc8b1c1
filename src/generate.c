/*
 * generate.c: generate_sessions.  Validates and locks the tournament, asks
 * the format for its plan and streams the plan into one bulk statement per
 * table and batch.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(tourney_generate_sessions);

void		(*generation_progress_hook) (int64 tournament_id, const char *phase,
										 int64 done, int64 total) = NULL;

const Oid	participant_columns[3] = {INT8OID, INT2OID, INT8OID};

static const Oid session_columns[9] = {INT8OID, TEXTOID, INT4OID, INT4OID, INT8OID,
INT8OID, INT2OID, INT8OID, INT2OID};

/* Per-round session counts of a tournament about to be generated. */
typedef struct RoundCounts
{
	int32		rounds;
	int64	   *sessions;		/* [1..rounds], all stages of the round */
	int64		total;
} RoundCounts;

typedef struct GenerationSink
{
	PlanSink	base;
	ArrayBatch	sessions;
	ArrayBatch	participants;
	CampusSpread campus;
	const RoundCounts *counts;
	int64		tournament_id;
	int64		reported;		/* sessions written at the last progress report */
	int32		round;			/* round of the last session written */
	int64		index_in_round;
} GenerationSink;

static void
sink_session(PlanSink *base, const PlannedSession *s)
{
	GenerationSink *g = (GenerationSink *) base;
	Datum		values[9];
	bool		nulls[9] = {false};

	if (s->round != g->round)
	{
		g->round = s->round;
		g->index_in_round = 0;
		if (g->campus.ncampuses > 0 &&
			!campus_spread_round(&g->campus, s->round, g->counts->sessions[s->round]))
			elog(ERROR, "campus spread of round %d changed after it was checked", s->round);
	}
	values[0] = Int64GetDatum(s->session_id);
	values[1] = CStringGetTextDatum(s->third_place ? "third_place" : "main");
	values[2] = Int32GetDatum(s->round);
	values[3] = Int32GetDatum(s->match_number);
	nulls[4] = g->campus.ncampuses == 0;
	if (!nulls[4])
		values[4] = Int64GetDatum(campus_for_session(&g->campus, g->index_in_round));
	values[5] = Int64GetDatum(s->next_session_id);
	nulls[5] = s->next_session_id == 0;
	values[6] = Int16GetDatum(s->next_slot);
	nulls[6] = s->next_session_id == 0;
	values[7] = Int64GetDatum(s->loser_next_session_id);
	nulls[7] = s->loser_next_session_id == 0;
	values[8] = Int16GetDatum(s->loser_next_slot);
	nulls[8] = s->loser_next_session_id == 0;
	g->index_in_round++;
	array_batch_add(&g->sessions, values, nulls);
	if (generation_progress_hook != NULL && g->sessions.rows_written != g->reported)
	{
		g->reported = g->sessions.rows_written;
		generation_progress_hook(g->tournament_id, "writing", g->reported, g->counts->total);
	}
}

static void
sink_participant(PlanSink *base, const PlannedParticipant *p)
{
	GenerationSink *g = (GenerationSink *) base;
	Datum		values[3];

	values[0] = Int64GetDatum(p->session_id);
	values[1] = Int16GetDatum(p->slot);
	values[2] = Int64GetDatum(p->player_id);
	array_batch_add(&g->participants, values, NULL);
}

/* The INSERT that adds participants: at generation and when players advance. */
SPIPlanPtr
participants_insert_plan(void)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, INT8ARRAYOID, INT2ARRAYOID, INT8ARRAYOID};

	return tourney_plan(&plan,
						"INSERT INTO tourney.session_participants"
						" (tournament_id, session_id, slot, player_id)"
						" SELECT $1, * FROM unnest($2, $3, $4)",
						4, argtypes);
}

static SPIPlanPtr
sessions_insert_plan(void)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[10] = {INT8OID, INT8ARRAYOID, TEXTARRAYOID, INT4ARRAYOID,
		INT4ARRAYOID, INT8ARRAYOID, INT8ARRAYOID, INT2ARRAYOID, INT8ARRAYOID,
	INT2ARRAYOID};

	return tourney_plan(&plan,
						"INSERT INTO tourney.sessions (tournament_id, session_id, stage,"
						" round, match_number, campus_id, next_session_id, next_slot,"
						" loser_next_session_id, loser_next_slot)"
						" SELECT $1, * FROM unnest($2, $3, $4, $5, $6, $7, $8, $9, $10)",
						10, argtypes);
}

/* Capacities of the tournament's campuses, in campus_ids order; 0 = unlimited. */
static int32 *
campus_capacities(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8ARRAYOID};
	Datum		args[1];
	int32	   *capacities = palloc0(sizeof(int32) * Max(t->ncampuses, 1));

	if (t->ncampuses == 0)
		return capacities;
	args[0] = tourney_int8_array_datum(t->campus_ids, t->ncampuses);
	tourney_plan(&plan,
				 "SELECT u.ord::int, coalesce(c.capacity, 0)"
				 " FROM unnest($1) WITH ORDINALITY u(id, ord)"
				 " JOIN tourney.campuses c ON c.campus_id = u.id",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	if (SPI_processed != (uint64) t->ncampuses)
		elog(ERROR, "campuses of tournament " INT64_FORMAT " are missing", t->id);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		int32		ord = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));

		capacities[ord - 1] = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
	}
	return capacities;
}

/*
 * Sessions per round of the format, checked against the rules before
 * anything is written.
 */
static void
count_rounds(const Tournament *t, int32 players, KnockoutLayout *k, RoundCounts *counts)
{
	switch (t->format)
	{
		case FORMAT_KNOCKOUT:
			if (players < 2)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("cannot generate sessions: tournament " INT64_FORMAT " has %d enrolled players",
								t->id, players),
						 errdetail("A knockout needs at least 2 players.")));
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
			if (players < 1)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("cannot generate sessions: tournament " INT64_FORMAT " has no enrolled players",
								t->id)));
			counts->rounds = t->number_of_rounds;
			counts->sessions = palloc0(sizeof(int64) * (counts->rounds + 1));
			for (int32 r = 1; r <= counts->rounds; r++)
				counts->sessions[r] = players;
			counts->total = individual_total_sessions(players, counts->rounds);
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("generation of %s tournaments is not implemented yet",
							tourney_format_names[t->format])));
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
	memset(campus, 0, sizeof(*campus));
	campus->ncampuses = t->ncampuses;
	campus->campus_ids = t->campus_ids;
	campus->capacities = campus_capacities(t);
	if (t->ncampuses > 0)
		check_campus_room(t, campus, counts);
}

/*
 * Write every session of a locked draft tournament and move it to
 * in_progress.  Shared by the synchronous path and the background worker.
 */
void
generate_tournament_sessions(Tournament *t, GenerationTimings *timings)
{
	static SPIPlanPtr plan_status = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	instr_time	start;
	SeededPlayer *seeded;
	int32		players;
	KnockoutLayout layout;
	RoundCounts counts;
	GenerationSink sink;
	int64		first_id;

	INSTR_TIME_SET_CURRENT(start);
	if (generation_progress_hook != NULL)
		generation_progress_hook(t->id, "reading", 0, 0);
	seeded = tournament_seeded_players(t->id, &players);

	memset(&sink, 0, sizeof(sink));
	check_generation(t, players, &layout, &counts, &sink.campus);
	sink.base.session = sink_session;
	sink.base.participant = sink_participant;
	sink.counts = &counts;
	sink.tournament_id = t->id;

	first_id = tourney_mint_ids("session_id_seq", counts.total);
	array_batch_init(&sink.sessions, sessions_insert_plan(), t->id, 9, session_columns);
	array_batch_init(&sink.participants, participants_insert_plan(), t->id, 3,
					 participant_columns);
	if (t->format == FORMAT_KNOCKOUT)
		knockout_plan(&layout, first_id, seeded, &sink.base);
	else
		individual_plan(players, t->number_of_rounds, first_id, seeded, &sink.base);
	array_batch_end(&sink.sessions);
	array_batch_end(&sink.participants);

	tourney_plan(&plan_status,
				 "UPDATE tourney.tournaments SET status = 'in_progress',"
				 " sessions_generated_at = now() WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan_status, args, NULL, false, 0);

	timings->session_count = sink.sessions.rows_written;
	timings->db_write_ms = sink.sessions.write_ms + sink.participants.write_ms;
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
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	pg_uuid_t  *task_id;
	int32		players;

	generate_require_draft(t);
	tournament_require_no_task(t, "generate sessions");
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
	tasks_recover(true, true);
	task_id = generate_sessions_request(PG_GETARG_INT64(0),
										PG_ARGISNULL(1) ? -1 : PG_GETARG_BOOL(1),
										&timings, &queued);
	SPI_finish();
	PG_RETURN_UUID_P(task_id);
}
