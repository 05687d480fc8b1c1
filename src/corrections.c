/*
 * corrections.c: correct_result.
 *
 * A corrected result whose outcome is unchanged only rewrites the scores.
 * When the winner changes, what was built on the old one must go:
 * - in a format whose players advance (knockout, the brackets of a double
 *   elimination, the knockout after groups), the sessions the old winner
 *   and loser were moved to, and recursively everything their results
 *   fed, lose their results; the new winner and loser take the places of
 *   the old ones;
 * - the sessions written after generation on the strength of the old
 *   result are removed (rounds_undo): the later Swiss rounds, the knockout
 *   after the groups (a group score changes the tables whoever won), a
 *   grand-final reset; then what the new result completes is written.
 * If any of those sessions already has a result, the correction is
 * refused unless cascade is set.  Rankings calculated before are dropped.
 */
#include "tourney/lifecycle.h"

/* Sessions downstream of next/loser_next that have a result. */
static Datum
advancement_dependents(int64 tournament_id, const ResultSession *s)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, INT8OID};
	Datum		args[3];
	char		nulls[3] = "   ";

	args[0] = Int64GetDatum(tournament_id);
	args[1] = Int64GetDatum(s->next_session_id);
	nulls[1] = s->next_session_id == 0 ? 'n' : ' ';
	args[2] = Int64GetDatum(s->loser_next_session_id);
	nulls[2] = s->loser_next_session_id == 0 ? 'n' : ' ';
	query_prepare(&plan,
				  "WITH RECURSIVE fed(session_id) AS ("
				  " SELECT id FROM (VALUES ($2), ($3)) v(id) WHERE id IS NOT NULL"
				  " UNION"
				  " SELECT x.id FROM fed f JOIN tourney.sessions s"
				  "  ON s.tournament_id = $1 AND s.session_id = f.session_id AND s.result_submitted"
				  " CROSS JOIN LATERAL (VALUES (s.next_session_id), (s.loser_next_session_id)) x(id)"
				  " WHERE x.id IS NOT NULL)"
				  " SELECT s.session_id FROM fed f JOIN tourney.sessions s"
				  " ON s.tournament_id = $1 AND s.session_id = f.session_id"
				  " WHERE s.result_submitted ORDER BY s.session_id",
				  3, argtypes);
	query_exec(plan, args, nulls, false, 0);
	return query_result_ids();
}

/* Take the results off sessions (walkovers too), and the players they moved on. */
static void
advancement_reset(const Tournament *t, Datum ids)
{
	static SPIPlanPtr plan_moved = NULL;
	static SPIPlanPtr plan_scores = NULL;
	static SPIPlanPtr plans_sessions[2];
	Oid			argtypes[2] = {INT8OID, INT8ARRAYOID};
	Datum		args[2] = {Int64GetDatum(t->id), ids};

	query_prepare(&plan_moved,
				  "DELETE FROM tourney.session_participants p USING tourney.sessions s"
				  " WHERE s.tournament_id = $1 AND s.session_id = ANY ($2)"
				  " AND p.tournament_id = $1"
				  " AND ((p.session_id = s.next_session_id AND p.slot = s.next_slot)"
				  "  OR (p.session_id = s.loser_next_session_id AND p.slot = s.loser_next_slot))",
				  2, argtypes);
	query_exec(plan_moved, args, NULL, false, 0);
	query_prepare(&plan_scores,
				  "UPDATE tourney.session_participants SET score = NULL, placement = NULL"
				  " WHERE tournament_id = $1 AND session_id = ANY ($2)",
				  2, argtypes);
	query_exec(plan_scores, args, NULL, false, 0);
	query_prepare(&plans_sessions[t->schema_0_2],
				  psprintf("UPDATE tourney.sessions SET winner_id = NULL, result_submitted = false,"
						   " result_submitted_at = NULL%s"
						   " WHERE tournament_id = $1 AND session_id = ANY ($2)",
						   t->schema_0_2 ? ", walkover = false" : ""),
				  2, argtypes);
	query_exec(plans_sessions[t->schema_0_2], args, NULL, false, 0);
}

