/*
 * standings.c: the tallies that standings and group_tables read, kept
 * current by result entry in the result's own transaction.
 *
 * A result changes the rows of its players only, and of the players whose
 * rank key depends on theirs: in a Swiss the opponents of both (their
 * Buchholz and Sonneborn-Berger count the points of who they met), in a
 * group stage the whole group (its table's places move).  Those rows are
 * read under their row locks (in player_id order, so that two results
 * never wait for each other in a cycle), brought up to date in memory by
 * the same routines that tally a whole tournament (the format's
 * rank_session, rank_prepare, rank_opponent and rank_key) and written
 * back by TID.  Two results of different sessions with different players
 * touch different rows and do not wait for each other.  What changes many
 * players at once (generation with groups or byes, corrections,
 * simulate_results, the knockout written from the groups, a Swiss round
 * with a bye) counts every tally again instead (tally_rebuild).
 */
#include "tourney/lifecycle.h"

#include "access/detoast.h"
#include "executor/tuptable.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

/* Tallies rows read for an update: players by id, with where they are. */
typedef struct TallyRows
{
	RankTable	rt;
	PoolPlace  *pools;
	ItemPointerData *tids;
	bool	   *write;			/* by player: the row is to be written back */
} TallyRows;

/* The columns of a tallies row that result entry reads, in TallyColumn order. */
static const char *const read_columns[] = {
	"player_id", "wins", "draws", "losses", "score_for", "score_against", "lost_round", "mark",
	"had_bye", "pool", "pool_place", "pool_played", "pool_wins", "pool_draws", "pool_losses",
	"pool_score_for", "pool_score_against", "pool_points"
};

typedef enum TallyColumn
{
	TC_PLAYER, TC_WINS, TC_DRAWS, TC_LOSSES, TC_SCORE_FOR, TC_SCORE_AGAINST, TC_LOST_ROUND,
	TC_MARK, TC_HAD_BYE, TC_POOL, TC_POOL_PLACE, TC_POOL_PLAYED, TC_POOL_WINS, TC_POOL_DRAWS,
	TC_POOL_LOSSES, TC_POOL_SCORE_FOR, TC_POOL_SCORE_AGAINST, TC_POOL_POINTS, TC_COUNT
} TallyColumn;

StaticAssertDecl(lengthof(read_columns) == TC_COUNT, "one name per tallies column read");

/* A locked tallies row's columns, by TallyColumn (keyscan_columns). */
typedef struct TallyRead
{
	Datum		values[TC_COUNT];
	bool		nulls[TC_COUNT];
} TallyRead;

static Numeric
numeric_column(const TallyRead *row, TallyColumn c, Numeric none)
{
	return row->nulls[c] ? none : DatumGetNumericCopy(row->values[c]);
}

/* One locked tallies row into the table, at index i. */
static void
read_row(TallyRows *r, int64 i, const TallyRead *row)
{
	RankedPlayer *p = &r->rt.players[i];
	PoolPlace  *pp = &r->pools[i];

	memset(p, 0, sizeof(*p));
	p->player_id = DatumGetInt64(row->values[TC_PLAYER]);
	p->wins = DatumGetInt32(row->values[TC_WINS]);
	p->draws = DatumGetInt32(row->values[TC_DRAWS]);
	p->losses = DatumGetInt32(row->values[TC_LOSSES]);
	p->score_for = numeric_column(row, TC_SCORE_FOR, NULL);
	p->score_against = numeric_column(row, TC_SCORE_AGAINST, NULL);
	p->lost_round = DatumGetInt32(row->values[TC_LOST_ROUND]);
	p->mark = (int8) DatumGetInt16(row->values[TC_MARK]);
	p->had_bye = DatumGetBool(row->values[TC_HAD_BYE]);
	memset(pp, 0, sizeof(*pp));
	pp->player_id = p->player_id;
	pp->pool = DatumGetInt16(row->values[TC_POOL]);
	pp->place = DatumGetInt32(row->values[TC_POOL_PLACE]);
	pp->played = DatumGetInt32(row->values[TC_POOL_PLAYED]);
	pp->wins = DatumGetInt32(row->values[TC_POOL_WINS]);
	pp->draws = DatumGetInt32(row->values[TC_POOL_DRAWS]);
	pp->losses = DatumGetInt32(row->values[TC_POOL_LOSSES]);
	pp->score_for = numeric_column(row, TC_POOL_SCORE_FOR, r->rt.zero);
	pp->score_against = numeric_column(row, TC_POOL_SCORE_AGAINST, r->rt.zero);
	pp->points = DatumGetInt32(row->values[TC_POOL_POINTS]);
	pp->difference = numeric_sub_opt_error(pp->score_for, pp->score_against, NULL);
}

