/*
 * ratings.c: update_ratings: a completed tournament as one rating period.
 *
 * Every two-player session with a result is a game (win 1, draw 1/2,
 * loss 0); walkovers and one-player sessions are not.  The enrolled
 * players are read once, in player_id order, with where their rows lie;
 * the games come from one merge of sessions and participants (as the
 * tally reads them) and are added, one at a time, to both players' sums
 * in memory (rating/: the method's arithmetic, pure), so nothing is kept
 * per game.  Then the history is written with BulkInsert and the players'
 * rows rewritten by TID, in player_id order: one pass each, no statement
 * per row.
 *
 * Locks (tourney/lifecycle.h): the tournament lock, then LOCK_RATINGS,
 * which makes rating periods of tournaments that share players follow
 * one another (the second reads what the first wrote), then the players'
 * rows, as they are written, in player_id order.
 */
#include "tourney/lifecycle.h"

#include "executor/tuptable.h"
#include "utils/builtins.h"

/* An enrolled player: where the row is, the period's sums, the outcome. */
typedef struct RatingsPlayer
{
	int64		player_id;		/* leading, for IdLookup */
	ItemPointerData tid;		/* the players row as read */
	RatedPlayer rated;
	RatingValues after;
} RatingsPlayer;

typedef struct RatingsPeriod
{
	const Tournament *t;
	const RatingMethod *method;
	RatingsPlayer *players;		/* by player_id */
	int64		count;
	int64		allocated;
	IdLookup	lookup;
	int64		games;
} RatingsPeriod;

/* A refusal: the tournament is not a rating period that can be rated now. */
static void
ratings_require_period(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};

	tournament_require_state(t, STATUS_COMPLETED, "update ratings");
	if (t->format->participants < 2)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot update ratings: tournament " INT64_FORMAT " is of format %s",
						t->id, t->format->name),
				 errdetail("Its sessions have one player each, so it has no games to rate.")));
	/* the latest snapshot: a call that waited for ours sees our history */
	query_prepare(&plan,
				  "SELECT FROM tourney.rating_history WHERE tournament_id = $1 LIMIT 1",
				  1, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot update ratings: tournament " INT64_FORMAT " is rated already", t->id),
				 errdetail("A tournament is one rating period, rated once; tourney.rating_history holds its changes.")));
}

static double
float8_column(HeapTuple row, TupleDesc desc, int column)
{
	bool		isnull;
	Datum		value = SPI_getbinval(row, desc, column, &isnull);

	if (isnull)
		elog(ERROR, "a rating column of tourney.players is null");
	return DatumGetFloat8(value);
}

/* Columns: player_id, ctid, rating, rating_deviation, rating_volatility. */
static void
set_rating(void *player, HeapTuple row, TupleDesc desc, void *arg)
{
	RatingsPeriod *rp = arg;
	RatingsPlayer *p = player;
	RatingValues before;
	bool		isnull;

	p->tid = DatumGetTid(SPI_getbinval(row, desc, 2, &isnull));
	before.rating = float8_column(row, desc, 3);
	before.deviation = float8_column(row, desc, 4);
	before.volatility = float8_column(row, desc, 5);
	rp->method->begin(&p->rated, &before);
}

/*
 * The enrolled players (withdrawn ones too), in player_id order from the
 * key of enrollments, with their ratings from players.
 */
static void
ratings_load_players(RatingsPeriod *rp)
{
	static PlayerColumn columns = {"ctid, rating, rating_deviation, rating_volatility", NULL, NULL};
	Datum		key = Int64GetDatum(rp->t->id);
	KeyScan    *ks = keyscan_begin("enrollments", "enrollments_pkey", 1, &key);
	AttrNumber	player_col = keyscan_attnum(ks, "player_id");
	TupleTableSlot *row;

	while ((row = keyscan_next(ks)) != NULL)
	{
		bool		isnull;
		RatingsPlayer *p;

		rp->players = tourney_grow(rp->players, rp->count, &rp->allocated, sizeof(RatingsPlayer));
		p = &rp->players[rp->count++];
		memset(p, 0, sizeof(*p));
		p->player_id = DatumGetInt64(slot_getattr(row, player_col, &isnull));
		if (rp->count % TOURNEY_BATCH_ROWS == 0)
			CHECK_FOR_INTERRUPTS();
	}
	keyscan_end(ks);
	id_lookup_init(&rp->lookup, rp->players, rp->count, sizeof(RatingsPlayer));
	players_merge_enrolled_rows(&columns, rp->players, rp->count, sizeof(RatingsPlayer), false,
								set_rating, rp);
}

