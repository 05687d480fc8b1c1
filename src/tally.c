/*
 * tally.c: rankings and standings of knockout, individual ranking and
 * round robin tournaments, computed in memory.  Swiss, whose tiebreaks
 * need every opponent's points, keeps the ranking query of rankings.c.
 *
 * The rules are those of that query:
 * - knockout: 1 the final's winner, 2 its loser, 3 and 4 the third-place
 *   match's winner and loser, then the losers of main round r share
 *   2^(R - r) + 1; players still in the running rank 1;
 * - individual ranking: competition ranking of the summed scores in the
 *   tournament's direction, players without a result last;
 * - round robin: points (3 per win, 1 per draw), then score difference,
 *   then score for, tied players sharing a rank.
 *
 * Instead of a window over every participant, a sort by player and a
 * grouping, one pass merges the sessions that have a result and their
 * participants (both read in session_id order) and adds each result to
 * its player, found among the enrolled players by IdLookup.  The players
 * are then sorted by rank and written with BulkInsert (calculate_rankings)
 * or returned with their names (standings).
 *
 * Score sums are numeric, exactly as in SQL.  Every addition makes a new
 * numeric; the superseded ones are reclaimed by copying the live sums to a
 * fresh memory context whenever the old one has grown past a threshold.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

/* Copy the live sums once the sums' context holds this much. */
#define SUMS_COMPACT_BYTES (64 * 1024 * 1024)

typedef struct TallyPlayer
{
	int64		player_id;
	Numeric		score_for;		/* NULL: no result yet (0) */
	Numeric		score_against;	/* NULL: 0 */
	int32		wins;
	int32		draws;
	int32		losses;
	int32		lost_main_round;	/* 0: never lost in the main stage */
	int8		third_place;	/* 0 not played, 1 won, 2 lost */
	int32		rank;
} TallyPlayer;

typedef struct Tally
{
	const Tournament *t;
	int32		main_rounds;	/* knockout */
	bool		read_only;		/* standings: one snapshot, no writes */
	TallyPlayer *players;		/* sorted by player_id */
	int64		count;
	int64		allocated;
	IdLookup	lookup;
	MemoryContext sums;
	Numeric		zero;
	/*
	 * By player, in players' order, only where needed; made once the
	 * results are read (compacting the sums would not keep them).
	 */
	Numeric    *differences;	/* round robin: score_for - score_against */
	text	  **names;			/* standings */
} Tally;

static void
add_tally_player(HeapTuple row, TupleDesc desc, void *arg)
{
	Tally	   *tally = arg;
	TallyPlayer *p;
	bool		isnull;

	tally->players = tourney_grow(tally->players, tally->count, &tally->allocated,
								  sizeof(TallyPlayer));
	p = &tally->players[tally->count++];
	memset(p, 0, sizeof(*p));
	p->player_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
}

/* The enrolled players, in player_id order. */
static void
tally_load_players(Tally *tally)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tally->t->id)};

	tourney_plan(&plan,
				 "SELECT player_id FROM tourney.enrollments WHERE tournament_id = $1"
				 " ORDER BY player_id",
				 1, argtypes);
	tourney_scan(plan, args, tally->read_only, add_tally_player, NULL, tally);
	id_lookup_init(&tally->lookup, tally->players, tally->count, sizeof(TallyPlayer));
}

