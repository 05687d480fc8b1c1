/*
 * live.c: what the live changes of a schedule share.
 *
 * Each live change is one transaction that changes nothing when refused.
 * Every lock it takes is taken NOWAIT (tourney/lifecycle.h): when another
 * change holds the tournament's schedule, a campus, a court or a session
 * row, the call is refused at once with 55P03 and the first to commit
 * wins; since these calls never wait, no cycle of waits runs through
 * them.  The invariants are then checked over the rows
 * (schedule_checks.c).
 *
 * A request_id makes a retried call harmless: its call, arguments and
 * result are kept in tourney.schedule_requests; the same id with the same
 * arguments returns the kept result and changes nothing, with other
 * arguments it is refused (22023).
 */
#include "tourney/live.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

LiveRequest
live_request(int64 tournament_id, const pg_uuid_t *id, const char *operation, char *arguments)
{
	LiveRequest r;

	memset(&r, 0, sizeof(r));
	r.tournament_id = tournament_id;
	r.id = id;
	r.operation = operation;
	r.arguments = arguments;
	return r;
}

static char *
uuid_text(const pg_uuid_t *id)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(id)));
}

/*
 * A request made before: its kept result (true), or 22023 when it was
 * made with other arguments.  Under the request's lock, so that a retry
 * racing the first call is refused (55P03) until that one commits.
 */
static bool
request_replayed(LiveRequest *r)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, UUIDOID};
	Datum		args[2] = {Int64GetDatum(r->tournament_id), UUIDPGetDatum(r->id)};
	uint64		key;
	uint32		sub[2];
	HeapTuple	row;
	char	   *operation;
	char	   *arguments;

	memcpy(&key, r->id->data, sizeof(key));
	memcpy(sub, r->id->data + 8, sizeof(sub));
	locks_take(LOCK_REQUEST, key, sub[0] ^ sub[1], true, true,
			   psprintf("request %s", uuid_text(r->id)));
	query_prepare(&plan,
				  "SELECT operation, arguments, result FROM tourney.schedule_requests"
				  " WHERE tournament_id = $1 AND request_id = $2",
				  2, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed == 0)
		return false;
	row = SPI_tuptable->vals[0];
	operation = SPI_getvalue(row, SPI_tuptable->tupdesc, 1);
	arguments = SPI_getvalue(row, SPI_tuptable->tupdesc, 2);
	if (strcmp(operation, r->operation) != 0 || strcmp(arguments, r->arguments) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("request_id %s was used for another call", uuid_text(r->id)),
				 errdetail("It was used for %s(%s); this call is %s(%s).", operation, arguments,
						   r->operation, r->arguments),
				 errhint("Use a new request_id for a new change.")));
	r->kept = SPI_getbinval(row, SPI_tuptable->tupdesc, 3, &(bool) {false});
	r->kept = PointerGetDatum(SPI_datumTransfer(r->kept, false, -1));
	return true;
}

/*
 * Open a live change: the kept result of a replay (NULL returned), else
 * the tournament, in progress and locked: SHARE on the tournament, its
 * schedule exclusive, both NOWAIT.
 */
Tournament *
live_begin(LiveRequest *r, const char *action, bool needs_schedule)
{
	Tournament *t;

	r->kept = (Datum) 0;
	if (r->id != NULL && request_replayed(r))
		return NULL;
	t = tournament_lock(r->tournament_id, TOURNAMENT_SHARE_NOWAIT);
	tournament_require_state(t, STATUS_IN_PROGRESS, action);
	if (needs_schedule && !t->scheduled)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot %s: tournament " INT64_FORMAT " has no schedule", action, t->id),
				 errhint("Call schedule_sessions first.")));
	locks_take(LOCK_SCHEDULE, (uint64) t->id, 0, true, true,
			   psprintf("the schedule of tournament " INT64_FORMAT, t->id));
	return t;
}

