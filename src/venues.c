/*
 * venues.c: where sessions are placed, as the timetable sees it: a
 * tournament's campuses with their courts, opening hours and closures (or
 * its implicit venue), and what every tournament booked on their courts.
 */
#include "tourney/lifecycle.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

/* The venue index of a campus, or -1. */
static int32
venue_of(const ScheduleVenues *sv, int64 campus_id)
{
	for (int32 v = 0; v < sv->nvenues; v++)
		if (sv->venues[v].campus_id == campus_id)
			return v;
	return -1;
}

/* The campuses of the tournament with their courts, in campus_ids order. */
static void
load_campuses(const Tournament *t, ScheduleVenues *sv)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8ARRAYOID};
	Datum		args[1] = {query_int8_array(t->campus_ids, t->ncampuses)};

	query_prepare(&plan,
				  "SELECT c.campus_id, c.courts"
				  " FROM unnest($1::bigint[]) WITH ORDINALITY u(campus_id, n)"
				  " JOIN tourney.campuses c ON c.campus_id = u.campus_id ORDER BY u.n",
				  1, argtypes);
	query_exec_fresh(plan, args, NULL, 0);
	if (SPI_processed != (uint64) t->ncampuses)
		elog(ERROR, "campuses of tournament " INT64_FORMAT " are missing", t->id);
	for (int32 v = 0; v < sv->nvenues; v++)
	{
		sv->venues[v].campus_id = query_int8(SPI_tuptable->vals[v], SPI_tuptable->tupdesc, 1);
		sv->venues[v].courts = query_int4(SPI_tuptable->vals[v], SPI_tuptable->tupdesc, 2);
	}
}

/*
 * Opening windows or closures of the venues, as half-open spans: a
 * window's exclusive lower bound starts a microsecond later; a closure's
 * inclusive upper bound ends a microsecond later, so that a session fits
 * exactly where the range operators of the checks say it does.
 */
static void
load_spans(const ScheduleVenues *sv, SPIPlanPtr plan, Datum campuses, bool windows)
{
	Datum		args[1] = {campuses};
	int32	   *count = palloc0(sizeof(int32) * sv->nvenues);
	uint64		rows;

	query_exec_fresh(plan, args, NULL, 0);
	rows = SPI_processed;
	for (int pass = 0; pass < 2; pass++)
	{
		for (uint64 i = 0; i < rows; i++)
		{
			HeapTuple	row = SPI_tuptable->vals[i];
			int32		v = venue_of(sv, query_int8(row, SPI_tuptable->tupdesc, 1));
			TimetableVenue *venue = &sv->venues[v];
			TimetableSpan *spans = windows ? venue->open : venue->closed;

			if (pass == 0)
			{
				count[v]++;
				continue;
			}
			spans[count[v]].from = (TimestampTz) query_int8(row, SPI_tuptable->tupdesc, 2);
			spans[count[v]].to = (TimestampTz) query_int8(row, SPI_tuptable->tupdesc, 3);
			count[v]++;
		}
		for (int32 v = 0; v < sv->nvenues; v++)
		{
			TimetableVenue *venue = &sv->venues[v];

			if (pass == 0)
			{
				TimetableSpan *spans = palloc(sizeof(TimetableSpan) * Max(count[v], 1));

				if (windows)
					venue->open = spans;
				else
					venue->closed = spans;
			}
			else if (windows)
				venue->nopen = count[v];
			else
				venue->nclosed = timetable_merge_spans(venue->closed, count[v]);
			count[v] = 0;
		}
	}
	pfree(count);
}

static void
load_hours_and_closures(const ScheduleVenues *sv, Datum campuses)
{
	static SPIPlanPtr plan_hours = NULL;
	static SPIPlanPtr plan_closures = NULL;
	Oid			argtypes[1] = {INT8ARRAYOID};

	/* timestamps travel as their int8 microseconds; -infinity and infinity included */
	query_prepare(&plan_hours,
				  "SELECT campus_id,"
				  " CASE WHEN lower_inf(open) THEN '-infinity'::timestamptz"
				  "  WHEN lower_inc(open) THEN lower(open)"
				  "  ELSE lower(open) + interval '1 microsecond' END,"
				  " CASE WHEN upper_inf(open) THEN 'infinity'::timestamptz ELSE upper(open) END"
				  " FROM tourney.campus_hours WHERE campus_id = ANY ($1) ORDER BY 1, 2",
				  1, argtypes);
	query_prepare(&plan_closures,
				  "SELECT campus_id,"
				  " CASE WHEN lower_inf(during) THEN '-infinity'::timestamptz ELSE lower(during) END,"
				  " CASE WHEN upper_inf(during) THEN 'infinity'::timestamptz"
				  "  WHEN upper_inc(during) THEN upper(during) + interval '1 microsecond'"
				  "  ELSE upper(during) END"
				  " FROM tourney.campus_closures WHERE campus_id = ANY ($1)",
				  1, argtypes);
	load_spans(sv, plan_hours, campuses, true);
	load_spans(sv, plan_closures, campuses, false);
}

