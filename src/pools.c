/*
 * pools.c: the group tables of a tournament whose players play in groups
 * (enrollments.pool, sessions.pool).  Each group's members and results are
 * gathered a group at a time, tallied, and ordered by the format
 * (groups_order_pool), so memory holds the field once and one group's
 * results.  group_tables, the knockout after the groups (rounds.c) and
 * ranking (tally.c) all read them here.
 */
#include "tourney/lifecycle.h"

#include "utils/memutils.h"

/* A member of the field: its group and seed. */
typedef struct FieldMember
{
	int64		player_id;
	int32		seed;
	int16		pool;
} FieldMember;

typedef struct PoolScan
{
	const Tournament *t;
	int16		only;			/* the group to scan; 0: every group */
	bool		read_only;
	PoolTableFn fn;
	void	   *arg;
	FieldMember *members;		/* by (pool, player_id) */
	int64		nmembers;
	int64		allocated;
	int64		next;			/* first member of the next group to do */
	Numeric		zero;
	MemoryContext pool_cxt;		/* the group at hand */
	PoolTable	pt;
	int64		results_allocated;
	int64		session_id;		/* of the result being read */
	int			nparts;
	int32		parts[2];
	Numeric		scores[2];
	int32		placements[2];
} PoolScan;

typedef struct SeedOf
{
	int64		player_id;
	int32		seed;
} SeedOf;

static int
seed_of_cmp(const void *a, const void *b)
{
	int64		x = ((const SeedOf *) a)->player_id;
	int64		y = ((const SeedOf *) b)->player_id;

	return (x > y) - (x < y);
}

static void
add_member(HeapTuple row, TupleDesc desc, void *arg)
{
	PoolScan   *ps = arg;
	FieldMember *m;
	bool		isnull;
	Datum		pool = SPI_getbinval(row, desc, 1, &isnull);

	if (isnull)
		return;					/* not drawn into a group yet */
	ps->members = tourney_grow(ps->members, ps->nmembers, &ps->allocated, sizeof(FieldMember));
	m = &ps->members[ps->nmembers++];
	m->pool = DatumGetInt16(pool);
	m->player_id = DatumGetInt64(SPI_getbinval(row, desc, 2, &isnull));
	m->seed = 0;
}

/* The drawn players by (pool, player_id), with their seeds in the field. */
static void
load_members(PoolScan *ps)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT2OID};
	Datum		args[2] = {Int64GetDatum(ps->t->id), Int16GetDatum(ps->only)};
	int32		count;
	SeededPlayer *seeded = field_seeded_players(ps->t->id, &count);
	SeedOf	   *by_id = palloc(sizeof(SeedOf) * Max(count, 1));

	query_prepare(&plan,
				  "SELECT pool, player_id FROM tourney.enrollments WHERE tournament_id = $1"
				  " AND ($2 = 0 OR pool = $2) ORDER BY pool, player_id",
				  2, argtypes);
	query_scan(plan, args, ps->read_only, add_member, NULL, ps);
	for (int32 i = 0; i < count; i++)
	{
		by_id[i].player_id = seeded[i].player_id;
		by_id[i].seed = i + 1;
	}
	qsort(by_id, count, sizeof(SeedOf), seed_of_cmp);
	for (int64 i = 0; i < ps->nmembers; i++)
	{
		SeedOf		key = {ps->members[i].player_id, 0};
		SeedOf	   *found = bsearch(&key, by_id, count, sizeof(SeedOf), seed_of_cmp);

		if (found != NULL)
			ps->members[i].seed = found->seed;
	}
	pfree(by_id);
	pfree(seeded);
}