/*
 * The tallies rows of these players (bigint[]), each locked FOR UPDATE in
 * player_id order (so that two results never wait for each other in a
 * cycle), read by key.
 */
static void
load_rows(const Tournament *t, Datum players, TallyRows *r)
{
	static ColumnMap map;
	int			n;
	int			distinct;
	int64	   *given = query_int8_values(DatumGetArrayTypeP(players), "players", &n);
	int64	   *ids = tourney_sorted_ids(given, n, &distinct);
	Datum		keys[2] = {Int64GetDatum(t->id), Int64GetDatum(distinct > 0 ? ids[0] : 0)};
	KeyScan    *ks = keyscan_begin("tallies", "tallies_pkey", 2, keys);

	memset(r, 0, sizeof(*r));
	r->rt.t = t;
	r->rt.zero = int64_to_numeric(0);
	r->rt.players = palloc0(sizeof(RankedPlayer) * Max(distinct, 1));
	r->pools = palloc0(sizeof(PoolPlace) * Max(distinct, 1));
	r->tids = palloc(sizeof(ItemPointerData) * Max(distinct, 1));
	r->write = palloc0(sizeof(bool) * Max(distinct, 1));
	for (int i = 0; i < distinct; i++)
	{
		TupleTableSlot *row;
		TallyRead	read;

		if (i > 0)
		{
			keys[1] = Int64GetDatum(ids[i]);
			keyscan_rescan(ks, keys);
		}
		if (keyscan_next(ks) == NULL || (row = keyscan_lock(ks, LockTupleExclusive)) == NULL)
			continue;
		keyscan_columns(row, &map, TC_COUNT, read_columns, read.values, read.nulls);
		read_row(r, r->rt.count, &read);
		r->tids[r->rt.count++] = row->tts_tid;
	}
	keyscan_end(ks);
	r->rt.pools = t->format->has_pools ? r->pools : NULL;
}

static int64
index_of(const TallyRows *r, int64 player_id)
{
	for (int64 i = 0; i < r->rt.count; i++)
		if (r->rt.players[i].player_id == player_id)
			return i;
	elog(ERROR, "player " INT64_FORMAT " of tournament " INT64_FORMAT " has no tallies",
		 player_id, r->rt.t->id);
	return -1;
}

static Numeric
plus(Numeric sum, Datum score)
{
	return sum == NULL ? DatumGetNumericCopy(score) :
		numeric_add_opt_error(sum, DatumGetNumeric(score), NULL);
}

/*
 * One result added to its players (scores NULL: a walkover), as tally.c
 * adds it: wins, draws and losses of two-player sessions, the score sums,
 * and what the format marks (rank_session).
 */
static void
add_result(TallyRows *r, const RankSession *rs, const Datum *scores)
{
	for (int i = 0; i < rs->n; i++)
	{
		RankedPlayer *p = &r->rt.players[rs->players[i]];

		r->write[rs->players[i]] = true;
		if (scores != NULL)
			p->score_for = plus(p->score_for, scores[i]);
		if (rs->n == 2 && scores != NULL)
			p->score_against = plus(p->score_against, scores[1 - i]);
		tally_count_record(&r->rt, rs, i);
	}
	if (r->rt.t->format->rank_session != NULL)
		r->rt.t->format->rank_session(&r->rt, rs);
}

