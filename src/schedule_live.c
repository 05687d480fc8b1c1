/*
 * schedule_live.c: the changes of a schedule while the event runs: move
 * and swap sessions, swap players, delay, close a campus.
 *
 * Each is one transaction that changes nothing when refused.  Every lock
 * it takes is taken NOWAIT (tourney/lifecycle.h): when another change
 * holds the tournament's schedule, a campus, a court or a session row,
 * the call is refused at once with 55P03 and the first to commit wins;
 * since these calls never wait, no cycle of waits runs through them.  The
 * invariants are then checked over the rows (schedule_checks.c).
 *
 * A request_id makes a retried call harmless: its call, arguments and
 * result are kept in tourney.schedule_requests; the same id with the same
 * arguments returns the kept result and changes nothing, with other
 * arguments it is refused (22023).
 */
#include "tourney/lifecycle.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

/* A live change as it starts: what it is, for which tournament, under which request. */
typedef struct LiveRequest
{
	int64		tournament_id;
	const pg_uuid_t *id;		/* NULL: no request_id */
	const char *operation;
	char	   *arguments;		/* canonical: ids and microseconds, whatever the TimeZone */
	Datum		kept;			/* a replay: the first call's result (jsonb) */
} LiveRequest;

/* A session a live change changes, read under its row lock. */
typedef struct LiveSession
{
	int64		session_id;
	int64		tournament_id;
	int32		stage;
	int32		round;
	int64		campus_id;		/* 0: none */
	int32		court;			/* 0: not scheduled */
	TimestampTz start;
	TimestampTz end;
	bool		has_result;
} LiveSession;

static LiveRequest
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
static Tournament *
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
static void
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
static void
lock_sessions(const int64 *ids, int n, LiveSession *out)
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
static void
require_movable(const LiveSession *s)
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
static void
require_venue(const Tournament *t, int64 campus_id)
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

static void
require_court(const Tournament *t, int64 campus_id, int32 court)
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
static void
lock_court(int64 campus_id, int32 court)
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
static void
write_places(const LiveSession *s, int n)
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

static void
check_sessions(const Tournament *t, const int64 *ids, int64 n, TimestampTz from)
{
	ScheduleChange change = {t, false, ids, n, from};

	schedule_check(&change);
}

static TimestampTz
shifted(TimestampTz t, TimestampTz by)
{
	if ((by > 0 && t > END_TIMESTAMP - by) || !IS_VALID_TIMESTAMP(t + by))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return t + by;
}

void
live_move_session(int64 session_id, TimestampTz starts_at, int64 campus_id, int32 court,
				  const pg_uuid_t *request_id)
{
	LiveRequest r = live_request(session_tournament(session_id, NULL), request_id, "move_session",
		psprintf(INT64_FORMAT ", " INT64_FORMAT ", " INT64_FORMAT ", %d", session_id,
				 (int64) starts_at, campus_id, court));
	Tournament *t = live_begin(&r, "move a session", true);
	LiveSession s;

	if (t == NULL)
		return;
	lock_sessions(&session_id, 1, &s);
	require_movable(&s);
	if (campus_id != 0)
		require_venue(t, campus_id);
	else
		campus_id = s.campus_id;
	if (court == 0)
		court = s.court;
	require_court(t, campus_id, court);
	lock_court(campus_id, court);
	s.end = shifted(s.end, starts_at - s.start);
	s.start = starts_at;
	s.campus_id = campus_id;
	s.court = court;
	write_places(&s, 1);
	check_sessions(t, &session_id, 1, s.start);
	live_end(&r, "null");
}

/* The place one session takes from the other must be a venue of its own tournament. */
static void
require_place_for(const Tournament *t, const LiveSession *taker, const LiveSession *giver)
{
	if (taker->tournament_id == giver->tournament_id)
		return;
	if (giver->campus_id == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("session " INT64_FORMAT " cannot take the place of session " INT64_FORMAT
						", which plays at the venue of another tournament",
						taker->session_id, giver->session_id)));
	require_venue(t, giver->campus_id);
}

