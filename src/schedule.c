/*
 * schedule.c: a time and a court for every session.
 *
 * schedule_sessions places every unscheduled session of a tournament and
 * keeps its parameters; the sessions written later (a Swiss round, the
 * knockout after the groups, a grand-final reset) are placed when the
 * wave writer writes them, with those parameters.  The timetable (pure,
 * src/timetable/) decides; this file loads what it needs (venues with
 * their courts, hours, closures and bookings; the sessions, what feeds
 * what, the players), writes what it decided straight into the rows it
 * read, and has the result checked over the rows (schedule_checks.c).
 *
 * Locks: schedule_sessions holds the tournament lock exclusive (no result
 * entry writes its rows meanwhile), then its schedule and its campuses
 * exclusive, waiting; the sessions written later are placed under the
 * lock of the result entry that wrote them and take the same two.  See
 * tourney/lifecycle.h for the order.
 *
 * Measured (make bench): a 1,048,575-session knockout reads, places and
 * writes in ... s; placing alone is a tenth of that.
 */
#include "tourney/lifecycle.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

/* Sessions of a tournament as the placement reads them, in session_id order. */
typedef struct LoadedSession
{
	int64		session_id;
	int64		next[2];		/* next_session_id, loser_next_session_id; 0: none */
	TimestampTz end;			/* scheduled: its end; DT_NOBEGIN: not scheduled */
	int64		place;			/* its index among the sessions to place, or -1 */
} LoadedSession;

/* A participant of a loaded session, until players are numbered. */
typedef struct LoadedSeat
{
	int64		player_id;
	int64		row;			/* index of its loaded session */
} LoadedSeat;

typedef struct PlaceLoad
{
	const Tournament *t;
	ScheduleVenues venues;
	TimestampTz start;
	TimestampTz rest;
	LoadedSession *rows;
	int64		nrows;
	int64		rows_allocated;
	IdLookup	row_lookup;
	/* the sessions to place, with where their rows are and their stage and round */
	Timetable	tt;
	int64		place_allocated;
	ItemPointerData *tids;
	int64		tids_allocated;
	int32	   *stage_round;	/* [2 * i]: stage, [2 * i + 1]: round */
	int64		stage_round_allocated;
	int64		spread;			/* the next campus for a session without one */
	LoadedSeat *seats;
	int64		nseats;
	int64		seats_allocated;
} PlaceLoad;

/*
 * Take times and courts off sessions that will not be played as
 * scheduled: those of ids (bigint[]; walkovers), or with ids (Datum) 0
 * every session of the tournament without a result (a cancellation, new
 * parameters); their bookings go with them.
 */
void
schedule_free(const Tournament *t, Datum ids)
{
	static SPIPlanPtr plans[2];
	Oid			argtypes[2] = {INT8OID, INT8ARRAYOID};
	Datum		args[2] = {Int64GetDatum(t->id), ids};
	bool		listed = ids != (Datum) 0;

	if (!t->scheduled)
		return;
	query_prepare(&plans[listed],
				  psprintf("WITH freed AS (UPDATE tourney.sessions"
						   "  SET starts_at = NULL, ends_at = NULL, court = NULL"
						   "  WHERE tournament_id = $1 AND starts_at IS NOT NULL AND %s"
						   "  RETURNING tournament_id, session_id)"
						   " DELETE FROM tourney.bookings b USING freed f"
						   " WHERE b.tournament_id = f.tournament_id AND b.session_id = f.session_id",
						   listed ? "session_id = ANY ($2)" : "NOT result_submitted"),
				  2, argtypes);
	query_exec(plans[listed], args, listed ? NULL : " n", false, 0);
}

/*
 * New parameters for a tournament scheduled before: its sessions without
 * a result lose their times (and bookings), to be placed again with
 * them; the played ones stay, and the implicit venue keeps the courts
 * they were played on.
 */
static void
unschedule_pending(const Tournament *t, int32 courts)
{
	static SPIPlanPtr plan_court = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	bool		isnull;
	Datum		used;

	locks_take(LOCK_SCHEDULE, (uint64) t->id, 0, true, false, "the schedule");
	locks_take_campuses(t->campus_ids, t->ncampuses, true, false);
	if (t->ncampuses == 0)
	{
		query_prepare(&plan_court,
					  "SELECT max(court) FROM tourney.sessions WHERE tournament_id = $1"
					  " AND result_submitted AND starts_at IS NOT NULL",
					  1, argtypes);
		query_exec(plan_court, args, NULL, false, 1);
		used = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull && DatumGetInt32(used) > courts)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("courts must be at least %d for tournament " INT64_FORMAT,
							DatumGetInt32(used), t->id),
					 errdetail("A session with a result was played on court %d.",
							   DatumGetInt32(used))));
	}
	schedule_free(t, (Datum) 0);
}

