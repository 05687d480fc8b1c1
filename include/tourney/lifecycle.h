/*
 * tourney/lifecycle.h: a tournament from creation to completion: the
 * tournament row and its lock, the field of enrolled players, generation,
 * the rounds written after results, result entry and corrections,
 * simulation, rankings and standings.  The lifecycle asks the formats
 * (pure) what to do and the storage layer to do it; it knows nothing of
 * tasks or workers.
 *
 * Locks (locks.c), in the order every path takes them:
 *   1. a live change's request_id (LOCK_REQUEST);
 *   2. the tournament lock (tournament_lock): a heavyweight lock on the
 *      tournament id, not a row lock, so that thousands of result
 *      submissions a second share it without writing the row; shared by
 *      result entry and the live changes of the schedule, exclusive for
 *      the phases that rewrite results (simulate, correct, rank,
 *      complete), for state changes and for schedule_sessions;
 *   3. row locks of its sessions (session_lock);
 *   3a. where a result may complete a Swiss round or a group stage
 *      (completion.c): the set's completion lock (LOCK_COMPLETION,
 *      exclusive, released at once unless the result may be the last),
 *      the result's marker on its session (LOCK_RESULT), and for a
 *      possible last result the other results' markers, each waited for
 *      and released;
 *   4. the tournament's schedule (LOCK_SCHEDULE): whoever writes its
 *      sessions' times;
 *   5. campuses, in campus_id order (LOCK_CAMPUS): exclusive to place
 *      sessions around a campus's bookings (schedule_sessions, the
 *      sessions written later, close_campus, delay_sessions, the guards
 *      of hours and closures), shared by moves onto single courts;
 *   6. courts, in (campus, court) order (LOCK_COURT): a move onto one.
 * update_ratings, after 2 (exclusive) and instead of 3-6:
 *   7. the ratings (LOCK_RATINGS, one key, exclusive): one rating period
 *      at a time, so that a tournament sharing players with one being
 *      rated waits, then reads the ratings that one wrote instead of
 *      overwriting them;
 *   8. the players' rows, in player_id order, as their new ratings are
 *      written (by TID, after the read): even without 7, two rating
 *      updates of tournaments that share players would meet in the same
 *      order and never wait for each other in a cycle.  A player's row
 *      that something else changed between update_ratings' read and its
 *      write is a serialization failure (40001), never a lost update.
 * The live changes (move, swap, delay, close) take their row locks after
 * 4-6 and take everything NOWAIT: refused at once with 55P03 when another
 * transaction holds it, they never wait, so no cycle of waits runs through
 * them, and their callers never see a deadlock error.  The other writers
 * of times hold no schedule or campus lock while they wait for a session
 * row, so none waits on them either.
 */
#ifndef TOURNEY_LIFECYCLE_H
#define TOURNEY_LIFECYCLE_H

#include "tourney/format.h"
#include "tourney/rating.h"
#include "tourney/storage.h"
#include "tourney/timetable.h"

#include "funcapi.h"

/* locks.c */
typedef enum TourneyLock
{
	LOCK_TOURNAMENT = 0x7475,	/* 'tu': kept from 0.1 */
	LOCK_SCHEDULE,
	LOCK_CAMPUS,
	LOCK_COURT,
	LOCK_REQUEST,
	LOCK_TASK_CANCEL,
	LOCK_RATINGS,
	LOCK_COMPLETION,
	LOCK_RESULT
} TourneyLock;

extern void locks_take(TourneyLock lock, uint64 key, uint32 sub, bool exclusive, bool nowait,
					   const char *what);
extern bool locks_try(TourneyLock lock, uint64 key, uint32 sub, bool exclusive);
extern void locks_release(TourneyLock lock, uint64 key, uint32 sub, bool exclusive);
extern void locks_take_campuses(const int64 *campus_ids, int n, bool exclusive, bool nowait);

