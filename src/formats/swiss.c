/*
 * swiss.c: the Swiss system.
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
 * Pure: no SPI, no catalog access; the lifecycle (rounds.c) loads the
 * results, asks for the pairing and writes the round.
 *
 * Ranking: points (1 per win or bye, 1/2 per draw), then Buchholz (the sum
 * of the opponents' points), then Sonneborn-Berger (the points of the
 * opponents beaten, half those of the opponents drawn), stored in
 * rankings.tiebreaks with the numeric scales the SQL sums of 0.1 gave
 * (points one decimal; Buchholz one where there was an opponent;
 * Sonneborn-Berger two where a draw counted, one where only wins did).
 */
#include "tourney/format.h"

/* Steps of the pairing search before a round is declared impossible. */
#define SWISS_SEARCH_BUDGET 5000000

static void
swiss_plan_round_one(const Tournament *t, int32 players, int64 first_id,
					 const SeededPlayer *seeded, PlanSink *sink)
{
	int32		half = players / 2;

	for (int32 i = 0; i < half; i++)
	{
		PlannedSession s = {0};
		PlannedParticipant part;

		CHECK_FOR_INTERRUPTS();
		s.session_id = first_id + i;
		s.round = 1;
		s.wave = 1;
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

typedef struct SwissSearch
{
	PairingPlayer *players;
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
	const PairingPlayer *players = arg;
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	if (players[x].points2 != players[y].points2)
		return players[y].points2 - players[x].points2;
	return x - y;
}

static bool
have_met(const PairingPlayer *players, int32 a, int32 b)
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
swiss_pair(PairingPlayer *players, int32 count, PairedPlayers *pairs, int32 *bye)
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


/* Rounds of a Swiss tournament: as set, else ceil(log2 N). */
static int32
swiss_rounds(const Tournament *t, int32 players)
{
	int32		rounds = 0;

	if (t->number_of_rounds > 0)
		return t->number_of_rounds;
	while (((int64) 1 << rounds) < players)
		rounds++;
	return Max(rounds, 1);
}

/* number_of_rounds NULL: ceil(log2 N), fixed at generation */
static void
swiss_check_options(const FormatOptions *given, Tournament *t)
{
	format_refuse_other_options(given, t->format);
	t->number_of_rounds = format_round_count(given, 0);
	t->third_place = given->third_place != 0;	/* as 0.1 kept it; unused */
}

/* Only round 1 is planned at generation; the others count for the campuses. */
static void
swiss_count_waves(const Tournament *t, int32 players, WaveCounts *counts)
{
	int32		rounds = swiss_rounds(t, players);
	int32		most = players - 1 + (players & 1);

	format_require_players(t, players);
	if (rounds > most)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot generate sessions: %d Swiss rounds need more than %d players",
						rounds, players),
				 errdetail("%d players can play at most %d rounds without a rematch.",
						   players, most)));
	format_count_even_waves(counts, rounds, players / 2);
	counts->planned_waves = 1;
	counts->number_of_rounds = rounds;
}

/* Per player, what the opponents' points give. */
typedef struct SwissTiebreaks
{
	int64		buchholz2;		/* Buchholz, in half points */
	int64		weighted4;		/* Sonneborn-Berger, in quarter points */
	uint8		weighted_scale; /* 0, 1 or 2 decimals */
	bool		met;			/* has played a two-player session */
} SwissTiebreaks;

static int64
points2(const RankedPlayer *p)
{
	return 2 * (int64) p->wins + p->draws + (p->had_bye ? 2 : 0);
}

static void
swiss_rank_prepare(RankTable *rt)
{
	rt->format_state = palloc_extended(sizeof(SwissTiebreaks) * Max(rt->count, 1),
									   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
}

static void
swiss_rank_opponent(RankTable *rt, int64 player, int64 opponent, RankOutcome outcome)
{
	SwissTiebreaks *tb = &((SwissTiebreaks *) rt->format_state)[player];
	int64		theirs = points2(&rt->players[opponent]);

	tb->met = true;
	tb->buchholz2 += theirs;
	if (outcome == RANK_WIN)
	{
		tb->weighted4 += 2 * theirs;
		tb->weighted_scale = Max(tb->weighted_scale, 1);
	}
	else if (outcome == RANK_DRAW)
	{
		tb->weighted4 += theirs;
		tb->weighted_scale = 2;
	}
}

static const SwissTiebreaks *
tiebreaks_of(const RankedPlayer *p, const RankTable *rt)
{
	return &((const SwissTiebreaks *) rt->format_state)[p - rt->players];
}

static int
swiss_rank_compare(const RankedPlayer *a, const RankedPlayer *b, const RankTable *rt)
{
	const SwissTiebreaks *ta = tiebreaks_of(a, rt);
	const SwissTiebreaks *tb = tiebreaks_of(b, rt);
	int64		pa = points2(a);
	int64		pb = points2(b);

	if (pa != pb)
		return pa > pb ? -1 : 1;
	if (ta->buchholz2 != tb->buchholz2)
		return ta->buchholz2 > tb->buchholz2 ? -1 : 1;
	if (ta->weighted4 != tb->weighted4)
		return ta->weighted4 > tb->weighted4 ? -1 : 1;
	return 0;
}

static Datum
swiss_rank_points(const RankedPlayer *p, const RankTable *rt)
{
	return NumericGetDatum(int64_div_fast_to_numeric(points2(p) * 5, 1));
}

/* {Buchholz, Sonneborn-Berger} */
static Datum
swiss_rank_tiebreaks(const RankedPlayer *p, const RankTable *rt)
{
	const SwissTiebreaks *tb = tiebreaks_of(p, rt);
	Numeric		weighted;

	if (tb->weighted_scale == 2)
		weighted = int64_div_fast_to_numeric(tb->weighted4 * 25, 2);
	else if (tb->weighted_scale == 1)
		weighted = int64_div_fast_to_numeric(tb->weighted4 / 2 * 5, 1);
	else
		weighted = int64_to_numeric(0);
	return format_tiebreaks(tb->met ? int64_div_fast_to_numeric(tb->buchholz2 * 5, 1) :
							int64_to_numeric(0), weighted);
}

/* [-points, -Buchholz, -Sonneborn-Berger], in halves and quarters */
static Datum
swiss_rank_key(const RankedPlayer *p, const RankTable *rt, int32 *fixed_rank)
{
	const SwissTiebreaks *tb = tiebreaks_of(p, rt);
	Numeric		parts[3];

	*fixed_rank = 0;
	parts[0] = int64_to_numeric(-points2(p));
	parts[1] = int64_to_numeric(-tb->buchholz2);
	parts[2] = int64_to_numeric(-tb->weighted4);
	return format_rank_key(3, parts);
}

const FormatRoutine swiss_format = {
	.name = "swiss",
	.min_players = 2,
	.participants = 2,
	.draw_stages = FORMAT_STAGE_BIT(STAGE_MAIN),
	.has_byes = true,
	.later = LATER_PAIRED_ROUNDS,
	.check_options = swiss_check_options,
	.count_waves = swiss_count_waves,
	.plan = swiss_plan_round_one,
	.pair_next = swiss_pair,
	.rank_prepare = swiss_rank_prepare,
	.rank_opponent = swiss_rank_opponent,
	.rank_compare = swiss_rank_compare,
	.rank_points = swiss_rank_points,
	.rank_tiebreaks = swiss_rank_tiebreaks,
	.rank_key = swiss_rank_key,
};