/*
 * Keep schedule_sessions' parameters on the tournament, checked against
 * its venue: courts only for a tournament without campuses.  Other
 * parameters than those kept place every session without a result anew.
 */
void
schedule_keep_settings(Tournament *t, TimestampTz starts_at, int32 match_minutes,
					   int32 rest_minutes, int32 courts)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[5] = {INT8OID, TIMESTAMPTZOID, INT4OID, INT4OID, INT4OID};
	Datum		args[5] = {Int64GetDatum(t->id), TimestampTzGetDatum(starts_at),
	Int32GetDatum(match_minutes), Int32GetDatum(rest_minutes), Int32GetDatum(courts)};
	char		nulls[5] = {' ', ' ', ' ', ' ', courts > 0 ? ' ' : 'n'};

	if (t->ncampuses > 0 && courts > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("courts must be null for tournament " INT64_FORMAT ", which plays on campuses",
						t->id),
				 errhint("Set tourney.campuses.courts instead.")));
	if (t->ncampuses == 0 && courts <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("courts must not be null for tournament " INT64_FORMAT ", which has no campuses",
						t->id),
				 errdetail("A tournament without campuses plays at one venue with that many courts.")));
	if (t->scheduled &&
		(t->schedule_starts_at != starts_at || t->match_minutes != match_minutes ||
		 t->rest_minutes != rest_minutes || t->schedule_courts != Max(courts, 0)))
		unschedule_pending(t, courts);
	query_prepare(&plan,
				  "UPDATE tourney.tournaments SET schedule_starts_at = $2, match_minutes = $3,"
				  " rest_minutes = $4, schedule_courts = $5 WHERE tournament_id = $1",
				  5, argtypes);
	query_exec(plan, args, nulls, false, 0);
	t->scheduled = true;
	t->schedule_starts_at = starts_at;
	t->match_minutes = match_minutes;
	t->rest_minutes = rest_minutes;
	t->schedule_courts = Max(courts, 0);
}

/*
 * When the sessions of round `round` (0: every round) of the stages in
 * `stages` end, as scheduled; DT_NOBEGIN when none is.
 */
TimestampTz
schedule_barrier_end(const Tournament *t, uint32 stages, int32 round)
{
	static SPIPlanPtr plans[2];
	bool		pools = t->format->has_pools;
	Oid			argtypes[4] = {INT8OID, TEXTARRAYOID, INT4OID, INT4OID};
	Datum		labels[TOURNEY_STAGE_COUNT];
	int			n = 0;
	Datum		args[4];
	bool		isnull;
	Datum		end;

	for (int s = 0; s < TOURNEY_STAGE_COUNT; s++)
		if (stages & FORMAT_STAGE_BIT(s))
			labels[n++] = CStringGetTextDatum(tourney_stage_names[s]);
	args[0] = Int64GetDatum(t->id);
	args[1] = PointerGetDatum(construct_array(labels, n, TEXTOID, -1, false, TYPALIGN_INT));
	args[2] = Int32GetDatum(round > 0 ? round : 1);
	args[3] = Int32GetDatum(round > 0 ? round : INT32_MAX);
	/* without groups every session has pool 0: the index goes down to the round */
	query_prepare(&plans[pools],
				  psprintf("SELECT max(ends_at) FROM tourney.sessions"
						   " WHERE tournament_id = $1 AND stage = ANY ($2) %s"
						   " AND round BETWEEN $3 AND $4 AND starts_at IS NOT NULL",
						   pools ? "" : "AND pool = 0"),
				  4, argtypes);
	query_exec_fresh(plans[pools], args, NULL, 0);
	end = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? DT_NOBEGIN : DatumGetTimestampTz(end);
}

