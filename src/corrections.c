/*
 * corrections.c: correct_result.
 *
 * A corrected result whose outcome is unchanged only rewrites the scores.
 * When the outcome changes, what was built on the old one must go:
 * - knockout: the sessions the old winner and loser were moved to, and
 *   recursively everything their results fed, lose their results; the new
 *   winner and loser take the places of the old ones;
 * - Swiss: the later rounds, paired from the old standings, are removed
 *   and the next round is paired again.
 * If any of those sessions already has a result, the correction is
 * refused unless cascade is set.  Rankings calculated before are dropped.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(tourney_correct_result);

/* Ids from the first column of the last SPI result. */
static Datum
spi_id_array(void)
{
	int64	   *ids = palloc(sizeof(int64) * Max(SPI_processed, 1));

	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		ids[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
	}
	return tourney_int8_array_datum(ids, (int) SPI_processed);
}

/* Knockout sessions downstream of next/loser_next that have a result. */
static Datum
knockout_dependents(int64 tournament_id, const ResultSession *s)
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
	tourney_plan(&plan,
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
	tourney_exec(plan, args, nulls, false, 0);
	return spi_id_array();
}

/* Take the results off knockout sessions, and the players they moved on. */
static void
knockout_reset(int64 tournament_id, Datum ids)
{
	static SPIPlanPtr plan_moved = NULL;
	static SPIPlanPtr plan_scores = NULL;
	static SPIPlanPtr plan_sessions = NULL;
	Oid			argtypes[2] = {INT8OID, INT8ARRAYOID};
	Datum		args[2] = {Int64GetDatum(tournament_id), ids};

	tourney_plan(&plan_moved,
				 "DELETE FROM tourney.session_participants p USING tourney.sessions s"
				 " WHERE s.tournament_id = $1 AND s.session_id = ANY ($2)"
				 " AND p.tournament_id = $1"
				 " AND ((p.session_id = s.next_session_id AND p.slot = s.next_slot)"
				 "  OR (p.session_id = s.loser_next_session_id AND p.slot = s.loser_next_slot))",
				 2, argtypes);
	tourney_exec(plan_moved, args, NULL, false, 0);
	tourney_plan(&plan_scores,
				 "UPDATE tourney.session_participants SET score = NULL, placement = NULL"
				 " WHERE tournament_id = $1 AND session_id = ANY ($2)",
				 2, argtypes);
	tourney_exec(plan_scores, args, NULL, false, 0);
	tourney_plan(&plan_sessions,
				 "UPDATE tourney.sessions SET winner_id = NULL, result_submitted = false,"
				 " result_submitted_at = NULL"
				 " WHERE tournament_id = $1 AND session_id = ANY ($2)",
				 2, argtypes);
	tourney_exec(plan_sessions, args, NULL, false, 0);
}

/* The new winner (and loser) take the places the old ones were moved to. */
static void
knockout_replace(int64 tournament_id, const ResultSession *s, int winner)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, INT8OID, INT2OID, INT8OID};
	Datum		args[4];

	tourney_plan(&plan,
				 "UPDATE tourney.session_participants SET player_id = $4"
				 " WHERE tournament_id = $1 AND session_id = $2 AND slot = $3",
				 4, argtypes);
	args[0] = Int64GetDatum(tournament_id);
	if (s->next_session_id != 0)
	{
		args[1] = Int64GetDatum(s->next_session_id);
		args[2] = Int16GetDatum(s->next_slot);
		args[3] = Int64GetDatum(s->player_ids[winner]);
		tourney_exec(plan, args, NULL, false, 0);
	}
	if (s->loser_next_session_id != 0)
	{
		args[1] = Int64GetDatum(s->loser_next_session_id);
		args[2] = Int16GetDatum(s->loser_next_slot);
		args[3] = Int64GetDatum(s->player_ids[1 - winner]);
		tourney_exec(plan, args, NULL, false, 0);
	}
}

/* Swiss sessions of rounds after `round`: all, or only those with a result. */
static Datum
swiss_later_sessions(int64 tournament_id, int32 round, bool with_result)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT4OID, BOOLOID};
	Datum		args[3] = {Int64GetDatum(tournament_id), Int32GetDatum(round),
	BoolGetDatum(with_result)};

	tourney_plan(&plan,
				 "SELECT session_id FROM tourney.sessions WHERE tournament_id = $1"
				 " AND round > $2 AND (result_submitted OR NOT $3) ORDER BY session_id",
				 3, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	return spi_id_array();
}

