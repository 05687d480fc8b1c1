/*
 * simulate.c: simulate_results.  Plausible, rating-weighted results (the
 * match model, rating/match.c) for every open session, through the same
 * writer as submit_result.
 *
 * Formats that plan every round at generation: every open session is read
 * once, results are decided round by round in memory, and players who
 * advance are carried to their next session in memory, so each of their
 * participant rows is written once, with its result.  Formats that pair
 * each round from the one before (Swiss): a round at a time.
 */
#include "tourney/lifecycle.h"

#include "utils/memutils.h"

typedef struct RatingIndex
{
	SeededPlayer *players;		/* sorted by player_id */
	int32		count;
	IdLookup	lookup;
} RatingIndex;

static double
rating_of(const RatingIndex *ri, int64 player_id)
{
	SeededPlayer *found = id_lookup(&ri->lookup, player_id);

	if (found == NULL)
		elog(ERROR, "player " INT64_FORMAT " of a session is not enrolled", player_id);
	return found->rating;
}

/* The scores of a session of one or two players. */
static void
play(const Tournament *t, pg_prng_state *rng, int n, const double *ratings, Datum *scores)
{
	if (n == 2)
		match_play(rng, ratings, t->higher_wins, t->format->allows_draws, scores);
	else
		match_perform(rng, ratings[0], t->higher_wins, scores);
}

typedef struct RoundState
{
	const Tournament *t;
	const RatingIndex *ratings;
	int64		seed;
	int32		round;
	ResultWriter *writer;
	ResultSession current;
	int32		match_number;
	int64		simulated;
} RoundState;

static void
finish_session(RoundState *rs)
{
	ResultSession *s = &rs->current;
	pg_prng_state rng;
	double		ratings[2];
	Datum		scores[2];

	if (s->session_id == 0)
		return;
	if (s->nparticipants != rs->t->format->participants)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("participants of session " INT64_FORMAT " are not known yet",
						s->session_id)));
	match_seed(&rng, rs->seed, false, rs->round, rs->match_number);
	for (int i = 0; i < s->nparticipants; i++)
		ratings[i] = rating_of(rs->ratings, s->player_ids[i]);
	play(rs->t, &rng, s->nparticipants, ratings, scores);
	(void) result_writer_add(rs->writer, s, scores, true);
	rs->simulated++;
	s->session_id = 0;
}

static void
add_participant_row(HeapTuple row, TupleDesc desc, void *arg)
{
	RoundState *rs = arg;
	ResultSession *s = &rs->current;
	bool		isnull;
	int64		session_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));

	if (session_id != s->session_id)
	{
		finish_session(rs);
		memset(s, 0, sizeof(*s));
		s->session_id = session_id;
		rs->match_number = DatumGetInt32(SPI_getbinval(row, desc, 2, &isnull));
		s->next_session_id = DatumGetInt64(SPI_getbinval(row, desc, 3, &isnull));
		if (isnull)
			s->next_session_id = 0;
		s->next_slot = DatumGetInt16(SPI_getbinval(row, desc, 4, &isnull));
		s->loser_next_session_id = DatumGetInt64(SPI_getbinval(row, desc, 5, &isnull));
		if (isnull)
			s->loser_next_session_id = 0;
		s->loser_next_slot = DatumGetInt16(SPI_getbinval(row, desc, 6, &isnull));
		s->session_tid = DatumGetTid(SPI_getbinval(row, desc, 8, &isnull));
	}
	if (s->nparticipants == 2)
		elog(ERROR, "session " INT64_FORMAT " has more than two participants", session_id);
	s->participant_tids[s->nparticipants] =
		DatumGetTid(SPI_getbinval(row, desc, 9, &isnull));
	s->player_ids[s->nparticipants++] = DatumGetInt64(SPI_getbinval(row, desc, 7, &isnull));
}

/*
 * One Swiss round: read its open sessions through a cursor, a batch at a
 * time, and write their results.  The cursor's snapshot does not
 * see the rows this round writes, so reading and writing interleave safely.
 */
static int64
simulate_round(RoundState *rs)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT4OID};
	Datum		args[2];
	MemoryContext roundcxt;
	MemoryContext old;

	/* a Swiss round's batches are freed with it */
	roundcxt = AllocSetContextCreate(CurrentMemoryContext, "tourney simulated round",
									 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(roundcxt);
	args[0] = Int64GetDatum(rs->t->id);
	args[1] = Int32GetDatum(rs->round);
	query_prepare(&plan,
				  "SELECT s.session_id, s.match_number, s.next_session_id, s.next_slot,"
				  " s.loser_next_session_id, s.loser_next_slot, p.player_id, s.ctid, p.ctid"
				  " FROM tourney.sessions s JOIN tourney.session_participants p"
				  " ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id"
				  " WHERE s.tournament_id = $1 AND s.stage = 'main' AND s.round = $2"
				  " AND NOT s.result_submitted"
				  " ORDER BY s.match_number, p.slot",
				  2, argtypes);

	rs->simulated = 0;
	rs->current.session_id = 0;
	rs->writer = result_writer_begin(rs->t, false);
	query_scan(plan, args, false, add_participant_row, NULL, rs);
	finish_session(rs);
	result_writer_end(rs->writer);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(roundcxt);
	return rs->simulated;
}

