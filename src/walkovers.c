/*
 * walkovers.c: sessions decided without play.  submit_walkover decides
 * one for the player of a slot; withdraw_player takes a player out, and
 * every pending session of theirs, now and later, is a walkover for the
 * other side.
 *
 * A withdrawal can leave a session waiting for someone who will never
 * come: a withdrawn player in one slot, or a slot whose feeder was decided
 * without sending anyone (both its players withdrawn).  Such a session is
 * settled as soon as both its slots are known: a walkover for the one
 * player still in, or, with nobody in, a walkover for nobody, which in
 * turn leaves its own next sessions a slot short.  Result entry settles
 * the sessions a result fed, and the sessions written later are settled
 * when written, but only in a tournament with a withdrawal
 * (tournaments.withdrawn_players): no other can have such a session.
 */
#include "tourney/lifecycle.h"

#include "utils/builtins.h"

/* The sessions decided in this call, for withdraw_player to return. */
static int64 *decided;
static int64 ndecided;
static int64 decided_allocated;

static void
note_decided(int64 session_id)
{
	if (decided == NULL)
		return;					/* not collecting */
	decided = tourney_grow(decided, ndecided, &decided_allocated, sizeof(int64));
	decided[ndecided++] = session_id;
}

/* Who sits in each slot of a session without a result, and who will. */
typedef enum SlotState
{
	SLOT_PLAYING,				/* a player still in */
	SLOT_WITHDRAWN,				/* a withdrawn player */
	SLOT_EMPTY,					/* nobody will come: its feeder sent no one */
	SLOT_WAITING				/* its feeder has no result yet */
} SlotState;

/*
 * The slots of a session: who sits there (withdrawn or not), and for an
 * empty slot whether the session that feeds it has its result.
 */
static void
read_slots(const Tournament *t, int64 session_id, SlotState *slots)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		args[2] = {Int64GetDatum(t->id), Int64GetDatum(session_id)};

	query_prepare(&plan,
				  "SELECT k.slot, p.player_id IS NOT NULL, e.withdrawn_at IS NOT NULL,"
				  " coalesce((SELECT bool_and(f.result_submitted) FROM tourney.sessions f"
				  "  WHERE f.tournament_id = $1 AND ((f.next_session_id = $2 AND f.next_slot = k.slot)"
				  "  OR (f.loser_next_session_id = $2 AND f.loser_next_slot = k.slot))), true)"
				  " FROM generate_series(1, 2) k(slot)"
				  " LEFT JOIN tourney.session_participants p"
				  "  ON p.tournament_id = $1 AND p.session_id = $2 AND p.slot = k.slot"
				  " LEFT JOIN tourney.enrollments e"
				  "  ON e.tournament_id = $1 AND e.player_id = p.player_id"
				  " ORDER BY k.slot",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 0);
	for (uint64 i = 0; i < SPI_processed && i < 2; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		bool		isnull;
		bool		seated = DatumGetBool(SPI_getbinval(row, SPI_tuptable->tupdesc, 2, &isnull));
		bool		withdrawn = DatumGetBool(SPI_getbinval(row, SPI_tuptable->tupdesc, 3, &isnull));
		bool		fed = DatumGetBool(SPI_getbinval(row, SPI_tuptable->tupdesc, 4, &isnull));

		slots[i] = seated ? (withdrawn ? SLOT_WITHDRAWN : SLOT_PLAYING)
			: (fed ? SLOT_EMPTY : SLOT_WAITING);
	}
}

/*
 * Decide a locked session without play for the participant with index
 * winner (-1: nobody); returns the sessions it feeds, to settle in turn.
 */
static void
write_walkover(Tournament *t, LockedSession *ls, int winner)
{
	ResultWriter *w = result_writer_begin(t, true);
	int32		placements[2] = {0, 0};

	result_writer_add_walkover(w, &ls->s, winner, true);
	result_writer_end(w);
	note_decided(ls->s.session_id);
	if (winner >= 0)
	{
		placements[winner] = 1;
		placements[1 - winner] = 2;
	}
	standings_after_result(t, ls->s.stage, ls->round, ls->s.nparticipants, ls->s.player_ids,
						   NULL, placements);
	rounds_after_result(t, ls, winner);
}

/*
 * Settle session_id if nobody is to play it any more: true when decided
 * (its next sessions then want settling too).
 */
