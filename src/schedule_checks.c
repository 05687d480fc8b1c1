/*
 * schedule_checks.c: the invariants of a schedule (SPEC section 3b),
 * checked by queries over the rows after every write of times, in the
 * same transaction and under the locks that keep every other writer of
 * those times away (tourney/lifecycle.h).  They do not trust the
 * algorithm that chose the times: a violation is an error, and the
 * transaction leaves nothing behind.
 *
 *   1. no two sessions on one court overlap (a campus's courts across
 *      every tournament; the implicit venue's within its tournament);
 *   2. no player is in two sessions at once, and has rest_minutes between;
 *   3. a session starts rest_minutes after every session that feeds it
 *      and after the rounds it waits for (format_schedule_after);
 *   4. a session lies inside one opening window of its campus, if the
 *      campus has hours, and in none of its closures.
 * The fifth, that a session with a result never moves, is kept by the
 * writers: they change only rows without a result, under the row lock
 * that result entry takes too.  Two sessions that were both played are
 * not held to rest and precedence again: they were checked when they were
 * placed, and a later schedule_sessions with more rest cannot move them.
 *
 * Courts are checked over tourney.bookings, which holds every scheduled
 * session's place and time again, indexed by court and time; the others
 * over tourney.sessions; and the two are compared first.  A change of a
 * few sessions is checked around them, by index probes; a whole schedule
 * by one ordered pass per court and per player.
 *
 * Why not exclusion constraints: a GiST exclusion index over (campus,
 * court, time) costs 60-74 s to fill at a million sessions, against the
 * 20 s the whole schedule_sessions may take (../shared/research/
 * scheduling.md section 3); these checks cost ... at that size (make bench).
 */
#include "tourney/lifecycle.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

/* Changes of up to this many sessions are checked by probes around each. */
#define CHECK_PROBE_LIMIT 64

static Datum
ids_array(const ScheduleChange *c)
{
	return query_int8_array(c->ids, (int) c->nids);
}

static Datum
rest_interval(const Tournament *t)
{
	Interval   *rest = palloc0(sizeof(Interval));

	rest->time = t->rest_minutes * USECS_PER_MINUTE;
	return IntervalPGetDatum(rest);
}

static void
refuse_court_overlap(int64 a, int64 b, int32 court, int64 campus_id, int64 tournament_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_EXCLUSION_VIOLATION),
			 errmsg("session " INT64_FORMAT " would overlap session " INT64_FORMAT
					" on court %d of %s", a, b, court,
					campus_id != 0 ? psprintf("campus " INT64_FORMAT, campus_id)
					: psprintf("the venue of tournament " INT64_FORMAT, tournament_id)),
			 errdetail("A court holds one session at a time.")));
}

/*
 * Probes around one changed session: the first session on its court that
 * starts within it, and the last that starts before it, whichever
 * overlaps.  Every overlap a change makes shows in the probes of one of
 * the sessions it changed: the rest of the court did not overlap before.
 */
static void
probe_court(const Tournament *t, int64 session_id)
{
	static SPIPlanPtr plan_self = NULL;
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Oid			probe_types[5] = {INT8OID, INT4OID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID};
	Datum		args[5];
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	int64		venue;
	int32		court;

	query_prepare(&plan_self,
				  "SELECT b.venue, b.court, b.starts_at, b.ends_at FROM tourney.sessions s"
				  " JOIN tourney.bookings b"
				  "  ON b.tournament_id = s.tournament_id AND b.session_id = s.session_id"
				  " WHERE s.session_id = $1 AND s.session_id > 0",
				  1, argtypes);
	args[0] = Int64GetDatum(session_id);
	query_exec_fresh(plan_self, args, NULL, 0);
	if (SPI_processed == 0)
		return;
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	venue = query_int8(row, desc, 1);
	court = query_int4(row, desc, 2);
	args[0] = Int64GetDatum(venue);
	args[1] = Int32GetDatum(court);
	args[2] = SPI_getbinval(row, desc, 3, &isnull);
	args[3] = SPI_getbinval(row, desc, 4, &isnull);
	args[4] = Int64GetDatum(session_id);
	query_prepare(&plan,
				  "SELECT o.session_id FROM ("
				  " (SELECT session_id, starts_at, ends_at FROM tourney.bookings"
				  "  WHERE venue = $1 AND court = $2 AND starts_at >= $3 AND starts_at < $4"
				  "  AND session_id <> $5 ORDER BY starts_at LIMIT 1)"
				  " UNION ALL"
				  " (SELECT session_id, starts_at, ends_at FROM tourney.bookings"
				  "  WHERE venue = $1 AND court = $2 AND starts_at < $3"
				  "  AND session_id <> $5 ORDER BY starts_at DESC LIMIT 1)) o"
				  " WHERE o.ends_at > $3 AND o.starts_at < $4 LIMIT 1",
				  5, probe_types);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed > 0)
		refuse_court_overlap(session_id,
							 query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
							 court, venue > 0 ? venue : 0, t->id);
}

