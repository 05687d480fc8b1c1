/*
 * tournament.c: the tournament row: creating it, reading and locking it
 * for the other phases, its state checks, and completion.
 */
#include "tourney/lifecycle.h"

#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

/* A column of the row read by tournament_lock, or NULL where this schema has none. */
static Datum
optional_column(HeapTuple row, TupleDesc desc, const char *name, bool *isnull)
{
	int			attno = SPI_fnumber(desc, name);

	*isnull = true;
	if (attno <= 0)
		return (Datum) 0;		/* a 0.1 schema: the column came with 0.2 */
	return SPI_getbinval(row, desc, attno, isnull);
}

static int
optional_label(HeapTuple row, TupleDesc desc, const char *name, const char *const *labels,
			   int unset)
{
	int			attno = SPI_fnumber(desc, name);
	char	   *value = attno > 0 ? SPI_getvalue(row, desc, attno) : NULL;

	return value != NULL ? tourney_label_index(labels, value) : unset;
}

/* The settings and state of a tournament row. */
static Tournament *
tournament_from_row(int64 tournament_id, HeapTuple row, TupleDesc desc)
{
	Tournament *t = palloc0(sizeof(Tournament));
	bool		isnull;
	Datum		value;

	t->id = tournament_id;
	t->format = format_by_name(SPI_getvalue(row, desc, SPI_fnumber(desc, "format")));
	if (t->format == NULL)
		elog(ERROR, "tournament " INT64_FORMAT " has an unknown format", tournament_id);
	t->higher_wins = strcmp(SPI_getvalue(row, desc, SPI_fnumber(desc, "ranking_direction")),
							"desc") == 0;
	value = SPI_getbinval(row, desc, SPI_fnumber(desc, "number_of_rounds"), &isnull);
	t->number_of_rounds = isnull ? 0 : DatumGetInt32(value);
	t->third_place = DatumGetBool(SPI_getbinval(row, desc, SPI_fnumber(desc, "third_place_playoff"),
												&isnull));
	t->grand_final = optional_label(row, desc, "grand_final", tourney_grand_final_names,
									GRAND_FINAL_NONE);
	value = optional_column(row, desc, "group_count", &isnull);
	t->group_count = isnull ? 0 : DatumGetInt32(value);
	value = optional_column(row, desc, "advance_per_group", &isnull);
	t->advance_per_group = isnull ? 0 : DatumGetInt32(value);
	t->group_tiebreak = optional_label(row, desc, "group_tiebreak", tourney_group_tiebreak_names,
									   TIEBREAK_OVERALL);
	t->status = tourney_label_index(tourney_status_names,
									SPI_getvalue(row, desc, SPI_fnumber(desc, "status")));
	t->generated_at = SPI_getvalue(row, desc, SPI_fnumber(desc, "sessions_generated_at"));
	t->generated = t->generated_at != NULL;
	(void) SPI_getbinval(row, desc, SPI_fnumber(desc, "rankings_calculated_at"), &isnull);
	t->ranked = !isnull;
	t->campus_ids = query_int8_values(DatumGetArrayTypeP(SPI_getbinval(row, desc,
																	   SPI_fnumber(desc, "campus_ids"),
																	   &isnull)),
									  "campus_ids", &t->ncampuses);
	value = optional_column(row, desc, "withdrawn_players", &isnull);
	t->schema_0_2 = !isnull;
	t->withdrawn_players = isnull ? 0 : DatumGetInt32(value);
	value = optional_column(row, desc, "schedule_starts_at", &isnull);
	t->scheduled = !isnull;
	if (t->scheduled)
	{
		t->schedule_starts_at = DatumGetTimestampTz(value);
		t->match_minutes = DatumGetInt32(optional_column(row, desc, "match_minutes", &isnull));
		t->rest_minutes = DatumGetInt32(optional_column(row, desc, "rest_minutes", &isnull));
		value = optional_column(row, desc, "schedule_courts", &isnull);
		t->schedule_courts = isnull ? 0 : DatumGetInt32(value);
	}
	return t;
}

static void tournament_missing(int64 tournament_id) pg_attribute_noreturn();

static void
tournament_missing(int64 tournament_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("tournament " INT64_FORMAT " does not exist", tournament_id)));
}

