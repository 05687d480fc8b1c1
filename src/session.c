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

/* An enum column's label, as the server spells it. */
static const char *
enum_label(Datum value)
{
	return DatumGetCString(DirectFunctionCall1(enum_out, value));
}

/*
 * The row of a session, found by key and not locked, and its tournament;
 * P0002 if unknown.  Result entry locks the tournament and then this row
 * (session_lock_found), reading it by key once.
 */
FoundSession
session_find(int64 session_id)
{
	static ColumnMap map;
	static const char *const tournament_column[1] = {"tournament_id"};
	Datum		key = Int64GetDatum(session_id);
	Datum		tournament_id;
	FoundSession found;
	TupleTableSlot *row;

	found.session_id = session_id;
	found.scan = keyscan_begin("sessions", "sessions_session_id_idx", 1, &key);
	row = keyscan_next(found.scan);
	if (row == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("session " INT64_FORMAT " does not exist", session_id)));
	keyscan_columns(row, &map, 1, tournament_column, &tournament_id, NULL);
	found.tournament_id = DatumGetInt64(tournament_id);
	/* the caller waits for the tournament next: no buffer held meanwhile */
	keyscan_release(found.scan);
	return found;
}

/*
 * The tournament of a session (and its format, if asked), unlocked; P0002
 * if unknown.
 */
int64
session_tournament(int64 session_id, const FormatRoutine **format)
{
	FoundSession found = session_find(session_id);
	int64		tournament_id = found.tournament_id;

	keyscan_end(found.scan);
	if (format != NULL)
	{
		*format = format_by_name(enum_label(column_by_key("tournaments", "tournaments_pkey",
														  tournament_id, "format",
														  "tournament")));
		if (*format == NULL)
			elog(ERROR, "tournament " INT64_FORMAT " has an unknown format", tournament_id);
	}
	return tournament_id;
}

/* The columns of a session's row that result entry reads, in SessionColumn order. */
static const char *const session_columns[] = {
	"next_session_id", "next_slot", "loser_next_session_id", "loser_next_slot",
	"result_submitted", "round", "winner_id", "stage", "match_number", "walkover"
};

typedef enum SessionColumn
{
	SC_NEXT, SC_NEXT_SLOT, SC_LOSER_NEXT, SC_LOSER_NEXT_SLOT, SC_SUBMITTED,
	SC_ROUND, SC_WINNER, SC_STAGE, SC_MATCH, SC_WALKOVER, SC_COUNT
} SessionColumn;

StaticAssertDecl(lengthof(session_columns) == SC_COUNT, "one name per sessions column read");

/*
 * The session session_find found, of tournament t, locked as FOR NO KEY
 * UPDATE and read as results need it; P0002 if it went meanwhile.
 */
void
session_lock_found(const Tournament *t, FoundSession found, LockedSession *ls)
{
	static ColumnMap maps[2];
	TupleTableSlot *row = keyscan_lock(found.scan, LockTupleNoKeyExclusive);
	ResultSession *s = &ls->s;
	Datum		v[SC_COUNT] = {0};

	memset(ls, 0, sizeof(*ls));
	if (row == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("session " INT64_FORMAT " does not exist", found.session_id)));
	/* the 0.1 schema has no walkover column (the last one) */
	keyscan_columns(row, &maps[t->schema_0_2], SC_COUNT - (t->schema_0_2 ? 0 : 1),
					session_columns, v, NULL);
	s->session_id = found.session_id;
	s->session_tid = row->tts_tid;
	/* a session never changes its tournament */
	ls->tournament_id = found.tournament_id;
	s->next_session_id = DatumGetInt64(v[SC_NEXT]);
	s->next_slot = DatumGetInt16(v[SC_NEXT_SLOT]);
	s->loser_next_session_id = DatumGetInt64(v[SC_LOSER_NEXT]);
	s->loser_next_slot = DatumGetInt16(v[SC_LOSER_NEXT_SLOT]);
	ls->submitted = DatumGetBool(v[SC_SUBMITTED]);
	ls->round = DatumGetInt32(v[SC_ROUND]);
	ls->winner_id = DatumGetInt64(v[SC_WINNER]);
	s->stage = tourney_label_index(tourney_stage_names, TextDatumGetCString(v[SC_STAGE]));
	ls->match_number = DatumGetInt32(v[SC_MATCH]);
	ls->walkover = DatumGetBool(v[SC_WALKOVER]);
	keyscan_end(found.scan);
}

/*
 * A session of tournament t as results need it, locked; unknown sessions
 * are P0002.
 */
void
session_lock(const Tournament *t, int64 session_id, LockedSession *ls)
{
	session_lock_found(t, session_find(session_id), ls);
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

