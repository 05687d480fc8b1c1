/*
 * rounds.c: the sessions written after generation (FormatRoutine.later),
 * in the transaction of the result that completes what they depend on,
 * and removed again by a correction that undoes it:
 *
 * - paired rounds (Swiss): each round is paired from the results of the
 *   ones before when its last result arrives; when no pairing exists
 *   without a rematch, the tournament ends with the rounds played
 *   (number_of_rounds is lowered to match and a warning says why), and the
 *   result that completed the round is kept;
 * - the knockout stage (groups_knockout): written from the group tables
 *   when the last group result arrives;
 * - the reset (double elimination, grand_final double): written when the
 *   losers' champion wins the grand final.
 *
 * Formats that write after a result take it with the tournament locked
 * exclusively (format_serial_results), so two last results cannot both
 * miss (or both make) what they complete; a reset is written by the one
 * result of the grand final, under that session's row lock.
 */
#include "tourney/lifecycle.h"

#include "utils/builtins.h"

/* Seed index of a player id, through an array sorted by player id. */
typedef struct PlayerIndex
{
	int64		player_id;
	int32		index;
} PlayerIndex;

static int
player_index_cmp(const void *a, const void *b)
{
	int64		x = ((const PlayerIndex *) a)->player_id;
	int64		y = ((const PlayerIndex *) b)->player_id;

	return (x > y) - (x < y);
}

static int32
seed_index(const PlayerIndex *by_id, int32 count, int64 player_id)
{
	PlayerIndex key = {player_id, 0};
	PlayerIndex *found = bsearch(&key, by_id, count, sizeof(PlayerIndex), player_index_cmp);

	if (found == NULL)
		elog(ERROR, "player " INT64_FORMAT " of a session is not enrolled", player_id);
	return found->index;
}

/* Players in seed order, with points, byes and opponents from the results. */
static PairingPlayer *
load_pairing_players(const Tournament *t, int32 rounds, int32 *count)
{
	static SPIPlanPtr plan_results = NULL;
	static SPIPlanPtr plan_byes = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	SeededPlayer *seeded = field_seeded_players(t->id, count);
	PlayerIndex *by_id = palloc(sizeof(PlayerIndex) * Max(*count, 1));
	PairingPlayer *players = palloc0(sizeof(PairingPlayer) * Max(*count, 1));
	int32	   *opponents = palloc(sizeof(int32) * Max((int64) *count * rounds, 1));
	SPITupleTable *rows;

	for (int32 i = 0; i < *count; i++)
	{
		players[i].player_id = seeded[i].player_id;
		players[i].opponents = opponents + (int64) i * rounds;
		by_id[i].player_id = seeded[i].player_id;
		by_id[i].index = i;
	}
	qsort(by_id, *count, sizeof(PlayerIndex), player_index_cmp);

	query_prepare(&plan_results,
				  "SELECT p.player_id, p.placement FROM tourney.session_participants p"
				  " WHERE p.tournament_id = $1 ORDER BY p.session_id, p.slot",
				  1, argtypes);
	query_exec(plan_results, args, NULL, false, 0);
	rows = SPI_tuptable;
	for (uint64 r = 0; r + 1 < SPI_processed; r += 2)
	{
		bool		isnull;
		int32		a = seed_index(by_id, *count, DatumGetInt64(SPI_getbinval(rows->vals[r], rows->tupdesc, 1, &isnull)));
		int32		b = seed_index(by_id, *count, DatumGetInt64(SPI_getbinval(rows->vals[r + 1], rows->tupdesc, 1, &isnull)));
		int32		pa = DatumGetInt32(SPI_getbinval(rows->vals[r], rows->tupdesc, 2, &isnull));
		int32		pb = DatumGetInt32(SPI_getbinval(rows->vals[r + 1], rows->tupdesc, 2, &isnull));

		players[a].points2 += pa < pb ? 2 : pa == pb ? 1 : 0;
		players[b].points2 += pb < pa ? 2 : pa == pb ? 1 : 0;
		players[a].opponents[players[a].nopponents++] = b;
		players[b].opponents[players[b].nopponents++] = a;
	}
	SPI_freetuptable(rows);

	query_prepare(&plan_byes, "SELECT player_id FROM tourney.byes WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan_byes, args, NULL, false, 0);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		int32		i = seed_index(by_id, *count, DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull)));

		players[i].had_bye = true;
		players[i].points2 += 2;
	}
	return players;
}