/* One session to place: its row's place, venue, stage and round. */
static void
add_to_place(PlaceLoad *l, LoadedSession *r, HeapTuple row, TupleDesc desc)
{
	int64		i = r->place = l->tt.nsessions++;
	int64		campus_id = query_int8(row, desc, 4);
	TimetableSession *s;
	bool		isnull;

	l->tt.sessions = tourney_grow(l->tt.sessions, i, &l->place_allocated,
								  sizeof(TimetableSession));
	l->tids = tourney_grow(l->tids, i, &l->tids_allocated, sizeof(ItemPointerData));
	l->stage_round = tourney_grow(l->stage_round, 2 * i + 1, &l->stage_round_allocated,
								  sizeof(int32));
	s = &l->tt.sessions[i];
	memset(s, 0, sizeof(*s));
	s->session_id = r->session_id;
	s->players[0] = s->players[1] = -1;
	s->release = l->start;
	if (l->t->ncampuses == 0)
		s->venue = 0;
	else if (campus_id == 0)
		s->venue = (int32) (l->spread++ % l->t->ncampuses);	/* any of its campuses */
	else if ((s->venue = tournament_campus_index(l->t, campus_id)) < 0)
		elog(ERROR, "session " INT64_FORMAT " is at campus " INT64_FORMAT
			 ", not one of tournament " INT64_FORMAT "'s", r->session_id, campus_id, l->t->id);
	l->tids[i] = DatumGetTid(SPI_getbinval(row, desc, 10, &isnull));
	l->stage_round[2 * i] = query_int4(row, desc, 2) - 1;
	l->stage_round[2 * i + 1] = query_int4(row, desc, 3);
}

static void
add_session_row(HeapTuple row, TupleDesc desc, void *arg)
{
	PlaceLoad  *l = arg;
	LoadedSession *r;
	bool		isnull;
	bool		scheduled;

	l->rows = tourney_grow(l->rows, l->nrows, &l->rows_allocated, sizeof(LoadedSession));
	r = &l->rows[l->nrows++];
	r->session_id = query_int8(row, desc, 1);
	r->next[0] = query_int8(row, desc, 5);
	r->next[1] = query_int8(row, desc, 6);
	(void) SPI_getbinval(row, desc, 8, &isnull);
	scheduled = !isnull;
	r->end = scheduled ? (TimestampTz) query_int8(row, desc, 9) : DT_NOBEGIN;
	r->place = -1;
	if (!scheduled && !DatumGetBool(SPI_getbinval(row, desc, 7, &isnull)))
		add_to_place(l, r, row, desc);	/* neither scheduled nor played without a time */
}

static void
add_seat(HeapTuple row, TupleDesc desc, void *arg)
{
	PlaceLoad  *l = arg;
	const char *found = id_lookup(&l->row_lookup, query_int8(row, desc, 1));

	if (found == NULL)
		return;
	l->seats = tourney_grow(l->seats, l->nseats, &l->seats_allocated, sizeof(LoadedSeat));
	l->seats[l->nseats].player_id = query_int8(row, desc, 2);
	l->seats[l->nseats].row = (found - l->row_lookup.base) / (int64) sizeof(LoadedSession);
	l->nseats++;
}

/*
 * The tournament's sessions with ids in [first, last] and their
 * participants, in session_id order: those neither scheduled nor played
 * are to be placed.
 */
static void
load_sessions(PlaceLoad *l, int64 first, int64 last)
{
	static SPIPlanPtr plan_sessions = NULL;
	static SPIPlanPtr plan_seats = NULL;
	Oid			argtypes[4] = {INT8OID, INT8OID, INT8OID, TEXTARRAYOID};
	Datum		args[4] = {Int64GetDatum(l->t->id), Int64GetDatum(first), Int64GetDatum(last),
	query_stage_labels()};

	query_prepare(&plan_sessions,
				  "SELECT session_id, array_position($4, stage), round, campus_id,"
				  " next_session_id, loser_next_session_id, result_submitted, starts_at, ends_at,"
				  " ctid FROM tourney.sessions"
				  " WHERE tournament_id = $1 AND session_id BETWEEN $2 AND $3 ORDER BY session_id",
				  4, argtypes);
	query_prepare(&plan_seats,
				  "SELECT session_id, player_id FROM tourney.session_participants"
				  " WHERE tournament_id = $1 AND session_id BETWEEN $2 AND $3"
				  " ORDER BY session_id, slot",
				  4, argtypes);
	query_scan(plan_sessions, args, false, add_session_row, NULL, l);
	id_lookup_init(&l->row_lookup, l->rows, l->nrows, sizeof(LoadedSession));
	query_scan(plan_seats, args, false, add_seat, NULL, l);
}

/*
 * Number the players the seats name; seat them in the sessions to place,
 * and let the scheduled sessions tell when each may play again.
 */
