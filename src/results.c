/*
 * results.c: the rules that turn a session's scores into placements, a
 * winner and advancement, and the bulk writer that applies them.  Both
 * submit_result (one session) and simulate_results (a round at a time) go
 * through result_writer_add.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

PG_FUNCTION_INFO_V1(tourney_submit_result);

struct ResultWriter
{
	const Tournament *t;
	ArrayBatch	sessions;		/* UPDATE sessions: id, winner */
	ArrayBatch	participants;	/* UPDATE participants: id, slot, score, placement */
	ArrayBatch	advance;		/* INSERT participants: id, slot, player */
};

static const Oid session_update_columns[2] = {INT8OID, INT8OID};
static const Oid participant_update_columns[4] = {INT8OID, INT2OID, NUMERICOID, INT4OID};

int
result_expected_participants(TourneyFormat format)
{
	return format == FORMAT_INDIVIDUAL_RANKING ? 1 : 2;
}

int
numeric_compare(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

/*
 * Placements (1 = best, equal scores share) and the index of the winner of
 * a two-player session, or -1 for a draw or a single-player session.
 */
int
place_scores(const Tournament *t, int n, const Datum *scores, int32 *placements)
{
	for (int i = 0; i < n; i++)
	{
		placements[i] = 1;
		for (int j = 0; j < n; j++)
		{
			int			cmp = numeric_compare(scores[j], scores[i]);

			if (t->higher_wins ? cmp > 0 : cmp < 0)
				placements[i]++;
		}
	}
	if (n != 2 || placements[0] == placements[1])
		return -1;
	return placements[0] == 1 ? 0 : 1;
}

/* Refuse scores that break the format's rules, before anything is written. */
void
check_outcome(const Tournament *t, int64 session_id, int n, int winner)
{
	if (t->format == FORMAT_KNOCKOUT && n == 2 && winner < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("session " INT64_FORMAT " of a knockout cannot end in a draw",
						session_id),
				 errhint("Submit scores that name a winner.")));
}

ResultWriter *
result_writer_begin(const Tournament *t)
{
	static SPIPlanPtr plan_sessions = NULL;
	static SPIPlanPtr plan_participants = NULL;
	Oid			session_types[3] = {INT8OID, INT8ARRAYOID, INT8ARRAYOID};
	Oid			participant_types[5] = {INT8OID, INT8ARRAYOID, INT2ARRAYOID,
	NUMERICARRAYOID, INT4ARRAYOID};
	ResultWriter *w = palloc0(sizeof(ResultWriter));

	w->t = t;
	tourney_plan(&plan_sessions,
				 "UPDATE tourney.sessions s SET winner_id = u.winner,"
				 " result_submitted = true, result_submitted_at = now()"
				 " FROM unnest($2, $3) u(id, winner)"
				 " WHERE s.tournament_id = $1 AND s.session_id = u.id",
				 3, session_types);
	tourney_plan(&plan_participants,
				 "UPDATE tourney.session_participants p SET score = u.score,"
				 " placement = u.placement"
				 " FROM unnest($2, $3, $4, $5) u(id, slot, score, placement)"
				 " WHERE p.tournament_id = $1 AND p.session_id = u.id AND p.slot = u.slot",
				 5, participant_types);
	array_batch_init(&w->sessions, plan_sessions, t->id, 2, session_update_columns);
	array_batch_init(&w->participants, plan_participants, t->id, 4,
					 participant_update_columns);
	array_batch_init(&w->advance, participants_insert_plan(), t->id, 3,
					 participant_columns);
	return w;
}

static void
advance_player(ResultWriter *w, int64 session_id, int16 slot, int64 player_id)
{
	Datum		values[3];

	values[0] = Int64GetDatum(session_id);
	values[1] = Int16GetDatum(slot);
	values[2] = Int64GetDatum(player_id);
	array_batch_add(&w->advance, values, NULL);
}

/*
 * Apply one session's scores (in slot order): placements, winner, and the
 * moves of winner and loser to the sessions that wait for them.
 */
void
result_writer_add(ResultWriter *w, const ResultSession *s, const Datum *scores)
{
	result_writer_add_ex(w, s, scores, true);
}

/* With advance false the players stay where they are (corrections move them). */
void
result_writer_add_ex(ResultWriter *w, const ResultSession *s, const Datum *scores,
					 bool advance)
{
	int32		placements[2];
	int			n = s->nparticipants;
	int			winner = place_scores(w->t, n, scores, placements);
	Datum		values[4];
	bool		nulls[4] = {false};

	check_outcome(w->t, s->session_id, n, winner);

	values[0] = Int64GetDatum(s->session_id);
	values[1] = Int64GetDatum(winner >= 0 ? s->player_ids[winner] : 0);
	nulls[1] = winner < 0;
	array_batch_add(&w->sessions, values, nulls);

	for (int i = 0; i < n; i++)
	{
		Datum		row[4];

		row[0] = Int64GetDatum(s->session_id);
		row[1] = Int16GetDatum(i + 1);
		row[2] = scores[i];
		row[3] = Int32GetDatum(placements[i]);
		array_batch_add(&w->participants, row, NULL);
	}

	if (!advance)
		return;
	if (winner >= 0 && s->next_session_id != 0)
		advance_player(w, s->next_session_id, s->next_slot, s->player_ids[winner]);
	if (winner >= 0 && s->loser_next_session_id != 0)
		advance_player(w, s->loser_next_session_id, s->loser_next_slot,
					   s->player_ids[1 - winner]);
}

void
result_writer_end(ResultWriter *w)
{
	array_batch_end(&w->sessions);
	array_batch_end(&w->participants);
	array_batch_end(&w->advance);
}