/* An open session as simulate_results carries it in memory. */
typedef struct OpenSession
{
	int64		session_id;
	int64		next_session_id;	/* 0: none */
	int64		loser_next_session_id;	/* 0: none */
	int64		player_ids[2];
	int32		round;
	int32		match_number;
	ItemPointerData tid;
	ItemPointerData participant_tids[2];
	int16		next_slot;
	int16		loser_next_slot;
	uint8		known_slots;	/* bit i: the player of slot i + 1 is known */
	uint8		stored_slots;	/* bit i: ... and has a row in the table */
	bool		third_place;
} OpenSession;

typedef struct OpenSessions
{
	OpenSession *items;			/* sorted by session_id, the leading field */
	int64		count;
	int64		allocated;
	IdLookup	lookup;
} OpenSessions;

/* Play order: round, the main stage before the third-place match, match. */
static int
open_session_order_cmp(const void *a, const void *b, void *arg)
{
	const OpenSession *items = arg;
	const OpenSession *x = &items[*(const int32 *) a];
	const OpenSession *y = &items[*(const int32 *) b];

	if (x->round != y->round)
		return x->round < y->round ? -1 : 1;
	if (x->third_place != y->third_place)
		return x->third_place ? 1 : -1;
	return (x->match_number > y->match_number) - (x->match_number < y->match_number);
}

static int64
int8_column(HeapTuple row, TupleDesc desc, int column)
{
	bool		isnull;
	Datum		value = SPI_getbinval(row, desc, column, &isnull);

	return isnull ? 0 : DatumGetInt64(value);
}

static int32
int4_column(HeapTuple row, TupleDesc desc, int column)
{
	bool		isnull;
	Datum		value = SPI_getbinval(row, desc, column, &isnull);

	return isnull ? 0 : DatumGetInt32(value);
}

static void
add_open_session(HeapTuple row, TupleDesc desc, void *arg)
{
	OpenSessions *open = arg;
	OpenSession *os;
	bool		isnull;

	open->items = tourney_grow(open->items, open->count, &open->allocated,
							   sizeof(OpenSession));
	os = &open->items[open->count++];
	memset(os, 0, sizeof(*os));
	os->session_id = int8_column(row, desc, 1);
	os->third_place = DatumGetBool(SPI_getbinval(row, desc, 2, &isnull));
	os->round = int4_column(row, desc, 3);
	os->match_number = int4_column(row, desc, 4);
	os->next_session_id = int8_column(row, desc, 5);
	os->next_slot = DatumGetInt16(SPI_getbinval(row, desc, 6, &isnull));
	os->loser_next_session_id = int8_column(row, desc, 7);
	os->loser_next_slot = DatumGetInt16(SPI_getbinval(row, desc, 8, &isnull));
	os->tid = DatumGetTid(SPI_getbinval(row, desc, 9, &isnull));
}

/* Every session of the tournament without a result, in session_id order. */
static void
load_open_sessions(int64 tournament_id, OpenSessions *open)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};

	query_prepare(&plan,
				  "SELECT session_id, stage = 'third_place', round, match_number,"
				  " next_session_id, next_slot, loser_next_session_id, loser_next_slot, ctid"
				  " FROM tourney.sessions WHERE tournament_id = $1 AND NOT result_submitted"
				  " ORDER BY session_id",
				  1, argtypes);
	memset(open, 0, sizeof(*open));
	query_scan(plan, args, false, add_open_session, NULL, open);
	id_lookup_init(&open->lookup, open->items, open->count, sizeof(OpenSession));
}

/*
 * A player's place in an open session: from the table (tid: where its row
 * is) or carried there (tid NULL).
 */
static void
seat_player(OpenSession *os, int16 slot, int64 player_id, ItemPointer tid)
{
	uint8		bit;

	if (slot < 1 || slot > 2)
		elog(ERROR, "session " INT64_FORMAT " has a participant in slot %d",
			 os->session_id, slot);
	bit = 1 << (slot - 1);
	if (os->known_slots & bit)
		elog(ERROR, "slot %d of session " INT64_FORMAT " is taken twice",
			 slot, os->session_id);
	os->known_slots |= bit;
	if (tid != NULL)
	{
		os->stored_slots |= bit;
		os->participant_tids[slot - 1] = *tid;
	}
	os->player_ids[slot - 1] = player_id;
}

/* Merging the stored participants into the open sessions. */
typedef struct StoredMerge
{
	OpenSessions *open;
	int64		next;			/* first open session not passed yet */
} StoredMerge;

static void
merge_stored_participant(HeapTuple row, TupleDesc desc, void *arg)
{
	StoredMerge *m = arg;
	OpenSessions *open = m->open;
	int64		session_id = int8_column(row, desc, 1);
	bool		isnull;

	while (m->next < open->count && open->items[m->next].session_id < session_id)
		m->next++;
	if (m->next == open->count || open->items[m->next].session_id != session_id)
		return;
	seat_player(&open->items[m->next],
				DatumGetInt16(SPI_getbinval(row, desc, 2, &isnull)),
				int8_column(row, desc, 3),
				(ItemPointer) DatumGetPointer(SPI_getbinval(row, desc, 4, &isnull)));
}

