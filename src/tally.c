/*
 * tally.c: the results of a tournament tallied per player in memory, and
 * the players ranked by their format's rules (format.h: rank_prepare,
 * rank_opponent, rank_compare), for calculate_rankings and standings.
 *
 * Instead of a window over every participant, a sort by player and a
 * grouping, one pass merges the sessions that have a result and their
 * participants (both read in session_id order) and adds each result to
 * its player, found among the enrolled players by IdLookup.  A format
 * whose tie-breaks weigh the opponents' results (Swiss: Buchholz) is then
 * shown every two-player result again, once every player's points are
 * known.  The players are then sorted by rank and written with BulkInsert
 * (calculate_rankings) or returned with their names (standings).
 *
 * Score sums are numeric, exactly as in SQL.  Every addition makes a new
 * numeric, packed into blocks without a chunk header each (a sum of a
 * digit or two takes 8 to 12 bytes, not 32); the superseded ones are
 * reclaimed by copying the live sums to fresh blocks whenever the old ones
 * have grown past a threshold.  Measured on a 1,048,576-player lifecycle
 * (bench/lifecycle.sql), the backend's peak private memory went from 243
 * to 147 MB for a knockout and from 289 to 245 MB for a double
 * elimination.
 */
#include "tourney/lifecycle.h"

#include "utils/memutils.h"
#include "utils/tuplestore.h"

/* Copy the live sums once the sums' context holds this much. */
#define SUMS_COMPACT_BYTES (64 * 1024 * 1024)

StaticAssertDecl(sizeof(RankedPlayer) <= 48, "RankedPlayer grew");

/* Blocks the sums are packed into. */
#define SUMS_BLOCK_BYTES (1024 * 1024)

typedef struct Tally
{
	RankTable	rt;				/* the players, sorted by player_id */
	const FormatRoutine *format;
	bool		read_only;		/* standings: one snapshot, no writes */
	int64		allocated;
	IdLookup	lookup;
	MemoryContext sums;			/* the sums' blocks, and what ranking keeps */
	char	   *block;			/* the block sums are packed into now */
	Size		block_used;
	Size		block_size;
	Size		live_bytes;		/* held by the sums after the last compaction */
	MemoryContext scratch;		/* numeric arithmetic of the batch at hand */
	/* by player, in players' order: made once the results are read */
	text	  **names;			/* standings */
	bool		groups_complete;	/* every group has played all its games */
} Tally;

static void
add_tally_player(HeapTuple row, TupleDesc desc, void *arg)
{
	Tally	   *tally = arg;
	RankedPlayer *p;
	bool		isnull;

	tally->rt.players = tourney_grow(tally->rt.players, tally->rt.count, &tally->allocated,
									 sizeof(RankedPlayer));
	p = &tally->rt.players[tally->rt.count++];
	memset(p, 0, sizeof(*p));
	p->player_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
}

/* The enrolled players, in player_id order. */
static void
tally_load_players(Tally *tally)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tally->rt.t->id)};

	query_prepare(&plan,
				  "SELECT player_id FROM tourney.enrollments WHERE tournament_id = $1"
				  " ORDER BY player_id",
				  1, argtypes);
	query_scan(plan, args, tally->read_only, add_tally_player, NULL, tally);
	id_lookup_init(&tally->lookup, tally->rt.players, tally->rt.count, sizeof(RankedPlayer));
}

/*
 * A numeric packed into the sums' blocks, without the chunk header a
 * palloc'd one carries: most sums are a digit or two, so this more than
 * halves the memory of a million players' two sums.
 */
static Numeric
tally_keep(Tally *tally, Numeric n)
{
	Size		len = VARSIZE(n);
	Size		need = INTALIGN(len);
	Numeric		kept;

	if (tally->block == NULL || tally->block_used + need > tally->block_size)
	{
		tally->block_size = Max(SUMS_BLOCK_BYTES, need);
		tally->block = MemoryContextAlloc(tally->sums, tally->block_size);
		tally->block_used = 0;
	}
	kept = (Numeric) (tally->block + tally->block_used);
	memcpy(kept, n, len);
	tally->block_used += need;
	return kept;
}