/* The sessions of the tournament, read in session_id order beside its participants. */
typedef struct SessionCursor
{
	KeyScan    *ks;
	AttrNumber	session_col;
	AttrNumber	submitted_col;
	AttrNumber	walkover_col;
	int64		session_id;		/* of the row at hand; PG_INT64_MAX: none left */
	bool		played;			/* it has a result, and not a walkover */
} SessionCursor;

static void
session_cursor_advance(SessionCursor *sc)
{
	TupleTableSlot *row = keyscan_next(sc->ks);
	bool		isnull;

	if (row == NULL)
	{
		sc->session_id = PG_INT64_MAX;
		return;
	}
	sc->session_id = DatumGetInt64(slot_getattr(row, sc->session_col, &isnull));
	sc->played = DatumGetBool(slot_getattr(row, sc->submitted_col, &isnull)) &&
		!DatumGetBool(slot_getattr(row, sc->walkover_col, &isnull));
}

/* Whether the session is a played one (its row comes at or before it). */
static bool
session_cursor_played(SessionCursor *sc, int64 session_id)
{
	while (sc->session_id < session_id)
		session_cursor_advance(sc);
	return sc->session_id == session_id && sc->played;
}

/* A session's participants, as they come in. */
typedef struct GameRead
{
	RatingsPeriod *rp;
	int64		session_id;
	int			n;
	RatingsPlayer *players[2];
	int32		placements[2];	/* 0: nobody won it */
} GameRead;

/* A session read whole: a game when it has two players and an outcome. */
static void
ratings_add_game(GameRead *r)
{
	int32		a = r->placements[0];
	int32		b = r->placements[1];

	if (r->n != 2 || a == 0 || b == 0)
		return;
	r->rp->method->game(&r->players[0]->rated, &r->players[1]->rated,
						a < b ? 1.0 : a == b ? 0.5 : 0.0);
	r->rp->games++;
}

static void
game_participant(GameRead *r, int64 session_id, int64 player_id, int32 placement)
{
	if (session_id != r->session_id)
	{
		ratings_add_game(r);
		r->session_id = session_id;
		r->n = 0;
	}
	if (r->n == 2)
		elog(ERROR, "session " INT64_FORMAT " has more than two participants", session_id);
	r->players[r->n] = id_lookup(&r->rp->lookup, player_id);
	if (r->players[r->n] == NULL)
		elog(ERROR, "player " INT64_FORMAT " of session " INT64_FORMAT " is not enrolled",
			 player_id, session_id);
	r->placements[r->n++] = placement;
}

/*
 * Every game, from one merge of the sessions and their participants, both
 * read through their primary keys in (session_id, slot) order, as tally.c
 * merges them, but straight from the indexes (storage/keyscan.c): at a
 * million sessions a query's rows cost more to hand over than to read.
 * The participants of a session with a result that was played (not a
 * walkover) make a game.
 */
static void
ratings_read_games(RatingsPeriod *rp)
{
	Datum		key = Int64GetDatum(rp->t->id);
	SessionCursor sc;
	KeyScan    *participants;
	AttrNumber	p_session,
				p_player,
				p_placement;
	TupleTableSlot *row;
	GameRead	r;
	int64		rows = 0;

	memset(&sc, 0, sizeof(sc));
	sc.ks = keyscan_begin("sessions", "sessions_pkey", 1, &key);
	sc.session_col = keyscan_attnum(sc.ks, "session_id");
	sc.submitted_col = keyscan_attnum(sc.ks, "result_submitted");
	sc.walkover_col = keyscan_attnum(sc.ks, "walkover");
	sc.session_id = PG_INT64_MIN;
	participants = keyscan_begin("session_participants", "session_participants_pkey", 1, &key);
	p_session = keyscan_attnum(participants, "session_id");
	p_player = keyscan_attnum(participants, "player_id");
	p_placement = keyscan_attnum(participants, "placement");
	memset(&r, 0, sizeof(r));
	r.rp = rp;
	while ((row = keyscan_next(participants)) != NULL)
	{
		bool		isnull;
		int64		session_id = DatumGetInt64(slot_getattr(row, p_session, &isnull));
		Datum		placement;

		if (++rows % TOURNEY_BATCH_ROWS == 0)
			CHECK_FOR_INTERRUPTS();
		if (!session_cursor_played(&sc, session_id))
			continue;
		placement = slot_getattr(row, p_placement, &isnull);
		game_participant(&r, session_id, DatumGetInt64(slot_getattr(row, p_player, &isnull)),
						 isnull ? 0 : DatumGetInt32(placement));
	}
	ratings_add_game(&r);
	keyscan_end(participants);
	keyscan_end(sc.ks);
}

/*
 * Every player's values after the period.  Absurd values before it (a
 * deviation of 1e300), or a tau so large that the volatility falls to 0,
 * can give values players cannot hold: refused, naming them.
 */