/* The group of a group-stage result again: its table and places (pools.c). */
static void
take_pool_table(PoolTable *pt, void *arg)
{
	TallyRows  *r = arg;

	for (int32 m = 0; m < pt->nmembers; m++)
	{
		const PoolMember *pm = &pt->members[m];
		int64		i = index_of(r, pm->player_id);
		PoolPlace  *pp = &r->pools[i];

		pp->pool = pt->pool;
		pp->place = pm->place;
		pp->points = pm->points;
		pp->played = pm->played;
		pp->wins = pm->wins;
		pp->draws = pm->draws;
		pp->losses = pm->losses;
		pp->score_for = DatumGetNumericCopy(NumericGetDatum(pm->score_for));
		pp->score_against = DatumGetNumericCopy(NumericGetDatum(pm->score_against));
		pp->difference = DatumGetNumericCopy(NumericGetDatum(pm->difference));
		r->write[i] = true;
	}
}

/* Who a player met, and how it went: the Swiss tie-breaks of the players to write. */
static void
swiss_opponents(TallyRows *r, Datum players)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT8ARRAYOID};
	Datum		args[2] = {Int64GetDatum(r->rt.t->id), players};

	query_prepare(&plan,
				  "SELECT me.player_id, op.player_id, me.placement, op.placement"
				  " FROM tourney.session_participants me"
				  " JOIN tourney.session_participants op ON op.tournament_id = me.tournament_id"
				  "  AND op.session_id = me.session_id AND op.slot <> me.slot"
				  " JOIN tourney.sessions s ON s.tournament_id = me.tournament_id"
				  "  AND s.session_id = me.session_id AND s.result_submitted"
				  " WHERE me.tournament_id = $1 AND me.player_id = ANY ($2)"
				  " ORDER BY me.session_id, me.slot",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 0);
	for (uint64 k = 0; k < SPI_processed; k++)
	{
		HeapTuple	row = SPI_tuptable->vals[k];
		int32		mine = query_int4(row, SPI_tuptable->tupdesc, 3);
		int32		theirs = query_int4(row, SPI_tuptable->tupdesc, 4);
		int64		me = index_of(r, query_int8(row, SPI_tuptable->tupdesc, 1));

		if (!r->write[me] || mine == 0 || theirs == 0)
			continue;
		r->rt.t->format->rank_opponent(&r->rt, me,
									   index_of(r, query_int8(row, SPI_tuptable->tupdesc, 2)),
									   mine < theirs ? RANK_WIN :
									   mine == theirs ? RANK_DRAW : RANK_LOSS);
	}
}

/* The rows marked to write, back where they were read. */
static void
write_rows(TallyRows *r)
{
	TidUpdate  *u = tid_update_begin("tallies", TALLY_COLUMNS - 2, tally_columns + 2);

	tid_update_keep_checks(u);
	for (int64 i = 0; i < r->rt.count; i++)
	{
		Datum		values[TALLY_COLUMNS];
		bool		nulls[TALLY_COLUMNS];

		if (!r->write[i])
			continue;
		tally_row_values(&r->rt, &r->rt.players[i], values, nulls);
		tid_update_row(u, &r->tids[i], values + 2, nulls + 2);
	}
	tid_update_end(u);
}

/*
 * The players whose rows a result of these players changes: its own, its
 * group's, or in a Swiss its own and its opponents' (their tie-breaks);
 * into *written.  Returned: those and, in a Swiss, the opponents of the
 * opponents too, whose points the tie-breaks count.
 */