/* sum + value, kept with the sums; sum NULL stands for 0. */
static Numeric
tally_add(Tally *tally, Numeric sum, Numeric value)
{
	MemoryContext old;
	Numeric		result;

	if (sum == NULL)
		return tally_keep(tally, value);
	old = MemoryContextSwitchTo(tally->scratch);
	result = numeric_add_opt_error(sum, value, NULL);
	MemoryContextSwitchTo(old);
	return tally_keep(tally, result);
}

/*
 * Move the live sums to new blocks and drop the superseded ones, once
 * they hold SUMS_COMPACT_BYTES and twice what the live ones took last
 * time (so that a large field is not copied at every batch).
 */
static void
tally_compact_sums(Tally *tally)
{
	MemoryContext stale = tally->sums;

	MemoryContextReset(tally->scratch);
	if (MemoryContextMemAllocated(stale, false) < Max(SUMS_COMPACT_BYTES, 2 * tally->live_bytes))
		return;
	tally->sums = AllocSetContextCreate(MemoryContextGetParent(stale),
										"tourney tally sums", ALLOCSET_DEFAULT_SIZES);
	tally->block = NULL;
	for (int64 i = 0; i < tally->rt.count; i++)
	{
		RankedPlayer *p = &tally->rt.players[i];

		if (p->score_for != NULL)
			p->score_for = tally_keep(tally, p->score_for);
		if (p->score_against != NULL)
			p->score_against = tally_keep(tally, p->score_against);
	}
	MemoryContextDelete(stale);
	tally->live_bytes = MemoryContextMemAllocated(tally->sums, false);
}

/* A session's participants, as the merge collects them. */
typedef struct TallySession
{
	int64		session_id;
	RankSession rank;			/* players by index */
	Numeric		scores[2];
} TallySession;

/*
 * The win, draw or loss that a session with a result gives its i-th
 * player (placement 1 alone, 1 shared, anything else).  A player alone in
 * a session of a two-player format went through it unopposed (a walkover
 * with nobody to beat counts like a bye: no game, no win) or was left in
 * it when it was decided for nobody (placement 0): that is a loss, as the
 * ranking has it (a double elimination's second loss, a knockout's end).
 * A session of individual ranking has no opponents: no record.
 */
void
tally_count_record(RankTable *rt, const RankSession *rs, int i)
{
	RankedPlayer *p = &rt->players[rs->players[i]];
	int			firsts = 0;

	if (rs->n < 2)
	{
		if (rt->t->format->participants >= 2 && rs->placements[i] != 1)
			p->losses++;
		return;
	}
	for (int j = 0; j < rs->n; j++)
		firsts += rs->placements[j] == 1;
	if (rs->placements[i] == 1 && firsts == 1)
		p->wins++;
	else if (rs->placements[i] == 1)
		p->draws++;
	else
		p->losses++;
}

/*
 * Add one session's result to its players, then show it to the format
 * (the marks of brackets: which round a player lost, who won a final).
 */
static void
tally_add_session(Tally *tally, const TallySession *s)
{
	const RankSession *rs = &s->rank;

	for (int i = 0; i < rs->n; i++)
	{
		RankedPlayer *p = &tally->rt.players[rs->players[i]];

		/* a walkover has no scores: it counts as a win and a loss, not in the sums */
		if (s->scores[i] != NULL)
			p->score_for = tally_add(tally, p->score_for, s->scores[i]);
		if (rs->n == 2 && s->scores[1 - i] != NULL)
			p->score_against = tally_add(tally, p->score_against, s->scores[1 - i]);
		tally_count_record(&tally->rt, rs, i);
	}
	if (tally->format->rank_session != NULL)
		tally->format->rank_session(&tally->rt, rs);
}