/* Whether round `round` is complete and the next one not yet paired. */
static bool
round_ready_for_pairing(const Tournament *t, int32 round)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(t->id), Int32GetDatum(round)};
	bool		isnull;
	int64		open;
	int64		later;

	query_prepare(&plan,
				  "SELECT count(*) FILTER (WHERE round <= $2 AND NOT result_submitted),"
				  " count(*) FILTER (WHERE round > $2)"
				  " FROM tourney.sessions WHERE tournament_id = $1",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 1);
	open = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	later = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	return open == 0 && later == 0;
}

/* No pairing without a rematch: the tournament ends after this round. */
static void
end_early(Tournament *t, int32 round, int32 players)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(t->id), Int32GetDatum(round)};

	ereport(WARNING,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("cannot pair round %d of tournament " INT64_FORMAT " without a rematch",
					round + 1, t->id),
			 errdetail("No pairing of the %d players avoids pairing two of them twice;"
					   " the tournament ends after round %d of %d.",
					   players, round, t->number_of_rounds)));
	query_prepare(&plan,
				  "UPDATE tourney.tournaments SET number_of_rounds = $2 WHERE tournament_id = $1",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 0);
	t->number_of_rounds = round;
}

/* Counts for writing the sessions of one or more later waves. */
static void
later_counts(WaveCounts *counts, int32 waves)
{
	memset(counts, 0, sizeof(*counts));
	counts->waves = waves;
	counts->planned_waves = waves;
	counts->sessions = palloc0(sizeof(int64) * (waves + 1));
}

/* Write the pairs (and the bye) as Swiss round `round`. */
static void
write_round(Tournament *t, int32 round, const PairingPlayer *players,
			const PairedPlayers *pairs, int32 npairs, int32 bye, GenerationTimings *timings)
{
	WaveCounts	counts;
	CampusSpread campus;
	WaveWriter *writer;
	PlanSink   *sink;
	int64		first_id;

	later_counts(&counts, round);
	counts.sessions[round] = npairs;
	counts.total = npairs;
	generate_load_campuses(t, &campus);
	writer = wave_writer_begin(t, &counts, &campus);
	sink = wave_writer_sink(writer);
	first_id = id_mint("session_id_seq", Max(npairs, 1));
	for (int32 i = 0; i < npairs; i++)
	{
		PlannedSession s = {0};
		PlannedParticipant part;

		s.session_id = first_id + i;
		s.round = round;
		s.wave = round;
		s.match_number = i + 1;
		sink->session(sink, &s);
		part.session_id = s.session_id;
		part.slot = 1;
		part.player_id = players[pairs[i][0]].player_id;
		sink->participant(sink, &part);
		part.slot = 2;
		part.player_id = players[pairs[i][1]].player_id;
		sink->participant(sink, &part);
	}
	if (bye >= 0)
		sink->bye(sink, round, players[bye].player_id);
	wave_writer_end(writer, timings);
}

/* Pair the round after `round` once that is complete; true if written. */
static bool
pair_after_round(Tournament *t, int32 round)
{
	PairingPlayer *players;
	int32		count;
	PairedPlayers *pairs;
	int32		npairs;
	int32		bye;
	GenerationTimings timings;
	instr_time	start;

	if (round >= t->number_of_rounds || !round_ready_for_pairing(t, round))
		return false;

	INSTR_TIME_SET_CURRENT(start);
	players = load_pairing_players(t, t->number_of_rounds, &count);
	pairs = palloc(sizeof(PairedPlayers) * Max(count / 2, 1));
	npairs = t->format->pair_next(players, count, pairs, &bye);
	if (npairs < 0)
	{
		end_early(t, round, count);
		return false;
	}
	write_round(t, round + 1, players, pairs, npairs, bye, &timings);
	ereport(DEBUG1,
			(errmsg_internal("tourney: paired round %d of tournament " INT64_FORMAT
							 " (%d players) in %.1f ms, %.1f ms of it writing",
							 round + 1, t->id, count, tourney_elapsed_ms(start),
							 timings.db_write_ms)));
	return true;
}

/* The highest round written so far (0: none). */
static int32
last_round(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	bool		isnull;
	Datum		value;

	query_prepare(&plan, "SELECT max(round) FROM tourney.sessions WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 1);
	value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetInt32(value);
}

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
	later_counts(&counts, full.waves);
	for (int32 w = groups_waves + 1; w <= full.waves; w++)
		counts.sessions[w] = full.sessions[w];
	knockout_layout(&k, q.count, t->third_place);
	writer = wave_writer_begin(t, &counts, &campus);
	knockout_plan_bracket(&k, groups_waves + 1,
						  id_mint("session_id_seq", wave_writer_planned(writer)),
						  seeded, wave_writer_sink(writer));
	wave_writer_end(writer, &timings);
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
	later_counts(&counts, 2 * k.rounds + 1);
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
			(void) pair_after_round(t, ls->round);
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
			return pair_after_round(t, last_round(t));
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
