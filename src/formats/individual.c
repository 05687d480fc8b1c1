/*
 * individual.c: individual ranking, one single-player session per player
 * and round.  Pure: no SPI, no catalog access.
 *
 * Ranking: competition ranks of the summed scores in the tournament's
 * direction; players without a result rank last, and a withdrawn player
 * ranks after every player who missed fewer sessions (those left without
 * a score, lost_round counts them), then by the scores played.
 */
#include "tourney/format.h"

static void
individual_check_options(const FormatOptions *given, Tournament *t)
{
	format_refuse_other_options(given, t->format);
	t->number_of_rounds = format_round_count(given, 1);
	t->third_place = given->third_place != 0;	/* as 0.1 kept it; unused */
}

static void
individual_count_waves(const Tournament *t, int32 players, WaveCounts *counts)
{
	format_require_players(t, players);
	format_count_even_waves(counts, t->number_of_rounds, players);
	counts->number_of_rounds = t->number_of_rounds;
}

/* Sessions in (round, seed) order; match_number is the player's seed. */
static void
individual_plan(const Tournament *t, int32 players, int64 first_id,
				const SeededPlayer *seeded, PlanSink *sink)
{
	int64		id = first_id;

	for (int32 r = 1; r <= t->number_of_rounds; r++)
	{
		for (int32 i = 0; i < players; i++)
		{
			PlannedSession s = {0};
			PlannedParticipant part;

			CHECK_FOR_INTERRUPTS();
			s.session_id = id++;
			s.round = r;
			s.wave = r;
			s.match_number = i + 1;
			sink->session(sink, &s);

			part.session_id = s.session_id;
			part.slot = 1;
			part.player_id = seeded[i].player_id;
			sink->participant(sink, &part);
		}
	}
}

/* A session a withdrawn player left without a score. */
static void
individual_rank_session(RankTable *rt, const RankSession *s)
{
	if (s->n == 1 && s->placements[0] == 0)
		rt->players[s->players[0]].lost_round++;
}

static int
individual_rank_compare(const RankedPlayer *a, const RankedPlayer *b, const RankTable *rt)
{
	int			cmp;

	if (a->lost_round != b->lost_round)
		return a->lost_round < b->lost_round ? -1 : 1;
	if ((a->score_for == NULL) != (b->score_for == NULL))
		return a->score_for == NULL ? 1 : -1;
	if (a->score_for == NULL)
		return 0;
	cmp = tourney_numeric_cmp(NumericGetDatum(a->score_for), NumericGetDatum(b->score_for));
	return rt->t->higher_wins ? -cmp : cmp;
}

/* The total score. */
static Datum
individual_rank_points(const RankedPlayer *p, const RankTable *rt)
{
	return NumericGetDatum(format_or_zero(rt, p->score_for));
}

/* [sessions missed, no score yet, the total in the direction that wins] */
static Datum
individual_rank_key(const RankedPlayer *p, const RankTable *rt, int32 *fixed_rank)
{
	Numeric		parts[3];

	*fixed_rank = 0;
	parts[0] = int64_to_numeric(p->lost_round);
	parts[1] = int64_to_numeric(p->score_for == NULL ? 1 : 0);
	parts[2] = p->score_for == NULL ? rt->zero :
		rt->t->higher_wins ? format_negate(p->score_for) : p->score_for;
	return format_rank_key(3, parts);
}

const FormatRoutine individual_format = {
	.name = "individual_ranking",
	.min_players = 1,
	.participants = 1,
	.draw_stages = FORMAT_STAGE_BIT(STAGE_MAIN),
	.later = LATER_NONE,
	.check_options = individual_check_options,
	.count_waves = individual_count_waves,
	.plan = individual_plan,
	.rank_session = individual_rank_session,
	.rank_compare = individual_rank_compare,
	.rank_points = individual_rank_points,
	.rank_tiebreaks = format_no_tiebreaks,
	.rank_key = individual_rank_key,
};
