/*
 * generate.c: generation.  Everything that can refuse a generation is
 * checked before anything is written (and before a task is queued); then
 * the format's plan streams through a WaveWriter, which spreads each
 * wave's sessions over the tournament's campuses, into the plan writer
 * (storage), and the tournament moves to in_progress.  The synchronous
 * path and the background worker both call generate_sessions; neither
 * this file nor the format knows which.
 */
#include "tourney/lifecycle.h"

void		(*generate_progress_hook) (int64 tournament_id, const char *phase,
									   int64 done, int64 total) = NULL;

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
	args[0] = query_int8_array(t->campus_ids, t->ncampuses);
	query_prepare(&plan,
				  "SELECT u.ord::int, coalesce(c.capacity, 0)"
				  " FROM unnest($1) WITH ORDINALITY u(id, ord)"
				  " JOIN tourney.campuses c ON c.campus_id = u.id",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 0);
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

/* The campuses of a tournament, with their capacities, ready for spreading. */
void
generate_load_campuses(const Tournament *t, CampusSpread *campus)
{
	memset(campus, 0, sizeof(*campus));
	campus->ncampuses = t->ncampuses;
	campus->campus_ids = t->campus_ids;
	campus->capacities = campus_capacities(t);
}

static void
check_campus_room(const Tournament *t, CampusSpread *cs, const WaveCounts *counts)
{
	for (int32 w = 1; w <= counts->waves; w++)
		if (!campus_spread_wave(cs, w, counts->sessions[w]))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("campuses of tournament " INT64_FORMAT " cannot hold round %d",
							t->id, w),
					 errdetail("Round %d has " INT64_FORMAT " sessions for %d campuses.",
							   w, counts->sessions[w], cs->ncampuses),
					 errhint("Raise the campuses' capacity or add campuses.")));
}

/*
 * The format's counts for this many players and the campuses that will
 * hold them, or an error: what generate_sessions checks before it writes.
 */
void
generate_check(const Tournament *t, int32 players, WaveCounts *counts,
			   CampusSpread *campus)
{
	memset(counts, 0, sizeof(*counts));
	t->format->count_waves(t, players, counts);
	if (counts->total > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("tournament " INT64_FORMAT " would have " INT64_FORMAT " sessions",
						t->id, counts->total),
				 errdetail("At most %d sessions fit in one tournament.", PG_INT32_MAX)));
	generate_load_campuses(t, campus);
	if (t->ncampuses > 0)
		check_campus_room(t, campus, counts);
}

/*
 * Sessions of a plan on their way to the plan writer: each wave's are
 * spread over the campuses as they pass (the plan gives a wave's sessions
 * together), and the progress hook hears of every batch written.
 * Generation and the sessions written after results (rounds.c) both write
 * through one.
 */
struct WaveWriter
{
	PlanSink	base;
	PlanWriter *writer;
	PlanSink   *out;
	CampusSpread *campus;
	const WaveCounts *counts;
	Tournament *t;
	int64		tournament_id;
	int64		first_id;		/* of the sessions written */
	int64		last_id;
	int64		planned;		/* sessions the plan writes */
	int64		reported;		/* sessions written at the last progress report */
	int32		wave;			/* wave of the last session */
	int64		index_in_wave;
};

static void
wave_writer_session(PlanSink *base, const PlannedSession *s)
{
	WaveWriter *w = (WaveWriter *) base;
	PlannedSession placed = *s;
	int64		written;

	if (s->wave != w->wave)
	{
		if (s->wave < 1 || s->wave > w->counts->waves)
			elog(ERROR, "session " INT64_FORMAT " is in wave %d of %d", s->session_id,
				 s->wave, w->counts->waves);
		w->wave = s->wave;
		w->index_in_wave = 0;
		if (w->campus->ncampuses > 0 &&
			!campus_spread_wave(w->campus, s->wave, w->counts->sessions[s->wave]))
			elog(ERROR, "campus spread of wave %d changed after it was checked", s->wave);
	}
	if (w->campus->ncampuses > 0)
		placed.campus_id = campus_for_session(w->campus, w->index_in_wave);
	w->index_in_wave++;
	w->first_id = Min(w->first_id, s->session_id);
	w->last_id = Max(w->last_id, s->session_id);
	w->out->session(w->out, &placed);
	written = plan_writer_sessions_written(w->writer);
	if (generate_progress_hook != NULL && written != w->reported)
	{
		w->reported = written;
		generate_progress_hook(w->tournament_id, "writing", written, w->planned);
	}
}