/* The scores argument: one-dimensional, no NULL, no NaN or infinity. */
Datum *
score_array(ArrayType *a, int *n)
{
	Datum	   *scores;
	bool	   *nulls;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scores must be a one-dimensional array")));
	deconstruct_array(a, NUMERICOID, -1, false, TYPALIGN_INT, &scores, &nulls, n);
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("scores must not contain nulls")));
		if (numeric_is_nan(DatumGetNumeric(scores[i])) ||
			numeric_is_inf(DatumGetNumeric(scores[i])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scores must be finite numbers")));
	}
	return scores;
}

/* A session as results need it, locked; unknown sessions are P0002. */
void
lock_session(int64 session_id, LockedSession *ls)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(session_id)};
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	ResultSession *s = &ls->s;

	tourney_plan(&plan,
				 "SELECT tournament_id, next_session_id, next_slot,"
				 " loser_next_session_id, loser_next_slot, result_submitted,"
				 " round, winner_id"
				 " FROM tourney.sessions WHERE session_id = $1 FOR NO KEY UPDATE",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("session " INT64_FORMAT " does not exist", session_id)));
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	memset(ls, 0, sizeof(*ls));
	s->session_id = session_id;
	ls->tournament_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
	s->next_session_id = DatumGetInt64(SPI_getbinval(row, desc, 2, &isnull));
	if (isnull)
		s->next_session_id = 0;
	s->next_slot = DatumGetInt16(SPI_getbinval(row, desc, 3, &isnull));
	s->loser_next_session_id = DatumGetInt64(SPI_getbinval(row, desc, 4, &isnull));
	if (isnull)
		s->loser_next_session_id = 0;
	s->loser_next_slot = DatumGetInt16(SPI_getbinval(row, desc, 5, &isnull));
	ls->submitted = DatumGetBool(SPI_getbinval(row, desc, 6, &isnull));
	ls->round = DatumGetInt32(SPI_getbinval(row, desc, 7, &isnull));
	ls->winner_id = DatumGetInt64(SPI_getbinval(row, desc, 8, &isnull));
	if (isnull)
		ls->winner_id = 0;
}

/* Participants in slot order, with their stored scores (NULL if none yet). */
int
read_participants(int64 tournament_id, ResultSession *s, Datum *stored)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		args[2] = {Int64GetDatum(tournament_id), Int64GetDatum(s->session_id)};

	tourney_plan(&plan,
				 "SELECT player_id, score FROM tourney.session_participants"
				 " WHERE tournament_id = $1 AND session_id = $2 ORDER BY slot",
				 2, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	if (SPI_processed > 2)
		elog(ERROR, "session " INT64_FORMAT " has " UINT64_FORMAT " participants",
			 s->session_id, SPI_processed);
	s->nparticipants = (int) SPI_processed;
	for (int i = 0; i < s->nparticipants; i++)
	{
		bool		isnull;

		s->player_ids[i] = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
													   SPI_tuptable->tupdesc, 1, &isnull));
		stored[i] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);
		if (isnull)
			stored[i] = (Datum) 0;
	}
	return s->nparticipants;
}

/*
 * The participants of a locked session, checked against the scores given:
 * known (55000) and as many as the scores (22023).
 */
void
require_scorable(const Tournament *t, LockedSession *ls, int nscores, Datum *stored)
{
	int64		session_id = ls->s.session_id;

	if (read_participants(t->id, &ls->s, stored) < result_expected_participants(t->format))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("participants of session " INT64_FORMAT " are not known yet", session_id),
				 errdetail("The session waits for the results of earlier sessions.")));
	if (nscores != ls->s.nparticipants)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg_plural("session " INT64_FORMAT " has %d participant but %d scores were given",
							   "session " INT64_FORMAT " has %d participants but %d scores were given",
							   ls->s.nparticipants, session_id, ls->s.nparticipants, nscores),
				 errhint("Give one score per participant, in slot order.")));
}

static void
submit_result(int64 session_id, const Datum *scores, int nscores)
{
	LockedSession ls;
	Datum		stored[2];
	Tournament *t;
	ResultWriter *w;
	TourneyFormat format;
	int64		tournament_id = session_tournament(session_id, &format);

	/*
	 * Tournament first, then the session.  A Swiss round's last results must
	 * not both miss (or both make) the pairing: there, one at a time.
	 */
	t = tournament_lock(tournament_id,
						format == FORMAT_SWISS ? TOURNAMENT_LOCK : TOURNAMENT_SHARE);
	lock_session(session_id, &ls);
	tournament_require_state(t, STATUS_IN_PROGRESS, "submit a result");
	require_scorable(t, &ls, nscores, stored);

	if (ls.submitted)
	{
		for (int i = 0; i < nscores; i++)
			if (numeric_compare(scores[i], stored[i]) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("session " INT64_FORMAT " already has a different result", session_id),
						 errhint("Use tourney.correct_result to change a submitted result.")));
		return;					/* the identical result again: nothing to do */
	}

	w = result_writer_begin(t);
	result_writer_add(w, &ls.s, scores);
	result_writer_end(w);
	swiss_pair_after_round(t, ls.round);
}

Datum
tourney_submit_result(PG_FUNCTION_ARGS)
{
	Datum	   *scores;
	int			nscores;

	tourney_require_arg(fcinfo, 0, "session_id");
	tourney_require_arg(fcinfo, 1, "scores");
	scores = score_array(PG_GETARG_ARRAYTYPE_P(1), &nscores);

	SPI_connect();
	tasks_recover_if_needed();
	submit_result(PG_GETARG_INT64(0), scores, nscores);
	SPI_finish();
	PG_RETURN_VOID();
}