/* tournament.c */
typedef enum TournamentAccess
{
	TOURNAMENT_SNAPSHOT,		/* in a read-only function: its snapshot, no lock */
	TOURNAMENT_READ,			/* a fresh snapshot, no lock */
	TOURNAMENT_SHARE_NOWAIT,	/* a live change of the schedule: SHARE, or 55P03 at once */
	TOURNAMENT_SHARE,			/* result entry: many at once, none during LOCK */
	TOURNAMENT_LOCK				/* phases that change state or rewrite results */
} TournamentAccess;

extern Tournament *tournament_lock(int64 tournament_id, TournamentAccess access);
extern void tournament_require_visible(int64 tournament_id);
extern int64 tournament_create(const Tournament *t, const char *name, int scoring);
extern int32 tournament_campus_index(const Tournament *t, int64 campus_id);
extern int64 tournament_venue_key(const Tournament *t, int64 campus_id);
extern void tournament_require_state(const Tournament *t, TourneyStatus status,
									 const char *action);
extern void tournament_complete(int64 tournament_id);
extern void tournament_require_cancellable(const Tournament *t);
extern void tournament_cancel(int64 tournament_id);

/* field.c: the enrolled players */
extern int32 field_enroll(const Tournament *t, const int64 *player_ids, const int32 *seeds,
						  const bool *seed_nulls, int n);
extern int32 field_count(int64 tournament_id);
extern SeededPlayer *field_seeded_players(int64 tournament_id, int32 *count);
extern SeededPlayer *field_player_ratings(int64 tournament_id, int32 *count);
extern void field_write_pools(const Tournament *t, const SeededPlayer *seeded, int32 count);
extern int32 field_check_in(const Tournament *t, Datum player_ids);
extern int32 field_drop_unchecked(const Tournament *t);

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
	uint8		absent_slots;	/* bit i: slot i + 1 will never have a player (a walkover) */
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
	bool		walkover;		/* decided without play */
	int64		winner_id;		/* 0: none */
} LockedSession;

/* completion.c: results that may complete a Swiss round or a group stage */
extern void completion_enter(const Tournament *t, const LockedSession *ls);

/* a session's row found by key, to be locked once its tournament is */
typedef struct FoundSession
{
	KeyScan    *scan;
	int64		session_id;
	int64		tournament_id;
} FoundSession;

extern FoundSession session_find(int64 session_id);
extern int64 session_tournament(int64 session_id, const FormatRoutine **format);
extern void session_lock_found(const Tournament *t, FoundSession found, LockedSession *ls);
extern void session_lock(const Tournament *t, int64 session_id, LockedSession *ls);
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
extern WaveWriter *wave_writer_begin(Tournament *t, const WaveCounts *counts,
									 CampusSpread *campus);
extern PlanSink *wave_writer_sink(WaveWriter *w);
extern int64 wave_writer_planned(const WaveWriter *w);
extern void wave_writer_end(WaveWriter *w, GenerationTimings *timings);

/* pools.c: the group tables */
typedef void (*PoolTableFn) (PoolTable *pt, void *arg);

extern void pools_scan(const Tournament *t, bool read_only, PoolTableFn fn, void *arg);
extern void pools_scan_pool(const Tournament *t, int16 pool, PoolTableFn fn, void *arg);

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
extern void result_writer_add_walkover(ResultWriter *w, const ResultSession *s, int winner,
									   bool advance);
extern void result_writer_end(ResultWriter *w);
extern void result_submit(int64 session_id, const Datum *scores, int nscores);

/* corrections.c */
extern Datum correction_apply(int64 session_id, const Datum *scores, int nscores,
							  bool cascade);

/* venues.c: a tournament's campuses (or implicit venue) with what is booked there */
typedef struct ScheduleVenues
{
	int32		nvenues;
	TimetableVenue *venues;		/* the campuses in campus_ids order, or the implicit venue */
} ScheduleVenues;

extern void venues_load(const Tournament *t, TimestampTz from, const IdLookup *own,
						ScheduleVenues *sv);