void
live_swap_sessions(int64 session_a, int64 session_b, const pg_uuid_t *request_id)
{
	int64		ids[2] = {Min(session_a, session_b), Max(session_a, session_b)};
	LiveRequest r = live_request(session_tournament(session_a, NULL), request_id, "swap_sessions",
	psprintf(INT64_FORMAT ", " INT64_FORMAT, session_a, session_b));
	int64		other = session_tournament(session_b, NULL);
	Tournament *t = live_begin(&r, "swap sessions", true);
	Tournament *ts[2];
	LiveSession s[2];
	LiveSession swapped[2];

	if (t == NULL)
		return;
	if (session_a == session_b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot swap session " INT64_FORMAT " with itself", session_a)));
	ts[0] = t;
	ts[1] = t;
	if (other != t->id)
	{
		LiveRequest second = live_request(other, NULL, "swap_sessions", r.arguments);

		ts[1] = live_begin(&second, "swap sessions", true);
	}
	lock_sessions(ids, 2, s);
	if (s[0].session_id != session_a)
	{
		LiveSession keep = s[0];

		s[0] = s[1];
		s[1] = keep;
	}
	for (int i = 0; i < 2; i++)
	{
		require_movable(&s[i]);
		require_place_for(ts[i], &s[i], &s[1 - i]);
	}
	for (int i = 0; i < 2; i++)
	{
		swapped[i] = s[i];
		swapped[i].campus_id = s[1 - i].campus_id;
		swapped[i].court = s[1 - i].court;
		swapped[i].start = s[1 - i].start;
		swapped[i].end = s[1 - i].end;
	}
	for (int i = 0; i < 2; i++)
		lock_court(s[i].campus_id, s[i].court);
	write_places(swapped, 2);
	check_sessions(ts[0], ids, 2, Min(s[0].start, s[1].start));
	if (ts[1] != ts[0])
		check_sessions(ts[1], ids, 2, Min(s[0].start, s[1].start));
	live_end(&r, "null");
}

/* The player in a slot, or 55000 if the slot has none yet. */
static int64
slot_player(const Tournament *t, int64 session_id, int32 slot)
{
	static SPIPlanPtr plan = NULL;
	static SPIPlanPtr plan_fed = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, INT2OID};
	Datum		args[3] = {Int64GetDatum(t->id), Int64GetDatum(session_id), Int16GetDatum(slot)};

	if (slot < 1 || slot > t->format->participants)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("slot %d does not exist in session " INT64_FORMAT, slot, session_id),
				 errdetail("A %s session has %d.", t->format->name, t->format->participants)));
	query_prepare(&plan_fed,
				  "(SELECT session_id FROM tourney.sessions"
				  "  WHERE next_session_id = $2 AND next_slot = $3 AND tournament_id = $1)"
				  " UNION ALL"
				  " (SELECT session_id FROM tourney.sessions"
				  "  WHERE loser_next_session_id = $2 AND loser_next_slot = $3 AND tournament_id = $1)"
				  " LIMIT 1",
				  3, argtypes);
	query_exec_fresh(plan_fed, args, NULL, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("slot %d of session " INT64_FORMAT " is filled from session " INT64_FORMAT,
						slot, session_id,
						query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
				 errdetail("Only the players a draw placed can be swapped.")));
	query_prepare(&plan,
				  "SELECT player_id FROM tourney.session_participants"
				  " WHERE tournament_id = $1 AND session_id = $2 AND slot = $3",
				  3, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("slot %d of session " INT64_FORMAT " has no player yet", slot, session_id)));
	return query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* The other player of a two-player session, or 0. */
static int64
opponent_of(const Tournament *t, int64 session_id, int32 slot)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, INT2OID};
	Datum		args[3] = {Int64GetDatum(t->id), Int64GetDatum(session_id), Int16GetDatum(slot)};

	query_prepare(&plan,
				  "SELECT player_id FROM tourney.session_participants"
				  " WHERE tournament_id = $1 AND session_id = $2 AND slot <> $3",
				  3, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	return SPI_processed == 0 ? 0 : query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* A paired format pairs no two players twice: the new pairs must be new. */
static void
require_new_pair(const Tournament *t, int64 player, int64 opponent, const int64 *sessions)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, INT8OID, INT8OID, INT8ARRAYOID};
	Datum		args[4] = {Int64GetDatum(t->id), Int64GetDatum(player), Int64GetDatum(opponent),
	query_int8_array(sessions, 2)};

	if (t->format->later != LATER_PAIRED_ROUNDS || player == 0 || opponent == 0)
		return;
	query_prepare(&plan,
				  "SELECT a.session_id FROM tourney.session_participants a"
				  " JOIN tourney.session_participants b ON b.tournament_id = a.tournament_id"
				  "  AND b.session_id = a.session_id AND b.player_id = $3"
				  " WHERE a.tournament_id = $1 AND a.player_id = $2 AND a.session_id <> ALL ($4)"
				  " LIMIT 1",
				  4, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("players " INT64_FORMAT " and " INT64_FORMAT " met in session " INT64_FORMAT
						" already", player, opponent,
						query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
				 errdetail("A %s pairs no two players twice.", t->format->name)));
}

