/*
 * session.c: a session as result entry sees it: its tournament, the
 * session row locked for a result, and its participants, read by key where
 * a query's plan could go wrong (see storage/keyscan.c).
 */
#include "tourney/lifecycle.h"

#include "executor/tuptable.h"
#include "utils/builtins.h"
#include "utils/datum.h"

/*
 * A by-value column of the row of tourney.relname whose bigint key (the
 * index's first column) is key; P0002 naming the row (what) if none.
 */
static Datum
column_by_key(const char *relname, const char *indexname, int64 key, const char *column,
			  const char *what)
{
	Datum		keyval = Int64GetDatum(key);
	KeyScan    *ks = keyscan_begin(relname, indexname, 1, &keyval);
	TupleTableSlot *row = keyscan_next(ks);
	Datum		value;
	bool		isnull;

	if (row == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s " INT64_FORMAT " does not exist", what, key)));
	value = slot_getattr(row, keyscan_attnum(ks, column), &isnull);
	keyscan_end(ks);
	return value;
}

/*
 * The tournament of a session (and its format, if asked), unlocked; P0002
 * if unknown.  Read by key: this is the first read of every result.
 */
int64
session_tournament(int64 session_id, const FormatRoutine **format)
{
	int64		tournament_id = DatumGetInt64(column_by_key("sessions", "sessions_session_id_idx",
															session_id, "tournament_id", "session"));

	if (format != NULL)
	{
		Datum		label = DirectFunctionCall1(enum_out,
												column_by_key("tournaments", "tournaments_pkey",
															  tournament_id, "format", "tournament"));

		*format = format_by_name(DatumGetCString(label));
		if (*format == NULL)
			elog(ERROR, "tournament " INT64_FORMAT " has an unknown format", tournament_id);
	}
	return tournament_id;
}

/*
 * A session of tournament t as results need it, locked; unknown sessions
 * are P0002.
 */
void
session_lock(const Tournament *t, int64 session_id, LockedSession *ls)
{
	static SPIPlanPtr plans[2];
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(session_id)};
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	ResultSession *s = &ls->s;

	/* session_id > 0 names the partial index on session_id (see the schema) */
	query_prepare(&plans[t->schema_0_2],
				  psprintf("SELECT tournament_id, next_session_id, next_slot,"
						   " loser_next_session_id, loser_next_slot, result_submitted,"
						   " round, winner_id, ctid, stage, match_number, %s"
						   " FROM tourney.sessions WHERE session_id = $1 AND session_id > 0"
						   " FOR NO KEY UPDATE", t->schema_0_2 ? "walkover" : "false"),
				  1, argtypes);
	query_exec(plans[t->schema_0_2], args, NULL, false, 0);
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
	s->stage = tourney_label_index(tourney_stage_names, SPI_getvalue(row, desc, 10));
	ls->match_number = DatumGetInt32(SPI_getbinval(row, desc, 11, &isnull));
	ls->walkover = DatumGetBool(SPI_getbinval(row, desc, 12, &isnull));
}

/*
 * Participants in slot order, with their stored scores (NULL if none yet),
 * read by key.
 */
int
session_read_participants(int64 tournament_id, ResultSession *s, Datum *stored)
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
session_require_scorable(const Tournament *t, LockedSession *ls, int nscores, Datum *stored)
{
	int64		session_id = ls->s.session_id;

	if (session_read_participants(t->id, &ls->s, stored) < t->format->participants)
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

