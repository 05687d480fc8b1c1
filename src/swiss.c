/*
 * swiss.c: Swiss pairings.
 *
 * Round 1 pairs the top half against the bottom half by seed (odd N: the
 * lowest seed has the bye).  Each later round is paired when the last
 * result of the round before arrives: players ordered by points, then
 * seed; the bye (no session, a win's points) goes to the lowest-ranked
 * player who has not had one; then, from the top, each player meets the
 * first opponent of the Dutch order of its score group (top half against
 * bottom half) that is not a rematch, floating down into the next groups
 * only when its own group cannot take it.  A depth-first search undoes
 * earlier choices when a later player is left without an opponent, so a
 * rematch-free pairing is found whenever one exists within the search
 * budget.  When none exists nobody is paired twice: the tournament ends
 * with the rounds played so far (number_of_rounds is lowered to match and a
 * warning says why), and the result that completed the round is kept.
 *
 * The pairing itself is pure (no SPI); swiss_pair_after_round loads the
 * results and writes the round through the plan writer.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"

/* Steps of the pairing search before a round is declared impossible. */
#define SWISS_SEARCH_BUDGET 5000000

void
swiss_plan_round_one(int32 players, int64 first_id, const SeededPlayer *seeded,
					 PlanSink *sink)
{
	int32		half = players / 2;

	for (int32 i = 0; i < half; i++)
	{
		PlannedSession s = {0};
		PlannedParticipant part;

		CHECK_FOR_INTERRUPTS();
		s.session_id = first_id + i;
		s.round = 1;
		s.match_number = i + 1;
		sink->session(sink, &s);
		part.session_id = s.session_id;
		part.slot = 1;
		part.player_id = seeded[i].player_id;
		sink->participant(sink, &part);
		part.slot = 2;
		part.player_id = seeded[i + half].player_id;
		sink->participant(sink, &part);
	}
	if (players & 1)
		sink->bye(sink, 1, seeded[players - 1].player_id);
}

/* A player as the pairing sees it; index = seed - 1. */
typedef struct SwissPlayer
{
	int64		player_id;
	int32		points2;		/* points times two */
	bool		had_bye;
	int32		nopponents;
	int32	   *opponents;		/* indexes of earlier opponents */
} SwissPlayer;

typedef struct SwissSearch
{
	SwissPlayer *players;
	int32	   *order;			/* player indexes by points desc, seed */
	int32		n;				/* entries of order taking part */
	bool	   *paired;			/* by position in order */
	int32	   *partner;		/* by position in order */
	int32	   *scratch;		/* candidate list, 2n */
	int64		steps;
} SwissSearch;

static int
ranking_cmp(const void *a, const void *b, void *arg)
{
	const SwissPlayer *players = arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	if (players[x].points2 != players[y].points2)
		return players[y].points2 - players[x].points2;
	return x - y;
}

static bool
have_met(const SwissPlayer *players, int32 a, int32 b)
{
	for (int32 i = 0; i < players[a].nopponents; i++)
		if (players[a].opponents[i] == b)
			return true;
	return false;
}

/*
 * Opponents to try for the player at position p (the top unpaired player
 * of its score group), best first: the group in Dutch order (the top of
 * the bottom half, down the bottom half, then up the top half), then the
 * players below the group.  The list depends only on which positions are
 * paired, so a level of the search can compute it again after a deeper
 * level has used the buffer.
 */
static int32
candidates_for(SwissSearch *s, int32 p, int32 *out)
{
	int32		points = s->players[s->order[p]].points2;
	int32	   *members = out + s->n;
	int32		nmembers = 0;
	int32		end = p + 1;
	int32		n = 0;
	int32		first;

	while (end < s->n && s->players[s->order[end]].points2 == points)
		end++;
	for (int32 q = p + 1; q < end; q++)
		if (!s->paired[q])
			members[nmembers++] = q;
	first = Max((nmembers + 1) / 2 - 1, 0);
	for (int32 i = first; i < nmembers; i++)
		out[n++] = members[i];
	for (int32 i = first - 1; i >= 0; i--)
		out[n++] = members[i];
	for (int32 q = end; q < s->n; q++)
		if (!s->paired[q])
			out[n++] = q;
	return n;
}

static bool
pair_from(SwissSearch *s, int32 p)
{
	int32		ncands;

	while (p < s->n && s->paired[p])
		p++;
	if (p >= s->n)
		return true;
	if (++s->steps > SWISS_SEARCH_BUDGET)
		return false;
	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	s->paired[p] = true;
	ncands = candidates_for(s, p, s->scratch);
	for (int32 i = 0; i < ncands; i++)
	{
		int32		q = s->scratch[i];

		if (have_met(s->players, s->order[p], s->order[q]))
			continue;
		s->paired[q] = true;
		s->partner[p] = q;
		s->partner[q] = p;
		if (pair_from(s, p + 1))
			return true;
		s->paired[q] = false;
		if (s->steps > SWISS_SEARCH_BUDGET)
			break;
		/* the deeper levels reused the buffer: list this level's again */
		ncands = candidates_for(s, p, s->scratch);
	}
	s->paired[p] = false;
	return false;
}

