/*
 * place.c: sessions onto courts in time.  Pure: no SPI, no catalog access.
 *
 * Non-delay list scheduling (Graham), event by event: whenever a court of
 * a venue is free, it takes, among the sessions of that venue that are
 * ready (every session feeding it has ended rest ago, its players have
 * rested, its release has come), the one of the greatest height, then the
 * lowest session id.  The height is the number of sessions on the longest
 * path from a session to the end, so in a knockout this is Hu's rule,
 * lowest round first, optimal for an in-tree of sessions of one length: a
 * bracket ends at its lower bound when hours and other bookings leave the
 * courts free.  Where nothing feeds anything (a round robin) every height
 * is 1 and the rule is "the earliest-ready pair in Berger order", which
 * stays within 4/3 of the bound (../shared/research/scheduling.md: 144
 * configurations, worst 1.333 at 4 players on one court).
 *
 * A court's time is taken from the earliest moment it is free on: its
 * venue's opening hours, closures and other bookings push a start later
 * (timetable_fit).  Everything is decided on integers and ids, so the
 * same input gives the same timetable.
 */
#include "tourney/timetable.h"

/*
 * A binary min-heap of (key, value), smallest (key, value) first: values
 * are session indexes (in session_id order) or court numbers, so the
 * value breaks ties.  16 bytes an item: a million-session bracket holds a
 * million of them.
 */
typedef struct HeapItem
{
	int64		key;
	int64		value;
} HeapItem;

typedef struct Heap
{
	HeapItem   *items;
	int64		count;
	int64		allocated;
} Heap;

static inline bool
item_before(const HeapItem *a, const HeapItem *b)
{
	return a->key < b->key || (a->key == b->key && a->value < b->value);
}

static void
heap_push(Heap *h, int64 key, int64 value)
{
	int64		i;

	h->items = tourney_grow(h->items, h->count, &h->allocated, sizeof(HeapItem));
	i = h->count++;
	h->items[i] = (HeapItem) {key, value};
	while (i > 0 && item_before(&h->items[i], &h->items[(i - 1) / 2]))
	{
		HeapItem	swap = h->items[i];

		h->items[i] = h->items[(i - 1) / 2];
		h->items[(i - 1) / 2] = swap;
		i = (i - 1) / 2;
	}
}

static HeapItem
heap_pop(Heap *h)
{
	HeapItem	top = h->items[0];
	int64		i = 0;

	h->items[0] = h->items[--h->count];
	for (;;)
	{
		int64		l = 2 * i + 1;
		int64		m = i;
		HeapItem	swap;

		if (l < h->count && item_before(&h->items[l], &h->items[m]))
			m = l;
		if (l + 1 < h->count && item_before(&h->items[l + 1], &h->items[m]))
			m = l + 1;
		if (m == i)
			break;
		swap = h->items[i];
		h->items[i] = h->items[m];
		h->items[m] = swap;
		i = m;
	}
	return top;
}

/*
 * The venues by their next decision time, one entry each (an indexed
 * heap: a venue's time moves when it places a session or one becomes
 * available there).
 */
typedef struct VenueQueue
{
	int32		count;
	int32	   *heap;			/* venue indexes */
	int32	   *position;		/* by venue: its place in heap */
	TimestampTz *time;			/* by venue; DT_NOEND: nothing to decide */
} VenueQueue;

static inline bool
venue_before(const VenueQueue *q, int32 a, int32 b)
{
	return q->time[a] < q->time[b] || (q->time[a] == q->time[b] && a < b);
}

static void
venue_swap(VenueQueue *q, int32 i, int32 j)
{
	int32		v = q->heap[i];

	q->heap[i] = q->heap[j];
	q->heap[j] = v;
	q->position[q->heap[i]] = i;
	q->position[q->heap[j]] = j;
}

