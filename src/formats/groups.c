/*
 * groups.c: groups, then a knockout (groups_knockout).  Pure: no SPI, no
 * catalog access.
 *
 * Players go into G groups by serpentine seeding (16 seeds into A-D: 1, 8,
 * 9, 16 · 2, 7, 10, 15 · 3, 6, 11, 14 · 4, 5, 12, 13), so group sizes
 * differ by at most one; each group plays the Berger round robin on its
 * own seed order (stage group, sessions.pool = the group), one or two
 * cycles.  Group round r of every group is wave r.
 *
 * Group tables: 3 points a win, 1 a draw.  overall orders by points,
 * score difference, score for, then the same three among the tied players
 * only; head_to_head (UEFA) applies the tied players' mutual results
 * first (again among those still tied, as long as that separates anyone),
 * then the overall difference and score for; still tied: the lower seed
 * first.
 *
 * When the last group result arrives the lifecycle (rounds.c) writes the
 * knockout of the k best of each group: group winners take seeds 1..G in
 * group order; runner-up of group g takes seed 2G + 1 - partner(g), where
 * partner pairs A-B, C-D, ... (with an odd G: A alone, then B-C, D-E,
 * ...), so that each runner-up is in the other half of the bracket from
 * its group's winner and two players of one group can meet only in the
 * final; further tiers take the next seeds tier by tier, each ordered by
 * its players' records (points, difference, score for, then group).  Byes
 * as in a knockout when G * k is not a power of two.
 *
 * Ranking: the knockout's ladder for the qualifiers; below them the
 * players eliminated in the groups, by group place (every group's
 * (k+1)-th before every (k+2)-th), then points, score difference, score
 * for, ties sharing a rank.  Before the knockout exists everybody ranks
 * that way.  tiebreaks = {group place, group score difference, group score
 * for}.
 */
#include "tourney/format.h"

/* The group (1-based) of the seed-th player of the field. */
int16
groups_pool_of_seed(int32 groups, int32 seed)
{
	int32		row = (seed - 1) / groups;
	int32		col = (seed - 1) % groups;

	return (int16) ((row % 2 == 0 ? col : groups - 1 - col) + 1);
}

/* The seed of the i-th member (0-based) of group g (1-based); may exceed N. */
static int32
groups_member_seed(int32 groups, int16 g, int32 i)
{
	return i * groups + (i % 2 == 0 ? g : groups + 1 - g);
}

/* Players in group g of N players. */
static int32
groups_size(int32 groups, int32 players, int16 g)
{
	int32		size = players / groups;
	int32		rest = players % groups;

	return size + (groups_member_seed(groups, g, size) <= players && rest > 0 ? 1 : 0);
}

static void
groups_check_options(const FormatOptions *given, Tournament *t)
{
	format_refuse_other_options(given, t->format);
	if (!given->group_count_given)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("group_count must not be null for a groups_knockout tournament")));
	if (given->group_count < 2 || given->group_count > TOURNEY_MAX_PLAYERS / 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("group_count must be between 2 and %d, not %d",
						TOURNEY_MAX_PLAYERS / 2, given->group_count)));
	if (given->advance_given &&
		(given->advance_per_group < 1 || given->advance_per_group > TOURNEY_MAX_PLAYERS / 2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("advance_per_group must be between 1 and %d, not %d",
						TOURNEY_MAX_PLAYERS / 2, given->advance_per_group),
				 errdetail("It must also be smaller than the smallest group.")));
	t->number_of_rounds = format_cycles(given, "a group stage");
	t->third_place = given->third_place != 0;
	t->group_count = given->group_count;
	t->advance_per_group = given->advance_given ? given->advance_per_group : 2;
	t->group_tiebreak = given->group_tiebreak >= 0 ?
		(GroupTiebreak) given->group_tiebreak : TIEBREAK_OVERALL;
}

