/*
 * round_robin.c: the FIDE Berger tables (Handbook C.05, Annex 1).
 * Pure: no SPI, no catalog access.
 *
 * With n players (n even; odd N uses n = N + 1 and the player meeting n
 * rests), player n is fixed and the others rotate.  In round r player n
 * meets x = ((r - 1) * n/2 mod (n - 1)) + 1, as black in odd rounds and
 * white in even ones; board k > 1 pairs x + (k - 1) (white) with
 * x - (k - 1) (black), both taken modulo n - 1 within 1..n-1.
 * A second cycle repeats the pairings with colours (slots) swapped.
 *
 * Ranking: points (3 per win, 1 per draw), then score difference, then
 * score for, tied players sharing a rank.
 */
#include "tourney/format.h"

static int32
wrap(int32 value, int32 modulus)
{
	return ((value - 1) % modulus + modulus) % modulus + 1;
}

int32
round_robin_table_size(int32 players)
{
	return players + (players & 1);
}

int32
round_robin_rounds(int32 players, int32 cycles)
{
	return (round_robin_table_size(players) - 1) * cycles;
}

/* White and black seed (1-based) of board k (1-based) in round r of the table. */
void
round_robin_pairing(int32 n, int32 round, int32 board, int32 *white, int32 *black)
{
	int32		x = wrap((round - 1) * (n / 2) + 1, n - 1);

	if (board == 1)
	{
		*white = (round & 1) ? x : n;
		*black = (round & 1) ? n : x;
		return;
	}
	*white = wrap(x + board - 1, n - 1);
	*black = wrap(x - (board - 1), n - 1);
}

static void
round_robin_plan(const Tournament *t, int32 players, int64 first_id,
				 const SeededPlayer *seeded, PlanSink *sink)
{
	int32		cycles = t->number_of_rounds;
	int32		n = round_robin_table_size(players);
	int64		id = first_id;

	for (int32 cycle = 0; cycle < cycles; cycle++)
	{
		for (int32 r = 1; r <= n - 1; r++)
		{
			int32		match = 0;

			for (int32 board = 1; board <= n / 2; board++)
			{
				PlannedSession s = {0};
				PlannedParticipant part;
				int32		white;
				int32		black;

				CHECK_FOR_INTERRUPTS();
				round_robin_pairing(n, r, board, &white, &black);
				if (white > players || black > players)
					continue;	/* the table's extra player: a rest */
				s.session_id = id++;
				s.round = cycle * (n - 1) + r;
				s.wave = s.round;
				s.match_number = ++match;
				sink->session(sink, &s);

				part.session_id = s.session_id;
				part.slot = 1;
				part.player_id = seeded[(cycle == 0 ? white : black) - 1].player_id;
				sink->participant(sink, &part);
				part.slot = 2;
				part.player_id = seeded[(cycle == 0 ? black : white) - 1].player_id;
				sink->participant(sink, &part);
			}
		}
	}
}

static void
round_robin_check_options(const FormatOptions *given, Tournament *t)
{
	format_refuse_other_options(given, t->format);
	t->number_of_rounds = format_cycles(given, "a round robin");
	t->third_place = given->third_place != 0;	/* as 0.1 kept it; unused */
}

/* Odd N: (N - 1) / 2 sessions a round, one player rests. */
static void
round_robin_count_waves(const Tournament *t, int32 players, WaveCounts *counts)
{
	format_require_players(t, players);
	format_count_even_waves(counts, round_robin_rounds(players, t->number_of_rounds),
							players / 2);
	counts->number_of_rounds = t->number_of_rounds;
}

/* Score difference, worked out once per player for the sort. */
static void
round_robin_rank_prepare(RankTable *rt)
{
	Numeric    *differences = palloc_extended(sizeof(Numeric) * Max(rt->count, 1),
											  MCXT_ALLOC_HUGE);

	for (int64 i = 0; i < rt->count; i++)
		differences[i] =
			numeric_sub_opt_error(format_or_zero(rt, rt->players[i].score_for),
								  format_or_zero(rt, rt->players[i].score_against), NULL);
	rt->format_state = differences;
}

static Numeric
difference(const RankTable *rt, const RankedPlayer *p)
{
	return ((Numeric *) rt->format_state)[p - rt->players];
}

static int
round_robin_rank_compare(const RankedPlayer *a, const RankedPlayer *b, const RankTable *rt)
{
	int64		pa = 3 * (int64) a->wins + a->draws;
	int64		pb = 3 * (int64) b->wins + b->draws;
	int			cmp = (pb > pa) - (pb < pa);

	if (cmp == 0)
		cmp = tourney_numeric_cmp(NumericGetDatum(difference(rt, b)),
								  NumericGetDatum(difference(rt, a)));
	if (cmp == 0)
		cmp = tourney_numeric_cmp(NumericGetDatum(format_or_zero(rt, b->score_for)),
								  NumericGetDatum(format_or_zero(rt, a->score_for)));
	return cmp;
}

static Datum
round_robin_rank_points(const RankedPlayer *p, const RankTable *rt)
{
	return NumericGetDatum(int64_to_numeric(3 * (int64) p->wins + p->draws));
}

/* {score difference, score for} */
static Datum
round_robin_rank_tiebreaks(const RankedPlayer *p, const RankTable *rt)
{
	return format_tiebreaks(difference(rt, p), format_or_zero(rt, p->score_for));
}

/* [-points, -difference, -score for] */
static Datum
round_robin_rank_key(const RankedPlayer *p, const RankTable *rt, int32 *fixed_rank)
{
	Numeric		parts[3];

	*fixed_rank = 0;
	parts[0] = int64_to_numeric(-(3 * (int64) p->wins + p->draws));
	parts[1] = format_negate(difference(rt, p));
	parts[2] = format_negate(format_or_zero(rt, p->score_for));
	return format_rank_key(3, parts);
}

const FormatRoutine round_robin_format = {
	.name = "round_robin",
	.min_players = 2,
	.participants = 2,
	.round_robin_stages = FORMAT_STAGE_BIT(STAGE_MAIN),
	.draw_stages = FORMAT_STAGE_BIT(STAGE_MAIN),
	.later = LATER_NONE,
	.check_options = round_robin_check_options,
	.count_waves = round_robin_count_waves,
	.plan = round_robin_plan,
	.rank_prepare = round_robin_rank_prepare,
	.rank_compare = round_robin_rank_compare,
	.rank_points = round_robin_rank_points,
	.rank_tiebreaks = round_robin_rank_tiebreaks,
	.rank_key = round_robin_rank_key,
};