/*
 * One ordered pass over a venue's courts from `from` on, and from the
 * last session starting before it on any court: each session against the
 * one before it on its court (ties in start are overlaps in any order).
 */
static void
scan_courts(const Tournament *t, int64 venue, int32 courts, TimestampTz from)
{
	static SPIPlanPtr plan = NULL;
	static SPIPlanPtr bound_plan = NULL;
	Oid			argtypes[3] = {INT8OID, TIMESTAMPTZOID, INT4OID};
	Datum		args[3] = {Int64GetDatum(venue), TimestampTzGetDatum(from), Int32GetDatum(courts)};
	bool		isnull;
	Datum		bound;

	query_prepare(&bound_plan,
				  "SELECT min((SELECT max(b.starts_at) FROM tourney.bookings b"
				  "  WHERE b.venue = $1 AND b.court = c.court AND b.starts_at < $2))"
				  " FROM generate_series(1, $3) c(court)",
				  3, argtypes);
	query_exec_fresh(bound_plan, args, NULL, 0);
	bound = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		args[1] = bound;
	/* court by court, so that the index goes straight to the time (not past bookings) */
	query_prepare(&plan,
				  "SELECT x.session_id, x.before_id, c.court"
				  " FROM generate_series(1, $3) c(court), LATERAL ("
				  "  SELECT b.session_id, b.starts_at,"
				  "   lag(b.ends_at) OVER w AS before_end, lag(b.session_id) OVER w AS before_id"
				  "  FROM tourney.bookings b"
				  "  WHERE b.venue = $1 AND b.court = c.court AND b.starts_at >= $2"
				  "  WINDOW w AS (ORDER BY b.starts_at)) x"
				  " WHERE x.before_end > x.starts_at LIMIT 1",
				  3, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed > 0)
	{
		HeapTuple	row = SPI_tuptable->vals[0];

		refuse_court_overlap(query_int8(row, SPI_tuptable->tupdesc, 1),
							 query_int8(row, SPI_tuptable->tupdesc, 2),
							 query_int4(row, SPI_tuptable->tupdesc, 3), venue > 0 ? venue : 0,
							 t->id);
	}
}

