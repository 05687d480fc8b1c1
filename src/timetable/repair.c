/*
 * repair.c: an outage, as schedule repair rather than a new schedule.
 * Pure: no SPI, no catalog access.
 *
 * The sessions lifted off the closed venue go, lowest start first, to the
 * earliest free court of the other venues, never earlier than they were
 * planned nor before the outage.  A session that then starts too soon
 * after one it follows (the session that feeds it, or its player's
 * previous one) is shifted right on its own venue to the earliest court
 * free after rest, and so on down the line: the minimum-deviation right
 * shift (Barták and Vlk; ../shared/research/scheduling.md section 4).
 * Nothing moves earlier, and no other booking moves at all.
 */
#include "tourney/timetable.h"

/* Sessions waiting to be placed: (earliest start, session_id) first. */
typedef struct RepairQueue
{
	int64	   *index;
	TimestampTz *due;
	int64		count;
	int64		allocated;
	int64		due_allocated;
} RepairQueue;

static bool
queue_before(const RepairQueue *q, const RepairSession *s, int64 a, int64 b)
{
	if (q->due[a] != q->due[b])
		return q->due[a] < q->due[b];
	return s[q->index[a]].session_id < s[q->index[b]].session_id;
}

static void
queue_swap(RepairQueue *q, int64 a, int64 b)
{
	int64		i = q->index[a];
	TimestampTz d = q->due[a];

	q->index[a] = q->index[b];
	q->due[a] = q->due[b];
	q->index[b] = i;
	q->due[b] = d;
}

