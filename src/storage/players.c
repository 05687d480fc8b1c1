/*
 * players.c: a column (or a few) of tourney.players merged into an array
 * of players in ascending player_id order, without an index probe per
 * player.
 */
#include "tourney/storage.h"

/* Reading players rows into the array, both in player_id order. */
typedef struct PlayerMerge
{
	char	   *base;
	int64		count;
	size_t		size;
	int64		next;			/* merge position */
	int64		matched;
	PlayerValueFn fn;			/* the column's value, or */
	PlayerRowFn row_fn;			/* the row (several columns) */
	void	   *arg;
} PlayerMerge;

static void
merge_player_row(HeapTuple row, TupleDesc desc, void *arg)
{
	PlayerMerge *m = arg;
	bool		isnull;
	int64		player_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
	Datum		value;

	while (m->next < m->count && *(int64 *) (m->base + m->next * m->size) < player_id)
		m->next++;
	if (m->next == m->count || *(int64 *) (m->base + m->next * m->size) != player_id)
		return;
	if (m->row_fn != NULL)
		m->row_fn(m->base + m->next * m->size, row, desc, m->arg);
	else
	{
		value = SPI_getbinval(row, desc, 2, &isnull);
		m->fn(m->base + m->next * m->size, value, isnull, m->arg);
	}
	m->next++;
	m->matched++;
}

/*
 * The players of m in player_id order, by id range when their ids are
 * mostly contiguous (players created together), else by id list; either
 * way no player costs an index probe of its own.  Returns how many exist.
 */
static int64
merge_players(PlayerColumn *pc, PlayerMerge m, bool read_only)
{
	Oid			range_types[2] = {INT8OID, INT8OID};
	Oid			listed_types[1] = {INT8ARRAYOID};
	Datum		args[2];
	int64		first;
	int64		last;
	bool		by_range;
	SPIPlanPtr	plan;

	if (m.count == 0)
		return 0;
	first = *(int64 *) m.base;
	last = *(int64 *) (m.base + (m.count - 1) * m.size);
	by_range = (uint64) last - (uint64) first < 2 * (uint64) m.count;	/* no signed overflow */
	if (by_range)
	{
		args[0] = Int64GetDatum(first);
		args[1] = Int64GetDatum(last);
	}
	else
	{
		int64	   *ids = palloc_extended(sizeof(int64) * m.count, MCXT_ALLOC_HUGE);

		for (int64 i = 0; i < m.count; i++)
			ids[i] = *(int64 *) (m.base + i * m.size);
		args[0] = query_int8_array(ids, (int) m.count);
		pfree(ids);
	}
	plan = query_prepare(by_range ? &pc->range : &pc->listed,
						 psprintf("SELECT player_id, %s FROM tourney.players"
								 " WHERE %s ORDER BY player_id", pc->column,
								 by_range ? "player_id BETWEEN $1 AND $2" : "player_id = ANY ($1)"),
						 by_range ? 2 : 1, by_range ? range_types : listed_types);
	query_scan(plan, args, read_only, merge_player_row, NULL, &m);
	return m.matched;
}

/*
 * Call fn with each listed player's column value (valid during the call)
 * and return how many of them exist.
 */
int64
players_merge(PlayerColumn *pc, void *base, int64 count, size_t size,
			  bool read_only, PlayerValueFn fn, void *arg)
{
	PlayerMerge m = {base, count, size, 0, 0, fn, NULL, arg};

	return merge_players(pc, m, read_only);
}

/* enrolled players cannot be deleted (see the schema's trigger) */
static void
require_all(int64 count, int64 matched)
{
	if (matched != count)
		elog(ERROR, INT64_FORMAT " enrolled players have no players row", count - matched);
}

/* The same for players that must exist: tourney's enrolled players. */
void
players_merge_enrolled(PlayerColumn *pc, void *base, int64 count, size_t size,
					   bool read_only, PlayerValueFn fn, void *arg)
{
	require_all(count, players_merge(pc, base, count, size, read_only, fn, arg));
}

/*
 * The same with several columns (pc->column a list of them): fn gets each
 * player's row, whose first column is player_id.
 */
void
players_merge_enrolled_rows(PlayerColumn *pc, void *base, int64 count, size_t size,
							bool read_only, PlayerRowFn fn, void *arg)
{
	PlayerMerge m = {base, count, size, 0, 0, NULL, fn, arg};

	require_all(count, merge_players(pc, m, read_only));
}