static RankedPlayer *
tally_player(Tally *tally, int64 player_id)
{
	RankedPlayer *p = id_lookup(&tally->lookup, player_id);

	if (p == NULL)
		elog(ERROR, "player " INT64_FORMAT " of tournament " INT64_FORMAT " is not enrolled",
			 player_id, tally->rt.t->id);
	return p;
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
	Datum		score;

	RankSession *rs = &current->rank;

	if (session_id != current->session_id)
	{
		if (rs->n > 0)
			tally_add_session(r->tally, current);
		memset(current, 0, sizeof(*current));
		current->session_id = session_id;
		rs->round = DatumGetInt32(SPI_getbinval(row, desc, 2, &isnull));
		rs->stage = (TourneyStage) (DatumGetInt32(SPI_getbinval(row, desc, 3, &isnull)) - 1);
	}
	if (rs->n == 2)
		elog(ERROR, "session " INT64_FORMAT " has more than two participants", session_id);
	rs->players[rs->n] = tally_player(r->tally,
									  DatumGetInt64(SPI_getbinval(row, desc, 4, &isnull))) -
		r->tally->rt.players;
	score = SPI_getbinval(row, desc, 5, &isnull);
	current->scores[rs->n] = isnull ? NULL : DatumGetNumeric(score);	/* NULL: a walkover */
	rs->placements[rs->n] = DatumGetInt32(SPI_getbinval(row, desc, 6, &isnull));
	if (isnull)
		rs->placements[rs->n] = 0;	/* nobody won it */
	rs->n++;
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

	for (int i = 0; i < r->current.rank.n; i++)
		if (r->current.scores[i] != NULL)
			r->current.scores[i] = DatumGetNumericCopy(NumericGetDatum(r->current.scores[i]));
	MemoryContextSwitchTo(old);
	if (r->carry != NULL)
		MemoryContextDelete(r->carry);
	r->carry = carry;
	tally_compact_sums(r->tally);
}

/*
 * Every participant of a session that has a result, in (session_id, slot)
 * order (a merge join of the two primary keys).  Columns: session_id,
 * round, stage (TourneyStage + 1), player_id, score, placement.
 */
static void
tally_scan_results(Tally *tally, QueryRowFn row_fn, void (*batch_end_fn) (void *arg),
				   void *arg)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, TEXTARRAYOID};
	Datum		args[2] = {Int64GetDatum(tally->rt.t->id), query_stage_labels()};

	query_prepare(&plan,
				  "SELECT s.session_id, s.round, array_position($2, s.stage),"
				  " p.player_id, p.score, p.placement"
				  " FROM tourney.sessions s JOIN tourney.session_participants p"
				  " ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id"
				  " WHERE s.tournament_id = $1 AND p.tournament_id = $1 AND s.result_submitted"
				  " ORDER BY s.session_id, p.slot",
				  2, argtypes);
	query_scan(plan, args, tally->read_only, row_fn, batch_end_fn, arg);
}

/* Every result added to its players; a session without participants adds nothing. */
static void
tally_read_results(Tally *tally)
{
	TallyRead	r;

	memset(&r, 0, sizeof(r));
	r.tally = tally;
	tally_scan_results(tally, tally_result_row, tally_batch_end, &r);
	if (r.current.rank.n > 0)
		tally_add_session(tally, &r.current);
	if (r.carry != NULL)
		MemoryContextDelete(r.carry);
}


static void
tally_bye_row(HeapTuple row, TupleDesc desc, void *arg)
{
	bool		isnull;

	tally_player(arg, DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull)))->had_bye = true;
}

/* Who sat a round out without a session (at most once each). */
static void
tally_read_byes(Tally *tally)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tally->rt.t->id)};

	query_prepare(&plan, "SELECT player_id FROM tourney.byes WHERE tournament_id = $1",
				  1, argtypes);
	query_scan(plan, args, tally->read_only, tally_bye_row, NULL, tally);
}