static void
number_players(PlaceLoad *l)
{
	int64	   *ids = palloc_extended(sizeof(int64) * Max(l->nseats, 1), MCXT_ALLOC_HUGE);
	IdLookup	players;
	Timetable  *tt = &l->tt;

	for (int64 i = 0; i < l->nseats; i++)
		ids[i] = l->seats[i].player_id;
	tt->nplayers = (int32) id_number(ids, l->nseats, &players);
	tt->player_free = palloc_extended(sizeof(TimestampTz) * Max(tt->nplayers, 1), MCXT_ALLOC_HUGE);
	for (int32 p = 0; p < tt->nplayers; p++)
		tt->player_free[p] = l->start;
	for (int64 i = 0; i < l->nseats; i++)
	{
		const LoadedSession *r = &l->rows[l->seats[i].row];
		int32		p = (int32) ((int64 *) id_lookup(&players, l->seats[i].player_id) - ids);

		if (r->place >= 0)
		{
			TimetableSession *s = &tt->sessions[r->place];

			s->players[s->players[0] < 0 ? 0 : 1] = p;
		}
		else if (r->end != DT_NOBEGIN)
			tt->player_free[p] = Max(tt->player_free[p], r->end + l->rest);
	}
	pfree(l->seats);
	l->seats = NULL;
}

/* An edge from session `from` to `to` (indexes among those to place), counted or filled. */
static inline void
add_edge(int64 *start, int64 *succ, int64 from, int64 to)
{
	if (succ == NULL)
		start[from + 1]++;
	else
		succ[start[from]++] = to;
}

/*
 * The edges of one pass: the links between sessions to place (a session
 * placed already holds back the one it feeds instead), and each player's
 * sessions one after the other in session_id order, the order the format
 * wrote them in (its rounds).  Placing a player's sessions in that order
 * keeps a round robin spread over campuses from losing its players to
 * later rounds at another campus (12 players on four campuses of two
 * courts: 480 minutes out of order, 330 in order, the bound).
 */
static void
emit_edges(PlaceLoad *l, int64 *start, int64 *succ, int32 *last_of_player)
{
	Timetable  *tt = &l->tt;

	for (int64 r = 0; r < l->nrows; r++)
		for (int k = 0; k < 2; k++)
		{
			const LoadedSession *from = &l->rows[r];
			const LoadedSession *to = from->next[k] == 0 ? NULL :
				id_lookup(&l->row_lookup, from->next[k]);

			if (to == NULL || to->place < 0)
				continue;
			if (from->place >= 0)
				add_edge(start, succ, from->place, to->place);
			else if (from->end != DT_NOBEGIN && succ == NULL)
				tt->sessions[to->place].release = Max(tt->sessions[to->place].release,
													  from->end + l->rest);
		}
	for (int32 p = 0; p < tt->nplayers; p++)
		last_of_player[p] = -1;
	for (int64 i = 0; i < tt->nsessions; i++)
		for (int k = 0; k < 2; k++)
		{
			int32		p = tt->sessions[i].players[k];

			if (p < 0)
				continue;
			if (last_of_player[p] >= 0)
				add_edge(start, succ, last_of_player[p], i);
			last_of_player[p] = (int32) i;
		}
}

/*
 * What comes after what among the sessions to place (see emit_edges), as
 * the timetable takes it: the sessions after session i are
 * succ[succ_start[i] .. succ_start[i + 1]).
 */