/* Start the table of the group of members[next]. */
static void
pool_begin(PoolScan *ps)
{
	int16		pool = ps->members[ps->next].pool;
	int64		end = ps->next;
	MemoryContext old = MemoryContextSwitchTo(ps->pool_cxt);

	while (end < ps->nmembers && ps->members[end].pool == pool)
		end++;
	ps->pt.pool = pool;
	ps->pt.nmembers = (int32) (end - ps->next);
	ps->pt.members = palloc0(sizeof(PoolMember) * ps->pt.nmembers);
	for (int32 i = 0; i < ps->pt.nmembers; i++)
	{
		PoolMember *m = &ps->pt.members[i];

		m->player_id = ps->members[ps->next + i].player_id;
		m->seed = ps->members[ps->next + i].seed;
		m->score_for = ps->zero;
		m->score_against = ps->zero;
		m->difference = ps->zero;
	}
	ps->pt.results = NULL;
	ps->pt.nresults = 0;
	ps->results_allocated = 0;
	ps->next = end;
	MemoryContextSwitchTo(old);
}

/* Tally the group's results, order it, hand it on. */
static void
pool_end(PoolScan *ps)
{
	PoolTable  *pt = &ps->pt;
	MemoryContext old = MemoryContextSwitchTo(ps->pool_cxt);

	for (int32 i = 0; i < pt->nresults; i++)
	{
		const PoolResult *r = &pt->results[i];
		PoolMember *a = &pt->members[r->a];
		PoolMember *b = &pt->members[r->b];

		a->played++;
		b->played++;
		a->wins += r->outcome > 0;
		b->wins += r->outcome < 0;
		a->draws += r->outcome == 0;
		b->draws += r->outcome == 0;
		a->losses += r->outcome < 0;
		b->losses += r->outcome > 0;
		a->score_for = numeric_add_opt_error(a->score_for, r->score_a, NULL);
		a->score_against = numeric_add_opt_error(a->score_against, r->score_b, NULL);
		b->score_for = numeric_add_opt_error(b->score_for, r->score_b, NULL);
		b->score_against = numeric_add_opt_error(b->score_against, r->score_a, NULL);
	}
	for (int32 i = 0; i < pt->nmembers; i++)
	{
		PoolMember *m = &pt->members[i];

		m->points = 3 * m->wins + m->draws;
		m->difference = numeric_sub_opt_error(m->score_for, m->score_against, NULL);
	}
	pt->complete = pt->nresults ==
		(int64) pt->nmembers * (pt->nmembers - 1) / 2 * ps->t->number_of_rounds;
	groups_order_pool(pt, ps->t->group_tiebreak);
	MemoryContextSwitchTo(old);
	ps->fn(pt, ps->arg);
	MemoryContextReset(ps->pool_cxt);
	CHECK_FOR_INTERRUPTS();
}

/* Every group before pool (exclusive) done; the group of pool begun. */
static void
pools_up_to(PoolScan *ps, int16 pool)
{
	while (ps->pt.members != NULL && ps->pt.pool < pool)
	{
		pool_end(ps);
		ps->pt.members = NULL;
		if (ps->next < ps->nmembers)
			pool_begin(ps);
	}
}

