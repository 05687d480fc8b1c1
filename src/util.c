/*
 * util.c: prepared SPI plans and cursor scans, argument parsing, id minting
 * and id lookup shared by every entry point.
 */
#include "tourney.h"

#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/formatting.h"
#include "utils/guc.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

/*
 * Prepare a statement once per backend.  Plans are generic on purpose: a
 * new tournament's id lies outside the column statistics, and a custom plan
 * built on "one row expected" turns a bulk phase quadratic.
 */
SPIPlanPtr
tourney_plan(SPIPlanPtr *cache, const char *sql, int nargs, const Oid *argtypes)
{
	if (*cache == NULL)
	{
		SPIPlanPtr	plan;

		plan = SPI_prepare_cursor(sql, nargs, (Oid *) argtypes,
								  CURSOR_OPT_GENERIC_PLAN);
		if (plan == NULL)
			elog(ERROR, "could not prepare \"%s\": %s",
				 sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep plan for \"%s\"", sql);
		*cache = plan;
	}
	return *cache;
}

int
tourney_exec(SPIPlanPtr plan, const Datum *values, const char *nulls,
			 bool read_only, long count)
{
	int			rc;

	rc = SPI_execute_plan(plan, (Datum *) values, nulls, read_only, count);
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	return rc;
}

/*
 * Run a prepared query through a cursor, TOURNEY_BATCH_ROWS rows at a time,
 * handing each row to row_fn and, after each batch, calling batch_end_fn
 * (when given) while the batch's rows are still valid.  The batch is kept
 * apart from SPI_tuptable, which statements that row_fn runs replace.
 */
void
tourney_scan(SPIPlanPtr plan, const Datum *args, bool read_only,
			 TourneyRowFn row_fn, void (*batch_end_fn) (void *arg), void *arg)
{
	Portal		portal = SPI_cursor_open(NULL, plan, (Datum *) args, NULL, read_only);

	for (;;)
	{
		SPITupleTable *batch;
		uint64		rows;

		SPI_cursor_fetch(portal, true, TOURNEY_BATCH_ROWS);
		batch = SPI_tuptable;
		rows = SPI_processed;
		if (rows == 0)
			break;
		for (uint64 i = 0; i < rows; i++)
			row_fn(batch->vals[i], batch->tupdesc, arg);
		if (batch_end_fn != NULL)
			batch_end_fn(arg);
		SPI_freetuptable(batch);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
}

/*
 * Room for one more element in a palloc'd array of *allocated elements
 * holding count: doubled when full (huge allocations allowed).
 */
void *
tourney_grow(void *items, int64 count, int64 *allocated, size_t size)
{
	if (items == NULL)
	{
		*allocated = Max(*allocated, 1024);
		return palloc_extended(size * *allocated, MCXT_ALLOC_HUGE);
	}
	if (count < *allocated)
		return items;
	*allocated *= 2;
	return repalloc_huge(items, size * *allocated);
}

/*
 * Enum arguments arrive as text and are matched case-insensitively.
 */
int
tourney_parse_enum(text *value, const char *const *labels, const char *what)
{
	char	   *given = text_to_cstring(value);
	char	   *lower = str_tolower(given, strlen(given), DEFAULT_COLLATION_OID);
	StringInfoData valid;

	for (int i = 0; labels[i] != NULL; i++)
		if (strcmp(lower, labels[i]) == 0)
			return i;

	initStringInfo(&valid);
	for (int i = 0; labels[i] != NULL; i++)
		appendStringInfo(&valid, "%s%s", i > 0 ? ", " : "", labels[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s: \"%s\"", what, given),
			 errhint("Valid values are: %s.", valid.data)));
	pg_unreachable();
}

void
tourney_require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
}

/*
 * A one-dimensional bigint[] without nulls, as a C array.
 */
int64 *
tourney_int8_array(ArrayType *a, const char *what, int *n)
{
	int64	   *result;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", what)));
	if (array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain nulls", what)));
	Assert(ARR_ELEMTYPE(a) == INT8OID);
	*n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	result = palloc(sizeof(int64) * Max(*n, 1));
	if (*n > 0)
		memcpy(result, ARR_DATA_PTR(a), sizeof(int64) * *n);
	return result;
}

/* The OID of tourney's relation (table, index or sequence) relname. */
Oid
tourney_relid(const char *relname)
{
	Oid			relid = get_relname_relid(relname, get_namespace_oid("tourney", false));

	if (!OidIsValid(relid))
		elog(ERROR, "relation tourney.%s does not exist", relname);
	return relid;
}

/*
 * Reserve `count` consecutive values of a tourney sequence and return the
 * first, stamped with the node id.  The exclusive lock makes nextval and
 * setval one step; it is released at once, as sequences are not
 * transactional anyway.
 */
int64
tourney_mint_ids(const char *sequence, int64 count)
{
	Oid			seqoid = tourney_relid(sequence);
	int64		first;

	Assert(count >= 1);

	LockRelationOid(seqoid, ExclusiveLock);
	first = nextval_internal(seqoid, false);
	if (count > 1)
		DirectFunctionCall2(setval_oid, ObjectIdGetDatum(seqoid),
							Int64GetDatum(first + count - 1));
	UnlockRelationOid(seqoid, ExclusiveLock);

	return ((int64) tourney_node_id << 48) | first;
}

/*
 * A random (version 8) UUID whose first two bytes hold the node id, so
 * ids minted on different nodes can never collide.
 */
void
tourney_mint_uuid(pg_uuid_t *uuid)
{
	if (!pg_strong_random(uuid->data, UUID_LEN))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));
	uuid->data[0] = (unsigned char) (tourney_node_id >> 8);
	uuid->data[1] = (unsigned char) tourney_node_id;
	uuid->data[6] = (uuid->data[6] & 0x0f) | 0x80;
	uuid->data[8] = (uuid->data[8] & 0x3f) | 0x80;
}