/* The rules a swap of players must keep, before anything is written. */
static void
require_swappable(const Tournament *t, const LiveSession *s)
{
	if (t->format->round_robin_stages & FORMAT_STAGE_BIT(s[0].stage))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("players of the %s stage of a %s cannot be swapped",
						tourney_stage_names[s[0].stage], t->format->name),
				 errdetail("Everyone meets everyone there: a swap would pair two players twice.")));
	if (s[0].tournament_id != s[1].tournament_id || s[0].stage != s[1].stage ||
		s[0].round != s[1].round)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sessions " INT64_FORMAT " and " INT64_FORMAT
						" are not of the same stage and round", s[0].session_id,
						s[1].session_id)));
	for (int i = 0; i < 2; i++)
		if (s[i].has_result)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("session " INT64_FORMAT " has a result", s[i].session_id)));
}

void
live_swap_players(int64 session_a, int32 slot_a, int64 session_b, int32 slot_b,
				  const pg_uuid_t *request_id)
{
	static SPIPlanPtr plan = NULL;
	int64		ids[2] = {Min(session_a, session_b), Max(session_a, session_b)};
	LiveRequest r = live_request(session_tournament(session_a, NULL), request_id, "swap_players",
		psprintf(INT64_FORMAT ", %d, " INT64_FORMAT ", %d", session_a, slot_a, session_b,
				 slot_b));
	Tournament *t = live_begin(&r, "swap players", false);
	Oid			argtypes[5] = {INT8OID, INT8OID, INT2OID, INT8OID, INT2OID};
	LiveSession s[2];
	int64		player_a;
	int64		player_b;
	Datum		args[5];

	if (t == NULL)
		return;
	if (session_a == session_b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot swap players within session " INT64_FORMAT, session_a),
				 errdetail("swap_players exchanges players between two sessions.")));
	lock_sessions(ids, 2, s);
	require_swappable(t, s);
	player_a = slot_player(t, session_a, slot_a);
	player_b = slot_player(t, session_b, slot_b);
	require_new_pair(t, player_b, opponent_of(t, session_a, slot_a), ids);
	require_new_pair(t, player_a, opponent_of(t, session_b, slot_b), ids);
	args[0] = Int64GetDatum(t->id);
	args[1] = Int64GetDatum(session_a);
	args[2] = Int16GetDatum(slot_a);
	args[3] = Int64GetDatum(session_b);
	args[4] = Int16GetDatum(slot_b);
	query_prepare(&plan,
				  "UPDATE tourney.session_participants p"
				  " SET player_id = CASE WHEN p.session_id = $2 THEN o.player_id ELSE o2.player_id END"
				  " FROM tourney.session_participants o, tourney.session_participants o2"
				  " WHERE p.tournament_id = $1"
				  " AND ((p.session_id = $2 AND p.slot = $3) OR (p.session_id = $4 AND p.slot = $5))"
				  " AND o.tournament_id = $1 AND o.session_id = $4 AND o.slot = $5"
				  " AND o2.tournament_id = $1 AND o2.session_id = $2 AND o2.slot = $3",
				  5, argtypes);
	query_exec(plan, args, NULL, false, 0);
	if (SPI_processed != 2)
		elog(ERROR, "swap of players in sessions " INT64_FORMAT " and " INT64_FORMAT
			 " wrote %d rows", session_a, session_b, (int) SPI_processed);
	check_sessions(t, ids, 2, Min(s[0].start, s[1].start));
	live_end(&r, "null");
}

