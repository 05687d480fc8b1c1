/*
 * simulate.c: simulate_results.  Plausible, rating-weighted results for
 * every open session, round by round, through the same writer as
 * submit_result.  Each session draws from its own generator, seeded from
 * (seed, stage, round, match), so a seed reproduces the same results
 * whatever was submitted by hand before.
 */
#include "tourney.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/pg_prng.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

PG_FUNCTION_INFO_V1(tourney_simulate_results);

typedef struct RatingIndex
{
	SeededPlayer *players;		/* sorted by player_id */
	int32		count;
} RatingIndex;

static int
player_id_cmp(const void *a, const void *b)
{
	int64		x = ((const SeededPlayer *) a)->player_id;
	int64		y = ((const SeededPlayer *) b)->player_id;

	return (x > y) - (x < y);
}

static double
rating_of(const RatingIndex *ri, int64 player_id)
{
	SeededPlayer key = {player_id, 0};
	SeededPlayer *found = bsearch(&key, ri->players, ri->count,
								  sizeof(SeededPlayer), player_id_cmp);

	if (found == NULL)
		elog(ERROR, "player " INT64_FORMAT " of a session is not enrolled", player_id);
	return found->rating;
}

static void
session_rng(pg_prng_state *rng, int64 seed, bool third_place, int32 round, int32 match)
{
	uint64		h = hash_bytes_uint32_extended((uint32) match, (uint64) seed);

	h = hash_combine64(h, hash_bytes_uint32_extended((uint32) round, third_place ? 1 : 0));
	pg_prng_seed(rng, h);
}

/* Standard normal deviate (Box-Muller). */
static double
normal_deviate(pg_prng_state *rng)
{
	double		u = 1.0 - pg_prng_double(rng);	/* (0, 1] */
	double		v = pg_prng_double(rng);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* A numeric with one decimal from a count of tenths. */
static Datum
tenths(int64 value)
{
	return NumericGetDatum(int64_div_fast_to_numeric(value, 1));
}

/* Share of drawn matches where the format allows draws. */
#define DRAW_PROBABILITY 0.1

/*
 * A two-player match: the Elo expectation picks the winner, the scores
 * are small.  A knockout match is never drawn; other formats draw one
 * match in ten.  With ranking direction asc (times), the winner's score is
 * the lower one.
 */
static void
simulate_match(const Tournament *t, pg_prng_state *rng, const double *ratings,
			   Datum *scores)
{
	double		expected = 1.0 / (1.0 + pow(10.0, (ratings[1] - ratings[0]) / 400.0));
	int			winner = pg_prng_double(rng) < expected ? 0 : 1;
	int64		low = (int64) pg_prng_uint64_range(rng, 0, 9);
	int64		high = low + 1 + (int64) pg_prng_uint64_range(rng, 0, 4);

	if (t->format != FORMAT_KNOCKOUT && pg_prng_double(rng) < DRAW_PROBABILITY)
		high = low;

	if (t->higher_wins)
	{
		scores[winner] = tenths(high * 10);
		scores[1 - winner] = tenths(low * 10);
	}
	else
	{
		scores[winner] = tenths(300 + low * 10);
		scores[1 - winner] = tenths(300 + high * 10);
	}
}

/* A single-player performance around the player's rating. */
static void
simulate_performance(const Tournament *t, pg_prng_state *rng, double rating,
					 Datum *score)
{
	double		performance = rating + 200.0 * normal_deviate(rng);

	if (t->higher_wins)
		*score = tenths((int64) rint(Max(performance, 0.0)));
	else
		*score = tenths((int64) rint(Max(6000.0 - 2.0 * performance, 10.0)));
}

typedef struct RoundState
{
	const Tournament *t;
	const RatingIndex *ratings;
	int64		seed;
	bool		third_place;
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
	if (s->nparticipants != result_expected_participants(rs->t->format))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("participants of session " INT64_FORMAT " are not known yet",
						s->session_id)));
	session_rng(&rng, rs->seed, rs->third_place, rs->round, rs->match_number);
	for (int i = 0; i < s->nparticipants; i++)
		ratings[i] = rating_of(rs->ratings, s->player_ids[i]);
	if (s->nparticipants == 2)
		simulate_match(rs->t, &rng, ratings, scores);
	else
		simulate_performance(rs->t, &rng, ratings[0], scores);
	result_writer_add(rs->writer, s, scores);
	rs->simulated++;
	s->session_id = 0;
}