static void
check_courts(const ScheduleChange *c)
{
	static SPIPlanPtr plan = NULL;
	const Tournament *t = c->t;
	Oid			argtypes[1] = {INT8ARRAYOID};
	Datum		args[1];
	int64	   *venues;
	int32	   *courts;
	uint64		n;

	if (!c->whole && c->nids <= CHECK_PROBE_LIMIT)
	{
		for (int64 i = 0; i < c->nids; i++)
			probe_court(t, c->ids[i]);
		return;
	}
	if (t->ncampuses == 0)
	{
		scan_courts(t, tournament_venue_key(t, 0), t->schedule_courts, c->from);
		return;
	}
	args[0] = query_int8_array(t->campus_ids, t->ncampuses);
	query_prepare(&plan, "SELECT campus_id, courts FROM tourney.campuses WHERE campus_id = ANY ($1)",
				  1, argtypes);
	query_exec_fresh(plan, args, NULL, 0);
	n = SPI_processed;
	venues = palloc(sizeof(int64) * Max(n, 1));
	courts = palloc(sizeof(int32) * Max(n, 1));
	for (uint64 i = 0; i < n; i++)
	{
		venues[i] = query_int8(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		courts[i] = query_int4(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
	}
	for (uint64 i = 0; i < n; i++)
		scan_courts(t, venues[i], courts[i], c->from);
}

/*
 * The bookings agree with the sessions: every scheduled session of the
 * scope has one booking with its place and time, and no booking is left
 * of a session without a time.
 */
static void
check_bookings(const ScheduleChange *c)
{
	static SPIPlanPtr plans[2];
	Oid			argtypes[2] = {INT8OID, INT8ARRAYOID};
	Datum		args[2] = {Int64GetDatum(c->t->id), c->whole ? (Datum) 0 : ids_array(c)};
	const char *scope = c->whole ? "" : " AND session_id = ANY ($2)";

	query_prepare(&plans[c->whole],
				  psprintf("SELECT coalesce(s.session_id, b.session_id) FROM"
						   " (SELECT session_id, coalesce(campus_id, -tournament_id) AS venue, court,"
						   "  starts_at, ends_at FROM tourney.sessions"
						   "  WHERE tournament_id = $1 AND starts_at IS NOT NULL%1$s) s"
						   " FULL JOIN (SELECT session_id, venue, court, starts_at, ends_at"
						   "  FROM tourney.bookings WHERE tournament_id = $1%1$s) b"
						   " ON b.session_id = s.session_id"
						   " WHERE s.session_id IS NULL OR b.session_id IS NULL OR s.venue <> b.venue"
						   " OR s.court <> b.court OR s.starts_at <> b.starts_at"
						   " OR s.ends_at <> b.ends_at LIMIT 1", scope),
				  2, argtypes);
	query_exec_fresh(plans[c->whole], args, c->whole ? " n" : NULL, 1);
	if (SPI_processed > 0)
		elog(ERROR, "the booking of session " INT64_FORMAT " does not match the session",
			 query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
}

static void
refuse_player_clash(const Tournament *t, HeapTuple row, TupleDesc desc)
{
	bool		isnull;
	bool		overlap = DatumGetBool(SPI_getbinval(row, desc, 4, &isnull));

	if (overlap)
		ereport(ERROR,
				(errcode(ERRCODE_EXCLUSION_VIOLATION),
				 errmsg("player " INT64_FORMAT " would be in sessions " INT64_FORMAT " and "
						INT64_FORMAT " at the same time", query_int8(row, desc, 1),
						query_int8(row, desc, 2), query_int8(row, desc, 3))));
	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("player " INT64_FORMAT " would have less than %d minutes of rest between sessions "
					INT64_FORMAT " and " INT64_FORMAT, query_int8(row, desc, 1), t->rest_minutes,
					query_int8(row, desc, 2), query_int8(row, desc, 3)),
			 errdetail("Tournament " INT64_FORMAT " has rest_minutes %d.", t->id,
					   t->rest_minutes)));
}

/*
 * Each player's sessions: the whole tournament in one pass ordered by
 * player and time, or the changed sessions' players, session by session.
 */
static void
check_players(const ScheduleChange *c)
{
	static SPIPlanPtr plan_whole = NULL;
	static SPIPlanPtr plan_some = NULL;
	Oid			argtypes[3] = {INT8OID, INTERVALOID, INT8ARRAYOID};
	Datum		args[3] = {Int64GetDatum(c->t->id), rest_interval(c->t), (Datum) 0};

	if (c->whole)
	{
		/* each side read once through its key, then hashed (see check_links) */
		query_prepare(&plan_whole,
					  "WITH s AS MATERIALIZED (SELECT session_id, starts_at, ends_at, result_submitted"
					  "  FROM tourney.sessions WHERE tournament_id = $1 AND starts_at IS NOT NULL),"
					  " p AS MATERIALIZED (SELECT session_id, player_id"
					  "  FROM tourney.session_participants WHERE tournament_id = $1)"
					  " SELECT x.player_id, x.before_id, x.session_id, x.before_end > x.starts_at"
					  " FROM (SELECT p.player_id, s.session_id, s.starts_at, s.result_submitted,"
					  "  lag(s.ends_at) OVER w AS before_end, lag(s.session_id) OVER w AS before_id,"
					  "  lag(s.result_submitted) OVER w AS before_played"
					  "  FROM p JOIN s ON s.session_id = p.session_id"
					  "  WINDOW w AS (PARTITION BY p.player_id ORDER BY s.starts_at, s.session_id)) x"
					  " WHERE x.before_end + $2 > x.starts_at"
					  " AND NOT (x.result_submitted AND x.before_played) LIMIT 1",
					  3, argtypes);
		query_exec_fresh(plan_whole, args, "  n", 1);
	}
	else
	{
		args[2] = ids_array(c);
		query_prepare(&plan_some,
					  "SELECT wp.player_id, w.session_id, o.session_id,"
					  " o.starts_at < w.ends_at AND w.starts_at < o.ends_at"
					  " FROM tourney.sessions w"
					  " JOIN tourney.session_participants wp"
					  "  ON wp.tournament_id = w.tournament_id AND wp.session_id = w.session_id"
					  " JOIN tourney.session_participants op ON op.tournament_id = wp.tournament_id"
					  "  AND op.player_id = wp.player_id AND op.session_id <> wp.session_id"
					  " JOIN tourney.sessions o"
					  "  ON o.tournament_id = op.tournament_id AND o.session_id = op.session_id"
					  " WHERE w.session_id = ANY ($3) AND w.session_id > 0 AND w.tournament_id = $1"
					  " AND w.starts_at IS NOT NULL AND o.starts_at IS NOT NULL"
					  " AND o.starts_at < w.ends_at + $2 AND w.starts_at < o.ends_at + $2 LIMIT 1",
					  3, argtypes);
		query_exec_fresh(plan_some, args, NULL, 1);
	}
	if (SPI_processed > 0)
		refuse_player_clash(c->t, SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
}

/*
 * Every link into or out of the changed sessions (the whole tournament's
 * links for a whole schedule): the session fed starts rest after its
 * feeder ends.
 */
static void
check_links(const ScheduleChange *c)
{
	static SPIPlanPtr plan_whole = NULL;
	static SPIPlanPtr plan_some = NULL;
	Oid			argtypes[3] = {INT8OID, INTERVALOID, INT8ARRAYOID};
	Datum		args[3] = {Int64GetDatum(c->t->id), rest_interval(c->t), (Datum) 0};
	const char *link = "SELECT f.session_id, n.session_id FROM tourney.sessions f"
		" JOIN tourney.sessions n ON n.tournament_id = f.tournament_id"
		"  AND n.session_id = f.%1$s AND n.session_id > 0"
		" WHERE %2$s AND f.starts_at IS NOT NULL AND n.starts_at IS NOT NULL"
		" AND n.starts_at < f.ends_at + $2";
	const char *links = "(%1$s) UNION ALL (%2$s) UNION ALL (%3$s) UNION ALL (%4$s) LIMIT 1";

	if (c->whole)
	{
		/*
		 * The tournament's sessions read once through its key (OFFSET 0
		 * keeps them so), then joined: with statistics that show one big
		 * tournament, a merge join along the indexes on next_session_id
		 * and session_id of the whole table looked cheaper, and read
		 * every session of every tournament.
		 */
		query_prepare(&plan_whole,
					  "WITH s AS MATERIALIZED (SELECT session_id, next_session_id,"
					  "  loser_next_session_id, starts_at, ends_at, result_submitted"
					  "  FROM tourney.sessions WHERE tournament_id = $1 AND starts_at IS NOT NULL)"
					  " (SELECT f.session_id, n.session_id FROM s f"
					  "  JOIN s n ON n.session_id = f.next_session_id"
					  "  WHERE n.starts_at < f.ends_at + $2"
					  "  AND NOT (f.result_submitted AND n.result_submitted))"
					  " UNION ALL"
					  " (SELECT f.session_id, n.session_id FROM s f"
					  "  JOIN s n ON n.session_id = f.loser_next_session_id"
					  "  WHERE n.starts_at < f.ends_at + $2"
					  "  AND NOT (f.result_submitted AND n.result_submitted))"
					  " LIMIT 1",
					  3, argtypes);
		query_exec_fresh(plan_whole, args, "  n", 1);
	}
	else
	{
		const char *feeds = "f.session_id = ANY ($3) AND f.session_id > 0 AND f.tournament_id = $1";
		const char *fed = "n.session_id = ANY ($3) AND n.tournament_id = $1";

		args[2] = ids_array(c);
		query_prepare(&plan_some,
					  psprintf(links,
							   psprintf(link, "next_session_id", feeds),
							   psprintf(link, "loser_next_session_id", feeds),
							   psprintf(link, "next_session_id", fed),
							   psprintf(link, "loser_next_session_id", fed)),
					  3, argtypes);
		query_exec_fresh(plan_some, args, NULL, 1);
	}
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("session " INT64_FORMAT " would start less than %d minutes after session "
						INT64_FORMAT " ends, which feeds it a player",
						query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2),
						c->t->rest_minutes,
						query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1))));
}

