/*
 * ladder.c: the rankings of a finished knockout, computed in memory.
 *
 * The rules are those of the knockout ranking query in rankings.c (which
 * standings still uses): 1 the final's winner, 2 its loser, 3 and 4 the
 * third-place match's winner and loser, then the losers of main round r
 * share 2^(R - r) + 1.  Instead of a window over every participant, a
 * sort by player and a grouping, one pass merges the sessions and their
 * participants (both read in session_id order) and adds each result to
 * its player (found among the enrolled players by IdLookup); the rows
 * are then written with BulkInsert.
 *
 * Score sums are numeric, exactly as in SQL.  Every addition makes a new
 * numeric; the superseded ones are reclaimed by copying the live sums to a
 * fresh memory context whenever the old one has grown past a threshold.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

/* Copy the live sums once the sums' context holds this much. */
#define SUMS_COMPACT_BYTES (64 * 1024 * 1024)

typedef struct LadderPlayer
{
	int64		player_id;
	Numeric		score_for;		/* NULL: 0 */
	Numeric		score_against;	/* NULL: 0 */
	int32		wins;
	int32		draws;
	int32		losses;
	int32		lost_main_round;	/* 0: never lost in the main stage */
	int8		third_place;	/* 0 not played, 1 won, 2 lost */
} LadderPlayer;

typedef struct Ladder
{
	LadderPlayer *players;		/* sorted by player_id */
	int64		count;
	int64		allocated;
	IdLookup	lookup;
	MemoryContext sums;
} Ladder;

static void
add_ladder_player(HeapTuple row, TupleDesc desc, void *arg)
{
	Ladder	   *ladder = arg;
	LadderPlayer *p;
	bool		isnull;

	ladder->players = tourney_grow(ladder->players, ladder->count, &ladder->allocated,
								   sizeof(LadderPlayer));
	p = &ladder->players[ladder->count++];
	memset(p, 0, sizeof(*p));
	p->player_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
}

/* The enrolled players, in player_id order. */
static void
ladder_load_players(int64 tournament_id, Ladder *ladder)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};

	tourney_plan(&plan,
				 "SELECT player_id FROM tourney.enrollments WHERE tournament_id = $1"
				 " ORDER BY player_id",
				 1, argtypes);
	tourney_scan(plan, args, false, add_ladder_player, NULL, ladder);
	id_lookup_init(&ladder->lookup, ladder->players, ladder->count, sizeof(LadderPlayer));
}

/* sum + value, in the sums' context; sum NULL stands for 0. */
static Numeric
ladder_add(Ladder *ladder, Numeric sum, Numeric value)
{
	MemoryContext old = MemoryContextSwitchTo(ladder->sums);
	Numeric		result;

	if (sum == NULL)
		result = DatumGetNumericCopy(NumericGetDatum(value));
	else
		result = numeric_add_opt_error(sum, value, NULL);
	MemoryContextSwitchTo(old);
	return result;
}

/* Move the live sums to a new context and drop the superseded ones. */
static void
ladder_compact_sums(Ladder *ladder)
{
	MemoryContext fresh;
	MemoryContext old;

	if (MemoryContextMemAllocated(ladder->sums, false) < SUMS_COMPACT_BYTES)
		return;
	fresh = AllocSetContextCreate(MemoryContextGetParent(ladder->sums),
								  "tourney ladder sums", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(fresh);
	for (int64 i = 0; i < ladder->count; i++)
	{
		LadderPlayer *p = &ladder->players[i];

		if (p->score_for != NULL)
			p->score_for = DatumGetNumericCopy(NumericGetDatum(p->score_for));
		if (p->score_against != NULL)
			p->score_against = DatumGetNumericCopy(NumericGetDatum(p->score_against));
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(ladder->sums);
	ladder->sums = fresh;
}

/* A session's participants, as the merge collects them. */
typedef struct LadderSession
{
	int64		session_id;
	int32		round;
	bool		third_place;
	int			n;
	int64		player_ids[2];
	int32		placements[2];
	Numeric		scores[2];
} LadderSession;

/* Add one finished session to its players. */
static void
ladder_add_session(Ladder *ladder, const LadderSession *s)
{
	int			firsts = 0;

	for (int i = 0; i < s->n; i++)
		firsts += s->placements[i] == 1;
	for (int i = 0; i < s->n; i++)
	{
		LadderPlayer *p = id_lookup(&ladder->lookup, s->player_ids[i]);

		if (p == NULL)
			elog(ERROR, "player " INT64_FORMAT " of session " INT64_FORMAT " is not enrolled",
				 s->player_ids[i], s->session_id);
		p->score_for = ladder_add(ladder, p->score_for, s->scores[i]);
		if (s->n < 2)
			continue;
		p->score_against = ladder_add(ladder, p->score_against, s->scores[1 - i]);
		if (s->placements[i] == 1 && firsts == 1)
			p->wins++;
		else if (s->placements[i] == 1)
			p->draws++;
		else
		{
			p->losses++;
			if (!s->third_place && (p->lost_main_round == 0 || s->round < p->lost_main_round))
				p->lost_main_round = s->round;
		}
		if (s->third_place)
			p->third_place = s->placements[i] == 1 ? 1 : 2;
	}
}

/* Reading the results: the session whose participants are coming in. */
typedef struct LadderRead
{
	Ladder	   *ladder;
	LadderSession current;
	MemoryContext carry;		/* holds current's scores across batches */
} LadderRead;

static void
ladder_result_row(HeapTuple row, TupleDesc desc, void *arg)
{
	LadderRead *r = arg;
	LadderSession *current = &r->current;
	bool		isnull;
	int64		session_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));

	if (session_id != current->session_id)
	{
		if (current->n > 0)
			ladder_add_session(r->ladder, current);
		memset(current, 0, sizeof(*current));
		current->session_id = session_id;
		current->round = DatumGetInt32(SPI_getbinval(row, desc, 2, &isnull));
		current->third_place = DatumGetBool(SPI_getbinval(row, desc, 3, &isnull));
	}
	if (current->n == 2)
		elog(ERROR, "session " INT64_FORMAT " has more than two participants", session_id);
	current->player_ids[current->n] = DatumGetInt64(SPI_getbinval(row, desc, 4, &isnull));
	current->scores[current->n] = DatumGetNumeric(SPI_getbinval(row, desc, 5, &isnull));
	if (isnull)
		elog(ERROR, "session " INT64_FORMAT " has a result without a score", session_id);
	current->placements[current->n] = DatumGetInt32(SPI_getbinval(row, desc, 6, &isnull));
	current->n++;
}

