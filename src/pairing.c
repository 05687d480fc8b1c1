/*
 * pairing.c: the rounds of a format that pairs each round from the
 * results of the ones before (Swiss: FormatRoutine.pair_next).  When the
 * last result of a round arrives, the standings so far are loaded (points,
 * byes, who met whom, in seed order), the format pairs them, and the round
 * is written through a WaveWriter; when no pairing exists without a
 * rematch, the tournament ends with the rounds played (number_of_rounds is
 * lowered to match and a warning says why), and the result that completed
 * the round is kept.
 */
#include "tourney/lifecycle.h"

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

/*
 * Take the withdrawn players out of the pairing (they are never paired
 * again; their results stay in their opponents' points), renumbering the
 * opponents; returns how many are left.
 */
static int32
without_withdrawn(const Tournament *t, PairingPlayer *players, int32 count)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	int32	   *renumbered;
	int32		kept = 0;
	PlayerIndex *out;
	int32		nout;

	if (t->withdrawn_players == 0)
		return count;
	query_prepare(&plan,
				  "SELECT player_id FROM tourney.enrollments"
				  " WHERE tournament_id = $1 AND withdrawn_at IS NOT NULL",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 0);
	nout = (int32) SPI_processed;
	out = palloc(sizeof(PlayerIndex) * Max(nout, 1));
	for (int32 i = 0; i < nout; i++)
		out[i].player_id = query_int8(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	qsort(out, nout, sizeof(PlayerIndex), player_index_cmp);
	renumbered = palloc(sizeof(int32) * Max(count, 1));
	for (int32 i = 0; i < count; i++)
	{
		PlayerIndex key = {players[i].player_id, 0};

		renumbered[i] = bsearch(&key, out, nout, sizeof(PlayerIndex), player_index_cmp) == NULL ?
			kept++ : -1;
	}
	for (int32 i = 0; i < count; i++)
	{
		PairingPlayer *p = &players[renumbered[i] >= 0 ? renumbered[i] : i];
		int32		n = 0;

		if (renumbered[i] < 0)
			continue;
		*p = players[i];
		for (int32 o = 0; o < p->nopponents; o++)
			if (renumbered[p->opponents[o]] >= 0)
				p->opponents[n++] = renumbered[p->opponents[o]];
		p->nopponents = n;
	}
	return kept;
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

	wave_counts_init(&counts, round);
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
	if (bye >= 0)
		(void) tally_rebuild(t);	/* a bye's point counts in Buchholz too */
}

/* Pair the round after `round` once that is complete; true if written. */
bool
pairing_after_round(Tournament *t, int32 round)
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
	count = without_withdrawn(t, players, count);
	pairs = palloc(sizeof(PairedPlayers) * Max(count / 2, 1));
	npairs = count < 2 ? -1 : t->format->pair_next(players, count, pairs, &bye);
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

/* After many results (simulate_results): pair the round after the last; true if written. */
bool
pairing_after_results(Tournament *t)
{
	return pairing_after_round(t, last_round(t));
}
