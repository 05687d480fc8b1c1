/*
 * elo.c: Elo, with a tournament as the rating period: every game of it is
 * scored against the ratings before the period, and the rating moves by
 * K times the sum of (score - expected score), the expectation being
 * 1 / (1 + 10^((Rb - Ra) / 400)).  1613 against 1609, 1477, 1388, 1586 and
 * 1720 scoring 2.5 with K = 32 gives 1601.27.  Deviation and volatility
 * are Glicko's and stay as they are.  Pure: no SPI, no catalog access.
 */
#include "tourney/rating.h"

#include <math.h>

static void
elo_begin(RatedPlayer *p, const RatingValues *before)
{
	memset(p, 0, sizeof(*p));
	p->before = *before;
}

static double
elo_expected(double rating, double opponent)
{
	return 1.0 / (1.0 + pow(10.0, (opponent - rating) / 400.0));
}

static void
elo_game(RatedPlayer *a, RatedPlayer *b, double score_a)
{
	double		expected_a = elo_expected(a->before.rating, b->before.rating);
	double		expected_b = elo_expected(b->before.rating, a->before.rating);

	a->surprise += score_a - expected_a;
	b->surprise += (1.0 - score_a) - expected_b;
	a->games++;
	b->games++;
}

static bool
elo_conclude(const RatedPlayer *p, const RatingSettings *settings, RatingValues *after)
{
	*after = p->before;
	if (p->games > 0)
		after->rating = p->before.rating + settings->k_factor * p->surprise;
	return isfinite(after->rating);
}

const RatingMethod elo_method = {
	.name = "elo",
	.begin = elo_begin,
	.game = elo_game,
	.conclude = elo_conclude,
};
