/*
 * simulate_results: plausible, rating-weighted results (the match model,
 * rating/match.c) for every open session, through the same writer as
 * submit_result.
 *
 * Every open session is read once and decided in session_id order, in
 * which every session comes after those that feed it; players who advance
 * are carried to their next session in memory, so each of their
 * participant rows is written once, with its result.  Then whatever those
 * results complete is written (rounds.c: the next Swiss round, the
 * knockout after the groups, a grand-final reset) and played in turn,
 * until nothing is left to play.
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
play(const Tournament *t, TourneyStage stage, pg_prng_state *rng, int n, const double *ratings,
	 Datum *scores)
{
	if (n == 2)
		match_play(rng, ratings, t->higher_wins, format_allows_draw(t->format, stage), scores);
	else
		match_perform(rng, ratings[0], t->higher_wins, scores);
}

/*
 * An open session as simulate_results carries it in memory: 64 bytes, as
 * a double elimination of a million players holds two million of them.
 * The sessions a winner and loser move on to come later in id order, in
 * the same block of ids, so their distance fits 32 bits.
 */
typedef struct OpenSession
{
	int64		session_id;
	int64		player_ids[2];
	int32		next_offset;	/* next_session_id - session_id; 0: none */
	int32		loser_next_offset;	/* the same for the loser */
	int32		round;
	int32		match_number;
	ItemPointerData tid;
	ItemPointerData participant_tids[2];
	int16		pool;
	uint8		stage;			/* a TourneyStage */
	uint8		slots;			/* OPEN_* bits */
} OpenSession;

#define OPEN_KNOWN(slot)	(1 << ((slot) - 1))	/* the player of the slot is known */
#define OPEN_STORED(slot)	(4 << ((slot) - 1)) /* ... and has a row in the table */
#define OPEN_NEXT_2			0x10	/* the winner takes slot 2 of the next session */
#define OPEN_LOSER_NEXT_2	0x20	/* the loser takes slot 2 of the loser's next */

StaticAssertDecl(sizeof(OpenSession) == 64, "OpenSession grew");

typedef struct OpenSessions
{
	OpenSession *items;			/* sorted by session_id, the leading field */
	int64		count;
	int64		allocated;
	IdLookup	lookup;
} OpenSessions;

/* The distance from a session to the one it feeds (target 0: none). */
static int32
offset_to(int64 session_id, int64 target)
{
	if (target == 0)
		return 0;
	if (target <= session_id || target - session_id > PG_INT32_MAX)
		elog(ERROR, "session " INT64_FORMAT " feeds session " INT64_FORMAT ", which does not follow it",
			 session_id, target);
	return (int32) (target - session_id);
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
	os->session_id = query_int8(row, desc, 1);
	os->stage = (uint8) (query_int4(row, desc, 2) - 1);
	os->round = query_int4(row, desc, 3);
	os->match_number = query_int4(row, desc, 4);
	os->next_offset = offset_to(os->session_id, query_int8(row, desc, 5));
	if (DatumGetInt16(SPI_getbinval(row, desc, 6, &isnull)) == 2)
		os->slots |= OPEN_NEXT_2;
	os->loser_next_offset = offset_to(os->session_id, query_int8(row, desc, 7));
	if (DatumGetInt16(SPI_getbinval(row, desc, 8, &isnull)) == 2)
		os->slots |= OPEN_LOSER_NEXT_2;
	os->tid = DatumGetTid(SPI_getbinval(row, desc, 9, &isnull));
	os->pool = DatumGetInt16(SPI_getbinval(row, desc, 10, &isnull));
}

/*
 * Every session of the tournament without a result, in session_id order;
 * the group of each where the format has groups (sessions.pool came with
 * 0.2, and a 0.1 schema has none).
 */
