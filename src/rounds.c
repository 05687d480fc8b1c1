/*
 * rounds.c: the sessions written after generation (FormatRoutine.later),
 * in the transaction of the result that completes what they depend on,
 * and removed again by a correction that undoes it:
 *
 * - paired rounds (Swiss): each round is paired from the results of the
 *   ones before when its last result arrives (pairing.c);
 * - the knockout stage (groups_knockout): written from the group tables
 *   when the last group result arrives;
 * - the reset (double elimination, grand_final double): written when the
 *   losers' champion wins the grand final.
 *
 * Where a Swiss round or a group stage writes after a result, a result
 * that may complete the round or stage first waits for the other results
 * on the way (completion.c), so two last results cannot both miss (or
 * both make) what they complete; a reset is written by the one result of
 * the grand final, under that session's row lock.
 */
#include "tourney/lifecycle.h"

#include "utils/builtins.h"

/* Sessions of a stage: (count, with a result, without one). */
static void
stage_sessions(const Tournament *t, TourneyStage stage, int64 *all, int64 *open)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, TEXTOID};
	Datum		args[2] = {Int64GetDatum(t->id), CStringGetTextDatum(tourney_stage_names[stage])};
	bool		isnull;

	query_prepare(&plan,
				  "SELECT count(*), count(*) FILTER (WHERE NOT result_submitted)"
				  " FROM tourney.sessions WHERE tournament_id = $1 AND stage = $2",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 1);
	*all = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	*open = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
}

static bool
stage_written(const Tournament *t, TourneyStage stage)
{
	int64		all;
	int64		open;

	stage_sessions(t, stage, &all, &open);
	return all > 0;
}

/* Gathering the k best of each group, pool-major. */
typedef struct Qualifiers
{
	int32		advance;
	PoolPlace  *places;
	int32		count;
} Qualifiers;

static void
gather_qualifiers(PoolTable *pt, void *arg)
{
	Qualifiers *q = arg;

	for (int32 i = 0; i < pt->nmembers; i++)
	{
		const PoolMember *m = &pt->members[i];
		PoolPlace  *p;

		if (m->place > q->advance)
			continue;
		p = &q->places[(pt->pool - 1) * q->advance + m->place - 1];
		p->player_id = m->player_id;
		p->pool = pt->pool;
		p->place = m->place;
		p->points = m->points;
		p->difference = DatumGetNumericCopy(NumericGetDatum(m->difference));
		p->score_for = DatumGetNumericCopy(NumericGetDatum(m->score_for));
		q->count++;
	}
}

/*
 * Once every group result is in: the knockout of the qualifiers, seeded
 * by the format from the group tables, after the group stage's waves.
 */
static bool
knockout_after_groups(Tournament *t)
{
	int64		all;
	int64		open;
	Qualifiers	q;
	PoolPlace **by_pool;
	int32	   *seeds;
	SeededPlayer *seeded;
	KnockoutLayout k;
	WaveCounts	full;
	WaveCounts	counts;
	CampusSpread campus;
	WaveWriter *writer;
	GenerationTimings timings;
	int32		groups_waves;

	stage_sessions(t, STAGE_GROUP, &all, &open);
	if (all == 0 || open > 0 || stage_written(t, STAGE_MAIN))
		return false;
	q.advance = t->advance_per_group;
	q.count = 0;
	q.places = palloc0(sizeof(PoolPlace) * t->group_count * t->advance_per_group);
	pools_scan(t, false, gather_qualifiers, &q);
	if (q.count != t->group_count * t->advance_per_group)
		elog(ERROR, "tournament " INT64_FORMAT " has %d qualifiers, not %d", t->id,
			 q.count, t->group_count * t->advance_per_group);
	by_pool = palloc(sizeof(PoolPlace *) * q.count);
	seeds = palloc(sizeof(int32) * q.count);
	seeded = palloc0(sizeof(SeededPlayer) * q.count);
	for (int32 i = 0; i < q.count; i++)
		by_pool[i] = &q.places[i];
	groups_qualifier_order(t, by_pool, q.count, seeds);
	for (int32 i = 0; i < q.count; i++)
		seeded[seeds[i] - 1].player_id = q.places[i].player_id;

	generate_check(t, field_count(t->id), &full, &campus);
	groups_waves = full.planned_waves;
	wave_counts_init(&counts, full.waves);
	for (int32 w = groups_waves + 1; w <= full.waves; w++)
		counts.sessions[w] = full.sessions[w];
	knockout_layout(&k, q.count, t->third_place);
	writer = wave_writer_begin(t, &counts, &campus);
	knockout_plan_bracket(&k, groups_waves + 1,
						  id_mint("session_id_seq", wave_writer_planned(writer)),
						  seeded, wave_writer_sink(writer));
	wave_writer_end(writer, &timings);
	(void) tally_rebuild(t);	/* the qualifiers now rank by the knockout's ladder */
	return true;
}