static Datum
players_to_read(const Tournament *t, TourneyStage stage, int n, const int64 *player_ids,
				Datum *written)
{
	static SPIPlanPtr plan_pool = NULL;
	static SPIPlanPtr plan_swiss = NULL;
	Oid			argtypes[2] = {INT8OID, INT8ARRAYOID};
	Datum		args[2] = {Int64GetDatum(t->id), query_int8_array(player_ids, n)};
	bool		isnull;

	*written = args[1];
	if (t->format->has_pools && stage == STAGE_GROUP)
	{
		query_prepare(&plan_pool,
					  "SELECT array_agg(m.player_id) FROM tourney.tallies m"
					  " WHERE m.tournament_id = $1 AND m.pool = (SELECT y.pool FROM tourney.tallies y"
					  "  WHERE y.tournament_id = $1 AND y.player_id = ($2)[1])",
					  2, argtypes);
		query_exec(plan_pool, args, NULL, false, 1);
		*written = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
												   1, &isnull), false, -1);
		return *written;
	}
	if (t->format->rank_opponent == NULL)
		return args[1];
	query_prepare(&plan_swiss,
				  "WITH RECURSIVE met(player_id, depth) AS ("
				  " SELECT unnest($2), 0"
				  " UNION"
				  " SELECT op.player_id, m.depth + 1 FROM met m"
				  " JOIN tourney.session_participants me ON me.tournament_id = $1"
				  "  AND me.player_id = m.player_id"
				  " JOIN tourney.session_participants op ON op.tournament_id = $1"
				  "  AND op.session_id = me.session_id AND op.slot <> me.slot"
				  " WHERE m.depth < 2)"
				  " SELECT array_agg(DISTINCT player_id),"
				  " array_agg(DISTINCT player_id) FILTER (WHERE depth <= 1) FROM met",
				  2, argtypes);
	query_exec(plan_swiss, args, NULL, false, 1);
	*written = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
											   &isnull), false, -1);
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
										   &isnull), false, -1);
}

/* Mark the rows of the players (bigint[]) to be written. */
static void
mark_written(TallyRows *r, Datum players)
{
	int			n;
	int64	   *ids = query_int8_values(DatumGetArrayTypeP(players), "players", &n);

	for (int i = 0; i < n; i++)
		r->write[index_of(r, ids[i])] = true;
}

/*
 * After one result (scores NULL: a walkover) of a session of the
 * players given (in slot order), with its placements: their tallies, and
 * those that depend on them, brought up to date.
 */
void
standings_after_result(const Tournament *t, TourneyStage stage, int32 round, int n,
					   const int64 *player_ids, const Datum *scores, const int32 *placements)
{
	TallyRows	r;
	RankSession rs;
	Datum		written;

	if (!t->schema_0_2 || n == 0)
		return;
	load_rows(t, players_to_read(t, stage, n, player_ids, &written), &r);
	mark_written(&r, written);
	/* only the ladders (knockout, double elimination) rank by the field's size */
	r.rt.field = t->format->ranks_from_prepare ? progress_players(t) : r.rt.count;
	r.rt.later_stage = t->format->has_pools && stage != STAGE_GROUP;
	memset(&rs, 0, sizeof(rs));
	rs.stage = stage;
	rs.round = round;
	rs.n = n;
	for (int i = 0; i < n; i++)
	{
		rs.players[i] = index_of(&r, player_ids[i]);
		rs.placements[i] = placements[i];
	}
	add_result(&r, &rs, scores);
	if (t->format->has_pools && stage == STAGE_GROUP)
		pools_scan_pool(t, r.pools[rs.players[0]].pool, take_pool_table, &r);
	if (t->format->rank_prepare != NULL)
		t->format->rank_prepare(&r.rt);
	if (t->format->rank_opponent != NULL)
		swiss_opponents(&r, written);
	write_rows(&r);
}

/* New players (bigint[]) of a draft tournament: rows with nothing played yet. */
void
standings_enrolled(const Tournament *t, const int64 *player_ids, int n)
{
	RankTable	rt;
	RankedPlayer *players;
	PoolPlace  *pools = NULL;

	if (!t->schema_0_2 || n == 0)
		return;
	players = palloc0(sizeof(RankedPlayer) * n);
	memset(&rt, 0, sizeof(rt));
	rt.t = t;
	rt.players = players;
	rt.count = n;
	rt.field = n;
	rt.zero = int64_to_numeric(0);
	for (int i = 0; i < n; i++)
		players[i].player_id = player_ids[i];
	/* the group places only where there are groups (a million of them: 64 MB) */
	if (t->format->has_pools)
	{
		pools = palloc0(sizeof(PoolPlace) * n);
		for (int i = 0; i < n; i++)
		{
			pools[i].player_id = player_ids[i];
			pools[i].difference = pools[i].score_for = pools[i].score_against = rt.zero;
		}
		rt.pools = pools;
	}
	if (t->format->rank_prepare != NULL)
		t->format->rank_prepare(&rt);
	tally_insert_rows(&rt);
	pfree(players);
	if (pools != NULL)
		pfree(pools);
}

