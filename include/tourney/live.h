/*
 * tourney/live.h: what the live changes of a schedule share (src/live.c):
 * the request_id, the locks taken NOWAIT, the sessions read under their
 * row locks, the rows written and checked.  The changes themselves are
 * in moves.c (move, swap, delay), draw.c (swap_players) and closure.c
 * (close_campus); lifecycle.h declares them.
 */
#ifndef TOURNEY_LIVE_H
#define TOURNEY_LIVE_H

#include "tourney/lifecycle.h"

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

extern LiveRequest live_request(int64 tournament_id, const pg_uuid_t *id, const char *operation,
								char *arguments);
extern Tournament *live_begin(LiveRequest *r, const char *action, bool needs_schedule);
extern void live_end(const LiveRequest *r, const char *result);
extern void live_lock_sessions(const int64 *ids, int n, LiveSession *out);
extern void live_require_movable(const LiveSession *s);
extern void live_require_venue(const Tournament *t, int64 campus_id);
extern void live_require_court(const Tournament *t, int64 campus_id, int32 court);
extern void live_lock_court(int64 campus_id, int32 court);
extern void live_write_places(const LiveSession *s, int n);
extern void live_check(const Tournament *t, const int64 *ids, int64 n, TimestampTz from);
extern TimestampTz live_shifted(TimestampTz t, TimestampTz by);

#endif							/* TOURNEY_LIVE_H */
