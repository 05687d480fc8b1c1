/*
 * tourney.h: types and entry points shared by tourney's sources.
 *
 * Data flows one way: SQL entry point (validate, lock) -> format (a pure
 * plan of sessions, no SPI) -> storage (rows written straight into the
 * tables in batches, tablewrite.c).
 */
#ifndef TOURNEY_H
#define TOURNEY_H

#include "postgres.h"

#include "executor/spi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

/* GUCs (tourney.c) */
extern int	tourney_async_threshold;
extern int	tourney_max_workers;
extern int	tourney_task_retries;
extern int	tourney_node_id;
extern int	tourney_worker_idle_timeout;

/* tourney.max_workers' upper bound (and the most workers ever idle, pool.c) */
#define TOURNEY_MAX_WORKERS_LIMIT 64

/* Rows per cursor fetch: bounds the memory of every bulk read. */
#define TOURNEY_BATCH_ROWS 32768

/* Largest tournament the extension accepts (players). */
#define TOURNEY_MAX_PLAYERS (1 << 24)
#define TOURNEY_MAX_ROUNDS 1024

typedef enum TourneyFormat
{
	FORMAT_KNOCKOUT,
	FORMAT_INDIVIDUAL_RANKING,
	FORMAT_ROUND_ROBIN,
	FORMAT_SWISS
} TourneyFormat;

typedef enum TourneyStatus
{
	STATUS_DRAFT,
	STATUS_IN_PROGRESS,
	STATUS_COMPLETED,
	STATUS_CANCELLED
} TourneyStatus;

extern const char *const tourney_format_names[];
extern const char *const tourney_status_names[];
extern const char *const tourney_scoring_names[];

/* A tournament row, as the functions need it. */
typedef struct Tournament
{
	int64		id;
	TourneyFormat format;
	bool		higher_wins;	/* ranking_direction = desc */
	int32		number_of_rounds;	/* 0 when NULL */
	bool		third_place;
	TourneyStatus status;
	bool		generated;		/* sessions_generated_at IS NOT NULL */
	char	   *generated_at;	/* text of sessions_generated_at, or NULL */
	bool		ranked;			/* rankings_calculated_at IS NOT NULL */
	int			ncampuses;
	int64	   *campus_ids;
} Tournament;

/* An enrolled player in seeding order. */
typedef struct SeededPlayer
{
	int64		player_id;
	double		rating;
} SeededPlayer;

/* One session row of a generation plan. */
typedef struct PlannedSession
{
	int64		session_id;
	int32		round;
	int32		match_number;
	bool		third_place;
	int64		next_session_id;	/* 0: none */
	int16		next_slot;
	int64		loser_next_session_id;	/* 0: none */
	int16		loser_next_slot;
} PlannedSession;

/* One participant row known at generation. */
typedef struct PlannedParticipant
{
	int64		session_id;
	int16		slot;
	int64		player_id;
} PlannedParticipant;

/*
 * Where a format's planner hands its rows: sessions and participants, in
 * session_id order.  The generation driver turns them into bulk writes.
 */
typedef struct PlanSink
{
	void		(*session) (struct PlanSink *sink, const PlannedSession *s);
	void		(*participant) (struct PlanSink *sink, const PlannedParticipant *p);
	void		(*bye) (struct PlanSink *sink, int32 round, int64 player_id);
} PlanSink;

/* knockout.c (pure) */
typedef struct KnockoutLayout
{
	int32		players;
	int32		rounds;			/* R = ceil(log2 N) */
	int64		bracket;		/* B = 2^R */
	int32		round1_sessions;	/* N - B/2 */
	bool		third_place;	/* a third-place match is played */
	int64		total_sessions;
} KnockoutLayout;

extern void knockout_layout(KnockoutLayout *k, int32 players, bool third_place);
extern int64 knockout_round_sessions(const KnockoutLayout *k, int32 round);
extern int32 knockout_standard_seed(int64 bracket, int64 position);
extern void knockout_plan(const KnockoutLayout *k, int64 first_id,
						  const SeededPlayer *seeded, PlanSink *sink);