static void
add_participant_row(RoundState *rs, HeapTuple row, TupleDesc desc)
{
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
	}
	if (s->nparticipants == 2)
		elog(ERROR, "session " INT64_FORMAT " has more than two participants", session_id);
	s->player_ids[s->nparticipants++] = DatumGetInt64(SPI_getbinval(row, desc, 7, &isnull));
}

/*
 * One (stage, round): read its open sessions through a cursor, a batch at a
 * time, and write their results set-based.  The cursor's snapshot does not
 * see the rows this round writes, so reading and writing interleave safely.
 */
static int64
simulate_round(RoundState *rs)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, TEXTOID, INT4OID};
	Datum		args[3];
	Portal		portal;
	MemoryContext roundcxt;
	MemoryContext old;

	/* a round robin has thousands of rounds: each one's batches are freed */
	roundcxt = AllocSetContextCreate(CurrentMemoryContext, "tourney simulated round",
									 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(roundcxt);
	args[0] = Int64GetDatum(rs->t->id);
	args[1] = CStringGetTextDatum(rs->third_place ? "third_place" : "main");
	args[2] = Int32GetDatum(rs->round);
	tourney_plan(&plan,
				 "SELECT s.session_id, s.match_number, s.next_session_id, s.next_slot,"
				 " s.loser_next_session_id, s.loser_next_slot, p.player_id"
				 " FROM tourney.sessions s JOIN tourney.session_participants p"
				 " ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id"
				 " WHERE s.tournament_id = $1 AND s.stage = $2 AND s.round = $3"
				 " AND NOT s.result_submitted"
				 " ORDER BY s.match_number, p.slot",
				 3, argtypes);

	rs->simulated = 0;
	rs->current.session_id = 0;
	rs->writer = result_writer_begin(rs->t);
	portal = SPI_cursor_open(NULL, plan, args, NULL, false);
	for (;;)
	{
		SPITupleTable *batch;
		uint64		rows;

		SPI_cursor_fetch(portal, true, TOURNEY_BATCH_ROWS);
		/* the writer's statements replace SPI_tuptable: keep this batch's */
		batch = SPI_tuptable;
		rows = SPI_processed;
		if (rows == 0)
			break;
		for (uint64 i = 0; i < rows; i++)
			add_participant_row(rs, batch->vals[i], batch->tupdesc);
		SPI_freetuptable(batch);
		CHECK_FOR_INTERRUPTS();
	}
	finish_session(rs);
	SPI_cursor_close(portal);
	result_writer_end(rs->writer);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(roundcxt);
	return rs->simulated;
}

static int32
last_round(int64 tournament_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	bool		isnull;
	Datum		value;

	tourney_plan(&plan,
				 "SELECT max(round) FROM tourney.sessions WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 1);
	value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetInt32(value);
}

int64
simulate_tournament(int64 tournament_id, int64 seed)
{
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	RatingIndex ratings;
	RoundState	rs;
	int32		rounds;
	int64		total = 0;

	tournament_require_state(t, STATUS_IN_PROGRESS, "simulate results");
	ratings.players = tournament_seeded_players(tournament_id, &ratings.count);
	qsort(ratings.players, ratings.count, sizeof(SeededPlayer), player_id_cmp);

	memset(&rs, 0, sizeof(rs));
	rs.t = t;
	rs.ratings = &ratings;
	rs.seed = seed;
	/* Swiss rounds are paired as the rounds before them end */
	rounds = t->format == FORMAT_SWISS ? t->number_of_rounds : last_round(tournament_id);
	for (int32 r = 1; r <= rounds; r++)
	{
		rs.round = r;
		rs.third_place = false;
		total += simulate_round(&rs);
		if (t->format == FORMAT_KNOCKOUT && r == rounds)
		{
			rs.third_place = true;
			total += simulate_round(&rs);
		}
		swiss_pair_after_round(t, r);
	}
	return total;
}

Datum
tourney_simulate_results(PG_FUNCTION_ARGS)
{
	int64		simulated;

	tourney_require_arg(fcinfo, 0, "tournament_id");
	tourney_require_arg(fcinfo, 1, "seed");
	SPI_connect();
	tasks_recover_if_needed();
	tourney_bulk_settings();
	simulated = simulate_tournament(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
	SPI_finish();
	PG_RETURN_INT32((int32) simulated);
}