static bool
settle_one(Tournament *t, int64 session_id, LockedSession *ls)
{
	SlotState	slots[2];
	Datum		stored[2];
	int			playing = 0;
	int			participants = t->format->participants;

	session_lock(t, session_id, ls);
	if (ls->submitted)
		return false;
	read_slots(t, session_id, slots);
	for (int i = 0; i < participants; i++)
	{
		if (slots[i] == SLOT_WAITING)
			return false;		/* settled when its feeder is */
		playing += slots[i] == SLOT_PLAYING;
	}
	if (playing == participants)
		return false;			/* to be played */
	(void) session_read_participants(t->id, &ls->s, stored);
	/* the participants come in slot order: the one still playing, if any */
	write_walkover(t, ls, playing == 0 ? -1 :
				   (slots[0] == SLOT_PLAYING || ls->s.nparticipants == 1) ? 0 : 1);
	return true;
}

/* Settle the sessions given, and what each one decided feeds, until none is left. */
static void
settle(Tournament *t, const int64 *ids, int64 n)
{
	int64	   *queue = palloc(sizeof(int64) * Max(n, 1));
	int64		count = n;
	int64		allocated = Max(n, 1);

	memcpy(queue, ids, sizeof(int64) * n);
	while (count > 0)
	{
		int64		session_id = queue[--count];
		LockedSession ls;

		CHECK_FOR_INTERRUPTS();
		if (session_id == 0 || !settle_one(t, session_id, &ls))
			continue;
		for (int k = 0; k < 2; k++)
		{
			int64		next = k == 0 ? ls.s.next_session_id : ls.s.loser_next_session_id;

			if (next == 0)
				continue;
			queue = tourney_grow(queue, count, &allocated, sizeof(int64));
			queue[count++] = next;
		}
	}
	pfree(queue);
}

/* After a result of s: the sessions it fed, if a withdrawal may leave them waiting. */
void
walkovers_settle_fed(Tournament *t, const ResultSession *s)
{
	int64		fed[2] = {s->next_session_id, s->loser_next_session_id};

	if (t->withdrawn_players > 0)
		settle(t, fed, 2);
}

/*
 * Sessions written later (ids first .. last): those a withdrawn player is
 * in are settled at once (a withdrawn qualifier of the knockout after the
 * groups, a reset of a final the withdrawn player was in).
 */
void
walkovers_settle_written(Tournament *t, int64 first, int64 last)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, INT8OID};
	Datum		args[3] = {Int64GetDatum(t->id), Int64GetDatum(first), Int64GetDatum(last)};
	int64	   *ids;
	int64		n;

	if (t->withdrawn_players == 0 || last < first)
		return;
	query_prepare(&plan,
				  "SELECT DISTINCT p.session_id FROM tourney.session_participants p"
				  " JOIN tourney.enrollments e ON e.tournament_id = p.tournament_id"
				  "  AND e.player_id = p.player_id"
				  " WHERE p.tournament_id = $1 AND p.session_id BETWEEN $2 AND $3"
				  " AND e.withdrawn_at IS NOT NULL ORDER BY 1 DESC",
				  3, argtypes);
	query_exec(plan, args, NULL, false, 0);
	n = (int64) SPI_processed;
	ids = palloc(sizeof(int64) * Max(n, 1));
	for (int64 i = 0; i < n; i++)
		ids[i] = query_int8(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	settle(t, ids, n);
}

/* submit_walkover: session_id decided for the player of winner_slot. */
void
walkover_submit(int64 session_id, int32 winner_slot)
{
	FoundSession found = session_find(session_id);
	Tournament *t;
	LockedSession ls;
	Datum		stored[2];

	t = tournament_lock(found.tournament_id, TOURNAMENT_SHARE);
	session_lock_found(t, found, &ls);
	tournament_require_state(t, STATUS_IN_PROGRESS, "submit a walkover");
	if (session_read_participants(t->id, &ls.s, stored) < 2)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("session " INT64_FORMAT " does not have both participants", session_id),
				 errdetail(t->format->participants == 2 ?
						   "A walkover needs both players known." :
						   "A session of one player cannot be won without play.")));
	if (ls.submitted)
	{
		if (ls.walkover && ls.winner_id == ls.s.player_ids[winner_slot - 1])
			return;				/* the identical walkover again */
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("session " INT64_FORMAT " already has a %s", session_id,
						ls.walkover ? "different walkover" : "result"),
				 errhint("Use tourney.correct_result to change a submitted result.")));
	}
	completion_enter(t, &ls);	/* as result entry */
	write_walkover(t, &ls, winner_slot - 1);
	walkovers_settle_fed(t, &ls.s);
}

