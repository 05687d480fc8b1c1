/*
 * moves.c: moving sessions in time and place: move_session, swap_sessions,
 * delay_sessions.
 */
#include "tourney/live.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

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
	live_lock_sessions(&session_id, 1, &s);
	live_require_movable(&s);
	if (campus_id != 0)
		live_require_venue(t, campus_id);
	else
		campus_id = s.campus_id;
	if (court == 0)
		court = s.court;
	live_require_court(t, campus_id, court);
	live_lock_court(campus_id, court);
	s.end = live_shifted(s.end, starts_at - s.start);
	s.start = starts_at;
	s.campus_id = campus_id;
	s.court = court;
	live_write_places(&s, 1);
	live_check(t, &session_id, 1, s.start);
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
	live_require_venue(t, giver->campus_id);
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
	live_lock_sessions(ids, 2, s);
	if (s[0].session_id != session_a)
	{
		LiveSession keep = s[0];

		s[0] = s[1];
		s[1] = keep;
	}
	for (int i = 0; i < 2; i++)
	{
		live_require_movable(&s[i]);
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
		live_lock_court(s[i].campus_id, s[i].court);
	live_write_places(swapped, 2);
	live_check(ts[0], ids, 2, Min(s[0].start, s[1].start));
	if (ts[1] != ts[0])
		live_check(ts[1], ids, 2, Min(s[0].start, s[1].start));
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
		live_check(t, ids, n, live_shifted(from, by->time));
	live_end(&r, psprintf(INT64_FORMAT, n));
	return (int32) n;
}