/* sum + value, in the sums' context; sum NULL stands for 0. */
static Numeric
tally_add(Tally *tally, Numeric sum, Numeric value)
{
	MemoryContext old = MemoryContextSwitchTo(tally->sums);
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
tally_compact_sums(Tally *tally)
{
	MemoryContext fresh;
	MemoryContext old;

	if (MemoryContextMemAllocated(tally->sums, false) < SUMS_COMPACT_BYTES)
		return;
	fresh = AllocSetContextCreate(MemoryContextGetParent(tally->sums),
								  "tourney tally sums", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(fresh);
	for (int64 i = 0; i < tally->count; i++)
	{
		TallyPlayer *p = &tally->players[i];

		if (p->score_for != NULL)
			p->score_for = DatumGetNumericCopy(NumericGetDatum(p->score_for));
		if (p->score_against != NULL)
			p->score_against = DatumGetNumericCopy(NumericGetDatum(p->score_against));
	}
	MemoryContextSwitchTo(old);
	MemoryContextDelete(tally->sums);
	tally->sums = fresh;
}

/* A session's participants, as the merge collects them. */
typedef struct TallySession
{
	int64		session_id;
	int32		round;
	bool		third_place;
	int			n;
	int64		player_ids[2];
	int32		placements[2];
	Numeric		scores[2];
} TallySession;

/* Add one session's result to its players. */
static void
tally_add_session(Tally *tally, const TallySession *s)
{
	int			firsts = 0;

	for (int i = 0; i < s->n; i++)
		firsts += s->placements[i] == 1;
	for (int i = 0; i < s->n; i++)
	{
		TallyPlayer *p = id_lookup(&tally->lookup, s->player_ids[i]);

		if (p == NULL)
			elog(ERROR, "player " INT64_FORMAT " of session " INT64_FORMAT " is not enrolled",
				 s->player_ids[i], s->session_id);
		p->score_for = tally_add(tally, p->score_for, s->scores[i]);
		if (s->n < 2)
			continue;
		p->score_against = tally_add(tally, p->score_against, s->scores[1 - i]);
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
typedef struct TallyRead
{
	Tally	   *tally;
	TallySession current;
	MemoryContext carry;		/* holds current's scores across batches */
} TallyRead;

static void
tally_result_row(HeapTuple row, TupleDesc desc, void *arg)
{
	TallyRead  *r = arg;
	TallySession *current = &r->current;
	bool		isnull;
	int64		session_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));

	if (session_id != current->session_id)
	{
		if (current->n > 0)
			tally_add_session(r->tally, current);
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
tally_batch_end(void *arg)
{
	TallyRead  *r = arg;
	MemoryContext carry = AllocSetContextCreate(CurrentMemoryContext, "tourney tally carry",
												ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(carry);

	for (int i = 0; i < r->current.n; i++)
		r->current.scores[i] = DatumGetNumericCopy(NumericGetDatum(r->current.scores[i]));
	MemoryContextSwitchTo(old);
	if (r->carry != NULL)
		MemoryContextDelete(r->carry);
	r->carry = carry;
	tally_compact_sums(r->tally);
}

/*
 * Every session that has a result, with its participants, in session_id
 * order (a merge join of the two primary keys).  A session without
 * participants adds nothing, as in SQL.
 */
static void
tally_read_results(Tally *tally)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tally->t->id)};
	TallyRead	r;

	tourney_plan(&plan,
				 "SELECT s.session_id, s.round, s.stage = 'third_place',"
				 " p.player_id, p.score, p.placement"
				 " FROM tourney.sessions s JOIN tourney.session_participants p"
				 " ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id"
				 " WHERE s.tournament_id = $1 AND p.tournament_id = $1 AND s.result_submitted"
				 " ORDER BY s.session_id, p.slot",
				 1, argtypes);
	memset(&r, 0, sizeof(r));
	r.tally = tally;
	tourney_scan(plan, args, tally->read_only, tally_result_row, tally_batch_end, &r);
	if (r.current.n > 0)
		tally_add_session(tally, &r.current);
	if (r.carry != NULL)
		MemoryContextDelete(r.carry);
}

/* Every enrolled player with the results so far. */
static void
tally_begin(Tally *tally, const Tournament *t, int32 main_rounds, bool read_only)
{
	memset(tally, 0, sizeof(*tally));
	tally->t = t;
	tally->main_rounds = main_rounds;
	tally->read_only = read_only;
	tally->sums = AllocSetContextCreate(CurrentMemoryContext, "tourney tally sums",
										ALLOCSET_DEFAULT_SIZES);
	tally->zero = int64_to_numeric(0);
	tally_load_players(tally);
	tally_read_results(tally);
}

static void
tally_end(Tally *tally)
{
	MemoryContextDelete(tally->sums);
	if (tally->players != NULL)
		pfree(tally->players);
}

static Numeric
or_zero(const Tally *tally, Numeric value)
{
	return value != NULL ? value : tally->zero;
}

/* The knockout ladder: the rank a player's results give. */
static int32
ladder_rank(const TallyPlayer *p, int32 main_rounds)
{
	if (p->third_place != 0)
		return p->third_place == 1 ? 3 : 4;
	if (p->lost_main_round == 0)
		return 1;
	return (1 << (main_rounds - p->lost_main_round)) + 1;
}

static int
int64_order(int64 a, int64 b)
{
	return a < b ? -1 : a > b;
}

static Numeric
difference(const Tally *tally, const TallyPlayer *p)
{
	return tally->differences[p - tally->players];
}

/* Negative when a ranks better than b, 0 when they share a rank. */
static int
rank_order(const TallyPlayer *a, const TallyPlayer *b, const Tally *tally)
{
	int			cmp;

	switch (tally->t->format)
	{
		case FORMAT_KNOCKOUT:
			return int64_order(a->rank, b->rank);
		case FORMAT_INDIVIDUAL_RANKING:
			if ((a->score_for == NULL) != (b->score_for == NULL))
				return a->score_for == NULL ? 1 : -1;
			if (a->score_for == NULL)
				return 0;
			cmp = numeric_compare(NumericGetDatum(a->score_for), NumericGetDatum(b->score_for));
			return tally->t->higher_wins ? -cmp : cmp;
		case FORMAT_ROUND_ROBIN:
			cmp = int64_order(3 * (int64) b->wins + b->draws, 3 * (int64) a->wins + a->draws);
			if (cmp == 0)
				cmp = numeric_compare(NumericGetDatum(difference(tally, b)),
									  NumericGetDatum(difference(tally, a)));
			if (cmp == 0)
				cmp = numeric_compare(NumericGetDatum(or_zero(tally, b->score_for)),
									  NumericGetDatum(or_zero(tally, a->score_for)));
			return cmp;
		case FORMAT_SWISS:
			break;
	}
	elog(ERROR, "%s rankings are not tallied", tourney_format_names[tally->t->format]);
	return 0;
}

static int
standing_order(const void *a, const void *b, void *arg)
{
	const TallyPlayer *x = *(TallyPlayer *const *) a;
	const TallyPlayer *y = *(TallyPlayer *const *) b;
	int			cmp = rank_order(x, y, arg);

	return cmp != 0 ? cmp : int64_order(x->player_id, y->player_id);
}

/* Round robin's second criterion, worked out once per player. */
static void
tally_differences(Tally *tally)
{
	MemoryContext old = MemoryContextSwitchTo(tally->sums);

	tally->differences = palloc_extended(sizeof(Numeric) * Max(tally->count, 1),
										 MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < tally->count; i++)
		tally->differences[i] =
			numeric_sub_opt_error(or_zero(tally, tally->players[i].score_for),
								  or_zero(tally, tally->players[i].score_against), NULL);
	MemoryContextSwitchTo(old);
}

/*
 * Rank every player: a knockout's ladder is its own rank; the other formats
 * have competition ranks (tied players share a rank, the next is skipped),
 * which a sort gives.  Returns the players in standings order (rank, then
 * player_id) if asked, else NULL; a knockout's ranking needs no sort.
 */
static TallyPlayer **
tally_rank(Tally *tally, bool want_order)
{
	TallyPlayer **order;
	bool		knockout = tally->t->format == FORMAT_KNOCKOUT;

	if (knockout)
		for (int64 i = 0; i < tally->count; i++)
			tally->players[i].rank = ladder_rank(&tally->players[i], tally->main_rounds);
	else if (tally->t->format == FORMAT_ROUND_ROBIN)
		tally_differences(tally);
	if (knockout && !want_order)
		return NULL;

	order = palloc_extended(sizeof(TallyPlayer *) * Max(tally->count, 1), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < tally->count; i++)
		order[i] = &tally->players[i];
	qsort_arg(order, tally->count, sizeof(TallyPlayer *), standing_order, tally);
	if (!knockout)
		for (int64 i = 0; i < tally->count; i++)
			order[i]->rank = i > 0 && rank_order(order[i - 1], order[i], tally) == 0 ?
				order[i - 1]->rank : (int32) (i + 1);
	if (want_order)
		return order;
	pfree(order);
	return NULL;
}

/* The points column: wins, the total score, or 3 a win and 1 a draw. */
static Datum
tally_points(const Tally *tally, const TallyPlayer *p)
{
	switch (tally->t->format)
	{
		case FORMAT_INDIVIDUAL_RANKING:
			return NumericGetDatum(or_zero(tally, p->score_for));
		case FORMAT_ROUND_ROBIN:
			return NumericGetDatum(int64_to_numeric(3 * (int64) p->wins + p->draws));
		default:
			return NumericGetDatum(int64_to_numeric(p->wins));
	}
}

/* Round robin: score difference, then score for; else none. */
static Datum
tally_tiebreaks(const Tally *tally, const TallyPlayer *p)
{
	Datum		items[2];

	if (tally->t->format != FORMAT_ROUND_ROBIN)
		return PointerGetDatum(construct_empty_array(NUMERICOID));
	items[0] = NumericGetDatum(difference(tally, p));
	items[1] = NumericGetDatum(or_zero(tally, p->score_for));
	return PointerGetDatum(construct_array(items, 2, NUMERICOID, -1, false, TYPALIGN_INT));
}

/* The rankings rows, in player_id order. */
static void
tally_write(const Tally *tally)
{
	static const char *const columns[10] = {"tournament_id", "player_id", "rank",
		"points", "wins", "draws", "losses", "score_for", "score_against",
	"tiebreaks"};
	BulkInsert *out = bulk_insert_begin("rankings", 10, columns);
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext, "tourney tally row",
												 ALLOCSET_SMALL_SIZES);

	for (int64 i = 0; i < tally->count; i++)
	{
		const TallyPlayer *p = &tally->players[i];
		MemoryContext old = MemoryContextSwitchTo(rowcxt);
		Datum		values[10];

		values[0] = Int64GetDatum(tally->t->id);
		values[1] = Int64GetDatum(p->player_id);
		values[2] = Int32GetDatum(p->rank);
		values[3] = tally_points(tally, p);
		values[4] = Int32GetDatum(p->wins);
		values[5] = Int32GetDatum(p->draws);
		values[6] = Int32GetDatum(p->losses);
		values[7] = NumericGetDatum(or_zero(tally, p->score_for));
		values[8] = NumericGetDatum(or_zero(tally, p->score_against));
		values[9] = tally_tiebreaks(tally, p);
		bulk_insert_add(out, values, NULL);
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowcxt);
	}
	bulk_insert_end(out);
	MemoryContextDelete(rowcxt);
}