static void
link_sessions(PlaceLoad *l)
{
	Timetable  *tt = &l->tt;
	int64	   *start = palloc_extended(sizeof(int64) * (tt->nsessions + 1),
										MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	int32	   *last_of_player = palloc_extended(sizeof(int32) * Max(tt->nplayers, 1),
												 MCXT_ALLOC_HUGE);
	int64	   *succ;

	emit_edges(l, start, NULL, last_of_player);
	for (int64 i = 0; i < tt->nsessions; i++)
		start[i + 1] += start[i];
	succ = palloc_extended(sizeof(int64) * Max(start[tt->nsessions], 1), MCXT_ALLOC_HUGE);
	emit_edges(l, start, succ, last_of_player);
	for (int64 i = tt->nsessions; i > 0; i--)
		start[i] = start[i - 1];	/* each ends where the next starts */
	start[0] = 0;
	pfree(last_of_player);
	tt->succ_start = start;
	tt->succ = succ;
}

/* The rounds the sessions to place wait for, one query per kind of wait. */
static void
hold_for_barriers(PlaceLoad *l)
{
	uint32		last_stages = 0;
	int32		last_round = -1;
	TimestampTz last_end = DT_NOBEGIN;

	for (int64 i = 0; i < l->tt.nsessions; i++)
	{
		uint32		stages;
		int32		round;

		if (!format_schedule_after(l->t->format, (TourneyStage) l->stage_round[2 * i],
								   l->stage_round[2 * i + 1], &stages, &round))
			continue;
		if (stages != last_stages || round != last_round)
		{
			last_end = schedule_barrier_end(l->t, stages, round);
			last_stages = stages;
			last_round = round;
		}
		if (last_end != DT_NOBEGIN)
			l->tt.sessions[i].release = Max(l->tt.sessions[i].release, last_end + l->rest);
	}
}

/*
 * Write the placements: into the session rows read (a HOT update: no
 * index of sessions holds a time) and as new bookings; returns the ids
 * placed.
 */
static int64 *
write_placements(PlaceLoad *l, ScheduleSummary *summary)
{
	const char *columns[4] = {"starts_at", "ends_at", "court", "campus_id"};
	const char *booking_columns[6] = {"tournament_id", "session_id", "venue", "court",
	"starts_at", "ends_at"};
	TidUpdate  *u = tid_update_begin("sessions", 4, columns);
	BulkInsert *bookings = bulk_insert_begin("bookings", 6, booking_columns);
	int64	   *ids = palloc_extended(sizeof(int64) * Max(l->tt.nsessions, 1), MCXT_ALLOC_HUGE);
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	summary->ends_at = DT_NOBEGIN;
	for (int64 i = 0; i < l->tt.nsessions; i++)
	{
		const TimetableSession *s = &l->tt.sessions[i];
		int64		campus_id = l->venues.venues[s->venue].campus_id;
		TimestampTz end = s->start + l->tt.duration;

		if (!IS_VALID_TIMESTAMP(end))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("the schedule of tournament " INT64_FORMAT
							" runs past the end of the timestamp range", l->t->id)));
		values[0] = TimestampTzGetDatum(s->start);
		values[1] = TimestampTzGetDatum(end);
		values[2] = Int32GetDatum(s->court);
		values[3] = Int64GetDatum(campus_id);
		nulls[3] = campus_id == 0;
		tid_update_row(u, &l->tids[i], values, nulls);
		values[0] = Int64GetDatum(l->t->id);
		values[1] = Int64GetDatum(s->session_id);
		values[2] = Int64GetDatum(tournament_venue_key(l->t, campus_id));
		values[3] = Int32GetDatum(s->court);
		values[4] = TimestampTzGetDatum(s->start);
		values[5] = TimestampTzGetDatum(end);
		nulls[3] = false;
		bulk_insert_add(bookings, values, nulls);
		ids[i] = s->session_id;
		summary->ends_at = Max(summary->ends_at, end);
	}
	tid_update_end(u);
	bulk_insert_end(bookings);
	summary->sessions = l->tt.nsessions;
	return ids;
}

/* The earliest any session to place may start: no booking ending before matters. */
static TimestampTz
earliest_release(const Timetable *tt, TimestampTz start)
{
	TimestampTz from = DT_NOEND;

	for (int64 i = 0; i < tt->nsessions; i++)
		from = Min(from, tt->sessions[i].release);
	return Max(from == DT_NOEND ? start : from, start);
}

/*
 * Place the tournament's sessions with ids in [first, last] that are
 * neither scheduled nor played.  False when the hours run out first
 * (nothing written); else written and checked.
 */
/* What a placement leaves for its checks. */
typedef struct PlaceResult
{
	int64	   *ids;			/* placed, in the caller's memory (range placements only) */
	int64		count;
	TimestampTz from;			/* the earliest any of them could start */
	double		load_ms;
	double		place_ms;
	double		write_ms;
} PlaceResult;

/*
 * Load, place and write, in a memory context of its own that is gone
 * before the checks run (a million sessions take some 150 MB here, and
 * the checks' sorts and hashes want their work_mem).  False when the
 * hours run out (nothing written).
 */
