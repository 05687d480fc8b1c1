/*
 * tournament.c: the tournament row: creating it, reading and locking it
 * for the other phases, its state checks, and completion.
 */
#include "tourney/lifecycle.h"

#include "storage/lock.h"
#include "utils/builtins.h"

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
		plan = query_prepare(&plan_lock, psprintf("%s FOR NO KEY UPDATE", columns),
							 1, argtypes);
	else
		plan = query_prepare(&plan_read, columns, 1, argtypes);
	query_exec(plan, args, NULL, access == TOURNAMENT_SNAPSHOT, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("tournament " INT64_FORMAT " does not exist", tournament_id)));

	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	t = palloc0(sizeof(Tournament));
	t->id = tournament_id;
	t->format = format_by_name(SPI_getvalue(row, desc, 1));
	if (t->format == NULL)
		elog(ERROR, "tournament " INT64_FORMAT " has an unknown format", tournament_id);
	t->higher_wins = DatumGetBool(SPI_getbinval(row, desc, 2, &isnull));
	t->number_of_rounds = DatumGetInt32(SPI_getbinval(row, desc, 3, &isnull));
	if (isnull)
		t->number_of_rounds = 0;
	t->third_place = DatumGetBool(SPI_getbinval(row, desc, 4, &isnull));
	t->status = tourney_label_index(tourney_status_names, SPI_getvalue(row, desc, 5));
	t->generated_at = SPI_getvalue(row, desc, 6);
	t->generated = t->generated_at != NULL;
	t->ranked = DatumGetBool(SPI_getbinval(row, desc, 7, &isnull));
	t->campus_ids = query_int8_values(DatumGetArrayTypeP(SPI_getbinval(row, desc, 8, &isnull)),
									  "campus_ids", &t->ncampuses);
	return t;
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

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/*
 * Lock the listed campuses against deletion and refuse unknown or repeated
 * ones.
 */
static void
check_campuses(const int64 *campus_ids, int n)
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
	args[0] = query_int8_array(sorted, n);
	query_prepare(&plan,
				  "SELECT campus_id FROM tourney.campuses"
				  " WHERE campus_id = ANY ($1) ORDER BY campus_id FOR KEY SHARE",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 0);
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

int64
tournament_create(const char *name, const FormatRoutine *format, int scoring,
				  bool higher_wins, int32 rounds, bool third_place,
				  const int64 *campus_ids, int ncampuses)
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

	id = id_mint("tournament_id_seq", 1);
	args[0] = Int64GetDatum(id);
	args[1] = CStringGetTextDatum(name);
	args[2] = CStringGetTextDatum(format->name);
	args[3] = CStringGetTextDatum(tourney_scoring_names[scoring]);
	args[4] = CStringGetTextDatum(higher_wins ? "desc" : "asc");
	args[5] = Int32GetDatum(rounds);
	nulls[5] = rounds > 0 ? ' ' : 'n';
	args[6] = BoolGetDatum(third_place);
	args[7] = query_int8_array(campus_ids, ncampuses);
	query_prepare(&plan,
				  "INSERT INTO tourney.tournaments (tournament_id, name, format,"
				  " scoring_type, ranking_direction, number_of_rounds,"
				  " third_place_playoff, campus_ids)"
				  " VALUES ($1, $2, $3::tourney.tournament_format,"
				  " $4::tourney.scoring_type, $5::tourney.ranking_direction, $6, $7, $8)",
				  8, argtypes);
	query_exec(plan, args, nulls, false, 0);
	return id;
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
	query_prepare(&plan,
				  "UPDATE tourney.tournaments SET status = 'completed', completed_at = now()"
				  " WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan, args, NULL, false, 0);
}

