/*
 * tourney/lifecycle.h: a tournament from creation to completion: the
 * tournament row and its lock, the field of enrolled players, generation,
 * the rounds written after results, result entry and corrections,
 * simulation, rankings and standings.  The lifecycle asks the formats
 * (pure) what to do and the storage layer to do it; it knows nothing of
 * tasks or workers.
 *
 * Lock order, on every path: the tournament lock (tournament_lock), then
 * row locks of its sessions (session_lock), so the two never wait on each
 * other in a cycle.
 */
#ifndef TOURNEY_LIFECYCLE_H
#define TOURNEY_LIFECYCLE_H

#include "tourney/format.h"
#include "tourney/rating.h"
#include "tourney/storage.h"

#include "funcapi.h"

/* tournament.c */
typedef enum TournamentAccess
{
	TOURNAMENT_SNAPSHOT,		/* in a read-only function: its snapshot, no lock */
	TOURNAMENT_READ,			/* a fresh snapshot, no lock */
	TOURNAMENT_SHARE,			/* result entry: many at once, none during LOCK */
	TOURNAMENT_LOCK				/* phases that change state or rewrite results */
} TournamentAccess;

extern Tournament *tournament_lock(int64 tournament_id, TournamentAccess access);
extern int64 tournament_create(const Tournament *t, const char *name, int scoring);
extern void tournament_require_state(const Tournament *t, TourneyStatus status,
									 const char *action);
extern void tournament_complete(int64 tournament_id);

/* field.c: the enrolled players */
extern int32 field_enroll(const Tournament *t, const int64 *player_ids, const int32 *seeds,
						  const bool *seed_nulls, int n);
extern int32 field_count(int64 tournament_id);
extern SeededPlayer *field_seeded_players(int64 tournament_id, int32 *count);
extern SeededPlayer *field_player_ratings(int64 tournament_id, int32 *count);
extern void field_write_pools(const Tournament *t, const SeededPlayer *seeded, int32 count);

/* session.c: a session as result entry reads and locks it */
typedef struct ResultSession
{
	int64		session_id;
	TourneyStage stage;
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

typedef struct LockedSession
{
	ResultSession s;
	int64		tournament_id;
	int32		round;
	int32		match_number;
	bool		submitted;
	int64		winner_id;		/* 0: none */
} LockedSession;

extern int64 session_tournament(int64 session_id, const FormatRoutine **format);
extern void session_lock(int64 session_id, LockedSession *ls);
extern int	session_read_participants(int64 tournament_id, ResultSession *s, Datum *stored);
extern void session_require_scorable(const Tournament *t, LockedSession *ls, int nscores,
									 Datum *stored);

/* generate.c */
typedef struct WaveWriter WaveWriter;

extern void (*generate_progress_hook) (int64 tournament_id, const char *phase,
									   int64 done, int64 total);
extern void generate_require_draft(const Tournament *t);
extern void generate_load_campuses(const Tournament *t, CampusSpread *campus);
extern void generate_check(const Tournament *t, int32 players, WaveCounts *counts,
						   CampusSpread *campus);
extern void generate_sessions(Tournament *t, GenerationTimings *timings);
extern void wave_counts_init(WaveCounts *counts, int32 waves);
extern WaveWriter *wave_writer_begin(const Tournament *t, const WaveCounts *counts,
									 CampusSpread *campus);
extern PlanSink *wave_writer_sink(WaveWriter *w);
extern int64 wave_writer_planned(const WaveWriter *w);
extern void wave_writer_end(WaveWriter *w, GenerationTimings *timings);

/* pools.c: the group tables */
typedef void (*PoolTableFn) (PoolTable *pt, void *arg);

extern void pools_scan(const Tournament *t, bool read_only, PoolTableFn fn, void *arg);

/* pairing.c: the next round of a paired format */
extern bool pairing_after_round(Tournament *t, int32 round);
extern bool pairing_after_results(Tournament *t);

/* rounds.c: what results complete, and what a correction undoes */
extern void rounds_after_result(Tournament *t, const LockedSession *ls, int winner);
extern bool rounds_after_results(Tournament *t);
extern Datum rounds_undo(Tournament *t, const LockedSession *ls, bool winner_changed,
						 Datum reset, bool cascade);
extern void rounds_refuse_without_cascade(int64 session_id, Datum dependents);

/* results.c */
typedef struct ResultWriter ResultWriter;

extern int	result_place_scores(const Tournament *t, int n, const Datum *scores,
								int32 *placements);
extern void result_check_outcome(const Tournament *t, const ResultSession *s, int n,
								 int winner);
extern ResultWriter *result_writer_begin(const Tournament *t, bool one_result);
extern int	result_writer_add(ResultWriter *w, const ResultSession *s, const Datum *scores,
							  bool advance);
extern void result_writer_end(ResultWriter *w);
extern void result_submit(int64 session_id, const Datum *scores, int nscores);

/* corrections.c */
extern Datum correction_apply(int64 session_id, const Datum *scores, int nscores,
							  bool cascade);

/* simulate.c */
extern int64 simulate_tournament(int64 tournament_id, int64 seed);

/* rankings.c, tally.c */
extern int64 rankings_calculate(int64 tournament_id);
extern void rankings_standings(int64 tournament_id, ReturnSetInfo *rsinfo);
extern void rankings_group_tables(int64 tournament_id, ReturnSetInfo *rsinfo);
extern int64 tally_calculate(const Tournament *t);
extern void tally_standings(const Tournament *t, ReturnSetInfo *rsinfo);

#endif							/* TOURNEY_LIFECYCLE_H */