/* The group stage's waves, then the knockout's; only the groups are planned. */
static void
groups_count_waves(const Tournament *t, int32 players, WaveCounts *counts)
{
	int32		g = t->group_count;
	int32		smallest = players / g;
	int32		group_waves = round_robin_rounds(smallest + (players % g > 0 ? 1 : 0),
												 t->number_of_rounds);
	int64		qualifiers = (int64) g * t->advance_per_group;
	KnockoutLayout k;

	format_require_players(t, players);
	if (smallest <= t->advance_per_group)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot generate sessions: tournament " INT64_FORMAT " has %d enrolled players for %d groups",
						t->id, players, g),
				 errdetail("With %d advancing from each group, every group needs at least %d players.",
						   t->advance_per_group, t->advance_per_group + 1)));
	knockout_layout(&k, (int32) qualifiers, t->third_place);
	knockout_count(&k, group_waves + 1, counts);
	for (int16 pool = 1; pool <= g; pool++)
	{
		int32		size = groups_size(g, players, pool);
		int32		rounds = round_robin_rounds(size, t->number_of_rounds);

		for (int32 w = 1; w <= rounds; w++)
			counts->sessions[w] += size / 2;
		counts->total += (int64) rounds * (size / 2);
	}
	counts->planned_waves = group_waves;
	counts->number_of_rounds = t->number_of_rounds;
}

/* Every group's round robin, round by round across the groups. */
static void
groups_plan(const Tournament *t, int32 players, int64 first_id,
			const SeededPlayer *seeded, PlanSink *sink)
{
	int32		g = t->group_count;
	int32		cycles = t->number_of_rounds;
	int32		largest = players / g + (players % g > 0 ? 1 : 0);
	int32		waves = round_robin_rounds(largest, cycles);
	int64		id = first_id;

	for (int32 w = 1; w <= waves; w++)
	{
		for (int16 pool = 1; pool <= g; pool++)
		{
			int32		size = groups_size(g, players, pool);
			int32		n = round_robin_table_size(size);
			int32		cycle = (w - 1) / (n - 1);
			int32		r = (w - 1) % (n - 1) + 1;
			int32		match = 0;

			if (w > round_robin_rounds(size, cycles))
				continue;
			for (int32 board = 1; board <= n / 2; board++)
			{
				PlannedSession s = {0};
				PlannedParticipant part;
				int32		white;
				int32		black;

				CHECK_FOR_INTERRUPTS();
				round_robin_pairing(n, r, board, &white, &black);
				if (white > size || black > size)
					continue;	/* the table's extra player: a rest */
				s.session_id = id++;
				s.stage = STAGE_GROUP;
				s.pool = pool;
				s.round = w;
				s.wave = w;
				s.match_number = ++match;
				sink->session(sink, &s);

				part.session_id = s.session_id;
				part.slot = 1;
				part.player_id = seeded[groups_member_seed(g, pool, (cycle == 0 ? white : black) - 1) - 1].player_id;
				sink->participant(sink, &part);
				part.slot = 2;
				part.player_id = seeded[groups_member_seed(g, pool, (cycle == 0 ? black : white) - 1) - 1].player_id;
				sink->participant(sink, &part);
			}
		}
	}
}

/* The mutual results of a subset of a group (in, by member index). */
typedef struct MiniTable
{
	int32	   *points;
	Numeric    *difference;
	Numeric    *score_for;
} MiniTable;

static void
mini_table(const PoolTable *pt, const bool *in, MiniTable *mt, Numeric zero)
{
	for (int32 i = 0; i < pt->nmembers; i++)
	{
		mt->points[i] = 0;
		mt->difference[i] = zero;
		mt->score_for[i] = zero;
	}
	for (int32 i = 0; i < pt->nresults; i++)
	{
		const PoolResult *r = &pt->results[i];
		Numeric		diff;

		if (!in[r->a] || !in[r->b])
			continue;
		mt->points[r->a] += r->outcome > 0 ? 3 : r->outcome == 0 ? 1 : 0;
		mt->points[r->b] += r->outcome < 0 ? 3 : r->outcome == 0 ? 1 : 0;
		diff = numeric_sub_opt_error(r->score_a, r->score_b, NULL);
		mt->difference[r->a] = numeric_add_opt_error(mt->difference[r->a], diff, NULL);
		mt->difference[r->b] = numeric_sub_opt_error(mt->difference[r->b], diff, NULL);
		mt->score_for[r->a] = numeric_add_opt_error(mt->score_for[r->a], r->score_a, NULL);
		mt->score_for[r->b] = numeric_add_opt_error(mt->score_for[r->b], r->score_b, NULL);
	}
}

/* How the members of a block are being compared. */
typedef struct BlockOrder
{
	const PoolTable *pt;
	const MiniTable *mini;		/* NULL: the overall criteria */
	bool		by_seed;		/* after them, the seed */
} BlockOrder;