/* The scheduled span of each (stage, round) of the tournament. */
typedef struct RoundSpan
{
	int32		stage;
	int32		round;
	TimestampTz first_start;
	TimestampTz last_end;
} RoundSpan;

/*
 * The rounds a format writes later wait for the rounds they come from
 * (format_schedule_after): over the scheduled span of every round.
 */
static void
check_rounds(const ScheduleChange *c)
{
	static SPIPlanPtr plan = NULL;
	const Tournament *t = c->t;
	Oid			argtypes[2] = {INT8OID, TEXTARRAYOID};
	Datum		args[2] = {Int64GetDatum(t->id), query_stage_labels()};
	RoundSpan  *spans;
	uint64		n;
	TimestampTz rest = t->rest_minutes * USECS_PER_MINUTE;

	if (t->format->later == LATER_NONE)
		return;
	query_prepare(&plan,
				  "SELECT array_position($2, stage) - 1, round, min(starts_at), max(ends_at)"
				  " FROM tourney.sessions WHERE tournament_id = $1 AND starts_at IS NOT NULL"
				  " GROUP BY stage, round",
				  2, argtypes);
	query_exec_fresh(plan, args, NULL, 0);
	n = SPI_processed;
	spans = palloc(sizeof(RoundSpan) * Max(n, 1));
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];

		spans[i].stage = query_int4(row, SPI_tuptable->tupdesc, 1);
		spans[i].round = query_int4(row, SPI_tuptable->tupdesc, 2);
		spans[i].first_start = (TimestampTz) query_int8(row, SPI_tuptable->tupdesc, 3);
		spans[i].last_end = (TimestampTz) query_int8(row, SPI_tuptable->tupdesc, 4);
	}
	for (uint64 i = 0; i < n; i++)
	{
		uint32		stages;
		int32		round;

		if (!format_schedule_after(t->format, (TourneyStage) spans[i].stage, spans[i].round,
								   &stages, &round))
			continue;
		for (uint64 j = 0; j < n; j++)
			if ((stages & FORMAT_STAGE_BIT(spans[j].stage)) &&
				(round == 0 || spans[j].round == round) &&
				spans[i].first_start < spans[j].last_end + rest)
				ereport(ERROR,
						(errcode(ERRCODE_CHECK_VIOLATION),
						 errmsg("round %d of the %s stage would start less than %d minutes after"
								" round %d of the %s stage ends", spans[i].round,
								tourney_stage_names[spans[i].stage], t->rest_minutes,
								spans[j].round, tourney_stage_names[spans[j].stage]),
						 errdetail("It is written from that round's results.")));
	}
}