/*
 * One probe of the primary key: does the tournament exist in the snapshot
 * (NULL: a fresh one, as a query in this function would see it), and its
 * settings if t is given.  No privilege is checked here.  Result entry
 * reads its tournament so on every call, where a query's executor start
 * costs more than the row.
 */
static bool
tournament_probe(int64 tournament_id, Snapshot snapshot, Tournament **t)
{
	Datum		key = Int64GetDatum(tournament_id);
	KeyScan    *ks = snapshot == NULL ?
		keyscan_begin("tournaments", "tournaments_pkey", 1, &key) :
		keyscan_begin_snapshot("tournaments", "tournaments_pkey", 1, &key, snapshot);
	TupleTableSlot *slot = keyscan_next(ks);

	if (slot != NULL && t != NULL)
	{
		bool		should_free;
		HeapTuple	row = ExecFetchSlotHeapTuple(slot, false, &should_free);

		*t = tournament_from_row(tournament_id, row, slot->tts_tupleDescriptor);
		if (should_free)
			heap_freetuple(row);
	}
	keyscan_end(ks);
	return slot != NULL;
}

/*
 * Read (and lock, see TournamentAccess) a tournament; unknown ids are P0002.
 * The whole row, found by name: the library serves a 0.1 schema too.
 */
Tournament *
tournament_lock(int64 tournament_id, TournamentAccess access)
{
	static SPIPlanPtr plan_lock = NULL;
	static SPIPlanPtr plan_read = NULL;
	const char *row = "SELECT * FROM tourney.tournaments WHERE tournament_id = $1";
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	SPIPlanPtr	plan;

	if (access >= TOURNAMENT_SHARE_NOWAIT)
		locks_take(LOCK_TOURNAMENT, (uint64) tournament_id, 0, access == TOURNAMENT_LOCK,
				   access == TOURNAMENT_SHARE_NOWAIT,
				   psprintf("tournament " INT64_FORMAT, tournament_id));
	/* the owner's reads (the exclusive one locks the row too) */
	if (access == TOURNAMENT_READ || access == TOURNAMENT_SHARE || access == TOURNAMENT_SHARE_NOWAIT)
	{
		Tournament *t;

		if (!tournament_probe(tournament_id, NULL, &t))
			tournament_missing(tournament_id);
		return t;
	}
	if (access == TOURNAMENT_LOCK)
		plan = query_prepare(&plan_lock, psprintf("%s FOR NO KEY UPDATE", row), 1, argtypes);
	else
		plan = query_prepare(&plan_read, row, 1, argtypes);
	query_exec(plan, args, NULL, access == TOURNAMENT_SNAPSHOT, 1);
	/* the planner's estimate may run us before the snapshot shows it */
	if (SPI_processed == 0 && access == TOURNAMENT_SNAPSHOT)
		query_exec_own_latest(plan, args, NULL, 1);
	if (SPI_processed == 0)
		tournament_missing(tournament_id);
	return tournament_from_row(tournament_id, SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
}

/*
 * P0002 unless the tournament exists, for a read-only function in the
 * caller's snapshot and with the caller's rights: the check standings
 * makes on every call, one probe of the primary key.  As in tournament_lock, a tournament that the
 * snapshot does not show is looked for again in this transaction's
 * latest command (query_exec_own_latest says why).
 */
void
tournament_require_visible(int64 tournament_id)
{
	static const char *const key[] = {"tournament_id"};
	bool		found;

	/* a query would need SELECT on the table: so does the probe */
	query_require_select("tournaments", lengthof(key), key);
	found = tournament_probe(tournament_id, ActiveSnapshotSet() ? GetActiveSnapshot() :
							 GetTransactionSnapshot(), NULL);

	if (!found && ActiveSnapshotSet())
	{
		query_push_own_latest();
		found = tournament_probe(tournament_id, GetActiveSnapshot(), NULL);
		PopActiveSnapshot();
	}
	if (!found)
		tournament_missing(tournament_id);
}

/* A campus's place in the tournament's campus_ids (its venue), or -1. */
int32
tournament_campus_index(const Tournament *t, int64 campus_id)
{
	for (int i = 0; i < t->ncampuses; i++)
		if (t->campus_ids[i] == campus_id)
			return i;
	return -1;
}

/* The key of a venue in tourney.bookings: its campus, or minus the tournament (0: its implicit venue). */
int64
tournament_venue_key(const Tournament *t, int64 campus_id)
{
	return campus_id != 0 ? campus_id : -t->id;
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
	qsort(sorted, n, sizeof(int64), tourney_int64_cmp);
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

/* A given id (create_tournament_with_id) must not name a tournament yet. */
static void
require_new_tournament_id(int64 id)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(id)};

	query_prepare(&plan, "SELECT FROM tourney.tournaments WHERE tournament_id = $1", 1, argtypes);
	query_exec(plan, args, NULL, false, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("tournament " INT64_FORMAT " exists already", id)));
}