/* The grand final's players if the losers' champion (slot 2) won it. */
static bool
final_won_from_losers(const Tournament *t, int64 *players)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	bool		isnull;

	query_prepare(&plan,
				  "SELECT p.player_id FROM tourney.sessions s JOIN tourney.session_participants p"
				  " ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id"
				  " WHERE s.tournament_id = $1 AND s.stage = 'grand_final' AND s.result_submitted"
				  " AND EXISTS (SELECT FROM tourney.session_participants w"
				  "  WHERE w.tournament_id = s.tournament_id AND w.session_id = s.session_id"
				  "  AND w.slot = 2 AND w.player_id = s.winner_id)"
				  " ORDER BY p.slot",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 2);
	if (SPI_processed != 2)
		return false;
	for (int i = 0; i < 2; i++)
		players[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1,
												 &isnull));
	return true;
}

/* A grand final won by the losers' champion: both play again. */
static bool
reset_after_final(Tournament *t, const int64 *players)
{
	int32		count;
	KnockoutLayout k;
	WaveCounts	counts;
	CampusSpread campus;
	WaveWriter *writer;
	GenerationTimings timings;

	if (t->grand_final != GRAND_FINAL_DOUBLE || stage_written(t, STAGE_GRAND_FINAL_RESET))
		return false;
	count = field_count(t->id);
	knockout_layout(&k, count, false);
	wave_counts_init(&counts, 2 * k.rounds + 1);
	counts.sessions[counts.waves] = 1;
	generate_load_campuses(t, &campus);
	writer = wave_writer_begin(t, &counts, &campus);
	double_elimination_plan_reset(t, count, id_mint("session_id_seq", 1), players[0],
								  players[1], wave_writer_sink(writer));
	wave_writer_end(writer, &timings);
	return true;
}

/* After one result (ls, its winner's index or -1): what it completes. */
void
rounds_after_result(Tournament *t, const LockedSession *ls, int winner)
{
	switch (t->format->later)
	{
		case LATER_NONE:
			break;
		case LATER_PAIRED_ROUNDS:
			(void) pairing_after_round(t, ls->round);
			break;
		case LATER_KNOCKOUT_STAGE:
			if (ls->s.stage == STAGE_GROUP)
				(void) knockout_after_groups(t);
			break;
		case LATER_RESET:
			if (ls->s.stage == STAGE_GRAND_FINAL && winner == 1)
				(void) reset_after_final(t, ls->s.player_ids);
			break;
	}
}

/* After many results (simulate_results): whatever they completed; true if written. */
bool
rounds_after_results(Tournament *t)
{
	int64		players[2];

	switch (t->format->later)
	{
		case LATER_NONE:
			break;
		case LATER_PAIRED_ROUNDS:
			return pairing_after_results(t);
		case LATER_KNOCKOUT_STAGE:
			return knockout_after_groups(t);
		case LATER_RESET:
			return final_won_from_losers(t, players) && reset_after_final(t, players);
	}
	return false;
}

/*
 * A correction would change a result that later results depend on:
 * refused, naming how many, unless cascade.
 */
void
rounds_refuse_without_cascade(int64 session_id, Datum dependents)
{
	ArrayType  *a = DatumGetArrayTypeP(dependents);
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));

	if (n > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the result of session " INT64_FORMAT " has later results depending on it",
						session_id),
				 errdetail_plural("%d later session already has a result.",
								  "%d later sessions already have results.", n, n),
				 errhint("Pass cascade => true to reset them.")));
}

