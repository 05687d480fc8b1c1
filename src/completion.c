/*
 * completion.c: the results that may complete what writes sessions after
 * it (a Swiss round, which pairs the next; a group stage, which draws the
 * knockout), without making every result of the round wait for the
 * others.
 *
 * The result that completes the set must see every other result of it
 * committed, and only one result may: two last results that each see the
 * other still open would both miss the pairing.  Taking the tournament
 * exclusively for every such result (as 0.2 first did) makes them come one
 * at a time.  Instead each result of the set enters here, under the set's
 * completion lock (LOCK_COMPLETION, exclusive, held for microseconds by
 * most), and takes a marker lock on its own session (LOCK_RESULT, to the
 * end of its transaction): a session whose marker is taken has its result
 * on the way.  Then:
 *
 * - if another session of the set is open and unmarked, its result is yet
 *   to enter, after this one: this result cannot be the last, releases the
 *   completion lock and goes on beside the others;
 * - otherwise every open session has a result on the way, and this one may
 *   be the last: it keeps the completion lock to the end of its
 *   transaction and waits for each marker, that is, for every result on
 *   the way to commit (or roll back), before it reads the set.  The result
 *   that then finds the set complete writes what follows.
 *
 * By induction the result that enters last finds no unmarked session and
 * waits for all the others, so the set is never left complete without its
 * next sessions, and only one result holds the completion lock at its
 * reading.  No cycle of waits: a result waits for a marker only while it
 * holds nothing but the tournament's shared lock, its session's row lock,
 * the completion lock and its own marker; the holders of the markers it
 * waits for no longer wait for the completion lock, and a transaction
 * that waits for its session's row lock holds no marker yet.
 */
#include "tourney/lifecycle.h"

#include "access/xact.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"

/* May a result of this round and stage make the format write sessions after it? */
static bool
completes_later(const Tournament *t, TourneyStage stage, int32 round)
{
	if (t->format->later == LATER_PAIRED_ROUNDS)
		return stage == STAGE_MAIN && round < t->number_of_rounds;	/* the last round pairs nothing */
	return t->format->later == LATER_KNOCKOUT_STAGE && stage == STAGE_GROUP;
}

/* The set's parameters: tournament, stage, last round ($1 .. $3). */
static void
set_args(const Tournament *t, TourneyStage stage, int32 round, Datum *args)
{
	args[0] = Int64GetDatum(t->id);
	args[1] = CStringGetTextDatum(tourney_stage_names[stage]);
	args[2] = Int32GetDatum(stage == STAGE_GROUP ? PG_INT32_MAX : round);
}

/*
 * The open sessions of the set but this one, in session_id order, to
 * visit (visit returns false to stop); returns false if stopped.  The set
 * of a Swiss is its rounds up to this one, of a group stage every group
 * session.
 */
static bool
visit_open(const Tournament *t, TourneyStage stage, int32 round, int64 session_id,
		   bool (*visit) (int64 open_id, void *arg), void *arg)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, TEXTOID, INT4OID, INT8OID};
	Datum		args[4];
	Portal		portal;
	bool		whole = true;

	set_args(t, stage, round, args);
	args[3] = Int64GetDatum(session_id);
	query_prepare(&plan,
				  "SELECT session_id FROM tourney.sessions"
				  " WHERE tournament_id = $1 AND stage::text = $2 AND round <= $3"
				  " AND NOT result_submitted AND session_id <> $4 ORDER BY session_id",
				  4, argtypes);
	/* the latest commits, whatever the isolation level (query_scan_fresh) */
	CommandCounterIncrement();
	PushActiveSnapshot(GetLatestSnapshot());
	portal = SPI_cursor_open(NULL, plan, args, NULL, true);
	do
	{
		SPI_cursor_fetch(portal, true, 64);
		for (uint64 i = 0; whole && i < SPI_processed; i++)
			whole = visit(query_int8(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1), arg);
		CHECK_FOR_INTERRUPTS();
	} while (whole && SPI_processed > 0);
	SPI_cursor_close(portal);
	PopActiveSnapshot();
	return whole;
}

/* Stops at the first open session whose result has not entered yet. */
static bool
marked(int64 open_id, void *arg)
{
	if (!locks_try(LOCK_RESULT, (uint64) open_id, 0, true))
		return true;
	locks_release(LOCK_RESULT, (uint64) open_id, 0, true);
	return false;
}

/* Waits for the result on the way to this session to end. */
static bool
wait_for_result(int64 open_id, void *arg)
{
	locks_take(LOCK_RESULT, (uint64) open_id, 0, false, false, NULL);
	locks_release(LOCK_RESULT, (uint64) open_id, 0, false);
	return true;
}

/*
 * Under REPEATABLE READ or SERIALIZABLE: were results committed that the
 * transaction's snapshot does not show?  Then pairing from it would use
 * stale results (40001, as PostgreSQL's own checks do).
 */
static void
refuse_stale_snapshot(const Tournament *t, TourneyStage stage, int32 round)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, TEXTOID, INT4OID};
	Datum		args[3];
	int64		seen;

	if (!IsolationUsesXactSnapshot())
		return;
	set_args(t, stage, round, args);
	query_prepare(&plan,
				  "SELECT count(*) FROM tourney.sessions WHERE tournament_id = $1"
				  " AND stage::text = $2 AND round <= $3 AND result_submitted",
				  3, argtypes);
	query_exec(plan, args, NULL, false, 1);
	seen = query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	query_exec_fresh(plan, args, NULL, 1);
	if (query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) != seen)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to concurrent results of tournament " INT64_FORMAT,
						t->id),
				 errdetail("Results committed after this transaction's snapshot may complete the %s.",
						   stage == STAGE_GROUP ? "group stage" : "round"),
				 errhint("Retry the transaction.")));
}

/*
 * Enter the result (or walkover) of a locked session, before anything of
 * it is written.  Returns at once where the format writes nothing after
 * results of its stage.
 */
void
completion_enter(const Tournament *t, const LockedSession *ls)
{
	int64		session_id = ls->s.session_id;
	TourneyStage stage = ls->s.stage;
	bool		may_be_last;

	if (!completes_later(t, stage, ls->round))
		return;
	locks_take(LOCK_COMPLETION, (uint64) t->id, 0, true, false, NULL);
	may_be_last = visit_open(t, stage, ls->round, session_id, marked, NULL);
	locks_take(LOCK_RESULT, (uint64) session_id, 0, true, false, NULL);
	if (!may_be_last)
	{
		locks_release(LOCK_COMPLETION, (uint64) t->id, 0, true);
		return;
	}
	(void) visit_open(t, stage, ls->round, session_id, wait_for_result, NULL);
	refuse_stale_snapshot(t, stage, ls->round);
}