/* individual.c (pure) */
extern int64 individual_total_sessions(int32 players, int32 rounds);
extern void individual_plan(int32 players, int32 rounds, int64 first_id,
							const SeededPlayer *seeded, PlanSink *sink);

/* campus.c (pure) */
typedef struct CampusSpread
{
	int			ncampuses;
	const int64 *campus_ids;
	const int32 *capacities;	/* 0: unlimited */
	/* per round, filled by campus_spread_round() */
	int64		sessions;
	int64		full_cycles;
	int			start;
	int		   *extras;			/* campuses (indexes) that take one more */
	int			nextras;
} CampusSpread;

extern bool campus_spread_round(CampusSpread *cs, int32 round, int64 sessions);
extern int64 campus_for_session(const CampusSpread *cs, int64 index_in_round);

/* round_robin.c (pure) */
extern int32 round_robin_table_size(int32 players);
extern int64 round_robin_round_sessions(int32 players);
extern int32 round_robin_rounds(int32 players, int32 cycles);
extern void round_robin_pairing(int32 n, int32 round, int32 board, int32 *white, int32 *black);
extern void round_robin_plan(int32 players, int32 cycles, int64 first_id,
							 const SeededPlayer *seeded, PlanSink *sink);

/* util.c: SPI plans and cursors, parsing, ids, id lookup */
extern Oid	tourney_relid(const char *relname);
extern SPIPlanPtr tourney_plan(SPIPlanPtr *cache, const char *sql,
							   int nargs, const Oid *argtypes);
extern int	tourney_exec(SPIPlanPtr plan, const Datum *values, const char *nulls,
						 bool read_only, long count);

typedef void (*TourneyRowFn) (HeapTuple row, TupleDesc desc, void *arg);

extern void tourney_scan(SPIPlanPtr plan, const Datum *args, bool read_only,
						 TourneyRowFn row_fn, void (*batch_end_fn) (void *arg),
						 void *arg);
extern void *tourney_grow(void *items, int64 count, int64 *allocated, size_t size);

/* A tid column's value (PostgreSQL 15 has no DatumGetItemPointer). */
#define DatumGetTid(d) (*(ItemPointer) DatumGetPointer(d))

/* tablewrite.c: rows written straight into tourney's tables */
typedef struct BulkInsert BulkInsert;

extern BulkInsert *bulk_insert_begin(const char *relname, int ncols,
									 const char *const *colnames);
extern void bulk_insert_add(BulkInsert *b, const Datum *values, const bool *nulls);
extern void bulk_insert_flush(BulkInsert *b);
extern void bulk_insert_end(BulkInsert *b);
extern int64 bulk_insert_rows_written(const BulkInsert *b);
extern double bulk_insert_write_ms(const BulkInsert *b);

typedef struct TidUpdate TidUpdate;

extern TidUpdate *tid_update_begin(const char *relname, int ncols,
								   const char *const *colnames);
extern void tid_update_keep_checks(TidUpdate *u);
extern void bulk_insert_keep_checks(BulkInsert *b);
extern void tid_update_row(TidUpdate *u, ItemPointer tid, const Datum *values,
						   const bool *nulls);
extern void tid_update_end(TidUpdate *u);

extern int	tourney_parse_enum(text *value, const char *const *labels,
							   const char *what);
extern void tourney_require_arg(FunctionCallInfo fcinfo, int argno, const char *name);
extern int64 *tourney_int8_array(ArrayType *a, const char *what, int *n);
extern Datum tourney_int8_array_datum(const int64 *values, int n);
extern int64 tourney_mint_ids(const char *sequence, int64 count);
extern void tourney_mint_uuid(pg_uuid_t *uuid);
extern double tourney_elapsed_ms(instr_time start);

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

/*
 * One column of tourney.players merged into an array of players in
 * ascending player_id order (a leading int64), with the caller's plans.
 */
typedef struct PlayerColumn
{
	const char *column;
	SPIPlanPtr	range;			/* players by id range */
	SPIPlanPtr	listed;			/* players by id list */
} PlayerColumn;

typedef void (*PlayerValueFn) (void *player, Datum value, bool isnull, void *arg);