static void
ratings_conclude(RatingsPeriod *rp, const RatingSettings *settings)
{
	for (int64 i = 0; i < rp->count; i++)
	{
		RatingsPlayer *p = &rp->players[i];
		const RatingValues *b = &p->rated.before;
		const RatingValues *a = &p->after;

		if (!rp->method->conclude(&p->rated, settings, &p->after))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("the %s update of player " INT64_FORMAT " is out of range",
							rp->method->name, p->player_id),
					 errdetail("From rating %g, deviation %g and volatility %g it gives rating %g, deviation %g and volatility %g; a rating must be finite, a deviation and a volatility positive and finite.",
							   b->rating, b->deviation, b->volatility,
							   a->rating, a->deviation, a->volatility),
					 a->volatility > 0 ? 0 :
					 errhint("A smaller tau keeps the volatility from falling to 0; Glickman suggests 0.3 to 1.2.")));
		if (i % TOURNEY_BATCH_ROWS == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

static const char *const history_columns[10] = {"tournament_id", "player_id", "method",
	"rating_before", "rating_after", "deviation_before", "deviation_after",
"volatility_before", "volatility_after", "games"};

/*
 * The history, in player_id order, written first: its key, under the
 * tournament lock, is what makes a tournament rated once.
 */
static void
ratings_write_history(const RatingsPeriod *rp)
{
	BulkInsert *history = bulk_insert_begin("rating_history", lengthof(history_columns),
											history_columns);
	Datum		method = CStringGetTextDatum(rp->method->name);

	for (int64 i = 0; i < rp->count; i++)
	{
		const RatingsPlayer *p = &rp->players[i];
		Datum		values[10];

		values[0] = Int64GetDatum(rp->t->id);
		values[1] = Int64GetDatum(p->player_id);
		values[2] = method;
		values[3] = Float8GetDatum(p->rated.before.rating);
		values[4] = Float8GetDatum(p->after.rating);
		values[5] = Float8GetDatum(p->rated.before.deviation);
		values[6] = Float8GetDatum(p->after.deviation);
		values[7] = Float8GetDatum(p->rated.before.volatility);
		values[8] = Float8GetDatum(p->after.volatility);
		values[9] = Int32GetDatum(p->rated.games);
		bulk_insert_add(history, values, NULL);
	}
	bulk_insert_end(history);
}

static const char *const player_columns[3] = {"rating", "rating_deviation",
"rating_volatility"};

/*
 * The players' rows rewritten by TID in player_id order, which is the
 * order their row locks are taken in.  A row that does not change (Elo,
 * no game) is not written.
 */
static void
ratings_write_players(const RatingsPeriod *rp)
{
	TidUpdate  *players = tid_update_begin("players", lengthof(player_columns), player_columns);

	for (int64 i = 0; i < rp->count; i++)
	{
		const RatingsPlayer *p = &rp->players[i];
		Datum		values[3];

		if (memcmp(&p->after, &p->rated.before, sizeof(RatingValues)) == 0)
			continue;
		values[0] = Float8GetDatum(p->after.rating);
		values[1] = Float8GetDatum(p->after.deviation);
		values[2] = Float8GetDatum(p->after.volatility);
		tid_update_row(players, (ItemPointer) &p->tid, values, NULL);
	}
	tid_update_end(players);
}

/*
 * Rate a completed tournament as one rating period by the method; returns
 * the players updated (every enrolled player has a history row).
 */
int64
ratings_update(int64 tournament_id, const RatingMethod *method, const RatingSettings *settings)
{
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	RatingsPeriod rp;
	instr_time	start;
	double		read_ms;

	query_merge_join_settings();
	ratings_require_period(t);
	locks_take(LOCK_RATINGS, 0, 0, true, false, "the ratings");

	memset(&rp, 0, sizeof(rp));
	rp.t = t;
	rp.method = method;
	rp.allocated = progress_players(t); /* the array at its size at once, not by doubling */
	INSTR_TIME_SET_CURRENT(start);
	ratings_load_players(&rp);
	ratings_read_games(&rp);
	ratings_conclude(&rp, settings);
	read_ms = tourney_elapsed_ms(start);
	ratings_write_history(&rp);
	ratings_write_players(&rp);
	elog(DEBUG1, "tournament " INT64_FORMAT ": %s ratings of " INT64_FORMAT " players from "
		 INT64_FORMAT " games: read and computed in %.1f ms, written in %.1f ms",
		 t->id, method->name, rp.count, rp.games, read_ms, tourney_elapsed_ms(start) - read_ms);
	if (rp.players != NULL)
		pfree(rp.players);
	return rp.count;
}