/*
 * Write the rankings of a tournament whose results are all in; the caller
 * has locked it and removed its old rankings.  Returns the rows written.
 */
int64
tally_calculate(const Tournament *t, int32 main_rounds)
{
	Tally		tally;
	int64		written;

	tally_begin(&tally, t, main_rounds, false);
	(void) tally_rank(&tally, false);
	tally_write(&tally);
	written = tally.count;
	tally_end(&tally);
	return written;
}

static void
set_name(void *player, Datum value, bool isnull, void *arg)
{
	Tally	   *tally = arg;
	MemoryContext old = MemoryContextSwitchTo(tally->sums);

	tally->names[(TallyPlayer *) player - tally->players] =
		isnull ? NULL : DatumGetTextPCopy(value);
	MemoryContextSwitchTo(old);
}

/* Provisional standings into the result tuplestore, in rank order. */
void
tally_standings(const Tournament *t, int32 main_rounds, ReturnSetInfo *rsinfo)
{
	static PlayerColumn names = {"name", NULL, NULL};
	Tally		tally;
	TallyPlayer **order;
	MemoryContext rowcxt;

	tally_begin(&tally, t, main_rounds, true);
	tally.names = MemoryContextAllocExtended(tally.sums, sizeof(text *) * Max(tally.count, 1),
											 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	tourney_merge_enrolled(&names, tally.players, tally.count, sizeof(TallyPlayer), true,
						   set_name, &tally);
	order = tally_rank(&tally, true);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "tourney tally row",
								   ALLOCSET_SMALL_SIZES);
	for (int64 i = 0; i < tally.count; i++)
	{
		const TallyPlayer *p = order[i];
		MemoryContext old = MemoryContextSwitchTo(rowcxt);
		Datum		values[9];
		bool		nulls[9] = {false};

		values[0] = Int32GetDatum(p->rank);
		values[1] = Int64GetDatum(p->player_id);
		values[2] = PointerGetDatum(tally.names[p - tally.players]);
		nulls[2] = values[2] == (Datum) 0;
		values[3] = tally_points(&tally, p);
		values[4] = Int32GetDatum(p->wins);
		values[5] = Int32GetDatum(p->draws);
		values[6] = Int32GetDatum(p->losses);
		values[7] = NumericGetDatum(or_zero(&tally, p->score_for));
		values[8] = NumericGetDatum(or_zero(&tally, p->score_against));
		MemoryContextSwitchTo(old);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		MemoryContextReset(rowcxt);
		if (i % 1024 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	MemoryContextDelete(rowcxt);
	pfree(order);
	tally_end(&tally);
}