static int32
member_index(const PoolTable *pt, int64 player_id)
{
	int32		lo = 0;
	int32		hi = pt->nmembers - 1;

	while (lo <= hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (pt->members[mid].player_id == player_id)
			return mid;
		if (pt->members[mid].player_id < player_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	elog(ERROR, "player " INT64_FORMAT " plays in group %d without being drawn into it",
		 player_id, pt->pool);
	pg_unreachable();
}

/* The result collected so far into the group's list. */
static void
result_end(PoolScan *ps)
{
	PoolResult *r;
	MemoryContext old;

	if (ps->nparts != 2)
		return;
	old = MemoryContextSwitchTo(ps->pool_cxt);
	ps->pt.results = tourney_grow(ps->pt.results, ps->pt.nresults, &ps->results_allocated,
								  sizeof(PoolResult));
	r = &ps->pt.results[ps->pt.nresults++];
	r->a = ps->parts[0];
	r->b = ps->parts[1];
	r->score_a = ps->scores[0];
	r->score_b = ps->scores[1];
	r->outcome = ps->placements[0] < ps->placements[1] ? 1 :
		ps->placements[0] == ps->placements[1] ? 0 : -1;
	MemoryContextSwitchTo(old);
}

static void
add_result_row(HeapTuple row, TupleDesc desc, void *arg)
{
	PoolScan   *ps = arg;
	bool		isnull;
	MemoryContext old;
	int16		pool = DatumGetInt16(SPI_getbinval(row, desc, 1, &isnull));
	int64		session_id = DatumGetInt64(SPI_getbinval(row, desc, 2, &isnull));
	Datum		score;

	if (session_id != ps->session_id)
	{
		result_end(ps);
		ps->session_id = session_id;
		ps->nparts = 0;
		pools_up_to(ps, pool);
		if (ps->pt.members == NULL || ps->pt.pool != pool)
			elog(ERROR, "session " INT64_FORMAT " is in group %d, which has no players",
				 session_id, pool);
	}
	if (ps->nparts == 2)
		elog(ERROR, "session " INT64_FORMAT " has more than two participants", session_id);
	ps->parts[ps->nparts] = member_index(&ps->pt, DatumGetInt64(SPI_getbinval(row, desc, 3, &isnull)));
	/* kept with the group: the row goes with its batch */
	old = MemoryContextSwitchTo(ps->pool_cxt);
	score = SPI_getbinval(row, desc, 4, &isnull);
	/* a walkover has no scores to count */
	ps->scores[ps->nparts] = isnull ? ps->zero : DatumGetNumericCopy(score);
	MemoryContextSwitchTo(old);
	ps->placements[ps->nparts] = DatumGetInt32(SPI_getbinval(row, desc, 5, &isnull));
	ps->nparts++;
}

/*
 * Hand every group's table to fn, in group order: members with their
 * record and place, and the group's results.  What fn keeps it copies:
 * the table is freed after the call.
 */
static void
scan_pools(const Tournament *t, int16 only, bool read_only, PoolTableFn fn, void *arg)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT2OID};
	Datum		args[2] = {Int64GetDatum(t->id), Int16GetDatum(only)};
	PoolScan	ps;

	memset(&ps, 0, sizeof(ps));
	ps.t = t;
	ps.only = only;
	ps.read_only = read_only;
	ps.fn = fn;
	ps.arg = arg;
	ps.zero = int64_to_numeric(0);
	load_members(&ps);
	if (ps.nmembers == 0)
		return;
	ps.pool_cxt = AllocSetContextCreate(CurrentMemoryContext, "tourney group table",
										ALLOCSET_DEFAULT_SIZES);
	pool_begin(&ps);
	query_prepare(&plan,
				  "SELECT s.pool, s.session_id, p.player_id, p.score, p.placement"
				  " FROM tourney.sessions s JOIN tourney.session_participants p"
				  " ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id"
				  " WHERE s.tournament_id = $1 AND p.tournament_id = $1"
				  " AND s.stage = 'group' AND s.result_submitted AND ($2 = 0 OR s.pool = $2)"
				  " ORDER BY s.pool, s.session_id, p.slot",
				  2, argtypes);
	query_scan(plan, args, read_only, add_result_row, NULL, &ps);
	result_end(&ps);
	pools_up_to(&ps, PG_INT16_MAX);
	if (ps.pt.members != NULL)
		pool_end(&ps);			/* a group numbered PG_INT16_MAX */
	MemoryContextDelete(ps.pool_cxt);
	pfree(ps.members);
}

void
pools_scan(const Tournament *t, bool read_only, PoolTableFn fn, void *arg)
{
	scan_pools(t, 0, read_only, fn, arg);
}

/* The same for one group (a result of its own changed its table). */
void
pools_scan_pool(const Tournament *t, int16 pool, PoolTableFn fn, void *arg)
{
	if (pool > 0)
		scan_pools(t, pool, false, fn, arg);
}