/* Keep the request (when it has an id) with its result. */
void
live_end(const LiveRequest *r, const char *result)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[5] = {INT8OID, UUIDOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		args[5];

	if (r->id == NULL)
		return;
	args[0] = Int64GetDatum(r->tournament_id);
	args[1] = UUIDPGetDatum(r->id);
	args[2] = CStringGetTextDatum(r->operation);
	args[3] = CStringGetTextDatum(r->arguments);
	args[4] = CStringGetTextDatum(result);
	query_prepare(&plan,
				  "INSERT INTO tourney.schedule_requests"
				  " (tournament_id, request_id, operation, arguments, result)"
				  " VALUES ($1, $2, $3, $4, $5::jsonb)",
				  5, argtypes);
	query_exec(plan, args, NULL, false, 0);
}

static void
read_live_session(HeapTuple row, TupleDesc desc, LiveSession *s)
{
	bool		isnull;

	memset(s, 0, sizeof(*s));
	s->session_id = query_int8(row, desc, 1);
	s->tournament_id = query_int8(row, desc, 2);
	s->stage = query_int4(row, desc, 3) - 1;
	s->round = query_int4(row, desc, 4);
	s->campus_id = query_int8(row, desc, 5);
	s->court = query_int4(row, desc, 6);
	s->start = (TimestampTz) query_int8(row, desc, 7);
	s->end = (TimestampTz) query_int8(row, desc, 8);
	s->has_result = DatumGetBool(SPI_getbinval(row, desc, 9, &isnull));
}

/*
 * Lock the sessions' rows (NOWAIT: result entry holds them while it
 * writes a result) and read them, in the order of ids; P0002 for one
 * that does not exist.
 */
void
live_lock_sessions(const int64 *ids, int n, LiveSession *out)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8ARRAYOID, TEXTARRAYOID};
	Datum		args[2] = {query_int8_array(ids, n), query_stage_labels()};

	query_prepare(&plan,
				  "SELECT session_id, tournament_id, array_position($2, stage), round, campus_id,"
				  " court, starts_at, ends_at, result_submitted FROM tourney.sessions"
				  " WHERE session_id = ANY ($1) AND session_id > 0 ORDER BY session_id"
				  " FOR UPDATE NOWAIT",
				  2, argtypes);
	query_exec_fresh(plan, args, NULL, 0);
	for (int i = 0; i < n; i++)
	{
		bool		found = false;

		for (uint64 r = 0; r < SPI_processed && !found; r++)
			if (query_int8(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1) == ids[i])
			{
				read_live_session(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, &out[i]);
				found = true;
			}
		if (!found)
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("session " INT64_FORMAT " does not exist", ids[i])));
	}
}

/* A session that may move: scheduled, without a result. */
void
live_require_movable(const LiveSession *s)
{
	if (s->has_result)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("session " INT64_FORMAT " has a result", s->session_id),
				 errdetail("A session with a result never moves.")));
	if (s->court == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("session " INT64_FORMAT " is not scheduled", s->session_id),
				 errhint("Call schedule_sessions first.")));
}

/* The courts of a tournament's venue (campus_id 0: its implicit venue). */
static int32
venue_courts(const Tournament *t, int64 campus_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(campus_id)};

	if (campus_id == 0)
		return t->schedule_courts;
	query_prepare(&plan, "SELECT courts FROM tourney.campuses WHERE campus_id = $1", 1, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("campus " INT64_FORMAT " does not exist", campus_id)));
	return query_int4(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* A campus the tournament plays on (0 names its implicit venue); else 22023 (P0002 unknown). */
void
live_require_venue(const Tournament *t, int64 campus_id)
{
	bool		listed = campus_id == 0 && t->ncampuses == 0;

	for (int i = 0; i < t->ncampuses && !listed; i++)
		listed = t->campus_ids[i] == campus_id;
	if (listed)
		return;
	if (campus_id != 0)
		(void) venue_courts(t, campus_id);	/* P0002 if unknown */
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 t->ncampuses == 0 ?
			 errmsg("tournament " INT64_FORMAT " has no campuses", t->id) :
			 errmsg("campus " INT64_FORMAT " is not a campus of tournament " INT64_FORMAT,
					campus_id, t->id),
			 t->ncampuses == 0 ?
			 errhint("Its sessions play at its one venue: leave campus_id null.") : 0));
}