/* The second look at the results: who met whom, with which outcome. */
typedef struct OpponentRead
{
	Tally	   *tally;
	int64		session_id;
	int			n;
	int64		players[2];		/* indexes into the players */
	int32		placements[2];
} OpponentRead;

static void
tally_show_opponents(OpponentRead *r)
{
	RankTable  *rt = &r->tally->rt;

	if (r->n != 2 || r->placements[0] == 0 || r->placements[1] == 0)
		return;					/* nobody won it: no outcome to show */
	for (int i = 0; i < 2; i++)
	{
		int32		mine = r->placements[i];
		int32		theirs = r->placements[1 - i];

		r->tally->format->rank_opponent(rt, r->players[i], r->players[1 - i],
										mine < theirs ? RANK_WIN :
										mine == theirs ? RANK_DRAW : RANK_LOSS);
	}
}

static void
tally_opponent_row(HeapTuple row, TupleDesc desc, void *arg)
{
	OpponentRead *r = arg;
	bool		isnull;
	int64		session_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));

	if (session_id != r->session_id)
	{
		tally_show_opponents(r);
		r->session_id = session_id;
		r->n = 0;
	}
	if (r->n == 2)
		elog(ERROR, "session " INT64_FORMAT " has more than two participants", session_id);
	r->players[r->n] = tally_player(r->tally, DatumGetInt64(SPI_getbinval(row, desc, 4, &isnull))) -
		r->tally->rt.players;
	r->placements[r->n] = DatumGetInt32(SPI_getbinval(row, desc, 6, &isnull));
	if (isnull)
		r->placements[r->n] = 0;
	r->n++;
}

/*
 * Every two-player result shown to the format from both sides, once every
 * player's own results are tallied: in the same order as the first pass.
 */
static void
tally_read_opponents(Tally *tally)
{
	OpponentRead r;

	memset(&r, 0, sizeof(r));
	r.tally = tally;
	tally_scan_results(tally, tally_opponent_row, NULL, &r);
	tally_show_opponents(&r);
}

/* Keeping a group's places, by player. */
static void
keep_pool_places(PoolTable *pt, void *arg)
{
	Tally	   *tally = arg;
	PoolPlace  *places = (PoolPlace *) tally->rt.pools;
	MemoryContext old = MemoryContextSwitchTo(tally->sums);

	for (int32 i = 0; i < pt->nmembers; i++)
	{
		const PoolMember *m = &pt->members[i];
		PoolPlace  *pp = &places[tally_player(tally, m->player_id) - tally->rt.players];

		pp->pool = pt->pool;
		pp->place = m->place;
		pp->points = m->points;
		pp->difference = DatumGetNumericCopy(NumericGetDatum(m->difference));
		pp->score_for = DatumGetNumericCopy(NumericGetDatum(m->score_for));
		pp->score_against = DatumGetNumericCopy(NumericGetDatum(m->score_against));
		pp->played = m->played;
		pp->wins = m->wins;
		pp->draws = m->draws;
		pp->losses = m->losses;
	}
	tally->groups_complete = tally->groups_complete && pt->complete;
	MemoryContextSwitchTo(old);
}

/*
 * Every player's place in their group (none: pool 0, zeros), and whether
 * every group has played all its games, after which the stage that
 * follows the groups exists (it is written with the last group result).
 */
