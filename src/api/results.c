/*
 * results.c: submit_result, correct_result and simulate_results.
 */
#include "tourney/api.h"

#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(tourney_submit_result);
PG_FUNCTION_INFO_V1(tourney_correct_result);
PG_FUNCTION_INFO_V1(tourney_simulate_results);

/* The scores argument: one-dimensional, no NULL, no NaN or infinity. */
static Datum *
scores_argument(ArrayType *a, int *n)
{
	Datum	   *scores;
	bool	   *nulls;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scores must be a one-dimensional array")));
	deconstruct_array(a, NUMERICOID, -1, false, TYPALIGN_INT, &scores, &nulls, n);
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("scores must not contain nulls")));
		if (numeric_is_nan(DatumGetNumeric(scores[i])) ||
			numeric_is_inf(DatumGetNumeric(scores[i])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scores must be finite numbers")));
	}
	return scores;
}

Datum
tourney_submit_result(PG_FUNCTION_ARGS)
{
	Datum	   *scores;
	int			nscores;

	api_require_arg(fcinfo, 0, "session_id");
	api_require_arg(fcinfo, 1, "scores");
	scores = scores_argument(PG_GETARG_ARRAYTYPE_P(1), &nscores);

	api_begin(API_RECOVER);
	result_submit(PG_GETARG_INT64(0), scores, nscores);
	api_end();
	PG_RETURN_VOID();
}

Datum
tourney_correct_result(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum	   *scores;
	int			nscores;
	Datum		affected;
	Datum	   *ids;
	bool	   *nulls;
	int			n;

	api_require_arg(fcinfo, 0, "session_id");
	api_require_arg(fcinfo, 1, "scores");
	api_require_arg(fcinfo, 2, "cascade");
	scores = scores_argument(PG_GETARG_ARRAYTYPE_P(1), &nscores);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	api_begin(API_RECOVER | API_BULK);
	affected = correction_apply(PG_GETARG_INT64(0), scores, nscores, PG_GETARG_BOOL(2));
	deconstruct_array(DatumGetArrayTypeP(affected), INT8OID, 8, FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &ids, &nulls, &n);
	for (int i = 0; i < n; i++)
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &ids[i], &nulls[i]);
	api_end();
	return (Datum) 0;
}

Datum
tourney_simulate_results(PG_FUNCTION_ARGS)
{
	int64		simulated;

	api_require_arg(fcinfo, 0, "tournament_id");
	api_require_arg(fcinfo, 1, "seed");
	api_begin(API_RECOVER | API_BULK);
	simulated = simulate_tournament(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
	api_end();
	PG_RETURN_INT32((int32) simulated);
}
