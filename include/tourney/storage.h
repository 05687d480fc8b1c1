/*
 * tourney/storage.h: reaching tourney's tables: prepared SPI queries and
 * cursor scans, rows written straight into the tables (BulkInsert,
 * TidUpdate, the plan writer), rows read by key, compiled CHECK
 * constraints, minted ids and lookups by id.  Storage knows the tables and
 * no rule of a tournament.
 */
#ifndef TOURNEY_STORAGE_H
#define TOURNEY_STORAGE_H

#include "tourney/format.h"

#include "executor/spi.h"
#include "utils/uuid.h"

/* query.c: prepared plans, cursors, parameters */
extern Oid	query_relid(const char *relname);
extern Oid	query_require_select(const char *relname, int ncolumns, const char *const *columns);
extern AttrNumber query_attnum(Oid relid, const char *column);

/* attribute numbers of columns of one table, kept by a per-call reader */
#define COLUMN_MAP_SIZE 32
typedef struct ColumnMap
{
	Oid			relid;			/* of the table the numbers are for */
	AttrNumber	attnums[COLUMN_MAP_SIZE];
} ColumnMap;

extern const AttrNumber *query_column_map(ColumnMap *map, Oid relid, int ncolumns,
										  const char *const *columns);
extern SPIPlanPtr query_prepare(SPIPlanPtr *cache, const char *sql,
								int nargs, const Oid *argtypes);
extern int	query_exec(SPIPlanPtr plan, const Datum *values, const char *nulls,
					   bool read_only, long count);

typedef void (*QueryRowFn) (HeapTuple row, TupleDesc desc, void *arg);

extern void query_scan(SPIPlanPtr plan, const Datum *args, bool read_only,
					   QueryRowFn row_fn, void (*batch_end_fn) (void *arg), void *arg);
extern int64 query_int8(HeapTuple row, TupleDesc desc, int column);
extern int32 query_int4(HeapTuple row, TupleDesc desc, int column);
extern void query_push_own_latest(void);
extern int	query_exec_own_latest(SPIPlanPtr plan, const Datum *values, const char *nulls,
								  long count);
extern int	query_exec_fresh(SPIPlanPtr plan, const Datum *values, const char *nulls,
							 long count);
extern void query_scan_fresh(SPIPlanPtr plan, const Datum *args, QueryRowFn row_fn,
							 void (*batch_end_fn) (void *arg), void *arg);
extern int64 *query_int8_values(ArrayType *a, const char *what, int *n);
extern Datum query_int8_array(const int64 *values, int n);
extern Datum query_result_ids(void);
extern Datum query_stage_labels(void);
extern void query_bulk_settings(void);
extern void query_merge_join_settings(void);
extern void query_lookup_settings(void);
extern void query_work_mem(const char *size);

/* A tid column's value (PostgreSQL 15 has no DatumGetItemPointer). */
#define DatumGetTid(d) (*(ItemPointer) DatumGetPointer(d))

/* tablewrite.c: rows written straight into tourney's tables */
typedef struct BulkInsert BulkInsert;

extern BulkInsert *bulk_insert_begin(const char *relname, int ncols,
									 const char *const *colnames);
extern void bulk_insert_keep_checks(BulkInsert *b);
extern void bulk_insert_add(BulkInsert *b, const Datum *values, const bool *nulls);
extern void bulk_insert_flush(BulkInsert *b);
extern void bulk_insert_end(BulkInsert *b);
extern int64 bulk_insert_rows_written(const BulkInsert *b);
extern double bulk_insert_write_ms(const BulkInsert *b);

typedef struct TidUpdate TidUpdate;

extern TidUpdate *tid_update_begin(const char *relname, int ncols,
								   const char *const *colnames);
extern void tid_update_keep_checks(TidUpdate *u);
extern void tid_update_row(TidUpdate *u, ItemPointer tid, const Datum *values,
						   const bool *nulls);
extern void tid_update_end(TidUpdate *u);

/* checks.c: CHECK constraints compiled once per table */
struct ResultRelInfo;
extern void checks_use_kept(struct ResultRelInfo *rri);