static int
numeric_order(Numeric a, Numeric b)
{
	return tourney_numeric_cmp(NumericGetDatum(b), NumericGetDatum(a));
}

/* Negative when member a goes before b; 0: tied on these criteria. */
static int
block_compare(const void *x, const void *y, void *arg)
{
	const BlockOrder *o = arg;
	int32		a = *(const int32 *) x;
	int32		b = *(const int32 *) y;
	const PoolMember *ma = &o->pt->members[a];
	const PoolMember *mb = &o->pt->members[b];
	int			cmp;

	if (o->mini != NULL)
	{
		cmp = (o->mini->points[b] > o->mini->points[a]) - (o->mini->points[b] < o->mini->points[a]);
		if (cmp == 0)
			cmp = numeric_order(o->mini->difference[a], o->mini->difference[b]);
		if (cmp == 0)
			cmp = numeric_order(o->mini->score_for[a], o->mini->score_for[b]);
	}
	else
	{
		cmp = (mb->points > ma->points) - (mb->points < ma->points);
		if (cmp == 0)
			cmp = numeric_order(ma->difference, mb->difference);
		if (cmp == 0)
			cmp = numeric_order(ma->score_for, mb->score_for);
	}
	if (cmp == 0 && o->by_seed)
		cmp = (ma->seed > mb->seed) - (ma->seed < mb->seed);
	return cmp;
}

typedef struct Ordering
{
	PoolTable  *pt;
	GroupTiebreak rule;
	MiniTable	mini;
	bool	   *in;
	Numeric		zero;
} Ordering;

static void order_block(Ordering *o, int32 *block, int32 n, bool mutual);

/* Sort block by the given criteria and resolve each run still tied. */
static void
sort_and_split(Ordering *o, int32 *block, int32 n, const MiniTable *mini, bool mutual)
{
	BlockOrder bo = {o->pt, mini, false};
	int32		start = 0;

	qsort_arg(block, n, sizeof(int32), block_compare, &bo);
	for (int32 i = 1; i <= n; i++)
	{
		if (i < n && block_compare(&block[start], &block[i], &bo) == 0)
			continue;
		if (i - start > 1)
			order_block(o, block + start, i - start, mutual);
		start = i;
	}
}

/*
 * Order a block of members tied so far.  mutual: compare by the results
 * among the block's members; else by the overall criteria.  When the
 * mutual results separate nobody, head_to_head falls back on the overall
 * difference and score for; overall, having used both, on the seed.
 */
static void
order_block(Ordering *o, int32 *block, int32 n, bool mutual)
{
	BlockOrder bo = {o->pt, NULL, true};
	MiniTable  *mini = &o->mini;
	bool		separated = false;

	if (mutual)
	{
		for (int32 i = 0; i < o->pt->nmembers; i++)
			o->in[i] = false;
		for (int32 i = 0; i < n; i++)
			o->in[block[i]] = true;
		mini_table(o->pt, o->in, mini, o->zero);
		{
			BlockOrder probe = {o->pt, mini, false};

			for (int32 i = 1; i < n && !separated; i++)
				separated = block_compare(&block[0], &block[i], &probe) != 0;
		}
		if (separated)
		{
			/* a copy: the nested blocks reuse the mini table */
			MiniTable	own;

			own.points = palloc(sizeof(int32) * o->pt->nmembers);
			own.difference = palloc(sizeof(Numeric) * o->pt->nmembers);
			own.score_for = palloc(sizeof(Numeric) * o->pt->nmembers);
			memcpy(own.points, mini->points, sizeof(int32) * o->pt->nmembers);
			memcpy(own.difference, mini->difference, sizeof(Numeric) * o->pt->nmembers);
			memcpy(own.score_for, mini->score_for, sizeof(Numeric) * o->pt->nmembers);
			/* head_to_head keeps to mutual results; overall then uses the seed */
			sort_and_split(o, block, n, &own, o->rule == TIEBREAK_HEAD_TO_HEAD);
			return;
		}
		if (o->rule == TIEBREAK_HEAD_TO_HEAD)
		{
			/* the overall difference and score for, then the seed */
			bo.mini = NULL;
			qsort_arg(block, n, sizeof(int32), block_compare, &bo);
			return;
		}
	}
	else if (o->rule == TIEBREAK_OVERALL)
	{
		/* points, difference, score for overall; then mutual results */
		sort_and_split(o, block, n, NULL, true);
		return;
	}
	qsort_arg(block, n, sizeof(int32), block_compare, &bo);
}

