/*
 * glicko2.c: Glicko-2, exactly as Glickman's "Example of the Glicko-2
 * system" (Boston University, 2013, revised 2022) computes it, with a
 * tournament as the rating period.  Pure: no SPI, no catalog access.
 *
 * Its worked example (rating 1500, RD 200, volatility 0.06, tau 0.5,
 * against (1400, 30) won, (1550, 100) and (1700, 300) lost) gives 1464.06,
 * 151.52 and 0.05999; test/lifecycle/ratings.sql plays it as a round robin.
 * A player without a game keeps rating and volatility, and the deviation
 * grows to sqrt(phi^2 + sigma^2) (step 6 alone).
 */
#include "tourney/rating.h"

#include <math.h>

/* The ratio of the Glicko and Glicko-2 scales, and the rating at mu 0. */
#define GLICKO2_SCALE 173.7178
#define GLICKO2_BASE 1500.0

/* The Illinois iteration stops when its bracket is this narrow (Glickman's). */
#define GLICKO2_EPSILON 0.000001

/*
 * Bounds on the iterations: the example converges in a handful; these only
 * keep values no player has (a deviation of 1e300) from looping forever.
 */
#define GLICKO2_MAX_STEPS 10000

static void
glicko2_begin(RatedPlayer *p, const RatingValues *before)
{
	memset(p, 0, sizeof(*p));
	p->before = *before;
	p->mu = (before->rating - GLICKO2_BASE) / GLICKO2_SCALE;
	p->phi = before->deviation / GLICKO2_SCALE;
	p->g = 1.0 / sqrt(1.0 + 3.0 * p->phi * p->phi / (M_PI * M_PI));
}

/* One side of a game: what it says about p, who met opponent and scored s. */
static void
glicko2_side(RatedPlayer *p, const RatedPlayer *opponent, double s)
{
	double		expected = 1.0 / (1.0 + exp(-opponent->g * (p->mu - opponent->mu)));

	p->information += opponent->g * opponent->g * expected * (1.0 - expected);
	p->surprise += opponent->g * (s - expected);
	p->games++;
}

static void
glicko2_game(RatedPlayer *a, RatedPlayer *b, double score_a)
{
	glicko2_side(a, b, score_a);
	glicko2_side(b, a, 1.0 - score_a);
}

/* Step 5's f(x), for delta^2, phi^2, v, a = ln(sigma^2) and tau. */
typedef struct VolatilityEquation
{
	double		delta2;
	double		phi2;
	double		v;
	double		a;
	double		tau2;
} VolatilityEquation;

static double
volatility_f(const VolatilityEquation *eq, double x)
{
	double		ex = exp(x);
	double		d = eq->phi2 + eq->v + ex;

	return ex * (eq->delta2 - eq->phi2 - eq->v - ex) / (2.0 * d * d) - (x - eq->a) / eq->tau2;
}

/*
 * Step 5: the new volatility, the root of f by the Illinois algorithm
 * (regula falsi that halves the stale end's value), from the bracket
 * [A, B] that steps 5.2 and 5.3 find.
 */
static double
glicko2_volatility(const RatedPlayer *p, double v, double delta, double tau)
{
	VolatilityEquation eq;
	double		A,
				B,
				fA,
				fB;

	eq.delta2 = delta * delta;
	eq.phi2 = p->phi * p->phi;
	eq.v = v;
	eq.a = log(p->before.volatility * p->before.volatility);
	eq.tau2 = tau * tau;

	A = eq.a;
	if (eq.delta2 > eq.phi2 + v)
		B = log(eq.delta2 - eq.phi2 - v);
	else
	{
		int			k = 1;

		while (volatility_f(&eq, eq.a - k * tau) < 0 && k < GLICKO2_MAX_STEPS)
			k++;
		B = eq.a - k * tau;
	}
	fA = volatility_f(&eq, A);
	fB = volatility_f(&eq, B);
	for (int step = 0; fabs(B - A) > GLICKO2_EPSILON && step < GLICKO2_MAX_STEPS; step++)
	{
		double		C = A + (A - B) * fA / (fB - fA);
		double		fC = volatility_f(&eq, C);

		/* <= (the 2022 revision): a C that is the root ends the iteration */
		if (fC * fB <= 0)
		{
			A = B;
			fA = fB;
		}
		else
			fA = fA / 2.0;
		B = C;
		fB = fC;
	}
	return exp(A / 2.0);
}

/*
 * Steps 3 to 8.  A player without a game (or whose games say nothing:
 * every expectation rounded to 0 or 1) keeps rating and volatility, and
 * the deviation grows as for one period of inactivity; the surprise of
 * such games, if any, still moves the rating (step 7).
 */
static bool
glicko2_conclude(const RatedPlayer *p, const RatingSettings *settings, RatingValues *after)
{
	double		sigma = p->before.volatility;
	double		phi_star;
	double		phi_new;

	if (p->information > 0)
	{
		double		v = 1.0 / p->information;

		sigma = glicko2_volatility(p, v, v * p->surprise, settings->tau);
		phi_star = sqrt(p->phi * p->phi + sigma * sigma);
		phi_new = 1.0 / sqrt(1.0 / (phi_star * phi_star) + p->information);
	}
	else
		phi_new = sqrt(p->phi * p->phi + sigma * sigma);
	after->rating = GLICKO2_SCALE * (p->mu + phi_new * phi_new * p->surprise) + GLICKO2_BASE;
	after->deviation = GLICKO2_SCALE * phi_new;
	after->volatility = sigma;
	if (p->games == 0)
		after->rating = p->before.rating;	/* exactly, not through the scale and back */
	return isfinite(after->rating) && isfinite(after->deviation) && after->deviation > 0 &&
		isfinite(after->volatility) && after->volatility > 0;
}

const RatingMethod glicko2_method = {
	.name = "glicko2",
	.begin = glicko2_begin,
	.game = glicko2_game,
	.conclude = glicko2_conclude,
};