/* Lock and read every session of the tournament without a result starting at or after from. */
static int64
lock_pending_from(const Tournament *t, TimestampTz from, int64 **ids)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, TIMESTAMPTZOID};
	Datum		args[2] = {Int64GetDatum(t->id), TimestampTzGetDatum(from)};

	query_prepare(&plan,
				  "SELECT session_id FROM tourney.sessions"
				  " WHERE tournament_id = $1 AND starts_at >= $2 AND NOT result_submitted"
				  " ORDER BY session_id FOR UPDATE NOWAIT",
				  2, argtypes);
	query_exec_fresh(plan, args, NULL, 0);
	*ids = palloc(sizeof(int64) * Max(SPI_processed, 1));
	for (uint64 i = 0; i < SPI_processed; i++)
		(*ids)[i] = query_int8(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	return (int64) SPI_processed;
}

int32
live_delay_sessions(int64 tournament_id, TimestampTz from, int32 minutes,
					const pg_uuid_t *request_id)
{
	static SPIPlanPtr plan = NULL;
	LiveRequest r = live_request(tournament_id, request_id, "delay_sessions",
	psprintf(INT64_FORMAT ", " INT64_FORMAT ", %d", tournament_id, (int64) from, minutes));
	Tournament *t = live_begin(&r, "delay sessions", true);
	Oid			argtypes[2] = {INT8ARRAYOID, INTERVALOID};
	Interval   *by = palloc0(sizeof(Interval));
	Datum		args[2];
	int64	   *ids;
	int64		n;

	if (t == NULL)
		return DatumGetInt32(DirectFunctionCall1(jsonb_int4, r.kept));
	locks_take_campuses(t->campus_ids, t->ncampuses, true, true);
	n = lock_pending_from(t, from, &ids);
	by->time = minutes * USECS_PER_MINUTE;
	args[0] = query_int8_array(ids, (int) n);
	args[1] = IntervalPGetDatum(by);
	query_prepare(&plan,
				  "WITH moved AS (UPDATE tourney.sessions"
				  "  SET starts_at = starts_at + $2, ends_at = ends_at + $2"
				  "  WHERE session_id = ANY ($1) AND session_id > 0"
				  "  RETURNING tournament_id, session_id)"
				  " UPDATE tourney.bookings b SET starts_at = b.starts_at + $2, ends_at = b.ends_at + $2"
				  " FROM moved m WHERE b.tournament_id = m.tournament_id AND b.session_id = m.session_id",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 0);
	if (n > 0)
		check_sessions(t, ids, n, shifted(from, by->time));
	live_end(&r, psprintf(INT64_FORMAT, n));
	return (int32) n;
}

/* close_campus: the repair of the tournament's schedule, as it is loaded. */
typedef struct ClosureLoad
{
	const Tournament *t;
	Repair		repair;
	int64		allocated;
	IdLookup	lookup;
	int64	   *seat_players;	/* participants: player, and the index of their session */
	int64	   *seat_sessions;
	int64		nseats;
	int64		seats_allocated;
	int64		seat_sessions_allocated;
} ClosureLoad;

static void
add_closure_session(HeapTuple row, TupleDesc desc, void *arg)
{
	ClosureLoad *l = arg;
	RepairSession *s;
	bool		isnull;

	l->repair.sessions = tourney_grow(l->repair.sessions, l->repair.nsessions, &l->allocated,
									  sizeof(RepairSession));
	s = &l->repair.sessions[l->repair.nsessions++];
	memset(s, 0, sizeof(*s));
	s->session_id = query_int8(row, desc, 1);
	s->venue = l->t->ncampuses > 0 ? tournament_campus_index(l->t, query_int8(row, desc, 2)) : 0;
	s->court = query_int4(row, desc, 3);
	s->start = (TimestampTz) query_int8(row, desc, 4);
	s->end = (TimestampTz) query_int8(row, desc, 5);
	s->movable = !DatumGetBool(SPI_getbinval(row, desc, 6, &isnull));
	s->next[0] = query_int8(row, desc, 7);	/* ids until resolve_links */
	s->next[1] = query_int8(row, desc, 8);
	s->players[0] = s->players[1] = -1;
	if (s->venue < 0)
		elog(ERROR, "session " INT64_FORMAT " is not at a campus of tournament " INT64_FORMAT,
			 s->session_id, l->t->id);
}

