/*
 * closure.c: close_campus, an outage: the closure recorded, the
 * tournament's sessions there moved to its other campuses by the repair
 * of timetable/repair.c, and what they push shifted.
 */
#include "tourney/live.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

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
	venues_load(t, from, &l->lookup, &sv);
	l->repair.venues = sv.venues;
	l->repair.nvenues = sv.nvenues;
	l->repair.rest = t->rest_minutes * USECS_PER_MINUTE;
	l->repair.not_before = from;
}

/* A session with a result in the closure cannot leave it: refused before anything moves. */
static void
refuse_played_inside(int64 campus_id, TimestampTz from, TimestampTz to)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		args[3] = {Int64GetDatum(campus_id), TimestampTzGetDatum(from),
	TimestampTzGetDatum(to)};

	query_prepare(&plan,
				  "SELECT b.session_id FROM tourney.bookings b JOIN tourney.sessions s"
				  "  ON s.tournament_id = b.tournament_id AND s.session_id = b.session_id"
				  " WHERE b.venue = $1 AND b.starts_at < $3 AND b.ends_at > $2"
				  " AND s.result_submitted LIMIT 1",
				  3, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot close campus " INT64_FORMAT ": session " INT64_FORMAT
						" has a result in that time", campus_id,
						query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
				 errdetail("A session with a result never moves."),
				 errhint("Close the campus from a later time.")));
}

/* The closure, as the repair sees it before it is recorded: no session shifts into it. */
static void
close_venue(TimetableVenue *v, TimestampTz from, TimestampTz to)
{
	TimetableSpan *closed = palloc(sizeof(TimetableSpan) * (v->nclosed + 1));

	memcpy(closed, v->closed, sizeof(TimetableSpan) * v->nclosed);
	closed[v->nclosed] = (TimetableSpan) {from, to};
	v->closed = closed;
	v->nclosed = timetable_merge_spans(closed, v->nclosed + 1);
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
		live_lock_sessions(ids, n, locked);
	for (int i = 0; i < n; i++)
		live_require_movable(&locked[i]);
	live_write_places(changed, n);
	if (n > 0)
		live_check(t, ids, n, r->not_before);
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
		live_require_venue(t, campus_id);
	locks_take_campuses(t->campus_ids, t->ncampuses, true, true);
	refuse_played_inside(campus_id, from, to);
	load_closure(t, from, &l);
	close_venue(&l.repair.venues[closed], from, to);
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
	/* recorded once its sessions are out of it: it may be checked at once */
	record_closure(t, campus_id, from, to);
	live_end(&r, kept);
	return lifted;
}