static void
tally_read_pools(Tally *tally)
{
	PoolPlace  *places = MemoryContextAllocExtended(tally->sums,
													sizeof(PoolPlace) * Max(tally->rt.count, 1),
													MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	for (int64 i = 0; i < tally->rt.count; i++)
	{
		places[i].player_id = tally->rt.players[i].player_id;
		places[i].difference = tally->rt.zero;
		places[i].score_for = tally->rt.zero;
		places[i].score_against = tally->rt.zero;
	}
	tally->rt.pools = places;
	tally->groups_complete = true;
	pools_scan(tally->rt.t, tally->read_only, keep_pool_places, tally);
	tally->rt.later_stage = tally->groups_complete && tally->rt.count > 0 &&
		places[0].pool > 0;
}

/*
 * Every enrolled player with the results so far, ready for ranking: the
 * format's rank_prepare has seen them (its values live with the sums).
 */
static void
tally_begin(Tally *tally, const Tournament *t, bool read_only)
{
	MemoryContext old;

	memset(tally, 0, sizeof(*tally));
	tally->rt.t = t;
	tally->format = t->format;
	tally->read_only = read_only;
	tally->sums = AllocSetContextCreate(CurrentMemoryContext, "tourney tally sums",
										ALLOCSET_DEFAULT_SIZES);
	tally->scratch = AllocSetContextCreate(CurrentMemoryContext, "tourney tally arithmetic",
										   ALLOCSET_DEFAULT_SIZES);
	tally->rt.zero = int64_to_numeric(0);
	tally_load_players(tally);
	tally->rt.field = tally->rt.count;
	tally_read_results(tally);
	if (tally->format->has_byes)
		tally_read_byes(tally);
	if (tally->format->has_pools)
		tally_read_pools(tally);
	old = MemoryContextSwitchTo(tally->sums);
	if (tally->format->rank_prepare != NULL)
		tally->format->rank_prepare(&tally->rt);
	MemoryContextSwitchTo(old);
	if (tally->format->rank_opponent != NULL)
		tally_read_opponents(tally);
}

static void
tally_end(Tally *tally)
{
	MemoryContextDelete(tally->scratch);
	MemoryContextDelete(tally->sums);
	if (tally->rt.players != NULL)
		pfree(tally->rt.players);
}

static int
int64_order(int64 a, int64 b)
{
	return a < b ? -1 : a > b;
}

static int
standing_order(const void *a, const void *b, void *arg)
{
	const RankTable *rt = arg;
	const RankedPlayer *x = *(RankedPlayer *const *) a;
	const RankedPlayer *y = *(RankedPlayer *const *) b;
	int			cmp = rt->t->format->rank_compare(x, y, rt);

	return cmp != 0 ? cmp : int64_order(x->player_id, y->player_id);
}

/*
 * Rank every player: a ladder format's rank_prepare has set the ranks;
 * the others get competition ranks (tied players share a rank, the next is
 * skipped), which a sort gives.  Returns the players in standings order
 * (rank, then player_id) if asked, else NULL; a ladder's ranking needs no
 * sort.
 */
static RankedPlayer **
tally_rank(Tally *tally, bool want_order)
{
	RankTable  *rt = &tally->rt;
	RankedPlayer **order;
	bool		preset = tally->format->ranks_from_prepare;

	if (preset && !want_order)
		return NULL;
	order = palloc_extended(sizeof(RankedPlayer *) * Max(rt->count, 1), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < rt->count; i++)
		order[i] = &rt->players[i];
	qsort_arg(order, rt->count, sizeof(RankedPlayer *), standing_order, rt);
	if (!preset)
		for (int64 i = 0; i < rt->count; i++)
			order[i]->rank = i > 0 && tally->format->rank_compare(order[i - 1], order[i], rt) == 0 ?
				order[i - 1]->rank : (int32) (i + 1);
	if (want_order)
		return order;
	pfree(order);
	return NULL;
}

/* The rankings rows, in player_id order; pool_rank where there are groups. */
static void
tally_write(const Tally *tally)
{
	static const char *const columns[11] = {"tournament_id", "player_id", "rank",
		"points", "wins", "draws", "losses", "score_for", "score_against",
	"tiebreaks", "pool_rank"};
	const RankTable *rt = &tally->rt;
	BulkInsert *out = bulk_insert_begin("rankings", rt->pools != NULL ? 11 : 10, columns);
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext, "tourney tally row",
												 ALLOCSET_SMALL_SIZES);

	for (int64 i = 0; i < rt->count; i++)
	{
		const RankedPlayer *p = &rt->players[i];
		MemoryContext old = MemoryContextSwitchTo(rowcxt);
		Datum		values[11];
		bool		nulls[11] = {false};

		values[0] = Int64GetDatum(rt->t->id);
		values[1] = Int64GetDatum(p->player_id);
		values[2] = Int32GetDatum(p->rank);
		values[3] = tally->format->rank_points(p, rt);
		values[4] = Int32GetDatum(p->wins);
		values[5] = Int32GetDatum(p->draws);
		values[6] = Int32GetDatum(p->losses);
		values[7] = NumericGetDatum(format_or_zero(rt, p->score_for));
		values[8] = NumericGetDatum(format_or_zero(rt, p->score_against));
		values[9] = tally->format->rank_tiebreaks(p, rt);
		if (rt->pools != NULL)
		{
			values[10] = Int32GetDatum(rt->pools[i].place);
			nulls[10] = rt->pools[i].place == 0;
		}
		bulk_insert_add(out, values, nulls);
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowcxt);
	}
	bulk_insert_end(out);
	MemoryContextDelete(rowcxt);
}

