/*
 * schedule.c: schedule_sessions, the live changes of a schedule, and the
 * guard trigger of the tables that shape one.
 */
#include "tourney/api.h"

#include "commands/trigger.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(tourney_schedule_sessions);
PG_FUNCTION_INFO_V1(tourney_move_session);
PG_FUNCTION_INFO_V1(tourney_swap_sessions);
PG_FUNCTION_INFO_V1(tourney_swap_players);
PG_FUNCTION_INFO_V1(tourney_delay_sessions);
PG_FUNCTION_INFO_V1(tourney_close_campus);
PG_FUNCTION_INFO_V1(tourney_campus_schedule_guard);

/* Longest session, rest and delay accepted: a year, in minutes. */
#define SCHEDULE_MAX_MINUTES (366 * 24 * 60)
#define SCHEDULE_MAX_COURTS 100000

static TimestampTz
time_argument(FunctionCallInfo fcinfo, int argno, const char *name)
{
	TimestampTz t;

	api_require_arg(fcinfo, argno, name);
	t = PG_GETARG_TIMESTAMPTZ(argno);
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be finite", name)));
	return t;
}

static int32
count_argument(FunctionCallInfo fcinfo, int argno, const char *name, int32 low, int32 high)
{
	int32		n;

	api_require_arg(fcinfo, argno, name);
	n = PG_GETARG_INT32(argno);
	if (n < low || n > high)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between %d and %d, not %d", name, low, high, n)));
	return n;
}

/* Campus ids are identities from 1: below, 0 stands for none. */
static void
require_campus_id(int64 campus_id)
{
	if (campus_id <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("campus " INT64_FORMAT " does not exist", campus_id)));
}

static const pg_uuid_t *
request_argument(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : PG_GETARG_UUID_P(argno);
}

/* The summary schedule_sessions returns, as jsonb, out of SPI's memory. */
static Datum
summary_jsonb(const ScheduleSummary *summary, TimestampTz starts_at)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, FLOAT8OID, FLOAT8OID, TIMESTAMPTZOID};
	bool		placed = summary->sessions > 0;
	Datum		args[4] = {Int64GetDatum(summary->sessions),
		Float8GetDatum(placed ? (summary->ends_at - starts_at) / (double) USECS_PER_MINUTE : 0),
		Float8GetDatum(summary->lower_bound / (double) USECS_PER_MINUTE),
	TimestampTzGetDatum(summary->ends_at)};
	char		nulls[4] = {' ', ' ', ' ', placed ? ' ' : 'n'};
	bool		isnull;

	query_prepare(&plan,
				  "SELECT jsonb_build_object('sessions', $1, 'makespan_minutes', $2,"
				  " 'lower_bound_minutes', $3, 'ends_at', $4)",
				  4, argtypes);
	query_exec(plan, args, nulls, true, 1);
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
										   &isnull), false, -1);
}

Datum
tourney_schedule_sessions(PG_FUNCTION_ARGS)
{
	TimestampTz starts_at;
	int32		match_minutes;
	int32		rest_minutes;
	int32		courts = 0;
	Tournament *t;
	ScheduleSummary summary;
	Datum		result;

	api_require_arg(fcinfo, 0, "tournament_id");
	starts_at = time_argument(fcinfo, 1, "starts_at");
	match_minutes = count_argument(fcinfo, 2, "match_minutes", 1, SCHEDULE_MAX_MINUTES);
	rest_minutes = count_argument(fcinfo, 3, "rest_minutes", 0, SCHEDULE_MAX_MINUTES);
	if (!PG_ARGISNULL(4))
		courts = count_argument(fcinfo, 4, "courts", 1, SCHEDULE_MAX_COURTS);

	api_begin(API_RECOVER | API_BULK);
	t = tournament_lock(PG_GETARG_INT64(0), TOURNAMENT_LOCK);
	if (!t->generated)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot schedule sessions: tournament " INT64_FORMAT
						" has no sessions yet", t->id),
				 errhint("Call generate_sessions first.")));
	if (t->status == STATUS_CANCELLED)
		tournament_require_state(t, STATUS_IN_PROGRESS, "schedule sessions");
	schedule_keep_settings(t, starts_at, match_minutes, rest_minutes, courts);
	schedule_sessions(t, &summary);
	result = summary_jsonb(&summary, starts_at);
	api_end();
	PG_RETURN_DATUM(result);
}