/* keyscan.c (in functions that write: it sees their earlier writes) */
typedef struct KeyScan KeyScan;

extern KeyScan *keyscan_begin(const char *relname, const char *indexname, int nkeys,
							  const Datum *keys);
extern KeyScan *keyscan_begin_snapshot(const char *relname, const char *indexname, int nkeys,
									   const Datum *keys, Snapshot snapshot);
extern void keyscan_rescan(KeyScan *ks, const Datum *keys);
extern struct TupleTableSlot *keyscan_next(KeyScan *ks);
extern void keyscan_release(KeyScan *ks);
extern struct TupleTableSlot *keyscan_lock(KeyScan *ks, LockTupleMode mode);
extern void keyscan_end(KeyScan *ks);
extern void keyscan_columns(struct TupleTableSlot *row, ColumnMap *map, int ncolumns,
							const char *const *columns, Datum *values, bool *nulls);
extern AttrNumber keyscan_attnum(KeyScan *ks, const char *column);

/* planwriter.c: a plan's rows into sessions, participants and byes */
typedef struct PlanWriter PlanWriter;

extern PlanWriter *plan_writer_begin(int64 tournament_id);
extern PlanSink *plan_writer_sink(PlanWriter *w);
extern int64 plan_writer_sessions_written(const PlanWriter *w);
extern void plan_writer_end(PlanWriter *w, GenerationTimings *timings);
extern BulkInsert *plan_writer_participants_begin(void);
extern void plan_writer_participant_add(BulkInsert *b, int64 tournament_id,
										int64 session_id, int16 slot, int64 player_id);

/* ids.c: minted ids, and elements of arrays found by id */
/*
 * An id is its node's stamp shifted by ID_NODE_SHIFT, or'ed with a local
 * part.  A proxy mints the local parts of tournaments from
 * ID_PROXY_TOURNAMENT_FIRST on (tourney_proxy's tournament_local_seq), so
 * that they never meet those of a node's own tournament_id_seq.
 */
#define ID_NODE_SHIFT 48
#define ID_LOCAL_MASK ((INT64CONST(1) << ID_NODE_SHIFT) - 1)
#define ID_PROXY_TOURNAMENT_FIRST (INT64CONST(1) << 47)
extern int64 id_mint(const char *sequence, int64 count);
extern void id_mint_uuid(pg_uuid_t *uuid);

/*
 * Elements of an array in ascending order of a leading int64 id (players
 * by player_id), found by id: by offset when the ids are one contiguous
 * run, as players created together are, by binary search otherwise.
 */
typedef struct IdLookup
{
	const char *base;
	size_t		size;
	int64		count;
	int64		first;			/* id of the first element */
	bool		dense;			/* ids are first, first + 1, ... */
} IdLookup;

extern void id_lookup_init(IdLookup *l, const void *base, int64 count, size_t size);
extern void *id_lookup(const IdLookup *l, int64 id);
extern int64 id_number(int64 *ids, int64 count, IdLookup *lookup);

/* players.c: one column of tourney.players merged into an array */
typedef struct PlayerColumn
{
	const char *column;
	SPIPlanPtr	range;			/* players by id range */
	SPIPlanPtr	listed;			/* players by id list */
} PlayerColumn;

typedef void (*PlayerValueFn) (void *player, Datum value, bool isnull, void *arg);
typedef void (*PlayerRowFn) (void *player, HeapTuple row, TupleDesc desc, void *arg);

extern int64 players_merge(PlayerColumn *pc, void *base, int64 count, size_t size,
						   bool read_only, PlayerValueFn fn, void *arg);
extern void players_merge_enrolled(PlayerColumn *pc, void *base, int64 count, size_t size,
								   bool read_only, PlayerValueFn fn, void *arg);
extern void players_merge_enrolled_rows(PlayerColumn *pc, void *base, int64 count, size_t size,
										bool read_only, PlayerRowFn fn, void *arg);

#endif							/* TOURNEY_STORAGE_H */
