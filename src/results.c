/*
 * results.c: the rules that turn a session's scores into placements, a
 * winner and advancement, and the bulk writer that applies them.  Both
 * submit_result (one session) and simulate_results (a round at a time) go
 * through result_writer_add.
 */
#include "tourney.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "executor/tuptable.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(tourney_submit_result);

struct ResultWriter
{
	const Tournament *t;
	TidUpdate  *sessions;		/* winner and time of each session */
	TidUpdate  *participants;	/* score and placement of stored participants */
	BulkInsert *advance;		/* participants of the sessions players move to */
	BulkInsert *final;			/* participants written with their result */
};

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

static const char *const session_columns[3] = {"winner_id", "result_submitted",
"result_submitted_at"};
static const char *const participant_columns[2] = {"score", "placement"};
static const char *const final_participant_columns[6] = {"tournament_id", "session_id",
"slot", "player_id", "score", "placement"};

/*
 * A writer of results; one_result for a single result (submit_result,
 * correct_result), whose writers use the tables' kept CHECK constraint
 * states (checks.c).
 */
ResultWriter *
result_writer_begin(const Tournament *t, bool one_result)
{
	ResultWriter *w = palloc0(sizeof(ResultWriter));

	w->t = t;
	w->sessions = tid_update_begin("sessions", 3, session_columns);
	w->participants = tid_update_begin("session_participants", 2, participant_columns);
	w->advance = participants_insert_begin();
	w->final = bulk_insert_begin("session_participants", 6, final_participant_columns);
	if (one_result)
	{
		tid_update_keep_checks(w->sessions);
		tid_update_keep_checks(w->participants);
		bulk_insert_keep_checks(w->advance);
		bulk_insert_keep_checks(w->final);
	}
	return w;
}

static void
update_session(ResultWriter *w, const ResultSession *s, int winner)
{
	Datum		values[3];
	bool		nulls[3] = {false};

	values[0] = Int64GetDatum(winner >= 0 ? s->player_ids[winner] : 0);
	nulls[0] = winner < 0;
	values[1] = BoolGetDatum(true);
	values[2] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	tid_update_row(w->sessions, (ItemPointer) &s->session_tid, values, nulls);
}

static void
update_participant(ResultWriter *w, const ResultSession *s, int i, Datum score,
				   int32 placement)
{
	Datum		values[2];

	values[0] = score;
	values[1] = Int32GetDatum(placement);
	tid_update_row(w->participants, (ItemPointer) &s->participant_tids[i], values, NULL);
}

/*
 * Apply one session's scores (in slot order): placements, winner, and the
 * moves of winner and loser to the sessions that wait for them.
 */
void
result_writer_add(ResultWriter *w, const ResultSession *s, const Datum *scores)
{
	(void) result_writer_add_ex(w, s, scores, true);
}

/* A participant not in the table yet, written once with its result. */
static void
insert_final_participant(ResultWriter *w, int64 session_id, int16 slot, int64 player_id,
						 Datum score, int32 placement)
{
	Datum		values[6];

	values[0] = Int64GetDatum(w->t->id);
	values[1] = Int64GetDatum(session_id);
	values[2] = Int16GetDatum(slot);
	values[3] = Int64GetDatum(player_id);
	values[4] = score;
	values[5] = Int32GetDatum(placement);
	bulk_insert_add(w->final, values, NULL);
}

/*
 * With advance false the players stay where they are: corrections move
 * them, and simulate_results carries them to their next session in memory.
 * Returns the index of the winner, -1 for none.
 */
int
result_writer_add_ex(ResultWriter *w, const ResultSession *s, const Datum *scores,
					 bool advance)
{
	int32		placements[2];
	int			n = s->nparticipants;
	int			winner = place_scores(w->t, n, scores, placements);

	check_outcome(w->t, s->session_id, n, winner);
	update_session(w, s, winner);
	for (int i = 0; i < n; i++)
	{
		if (s->unstored_slots & (1 << i))
			insert_final_participant(w, s->session_id, i + 1, s->player_ids[i],
									 scores[i], placements[i]);
		else
			update_participant(w, s, i, scores[i], placements[i]);
	}

	if (advance && winner >= 0 && s->next_session_id != 0)
		participant_insert(w->advance, w->t->id, s->next_session_id, s->next_slot,
						   s->player_ids[winner]);
	if (advance && winner >= 0 && s->loser_next_session_id != 0)
		participant_insert(w->advance, w->t->id, s->loser_next_session_id,
						   s->loser_next_slot, s->player_ids[1 - winner]);
	return winner;
}

void
result_writer_end(ResultWriter *w)
{
	tid_update_end(w->sessions);
	tid_update_end(w->participants);
	bulk_insert_end(w->advance);
	bulk_insert_end(w->final);
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

	/* session_id > 0 names the partial index on session_id (see the schema) */
	tourney_plan(&plan,
				 "SELECT tournament_id, next_session_id, next_slot,"
				 " loser_next_session_id, loser_next_slot, result_submitted,"
				 " round, winner_id, ctid"
				 " FROM tourney.sessions WHERE session_id = $1 AND session_id > 0"
				 " FOR NO KEY UPDATE",
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
	s->session_tid = DatumGetTid(SPI_getbinval(row, desc, 9, &isnull));
}

/*
 * Participants in slot order, with their stored scores (NULL if none yet),
 * read by key.
 */
int
read_participants(int64 tournament_id, ResultSession *s, Datum *stored)
{
	Datum		keys[2] = {Int64GetDatum(tournament_id), Int64GetDatum(s->session_id)};
	KeyScan    *ks = keyscan_begin("session_participants", "session_participants_pkey", 2, keys);
	AttrNumber	player_col = keyscan_attnum(ks, "player_id");
	AttrNumber	score_col = keyscan_attnum(ks, "score");
	TupleTableSlot *row;
	int			n = 0;

	while ((row = keyscan_next(ks)) != NULL)
	{
		bool		isnull;
		Datum		score;

		if (n == 2)
			elog(ERROR, "session " INT64_FORMAT " has more than 2 participants", s->session_id);
		s->player_ids[n] = DatumGetInt64(slot_getattr(row, player_col, &isnull));
		score = slot_getattr(row, score_col, &isnull);
		stored[n] = isnull ? (Datum) 0 : datumCopy(score, false, -1);
		s->participant_tids[n] = row->tts_tid;
		n++;
	}
	keyscan_end(ks);
	s->nparticipants = n;
	return n;
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

	w = result_writer_begin(t, true);
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