extern int64 tourney_merge_players(PlayerColumn *pc, void *base, int64 count, size_t size,
								   bool read_only, PlayerValueFn fn, void *arg);
extern void tourney_merge_enrolled(PlayerColumn *pc, void *base, int64 count, size_t size,
								   bool read_only, PlayerValueFn fn, void *arg);
extern void tourney_bulk_settings(void);

/* checks.c */
struct ResultRelInfo;
extern void table_use_kept_checks(struct ResultRelInfo *rri);

/* keyscan.c (in functions that write: it sees their earlier writes) */
typedef struct KeyScan KeyScan;

extern KeyScan *keyscan_begin(const char *relname, const char *indexname, int nkeys,
							  const Datum *keys);
extern struct TupleTableSlot *keyscan_next(KeyScan *ks);
extern void keyscan_end(KeyScan *ks);
extern AttrNumber keyscan_attnum(KeyScan *ks, const char *column);

/* tournament.c */
/* How tournament_lock reads the row. */
typedef enum TournamentAccess
{
	TOURNAMENT_SNAPSHOT,		/* in a read-only function: its snapshot, no lock */
	TOURNAMENT_READ,			/* a fresh snapshot, no lock */
	TOURNAMENT_SHARE,			/* result entry: many at once, none during LOCK */
	TOURNAMENT_LOCK				/* phases that change state or rewrite results */
} TournamentAccess;

extern Tournament *tournament_lock(int64 tournament_id, TournamentAccess access);
extern int64 tournament_create(const char *name, TourneyFormat format, int scoring,
							   bool higher_wins, int32 rounds, bool third_place,
							   int64 *campus_ids, int ncampuses);
extern int32 tournament_check_rounds(TourneyFormat format, bool given, int32 rounds);
extern int32 tournament_enroll(int64 tournament_id, int64 *player_ids,
							   int32 *seeds, bool *seed_nulls, int n);
extern void tournament_complete(int64 tournament_id);
extern SeededPlayer *tournament_seeded_players(int64 tournament_id, int32 *count);
extern SeededPlayer *tournament_player_ratings(int64 tournament_id, int32 *count);
extern void tournament_require_state(const Tournament *t, TourneyStatus status,
									 const char *action);
extern void tournament_require_no_task(const Tournament *t, const char *action);
extern Tournament *tournament_lock_idle(int64 tournament_id, const char *action);
extern int64 session_tournament(int64 session_id, TourneyFormat *format);

/* Per-round session counts of a tournament. */
typedef struct RoundCounts
{
	int32		rounds;
	int64	   *sessions;		/* [1..rounds], all stages of the round */
	int64		total;
} RoundCounts;

/* generate.c, store.c */
typedef struct GenerationTimings
{
	double		generation_ms;
	double		db_write_ms;
	int64		session_count;
} GenerationTimings;

typedef struct PlanWriter PlanWriter;

extern void campus_spread_load(const Tournament *t, CampusSpread *campus);
extern PlanWriter *plan_writer_begin(const Tournament *t, const RoundCounts *counts,
									 CampusSpread *campus);
extern PlanSink *plan_writer_sink(PlanWriter *w);
extern void plan_writer_end(PlanWriter *w, GenerationTimings *timings);
extern int32 swiss_rounds(const Tournament *t, int32 players);

extern BulkInsert *participants_insert_begin(void);
extern void participant_insert(BulkInsert *b, int64 tournament_id, int64 session_id,
							   int16 slot, int64 player_id);
extern void generate_require_draft(const Tournament *t);
extern void generate_tournament_sessions(Tournament *t, GenerationTimings *timings);
extern pg_uuid_t *generate_sessions_request(int64 tournament_id, int async,
											GenerationTimings *timings, bool *queued);

extern void (*generation_progress_hook) (int64 tournament_id, const char *phase,
										 int64 done, int64 total);

/* tasks.c */
typedef struct ClaimedTask
{
	int64		tournament_id;
	Oid			requested_by;
	Oid			connected_as;
	int32		attempts;
} ClaimedTask;

