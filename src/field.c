/*
 * field.c: the enrolled players of a tournament: enrolment, and the field
 * in seeding order (or in player_id order, with ratings) for generation,
 * pairing and simulation.
 */
#include "tourney/lifecycle.h"

#include "utils/builtins.h"
#include "utils/timestamp.h"

/* Enrolment input, sorted by player id to find repeats and to insert in index order. */
typedef struct EnrolRow
{
	int64		player_id;
	int32		seed;			/* 0: none */
	bool		exists;			/* has a players row */
} EnrolRow;

static int
enrol_row_cmp(const void *a, const void *b)
{
	int64		x = ((const EnrolRow *) a)->player_id;
	int64		y = ((const EnrolRow *) b)->player_id;

	return (x > y) - (x < y);
}

static int
int32_cmp(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

static void
check_enrol_input(EnrolRow *rows, int n)
{
	int32	   *seeds = palloc(sizeof(int32) * Max(n, 1));
	int			nseeds = 0;

	qsort(rows, n, sizeof(EnrolRow), enrol_row_cmp);
	for (int i = 0; i < n; i++)
	{
		if (i > 0 && rows[i].player_id == rows[i - 1].player_id)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("player " INT64_FORMAT " is listed twice", rows[i].player_id)));
		if (rows[i].seed != 0)
			seeds[nseeds++] = rows[i].seed;
	}
	qsort(seeds, nseeds, sizeof(int32), int32_cmp);
	for (int i = 1; i < nseeds; i++)
		if (seeds[i] == seeds[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("seed %d is given twice", seeds[i])));
	pfree(seeds);
}

static void
mark_existing(void *row, Datum value, bool isnull, void *arg)
{
	((EnrolRow *) row)->exists = true;
}

/*
 * Every listed player exists (rows sorted by player_id): the players are
 * merged in id order, as generation reads their ratings.
 */
static void
check_players_exist(EnrolRow *rows, int n)
{
	static PlayerColumn existence = {"true", NULL, NULL};

	if (players_merge(&existence, rows, n, sizeof(EnrolRow), false,
							  mark_existing, NULL) == n)
		return;
	for (int i = 0; i < n; i++)
		if (!rows[i].exists)
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("player " INT64_FORMAT " does not exist", rows[i].player_id)));
}

/*
 * The other references a foreign key would check, set-based: no player is
 * enrolled already, no seed is taken.
 */
static void
check_enrol_references(int64 tournament_id, Datum player_array, Datum seed_array)
{
	static SPIPlanPtr plan_enrolled = NULL;
	static SPIPlanPtr plan_seed = NULL;
	static SPIPlanPtr plan_any = NULL;
	Oid			argtypes[2] = {INT8OID, INT8ARRAYOID};
	Oid			seedtypes[2] = {INT8OID, INT4ARRAYOID};
	Datum		args[2] = {Int64GetDatum(tournament_id), player_array};
	Datum		seedargs[2] = {Int64GetDatum(tournament_id), seed_array};
	bool		isnull;

	/* the usual first enrolment of a tournament has nothing to collide with */
	query_prepare(&plan_any,
				  "SELECT FROM tourney.enrollments WHERE tournament_id = $1 LIMIT 1",
				  1, argtypes);
	query_exec(plan_any, args, NULL, false, 1);
	if (SPI_processed == 0)
		return;

	query_prepare(&plan_enrolled,
				  "SELECT e.player_id FROM unnest($2) u(id) JOIN tourney.enrollments e"
				  " ON e.tournament_id = $1 AND e.player_id = u.id LIMIT 1",
				  2, argtypes);
	query_exec(plan_enrolled, args, NULL, false, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("player " INT64_FORMAT " is already enrolled in tournament " INT64_FORMAT,
						DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1, &isnull)),
						tournament_id)));

	query_prepare(&plan_seed,
				  "SELECT e.seed FROM tourney.enrollments e"
				  " WHERE e.tournament_id = $1 AND e.seed = ANY ($2) LIMIT 1",
				  2, seedtypes);
	query_exec(plan_seed, seedargs, NULL, false, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("seed %d is already taken in tournament " INT64_FORMAT,
						DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1, &isnull)),
						tournament_id)));
}

static int64 *
player_ids_of(const EnrolRow *rows, int n)
{
	int64	   *ids = palloc(sizeof(int64) * Max(n, 1));

	for (int i = 0; i < n; i++)
		ids[i] = rows[i].player_id;
	return ids;
}