static void
wave_writer_participant(PlanSink *base, const PlannedParticipant *p)
{
	WaveWriter *w = (WaveWriter *) base;

	w->out->participant(w->out, p);
}

static void
wave_writer_bye(PlanSink *base, int32 round, int64 player_id)
{
	WaveWriter *w = (WaveWriter *) base;

	w->out->bye(w->out, round, player_id);
}

/* Counts for writing the sessions of later waves: all zero, all planned. */
void
wave_counts_init(WaveCounts *counts, int32 waves)
{
	memset(counts, 0, sizeof(*counts));
	counts->waves = waves;
	counts->planned_waves = waves;
	counts->sessions = palloc0(sizeof(int64) * (waves + 1));
}

/* A writer of the planned waves of counts (checked by generate_check). */
WaveWriter *
wave_writer_begin(Tournament *t, const WaveCounts *counts, CampusSpread *campus)
{
	WaveWriter *w = palloc0(sizeof(WaveWriter));

	w->base.session = wave_writer_session;
	w->base.participant = wave_writer_participant;
	w->base.bye = wave_writer_bye;
	w->writer = plan_writer_begin(t->id);
	w->out = plan_writer_sink(w->writer);
	w->campus = campus;
	w->counts = counts;
	w->t = t;
	w->tournament_id = t->id;
	w->first_id = PG_INT64_MAX;
	for (int32 wave = 1; wave <= counts->planned_waves; wave++)
		w->planned += counts->sessions[wave];
	return w;
}

PlanSink *
wave_writer_sink(WaveWriter *w)
{
	return &w->base;
}

/* Sessions the planned waves hold: the ids to mint for them. */
int64
wave_writer_planned(const WaveWriter *w)
{
	return w->planned;
}

/*
 * Write what is left; then, of what was written after results, settle the
 * sessions of withdrawn players and place the rest in the schedule.
 */
void
wave_writer_end(WaveWriter *w, GenerationTimings *timings)
{
	plan_writer_end(w->writer, timings);
	progress_add(w->t, 0, timings->session_count, 0);
	walkovers_settle_written(w->t, w->first_id, w->last_id);
	schedule_written(w->t, w->first_id, w->last_id);
}

/*
 * Write every session known at this point of a locked draft tournament
 * and move it to in_progress.
 */
void
generate_sessions(Tournament *t, GenerationTimings *timings)
{
	static SPIPlanPtr plan_status = NULL;
	Oid			argtypes[2] = {INT8OID, INT4OID};
	Datum		args[2];
	instr_time	start;
	SeededPlayer *seeded;
	int32		players;
	WaveCounts counts;
	CampusSpread campus;
	WaveWriter *writer;
	int64		first_id;

	INSTR_TIME_SET_CURRENT(start);
	if (generate_progress_hook != NULL)
		generate_progress_hook(t->id, "reading", 0, 0);
	seeded = field_seeded_players(t->id, &players);
	generate_check(t, players, &counts, &campus);
	t->number_of_rounds = counts.number_of_rounds;
	if (t->format->has_pools)
		field_write_pools(t, seeded, players);

	/* one block of ids for the planned sessions */
	writer = wave_writer_begin(t, &counts, &campus);
	first_id = id_mint("session_id_seq", Max(writer->planned, 1));
	t->format->plan(t, players, first_id, seeded, wave_writer_sink(writer));
	wave_writer_end(writer, timings);

	args[0] = Int64GetDatum(t->id);
	args[1] = Int32GetDatum(t->number_of_rounds);
	query_prepare(&plan_status,
				  "UPDATE tourney.tournaments SET status = 'in_progress',"
				  " sessions_generated_at = now(),"
				  " number_of_rounds = CASE WHEN $2 > 0 THEN $2 END"
				  " WHERE tournament_id = $1",
				  2, argtypes);
	query_exec(plan_status, args, NULL, false, 0);
	/* groups drawn, or a bye in the first round: the standings move */
	if (t->format->has_pools || t->format->has_byes)
		(void) tally_rebuild(t);
	timings->generation_ms = tourney_elapsed_ms(start) - timings->db_write_ms;
}