Datum
tourney_move_session(PG_FUNCTION_ARGS)
{
	TimestampTz starts_at;
	int32		court = 0;

	api_require_arg(fcinfo, 0, "session_id");
	starts_at = time_argument(fcinfo, 1, "starts_at");
	if (!PG_ARGISNULL(3))
		court = count_argument(fcinfo, 3, "court", 1, SCHEDULE_MAX_COURTS);

	if (!PG_ARGISNULL(2))
		require_campus_id(PG_GETARG_INT64(2));

	api_begin(0);
	live_move_session(PG_GETARG_INT64(0), starts_at, PG_ARGISNULL(2) ? 0 : PG_GETARG_INT64(2),
					  court, request_argument(fcinfo, 4));
	api_end();
	PG_RETURN_VOID();
}

Datum
tourney_swap_sessions(PG_FUNCTION_ARGS)
{
	api_require_arg(fcinfo, 0, "session_a");
	api_require_arg(fcinfo, 1, "session_b");

	api_begin(0);
	live_swap_sessions(PG_GETARG_INT64(0), PG_GETARG_INT64(1), request_argument(fcinfo, 2));
	api_end();
	PG_RETURN_VOID();
}

Datum
tourney_swap_players(PG_FUNCTION_ARGS)
{
	int32		slot_a;
	int32		slot_b;

	api_require_arg(fcinfo, 0, "session_a");
	slot_a = count_argument(fcinfo, 1, "slot_a", 1, 2);
	api_require_arg(fcinfo, 2, "session_b");
	slot_b = count_argument(fcinfo, 3, "slot_b", 1, 2);

	api_begin(0);
	live_swap_players(PG_GETARG_INT64(0), slot_a, PG_GETARG_INT64(2), slot_b,
					  request_argument(fcinfo, 4));
	api_end();
	PG_RETURN_VOID();
}

Datum
tourney_delay_sessions(PG_FUNCTION_ARGS)
{
	TimestampTz from;
	int32		minutes;
	int32		count;

	api_require_arg(fcinfo, 0, "tournament_id");
	from = time_argument(fcinfo, 1, "from_time");
	minutes = count_argument(fcinfo, 2, "minutes", 1, SCHEDULE_MAX_MINUTES);

	api_begin(0);
	count = live_delay_sessions(PG_GETARG_INT64(0), from, minutes, request_argument(fcinfo, 3));
	api_end();
	PG_RETURN_INT32(count);
}

Datum
tourney_close_campus(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz from;
	TimestampTz to;
	Datum		moved;
	Datum	   *ids;
	bool	   *nulls;
	int			n;

	api_require_arg(fcinfo, 0, "tournament_id");
	api_require_arg(fcinfo, 1, "campus_id");
	require_campus_id(PG_GETARG_INT64(1));
	from = time_argument(fcinfo, 2, "from_time");
	to = time_argument(fcinfo, 3, "to_time");
	if (from >= to)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("from_time must be before to_time")));
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	api_begin(0);
	moved = live_close_campus(PG_GETARG_INT64(0), PG_GETARG_INT64(1), from, to,
							  request_argument(fcinfo, 4));
	deconstruct_array(DatumGetArrayTypeP(moved), INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &ids, &nulls, &n);
	for (int i = 0; i < n; i++)
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &ids[i], &nulls[i]);
	api_end();
	return (Datum) 0;
}

/* The campus_id of a row of the guarded tables. */
static int64
row_campus(HeapTuple row, TupleDesc desc)
{
	bool		isnull;

	return DatumGetInt64(heap_getattr(row, SPI_fnumber(desc, "campus_id"), desc, &isnull));
}

/*
 * The deferred guard of campus_hours, campus_closures and campuses.courts
 * (see the schema): the campuses of the row before and after the change
 * keep every session scheduled there valid.
 */
Datum
tourney_campus_schedule_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigger = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	int64		campuses[2];
	int			n = 0;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(trigger->tg_event) ||
		!TRIGGER_FIRED_AFTER(trigger->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("campus_schedule_guard must be fired after each row")));
	desc = RelationGetDescr(trigger->tg_relation);
	campuses[n++] = row_campus(trigger->tg_trigtuple, desc);	/* the new row, or the old */
	if (TRIGGER_FIRED_BY_UPDATE(trigger->tg_event))
		campuses[n++] = row_campus(trigger->tg_newtuple, desc);

	api_begin(0);
	for (int i = 0; i < n; i++)
		if (i == 0 || campuses[i] != campuses[0])
			schedule_check_campus(campuses[i]);
	api_end();
	return PointerGetDatum(NULL);
}