/*
 * Set every member's place (1..n).  overall: points, difference, score
 * for; then the same among the tied; then the seed.  head_to_head: points;
 * then the tied players' mutual results (again among those still tied);
 * then the overall difference and score for; then the seed.
 */
void
groups_order_pool(PoolTable *pt, GroupTiebreak rule)
{
	Ordering	o;
	int32	   *order = palloc(sizeof(int32) * Max(pt->nmembers, 1));
	int32		start = 0;

	o.pt = pt;
	o.rule = rule;
	o.zero = int64_to_numeric(0);
	o.in = palloc(sizeof(bool) * Max(pt->nmembers, 1));
	o.mini.points = palloc(sizeof(int32) * Max(pt->nmembers, 1));
	o.mini.difference = palloc(sizeof(Numeric) * Max(pt->nmembers, 1));
	o.mini.score_for = palloc(sizeof(Numeric) * Max(pt->nmembers, 1));
	for (int32 i = 0; i < pt->nmembers; i++)
		order[i] = i;
	if (rule == TIEBREAK_OVERALL)
		order_block(&o, order, pt->nmembers, false);
	else
	{
		/* by points, then each tied block by its mutual results */
		for (int32 i = 0; i < pt->nmembers; i++)
			pt->members[i].place = 0;
		qsort_arg(order, pt->nmembers, sizeof(int32), block_compare,
				  &(BlockOrder) {pt, NULL, false});
		for (int32 i = 1; i <= pt->nmembers; i++)
		{
			if (i < pt->nmembers &&
				pt->members[order[start]].points == pt->members[order[i]].points)
				continue;
			if (i - start > 1)
				order_block(&o, order + start, i - start, true);
			start = i;
		}
	}
	for (int32 i = 0; i < pt->nmembers; i++)
		pt->members[order[i]].place = i + 1;
}

/* The partner group of group g (1-based) of G: A-B, C-D, ...; odd G: A alone, B-C, ... */
static int32
partner_group(int32 groups, int32 g)
{
	if (groups % 2 == 1)
	{
		if (g == 1)
			return 1;
		return g % 2 == 0 ? g + 1 : g - 1;
	}
	return g % 2 == 1 ? g + 1 : g - 1;
}

/* A tier of players of the same place, ordered by record, then group. */
static int
tier_compare(const void *x, const void *y)
{
	const PoolPlace *a = *(PoolPlace *const *) x;
	const PoolPlace *b = *(PoolPlace *const *) y;
	int			cmp = (b->points > a->points) - (b->points < a->points);

	if (cmp == 0)
		cmp = numeric_order(a->difference, b->difference);
	if (cmp == 0)
		cmp = numeric_order(a->score_for, b->score_for);
	if (cmp == 0)
		cmp = (a->pool > b->pool) - (a->pool < b->pool);
	return cmp;
}

/*
 * The knockout's seeds of the qualifiers, given pool-major (the place-th
 * player of group g at (g - 1) * k + place - 1): seeds[i] = the seed
 * (1-based) of qualifiers[i].
 */
void
groups_qualifier_order(const Tournament *t, PoolPlace *const *qualifiers, int32 count,
					   int32 *seeds)
{
	int32		groups = t->group_count;
	int32		k = t->advance_per_group;
	PoolPlace **tier = palloc(sizeof(PoolPlace *) * groups);

	Assert(count == groups * k);
	for (int32 g = 1; g <= groups; g++)
	{
		seeds[(g - 1) * k] = g;
		if (k >= 2)
			seeds[(g - 1) * k + 1] = 2 * groups + 1 - partner_group(groups, g);
	}
	for (int32 place = 3; place <= k; place++)
	{
		for (int32 g = 0; g < groups; g++)
			tier[g] = qualifiers[g * k + place - 1];
		qsort(tier, groups, sizeof(PoolPlace *), tier_compare);
		for (int32 i = 0; i < groups; i++)
			seeds[(tier[i]->pool - 1) * k + place - 1] = (place - 1) * groups + i + 1;
	}
	pfree(tier);
}