/*
 * The participants already in the table: both lists are in session_id
 * order, so one pass merges them; participants of sessions with a result
 * are passed over.
 */
static void
load_stored_participants(int64 tournament_id, OpenSessions *open)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	StoredMerge m = {open, 0};

	query_prepare(&plan,
				  "SELECT session_id, slot, player_id, ctid FROM tourney.session_participants"
				  " WHERE tournament_id = $1 ORDER BY session_id, slot",
				  1, argtypes);
	query_scan(plan, args, false, merge_stored_participant, NULL, &m);
}

/* A winner or loser moves on to a session that is still to be played. */
static void
carry_player(const OpenSessions *open, int64 session_id, int16 slot, int64 player_id)
{
	OpenSession *target;

	if (session_id == 0)
		return;
	target = id_lookup(&open->lookup, session_id);
	if (target == NULL)
		elog(ERROR, "session " INT64_FORMAT " that a player advances to already has a result",
			 session_id);
	seat_player(target, slot, player_id, NULL);
}

/* Decide one open session and hand its result to the writer. */
static void
simulate_open_session(const Tournament *t, const RatingIndex *ratings, int64 seed,
					  const OpenSessions *open, OpenSession *os, ResultWriter *w)
{
	int			expected = t->format->participants;
	ResultSession s;
	pg_prng_state rng;
	double		player_ratings[2];
	Datum		scores[2];
	int			winner;

	if (os->known_slots != (expected == 2 ? 3 : 1))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("participants of session " INT64_FORMAT " are not known yet",
						os->session_id)));
	memset(&s, 0, sizeof(s));
	s.session_id = os->session_id;
	s.nparticipants = expected;
	s.unstored_slots = os->known_slots & ~os->stored_slots;
	s.session_tid = os->tid;
	for (int i = 0; i < expected; i++)
	{
		s.player_ids[i] = os->player_ids[i];
		s.participant_tids[i] = os->participant_tids[i];
		player_ratings[i] = rating_of(ratings, os->player_ids[i]);
	}
	match_seed(&rng, seed, os->third_place, os->round, os->match_number);
	play(t, &rng, expected, player_ratings, scores);
	winner = result_writer_add(w, &s, scores, false);
	if (winner < 0)
		return;
	carry_player(open, os->next_session_id, os->next_slot, s.player_ids[winner]);
	carry_player(open, os->loser_next_session_id, os->loser_next_slot,
				 s.player_ids[1 - winner]);
}

/* Knockout, individual ranking, round robin: every open session at once. */
static int64
simulate_open_sessions(const Tournament *t, const RatingIndex *ratings, int64 seed)
{
	OpenSessions open;
	int32	   *order;
	ResultWriter *w;
	MemoryContext scorecxt;
	MemoryContext old;

	load_open_sessions(t->id, &open);
	load_stored_participants(t->id, &open);
	order = palloc_extended(sizeof(int32) * Max(open.count, 1), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < open.count; i++)
		order[i] = (int32) i;
	qsort_arg(order, open.count, sizeof(int32), open_session_order_cmp, open.items);

	/* the scores of a batch of sessions; the writer keeps copies */
	scorecxt = AllocSetContextCreate(CurrentMemoryContext, "tourney simulated scores",
									 ALLOCSET_DEFAULT_SIZES);
	w = result_writer_begin(t, false);
	for (int64 i = 0; i < open.count; i++)
	{
		old = MemoryContextSwitchTo(scorecxt);
		simulate_open_session(t, ratings, seed, &open, &open.items[order[i]], w);
		MemoryContextSwitchTo(old);
		if ((i + 1) % 1024 == 0)
		{
			MemoryContextReset(scorecxt);
			CHECK_FOR_INTERRUPTS();
		}
	}
	result_writer_end(w);
	MemoryContextDelete(scorecxt);
	pfree(order);
	if (open.items != NULL)
		pfree(open.items);
	return open.count;
}

int64
simulate_tournament(int64 tournament_id, int64 seed)
{
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	RatingIndex ratings;
	RoundState	rs;
	int64		total = 0;

	tournament_require_state(t, STATUS_IN_PROGRESS, "simulate results");
	ratings.players = field_player_ratings(tournament_id, &ratings.count);
	id_lookup_init(&ratings.lookup, ratings.players, ratings.count, sizeof(SeededPlayer));

	if (t->format->pair_next == NULL)
		return simulate_open_sessions(t, &ratings, seed);

	/* rounds are paired as the rounds before them end */
	memset(&rs, 0, sizeof(rs));
	rs.t = t;
	rs.ratings = &ratings;
	rs.seed = seed;
	for (int32 r = 1; r <= t->number_of_rounds; r++)
	{
		rs.round = r;
		total += simulate_round(&rs);
		rounds_after_result(t, r);
	}
	return total;
}