/*
 * Opening hours and closures of the campuses, for the bookings in scope
 * (over $1 bigint and $2 bigint[]): "s.tournament_id = $1" (a whole
 * tournament), "s.tournament_id = $1 AND s.session_id = ANY ($2)"
 * (changed sessions) or "s.venue = $1" (every session at a campus whose
 * hours or closures changed).
 */
static void
check_hours_in(SPIPlanPtr *plan, const char *scope, Datum arg, Datum ids, const char *hint)
{
	Oid			argtypes[2] = {INT8OID, INT8ARRAYOID};
	Datum		args[2] = {arg, ids};

	query_prepare(plan,
				  psprintf("(SELECT s.session_id, s.venue, true FROM tourney.bookings s"
						   " WHERE %1$s AND s.venue > 0"
						   " AND EXISTS (SELECT 1 FROM tourney.campus_hours h"
						   "  WHERE h.campus_id = s.venue)"
						   " AND NOT EXISTS (SELECT 1 FROM tourney.campus_hours h"
						   "  WHERE h.campus_id = s.venue"
						   "  AND h.open @> tstzrange(s.starts_at, s.ends_at)) LIMIT 1)"
						   " UNION ALL"
						   " (SELECT s.session_id, s.venue, false FROM tourney.bookings s"
						   " WHERE %1$s AND s.venue > 0"
						   " AND EXISTS (SELECT 1 FROM tourney.campus_closures k"
						   "  WHERE k.campus_id = s.venue"
						   "  AND k.during && tstzrange(s.starts_at, s.ends_at)) LIMIT 1)"
						   " LIMIT 1", scope),
				  2, argtypes);
	query_exec_fresh(*plan, args, ids == (Datum) 0 ? " n" : NULL, 1);
	if (SPI_processed > 0)
	{
		HeapTuple	row = SPI_tuptable->vals[0];
		bool		isnull;
		bool		outside = DatumGetBool(SPI_getbinval(row, SPI_tuptable->tupdesc, 3, &isnull));

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("session " INT64_FORMAT " would lie %s of campus " INT64_FORMAT,
						query_int8(row, SPI_tuptable->tupdesc, 1),
						outside ? "outside the opening hours" : "in a closure",
						query_int8(row, SPI_tuptable->tupdesc, 2)),
				 outside ? errdetail("A session lies inside one opening window of its campus.")
				 : 0,
				 hint != NULL ? errhint("%s", hint) : 0));
	}
}