static void
add_closure_seat(HeapTuple row, TupleDesc desc, void *arg)
{
	ClosureLoad *l = arg;
	const char *found = id_lookup(&l->lookup, query_int8(row, desc, 1));

	if (found == NULL)
		return;
	l->seat_players = tourney_grow(l->seat_players, l->nseats, &l->seats_allocated,
								   sizeof(int64));
	l->seat_sessions = tourney_grow(l->seat_sessions, l->nseats, &l->seat_sessions_allocated,
									sizeof(int64));
	l->seat_players[l->nseats] = query_int8(row, desc, 2);
	l->seat_sessions[l->nseats] = (found - l->lookup.base) / (int64) sizeof(RepairSession);
	l->nseats++;
}

/* Links and players of the loaded sessions, as indexes among them. */
static void
resolve_closure(ClosureLoad *l)
{
	Repair	   *r = &l->repair;
	int64	   *players = palloc(sizeof(int64) * Max(l->nseats, 1));
	IdLookup	numbers;
	int64		n;

	for (int64 i = 0; i < r->nsessions; i++)
		for (int k = 0; k < 2; k++)
		{
			const char *to = r->sessions[i].next[k] == 0 ? NULL :
				id_lookup(&l->lookup, r->sessions[i].next[k]);

			r->sessions[i].next[k] = to == NULL ? -1 :
				(to - l->lookup.base) / (int64) sizeof(RepairSession);
		}
	memcpy(players, l->seat_players, sizeof(int64) * l->nseats);
	n = id_number(players, l->nseats, &numbers);
	for (int64 i = 0; i < l->nseats; i++)
	{
		RepairSession *s = &r->sessions[l->seat_sessions[i]];
		int32		p = (int32) ((int64 *) id_lookup(&numbers, l->seat_players[i]) - players);

		s->players[s->players[0] < 0 ? 0 : 1] = p;
	}
	repair_link_players(r, (int32) n);
}

/*
 * The tournament's scheduled sessions (the lifted ones, and all they can
 * push) with their players, and its campuses with every booking that ends
 * after the closure starts.
 */
static void
load_closure(const Tournament *t, TimestampTz from, ClosureLoad *l)
{
	static SPIPlanPtr plan_sessions = NULL;
	static SPIPlanPtr plan_seats = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	ScheduleVenues sv;

	memset(l, 0, sizeof(*l));
	l->t = t;
	query_prepare(&plan_sessions,
				  "SELECT session_id, campus_id, court, starts_at, ends_at, result_submitted,"
				  " next_session_id, loser_next_session_id FROM tourney.sessions"
				  " WHERE tournament_id = $1 AND starts_at IS NOT NULL ORDER BY session_id",
				  1, argtypes);
	query_prepare(&plan_seats,
				  "SELECT p.session_id, p.player_id FROM tourney.session_participants p"
				  " WHERE p.tournament_id = $1 ORDER BY p.session_id, p.slot",
				  1, argtypes);
	query_scan_fresh(plan_sessions, args, add_closure_session, NULL, l);
	id_lookup_init(&l->lookup, l->repair.sessions, l->repair.nsessions, sizeof(RepairSession));
	query_scan_fresh(plan_seats, args, add_closure_seat, NULL, l);
	resolve_closure(l);
	schedule_load_venues(t, from, &l->lookup, &sv);
	l->repair.venues = sv.venues;
	l->repair.nvenues = sv.nvenues;
	l->repair.rest = t->rest_minutes * USECS_PER_MINUTE;
	l->repair.not_before = from;
}

static void
record_closure(const Tournament *t, int64 campus_id, TimestampTz from, TimestampTz to)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID};
	Datum		args[4] = {Int64GetDatum(campus_id), TimestampTzGetDatum(from),
		TimestampTzGetDatum(to),
	CStringGetTextDatum(psprintf("close_campus for tournament " INT64_FORMAT, t->id))};

	query_prepare(&plan,
				  "INSERT INTO tourney.campus_closures (campus_id, during, reason)"
				  " VALUES ($1, tstzrange($2, $3), $4)",
				  4, argtypes);
	query_exec(plan, args, NULL, false, 0);
}