/* Eliminated players: group place, then points, difference, score for. */
static int
eliminee_compare(const void *x, const void *y, void *arg)
{
	const RankTable *rt = arg;
	const PoolPlace *a = &rt->pools[*(const int64 *) x];
	const PoolPlace *b = &rt->pools[*(const int64 *) y];
	int			cmp = (a->place > b->place) - (a->place < b->place);

	if (cmp == 0)
		cmp = (b->points > a->points) - (b->points < a->points);
	if (cmp == 0)
		cmp = numeric_order(a->difference, b->difference);
	if (cmp == 0)
		cmp = numeric_order(a->score_for, b->score_for);
	return cmp;
}

/* Competition ranks from first on, for players (indexes) in order. */
static void
rank_in_order(RankTable *rt, int64 *order, int64 n, int32 first)
{
	qsort_arg(order, n, sizeof(int64), eliminee_compare, rt);
	for (int64 i = 0; i < n; i++)
		rt->players[order[i]].rank =
			i > 0 && eliminee_compare(&order[i - 1], &order[i], rt) == 0 ?
			rt->players[order[i - 1]].rank : (int32) (first + i);
}

static void
groups_rank_prepare(RankTable *rt)
{
	const Tournament *t = rt->t;
	int64		qualifiers = (int64) t->group_count * t->advance_per_group;
	int64	   *others = palloc(sizeof(int64) * Max(rt->count, 1));
	int64		nothers = 0;
	KnockoutLayout k;

	knockout_layout(&k, (int32) Max(qualifiers, 2), t->third_place);
	for (int64 i = 0; i < rt->count; i++)
	{
		if (rt->later_stage && rt->pools[i].place >= 1 &&
			rt->pools[i].place <= t->advance_per_group)
			knockout_ladder(&rt->players[i], k.rounds);
		else
			others[nothers++] = i;
	}
	rank_in_order(rt, others, nothers, rt->later_stage ? (int32) qualifiers + 1 : 1);
	pfree(others);
}

/* 3 a win, 1 a draw, over every session played. */
static Datum
groups_rank_points(const RankedPlayer *p, const RankTable *rt)
{
	return NumericGetDatum(int64_to_numeric(3 * (int64) p->wins + p->draws));
}

/* {group place, group score difference, group score for} */
static Datum
groups_rank_tiebreaks(const RankedPlayer *p, const RankTable *rt)
{
	const PoolPlace *pp = &rt->pools[p - rt->players];
	Datum		items[3];

	items[0] = NumericGetDatum(int64_to_numeric(pp->place));
	items[1] = NumericGetDatum(pp->difference);
	items[2] = NumericGetDatum(pp->score_for);
	return PointerGetDatum(construct_array(items, 3, NUMERICOID, -1, false, TYPALIGN_INT));
}

/*
 * The knockout's qualifiers by its ladder (their rank set), before every
 * player eliminated in the groups: [0, ladder rank], or [1, group place,
 * -points, -difference, -score for] as eliminee_compare orders them.
 */
static Datum
groups_rank_key(const RankedPlayer *p, const RankTable *rt, int32 *fixed_rank)
{
	const PoolPlace *pp = &rt->pools[p - rt->players];
	Numeric		parts[5];

	if (rt->later_stage && pp->place >= 1 && pp->place <= rt->t->advance_per_group)
	{
		*fixed_rank = p->rank;
		parts[0] = int64_to_numeric(0);
		parts[1] = int64_to_numeric(p->rank);
		return format_rank_key(2, parts);
	}
	*fixed_rank = 0;
	parts[0] = int64_to_numeric(1);
	parts[1] = int64_to_numeric(pp->place);
	parts[2] = int64_to_numeric(-(int64) pp->points);
	parts[3] = format_negate(pp->difference);
	parts[4] = format_negate(pp->score_for);
	return format_rank_key(5, parts);
}

const FormatRoutine groups_knockout_format = {
	.name = "groups_knockout",
	.min_players = 4,
	.participants = 2,
	.round_robin_stages = FORMAT_STAGE_BIT(STAGE_GROUP),
	.draw_stages = FORMAT_STAGE_BIT(STAGE_GROUP),
	.has_pools = true,
	.advances = true,
	.later = LATER_KNOCKOUT_STAGE,
	.check_options = groups_check_options,
	.count_waves = groups_count_waves,
	.plan = groups_plan,
	.rank_session = knockout_rank_session,
	.rank_prepare = groups_rank_prepare,
	.ranks_from_prepare = true,
	.rank_compare = format_rank_by_ladder,
	.rank_points = groups_rank_points,
	.rank_tiebreaks = groups_rank_tiebreaks,
	.rank_key = groups_rank_key,
};