void
live_require_court(const Tournament *t, int64 campus_id, int32 court)
{
	int32		courts = venue_courts(t, campus_id);

	if (court < 1 || court > courts)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("court %d does not exist at %s", court,
						campus_id != 0 ? psprintf("campus " INT64_FORMAT, campus_id)
						: psprintf("the venue of tournament " INT64_FORMAT, t->id)),
				 errdetail("It has %d courts.", courts)));
}

/* A court that sessions move onto: its campus shared, itself exclusive, NOWAIT. */
void
live_lock_court(int64 campus_id, int32 court)
{
	if (campus_id == 0)
		return;					/* an implicit venue: the tournament's schedule lock covers it */
	locks_take(LOCK_CAMPUS, (uint64) campus_id, 0, false, true,
			   psprintf("the schedule of campus " INT64_FORMAT, campus_id));
	locks_take(LOCK_COURT, (uint64) campus_id, (uint32) court, true, true,
			   psprintf("court %d of campus " INT64_FORMAT, court, campus_id));
}

/*
 * Write the new places and times of sessions without a result, in the
 * sessions and their bookings; the count written must be every one (a
 * result since read is an error).
 */
void
live_write_places(const LiveSession *s, int n)
{
	static SPIPlanPtr plan = NULL;
	static SPIPlanPtr plan_bookings = NULL;
	Oid			argtypes[6] = {INT8ARRAYOID, INT8ARRAYOID, INT4ARRAYOID, TIMESTAMPTZARRAYOID,
	TIMESTAMPTZARRAYOID, INT8ARRAYOID};
	Oid			types[6] = {INT8OID, INT8OID, INT4OID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID};
	Datum	   *values[6];
	bool	   *campus_nulls = palloc0(sizeof(bool) * Max(n, 1));
	Datum		args[6];
	int			dims[1] = {n};
	int			lbs[1] = {1};

	for (int c = 0; c < 6; c++)
		values[c] = palloc(sizeof(Datum) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		values[0][i] = Int64GetDatum(s[i].session_id);
		values[1][i] = Int64GetDatum(s[i].campus_id);
		campus_nulls[i] = s[i].campus_id == 0;
		values[2][i] = Int32GetDatum(s[i].court);
		values[3][i] = TimestampTzGetDatum(s[i].start);
		values[4][i] = TimestampTzGetDatum(s[i].end);
		values[5][i] = Int64GetDatum(s[i].tournament_id);
	}
	for (int c = 0; c < 6; c++)
		args[c] = PointerGetDatum(construct_md_array(values[c], c == 1 ? campus_nulls : NULL,
													 1, dims, lbs, types[c],
													 c == 2 ? 4 : 8, true,
													 c == 2 ? TYPALIGN_INT : TYPALIGN_DOUBLE));
	query_prepare(&plan,
				  "UPDATE tourney.sessions s SET campus_id = u.campus_id, court = u.court,"
				  " starts_at = u.starts_at, ends_at = u.ends_at"
				  " FROM unnest($1, $2, $3, $4, $5) u(session_id, campus_id, court, starts_at, ends_at)"
				  " WHERE s.session_id = u.session_id AND s.session_id > 0 AND NOT s.result_submitted",
				  6, argtypes);
	query_exec(plan, args, NULL, false, 0);
	if (SPI_processed != (uint64) n)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("a session got a result while it was being moved"),
				 errhint("Try again.")));
	query_prepare(&plan_bookings,
				  "UPDATE tourney.bookings b SET venue = coalesce(u.campus_id, -u.tournament_id),"
				  " court = u.court, starts_at = u.starts_at, ends_at = u.ends_at"
				  " FROM unnest($1, $2, $3, $4, $5, $6)"
				  "  u(session_id, campus_id, court, starts_at, ends_at, tournament_id)"
				  " WHERE b.tournament_id = u.tournament_id AND b.session_id = u.session_id",
				  6, argtypes);
	query_exec(plan_bookings, args, NULL, false, 0);
}

void
live_check(const Tournament *t, const int64 *ids, int64 n, TimestampTz from)
{
	ScheduleChange change = {t, false, ids, n, from};

	schedule_check(&change);
}

TimestampTz
live_shifted(TimestampTz t, TimestampTz by)
{
	if ((by > 0 && t > END_TIMESTAMP - by) || !IS_VALID_TIMESTAMP(t + by))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return t + by;
}

