/*
 * tourney/rating.h: player strength, the pure layer: the match model that
 * simulate_results draws results from, and the rating methods that
 * update_ratings applies to a rating period.  No SPI, no catalog access.
 */
#ifndef TOURNEY_RATING_H
#define TOURNEY_RATING_H

#include "tourney/tourney.h"

#include "common/pg_prng.h"

/* match.c: the match model of simulate_results */
extern void match_seed(pg_prng_state *rng, int64 seed, int stage, int16 pool, int32 round,
					   int32 match);
extern void match_play(pg_prng_state *rng, const double *ratings, bool higher_wins,
					   bool allows_draws, Datum *scores);
extern void match_perform(pg_prng_state *rng, double rating, bool higher_wins, Datum *score);

/* A player's rating, deviation and volatility, as players stores them. */
typedef struct RatingValues
{
	double		rating;
	double		deviation;
	double		volatility;
} RatingValues;

/*
 * A player in one rating period: the values before it, the method's own
 * scale of them, and what the period's games add up to.  Every game is
 * shown to both players against the other's values before the period, so
 * a player's sums are complete once every game is seen, in any order, and
 * nothing is kept per game.
 */
typedef struct RatedPlayer
{
	RatingValues before;
	double		mu;				/* Glicko-2: (rating - 1500) / 173.7178 */
	double		phi;			/* Glicko-2: deviation / 173.7178 */
	double		g;				/* Glicko-2: g(phi), how much a game against this player says */
	double		information;	/* Glicko-2: the sum of g(phi_j)^2 E (1 - E), 1 / v */
	double		surprise;		/* Glicko-2: the sum of g(phi_j) (s - E); Elo: of s - E */
	int32		games;
} RatedPlayer;

/* The settings of a rating period (update_ratings' arguments). */
typedef struct RatingSettings
{
	double		tau;			/* Glicko-2: how fast the volatility may change */
	double		k_factor;		/* Elo: points per unit of surprise */
} RatingSettings;

/*
 * A rating method, as a routine table (the formats' way): begin converts
 * a player's values before the period, game adds one game's outcome
 * (score of a: 1 win, 0.5 draw, 0 loss) to both players' sums, and
 * conclude gives the values after the period; false when they are not
 * finite (absurd values before it).
 */
typedef struct RatingMethod
{
	const char *name;			/* rating_history.method, update_ratings' method */
	void		(*begin) (RatedPlayer *p, const RatingValues *before);
	void		(*game) (RatedPlayer *a, RatedPlayer *b, double score_a);
	bool		(*conclude) (const RatedPlayer *p, const RatingSettings *settings,
							 RatingValues *after);
} RatingMethod;

/* glicko2.c, elo.c */
extern const RatingMethod glicko2_method;
extern const RatingMethod elo_method;

/* methods.c: the methods by name, NULL-terminated, in one order */
extern const char *const rating_method_names[];
extern const RatingMethod *rating_method_at(int index);

#endif							/* TOURNEY_RATING_H */