/* Ids of the sessions of a set (by SQL condition): all, or only those with a result. */
static Datum
later_sessions(SPIPlanPtr *cache, const char *condition, const Tournament *t, int32 round,
			   bool with_result)
{
	Oid			argtypes[3] = {INT8OID, INT4OID, BOOLOID};
	Datum		args[3] = {Int64GetDatum(t->id), Int32GetDatum(round), BoolGetDatum(with_result)};

	query_prepare(cache,
				  psprintf("SELECT session_id FROM tourney.sessions WHERE tournament_id = $1"
						   " AND %s AND (result_submitted OR NOT $3)"
						   " ORDER BY session_id", condition),
				  3, argtypes);
	query_exec(*cache, args, NULL, false, 0);
	return query_result_ids();
}

/* Remove sessions (and their participants and byes), refusing without cascade if any has a result. */
static Datum
remove_later(const Tournament *t, const LockedSession *ls, SPIPlanPtr *cache,
			 const char *condition, int32 round, bool cascade)
{
	static SPIPlanPtr plan_parts = NULL;
	static SPIPlanPtr plan_sessions = NULL;
	static SPIPlanPtr plan_bookings = NULL;
	static SPIPlanPtr plan_byes = NULL;
	Oid			argtypes[3] = {INT8OID, INT8ARRAYOID, INT4OID};
	Datum		args[3];
	Datum		ids;

	if (!cascade)
		rounds_refuse_without_cascade(ls->s.session_id, later_sessions(cache, condition, t,
																	   round, true));
	ids = later_sessions(cache, condition, t, round, false);
	args[0] = Int64GetDatum(t->id);
	args[1] = ids;
	args[2] = Int32GetDatum(round);
	query_prepare(&plan_parts,
				  "DELETE FROM tourney.session_participants"
				  " WHERE tournament_id = $1 AND session_id = ANY ($2)",
				  2, argtypes);
	query_exec(plan_parts, args, NULL, false, 0);
	if (t->scheduled)
	{
		query_prepare(&plan_bookings,
					  "DELETE FROM tourney.bookings WHERE tournament_id = $1 AND session_id = ANY ($2)",
					  2, argtypes);
		query_exec(plan_bookings, args, NULL, false, 0);
	}
	query_prepare(&plan_sessions,
				  "DELETE FROM tourney.sessions WHERE tournament_id = $1 AND session_id = ANY ($2)",
				  2, argtypes);
	query_exec(plan_sessions, args, NULL, false, 0);
	if (t->format->has_byes)
	{
		query_prepare(&plan_byes,
					  "DELETE FROM tourney.byes WHERE tournament_id = $1 AND round > $3",
					  3, argtypes);
		query_exec(plan_byes, args, NULL, false, 0);
	}
	return ids;
}

/* Whether the id array holds id. */
static bool
ids_contain(Datum ids, int64 id)
{
	ArrayType  *a = DatumGetArrayTypeP(ids);
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	const int64 *values = (const int64 *) ARR_DATA_PTR(a);

	for (int i = 0; i < n; i++)
		if (values[i] == id)
			return true;
	return false;
}

/* The id of the grand final, or 0. */
static int64
grand_final_id(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	bool		isnull;

	query_prepare(&plan,
				  "SELECT session_id FROM tourney.sessions"
				  " WHERE tournament_id = $1 AND stage = 'grand_final'",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 1);
	if (SPI_processed == 0)
		return 0;
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * A correction of ls (winner_changed, the sessions its cascade reset):
 * remove what was written later on the strength of the old result, and
 * return the ids removed.
 */
Datum
rounds_undo(Tournament *t, const LockedSession *ls, bool winner_changed, Datum reset,
			bool cascade)
{
	static SPIPlanPtr plan_rounds = NULL;
	static SPIPlanPtr plan_knockout = NULL;
	static SPIPlanPtr plan_reset = NULL;
	Datum		none = query_int8_array(NULL, 0);

	switch (t->format->later)
	{
		case LATER_NONE:
			break;
		case LATER_PAIRED_ROUNDS:
			if (winner_changed)
				return remove_later(t, ls, &plan_rounds, "round > $2", ls->round, cascade);
			break;
		case LATER_KNOCKOUT_STAGE:
			/* a score changes the group tables, whoever won */
			if (ls->s.stage == STAGE_GROUP)
				return remove_later(t, ls, &plan_knockout,
									"stage IN ('main', 'third_place')", 0, cascade);
			break;
		case LATER_RESET:
			if ((ls->s.stage == STAGE_GRAND_FINAL && winner_changed) ||
				ids_contain(reset, grand_final_id(t)))
				return remove_later(t, ls, &plan_reset, "stage = 'grand_final_reset'", 0,
									cascade);
			break;
	}
	return none;
}
