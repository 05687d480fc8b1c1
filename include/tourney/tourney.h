/*
 * tourney/tourney.h: what every layer of tourney shares: the configuration
 * parameters, limits, the tournament as the code sees it, and a few core
 * helpers (tourney.c).
 *
 * The layers, and the one direction their calls go (each has its header):
 *
 *   api (SQL entry points)       tourney/api.h
 *    -> async (tasks, workers)   tourney/async.h
 *     -> lifecycle               tourney/lifecycle.h
 *      -> formats, rating        tourney/format.h, tourney/rating.h (pure)
 *      -> timetable              tourney/timetable.h (pure: courts in time)
 *      -> storage                tourney/storage.h
 *
 * Formats, rating and timetable call nothing and reach no table; storage
 * knows the tables but no rule of a tournament.
 */
#ifndef TOURNEY_TOURNEY_H
#define TOURNEY_TOURNEY_H

#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/fmgrprotos.h"

/* GUCs (tourney.c) */
extern int	tourney_async_threshold;
extern int	tourney_max_workers;
extern int	tourney_task_retries;
extern int	tourney_node_id;
extern int	tourney_worker_idle_timeout;

/* tourney.max_workers' upper bound (and the most workers ever idle) */
#define TOURNEY_MAX_WORKERS_LIMIT 64

/* Rows per cursor fetch: bounds the memory of every bulk read. */
#define TOURNEY_BATCH_ROWS 32768

/* Largest tournament the extension accepts (players). */
#define TOURNEY_MAX_PLAYERS (1 << 24)
#define TOURNEY_MAX_ROUNDS 1024

/* The labels of tourney.tournament_status, in declaration order. */
typedef enum TourneyStatus
{
	STATUS_DRAFT,
	STATUS_IN_PROGRESS,
	STATUS_COMPLETED,
	STATUS_CANCELLED
} TourneyStatus;

/* tournaments.grand_final (double elimination) */
typedef enum GrandFinal
{
	GRAND_FINAL_NONE,
	GRAND_FINAL_SIMPLE,
	GRAND_FINAL_DOUBLE
} GrandFinal;

/* tournaments.group_tiebreak (groups_knockout) */
typedef enum GroupTiebreak
{
	TIEBREAK_OVERALL,
	TIEBREAK_HEAD_TO_HEAD
} GroupTiebreak;

extern const char *const tourney_status_names[];
extern const char *const tourney_scoring_names[];
extern const char *const tourney_grand_final_names[];
extern const char *const tourney_group_tiebreak_names[];

struct FormatRoutine;

/* A tournament row, as the functions need it. */
typedef struct Tournament
{
	int64		id;
	const struct FormatRoutine *format; /* looked up once, when read */
	bool		higher_wins;	/* ranking_direction = desc */
	int32		number_of_rounds;	/* 0 when NULL */
	bool		third_place;
	GrandFinal	grand_final;	/* double elimination */
	int32		group_count;	/* groups_knockout; 0 otherwise */
	int32		advance_per_group;
	GroupTiebreak group_tiebreak;
	TourneyStatus status;
	bool		generated;		/* sessions_generated_at IS NOT NULL */
	char	   *generated_at;	/* text of sessions_generated_at, or NULL */
	bool		ranked;			/* rankings_calculated_at IS NOT NULL */
	int			ncampuses;
	int64	   *campus_ids;
	/* schedule_sessions' parameters, kept for the sessions written later */
	bool		scheduled;		/* schedule_starts_at IS NOT NULL */
	int64		schedule_starts_at; /* TimestampTz */
	int32		match_minutes;
	int32		rest_minutes;
	int32		schedule_courts;	/* the implicit venue's; 0 when NULL */
	/* a catalog of 0.1 not yet updated has no walkovers, withdrawals, tallies or counts */
	bool		schema_0_2;		/* the schema is 0.2's: sessions.walkover, tallies, progress, ... */
	int32		withdrawn_players;
} Tournament;

/* An enrolled player in seeding order. */
typedef struct SeededPlayer
{
	int64		player_id;
	double		rating;
} SeededPlayer;

/* What a generation did, as its task records it. */
typedef struct GenerationTimings
{
	double		generation_ms;
	double		db_write_ms;
	int64		session_count;
} GenerationTimings;

/* tourney.c */
extern int	tourney_label_index(const char *const *labels, const char *value);
extern void *tourney_grow(void *items, int64 count, int64 *allocated, size_t size);
extern int	tourney_int64_cmp(const void *a, const void *b);
extern int64 *tourney_sorted_ids(const int64 *ids, int n, int *distinct);
extern double tourney_elapsed_ms(instr_time start);

static inline int
tourney_numeric_cmp(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

#endif							/* TOURNEY_TOURNEY_H */
