/*
 * tournament.c: creating tournaments, enrolling players, completing, and
 * reading a tournament's state for the other entry points.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "storage/lock.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(tourney_create_tournament);
PG_FUNCTION_INFO_V1(tourney_enroll);
PG_FUNCTION_INFO_V1(tourney_complete_tournament);

static int
label_index(const char *const *labels, const char *value)
{
	for (int i = 0; labels[i] != NULL; i++)
		if (strcmp(labels[i], value) == 0)
			return i;
	elog(ERROR, "unexpected enum label \"%s\"", value);
	pg_unreachable();
}

/*
 * Tournament lock (a heavyweight lock on the tournament id, not a row lock,
 * so that thousands of result submissions a second can share it without
 * writing the row): shared by result entry, exclusive for the phases that
 * rewrite results (simulate, correct, rank, complete) and for state
 * changes.  Every path takes it before any row lock of the tournament's
 * sessions, so the two never wait on each other in a cycle.
 */
#define TOURNAMENT_LOCK_TAG 0x7475	/* advisory lock class of its own */

static void
lock_tournament_id(int64 tournament_id, LOCKMODE mode)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) ((uint64) tournament_id >> 32),
						 (uint32) tournament_id, TOURNAMENT_LOCK_TAG);
	(void) LockAcquire(&tag, mode, false, false);
}

/*
 * Read (and lock, see TournamentAccess) a tournament; unknown ids are P0002.
 */
Tournament *
tournament_lock(int64 tournament_id, TournamentAccess access)
{
	static SPIPlanPtr plan_lock = NULL;
	static SPIPlanPtr plan_read = NULL;
	const char *columns =
		"SELECT format::text, ranking_direction = 'desc', number_of_rounds,"
		" third_place_playoff, status::text, sessions_generated_at,"
		" rankings_calculated_at IS NOT NULL, campus_ids"
		" FROM tourney.tournaments WHERE tournament_id = $1";
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	SPIPlanPtr	plan;
	HeapTuple	row;
	TupleDesc	desc;
	Tournament *t;
	bool		isnull;

	if (access == TOURNAMENT_SHARE || access == TOURNAMENT_LOCK)
		lock_tournament_id(tournament_id, access == TOURNAMENT_LOCK ? ExclusiveLock : ShareLock);
	if (access == TOURNAMENT_LOCK)
		plan = tourney_plan(&plan_lock, psprintf("%s FOR NO KEY UPDATE", columns),
							1, argtypes);
	else
		plan = tourney_plan(&plan_read, columns, 1, argtypes);
	tourney_exec(plan, args, NULL, access == TOURNAMENT_SNAPSHOT, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("tournament " INT64_FORMAT " does not exist", tournament_id)));

	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	t = palloc0(sizeof(Tournament));
	t->id = tournament_id;
	t->format = label_index(tourney_format_names, SPI_getvalue(row, desc, 1));
	t->higher_wins = DatumGetBool(SPI_getbinval(row, desc, 2, &isnull));
	t->number_of_rounds = DatumGetInt32(SPI_getbinval(row, desc, 3, &isnull));
	if (isnull)
		t->number_of_rounds = 0;
	t->third_place = DatumGetBool(SPI_getbinval(row, desc, 4, &isnull));
	t->status = label_index(tourney_status_names, SPI_getvalue(row, desc, 5));
	t->generated_at = SPI_getvalue(row, desc, 6);
	t->generated = t->generated_at != NULL;
	t->ranked = DatumGetBool(SPI_getbinval(row, desc, 7, &isnull));
	t->campus_ids = tourney_int8_array(DatumGetArrayTypeP(SPI_getbinval(row, desc, 8, &isnull)),
									   "campus_ids", &t->ncampuses);
	return t;
}

/*
 * A by-value column of the row of tourney.relname whose bigint key (the
 * index's first column) is key; P0002 naming the row (what) if none.
 */