extern void task_record_done(int64 tournament_id, const pg_uuid_t *task_id,
							 const GenerationTimings *timings);
extern void task_enqueue(int64 tournament_id, const pg_uuid_t *task_id);
extern bool task_adopt(const pg_uuid_t *task_id);
extern bool task_claim(const pg_uuid_t *task_id, bool adopted, ClaimedTask *claimed);
extern void task_finish_done(const pg_uuid_t *task_id, const GenerationTimings *timings);
extern void task_finish_failed(const pg_uuid_t *task_id, const char *message,
							   const char *sqlstate, bool retry);
extern void tasks_recover(bool grace);
extern void tasks_recover_if_needed(void);
extern void tasks_wake_waiters(void);

/* worker.c */

/* What a task or recovery worker is started (or handed a task) with. */
typedef struct TaskWorkerArgs
{
	Oid			database;
	Oid			role;			/* session user; InvalidOid: a recovery worker */
	pg_uuid_t	task_id;
	VirtualTransactionId dispatcher;	/* transaction to wait for */
	int			max_workers;	/* the dispatcher's settings */
	int			task_retries;
	int			idle_timeout;	/* ms */
} TaskWorkerArgs;

extern bool task_dispatch(const pg_uuid_t *task_id, Oid database, Oid role);
extern bool recovery_dispatch(Oid database);
extern bool task_worker_start(const TaskWorkerArgs *args);
extern void tourney_register_launcher(void);

/* pool.c */
extern void pool_install_hooks(void);
extern bool pool_hand_over(const TaskWorkerArgs *task);
extern void pool_retire_idle(void);
extern bool pool_wait_for_task(TaskWorkerArgs *task, volatile sig_atomic_t *stop);

/* results.c */
typedef struct ResultWriter ResultWriter;

/* A session's stored facts, as results need them. */
typedef struct ResultSession
{
	int64		session_id;
	int64		next_session_id;
	int16		next_slot;
	int64		loser_next_session_id;
	int16		loser_next_slot;
	int			nparticipants;
	int64		player_ids[2];
	uint8		unstored_slots; /* bit i: slot i + 1 has no row yet */
	/* where the rows were read, in this transaction, under the lock */
	ItemPointerData session_tid;
	ItemPointerData participant_tids[2];
} ResultSession;

/* A session locked for a result. */
typedef struct LockedSession
{
	ResultSession s;
	int64		tournament_id;
	int32		round;
	bool		submitted;
	int64		winner_id;		/* 0: none */
} LockedSession;

extern ResultWriter *result_writer_begin(const Tournament *t, bool one_result);
extern int result_writer_add_ex(ResultWriter *w, const ResultSession *s,
								 const Datum *scores, bool advance);
extern int	numeric_compare(Datum a, Datum b);
extern int	place_scores(const Tournament *t, int n, const Datum *scores, int32 *placements);
extern void check_outcome(const Tournament *t, int64 session_id, int n, int winner);
extern Datum *score_array(ArrayType *a, int *n);
extern void lock_session(int64 session_id, LockedSession *ls);
extern int	read_participants(int64 tournament_id, ResultSession *s, Datum *stored);
extern void require_scorable(const Tournament *t, LockedSession *ls, int nscores,
							 Datum *stored);
extern void result_writer_add(ResultWriter *w, const ResultSession *s,
							  const Datum *scores);
extern void result_writer_end(ResultWriter *w);
extern int	result_expected_participants(TourneyFormat format);

/* simulate.c */
extern int64 simulate_tournament(int64 tournament_id, int64 seed);

/* swiss.c */
extern void swiss_plan_round_one(int32 players, int64 first_id,
								 const SeededPlayer *seeded, PlanSink *sink);
extern void swiss_pair_after_round(Tournament *t, int32 round);

/* rankings.c */
extern int64 rankings_calculate(int64 tournament_id);

/* tally.c: every format but Swiss */
extern int64 tally_calculate(const Tournament *t, int32 main_rounds);
extern void tally_standings(const Tournament *t, int32 main_rounds, ReturnSetInfo *rsinfo);

#endif							/* TOURNEY_H */