/*
 * Pair the next round.  Returns the number of sessions, fills pairs
 * (player indexes, higher-ranked first) and *bye (-1 for none); -1 when no
 * rematch-free pairing was found.
 */
static int32
swiss_pair(SwissPlayer *players, int32 count, int32 (*pairs)[2], int32 *bye)
{
	SwissSearch s;
	int32	   *order = palloc(sizeof(int32) * Max(count, 1));
	int32		npairs = 0;

	for (int32 i = 0; i < count; i++)
		order[i] = i;
	qsort_arg(order, count, sizeof(int32), ranking_cmp, players);

	*bye = -1;
	if (count & 1)
	{
		int32		at = count - 1;

		while (at > 0 && players[order[at]].had_bye)
			at--;
		*bye = order[at];
		memmove(order + at, order + at + 1, sizeof(int32) * (count - 1 - at));
		count--;
	}

	memset(&s, 0, sizeof(s));
	s.players = players;
	s.order = order;
	s.n = count;
	s.paired = palloc0(sizeof(bool) * Max(count, 1));
	s.partner = palloc(sizeof(int32) * Max(count, 1));
	s.scratch = palloc(sizeof(int32) * 2 * Max(count, 1));
	if (!pair_from(&s, 0))
		return -1;
	for (int32 p = 0; p < count; p++)
	{
		int32		q = s.partner[p];

		if (q > p)
		{
			pairs[npairs][0] = order[p];
			pairs[npairs][1] = order[q];
			npairs++;
		}
	}
	return npairs;
}

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
static SwissPlayer *
load_swiss_players(const Tournament *t, int32 rounds, int32 *count)
{
	static SPIPlanPtr plan_results = NULL;
	static SPIPlanPtr plan_byes = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	SeededPlayer *seeded = tournament_seeded_players(t->id, count);
	PlayerIndex *by_id = palloc(sizeof(PlayerIndex) * Max(*count, 1));
	SwissPlayer *players = palloc0(sizeof(SwissPlayer) * Max(*count, 1));
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

	tourney_plan(&plan_results,
				 "SELECT p.player_id, p.placement FROM tourney.session_participants p"
				 " WHERE p.tournament_id = $1 ORDER BY p.session_id, p.slot",
				 1, argtypes);
	tourney_exec(plan_results, args, NULL, false, 0);
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

	tourney_plan(&plan_byes, "SELECT player_id FROM tourney.byes WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan_byes, args, NULL, false, 0);
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

	tourney_plan(&plan,
				 "SELECT count(*) FILTER (WHERE round <= $2 AND NOT result_submitted),"
				 " count(*) FILTER (WHERE round > $2)"
				 " FROM tourney.sessions WHERE tournament_id = $1",
				 2, argtypes);
	tourney_exec(plan, args, NULL, false, 1);
	open = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	later = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	return open == 0 && later == 0;
}

/* No rematch-free pairing: the tournament ends after this round. */
static void
end_swiss_early(Tournament *t, int32 round, int32 players)
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
	tourney_plan(&plan,
				 "UPDATE tourney.tournaments SET number_of_rounds = $2 WHERE tournament_id = $1",
				 2, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	t->number_of_rounds = round;
}

/*
 * After results of a Swiss round: once the round is complete, pair and
 * write the next one.  The caller holds the tournament's lock, so two last
 * results of a round cannot both miss (or both make) the pairing.
 */
void
swiss_pair_after_round(Tournament *t, int32 round)
{
	SwissPlayer *players;
	int32		count;
	int32		(*pairs)[2];
	int32		npairs;
	int32		bye;
	RoundCounts counts;
	CampusSpread campus;
	PlanWriter *writer;
	PlanSink   *sink;
	GenerationTimings timings;
	int64		first_id;
	instr_time	start;

	if (t->format != FORMAT_SWISS || round >= t->number_of_rounds ||
		!round_ready_for_pairing(t, round))
		return;

	INSTR_TIME_SET_CURRENT(start);
	players = load_swiss_players(t, t->number_of_rounds, &count);
	pairs = palloc(sizeof(int32) * 2 * Max(count / 2, 1));
	npairs = swiss_pair(players, count, pairs, &bye);
	if (npairs < 0)
	{
		end_swiss_early(t, round, count);
		return;
	}

	counts.rounds = round + 1;
	counts.sessions = palloc0(sizeof(int64) * (round + 2));
	counts.sessions[round + 1] = npairs;
	counts.total = npairs;
	campus_spread_load(t, &campus);
	writer = plan_writer_begin(t, &counts, &campus);
	sink = plan_writer_sink(writer);
	first_id = tourney_mint_ids("session_id_seq", Max(npairs, 1));
	for (int32 i = 0; i < npairs; i++)
	{
		PlannedSession s = {0};
		PlannedParticipant part;

		s.session_id = first_id + i;
		s.round = round + 1;
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
		sink->bye(sink, round + 1, players[bye].player_id);
	plan_writer_end(writer, &timings);
	ereport(DEBUG1,
			(errmsg_internal("tourney: paired round %d of tournament " INT64_FORMAT
							 " (%d players) in %.1f ms, %.1f ms of it writing",
							 round + 1, t->id, count, tourney_elapsed_ms(start),
							 timings.db_write_ms)));
}