/* The new winner (and loser) take the places the old ones were moved to. */
static void
advancement_replace(int64 tournament_id, const ResultSession *s, int winner)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, INT8OID, INT2OID, INT8OID};
	Datum		args[4];

	query_prepare(&plan,
				  "UPDATE tourney.session_participants SET player_id = $4"
				  " WHERE tournament_id = $1 AND session_id = $2 AND slot = $3",
				  4, argtypes);
	args[0] = Int64GetDatum(tournament_id);
	if (s->next_session_id != 0)
	{
		args[1] = Int64GetDatum(s->next_session_id);
		args[2] = Int16GetDatum(s->next_slot);
		args[3] = Int64GetDatum(s->player_ids[winner]);
		query_exec(plan, args, NULL, false, 0);
	}
	if (s->loser_next_session_id != 0)
	{
		args[1] = Int64GetDatum(s->loser_next_session_id);
		args[2] = Int16GetDatum(s->loser_next_slot);
		args[3] = Int64GetDatum(s->player_ids[1 - winner]);
		query_exec(plan, args, NULL, false, 0);
	}
}

static void
drop_rankings(int64 tournament_id)
{
	static SPIPlanPtr plan_delete = NULL;
	static SPIPlanPtr plan_stamp = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};

	query_prepare(&plan_delete, "DELETE FROM tourney.rankings WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan_delete, args, NULL, false, 0);
	query_prepare(&plan_stamp,
				  "UPDATE tourney.tournaments SET rankings_calculated_at = NULL"
				  " WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan_stamp, args, NULL, false, 0);
}

/*
 * What depends on the old winner goes: the sessions the winner and loser
 * moved on to (recursively) lose their results, and the new winner and
 * loser take the old ones' places.  Returns the ids of the sessions reset.
 */
static Datum
undo_advancement(const Tournament *t, const LockedSession *ls, int winner, bool cascade)
{
	Datum		affected = advancement_dependents(t->id, &ls->s);

	if (!cascade)
		rounds_refuse_without_cascade(ls->s.session_id, affected);
	advancement_reset(t, affected);
	advancement_replace(t->id, &ls->s, winner);
	return affected;
}

/* Two bigint[] of ids, one after the other. */
static Datum
ids_concat(Datum first, Datum second)
{
	int			na;
	int			nb;
	int64	   *a = query_int8_values(DatumGetArrayTypeP(first), "session ids", &na);
	int64	   *b = query_int8_values(DatumGetArrayTypeP(second), "session ids", &nb);
	int64	   *all = palloc(sizeof(int64) * Max(na + nb, 1));

	memcpy(all, a, sizeof(int64) * na);
	memcpy(all + na, b, sizeof(int64) * nb);
	return query_int8_array(all, na + nb);
}

/*
 * Correct one result; returns the ids of the sessions reset or removed.
 */
Datum
correction_apply(int64 session_id, const Datum *scores, int nscores, bool cascade)
{
	FoundSession found = session_find(session_id);
	LockedSession ls;
	Datum		stored[2];
	int32		placements[2];
	Tournament *t;
	ResultWriter *w;
	int			winner;
	bool		winner_changed;
	bool		same = true;
	Datum		affected = query_int8_array(NULL, 0);
	Datum		removed;

	t = tournament_lock(found.tournament_id, TOURNAMENT_LOCK);
	session_lock_found(t, found, &ls);
	tournament_require_state(t, STATUS_IN_PROGRESS, "correct a result");
	if (!ls.submitted)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("session " INT64_FORMAT " has no result to correct", session_id),
				 errhint("Use tourney.submit_result.")));
	session_require_scorable(t, &ls, nscores, stored);
	if (ls.walkover && ls.winner_id == 0 && nscores == 2)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("session " INT64_FORMAT " was decided for nobody", session_id),
				 errdetail("Both of its players withdrew; it has no result to correct.")));
	winner = result_place_scores(t, nscores, scores, placements);
	result_check_outcome(t, &ls.s, nscores, winner);
	for (int i = 0; i < nscores; i++)
		same = same && !ls.walkover && tourney_numeric_cmp(scores[i], stored[i]) == 0;
	if (same)
		return affected;
	winner_changed = (winner >= 0 ? ls.s.player_ids[winner] : 0) != ls.winner_id;
	if (winner_changed && t->format->advances)
		affected = undo_advancement(t, &ls, winner, cascade);
	removed = rounds_undo(t, &ls, winner_changed, affected, cascade);
	affected = ids_concat(affected, removed);

	w = result_writer_begin(t, true);
	(void) result_writer_add(w, &ls.s, scores, false);
	result_writer_end(w);
	if (t->ranked)
		drop_rankings(t->id);
	rounds_after_result(t, &ls, winner);
	walkovers_settle_fed(t, &ls.s);
	(void) tally_rebuild(t);
	progress_recount(t);	/* a session rewritten, others reset or gone */
	return affected;
}