static void
queue_push(RepairQueue *q, const RepairSession *s, int64 index, TimestampTz due)
{
	int64		i = q->count;

	q->index = tourney_grow(q->index, q->count, &q->allocated, sizeof(int64));
	q->due = tourney_grow(q->due, q->count, &q->due_allocated, sizeof(TimestampTz));
	q->index[i] = index;
	q->due[i] = due;
	q->count++;
	while (i > 0 && queue_before(q, s, i, (i - 1) / 2))
	{
		queue_swap(q, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static int64
queue_pop(RepairQueue *q, const RepairSession *s, TimestampTz *due)
{
	int64		top = q->index[0];
	int64		i = 0;

	*due = q->due[0];
	q->count--;
	queue_swap(q, 0, q->count);
	for (;;)
	{
		int64		l = 2 * i + 1;
		int64		m = i;

		if (l < q->count && queue_before(q, s, l, m))
			m = l;
		if (l + 1 < q->count && queue_before(q, s, l + 1, m))
			m = l + 1;
		if (m == i)
			break;
		queue_swap(q, i, m);
		i = m;
	}
	return top;
}

/* One (player, start) of a session, for ordering each player's sessions. */
typedef struct PlayerVisit
{
	int32		player;
	TimestampTz start;
	int64		session_id;
	int64		index;
	int			slot;
} PlayerVisit;

static int
visit_cmp(const void *a, const void *b)
{
	const PlayerVisit *x = a;
	const PlayerVisit *y = b;

	if (x->player != y->player)
		return x->player < y->player ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->session_id > y->session_id) - (x->session_id < y->session_id);
}

/* Each player's sessions in time order: player_next links them. */
void
repair_link_players(Repair *r, int32 nplayers)
{
	PlayerVisit *visits = palloc_extended(sizeof(PlayerVisit) * Max(2 * r->nsessions, 1),
										  MCXT_ALLOC_HUGE);
	int64		n = 0;

	(void) nplayers;
	for (int64 i = 0; i < r->nsessions; i++)
		for (int k = 0; k < 2; k++)
		{
			r->sessions[i].player_next[k] = -1;
			if (r->sessions[i].players[k] >= 0)
				visits[n++] = (PlayerVisit) {r->sessions[i].players[k], r->sessions[i].start,
				r->sessions[i].session_id, i, k};
		}
	qsort(visits, n, sizeof(PlayerVisit), visit_cmp);
	for (int64 v = 0; v + 1 < n; v++)
		if (visits[v].player == visits[v + 1].player)
			r->sessions[visits[v].index].player_next[visits[v].slot] = visits[v + 1].index;
	pfree(visits);
}

/*
 * The earliest court for session i from `due` on: any court of the venues
 * but the closed one when it is lifted, else one of its own venue (its
 * own court first).  False when the hours run out everywhere.
 */
static bool
repair_fit(const Repair *r, int64 i, TimestampTz due, int32 *venue, int32 *court,
		   TimestampTz *start)
{
	const RepairSession *s = &r->sessions[i];
	TimestampTz length = s->end - s->start;

	*start = DT_NOEND;
	if (!s->lifted)
	{
		*venue = s->venue;
		*court = s->court;
		*start = timetable_fit(&r->venues[s->venue], s->court, due, length);
	}
	for (int32 v = 0; v < r->nvenues; v++)
	{
		if (s->lifted ? v == r->closed_venue : v != s->venue)
			continue;
		for (int32 c = 1; c <= r->venues[v].courts; c++)
		{
			TimestampTz t = timetable_fit(&r->venues[v], c, due, length);

			if (t < *start)
			{
				*start = t;
				*venue = v;
				*court = c;
			}
		}
	}
	return *start != DT_NOEND;
}

static TimetableSpan
span_of(const RepairSession *s)
{
	return (TimetableSpan) {s->start, s->end};
}

/* What waits to be placed, each session once, at the latest time it is due. */
typedef struct RepairWait
{
	RepairQueue queue;
	bool	   *queued;
	TimestampTz *due;
} RepairWait;

static void
wait_for(Repair *r, RepairWait *w, int64 i, TimestampTz due)
{
	if (w->queued[i] && due <= w->due[i])
		return;
	w->due[i] = w->queued[i] ? Max(w->due[i], due) : due;
	w->queued[i] = true;
	queue_push(&w->queue, r->sessions, i, w->due[i]);
}

/*
 * Session i has moved to end later: what follows it and now starts
 * within rest of its end is lifted off its court and waits to start
 * after it.  False when one of those has a result.
 */
static bool
push_followers(Repair *r, RepairWait *w, int64 i)
{
	const RepairSession *s = &r->sessions[i];
	int64		followers[4] = {s->next[0], s->next[1], s->player_next[0], s->player_next[1]};
	TimestampTz due = s->end + r->rest;

	for (int f = 0; f < 4; f++)
	{
		int64		j = followers[f];
		RepairSession *y;

		if (j < 0)
			continue;
		y = &r->sessions[j];
		if (!w->queued[j])
		{
			if (y->start >= due)
				continue;
			if (!y->movable)
			{
				r->blocker = y->session_id;
				return false;
			}
			timetable_unbook(&r->venues[y->venue].court[y->court - 1], span_of(y), j);
		}
		wait_for(r, w, j, due);
	}
	return true;
}

RepairOutcome
repair_run(Repair *r)
{
	RepairWait	w = {0};
	int64		n = Max(r->nsessions, 1);

	w.queued = palloc_extended(sizeof(bool) * n, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	w.due = palloc_extended(sizeof(TimestampTz) * n, MCXT_ALLOC_HUGE);
	r->blocker = 0;
	for (int64 i = 0; i < r->nsessions; i++)
	{
		RepairSession *s = &r->sessions[i];

		if (!s->lifted)
			continue;
		timetable_unbook(&r->venues[s->venue].court[s->court - 1], span_of(s), i);
		wait_for(r, &w, i, Max(s->start, r->not_before));
	}
	while (w.queue.count > 0)
	{
		TimestampTz due;
		int64		i = queue_pop(&w.queue, r->sessions, &due);
		RepairSession *s = &r->sessions[i];
		TimestampTz length = s->end - s->start;
		int32		venue;
		int32		court;
		TimestampTz start;

		CHECK_FOR_INTERRUPTS();
		if (!w.queued[i] || due != w.due[i])
			continue;			/* superseded by a later due time */
		if (!repair_fit(r, i, due, &venue, &court, &start))
		{
			r->blocker = s->session_id;
			return REPAIR_NO_ROOM;
		}
		w.queued[i] = false;
		s->venue = venue;
		s->court = court;
		s->start = start;
		s->end = start + length;
		s->changed = true;
		timetable_book(&r->venues[venue].court[court - 1], span_of(s), i);
		if (!push_followers(r, &w, i))
			return REPAIR_HAS_RESULT;
	}
	return REPAIR_DONE;
}
