/*
 * event.c: the event day: check_in, drop_unchecked, submit_walkover,
 * withdraw_player, cancel_tournament and cancel_task.
 */
#include "tourney/api.h"

#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(tourney_check_in);
PG_FUNCTION_INFO_V1(tourney_drop_unchecked);
PG_FUNCTION_INFO_V1(tourney_submit_walkover);
PG_FUNCTION_INFO_V1(tourney_withdraw_player);
PG_FUNCTION_INFO_V1(tourney_cancel_tournament);
PG_FUNCTION_INFO_V1(tourney_cancel_task);

Datum
tourney_check_in(PG_FUNCTION_ARGS)
{
	ArrayType  *players;
	int			n;
	int32		checked;

	api_require_arg(fcinfo, 0, "tournament_id");
	api_require_arg(fcinfo, 1, "player_ids");
	players = PG_GETARG_ARRAYTYPE_P(1);
	(void) query_int8_values(players, "player_ids", &n);

	api_begin(API_RECOVER);
	checked = field_check_in(tasks_lock_idle(PG_GETARG_INT64(0), "check players in"),
							 PointerGetDatum(players));
	api_end();
	PG_RETURN_INT32(checked);
}

Datum
tourney_drop_unchecked(PG_FUNCTION_ARGS)
{
	int32		dropped;

	api_require_arg(fcinfo, 0, "tournament_id");

	api_begin(API_RECOVER);
	dropped = field_drop_unchecked(tasks_lock_idle(PG_GETARG_INT64(0),
												   "drop players who have not checked in"));
	api_end();
	PG_RETURN_INT32(dropped);
}

Datum
tourney_submit_walkover(PG_FUNCTION_ARGS)
{
	int32		slot;

	api_require_arg(fcinfo, 0, "session_id");
	api_require_arg(fcinfo, 1, "winner_slot");
	slot = PG_GETARG_INT32(1);
	if (slot != 1 && slot != 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("winner_slot must be 1 or 2, not %d", slot)));

	api_begin(API_RECOVER);
	walkover_submit(PG_GETARG_INT64(0), slot);
	api_end();
	PG_RETURN_VOID();
}

Datum
tourney_withdraw_player(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		decided;
	int64	   *ids;
	int			n;

	api_require_arg(fcinfo, 0, "tournament_id");
	api_require_arg(fcinfo, 1, "player_id");
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	api_begin(API_RECOVER);
	decided = withdrawal_apply(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
	ids = query_int8_values(DatumGetArrayTypeP(decided), "sessions", &n);
	for (int i = 0; i < n; i++)
	{
		Datum		value = Int64GetDatum(ids[i]);
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
	api_end();
	return (Datum) 0;
}

/*
 * Its generation first (without the tournament lock, which a running
 * worker holds until it sees the cancellation), then the tournament.
 */
Datum
tourney_cancel_tournament(PG_FUNCTION_ARGS)
{
	int64		tournament_id;

	api_require_arg(fcinfo, 0, "tournament_id");
	tournament_id = PG_GETARG_INT64(0);

	api_begin(API_RECOVER);
	tournament_require_cancellable(tournament_lock(tournament_id, TOURNAMENT_READ));
	tasks_cancel_of_tournament(tournament_id);
	tournament_cancel(tournament_id);
	api_end();
	PG_RETURN_VOID();
}

Datum
tourney_cancel_task(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row;

	api_require_arg(fcinfo, 0, "task_id");

	api_begin(API_RECOVER);
	row = task_cancel(PG_GETARG_UUID_P(0));
	api_end();
	PG_RETURN_HEAPTUPLEHEADER(row);
}
