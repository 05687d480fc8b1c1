/*
 * tourney/format.h: tournament formats, the pure layer.
 *
 * A format is a routine table (FormatRoutine) in the registry
 * (formats/registry.c), looked up once when a tournament is read, in the
 * way PostgreSQL's index access methods fill an IndexAmRoutine: the
 * lifecycle calls the format's routines and never tests which format it
 * has.  Adding a format is one file in src/formats/ and one entry in the
 * registry.
 *
 * Format code is pure: no SPI, no catalog access.  It takes players and
 * results and hands rows to a sink (PlanSink) or orders players
 * (RankTable); errors are ereport()s like everywhere else.  A format file
 * includes this header and nothing else.
 */
#ifndef TOURNEY_FORMAT_H
#define TOURNEY_FORMAT_H

#include "tourney/tourney.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/numeric.h"

/* The values of sessions.stage. */
typedef enum TourneyStage
{
	STAGE_MAIN,
	STAGE_THIRD_PLACE
} TourneyStage;

#define TOURNEY_STAGE_COUNT (STAGE_THIRD_PLACE + 1)

extern const char *const tourney_stage_names[TOURNEY_STAGE_COUNT + 1];

/* One session row of a plan. */
typedef struct PlannedSession
{
	int64		session_id;
	int32		round;
	int32		match_number;
	TourneyStage stage;
	int64		campus_id;		/* 0: none (the generation driver sets it) */
	int64		next_session_id;	/* 0: none */
	int16		next_slot;
	int64		loser_next_session_id;	/* 0: none */
	int16		loser_next_slot;
} PlannedSession;

/* One participant row known when its session is planned. */
typedef struct PlannedParticipant
{
	int64		session_id;
	int16		slot;
	int64		player_id;
} PlannedParticipant;

/*
 * Where a plan goes: sessions and participants in session_id order, and
 * byes (a player sits a round out without a session).
 */
typedef struct PlanSink
{
	void		(*session) (struct PlanSink *sink, const PlannedSession *s);
	void		(*participant) (struct PlanSink *sink, const PlannedParticipant *p);
	void		(*bye) (struct PlanSink *sink, int32 round, int64 player_id);
} PlanSink;

/* Sessions per round of a tournament, as its format counts them. */
typedef struct RoundCounts
{
	int32		rounds;
	int64	   *sessions;		/* [1..rounds], all stages of the round */
	int64		total;
	int32		planned_rounds; /* rounds written at generation (1..rounds) */
	int32		number_of_rounds;	/* tournaments.number_of_rounds to store; 0: NULL */
} RoundCounts;

/* A player as the pairing of a later round sees them; index = seed - 1. */
typedef struct PairingPlayer
{
	int64		player_id;
	int32		points2;		/* points times two */
	bool		had_bye;
	int32		nopponents;
	int32	   *opponents;		/* indexes of earlier opponents */
} PairingPlayer;

/* A pairing of a later round: player indexes, the higher-ranked first. */
typedef int32 PairedPlayers[2];

/*
 * A player as ranking sees them: the tally of their results so far.  Kept
 * to 48 bytes: a million-player tournament holds a million of them.
 */
typedef struct RankedPlayer
{
	int64		player_id;
	Numeric		score_for;		/* NULL: no score yet (0) */
	Numeric		score_against;	/* NULL: 0 */
	int32		wins;
	int32		draws;
	int32		losses;
	int32		rank;
	int32		lost_round;		/* first round lost in the main stage; 0: none */
	int8		third_place;	/* 0 not played, 1 won, 2 lost */
	bool		had_bye;
} RankedPlayer;

/* Every player of a tournament with their results, by player_id. */
typedef struct RankTable
{
	const Tournament *t;
	RankedPlayer *players;
	int64		count;
	Numeric		zero;
	void	   *format_state;	/* per player, kept by the format's rank_prepare */
} RankTable;

typedef enum RankOutcome
{
	RANK_LOSS,
	RANK_DRAW,
	RANK_WIN
} RankOutcome;

/* What a correction that changes a session's winner invalidates. */
typedef enum FormatCascade
{
	CASCADE_NONE,				/* nothing depends on a winner */
	CASCADE_ADVANCEMENT,		/* the sessions winner and loser moved on to */
	CASCADE_LATER_ROUNDS		/* every later round (paired from the results) */
} FormatCascade;

typedef struct FormatRoutine
{
	const char *name;			/* its tourney.tournament_format label */
	int32		min_players;
	int			participants;	/* per session: 1 or 2 */
	bool		allows_draws;	/* a two-player session may end level */
	bool		has_byes;		/* players sit rounds out (tourney.byes), and it counts */
	FormatCascade cascade;

	/* number_of_rounds as create_tournament stores it (0: NULL), checked */
	int32		(*check_rounds) (bool given, int32 rounds);

	/* sessions per round for this many players; refuses what cannot be */
	void		(*count_rounds) (const Tournament *t, int32 players, RoundCounts *counts);

	/* the sessions written at generation (counts->planned_rounds rounds) */
	void		(*plan) (const Tournament *t, int32 players, int64 first_id,
						 const SeededPlayer *seeded, PlanSink *sink);

	/*
	 * The next round from the results so far (players in seed order):
	 * returns the pairs (npairs) and the bye (-1: none), or -1 when no
	 * pairing is possible.  NULL: every round is planned at generation.
	 */
	int32		(*pair_next) (PairingPlayer *players, int32 count,
							  PairedPlayers *pairs, int32 *bye);

	/*
	 * Ranking.  rank_prepare (optional) runs once every result is
	 * tallied; with rank_opponent set, each two-player result is then
	 * shown again from both sides; with ranks_from_prepare, rank_prepare
	 * has set every rank (a ladder), else players are ordered by
	 * rank_compare (0: they share a rank) and given competition ranks.
	 */
	void		(*rank_prepare) (RankTable *rt);
	void		(*rank_opponent) (RankTable *rt, int64 player, int64 opponent,
								  RankOutcome outcome);
	bool		ranks_from_prepare;
	int			(*rank_compare) (const RankedPlayer *a, const RankedPlayer *b,
								 const RankTable *rt);
	Datum		(*rank_points) (const RankedPlayer *p, const RankTable *rt);
	Datum		(*rank_tiebreaks) (const RankedPlayer *p, const RankTable *rt);
} FormatRoutine;

/* registry.c */
extern const FormatRoutine *format_by_name(const char *name);
extern const char *const *format_names(void);
extern void format_check_round_count(bool given, int32 rounds);
extern void format_require_players(const Tournament *t, int32 players);
extern void format_count_even_rounds(RoundCounts *counts, int32 rounds, int64 per_round);
extern Numeric format_or_zero(const RankTable *rt, Numeric value);
extern Datum format_no_tiebreaks(const RankedPlayer *p, const RankTable *rt);
extern Datum format_tiebreaks(Numeric first, Numeric second);
extern Datum format_wins_as_points(const RankedPlayer *p, const RankTable *rt);

/* the formats */
extern const FormatRoutine knockout_format;
extern const FormatRoutine individual_format;
extern const FormatRoutine round_robin_format;
extern const FormatRoutine swiss_format;

/* knockout.c: the single-elimination bracket */
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

/* round_robin.c: the Berger tables */
extern int32 round_robin_table_size(int32 players);
extern int32 round_robin_rounds(int32 players, int32 cycles);
extern void round_robin_pairing(int32 n, int32 round, int32 board, int32 *white, int32 *black);

/* campus.c: spreading each round's sessions over campuses */
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

#endif							/* TOURNEY_FORMAT_H */