/*
 * After each batch: the last session may go on in the next one, so its
 * scores move to a new context (the previous one, whose session has been
 * added since, is dropped); and superseded sums are reclaimed.
 */
static void
ladder_batch_end(void *arg)
{
	LadderRead *r = arg;
	MemoryContext carry = AllocSetContextCreate(CurrentMemoryContext, "tourney ladder carry",
												ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(carry);

	for (int i = 0; i < r->current.n; i++)
		r->current.scores[i] = DatumGetNumericCopy(NumericGetDatum(r->current.scores[i]));
	MemoryContextSwitchTo(old);
	if (r->carry != NULL)
		MemoryContextDelete(r->carry);
	r->carry = carry;
	ladder_compact_sums(r->ladder);
}

/*
 * Every session with its participants, in session_id order (a merge join
 * of the two primary keys).  A session without participants adds
 * nothing, as in SQL.
 */
static void
ladder_read_results(int64 tournament_id, Ladder *ladder)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	LadderRead	r;

	tourney_plan(&plan,
				 "SELECT s.session_id, s.round, s.stage = 'third_place',"
				 " p.player_id, p.score, p.placement"
				 " FROM tourney.sessions s JOIN tourney.session_participants p"
				 " ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id"
				 " WHERE s.tournament_id = $1 AND p.tournament_id = $1 AND s.result_submitted"
				 " ORDER BY s.session_id, p.slot",
				 1, argtypes);
	memset(&r, 0, sizeof(r));
	r.ladder = ladder;
	tourney_scan(plan, args, false, ladder_result_row, ladder_batch_end, &r);
	if (r.current.n > 0)
		ladder_add_session(ladder, &r.current);
	if (r.carry != NULL)
		MemoryContextDelete(r.carry);
}

/* The knockout ladder: the rank a player's results give. */
static int32
ladder_rank(const LadderPlayer *p, int32 main_rounds)
{
	if (p->third_place != 0)
		return p->third_place == 1 ? 3 : 4;
	if (p->lost_main_round == 0)
		return 1;
	return (1 << (main_rounds - p->lost_main_round)) + 1;
}

static void
ladder_write(int64 tournament_id, const Ladder *ladder, int32 main_rounds)
{
	static const char *const columns[10] = {"tournament_id", "player_id", "rank",
		"points", "wins", "draws", "losses", "score_for", "score_against",
	"tiebreaks"};
	Datum		zero = NumericGetDatum(int64_to_numeric(0));
	Datum		no_tiebreaks = PointerGetDatum(construct_empty_array(NUMERICOID));
	BulkInsert *out = bulk_insert_begin("rankings", 10, columns);
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext, "tourney ladder row",
												 ALLOCSET_SMALL_SIZES);

	for (int64 i = 0; i < ladder->count; i++)
	{
		const LadderPlayer *p = &ladder->players[i];
		MemoryContext old = MemoryContextSwitchTo(rowcxt);
		Datum		values[10];

		values[0] = Int64GetDatum(tournament_id);
		values[1] = Int64GetDatum(p->player_id);
		values[2] = Int32GetDatum(ladder_rank(p, main_rounds));
		values[3] = NumericGetDatum(int64_to_numeric(p->wins));
		values[4] = Int32GetDatum(p->wins);
		values[5] = Int32GetDatum(p->draws);
		values[6] = Int32GetDatum(p->losses);
		values[7] = p->score_for != NULL ? NumericGetDatum(p->score_for) : zero;
		values[8] = p->score_against != NULL ? NumericGetDatum(p->score_against) : zero;
		values[9] = no_tiebreaks;
		bulk_insert_add(out, values, NULL);
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowcxt);
	}
	bulk_insert_end(out);
	MemoryContextDelete(rowcxt);
}

/*
 * Write the rankings of a knockout whose results are all in; the caller
 * has locked it and removed its old rankings.  Returns the rows written.
 */
int64
ladder_calculate(int64 tournament_id, int32 main_rounds)
{
	Ladder		ladder;
	int64		written;

	memset(&ladder, 0, sizeof(ladder));
	ladder.sums = AllocSetContextCreate(CurrentMemoryContext, "tourney ladder sums",
										ALLOCSET_DEFAULT_SIZES);
	ladder_load_players(tournament_id, &ladder);
	ladder_read_results(tournament_id, &ladder);
	ladder_write(tournament_id, &ladder, main_rounds);
	written = ladder.count;
	MemoryContextDelete(ladder.sums);
	if (ladder.players != NULL)
		pfree(ladder.players);
	return written;
}