/* The enrolment rows, in player_id order; enrolled_at is now(). */
static void
enrol_write(int64 tournament_id, const EnrolRow *rows, int n)
{
	static const char *const columns[4] = {"tournament_id", "player_id", "seed",
	"enrolled_at"};
	BulkInsert *out = bulk_insert_begin("enrollments", 4, columns);
	Datum		values[4];
	bool		nulls[4] = {false};

	values[0] = Int64GetDatum(tournament_id);
	values[3] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	for (int i = 0; i < n; i++)
	{
		values[1] = Int64GetDatum(rows[i].player_id);
		values[2] = Int32GetDatum(rows[i].seed);
		nulls[2] = rows[i].seed == 0;
		bulk_insert_add(out, values, nulls);
	}
	bulk_insert_end(out);
}

/*
 * Enrol players in a tournament the caller has locked (no generation may
 * be pending): every listed player exists, none is listed twice or
 * enrolled already, no seed is given twice or taken.
 */
int32
field_enroll(const Tournament *t, const int64 *player_ids, const int32 *seeds,
			 const bool *seed_nulls, int n)
{
	int64		tournament_id = t->id;
	Datum		args[3];
	EnrolRow   *rows;
	Datum	   *ids;
	Datum	   *seed_values;
	bool	   *seed_isnull;
	int			dims[1] = {n};
	int			lbs[1] = {1};

	tournament_require_state(t, STATUS_DRAFT, "enroll players");
	if (n == 0)
		return 0;

	rows = palloc(sizeof(EnrolRow) * n);
	for (int i = 0; i < n; i++)
	{
		rows[i].player_id = player_ids[i];
		rows[i].seed = (seeds == NULL || seed_nulls[i]) ? 0 : seeds[i];
		rows[i].exists = false;
		if (seeds != NULL && !seed_nulls[i] && seeds[i] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("seed must be positive, not %d", seeds[i])));
	}
	check_enrol_input(rows, n);
	check_players_exist(rows, n);

	ids = palloc(sizeof(Datum) * n);
	seed_values = palloc(sizeof(Datum) * n);
	seed_isnull = palloc(sizeof(bool) * n);
	for (int i = 0; i < n; i++)
	{
		ids[i] = Int64GetDatum(rows[i].player_id);
		seed_values[i] = Int32GetDatum(rows[i].seed);
		seed_isnull[i] = rows[i].seed == 0;
	}
	args[0] = Int64GetDatum(tournament_id);
	args[1] = PointerGetDatum(construct_array(ids, n, INT8OID, 8, true, TYPALIGN_DOUBLE));
	args[2] = PointerGetDatum(construct_md_array(seed_values, seed_isnull, 1, dims, lbs,
												 INT4OID, 4, true, TYPALIGN_INT));
	check_enrol_references(tournament_id, args[1], args[2]);

	enrol_write(tournament_id, rows, n);
	standings_enrolled(t, player_ids_of(rows, n), n);
	progress_add(t, n, 0, 0);
	return n;
}

/*
 * Enrolled players with their ratings, in seeding order (explicit seeds
 * first, then rating, best first, then player id) or in player_id order.  Enrolments and players are both read in player_id order through
 * cursors and merged, so that only the compact C array grows with the
 * tournament and no player costs an index probe of its own.
 */
typedef struct EnrolledPlayer
{
	int64		player_id;
	double		rating;
	int32		seed;			/* 0: none */
} EnrolledPlayer;

typedef struct PlayerList
{
	EnrolledPlayer *items;
	int64		count;
	int64		allocated;
} PlayerList;

static void
add_enrolled_player(HeapTuple row, TupleDesc desc, void *arg)
{
	PlayerList *list = arg;
	EnrolledPlayer *p;
	bool		isnull;

	list->items = tourney_grow(list->items, list->count, &list->allocated,
							   sizeof(EnrolledPlayer));
	p = &list->items[list->count++];
	p->player_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
	p->seed = DatumGetInt32(SPI_getbinval(row, desc, 2, &isnull));
	if (isnull)
		p->seed = 0;
}

static void
set_rating(void *player, Datum value, bool isnull, void *arg)
{
	((EnrolledPlayer *) player)->rating = DatumGetFloat8(value);
}

static int
seeding_order(const void *a, const void *b)
{
	const EnrolledPlayer *x = a;
	const EnrolledPlayer *y = b;

	if (x->seed != y->seed)
		return x->seed == 0 ? 1 : y->seed == 0 ? -1 : x->seed < y->seed ? -1 : 1;
	if (x->rating != y->rating)
		return x->rating > y->rating ? -1 : 1;
	return x->player_id < y->player_id ? -1 : x->player_id > y->player_id;
}