double
tourney_elapsed_ms(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_MILLISEC(now);
}

Datum
tourney_int8_array_datum(const int64 *values, int n)
{
	Datum	   *datums = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		datums[i] = Int64GetDatum(values[i]);
	return PointerGetDatum(construct_array(datums, n, INT8OID, sizeof(int64),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * Planner and memory settings for the bulk phases, undone when the calling
 * function returns (its SET search_path opened a GUC nest level; the
 * worker opens one too).  A phase sorts or hashes a whole tournament's rows
 * at once, and its per-row lookups are single-row index probes that a
 * bitmap scan only slows down.
 *
 * Every statement of a phase reads one tournament's rows, and every table
 * it reads leads an index with tournament_id.  The plans are generic, so
 * the planner expects (rows / distinct tournaments) per tournament: once
 * one large tournament dominates a table, that is most of the table, and
 * every small tournament's phase would scan all of it.  Sequential scans
 * are therefore off.
 *
 * No JIT: generic plans cost by the size of the whole tables, not of the
 * tournament at hand; once the tables grow, every phase of a small
 * tournament would pay for compiling (and the backend would keep LLVM
 * mapped).
 */
void
tourney_bulk_settings(void)
{
	(void) set_config_option("work_mem", "64MB", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("enable_bitmapscan", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("enable_seqscan", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

void
id_lookup_init(IdLookup *l, const void *base, int64 count, size_t size)
{
	l->base = base;
	l->size = size;
	l->count = count;
	l->first = count > 0 ? *(const int64 *) base : 0;
	l->dense = count > 0 &&
		*(const int64 *) (l->base + (count - 1) * size) - l->first == count - 1;
}

/* The element with this id, or NULL. */
void *
id_lookup(const IdLookup *l, int64 id)
{
	int64		lo = 0;
	int64		hi = l->count - 1;

	if (l->dense)
		return id >= l->first && id - l->first < l->count ?
			(void *) (l->base + (id - l->first) * l->size) : NULL;
	while (lo <= hi)
	{
		int64		mid = lo + (hi - lo) / 2;
		int64		at = *(const int64 *) (l->base + mid * l->size);

		if (at == id)
			return (void *) (l->base + mid * l->size);
		if (at < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* Reading players rows into the array, both in player_id order. */
typedef struct PlayerMerge
{
	char	   *base;
	int64		count;
	size_t		size;
	int64		next;			/* merge position */
	int64		matched;
	PlayerValueFn fn;
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
	value = SPI_getbinval(row, desc, 2, &isnull);
	m->fn(m->base + m->next * m->size, value, isnull, m->arg);
	m->next++;
	m->matched++;
}

/*
 * Call fn with each listed player's column value (valid during the call)
 * and return how many of them exist.  The players are read in player_id
 * order by id range when their ids are mostly contiguous (players created
 * together), else by id list; either way no player costs an index probe of
 * its own.
 */
int64
tourney_merge_players(PlayerColumn *pc, void *base, int64 count, size_t size,
					  bool read_only, PlayerValueFn fn, void *arg)
{
	PlayerMerge m = {base, count, size, 0, 0, fn, arg};
	Oid			range_types[2] = {INT8OID, INT8OID};
	Oid			listed_types[1] = {INT8ARRAYOID};
	Datum		args[2];
	int64		first;
	int64		last;
	bool		by_range;
	SPIPlanPtr	plan;

	if (count == 0)
		return 0;
	first = *(int64 *) base;
	last = *(int64 *) (m.base + (count - 1) * size);
	by_range = (uint64) last - (uint64) first < 2 * (uint64) count;	/* no signed overflow */
	if (by_range)
	{
		args[0] = Int64GetDatum(first);
		args[1] = Int64GetDatum(last);
	}
	else
	{
		int64	   *ids = palloc_extended(sizeof(int64) * count, MCXT_ALLOC_HUGE);

		for (int64 i = 0; i < count; i++)
			ids[i] = *(int64 *) (m.base + i * size);
		args[0] = tourney_int8_array_datum(ids, (int) count);
		pfree(ids);
	}
	plan = tourney_plan(by_range ? &pc->range : &pc->listed,
						psprintf("SELECT player_id, %s FROM tourney.players"
								 " WHERE %s ORDER BY player_id", pc->column,
								 by_range ? "player_id BETWEEN $1 AND $2" : "player_id = ANY ($1)"),
						by_range ? 2 : 1, by_range ? range_types : listed_types);
	tourney_scan(plan, args, read_only, merge_player_row, NULL, &m);
	return m.matched;
}

/* The same for players that must exist: tourney's enrolled players. */
void
tourney_merge_enrolled(PlayerColumn *pc, void *base, int64 count, size_t size,
					   bool read_only, PlayerValueFn fn, void *arg)
{
	int64		missing = count - tourney_merge_players(pc, base, count, size, read_only,
														fn, arg);

	/* enrolled players cannot be deleted (see the schema's trigger) */
	if (missing != 0)
		elog(ERROR, INT64_FORMAT " enrolled players have no players row", missing);
}