static void
load_open_sessions(const Tournament *t, OpenSessions *open)
{
	static SPIPlanPtr plans[2];
	bool		pools = t->format->has_pools;
	Oid			argtypes[2] = {INT8OID, TEXTARRAYOID};
	Datum		args[2] = {Int64GetDatum(t->id), query_stage_labels()};

	query_prepare(&plans[pools],
				  psprintf("SELECT session_id, array_position($2, stage), round, match_number,"
						   " next_session_id, next_slot, loser_next_session_id, loser_next_slot,"
						   " ctid, %s FROM tourney.sessions"
						   " WHERE tournament_id = $1 AND NOT result_submitted"
						   " ORDER BY session_id", pools ? "pool" : "0::smallint"),
				  2, argtypes);
	memset(open, 0, sizeof(*open));
	query_scan(plans[pools], args, false, add_open_session, NULL, open);
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
	bit = OPEN_KNOWN(slot);
	if (os->slots & bit)
		elog(ERROR, "slot %d of session " INT64_FORMAT " is taken twice",
			 slot, os->session_id);
	os->slots |= bit;
	if (tid != NULL)
	{
		os->slots |= OPEN_STORED(slot);
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
	int64		session_id = query_int8(row, desc, 1);
	bool		isnull;

	while (m->next < open->count && open->items[m->next].session_id < session_id)
		m->next++;
	if (m->next == open->count || open->items[m->next].session_id != session_id)
		return;
	seat_player(&open->items[m->next],
				DatumGetInt16(SPI_getbinval(row, desc, 2, &isnull)),
				query_int8(row, desc, 3),
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
carry_player(const OpenSessions *open, const OpenSession *from, int32 offset, int16 slot,
			 int64 player_id)
{
	int64		session_id = from->session_id + offset;
	OpenSession *target;

	if (offset == 0)
		return;
	target = id_lookup(&open->lookup, session_id);
	if (target == NULL)
		elog(ERROR, "session " INT64_FORMAT " that a player advances to already has a result",
			 session_id);
	seat_player(target, slot, player_id, NULL);
}

/* The players who withdrew, sorted: their sessions are walkovers. */
typedef struct Withdrawn
{
	int64	   *ids;
	int64		count;
	IdLookup	lookup;
} Withdrawn;

static void
load_withdrawn(const Tournament *t, Withdrawn *out)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};

	memset(out, 0, sizeof(*out));
	if (t->withdrawn_players == 0)
		return;
	query_prepare(&plan,
				  "SELECT player_id FROM tourney.enrollments"
				  " WHERE tournament_id = $1 AND withdrawn_at IS NOT NULL ORDER BY player_id",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 0);
	out->count = (int64) SPI_processed;
	out->ids = palloc(sizeof(int64) * Max(out->count, 1));
	for (int64 i = 0; i < out->count; i++)
		out->ids[i] = query_int8(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
	id_lookup_init(&out->lookup, out->ids, out->count, sizeof(int64));
}

/* The session as the writer takes it, from what simulate carried. */
static void
result_session_of(const OpenSession *os, int expected, ResultSession *s)
{
	memset(s, 0, sizeof(*s));
	s->session_id = os->session_id;
	s->stage = os->stage;
	s->nparticipants = expected;
	for (int slot = 1; slot <= expected; slot++)
	{
		if (!(os->slots & OPEN_KNOWN(slot)))
			s->absent_slots |= 1 << (slot - 1);
		else if (!(os->slots & OPEN_STORED(slot)))
			s->unstored_slots |= 1 << (slot - 1);
	}
	s->session_tid = os->tid;
	for (int i = 0; i < expected; i++)
	{
		s->player_ids[i] = os->player_ids[i];
		s->participant_tids[i] = os->participant_tids[i];
	}
}

/* The winner (index) and loser of a decided session move on. */
static void
carry_players(const OpenSessions *open, const OpenSession *os, const ResultSession *s,
			  int winner)
{
	if (winner < 0)
		return;
	carry_player(open, os, os->next_offset, (os->slots & OPEN_NEXT_2) ? 2 : 1,
				 s->player_ids[winner]);
	if (!(s->absent_slots & (1 << (1 - winner))))
		carry_player(open, os, os->loser_next_offset, (os->slots & OPEN_LOSER_NEXT_2) ? 2 : 1,
					 s->player_ids[1 - winner]);
}

/*
 * A session a withdrawn player is in, or whose slot nobody will fill
 * (every session that feeds it is decided by now, in id order): a
 * walkover for the one player still in, or for nobody.  False when both
 * are in and it is to be played.
 */
static bool
decide_without_play(const Withdrawn *withdrawn, const OpenSessions *open, OpenSession *os,
					int expected, ResultWriter *w)
{
	ResultSession s;
	int			playing = 0;
	int			winner = -1;

	if (withdrawn->count == 0)
		return false;
	for (int slot = 1; slot <= expected; slot++)
		if ((os->slots & OPEN_KNOWN(slot)) &&
			id_lookup(&withdrawn->lookup, os->player_ids[slot - 1]) == NULL)
		{
			playing++;
			winner = slot - 1;
		}
	if (playing == expected)
		return false;
	result_session_of(os, expected, &s);
	if (playing == 0 || expected == 1)
		winner = -1;
	result_writer_add_walkover(w, &s, winner, false);
	carry_players(open, os, &s, winner);
	return true;
}

/* Decide one open session and hand its result to the writer. */
static void
simulate_open_session(const Tournament *t, const RatingIndex *ratings, int64 seed,
					  const Withdrawn *withdrawn, const OpenSessions *open, OpenSession *os,
					  ResultWriter *w)
{
	int			expected = t->format->participants;
	ResultSession s;
	pg_prng_state rng;
	double		player_ratings[2];
	Datum		scores[2];
	int			winner;

	if (decide_without_play(withdrawn, open, os, expected, w))
		return;
	if ((os->slots & (OPEN_KNOWN(1) | OPEN_KNOWN(2))) !=
		(expected == 2 ? OPEN_KNOWN(1) | OPEN_KNOWN(2) : OPEN_KNOWN(1)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("participants of session " INT64_FORMAT " are not known yet",
						os->session_id)));
	result_session_of(os, expected, &s);
	for (int i = 0; i < expected; i++)
		player_ratings[i] = rating_of(ratings, os->player_ids[i]);
	match_seed(&rng, seed, os->stage, os->pool, os->round, os->match_number);
	play(t, os->stage, &rng, expected, player_ratings, scores);
	winner = result_writer_add(w, &s, scores, false);
	carry_players(open, os, &s, winner);
}

/* Every open session, in session_id order. */
static int64
simulate_open_sessions(const Tournament *t, const RatingIndex *ratings, int64 seed)
{
	Withdrawn	withdrawn;
	OpenSessions open;
	ResultWriter *w;
	MemoryContext scorecxt;
	MemoryContext old;

	load_withdrawn(t, &withdrawn);
	load_open_sessions(t, &open);
	load_stored_participants(t->id, &open);

	/* the scores of a batch of sessions; the writer keeps copies */
	scorecxt = AllocSetContextCreate(CurrentMemoryContext, "tourney simulated scores",
									 ALLOCSET_DEFAULT_SIZES);
	w = result_writer_begin(t, false);
	for (int64 i = 0; i < open.count; i++)
	{
		old = MemoryContextSwitchTo(scorecxt);
		simulate_open_session(t, ratings, seed, &withdrawn, &open, &open.items[i], w);
		MemoryContextSwitchTo(old);
		if ((i + 1) % 1024 == 0)
		{
			MemoryContextReset(scorecxt);
			CHECK_FOR_INTERRUPTS();
		}
	}
	result_writer_end(w);
	MemoryContextDelete(scorecxt);
	if (open.items != NULL)
		pfree(open.items);
	return open.count;
}

int64
simulate_tournament(int64 tournament_id, int64 seed)
{
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	RatingIndex ratings;
	int64		total = 0;

	tournament_require_state(t, STATUS_IN_PROGRESS, "simulate results");
	ratings.players = field_player_ratings(tournament_id, &ratings.count);
	id_lookup_init(&ratings.lookup, ratings.players, ratings.count, sizeof(SeededPlayer));
	for (;;)
	{
		total += simulate_open_sessions(t, &ratings, seed);
		if (!rounds_after_results(t))
			break;
	}
	/* the recount holds every player too: not both at once (16 MB a million) */
	if (ratings.players != NULL)
		pfree(ratings.players);
	(void) tally_rebuild(t);
	return total;
}