static void
swiss_remove_rounds_after(int64 tournament_id, int32 round)
{
	static SPIPlanPtr plan_parts = NULL;
	static SPIPlanPtr plan_sessions = NULL;
	static SPIPlanPtr plan_byes = NULL;
	Oid			argtypes[2] = {INT8OID, INT4OID};
	Datum		args[2] = {Int64GetDatum(tournament_id), Int32GetDatum(round)};

	tourney_plan(&plan_parts,
				 "DELETE FROM tourney.session_participants p USING tourney.sessions s"
				 " WHERE s.tournament_id = $1 AND s.round > $2"
				 " AND p.tournament_id = $1 AND p.session_id = s.session_id",
				 2, argtypes);
	tourney_exec(plan_parts, args, NULL, false, 0);
	tourney_plan(&plan_sessions,
				 "DELETE FROM tourney.sessions WHERE tournament_id = $1 AND round > $2",
				 2, argtypes);
	tourney_exec(plan_sessions, args, NULL, false, 0);
	tourney_plan(&plan_byes,
				 "DELETE FROM tourney.byes WHERE tournament_id = $1 AND round > $2",
				 2, argtypes);
	tourney_exec(plan_byes, args, NULL, false, 0);
}

static void
drop_rankings(int64 tournament_id)
{
	static SPIPlanPtr plan_delete = NULL;
	static SPIPlanPtr plan_stamp = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};

	tourney_plan(&plan_delete, "DELETE FROM tourney.rankings WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan_delete, args, NULL, false, 0);
	tourney_plan(&plan_stamp,
				 "UPDATE tourney.tournaments SET rankings_calculated_at = NULL"
				 " WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan_stamp, args, NULL, false, 0);
}

static void
refuse_without_cascade(int64 session_id, Datum dependents)
{
	ArrayType  *a = DatumGetArrayTypeP(dependents);
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));

	if (n > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the result of session " INT64_FORMAT " has later results depending on it",
						session_id),
				 errdetail_plural("%d later session already has a result.",
								  "%d later sessions already have results.", n, n),
				 errhint("Pass cascade => true to reset them.")));
}

/*
 * Correct one result; returns the ids of the sessions reset or removed.
 */
static Datum
correct_result(int64 session_id, const Datum *scores, int nscores, bool cascade)
{
	LockedSession ls;
	Datum		stored[2];
	int32		placements[2];
	Tournament *t;
	ResultWriter *w;
	int			winner;
	int64		new_winner;
	bool		same = true;
	Datum		affected = tourney_int8_array_datum(NULL, 0);

	t = tournament_lock(session_tournament(session_id, NULL), TOURNAMENT_LOCK);
	lock_session(session_id, &ls);
	tournament_require_state(t, STATUS_IN_PROGRESS, "correct a result");
	if (!ls.submitted)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("session " INT64_FORMAT " has no result to correct", session_id),
				 errhint("Use tourney.submit_result.")));
	require_scorable(t, &ls, nscores, stored);
	winner = place_scores(t, nscores, scores, placements);
	check_outcome(t, session_id, nscores, winner);
	for (int i = 0; i < nscores; i++)
		same = same && numeric_compare(scores[i], stored[i]) == 0;
	if (same)
		return affected;
	new_winner = winner >= 0 ? ls.s.player_ids[winner] : 0;

	if (new_winner != ls.winner_id && t->format == FORMAT_KNOCKOUT)
	{
		affected = knockout_dependents(t->id, &ls.s);
		if (!cascade)
			refuse_without_cascade(session_id, affected);
		knockout_reset(t->id, affected);
		knockout_replace(t->id, &ls.s, winner);
	}
	else if (new_winner != ls.winner_id && t->format == FORMAT_SWISS)
	{
		if (!cascade)
			refuse_without_cascade(session_id,
								   swiss_later_sessions(t->id, ls.round, true));
		affected = swiss_later_sessions(t->id, ls.round, false);
		swiss_remove_rounds_after(t->id, ls.round);
	}

	w = result_writer_begin(t, true);
	result_writer_add_ex(w, &ls.s, scores, false);
	result_writer_end(w);
	if (t->ranked)
		drop_rankings(t->id);
	swiss_pair_after_round(t, ls.round);
	return affected;
}

Datum
tourney_correct_result(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum	   *scores;
	int			nscores;
	Datum		affected;
	Datum	   *ids;
	bool	   *nulls;
	int			n;

	tourney_require_arg(fcinfo, 0, "session_id");
	tourney_require_arg(fcinfo, 1, "scores");
	tourney_require_arg(fcinfo, 2, "cascade");
	scores = score_array(PG_GETARG_ARRAYTYPE_P(1), &nscores);
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	SPI_connect();
	tasks_recover_if_needed();
	tourney_bulk_settings();
	affected = correct_result(PG_GETARG_INT64(0), scores, nscores, PG_GETARG_BOOL(2));
	deconstruct_array(DatumGetArrayTypeP(affected), INT8OID, 8, FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &ids, &nulls, &n);
	for (int i = 0; i < n; i++)
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &ids[i], &nulls[i]);
	SPI_finish();
	return (Datum) 0;
}