static void
refuse_repair(const Tournament *t, int64 campus_id, RepairOutcome outcome, int64 blocker)
{
	if (outcome == REPAIR_HAS_RESULT)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot close campus " INT64_FORMAT ": session " INT64_FORMAT
						" would have to move, and it has a result", campus_id, blocker),
				 errdetail("A session with a result never moves.")));
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("cannot close campus " INT64_FORMAT ": the other campuses of tournament "
					INT64_FORMAT " cannot take its sessions", campus_id, t->id),
			 t->ncampuses == 1 ? errdetail("The tournament has no other campus.") :
			 errdetail("Session " INT64_FORMAT " finds no free court before their opening hours end.",
					   blocker),
			 errhint("Add opening hours or courts to the other campuses, or close for less time.")));
}

/* The sessions the repair placed anew, locked and written; returns those lifted. */
static Datum
write_repair(const Tournament *t, const Repair *r, const ScheduleVenues *venues, int64 *nlifted,
			 char **kept)
{
	LiveSession *changed = palloc(sizeof(LiveSession) * Max(r->nsessions, 1));
	int64	   *ids = palloc(sizeof(int64) * Max(r->nsessions, 1));
	int64	   *lifted = palloc(sizeof(int64) * Max(r->nsessions, 1));
	LiveSession *locked;
	StringInfoData json;
	int			n = 0;

	*nlifted = 0;
	initStringInfo(&json);
	appendStringInfoChar(&json, '[');
	for (int64 i = 0; i < r->nsessions; i++)
	{
		const RepairSession *s = &r->sessions[i];

		if (!s->changed)
			continue;
		ids[n] = s->session_id;
		changed[n] = (LiveSession) {s->session_id, t->id, 0, 0, venues->venues[s->venue].campus_id,
		s->court, s->start, s->end, false};
		n++;
		if (s->lifted)
		{
			appendStringInfo(&json, "%s" INT64_FORMAT, *nlifted > 0 ? ", " : "", s->session_id);
			lifted[(*nlifted)++] = s->session_id;
		}
	}
	appendStringInfoChar(&json, ']');
	*kept = json.data;
	locked = palloc(sizeof(LiveSession) * Max(n, 1));
	if (n > 0)
		lock_sessions(ids, n, locked);
	for (int i = 0; i < n; i++)
		require_movable(&locked[i]);
	write_places(changed, n);
	if (n > 0)
		check_sessions(t, ids, n, r->not_before);
	return query_int8_array(lifted, (int) *nlifted);
}

/* A kept result of close_campus: its jsonb array as a bigint[]. */
static Datum
kept_ids(Datum kept)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {JSONBOID};
	Datum		args[1] = {kept};
	bool		isnull;

	query_prepare(&plan, "SELECT ARRAY(SELECT jsonb_array_elements_text($1)::bigint)",
				  1, argtypes);
	query_exec(plan, args, NULL, true, 1);
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
										   &isnull), false, -1);
}

Datum
live_close_campus(int64 tournament_id, int64 campus_id, TimestampTz from, TimestampTz to,
				  const pg_uuid_t *request_id)
{
	LiveRequest r = live_request(tournament_id, request_id, "close_campus",
		psprintf(INT64_FORMAT ", " INT64_FORMAT ", " INT64_FORMAT ", " INT64_FORMAT,
				 tournament_id, campus_id, (int64) from, (int64) to));
	Tournament *t = live_begin(&r, "close a campus", true);
	ClosureLoad l;
	ScheduleVenues venues;
	RepairOutcome outcome;
	int32		closed;
	int64		nlifted;
	char	   *kept;
	Datum		lifted;

	if (t == NULL)
		return kept_ids(r.kept);
	if ((closed = tournament_campus_index(t, campus_id)) < 0)
		require_venue(t, campus_id);
	locks_take_campuses(t->campus_ids, t->ncampuses, true, true);
	record_closure(t, campus_id, from, to);
	load_closure(t, from, &l);
	for (int64 i = 0; i < l.repair.nsessions; i++)
	{
		RepairSession *s = &l.repair.sessions[i];

		s->lifted = s->venue == closed && s->movable && s->start < to && s->end > from;
	}
	l.repair.closed_venue = closed;
	outcome = repair_run(&l.repair);
	if (outcome != REPAIR_DONE)
		refuse_repair(t, campus_id, outcome, l.repair.blocker);
	venues.nvenues = l.repair.nvenues;
	venues.venues = l.repair.venues;
	lifted = write_repair(t, &l.repair, &venues, &nlifted, &kept);
	live_end(&r, kept);
	return lifted;
}
