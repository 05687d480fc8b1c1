/*
 * tourney/rating.h: player strength, the pure layer: the match model that
 * simulate_results draws results from.  No SPI, no catalog access.
 */
#ifndef TOURNEY_RATING_H
#define TOURNEY_RATING_H

#include "tourney/tourney.h"

#include "common/pg_prng.h"

extern void match_seed(pg_prng_state *rng, int64 seed, int stage, int16 pool, int32 round,
					   int32 match);
extern void match_play(pg_prng_state *rng, const double *ratings, bool higher_wins,
					   bool allows_draws, Datum *scores);
extern void match_perform(pg_prng_state *rng, double rating, bool higher_wins, Datum *score);

#endif							/* TOURNEY_RATING_H */