/*
 * The first top rows of standings(tournament_id) where row security does
 * not apply: the policies of tallies or players are a query's to apply.
 * The plan is made once per backend and read to its LIMIT, in the caller's
 * snapshot and with the caller's rights.
 */
static void
standings_top_by_query(int64 tournament_id, int32 top, ReturnSetInfo *rsinfo)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT8OID};
	Datum		args[2] = {Int64GetDatum(tournament_id), Int64GetDatum((int64) top)};

	query_prepare(&plan, "SELECT * FROM tourney.standings($1) LIMIT $2", 2, argtypes);
	query_exec(plan, args, NULL, true, 0);
	for (uint64 i = 0; i < SPI_processed; i++)
		tuplestore_puttuple(rsinfo->setResult, SPI_tuptable->vals[i]);
}

/* The columns standings reads, each table's key first. */
static const char *const top_tally_columns[] = {
	"tournament_id", "rank_key", "player_id", "fixed_rank", "points", "wins", "draws",
	"losses", "score_for", "score_against"
};
static const char *const top_player_columns[] = {"player_id", "name"};

/* Their attribute numbers. */
typedef struct TopColumns
{
	const AttrNumber *tally;	/* by top_tally_columns */
	AttrNumber	name;
} TopColumns;

static TopColumns
top_columns(Oid tallies, Oid players)
{
	static ColumnMap tally_map;
	static ColumnMap player_map;
	TopColumns	cols;

	cols.tally = query_column_map(&tally_map, tallies, lengthof(top_tally_columns),
								  top_tally_columns);
	cols.name = query_column_map(&player_map, players, lengthof(top_player_columns),
								 top_player_columns)[1];
	return cols;
}

/* A column of the row as the tuplestore may keep it: never a TOAST pointer. */
static Datum
top_value(TupleTableSlot *row, AttrNumber attnum, bool *isnull)
{
	Datum		value = slot_getattr(row, attnum, isnull);

	if (!*isnull && VARATT_IS_EXTERNAL(DatumGetPointer(value)))
		value = PointerGetDatum(detoast_external_attr((struct varlena *) DatumGetPointer(value)));
	return value;
}

/*
 * One row of standings from a tallies row and its player's: the rank is
 * the row's fixed_rank where the format sets one, else the one given.
 */