static int
id_order(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* The enrolment of a player still in, locked; 55000 (P0002) otherwise. */
static void
lock_enrolment(const Tournament *t, int64 player_id)
{
	static SPIPlanPtr plan = NULL;
	static SPIPlanPtr plan_player = NULL;
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		args[2] = {Int64GetDatum(t->id), Int64GetDatum(player_id)};
	bool		isnull;

	query_prepare(&plan,
				  "SELECT withdrawn_at IS NOT NULL FROM tourney.enrollments"
				  " WHERE tournament_id = $1 AND player_id = $2 FOR UPDATE",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 1);
	if (SPI_processed == 0)
	{
		query_prepare(&plan_player, "SELECT 1 FROM tourney.players WHERE player_id = $2"
					  " AND $1 IS NOT NULL", 2, argtypes);
		query_exec(plan_player, args, NULL, false, 1);
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("player " INT64_FORMAT " does not exist", player_id)));
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("player " INT64_FORMAT " is not enrolled in tournament " INT64_FORMAT,
						player_id, t->id)));
	}
	if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("player " INT64_FORMAT " has withdrawn from tournament " INT64_FORMAT
						" already", player_id, t->id)));
}

/* The player's sessions without a result, last first (the order settle takes them in). */
static int64 *
pending_sessions(const Tournament *t, int64 player_id, int64 *n)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		args[2] = {Int64GetDatum(t->id), Int64GetDatum(player_id)};
	int64	   *ids;

	query_prepare(&plan,
				  "SELECT s.session_id FROM tourney.session_participants p"
				  " JOIN tourney.sessions s ON s.tournament_id = p.tournament_id"
				  "  AND s.session_id = p.session_id"
				  " WHERE p.tournament_id = $1 AND p.player_id = $2 AND NOT s.result_submitted"
				  " ORDER BY s.session_id DESC",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 0);
	*n = (int64) SPI_processed;
	ids = palloc(sizeof(int64) * Max(*n, 1));
	for (int64 i = 0; i < *n; i++)
		ids[i] = query_int8(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	return ids;
}

/*
 * A player with nothing left to play is out already (lost in a bracket,
 * or every game played) and cannot withdraw; in a format that pairs each
 * round, the player is still in while rounds are to come (a bye now).
 */
static void
require_still_in(const Tournament *t, int64 player_id, int64 pending)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	bool		isnull;

	if (pending > 0)
		return;
	if (t->format->later == LATER_PAIRED_ROUNDS)
	{
		query_prepare(&plan, "SELECT coalesce(max(round), 0) FROM tourney.sessions"
					  " WHERE tournament_id = $1", 1, argtypes);
		query_exec(plan, args, NULL, false, 1);
		if (DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
										&isnull)) < t->number_of_rounds)
			return;
	}
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("player " INT64_FORMAT " has no session left in tournament " INT64_FORMAT,
					player_id, t->id),
			 errdetail("The player is out already, or has played every game.")));
}

static void
record_withdrawal(Tournament *t, int64 player_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		args[2] = {Int64GetDatum(t->id), Int64GetDatum(player_id)};

	query_prepare(&plan,
				  "WITH out AS (UPDATE tourney.enrollments SET withdrawn_at = now()"
				  "  WHERE tournament_id = $1 AND player_id = $2 RETURNING 1)"
				  " UPDATE tourney.tournaments SET withdrawn_players = withdrawn_players + 1"
				  " WHERE tournament_id = $1 AND EXISTS (SELECT 1 FROM out)",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 0);
	t->withdrawn_players++;
}

/*
 * withdraw_player: the player takes no further part.  Every session of
 * theirs without a result is settled now (a walkover for the other side,
 * or for nobody), except one that still waits for the other side, which
 * is settled when that side comes; in a Swiss the player is never paired
 * again.  Returns the sessions decided, in id order.
 */
Datum
withdrawal_apply(int64 tournament_id, int64 player_id)
{
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	int64		npending;
	int64	   *pending;
	int64	   *ids;

	tournament_require_state(t, STATUS_IN_PROGRESS, "withdraw a player");
	lock_enrolment(t, player_id);
	pending = pending_sessions(t, player_id, &npending);
	require_still_in(t, player_id, npending);
	record_withdrawal(t, player_id);
	ndecided = 0;
	decided_allocated = 16;
	decided = palloc(sizeof(int64) * decided_allocated);
	PG_TRY();
	{
		settle(t, pending, npending);
	}
	PG_FINALLY();
	{
		ids = decided;
		decided = NULL;
	}
	PG_END_TRY();
	qsort(ids, ndecided, sizeof(int64), id_order);
	return query_int8_array(ids, (int) ndecided);
}