/* Whether any of the tournament's campuses has hours or closures at all. */
static bool
campuses_have_hours(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8ARRAYOID};
	Datum		args[1] = {query_int8_array(t->campus_ids, t->ncampuses)};
	bool		isnull;

	if (t->ncampuses == 0)
		return false;
	query_prepare(&plan,
				  "SELECT EXISTS (SELECT 1 FROM tourney.campus_hours WHERE campus_id = ANY ($1))"
				  " OR EXISTS (SELECT 1 FROM tourney.campus_closures WHERE campus_id = ANY ($1))",
				  1, argtypes);
	query_exec_fresh(plan, args, NULL, 0);
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

static void
check_hours(const ScheduleChange *c)
{
	static SPIPlanPtr plan_whole = NULL;
	static SPIPlanPtr plan_some = NULL;

	if (!campuses_have_hours(c->t))
		return;
	if (c->whole)
		check_hours_in(&plan_whole, "s.tournament_id = $1", Int64GetDatum(c->t->id), (Datum) 0,
					   NULL);
	else
		check_hours_in(&plan_some, "s.tournament_id = $1 AND s.session_id = ANY ($2)",
					   Int64GetDatum(c->t->id), ids_array(c), NULL);
}

/* Every invariant over what a write of times changed. */
void
schedule_check(const ScheduleChange *c)
{
	void		(*checks[]) (const ScheduleChange *c) = {
		check_bookings, check_courts, check_players, check_links, check_rounds, check_hours
	};
	const char *names[] = {"bookings", "courts", "players", "links", "rounds", "hours"};
	StringInfoData costs;

	/* a whole tournament is joined by hash or merge; a few sessions by index */
	if (c->whole)
	{
		query_merge_join_settings();
		query_work_mem("16MB");
	}
	else
		query_lookup_settings();
	initStringInfo(&costs);
	for (int i = 0; i < lengthof(checks); i++)
	{
		instr_time	start;

		INSTR_TIME_SET_CURRENT(start);
		checks[i] (c);
		appendStringInfo(&costs, "%s%s %.1f ms", i > 0 ? ", " : "", names[i],
						 tourney_elapsed_ms(start));
	}
	elog(DEBUG1, "checked " INT64_FORMAT " sessions of tournament " INT64_FORMAT ": %s",
		 c->whole ? -1 : c->nids, c->t->id, costs.data);
}

/*
 * The guard of a campus whose courts, hours or closures changed: every
 * session scheduled there still has its court and fits.  Under the
 * campus's lock, so that no session is placed there meanwhile by hours
 * this transaction is changing; taken NOWAIT, as it comes at COMMIT,
 * out of the lock order, where waiting could close a cycle with a
 * transaction holding the lock and waiting for one of ours.
 */
void
schedule_check_campus(int64 campus_id)
{
	static SPIPlanPtr plan_courts = NULL;
	static SPIPlanPtr plan_hours = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(campus_id)};

	locks_take(LOCK_CAMPUS, (uint64) campus_id, 0, true, true,
			   psprintf("the schedule of campus " INT64_FORMAT, campus_id));
	query_prepare(&plan_courts,
				  "SELECT b.session_id, b.court, c.courts FROM tourney.bookings b"
				  " JOIN tourney.campuses c ON c.campus_id = b.venue"
				  " WHERE b.venue = $1 AND b.court > c.courts LIMIT 1",
				  1, argtypes);
	query_exec_fresh(plan_courts, args, NULL, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("campus " INT64_FORMAT " would have %d courts, but session " INT64_FORMAT
						" is scheduled on court %d", campus_id,
						query_int4(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3),
						query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
						query_int4(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2)),
				 errhint("Move the session first.")));
	check_hours_in(&plan_hours, "s.venue = $1", args[0], (Datum) 0,
				   "Move the session first; close_campus moves a tournament's sessions, and can be"
				   " called for each tournament at the campus in one transaction.");
}