/* schedule.c: a time and a court for every session */
typedef struct ScheduleSummary
{
	int64		sessions;		/* placed */
	int64		unscheduled;	/* left without a place (the hours ran out) */
	TimestampTz ends_at;		/* when the last of them ends; DT_NOBEGIN: none placed */
	TimestampTz lower_bound;	/* of their makespan, in microseconds */
} ScheduleSummary;

extern void schedule_keep_settings(Tournament *t, TimestampTz starts_at, int32 match_minutes,
								   int32 rest_minutes, int32 courts);
extern void schedule_sessions(const Tournament *t, ScheduleSummary *summary);
extern void schedule_written(const Tournament *t, int64 first_id, int64 last_id);
extern void schedule_free(const Tournament *t, Datum ids);
extern TimestampTz schedule_barrier_end(const Tournament *t, uint32 stages, int32 round);

/* schedule_checks.c: the invariants of a schedule, checked over the rows */
typedef struct ScheduleChange
{
	const Tournament *t;
	bool		whole;			/* any scheduled session of t may have changed */
	const int64 *ids;			/* else: the sessions whose time, place or players changed */
	int64		nids;
	TimestampTz from;			/* the earliest start among them */
} ScheduleChange;

extern void schedule_check(const ScheduleChange *c);
extern void schedule_check_campus(int64 campus_id);

/* moves.c, draw.c, closure.c: the live changes (what they share: tourney/live.h) */
extern void live_move_session(int64 session_id, TimestampTz starts_at, int64 campus_id,
							  int32 court, const pg_uuid_t *request_id);
extern void live_swap_sessions(int64 session_a, int64 session_b, const pg_uuid_t *request_id);
extern void live_swap_players(int64 session_a, int32 slot_a, int64 session_b, int32 slot_b,
							  const pg_uuid_t *request_id);
extern int32 live_delay_sessions(int64 tournament_id, TimestampTz from, int32 minutes,
								 const pg_uuid_t *request_id);
extern Datum live_close_campus(int64 tournament_id, int64 campus_id, TimestampTz from,
							   TimestampTz to, const pg_uuid_t *request_id);

/* walkovers.c: sessions decided without play */
extern void walkover_submit(int64 session_id, int32 winner_slot);
extern Datum withdrawal_apply(int64 tournament_id, int64 player_id);
extern void walkovers_settle_fed(Tournament *t, const ResultSession *s);
extern void walkovers_settle_written(Tournament *t, int64 first, int64 last);

/* simulate.c */
extern int64 simulate_tournament(int64 tournament_id, int64 seed);

/* rankings.c, tally.c */
extern int64 rankings_calculate(int64 tournament_id);
extern void rankings_standings(int64 tournament_id, ReturnSetInfo *rsinfo);
extern int64 tally_calculate(const Tournament *t);
/* standings.c: the tallies standings read, kept by result entry */
extern void standings_after_result(const Tournament *t, TourneyStage stage, int32 round, int n,
								   const int64 *player_ids, const Datum *scores,
								   const int32 *placements);
extern void standings_enrolled(const Tournament *t, const int64 *player_ids, int n);
extern void standings_top(int64 tournament_id, int32 top, ReturnSetInfo *rsinfo);

/* ratings.c: a completed tournament as one rating period */
extern int64 ratings_update(int64 tournament_id, const RatingMethod *method,
							const RatingSettings *settings);

/* progress.c: the counts tourney.overview shows */
extern void progress_add(const Tournament *t, int64 players, int64 sessions, int64 results);
extern void progress_recount(const Tournament *t);
extern int32 progress_players(const Tournament *t);

#define TALLY_COLUMNS 22
extern const char *const tally_columns[TALLY_COLUMNS];
extern void tally_row_values(const RankTable *rt, const RankedPlayer *p, Datum *values,
							 bool *nulls);
extern int64 tally_rebuild(const Tournament *t);
extern void tally_count_record(RankTable *rt, const RankSession *rs, int i);
extern void tally_insert_rows(const RankTable *rt);
extern void tally_standings(const Tournament *t, ReturnSetInfo *rsinfo);

#endif							/* TOURNEY_LIFECYCLE_H */
