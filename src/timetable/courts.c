/*
 * courts.c: the time of a court: what is booked on it, and where a
 * session of a given length fits among its venue's opening hours,
 * closures and bookings.  Pure: no SPI, no catalog access.
 */
#include "tourney/timetable.h"

/* The last of n spans (in time order) that starts before `before`, or -1. */
static int64
span_before(const TimetableSpan *spans, int64 n, TimestampTz before)
{
	int64		lo = 0;
	int64		hi = n - 1;
	int64		found = -1;

	while (lo <= hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (spans[mid].from < before)
		{
			found = mid;
			lo = mid + 1;
		}
		else
			hi = mid - 1;
	}
	return found;
}

/*
 * The earliest start from `from` on at which a session of this length
 * lies inside one opening window of the venue (if it has hours), in no
 * closure and in no booking of the court; DT_NOEND when the hours run out.
 * Closures and bookings are disjoint and in time order, so the last one
 * starting before the session would end is the only one it can meet.
 */
TimestampTz
timetable_fit(const TimetableVenue *v, int32 court, TimestampTz from, TimestampTz duration)
{
	const TimetableCourt *c = &v->court[court - 1];
	TimestampTz t = from;

	for (;;)
	{
		int64		i;

		CHECK_FOR_INTERRUPTS();
		if (t > DT_NOEND - duration)
			return DT_NOEND;
		if (v->nopen > 0)
		{
			i = span_before(v->open, v->nopen, t + 1);	/* the window holding t */
			if (i < 0 || v->open[i].to <= t)
				i++;			/* none: the next one */
			if (i >= v->nopen)
				return DT_NOEND;
			t = Max(t, v->open[i].from);
			if (t > v->open[i].to - duration)
			{
				if (i + 1 >= v->nopen)
					return DT_NOEND;
				t = v->open[i + 1].from;
				continue;
			}
		}
		i = span_before(v->closed, v->nclosed, t + duration);
		if (i >= 0 && v->closed[i].to > t)
		{
			t = v->closed[i].to;
			continue;
		}
		i = span_before(c->booked, c->nbooked, t + duration);
		if (i >= 0 && c->booked[i].to > t)
		{
			t = c->booked[i].to;
			continue;
		}
		return t;
	}
}

static int
span_cmp(const void *a, const void *b)
{
	const TimetableSpan *x = a;
	const TimetableSpan *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return (x->to > y->to) - (x->to < y->to);
}

/* Sort spans and merge those that overlap or touch; returns how many are left. */
int32
timetable_merge_spans(TimetableSpan *spans, int32 n)
{
	int32		kept = 0;

	if (n == 0)
		return 0;
	qsort(spans, n, sizeof(TimetableSpan), span_cmp);
	for (int32 i = 1; i < n; i++)
	{
		if (spans[i].from <= spans[kept].to)
			spans[kept].to = Max(spans[kept].to, spans[i].to);
		else
			spans[++kept] = spans[i];
	}
	return kept + 1;
}

/* Where span goes among a court's bookings (the first starting at or after it). */
static int64
booking_position(const TimetableCourt *c, TimestampTz from)
{
	return span_before(c->booked, c->nbooked, from) + 1;
}

void
timetable_book(TimetableCourt *c, TimetableSpan span, int64 holder)
{
	int64		i = booking_position(c, span.from);
	int64		held_allocated = c->allocated;

	c->booked = tourney_grow(c->booked, c->nbooked, &c->allocated, sizeof(TimetableSpan));
	c->holder = tourney_grow(c->holder, c->nbooked, &held_allocated, sizeof(int64));
	memmove(&c->booked[i + 1], &c->booked[i], sizeof(TimetableSpan) * (c->nbooked - i));
	memmove(&c->holder[i + 1], &c->holder[i], sizeof(int64) * (c->nbooked - i));
	c->booked[i] = span;
	c->holder[i] = holder;
	c->nbooked++;
}

void
timetable_unbook(TimetableCourt *c, TimetableSpan span, int64 holder)
{
	int64		i = booking_position(c, span.from);

	if (i >= c->nbooked || c->holder[i] != holder || c->booked[i].from != span.from)
		elog(ERROR, "booking of session index " INT64_FORMAT " is missing", holder);
	memmove(&c->booked[i], &c->booked[i + 1], sizeof(TimetableSpan) * (c->nbooked - i - 1));
	memmove(&c->holder[i], &c->holder[i + 1], sizeof(int64) * (c->nbooked - i - 1));
	c->nbooked--;
}

