/*
 * tourney/timetable.h: sessions on courts in time, the pure part of
 * scheduling (src/timetable/).  No SPI, no catalog access: the lifecycle
 * (schedule.c) loads venues and sessions, and writes what comes back.
 *
 * Times are TimestampTz, spans half-open [from, to).  A venue is a campus
 * or a tournament's implicit venue: courts, opening hours, closures, and
 * per court what is booked there already.
 */
#ifndef TOURNEY_TIMETABLE_H
#define TOURNEY_TIMETABLE_H

#include "tourney/tourney.h"

#include "datatype/timestamp.h"

typedef struct TimetableSpan
{
	TimestampTz from;
	TimestampTz to;
} TimetableSpan;

/* What is booked on one court: disjoint spans in time order, with their holders. */
typedef struct TimetableCourt
{
	TimetableSpan *booked;
	int64	   *holder;			/* a session's index, or -1: a session placed by no one here */
	int64		nbooked;
	int64		allocated;
} TimetableCourt;

typedef struct TimetableVenue
{
	int64		campus_id;		/* 0: the implicit venue */
	int32		courts;
	int32		nopen;			/* 0: always open */
	TimetableSpan *open;		/* opening windows, disjoint, in time order */
	int32		nclosed;
	TimetableSpan *closed;		/* closures, merged (timetable_merge_spans) */
	TimetableCourt *court;		/* [courts] */
} TimetableVenue;

/* place.c: the earliest start of a session of this length on a court */
extern TimestampTz timetable_fit(const TimetableVenue *v, int32 court, TimestampTz from,
								 TimestampTz duration);
extern int32 timetable_merge_spans(TimetableSpan *spans, int32 n);
extern void timetable_book(TimetableCourt *c, TimetableSpan span, int64 holder);
extern void timetable_unbook(TimetableCourt *c, TimetableSpan span, int64 holder);

/*
 * A session to place.  Sessions are given feeders first (in session_id
 * order, as ids are minted) with edges to the sessions they feed.
 */
typedef struct TimetableSession
{
	int64		session_id;
	int32		venue;
	int32		height;			/* sessions on the longest path from it to the end, itself included */
	int32		players[2];		/* indexes of its known players; -1: none */
	TimestampTz release;		/* it starts no earlier: the start, fed sessions, a round before */
	/* the placement; it ends duration later */
	int32		court;			/* 1-based */
	TimestampTz start;
} TimetableSession;

typedef struct Timetable
{
	TimestampTz duration;
	TimestampTz rest;
	int32		nvenues;
	TimetableVenue *venues;
	int32		nplayers;
	TimestampTz *player_free;	/* by player: when their next session may start */
	int64		nsessions;
	TimetableSession *sessions;
	const int64 *succ_start;	/* [nsessions + 1]: sessions i feeds are */
	const int64 *succ;			/* succ[succ_start[i] .. succ_start[i + 1]) */
} Timetable;

extern void timetable_heights(Timetable *tt);
extern bool timetable_place(Timetable *tt, int64 *placed);
extern TimestampTz timetable_lower_bound(const Timetable *tt, int32 field, int participants);

/*
 * repair.c: an outage.  The scheduled sessions of one tournament, the
 * lifted ones to be placed at other venues, and what they push later.
 */
typedef struct RepairSession
{
	int64		session_id;
	int32		venue;
	int32		court;
	TimestampTz start;
	TimestampTz end;
	bool		movable;		/* no result */
	bool		lifted;			/* must leave its venue */
	bool		changed;		/* out: placed anew */
	int32		players[2];
	int64		next[2];		/* indexes of the sessions it feeds; -1: none */
	int64		player_next[2]; /* index of each player's next session in time; -1 */
} RepairSession;

typedef struct Repair
{
	TimestampTz rest;
	TimestampTz not_before;		/* a lifted session starts no earlier */
	int32		nvenues;
	TimetableVenue *venues;		/* their courts hold every booking, these sessions' too */
	int32		closed_venue;	/* the venue the lifted sessions leave */
	int64		nsessions;
	RepairSession *sessions;	/* in session_id order */
	int64		blocker;		/* out, on failure: the session that could not move */
} Repair;

typedef enum RepairOutcome
{
	REPAIR_DONE,
	REPAIR_NO_ROOM,				/* hours ran out, or no other venue */
	REPAIR_HAS_RESULT			/* a session with a result would have to move */
} RepairOutcome;

extern void repair_link_players(Repair *r, int32 nplayers);
extern RepairOutcome repair_run(Repair *r);

#endif							/* TOURNEY_TIMETABLE_H */