static void
top_put_row(TupleTableSlot *tally, TupleTableSlot *player, const TopColumns *cols,
			int32 rank, Datum zero, ReturnSetInfo *rsinfo)
{
	Datum		values[9];
	bool		nulls[9] = {false};
	bool		isnull;

	values[0] = slot_getattr(tally, cols->tally[3], &isnull);
	if (isnull)
		values[0] = Int32GetDatum(rank);
	values[1] = slot_getattr(tally, cols->tally[2], &nulls[1]);
	values[2] = top_value(player, cols->name, &nulls[2]);
	values[3] = top_value(tally, cols->tally[4], &nulls[3]);
	for (int i = 4; i < 7; i++)
		values[i] = slot_getattr(tally, cols->tally[i + 1], &nulls[i]);
	for (int i = 7; i < 9; i++)
	{
		values[i] = top_value(tally, cols->tally[i + 1], &isnull);
		if (isnull)
			values[i] = zero;
	}
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * The same rows read straight from the rank index, without a query (whose
 * executor start costs more than twenty rows): the tallies in index order,
 * each joined to its player's name by one probe of players' key.  The rank
 * is the query's, COALESCE(fixed_rank, rank() OVER (ORDER BY rank_key)):
 * a row ranks one after the rows before it, or with the first of them
 * whose key is equal (btarraycmp, the index's own order); a row whose
 * player the snapshot does not show is skipped, as the join skips it.
 * lifecycle/standings.sql checks these rows against standings(t) after
 * every call of its random sequences.
 */
static void
standings_top_by_index(int64 tournament_id, int32 top, const TopColumns *cols,
					   ReturnSetInfo *rsinfo)
{
	Snapshot	snapshot = GetActiveSnapshot();
	Datum		key = Int64GetDatum(tournament_id);
	KeyScan    *tallies = keyscan_begin_snapshot("tallies", "tallies_rank_idx", 1, &key, snapshot);
	KeyScan    *names = NULL;
	MemoryContext outer = CurrentMemoryContext;
	MemoryContext row_cxt = AllocSetContextCreate(outer, "standings row", ALLOCSET_SMALL_SIZES);
	MemoryContext peer_cxt = AllocSetContextCreate(outer, "standings peer key", ALLOCSET_SMALL_SIZES);
	Datum		zero = NumericGetDatum(int64_to_numeric(0));
	FmgrInfo	key_cmp;
	Datum		peer_key = (Datum) 0;
	int32		peer_rank = 0;
	int32		emitted = 0;
	TupleTableSlot *row;

	fmgr_info(F_BTARRAYCMP, &key_cmp);
	while (emitted < top && (row = keyscan_next(tallies)) != NULL)
	{
		bool		isnull;
		Datum		rank_key = slot_getattr(row, cols->tally[1], &isnull);
		Datum		player_id = slot_getattr(row, cols->tally[2], &isnull);
		TupleTableSlot *player;

		CHECK_FOR_INTERRUPTS();
		if (names == NULL)
			names = keyscan_begin_snapshot("players", "players_pkey", 1, &player_id, snapshot);
		else
			keyscan_rescan(names, &player_id);
		player = keyscan_next(names);
		if (player == NULL)
			continue;
		if (emitted == 0 ||
			DatumGetInt32(FunctionCall2Coll(&key_cmp, InvalidOid, peer_key, rank_key)) != 0)
		{
			MemoryContextReset(peer_cxt);
			MemoryContextSwitchTo(peer_cxt);
			peer_key = datumCopy(rank_key, false, -1);
			peer_rank = emitted + 1;
		}
		MemoryContextSwitchTo(row_cxt);
		top_put_row(row, player, cols, peer_rank, zero, rsinfo);
		MemoryContextSwitchTo(outer);
		MemoryContextReset(row_cxt);
		emitted++;
	}
	if (names != NULL)
		keyscan_end(names);
	keyscan_end(tallies);
	MemoryContextDelete(peer_cxt);
	MemoryContextDelete(row_cxt);
}

/*
 * The first top rows of standings(tournament_id), for a live board behind
 * a transaction pool: a query that names the inlined SQL function is
 * parsed, inlined and planned on every call where nothing keeps its plan
 * (the simple protocol, or a pool that cannot keep prepared statements),
 * which costs several times the read of its rows.  The rights a query
 * would need are checked first, LIMIT 0 included.
 */
void
standings_top(int64 tournament_id, int32 top, ReturnSetInfo *rsinfo)
{
	Oid			tallies = query_require_select("tallies", lengthof(top_tally_columns),
											   top_tally_columns);
	Oid			players = query_require_select("players", lengthof(top_player_columns),
											   top_player_columns);

	tournament_require_visible(tournament_id);
	if (top == 0)
		return;
	if (check_enable_rls(tallies, InvalidOid, false) == RLS_ENABLED ||
		check_enable_rls(players, InvalidOid, false) == RLS_ENABLED)
		standings_top_by_query(tournament_id, top, rsinfo);
	else
	{
		TopColumns	cols = top_columns(tallies, players);

		standings_top_by_index(tournament_id, top, &cols, rsinfo);
	}
}