static PlayerColumn ratings = {"rating", NULL, NULL};

SeededPlayer *
field_seeded_players(int64 tournament_id, int32 *count)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	PlayerList	list = {NULL, 0, 0};
	SeededPlayer *players;

	query_prepare(&plan,
				  "SELECT player_id, seed FROM tourney.enrollments"
				  " WHERE tournament_id = $1 ORDER BY player_id",
				  1, argtypes);
	query_scan(plan, args, false, add_enrolled_player, NULL, &list);
	*count = (int32) list.count;
	if (list.count == 0)
		return palloc(sizeof(SeededPlayer));
	players_merge_enrolled(&ratings, list.items, list.count, sizeof(EnrolledPlayer), false,
						   set_rating, NULL);
	qsort(list.items, list.count, sizeof(EnrolledPlayer), seeding_order);
	players = palloc_extended(sizeof(SeededPlayer) * list.count, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < list.count; i++)
	{
		players[i].player_id = list.items[i].player_id;
		players[i].rating = list.items[i].rating;
	}
	pfree(list.items);
	return players;
}

/* Reading the enrolled players' ids straight into the array returned. */
typedef struct RatingList
{
	SeededPlayer *items;
	int64		count;
	int64		allocated;
} RatingList;

static void
add_rated_player(HeapTuple row, TupleDesc desc, void *arg)
{
	RatingList *list = arg;
	bool		isnull;

	list->items = tourney_grow(list->items, list->count, &list->allocated,
							   sizeof(SeededPlayer));
	list->items[list->count].player_id = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
	list->items[list->count].rating = 0;
	list->count++;
}

static void
set_seeded_rating(void *player, Datum value, bool isnull, void *arg)
{
	((SeededPlayer *) player)->rating = DatumGetFloat8(value);
}

/* The enrolled players in player_id order, with their ratings. */
SeededPlayer *
field_player_ratings(int64 tournament_id, int32 *count)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	RatingList	list = {NULL, 0, 0};

	/* the primary key's index alone will do */
	query_prepare(&plan,
				  "SELECT player_id FROM tourney.enrollments"
				  " WHERE tournament_id = $1 ORDER BY player_id",
				  1, argtypes);
	query_scan(plan, args, false, add_rated_player, NULL, &list);
	*count = (int32) list.count;
	if (list.count == 0)
		return palloc(sizeof(SeededPlayer));
	players_merge_enrolled(&ratings, list.items, list.count, sizeof(SeededPlayer), false,
						   set_seeded_rating, NULL);
	return list.items;
}


int32
field_count(int64 tournament_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	bool		isnull;

	query_prepare(&plan,
				  "SELECT count(*)::int FROM tourney.enrollments WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 1);
	return DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Record each player's group (serpentine by seed) in enrollments.pool:
 * one statement for the field.
 */
void
field_write_pools(const Tournament *t, const SeededPlayer *seeded, int32 count)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT8ARRAYOID, INT4ARRAYOID};
	Datum		args[3];
	int64	   *ids = palloc_extended(sizeof(int64) * Max(count, 1), MCXT_ALLOC_HUGE);
	Datum	   *pools = palloc_extended(sizeof(Datum) * Max(count, 1), MCXT_ALLOC_HUGE);

	for (int32 i = 0; i < count; i++)
	{
		ids[i] = seeded[i].player_id;
		pools[i] = Int32GetDatum(groups_pool_of_seed(t->group_count, i + 1));
	}
	args[0] = Int64GetDatum(t->id);
	args[1] = query_int8_array(ids, count);
	args[2] = PointerGetDatum(construct_array(pools, count, INT4OID, 4, true, TYPALIGN_INT));
	query_prepare(&plan,
				  "UPDATE tourney.enrollments e SET pool = g.pool"
				  " FROM unnest($2, $3) g(player_id, pool)"
				  " WHERE e.tournament_id = $1 AND e.player_id = g.player_id",
				  3, argtypes);
	query_exec(plan, args, NULL, false, 0);
	pfree(ids);
	pfree(pools);
}

/*
 * Check players in (a draft tournament the caller has locked): each listed
 * player must be enrolled; a second check-in keeps the first time.
 * Returns how many of the listed players are checked in, the same count
 * whenever the call is repeated.
 */