static void
venue_set(VenueQueue *q, int32 v, TimestampTz time)
{
	int32		i = q->position[v];

	q->time[v] = time;
	while (i > 0 && venue_before(q, q->heap[i], q->heap[(i - 1) / 2]))
	{
		venue_swap(q, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;)
	{
		int32		l = 2 * i + 1;
		int32		m = i;

		if (l < q->count && venue_before(q, q->heap[l], q->heap[m]))
			m = l;
		if (l + 1 < q->count && venue_before(q, q->heap[l + 1], q->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		venue_swap(q, i, m);
		i = m;
	}
}

static void
venue_queue_init(VenueQueue *q, int32 n)
{
	q->count = n;
	q->heap = palloc(sizeof(int32) * Max(n, 1));
	q->position = palloc(sizeof(int32) * Max(n, 1));
	q->time = palloc(sizeof(TimestampTz) * Max(n, 1));
	for (int32 v = 0; v < n; v++)
	{
		q->heap[v] = q->position[v] = v;
		q->time[v] = DT_NOEND;
	}
}

/* Heights, from the last session back: what a session feeds comes after it. */
void
timetable_heights(Timetable *tt)
{
	for (int64 i = tt->nsessions - 1; i >= 0; i--)
	{
		int32		height = 1;

		for (int64 e = tt->succ_start[i]; e < tt->succ_start[i + 1]; e++)
		{
			if (tt->succ[e] <= i)
				elog(ERROR, "session " INT64_FORMAT " feeds a session before it",
					 tt->sessions[i].session_id);
			height = Max(height, tt->sessions[tt->succ[e]].height + 1);
		}
		tt->sessions[i].height = height;
	}
}

/* What the placement keeps per session and per venue. */
typedef struct Placement
{
	Timetable  *tt;
	int32	   *feeders_left;	/* by session */
	Heap	   *courts;			/* by venue: (free from, court) */
	Heap	   *available;		/* by venue: (release, index) of sessions whose feeders are placed */
	Heap	   *ready;			/* by venue: (-height, index) of those released by now */
	VenueQueue	venues;
	TimestampTz now;			/* of the decision being made: no later one is earlier */
} Placement;

/*
 * When venue v can next place a session; DT_NOEND: nothing to place there.
 * A court idle since before now is free now: the sessions ready at v
 * became ready no earlier than the decision that made them so.
 */
static TimestampTz
decision_time(const Placement *p, int32 v)
{
	TimestampTz court;

	if (p->courts[v].count == 0)
		return DT_NOEND;
	court = Max(p->courts[v].items[0].key, p->now);
	if (p->ready[v].count > 0)
		return court;
	if (p->available[v].count == 0)
		return DT_NOEND;
	return Max(court, p->available[v].items[0].key);
}

static void
schedule_venue(Placement *p, int32 v)
{
	venue_set(&p->venues, v, decision_time(p, v));
}

static void
make_available(Placement *p, int64 i)
{
	heap_push(&p->available[p->tt->sessions[i].venue], p->tt->sessions[i].release, i);
}

static void
placement_init(Placement *p, Timetable *tt)
{
	int64		n = tt->nsessions;
	TimestampTz first = DT_NOEND;

	memset(p, 0, sizeof(*p));
	p->tt = tt;
	p->now = DT_NOBEGIN;
	p->feeders_left = palloc_extended(sizeof(int32) * Max(n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (int64 i = 0; i < n; i++)
	{
		first = Min(first, tt->sessions[i].release);
		for (int64 e = tt->succ_start[i]; e < tt->succ_start[i + 1]; e++)
			p->feeders_left[tt->succ[e]]++;
	}
	p->courts = palloc0(sizeof(Heap) * tt->nvenues);
	p->available = palloc0(sizeof(Heap) * tt->nvenues);
	p->ready = palloc0(sizeof(Heap) * tt->nvenues);
	venue_queue_init(&p->venues, tt->nvenues);
	for (int32 v = 0; v < tt->nvenues; v++)
		for (int32 c = 1; c <= tt->venues[v].courts; c++)
			heap_push(&p->courts[v], first, c);
	for (int64 i = 0; i < n; i++)
		if (p->feeders_left[i] == 0)
			make_available(p, i);
	for (int32 v = 0; v < tt->nvenues; v++)
		schedule_venue(p, v);
}

/* Session i is placed: what it feeds may become available, its players rest. */
static void
placement_done(Placement *p, int64 i)
{
	Timetable  *tt = p->tt;
	TimetableSession *s = &tt->sessions[i];

	for (int64 e = tt->succ_start[i]; e < tt->succ_start[i + 1]; e++)
	{
		TimetableSession *next = &tt->sessions[tt->succ[e]];

		next->release = Max(next->release, s->start + tt->duration + tt->rest);
		if (--p->feeders_left[tt->succ[e]] == 0)
		{
			make_available(p, tt->succ[e]);
			schedule_venue(p, next->venue);
		}
	}
	for (int k = 0; k < 2; k++)
		if (s->players[k] >= 0)
			tt->player_free[s->players[k]] = s->start + tt->duration + tt->rest;
}

/* Sessions of the available heap below `before` that are higher than `height`: count, earliest. */
static void
count_higher(const Placement *p, const Heap *h, int64 at, TimestampTz before, int32 height,
			 int64 *count, TimestampTz *earliest)
{
	if (at >= h->count || h->items[at].key >= before)
		return;
	if (p->tt->sessions[h->items[at].value].height > height)
	{
		(*count)++;
		*earliest = Min(*earliest, h->items[at].key);
	}
	count_higher(p, h, 2 * at + 1, before, height, count, earliest);
	count_higher(p, h, 2 * at + 2, before, height, count, earliest);
}

/*
 * Look ahead one session length before a court at v takes a session of
 * this height at t: when more higher sessions become ready meanwhile than
 * the venue's other courts can take by then, the court waits for them
 * (the time returned) instead.  Plain non-delay scheduling is Hu's rule
 * and optimal for a knockout's in-tree; a double elimination is no tree
 * (a session feeds its winner and its loser on), and there a court busy
 * with a later round just as the losers' round below it becomes ready
 * costs that round's whole chain a rest (16 players, 4 courts, rest 15:
 * 405 minutes against the bound of 390, which waiting meets).
 */
static TimestampTz
wait_for_higher(const Placement *p, int32 v, TimestampTz t, int32 height)
{
	TimestampTz before = t + p->tt->duration;
	TimestampTz earliest = DT_NOEND;
	int64		higher = 0;
	int64		free_courts = 0;
	const Heap *courts = &p->courts[v];

	count_higher(p, &p->available[v], 0, before, height, &higher, &earliest);
	if (higher == 0)
		return t;
	for (int64 i = 0; i < courts->count; i++)
		free_courts += courts->items[i].key <= earliest;
	return higher > free_courts ? earliest : t;
}

/*
 * One decision at venue v at time t: its first free court takes the ready
 * session of the greatest height, unless that session's players still
 * rest (it waits for them) or the court is taken at t (the court waits).
 * A court the hours have run out for leaves the venue.
 */
static void
place_one(Placement *p, int32 v, TimestampTz t, int64 *placed)
{
	Timetable  *tt = p->tt;
	HeapItem	court;
	HeapItem	next;
	TimetableSession *s;
	TimestampTz players = t;
	TimestampTz start;

	while (p->available[v].count > 0 && p->available[v].items[0].key <= t)
	{
		HeapItem	a = heap_pop(&p->available[v]);

		heap_push(&p->ready[v], -tt->sessions[a.value].height, a.value);
	}
	next = heap_pop(&p->ready[v]);
	s = &tt->sessions[next.value];
	for (int k = 0; k < 2; k++)
		if (s->players[k] >= 0)
			players = Max(players, tt->player_free[s->players[k]]);
	if (players > t)
	{
		s->release = players;
		make_available(p, next.value);
		return;
	}
	court = heap_pop(&p->courts[v]);
	if ((start = wait_for_higher(p, v, t, s->height)) > t)
	{
		heap_push(&p->courts[v], start, court.value);
		heap_push(&p->ready[v], next.key, next.value);
		return;
	}
	start = timetable_fit(&tt->venues[v], (int32) court.value, t, tt->duration);
	if (start != t)
	{
		if (start != DT_NOEND)
			heap_push(&p->courts[v], start, court.value);
		heap_push(&p->ready[v], next.key, next.value);
		return;
	}
	s->court = (int32) court.value;
	s->start = start;
	heap_push(&p->courts[v], start + tt->duration, court.value);
	(*placed)++;
	placement_done(p, next.value);
}

/*
 * Place every session; false (with *placed short of nsessions) when the
 * opening hours run out first.
 */
bool
timetable_place(Timetable *tt, int64 *placed)
{
	Placement	p;

	*placed = 0;
	placement_init(&p, tt);
	while (*placed < tt->nsessions && p.venues.time[p.venues.heap[0]] != DT_NOEND)
	{
		int32		v = p.venues.heap[0];

		p.now = p.venues.time[v];
		place_one(&p, v, p.now, placed);
		schedule_venue(&p, v);
		if (*placed % 1024 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return *placed == tt->nsessions;
}

/* ceil(sessions / courts) session lengths, then a chain of `after` more. */
static TimestampTz
bound_of(int64 sessions, int64 courts, int32 after, const Timetable *tt)
{
	return ((sessions + courts - 1) / courts) * tt->duration + after * (tt->duration + tt->rest);
}

/* The level bound (see timetable_lower_bound) of the sessions at venue v, or of all (-1). */
static TimestampTz
level_bound(const Timetable *tt, int32 v, int32 levels, int64 *count)
{
	int64		courts = 0;
	int64		sessions = 0;
	TimestampTz bound = 0;

	memset(count, 0, sizeof(int64) * (levels + 1));
	for (int64 i = 0; i < tt->nsessions; i++)
		if (v < 0 || tt->sessions[i].venue == v)
			count[levels - tt->sessions[i].height + 1]++;
	for (int32 w = 0; w < tt->nvenues; w++)
		if (v < 0 || w == v)
			courts += tt->venues[w].courts;
	for (int32 r = 1; r <= levels; r++)
	{
		sessions += count[r];
		if (count[r] > 0)
			bound = Max(bound, bound_of(sessions, courts, levels - r, tt));
	}
	return bound;
}

/*
 * A lower bound of the makespan (from the earliest release), the greatest of:
 * - levels (level = R - height + 1, R the greatest height): the sessions
 *   of levels <= r need ceil(M<=r / m) lengths on m courts, and the last
 *   of them has a chain of R - r sessions after it; over every court and
 *   over each venue's own (a session keeps its venue);
 * - at most floor(field / participants) sessions run at once;
 * - a player's own sessions, one after another with rest between.
 * For a knockout that is LB_KO, for a round robin LB_RR
 * (../shared/research/scheduling.md).
 */
TimestampTz
timetable_lower_bound(const Timetable *tt, int32 field, int participants)
{
	int32		levels = 0;
	int64		courts = 0;
	int64		at_once;
	int32	   *per_player;
	int64	   *count;
	TimestampTz bound;

	if (tt->nsessions == 0)
		return 0;
	for (int64 i = 0; i < tt->nsessions; i++)
		levels = Max(levels, tt->sessions[i].height);
	count = palloc(sizeof(int64) * (levels + 1));
	bound = level_bound(tt, -1, levels, count);
	for (int32 v = 0; v < tt->nvenues; v++)
	{
		bound = Max(bound, level_bound(tt, v, levels, count));
		courts += tt->venues[v].courts;
	}
	at_once = Max(1, Min(courts, field / Max(participants, 1)));
	bound = Max(bound, bound_of(tt->nsessions, at_once, 0, tt));
	per_player = palloc0(sizeof(int32) * Max(tt->nplayers, 1));
	for (int64 i = 0; i < tt->nsessions; i++)
		for (int k = 0; k < 2; k++)
			if (tt->sessions[i].players[k] >= 0)
				per_player[tt->sessions[i].players[k]]++;
	for (int32 p = 0; p < tt->nplayers; p++)
		if (per_player[p] > 0)
			bound = Max(bound, per_player[p] * tt->duration + (per_player[p] - 1) * tt->rest);
	pfree(per_player);
	pfree(count);
	return bound;
}