/* The columns of a tallies row, in tally_row_values' order. */
const char *const tally_columns[TALLY_COLUMNS] = {"tournament_id", "player_id", "wins",
	"draws", "losses", "score_for", "score_against", "lost_round", "mark", "had_bye",
	"points", "rank_key", "fixed_rank", "pool", "pool_place", "pool_played", "pool_wins",
"pool_draws", "pool_losses", "pool_score_for", "pool_score_against", "pool_points"};

/*
 * A player's tallies row (rank_prepare has run on rt): what was played,
 * the format's points and its rank key; the group table's row where the
 * format has groups.
 */
void
tally_row_values(const RankTable *rt, const RankedPlayer *p, Datum *values, bool *nulls)
{
	const PoolPlace *pp = rt->pools != NULL ? &rt->pools[p - rt->players] : NULL;
	int32		fixed_rank;

	memset(nulls, 0, sizeof(bool) * TALLY_COLUMNS);
	values[0] = Int64GetDatum(rt->t->id);
	values[1] = Int64GetDatum(p->player_id);
	values[2] = Int32GetDatum(p->wins);
	values[3] = Int32GetDatum(p->draws);
	values[4] = Int32GetDatum(p->losses);
	values[5] = NumericGetDatum(p->score_for);
	nulls[5] = p->score_for == NULL;
	values[6] = NumericGetDatum(p->score_against);
	nulls[6] = p->score_against == NULL;
	values[7] = Int32GetDatum(p->lost_round);
	values[8] = Int16GetDatum(p->mark);
	values[9] = BoolGetDatum(p->had_bye);
	values[10] = rt->t->format->rank_points(p, rt);
	values[11] = rt->t->format->rank_key(p, rt, &fixed_rank);
	values[12] = Int32GetDatum(fixed_rank);
	nulls[12] = fixed_rank == 0;
	for (int c = 13; c < TALLY_COLUMNS; c++)
		nulls[c] = pp == NULL || pp->pool == 0;
	if (pp == NULL || pp->pool == 0)
		return;
	values[13] = Int16GetDatum(pp->pool);
	values[14] = Int32GetDatum(pp->place);
	values[15] = Int32GetDatum(pp->played);
	values[16] = Int32GetDatum(pp->wins);
	values[17] = Int32GetDatum(pp->draws);
	values[18] = Int32GetDatum(pp->losses);
	values[19] = NumericGetDatum(pp->score_for);
	values[20] = NumericGetDatum(pp->score_against);
	values[21] = Int32GetDatum(pp->points);
}

/*
 * Every player's tallies row (the old ones removed by the caller), each
 * row's values in a context reset after it: a million rows' keys and
 * points would otherwise stay allocated until the call ends.
 */