int32
field_check_in(const Tournament *t, Datum player_ids)
{
	static SPIPlanPtr plan_missing = NULL;
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[2] = {INT8OID, INT8ARRAYOID};
	Datum		args[2] = {Int64GetDatum(t->id), player_ids};

	tournament_require_state(t, STATUS_DRAFT, "check players in");
	query_prepare(&plan_missing,
				  "SELECT u.id, EXISTS (SELECT 1 FROM tourney.players p WHERE p.player_id = u.id)"
				  " FROM unnest($2) u(id) WHERE NOT EXISTS (SELECT 1 FROM tourney.enrollments e"
				  "  WHERE e.tournament_id = $1 AND e.player_id = u.id) LIMIT 1",
				  2, argtypes);
	query_exec(plan_missing, args, NULL, false, 1);
	if (SPI_processed > 0)
	{
		bool		isnull;
		int64		player = query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)))
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("player " INT64_FORMAT " does not exist", player)));
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("player " INT64_FORMAT " is not enrolled in tournament " INT64_FORMAT,
						player, t->id),
				 errhint("Enrol the player first.")));
	}
	query_prepare(&plan,
				  "WITH marked AS (UPDATE tourney.enrollments"
				  "  SET checked_in_at = coalesce(checked_in_at, now())"
				  "  WHERE tournament_id = $1 AND player_id = ANY ($2) RETURNING 1)"
				  " SELECT count(*)::int FROM marked",
				  2, argtypes);
	query_exec(plan, args, NULL, false, 1);
	return query_int4(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/*
 * Drop the enrolments without a check-in (a draft tournament the caller
 * has locked) and close up the seeds of the others, in their order.  The
 * seeds move up beyond every seed first and then down to 1, 2, ..., so
 * that the unique (tournament_id, seed) never sees two rows share one.
 */
int32
field_drop_unchecked(const Tournament *t)
{
	static SPIPlanPtr plan_drop = NULL;
	static SPIPlanPtr plan_up = NULL;
	static SPIPlanPtr plan_down = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	int32		dropped;

	tournament_require_state(t, STATUS_DRAFT, "drop players who have not checked in");
	query_prepare(&plan_drop,
				  "WITH dropped AS (DELETE FROM tourney.enrollments"
				  "  WHERE tournament_id = $1 AND checked_in_at IS NULL RETURNING player_id),"
				  " tallied AS (DELETE FROM tourney.tallies y USING dropped d"
				  "  WHERE y.tournament_id = $1 AND y.player_id = d.player_id)"
				  " SELECT count(*)::int FROM dropped",
				  1, argtypes);
	query_exec(plan_drop, args, NULL, false, 1);
	dropped = query_int4(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (dropped == 0)
		return 0;
	progress_add(t, -dropped, 0, 0);

	/*
	 * The seeds close up to 1 .. n in their order.  The unique index on
	 * (tournament_id, seed) is checked row by row, so the seeds first move
	 * to n free values above n (there are n of them among n + 1 .. 3n, as
	 * n seeds are taken), then to 1 .. n, which nobody holds by then.
	 * Seeds may be as large as int allows: nothing is added to them.
	 */
	query_prepare(&plan_up,
				  "WITH seeded AS (SELECT player_id, seed FROM tourney.enrollments"
				  "  WHERE tournament_id = $1 AND seed IS NOT NULL),"
				  " n AS (SELECT count(*)::int AS n FROM seeded),"
				  " free AS (SELECT v, row_number() OVER (ORDER BY v) AS k"
				  "  FROM n, generate_series(n.n + 1, 3 * n.n) v"
				  "  WHERE NOT EXISTS (SELECT FROM seeded s WHERE s.seed = v)),"
				  " ranked AS (SELECT player_id, row_number() OVER (ORDER BY seed) AS k FROM seeded)"
				  " UPDATE tourney.enrollments e SET seed = f.v"
				  " FROM ranked r JOIN free f USING (k)"
				  " WHERE e.tournament_id = $1 AND e.player_id = r.player_id",
				  1, argtypes);
	query_exec(plan_up, args, NULL, false, 0);
	query_prepare(&plan_down,
				  "UPDATE tourney.enrollments e SET seed = r.closed FROM"
				  " (SELECT player_id, row_number() OVER (ORDER BY seed)::int AS closed"
				  "  FROM tourney.enrollments WHERE tournament_id = $1 AND seed IS NOT NULL) r"
				  " WHERE e.tournament_id = $1 AND e.player_id = r.player_id",
				  1, argtypes);
	query_exec(plan_down, args, NULL, false, 0);
	return dropped;
}
