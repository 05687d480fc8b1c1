/*
 * results.c: the rules that turn a session's scores into placements, a
 * winner and advancement, the bulk writer that applies them, and
 * submit_result.  submit_result (one session), correct_result and
 * simulate_results (every open session at once) all go through
 * result_writer_add.
 */
#include "tourney/lifecycle.h"

#include "access/xact.h"
#include "utils/timestamp.h"

struct ResultWriter
{
	const Tournament *t;
	TidUpdate  *sessions;		/* winner and time of each session */
	TidUpdate  *participants;	/* score and placement of stored participants */
	BulkInsert *advance;		/* participants of the sessions players move to */
	BulkInsert *final;			/* participants written with their result */
	/* walkovers: decided without play, their courts freed */
	int64	   *walkovers;
	int64		nwalkovers;
	int64		walkovers_allocated;
	int64		decided;		/* sessions given a result */
};

/*
 * Placements (1 = best, equal scores share) and the index of the winner of
 * a two-player session, or -1 for a draw or a single-player session.
 */
int
result_place_scores(const Tournament *t, int n, const Datum *scores, int32 *placements)
{
	for (int i = 0; i < n; i++)
	{
		placements[i] = 1;
		for (int j = 0; j < n; j++)
		{
			int			cmp = tourney_numeric_cmp(scores[j], scores[i]);

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
result_check_outcome(const Tournament *t, const ResultSession *s, int n, int winner)
{
	int64		session_id = s->session_id;

	if (!format_allows_draw(t->format, s->stage) && n == 2 && winner < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("session " INT64_FORMAT " of a %s cannot end in a draw",
						session_id, t->format->name),
				 errhint("Submit scores that name a winner.")));
}

static const char *const session_columns[4] = {"winner_id", "result_submitted",
"result_submitted_at", "?walkover"};
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
	w->sessions = tid_update_begin("sessions", 4, session_columns);
	w->participants = tid_update_begin("session_participants", 2, participant_columns);
	w->advance = plan_writer_participants_begin();
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
update_session(ResultWriter *w, const ResultSession *s, int winner, bool walkover)
{
	Datum		values[4];
	bool		nulls[4] = {false};

	values[0] = Int64GetDatum(winner >= 0 ? s->player_ids[winner] : 0);
	nulls[0] = winner < 0;
	values[1] = BoolGetDatum(true);
	values[2] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	values[3] = BoolGetDatum(walkover);
	tid_update_row(w->sessions, (ItemPointer) &s->session_tid, values, nulls);
	w->decided++;
}

/* score (Datum) 0: none (a walkover); placement 0: none (nobody won it) */
static void
update_participant(ResultWriter *w, const ResultSession *s, int i, Datum score,
				   int32 placement)
{
	Datum		values[2];
	bool		nulls[2] = {score == (Datum) 0, placement == 0};

	values[0] = score;
	values[1] = Int32GetDatum(placement);
	tid_update_row(w->participants, (ItemPointer) &s->participant_tids[i], values, nulls);
}

/* A participant not in the table yet, written once with its result. */
static void
insert_final_participant(ResultWriter *w, int64 session_id, int16 slot, int64 player_id,
						 Datum score, int32 placement)
{
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, score == (Datum) 0, placement == 0};

	values[0] = Int64GetDatum(w->t->id);
	values[1] = Int64GetDatum(session_id);
	values[2] = Int16GetDatum(slot);
	values[3] = Int64GetDatum(player_id);
	values[4] = score;
	values[5] = Int32GetDatum(placement);
	bulk_insert_add(w->final, values, nulls);
}

/* The participants' rows of a result, and the moves of winner and loser. */
static void
write_outcome(ResultWriter *w, const ResultSession *s, const Datum *scores,
			  const int32 *placements, int winner, bool advance)
{
	for (int i = 0; i < s->nparticipants; i++)
	{
		Datum		score = scores != NULL ? scores[i] : (Datum) 0;

		if (s->absent_slots & (1 << i))
			continue;
		if (s->unstored_slots & (1 << i))
			insert_final_participant(w, s->session_id, i + 1, s->player_ids[i], score,
									 placements[i]);
		else
			update_participant(w, s, i, score, placements[i]);
	}
	if (advance && winner >= 0 && s->next_session_id != 0)
		plan_writer_participant_add(w->advance, w->t->id, s->next_session_id, s->next_slot,
									s->player_ids[winner]);
	if (advance && winner >= 0 && s->loser_next_session_id != 0 && s->nparticipants == 2 &&
		!(s->absent_slots & (1 << (1 - winner))))
		plan_writer_participant_add(w->advance, w->t->id, s->loser_next_session_id,
									s->loser_next_slot, s->player_ids[1 - winner]);
}

/*
 * Apply one session's scores (in slot order): placements, winner, and
 * (with advance) the moves of winner and loser to the sessions that wait
 * for them.  Without advance the players stay where they are: corrections
 * move them, and simulate_results carries them to their next session in
 * memory.  Returns the index of the winner, -1 for none.
 */
int
result_writer_add(ResultWriter *w, const ResultSession *s, const Datum *scores,
				  bool advance)
{
	int32		placements[2];
	int			winner = result_place_scores(w->t, s->nparticipants, scores, placements);

	result_check_outcome(w->t, s, s->nparticipants, winner);
	update_session(w, s, winner, false);
	write_outcome(w, s, scores, placements, winner, advance);
	return winner;
}

/*
 * A session decided without play for the participant with index winner
 * (-1: for nobody, when both sides were withdrawn, or a one-player
 * session a withdrawn player misses): no scores, placements 1 and 2 (none
 * without a winner), and the moves as after a result.  Its court is freed
 * when the writer ends.
 */
void
result_writer_add_walkover(ResultWriter *w, const ResultSession *s, int winner, bool advance)
{
	int32		placements[2] = {0, 0};

	if (winner >= 0)
	{
		placements[winner] = 1;
		placements[1 - winner] = 2;
	}
	update_session(w, s, winner, true);
	write_outcome(w, s, NULL, placements, winner, advance);
	w->walkovers = tourney_grow(w->walkovers, w->nwalkovers, &w->walkovers_allocated,
								sizeof(int64));
	w->walkovers[w->nwalkovers++] = s->session_id;
}

/* Sessions decided without play keep no court: their times and bookings go. */
static void
free_walkover_courts(ResultWriter *w)
{
	if (w->nwalkovers > 0)
		schedule_free(w->t, query_int8_array(w->walkovers, (int) w->nwalkovers));
}

void
result_writer_end(ResultWriter *w)
{
	tid_update_end(w->sessions);
	tid_update_end(w->participants);
	bulk_insert_end(w->advance);
	bulk_insert_end(w->final);
	free_walkover_courts(w);
	progress_add(w->t, 0, 0, w->decided);
}

/* submit_result: record one session's result. */
void
result_submit(int64 session_id, const Datum *scores, int nscores)
{
	LockedSession ls;
	Datum		stored[2];
	Tournament *t;
	ResultWriter *w;
	FoundSession found = session_find(session_id);
	int			winner;
	int32		placements[2];

	/* tournament first, then the session */
	t = tournament_lock(found.tournament_id, TOURNAMENT_SHARE);
	session_lock_found(t, found, &ls);
	tournament_require_state(t, STATUS_IN_PROGRESS, "submit a result");
	session_require_scorable(t, &ls, nscores, stored);

	if (ls.submitted)
	{
		for (int i = 0; i < nscores; i++)
			if (ls.walkover || tourney_numeric_cmp(scores[i], stored[i]) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("session " INT64_FORMAT " already has a different result", session_id),
						 errhint("Use tourney.correct_result to change a submitted result.")));
		return;					/* the identical result again: nothing to do */
	}

	/*
	 * Where a round's last results write the next round, they must not
	 * both miss (or both make) it.
	 */
	completion_enter(t, &ls);
	w = result_writer_begin(t, true);
	winner = result_writer_add(w, &ls.s, scores, true);
	result_writer_end(w);
	(void) result_place_scores(t, nscores, scores, placements);
	standings_after_result(t, ls.s.stage, ls.round, nscores, ls.s.player_ids, scores,
						   placements);
	rounds_after_result(t, &ls, winner);
	walkovers_settle_fed(t, &ls.s);
}

