/*
 * match.c: the match model of simulate_results.  Pure: no SPI, no catalog
 * access.
 *
 * Each session draws from its own generator, seeded from (seed, stage,
 * group, round, match), so a seed reproduces the same results whatever
 * was submitted by hand before.  A two-player match: the Elo expectation picks
 * the winner and the scores are small; a single-player performance lies
 * around the player's rating.
 */
#include "tourney/rating.h"

#include <math.h>

#include "common/hashfn.h"
#include "utils/numeric.h"

/* Share of drawn matches where the format allows draws. */
#define DRAW_PROBABILITY 0.1

/*
 * The generator of one session, from the simulation's seed and the
 * session's place: stage (its number), group, round, match.  The stages
 * of 0.1 (main 0, third place 1) outside groups give what they gave then.
 */
void
match_seed(pg_prng_state *rng, int64 seed, int stage, int16 pool, int32 round, int32 match)
{
	uint64		h = hash_bytes_uint32_extended((uint32) match, (uint64) seed);

	h = hash_combine64(h, hash_bytes_uint32_extended((uint32) round, (uint64) stage));
	if (pool != 0)
		h = hash_combine64(h, hash_bytes_uint32_extended((uint32) pool, 0));
	pg_prng_seed(rng, h);
}

/* Standard normal deviate (Box-Muller). */
static double
normal_deviate(pg_prng_state *rng)
{
	double		u = 1.0 - pg_prng_double(rng);	/* (0, 1] */
	double		v = pg_prng_double(rng);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* A numeric with one decimal from a count of tenths. */
static Datum
tenths(int64 value)
{
	return NumericGetDatum(int64_div_fast_to_numeric(value, 1));
}

/*
 * Scores of a two-player match in slot order.  With higher_wins false
 * (times), the winner's score is the lower one.
 */
void
match_play(pg_prng_state *rng, const double *ratings, bool higher_wins, bool allows_draws,
		   Datum *scores)
{
	double		expected = 1.0 / (1.0 + pow(10.0, (ratings[1] - ratings[0]) / 400.0));
	int			winner = pg_prng_double(rng) < expected ? 0 : 1;
	int64		low = (int64) pg_prng_uint64_range(rng, 0, 9);
	int64		high = low + 1 + (int64) pg_prng_uint64_range(rng, 0, 4);

	if (allows_draws && pg_prng_double(rng) < DRAW_PROBABILITY)
		high = low;

	if (higher_wins)
	{
		scores[winner] = tenths(high * 10);
		scores[1 - winner] = tenths(low * 10);
	}
	else
	{
		scores[winner] = tenths(300 + low * 10);
		scores[1 - winner] = tenths(300 + high * 10);
	}
}

/* A single-player performance around the player's rating. */
void
match_perform(pg_prng_state *rng, double rating, bool higher_wins, Datum *score)
{
	double		performance = rating + 200.0 * normal_deviate(rng);

	if (higher_wins)
		*score = tenths((int64) rint(Max(performance, 0.0)));
	else
		*score = tenths((int64) rint(Max(6000.0 - 2.0 * performance, 10.0)));
}