void
tally_insert_rows(const RankTable *rt)
{
	BulkInsert *out = bulk_insert_begin("tallies", TALLY_COLUMNS, tally_columns);
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext, "tourney tally row",
												 ALLOCSET_SMALL_SIZES);

	for (int64 i = 0; i < rt->count; i++)
	{
		MemoryContext old = MemoryContextSwitchTo(rowcxt);
		Datum		values[TALLY_COLUMNS];
		bool		nulls[TALLY_COLUMNS];

		tally_row_values(rt, &rt->players[i], values, nulls);
		bulk_insert_add(out, values, nulls);
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowcxt);
	}
	bulk_insert_end(out);
	MemoryContextDelete(rowcxt);
}

/*
 * Count every player's tallies again from the results (after what changes
 * many at once: generation, corrections, simulation, a stage written from
 * the groups, a Swiss round's bye, enrolment).  Returns the rows written.
 */
int64
tally_rebuild(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	Tally		tally;
	int64		written;

	if (!t->schema_0_2)
		return 0;				/* a schema of 0.1 keeps no tallies */
	query_prepare(&plan, "DELETE FROM tourney.tallies WHERE tournament_id = $1", 1, argtypes);
	query_exec(plan, args, NULL, false, 0);
	tally_begin(&tally, t, false);
	(void) tally_rank(&tally, false);
	tally_insert_rows(&tally.rt);
	written = tally.rt.count;
	tally_end(&tally);
	return written;
}

/*
 * Write the rankings of a tournament whose results are all in; the caller
 * has locked it and removed its old rankings.  Returns the rows written.
 */
int64
tally_calculate(const Tournament *t)
{
	Tally		tally;
	int64		written;

	tally_begin(&tally, t, false);
	(void) tally_rank(&tally, false);
	tally_write(&tally);
	written = tally.rt.count;
	tally_end(&tally);
	return written;
}

static void
set_name(void *player, Datum value, bool isnull, void *arg)
{
	Tally	   *tally = arg;
	MemoryContext old = MemoryContextSwitchTo(tally->sums);

	tally->names[(RankedPlayer *) player - tally->rt.players] =
		isnull ? NULL : DatumGetTextPCopy(value);
	MemoryContextSwitchTo(old);
}

/* Provisional standings into the result tuplestore, in rank order. */
void
tally_standings(const Tournament *t, ReturnSetInfo *rsinfo)
{
	static PlayerColumn names = {"name", NULL, NULL};
	Tally		tally;
	RankTable  *rt = &tally.rt;
	RankedPlayer **order;
	MemoryContext rowcxt;

	tally_begin(&tally, t, true);
	tally.names = MemoryContextAllocExtended(tally.sums, sizeof(text *) * Max(rt->count, 1),
											 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	players_merge_enrolled(&names, rt->players, rt->count, sizeof(RankedPlayer), true,
						   set_name, &tally);
	order = tally_rank(&tally, true);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "tourney tally row",
								   ALLOCSET_SMALL_SIZES);
	for (int64 i = 0; i < rt->count; i++)
	{
		const RankedPlayer *p = order[i];
		MemoryContext old = MemoryContextSwitchTo(rowcxt);
		Datum		values[9];
		bool		nulls[9] = {false};

		values[0] = Int32GetDatum(p->rank);
		values[1] = Int64GetDatum(p->player_id);
		values[2] = PointerGetDatum(tally.names[p - rt->players]);
		nulls[2] = values[2] == (Datum) 0;
		values[3] = tally.format->rank_points(p, rt);
		values[4] = Int32GetDatum(p->wins);
		values[5] = Int32GetDatum(p->draws);
		values[6] = Int32GetDatum(p->losses);
		values[7] = NumericGetDatum(format_or_zero(rt, p->score_for));
		values[8] = NumericGetDatum(format_or_zero(rt, p->score_against));
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