static Datum
column_by_key(const char *relname, const char *indexname, int64 key, const char *column,
			  const char *what)
{
	Datum		keyval = Int64GetDatum(key);
	KeyScan    *ks = keyscan_begin(relname, indexname, 1, &keyval);
	TupleTableSlot *row = keyscan_next(ks);
	Datum		value;
	bool		isnull;

	if (row == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s " INT64_FORMAT " does not exist", what, key)));
	value = slot_getattr(row, keyscan_attnum(ks, column), &isnull);
	keyscan_end(ks);
	return value;
}

/*
 * The tournament of a session (and its format, if asked), unlocked; P0002
 * if unknown.  Read by key: this is the first read of every result.
 */
int64
session_tournament(int64 session_id, TourneyFormat *format)
{
	int64		tournament_id = DatumGetInt64(column_by_key("sessions", "sessions_session_id_idx",
															session_id, "tournament_id", "session"));

	if (format != NULL)
	{
		Datum		label = DirectFunctionCall1(enum_out,
												column_by_key("tournaments", "tournaments_pkey",
															  tournament_id, "format", "tournament"));

		*format = label_index(tourney_format_names, DatumGetCString(label));
	}
	return tournament_id;
}

void
tournament_require_state(const Tournament *t, TourneyStatus status, const char *action)
{
	if (t->status != status)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot %s: tournament " INT64_FORMAT " is %s",
						action, t->id, tourney_status_names[t->status]),
				 errdetail("This needs a tournament that is %s.",
						   tourney_status_names[status])));
}

/* While a generation is queued or running the tournament must not change. */
void
tournament_require_no_task(const Tournament *t, const char *action)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};

	tourney_plan(&plan,
				 "SELECT k.status::text FROM tourney.tasks k"
				 " WHERE k.tournament_id = $1 AND k.status IN ('queued', 'running') LIMIT 1",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot %s: the generation of tournament " INT64_FORMAT " is %s",
						action, t->id,
						SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
				 errhint("Wait for it with tourney.wait_for_task.")));
}

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/*
 * Lock a tournament that no generation is working on.  A pending task is
 * refused at once, before waiting for the lock its worker may hold; the
 * check is repeated under the lock.
 */
Tournament *
tournament_lock_idle(int64 tournament_id, const char *action)
{
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_READ);

	tournament_require_no_task(t, action);
	t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	tournament_require_no_task(t, action);
	return t;
}

/*
 * Lock the listed campuses against deletion and refuse unknown or repeated
 * ones.
 */
static void
check_campuses(int64 *campus_ids, int n)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8ARRAYOID};
	Datum		args[1];
	int64	   *sorted;
	uint64		found = 0;

	if (n == 0)
		return;
	sorted = palloc(sizeof(int64) * n);
	memcpy(sorted, campus_ids, sizeof(int64) * n);
	qsort(sorted, n, sizeof(int64), int64_cmp);
	for (int i = 1; i < n; i++)
		if (sorted[i] == sorted[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("campus " INT64_FORMAT " is listed twice", sorted[i])));

	/* the campuses that exist, in id order, locked against deletion */
	args[0] = tourney_int8_array_datum(sorted, n);
	tourney_plan(&plan,
				 "SELECT campus_id FROM tourney.campuses"
				 " WHERE campus_id = ANY ($1) ORDER BY campus_id FOR KEY SHARE",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	for (int i = 0; i < n; i++)
	{
		bool		isnull;

		if (found < SPI_processed &&
			DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[found], SPI_tuptable->tupdesc,
										1, &isnull)) == sorted[i])
			found++;
		else
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("campus " INT64_FORMAT " does not exist", sorted[i])));
	}
}

/* number_of_rounds as given (given = not NULL), checked; 0 stands for NULL. */
int32
tournament_check_rounds(TourneyFormat format, bool given, int32 rounds)
{
	if (format == FORMAT_KNOCKOUT)
	{
		if (given)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("number_of_rounds must be null for a knockout tournament"),
					 errdetail("A knockout has ceil(log2(players)) rounds.")));
		return 0;
	}
	if (format == FORMAT_ROUND_ROBIN)
	{
		if (given && rounds != 1 && rounds != 2)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("number_of_rounds of a round robin must be 1 or 2, not %d", rounds),
					 errdetail("It counts the cycles: 2 asks for a double round robin.")));
		return given ? rounds : 1;
	}
	if (given && (rounds < 1 || rounds > TOURNEY_MAX_ROUNDS))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number_of_rounds must be between 1 and %d, not %d",
						TOURNEY_MAX_ROUNDS, rounds)));
	if (format == FORMAT_INDIVIDUAL_RANKING)
		return given ? rounds : 1;
	return given ? rounds : 0;	/* swiss: NULL means ceil(log2 N) */
}