/* Bookings as the scan hands them over, with whose they are. */
/* Bookings as the scans hand them over, with whose they are. */
typedef struct BookingScan
{
	const Tournament *t;
	ScheduleVenues *sv;
	const IdLookup *own;
} BookingScan;

static void
add_booking(HeapTuple row, TupleDesc desc, void *arg)
{
	BookingScan *b = arg;
	int64		venue = query_int8(row, desc, 1);
	int32		v = venue < 0 ? 0 : venue_of(b->sv, venue);
	int32		court = query_int4(row, desc, 2);
	TimetableSpan span = {(TimestampTz) query_int8(row, desc, 3),
	(TimestampTz) query_int8(row, desc, 4)};
	int64		holder = -1;

	if (v < 0 || court < 1 || court > b->sv->venues[v].courts)
		return;					/* a court the campus no longer has: the guard refuses that */
	if (b->own != NULL && query_int8(row, desc, 5) == b->t->id)
	{
		const char *found = id_lookup(b->own, query_int8(row, desc, 6));

		if (found != NULL)
			holder = (found - b->own->base) / (int64) b->own->size;
	}
	timetable_book(&b->sv->venues[v].court[court - 1], span, holder);
}

/*
 * What is booked on the venues' courts and ends after `from`, every
 * tournament's, court by court: the one booking on each court that starts
 * before `from` and ends after it (bookings of a court never overlap, so
 * there is at most one), then each court's range from `from` on, in time
 * order as the index gives it.  own, when given, finds this tournament's
 * sessions among its elements (the holders of their bookings).
 */
static void
load_bookings(const Tournament *t, ScheduleVenues *sv, TimestampTz from, const IdLookup *own)
{
	static SPIPlanPtr plan_before = NULL;
	static SPIPlanPtr plan_from = NULL;
	Oid			argtypes[3] = {INT8ARRAYOID, INT4ARRAYOID, TIMESTAMPTZOID};
	int64	   *keys = palloc(sizeof(int64) * sv->nvenues);
	Datum	   *courts = palloc(sizeof(Datum) * sv->nvenues);
	BookingScan scan = {t, sv, own};
	Datum		args[3];
	const char *each_court = "SELECT x.* FROM unnest($1::bigint[], $2::int[]) v(venue, courts),"
		" generate_series(1, v.courts) c(court), LATERAL (SELECT b.venue, b.court,"
		" b.starts_at, b.ends_at, b.tournament_id, b.session_id FROM tourney.bookings b"
		" WHERE b.venue = v.venue AND b.court = c.court AND %s) x %s";

	for (int32 v = 0; v < sv->nvenues; v++)
	{
		keys[v] = tournament_venue_key(t, sv->venues[v].campus_id);
		courts[v] = Int32GetDatum(sv->venues[v].courts);
	}
	args[0] = query_int8_array(keys, sv->nvenues);
	args[1] = PointerGetDatum(construct_array(courts, sv->nvenues, INT4OID, 4, true, TYPALIGN_INT));
	args[2] = TimestampTzGetDatum(from);
	query_prepare(&plan_before,
				  psprintf(each_court, "b.starts_at < $3 ORDER BY b.starts_at DESC LIMIT 1",
						   "WHERE x.ends_at > $3"),
				  3, argtypes);
	query_prepare(&plan_from,
				  psprintf(each_court, "b.starts_at >= $3 ORDER BY b.starts_at", ""),
				  3, argtypes);
	query_scan_fresh(plan_before, args, add_booking, NULL, &scan);
	query_scan_fresh(plan_from, args, add_booking, NULL, &scan);
}

/*
 * The venues of a tournament: its campuses, or the implicit venue with
 * the courts schedule_sessions was given; with everything booked on them
 * that ends after `from`.
 */
void
venues_load(const Tournament *t, TimestampTz from, const IdLookup *own,
					 ScheduleVenues *sv)
{
	Datum		campuses = query_int8_array(t->campus_ids, t->ncampuses);

	sv->nvenues = Max(t->ncampuses, 1);
	sv->venues = palloc0(sizeof(TimetableVenue) * sv->nvenues);
	if (t->ncampuses > 0)
	{
		load_campuses(t, sv);
		load_hours_and_closures(sv, campuses);
	}
	else
	{
		sv->venues[0].courts = t->schedule_courts;
		sv->venues[0].open = sv->venues[0].closed = NULL;
	}
	for (int32 v = 0; v < sv->nvenues; v++)
		sv->venues[v].court = palloc0(sizeof(TimetableCourt) * sv->venues[v].courts);
	load_bookings(t, sv, from, own);
}

