/*
 * ratings.c: update_ratings, a completed tournament as one rating period
 * (SPEC section 3d).
 */
#include "tourney/api.h"

#include <math.h>

PG_FUNCTION_INFO_V1(tourney_update_ratings);

/* A setting of a rating method: a positive, finite number. */
static double
positive_setting(FunctionCallInfo fcinfo, int argno, const char *name)
{
	double		value;

	api_require_arg(fcinfo, argno, name);
	value = PG_GETARG_FLOAT8(argno);
	if (!(isfinite(value) && value > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a positive finite number, not %g", name, value)));
	return value;
}

Datum
tourney_update_ratings(PG_FUNCTION_ARGS)
{
	const RatingMethod *method;
	RatingSettings settings;
	int64		updated;

	api_require_arg(fcinfo, 0, "tournament_id");
	api_require_arg(fcinfo, 1, "method");
	method = rating_method_at(api_parse_enum(PG_GETARG_TEXT_PP(1), rating_method_names,
											 "rating method"));
	settings.tau = positive_setting(fcinfo, 2, "tau");
	settings.k_factor = positive_setting(fcinfo, 3, "k_factor");

	api_begin(API_RECOVER);
	updated = ratings_update(PG_GETARG_INT64(0), method, &settings);
	api_end();
	PG_RETURN_INT32((int32) updated);
}