static bool
place_and_write(const Tournament *t, int64 first, int64 last, ScheduleSummary *summary,
				PlaceResult *result)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "tourney placement",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext caller = MemoryContextSwitchTo(cxt);
	PlaceLoad	l;
	int64		placed;
	int64	   *ids;
	instr_time	start;
	bool		fits;

	memset(&l, 0, sizeof(l));
	l.t = t;
	l.start = t->schedule_starts_at;
	l.rest = t->rest_minutes * USECS_PER_MINUTE;
	INSTR_TIME_SET_CURRENT(start);
	load_sessions(&l, first, last);
	number_players(&l);
	link_sessions(&l);
	hold_for_barriers(&l);
	pfree(l.rows);
	result->from = earliest_release(&l.tt, l.start);
	venues_load(t, result->from, NULL, &l.venues);
	l.tt.venues = l.venues.venues;
	l.tt.nvenues = l.venues.nvenues;
	l.tt.duration = t->match_minutes * USECS_PER_MINUTE;
	l.tt.rest = l.rest;
	result->load_ms = tourney_elapsed_ms(start);
	INSTR_TIME_SET_CURRENT(start);
	timetable_heights(&l.tt);
	fits = timetable_place(&l.tt, &placed);
	result->place_ms = tourney_elapsed_ms(start);
	result->count = l.tt.nsessions;
	if (fits)
	{
		summary->lower_bound = timetable_lower_bound(&l.tt, field_count(t->id),
													 t->format->participants);
		INSTR_TIME_SET_CURRENT(start);
		ids = write_placements(&l, summary);
		result->write_ms = tourney_elapsed_ms(start);
		if (last != PG_INT64_MAX)
		{
			result->ids = MemoryContextAllocHuge(caller, sizeof(int64) * Max(l.tt.nsessions, 1));
			memcpy(result->ids, ids, sizeof(int64) * l.tt.nsessions);
		}
	}
	else
	{
		summary->sessions = placed;
		summary->unscheduled = l.tt.nsessions - placed;
	}
	MemoryContextSwitchTo(caller);
	MemoryContextDelete(cxt);
	return fits;
}

/*
 * Place the tournament's sessions with ids in [first, last] that are
 * neither scheduled nor played, under its schedule lock and its
 * campuses' (waiting: see tourney/lifecycle.h).  False when the hours
 * run out first (nothing written); else written and checked.
 */
static bool
place_sessions(const Tournament *t, int64 first, int64 last, ScheduleSummary *summary)
{
	PlaceResult result = {0};
	ScheduleChange change;
	instr_time	start;

	memset(summary, 0, sizeof(*summary));
	summary->ends_at = DT_NOBEGIN;
	locks_take(LOCK_SCHEDULE, (uint64) t->id, 0, true, false, "the schedule");
	locks_take_campuses(t->campus_ids, t->ncampuses, true, false);
	if (!place_and_write(t, first, last, summary, &result))
		return false;
	change.t = t;
	change.whole = last == PG_INT64_MAX;
	change.ids = result.ids;
	change.nids = result.count;
	change.from = result.from;
	INSTR_TIME_SET_CURRENT(start);
	if (result.count > 0)
		schedule_check(&change);
	elog(DEBUG1, "scheduled " INT64_FORMAT " sessions of tournament " INT64_FORMAT
		 ": load %.1f ms, place %.1f ms, write %.1f ms, check %.1f ms", result.count, t->id,
		 result.load_ms, result.place_ms, result.write_ms, tourney_elapsed_ms(start));
	return true;
}

/*
 * schedule_sessions, once its parameters are kept: every unscheduled
 * session, from the start.  Refused (55000) when the hours run out.
 */
void
schedule_sessions(const Tournament *t, ScheduleSummary *summary)
{
	if (!place_sessions(t, 1, PG_INT64_MAX, summary))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the sessions of tournament " INT64_FORMAT
						" do not fit in the opening hours of its campuses", t->id),
				 errdetail(INT64_FORMAT " of " INT64_FORMAT " sessions fit.",
						   summary->sessions, summary->sessions + summary->unscheduled),
				 errhint("Add opening hours or courts, or start earlier.")));
}

/*
 * Sessions written after results (ids first .. last) in a tournament with
 * a schedule: placed now, after everything they follow.  When the hours
 * run out they stay unscheduled, with a warning: the result that wrote
 * them stands, and schedule_sessions places them once there is room.
 */
void
schedule_written(const Tournament *t, int64 first_id, int64 last_id)
{
	ScheduleSummary summary;

	if (!t->scheduled || last_id < first_id)
		return;
	if (!place_sessions(t, first_id, last_id, &summary))
		ereport(WARNING,
				(errmsg("sessions " INT64_FORMAT " to " INT64_FORMAT " of tournament " INT64_FORMAT
						" could not be scheduled: the opening hours run out", first_id, last_id,
						t->id),
				 errhint("Add opening hours, then call schedule_sessions again.")));
}