/*
 * Insert a draft tournament with the settings of t (checked by its
 * format); its id is t->id, or minted when that is 0.  The 0.2 settings
 * are written only where the format has them, so that a 0.1 schema takes
 * the 0.1 formats as before.
 */
int64
tournament_create(const Tournament *t, const char *name, int scoring)
{
	static SPIPlanPtr plans[2];
	Oid			argtypes[12] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
		INT4OID, BOOLOID, INT8ARRAYOID, TEXTOID, INT4OID, INT4OID, TEXTOID
	};
	Datum		args[12];
	char		nulls[12] = "            ";
	bool		settings_0_2 = t->format->has_grand_final || t->format->has_pools;
	int64		id;

	if (name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tournament name must not be empty")));
	check_campuses(t->campus_ids, t->ncampuses);

	id = t->id != 0 ? t->id : id_mint("tournament_id_seq", 1);
	if (t->id != 0)
		require_new_tournament_id(id);
	args[0] = Int64GetDatum(id);
	args[1] = CStringGetTextDatum(name);
	args[2] = CStringGetTextDatum(t->format->name);
	args[3] = CStringGetTextDatum(tourney_scoring_names[scoring]);
	args[4] = CStringGetTextDatum(t->higher_wins ? "desc" : "asc");
	args[5] = Int32GetDatum(t->number_of_rounds);
	nulls[5] = t->number_of_rounds > 0 ? ' ' : 'n';
	args[6] = BoolGetDatum(t->third_place);
	args[7] = query_int8_array(t->campus_ids, t->ncampuses);
	args[8] = CStringGetTextDatum(tourney_grand_final_names[t->grand_final]);
	nulls[8] = t->format->has_grand_final ? ' ' : 'n';
	args[9] = Int32GetDatum(t->group_count);
	args[10] = Int32GetDatum(t->advance_per_group);
	args[11] = CStringGetTextDatum(tourney_group_tiebreak_names[t->group_tiebreak]);
	nulls[9] = nulls[10] = nulls[11] = t->format->has_pools ? ' ' : 'n';
	query_prepare(&plans[settings_0_2],
				  psprintf("INSERT INTO tourney.tournaments (tournament_id, name, format,"
						   " scoring_type, ranking_direction, number_of_rounds,"
						   " third_place_playoff, campus_ids%s)"
						   " VALUES ($1, $2, $3::tourney.tournament_format,"
						   " $4::tourney.scoring_type, $5::tourney.ranking_direction, $6, $7, $8%s)",
						   settings_0_2 ? ", grand_final, group_count, advance_per_group, group_tiebreak" : "",
						   settings_0_2 ? ", $9, $10, $11, $12" : ""),
				  settings_0_2 ? 12 : 8, argtypes);
	query_exec(plans[settings_0_2], args, nulls, false, 0);
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


/* A tournament that may still be called off: draft or in progress; else 55000. */
void
tournament_require_cancellable(const Tournament *t)
{
	if (t->status != STATUS_DRAFT && t->status != STATUS_IN_PROGRESS)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot cancel tournament " INT64_FORMAT ": it is %s", t->id,
						tourney_status_names[t->status]),
				 errdetail("Only a draft or in-progress tournament can be cancelled.")));
}

/*
 * Call a tournament off (its generation tasks are cancelled first, by the
 * caller): status cancelled, and the courts of the sessions it will not
 * play freed; the rows stay.
 */
void
tournament_cancel(int64 tournament_id)
{
	static SPIPlanPtr plan_status = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(tournament_id)};
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);

	tournament_require_cancellable(t);
	query_prepare(&plan_status,
				  "UPDATE tourney.tournaments SET status = 'cancelled' WHERE tournament_id = $1",
				  1, argtypes);
	query_exec(plan_status, args, NULL, false, 0);
	schedule_free(t, (Datum) 0);
}