int64
tournament_create(const char *name, TourneyFormat format, int scoring,
				  bool higher_wins, int32 rounds, bool third_place,
				  int64 *campus_ids, int ncampuses)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[8] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	INT4OID, BOOLOID, INT8ARRAYOID};
	Datum		args[8];
	char		nulls[8] = "        ";
	int64		id;

	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tournament name must not be empty")));
	check_campuses(campus_ids, ncampuses);

	id = tourney_mint_ids("tournament_id_seq", 1);
	args[0] = Int64GetDatum(id);
	args[1] = CStringGetTextDatum(name);
	args[2] = CStringGetTextDatum(tourney_format_names[format]);
	args[3] = CStringGetTextDatum(tourney_scoring_names[scoring]);
	args[4] = CStringGetTextDatum(higher_wins ? "desc" : "asc");
	args[5] = Int32GetDatum(rounds);
	nulls[5] = rounds > 0 ? ' ' : 'n';
	args[6] = BoolGetDatum(third_place);
	args[7] = tourney_int8_array_datum(campus_ids, ncampuses);
	tourney_plan(&plan,
				 "INSERT INTO tourney.tournaments (tournament_id, name, format,"
				 " scoring_type, ranking_direction, number_of_rounds,"
				 " third_place_playoff, campus_ids)"
				 " VALUES ($1, $2, $3::tourney.tournament_format,"
				 " $4::tourney.scoring_type, $5::tourney.ranking_direction, $6, $7, $8)",
				 8, argtypes);
	tourney_exec(plan, args, nulls, false, 0);
	return id;
}

Datum
tourney_create_tournament(PG_FUNCTION_ARGS)
{
	TourneyFormat format;
	int			scoring;
	bool		higher_wins;
	int32		rounds;
	int64	   *campus_ids;
	int			ncampuses;
	int64		id;

	tourney_require_arg(fcinfo, 0, "name");
	tourney_require_arg(fcinfo, 1, "format");
	tourney_require_arg(fcinfo, 2, "scoring_type");
	tourney_require_arg(fcinfo, 5, "third_place_playoff");
	tourney_require_arg(fcinfo, 6, "campus_ids");

	format = tourney_parse_enum(PG_GETARG_TEXT_PP(1), tourney_format_names,
								"tournament format");
	scoring = tourney_parse_enum(PG_GETARG_TEXT_PP(2), tourney_scoring_names,
								 "scoring type");
	if (PG_ARGISNULL(3))
		higher_wins = strcmp(tourney_scoring_names[scoring], "time_based") != 0;
	else
	{
		const char *const directions[] = {"asc", "desc", NULL};

		higher_wins = tourney_parse_enum(PG_GETARG_TEXT_PP(3), directions,
										 "ranking direction") == 1;
	}
	rounds = tournament_check_rounds(format, !PG_ARGISNULL(4),
						  PG_ARGISNULL(4) ? 0 : PG_GETARG_INT32(4));
	campus_ids = tourney_int8_array(PG_GETARG_ARRAYTYPE_P(6), "campus_ids", &ncampuses);

	SPI_connect();
	tasks_recover_if_needed();
	id = tournament_create(text_to_cstring(PG_GETARG_TEXT_PP(0)), format, scoring,
						   higher_wins, rounds, PG_GETARG_BOOL(5),
						   campus_ids, ncampuses);
	SPI_finish();
	PG_RETURN_INT64(id);
}

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

	if (tourney_merge_players(&existence, rows, n, sizeof(EnrolRow), false,
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
	tourney_plan(&plan_any,
				 "SELECT FROM tourney.enrollments WHERE tournament_id = $1 LIMIT 1",
				 1, argtypes);
	tourney_exec(plan_any, args, NULL, false, 1);
	if (SPI_processed == 0)
		return;

	tourney_plan(&plan_enrolled,
				 "SELECT e.player_id FROM unnest($2) u(id) JOIN tourney.enrollments e"
				 " ON e.tournament_id = $1 AND e.player_id = u.id LIMIT 1",
				 2, argtypes);
	tourney_exec(plan_enrolled, args, NULL, false, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("player " INT64_FORMAT " is already enrolled in tournament " INT64_FORMAT,
						DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1, &isnull)),
						tournament_id)));

	tourney_plan(&plan_seed,
				 "SELECT e.seed FROM tourney.enrollments e"
				 " WHERE e.tournament_id = $1 AND e.seed = ANY ($2) LIMIT 1",
				 2, seedtypes);
	tourney_exec(plan_seed, seedargs, NULL, false, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("seed %d is already taken in tournament " INT64_FORMAT,
						DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1, &isnull)),
						tournament_id)));
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

int32
tournament_enroll(int64 tournament_id, int64 *player_ids, int32 *seeds,
				  bool *seed_nulls, int n)
{
	Datum		args[3];
	Tournament *t;
	EnrolRow   *rows;
	Datum	   *ids;
	Datum	   *seed_values;
	bool	   *seed_isnull;
	int			dims[1] = {n};
	int			lbs[1] = {1};

	t = tournament_lock_idle(tournament_id, "enroll players");
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
	return n;
}

Datum
tourney_enroll(PG_FUNCTION_ARGS)
{
	int64	   *player_ids;
	int32	   *seeds = NULL;
	bool	   *seed_nulls = NULL;
	int			n;
	int32		enrolled;

	tourney_require_arg(fcinfo, 0, "tournament_id");
	tourney_require_arg(fcinfo, 1, "player_ids");
	player_ids = tourney_int8_array(PG_GETARG_ARRAYTYPE_P(1), "player_ids", &n);
	if (!PG_ARGISNULL(2))
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(2);
		Datum	   *values;
		int			nseeds;

		if (ARR_NDIM(a) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("seeds must be a one-dimensional array")));
		deconstruct_array(a, INT4OID, 4, true, TYPALIGN_INT, &values, &seed_nulls, &nseeds);
		if (nseeds != n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("seeds has %d elements but player_ids has %d", nseeds, n),
					 errhint("Give one seed (or NULL) per player.")));
		seeds = palloc(sizeof(int32) * Max(n, 1));
		for (int i = 0; i < n; i++)
			seeds[i] = DatumGetInt32(values[i]);
	}

	SPI_connect();
	tasks_recover_if_needed();
	tourney_bulk_settings();
	enrolled = tournament_enroll(PG_GETARG_INT64(0), player_ids, seeds, seed_nulls, n);
	SPI_finish();
	PG_RETURN_INT32(enrolled);
}

/*
 * Enrolled players with their ratings, in seeding order (explicit seeds
 * first, then rating, best first, then player id) or, by_id, in player_id
 * order.  Enrolments and players are both read in player_id order through
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

static SeededPlayer *
enrolled_players(int64 tournament_id, bool by_id, int32 *count)
{
	static SPIPlanPtr plans[2];
	static PlayerColumn ratings = {"rating", NULL, NULL};
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	PlayerList	list = {NULL, 0, 0};
	SeededPlayer *players;

	/* in player_id order the seeds are not needed: the index alone will do */
	tourney_plan(&plans[by_id],
				 psprintf("SELECT player_id, %s FROM tourney.enrollments"
						  " WHERE tournament_id = $1 ORDER BY player_id",
						  by_id ? "NULL::int" : "seed"),
				 1, argtypes);
	tourney_scan(plans[by_id], args, false, add_enrolled_player, NULL, &list);
	*count = (int32) list.count;
	if (list.count == 0)
		return palloc(sizeof(SeededPlayer));
	tourney_merge_enrolled(&ratings, list.items, list.count, sizeof(EnrolledPlayer), false,
						   set_rating, NULL);
	if (!by_id)
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

SeededPlayer *
tournament_seeded_players(int64 tournament_id, int32 *count)
{
	return enrolled_players(tournament_id, false, count);
}

SeededPlayer *
tournament_player_ratings(int64 tournament_id, int32 *count)
{
	return enrolled_players(tournament_id, true, count);
}

void
tournament_complete(int64 tournament_id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);

	tournament_require_state(t, STATUS_IN_PROGRESS, "complete the tournament");
	if (!t->ranked)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot complete tournament " INT64_FORMAT ": its rankings are not calculated",
						tournament_id),
				 errhint("Call tourney.calculate_rankings first.")));
	tourney_plan(&plan,
				 "UPDATE tourney.tournaments SET status = 'completed', completed_at = now()"
				 " WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
}

Datum
tourney_complete_tournament(PG_FUNCTION_ARGS)
{
	tourney_require_arg(fcinfo, 0, "tournament_id");
	SPI_connect();
	tasks_recover_if_needed();
	tournament_complete(PG_GETARG_INT64(0));
	SPI_finish();
	PG_RETURN_VOID();
}
