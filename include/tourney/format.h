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

/*
 * The values of sessions.stage.  main and third_place come first and keep
 * their numbers: simulate_results seeds each session's generator with it.
 */
typedef enum TourneyStage
{
	STAGE_MAIN,
	STAGE_THIRD_PLACE,
	STAGE_WINNERS,
	STAGE_LOSERS,
	STAGE_GRAND_FINAL,
	STAGE_GRAND_FINAL_RESET,
	STAGE_GROUP
} TourneyStage;

#define TOURNEY_STAGE_COUNT (STAGE_GROUP + 1)

extern const char *const tourney_stage_names[TOURNEY_STAGE_COUNT + 1];

/*
 * One session row of a plan.  Its wave is the set of sessions that can be
 * played at once (a round; in a double elimination a winners' round and
 * the losers' round beside it): each wave is spread over the campuses.
 */
typedef struct PlannedSession
{
	int64		session_id;
	TourneyStage stage;
	int16		pool;			/* the group, 0 for none */
	int32		round;			/* within its stage */
	int32		match_number;	/* within its stage, pool and round */
	int32		wave;
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
 * byes (a player sits a round out without a session).  Session ids are
 * minted in an order in which every session comes after the sessions that
 * feed it (simulate_results plays them in that order).
 */
typedef struct PlanSink
{
	void		(*session) (struct PlanSink *sink, const PlannedSession *s);
	void		(*participant) (struct PlanSink *sink, const PlannedParticipant *p);
	void		(*bye) (struct PlanSink *sink, int32 round, int64 player_id);
} PlanSink;

/* Sessions per wave of a tournament, as its format counts them. */
typedef struct WaveCounts
{
	int32		waves;
	int64	   *sessions;		/* [1..waves] */
	int64		total;
	int32		planned_waves;	/* waves written at generation (1..waves) */
	int32		number_of_rounds;	/* tournaments.number_of_rounds to store; 0: NULL */
} WaveCounts;

/*
 * The format options of create_tournament as given (a negative value or
 * false *_given: not given); the format checks them and fills in a
 * Tournament's settings.
 */
typedef struct FormatOptions
{
	bool		rounds_given;
	int32		rounds;
	int			third_place;	/* -1: not given, else 0 or 1 */
	int			grand_final;	/* -1, or a GrandFinal */
	bool		group_count_given;
	int32		group_count;
	bool		advance_given;
	int32		advance_per_group;
	int			group_tiebreak; /* -1, or a GroupTiebreak */
} FormatOptions;

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

/* One player of a group, in the group's table. */
typedef struct PoolMember
{
	int64		player_id;
	int32		seed;			/* the player's seed in the whole field (1 = best) */
	int32		played;
	int32		wins;
	int32		draws;
	int32		losses;
	int32		points;			/* 3 a win, 1 a draw */
	Numeric		score_for;
	Numeric		score_against;
	Numeric		difference;
	int32		place;			/* 1..n, set by groups_order_pool */
} PoolMember;

/* One result of a group: members by index, slot 1 first. */
typedef struct PoolResult
{
	int32		a;
	int32		b;
	Numeric		score_a;
	Numeric		score_b;
	int8		outcome;		/* for a: 1 win, 0 draw, -1 loss */
} PoolResult;

typedef struct PoolTable
{
	int16		pool;
	PoolMember *members;		/* by player_id */
	int32		nmembers;
	PoolResult *results;
	int32		nresults;
	bool		complete;		/* every game of the group has its result */
} PoolTable;

/* A player's place in their group, as ranking keeps it. */
typedef struct PoolPlace
{
	int64		player_id;
	int16		pool;			/* 0: not in a group */
	int32		place;
	int32		points;
	Numeric		difference;
	Numeric		score_for;
	/* the rest of the group table's row */
	int32		played;
	int32		wins;
	int32		draws;
	int32		losses;
	Numeric		score_against;
} PoolPlace;

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
	int32		lost_round;		/* the format's: the round of the loss that places the player */
	int8		mark;			/* the format's: a final's outcome (1 won, 2 lost) */
	bool		had_bye;
} RankedPlayer;

/* Every player of a tournament with their results, by player_id. */
typedef struct RankTable
{
	const Tournament *t;
	RankedPlayer *players;
	int64		count;
	int64		field;			/* players of the tournament: count, or more in a partial table */
	Numeric		zero;
	const PoolPlace *pools;		/* by player, when the format has groups */
	bool		later_stage;	/* the stage written after the groups exists */
	void	   *format_state;	/* per player, kept by the format's rank_prepare */
} RankTable;

typedef enum RankOutcome
{
	RANK_LOSS,
	RANK_DRAW,
	RANK_WIN
} RankOutcome;

/* A session with a result, as ranking is shown it: players by index. */
typedef struct RankSession
{
	TourneyStage stage;
	int32		round;
	int			n;
	int64		players[2];		/* slot order */
	int32		placements[2];
} RankSession;

/*
 * What a format writes after generation, when results complete what it
 * depends on (rounds.c does it; corrections undo it).
 */
typedef enum FormatLater
{
	LATER_NONE,					/* every session is written at generation */
	LATER_PAIRED_ROUNDS,		/* each round is paired from the one before (Swiss) */
	LATER_KNOCKOUT_STAGE,		/* a knockout from the group tables */
	LATER_RESET					/* a grand-final reset, when the losers' winner takes the final */
} FormatLater;

typedef struct FormatRoutine
{
	const char *name;			/* its tourney.tournament_format label */
	int32		min_players;
	int			participants;	/* per session: 1 or 2 */
	uint32		draw_stages;	/* stages (bits) whose two-player sessions may end level */
	bool		has_byes;		/* players sit rounds out (tourney.byes), and it counts */
	bool		has_pools;		/* players play in groups (enrollments.pool) */
	bool		has_grand_final;	/* tournaments.grand_final applies */
	bool		advances;		/* winners and losers move on along next_session_id */
	uint32		round_robin_stages; /* stages (bits) where everyone meets everyone */
	FormatLater later;

	/* create_tournament: the options as given, checked; fills t's settings */
	void		(*check_options) (const FormatOptions *given, Tournament *t);

	/* sessions per wave for this many players; refuses what cannot be */
	void		(*count_waves) (const Tournament *t, int32 players, WaveCounts *counts);

	/* the sessions written at generation (counts->planned_waves waves) */
	void		(*plan) (const Tournament *t, int32 players, int64 first_id,
						 const SeededPlayer *seeded, PlanSink *sink);

	/*
	 * LATER_PAIRED_ROUNDS: the next round from the results so far (players
	 * in seed order): returns the pairs (npairs) and the bye (-1: none),
	 * or -1 when no pairing is possible.
	 */
	int32		(*pair_next) (PairingPlayer *players, int32 count,
							  PairedPlayers *pairs, int32 *bye);

	/*
	 * Ranking.  rank_session (optional) is shown every session with a
	 * result after its players' wins, draws, losses and scores are counted;
	 * rank_prepare (optional) runs once every result is tallied; with
	 * rank_opponent set, each two-player result is then shown again from
	 * both sides; with ranks_from_prepare, rank_prepare has set every rank
	 * (a ladder), else players are ordered by rank_compare (0: they share
	 * a rank) and given competition ranks.
	 */
	void		(*rank_session) (RankTable *rt, const RankSession *s);
	void		(*rank_prepare) (RankTable *rt);
	void		(*rank_opponent) (RankTable *rt, int64 player, int64 opponent,
								  RankOutcome outcome);
	bool		ranks_from_prepare;
	int			(*rank_compare) (const RankedPlayer *a, const RankedPlayer *b,
								 const RankTable *rt);
	Datum		(*rank_points) (const RankedPlayer *p, const RankTable *rt);
	Datum		(*rank_tiebreaks) (const RankedPlayer *p, const RankTable *rt);

	/*
	 * The player's place in the order of rank_compare as a numeric[] key,
	 * ascending is better and equal keys share a rank (what standings
	 * reads by index); after rank_prepare, of a table that may hold only
	 * some players (field says how many the tournament has).  *fixed_rank
	 * gets a rank the format sets instead of counting (a ladder), else 0.
	 */
	Datum		(*rank_key) (const RankedPlayer *p, const RankTable *rt, int32 *fixed_rank);
} FormatRoutine;

#define FORMAT_STAGE_BIT(stage) (1u << (stage))

static inline bool
format_allows_draw(const FormatRoutine *f, TourneyStage stage)
{
	return (f->draw_stages & FORMAT_STAGE_BIT(stage)) != 0;
}

/*
 * Scheduling: what a session written later waits for besides the
 * sessions that feed it: every session of the stages in *stages (bits)
 * and of round *round of them (0: every round) ends, and its players
 * rest, before it starts.  False: nothing.
 */
extern bool format_schedule_after(const FormatRoutine *f, TourneyStage stage, int32 round,
								  uint32 *stages, int32 *after_round);

/* registry.c */
extern const FormatRoutine *format_by_name(const char *name);
extern const char *const *format_names(void);
extern void format_refuse_other_options(const FormatOptions *given, const FormatRoutine *format);
extern int32 format_round_count(const FormatOptions *given, int32 unset);
extern int32 format_cycles(const FormatOptions *given, const char *what);
extern void format_require_players(const Tournament *t, int32 players);
extern void format_count_even_waves(WaveCounts *counts, int32 waves, int64 per_wave);
extern Numeric format_or_zero(const RankTable *rt, Numeric value);
extern Datum format_no_tiebreaks(const RankedPlayer *p, const RankTable *rt);
extern Datum format_tiebreaks(Numeric first, Numeric second);
extern Datum format_wins_as_points(const RankedPlayer *p, const RankTable *rt);
extern int	format_rank_by_ladder(const RankedPlayer *a, const RankedPlayer *b,
								  const RankTable *rt);
extern Numeric format_negate(Numeric x);
extern bool format_session_won(const RankSession *s, int i);
extern Datum format_rank_key(int n, const Numeric *parts);
extern Datum format_ladder_key(const RankedPlayer *p, const RankTable *rt, int32 *fixed_rank);

/* the formats */
extern const FormatRoutine knockout_format;
extern const FormatRoutine individual_format;
extern const FormatRoutine round_robin_format;
extern const FormatRoutine swiss_format;
extern const FormatRoutine double_elimination_format;
extern const FormatRoutine groups_knockout_format;

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
extern void knockout_count(const KnockoutLayout *k, int32 first_wave, WaveCounts *counts);
extern void knockout_plan_bracket(const KnockoutLayout *k, int32 first_wave, int64 first_id,
								  const SeededPlayer *seeded, PlanSink *sink);
extern void knockout_rank_session(RankTable *rt, const RankSession *s);
extern void knockout_ladder(RankedPlayer *p, int32 rounds);

/* round_robin.c: the Berger tables */
extern int32 round_robin_table_size(int32 players);
extern int32 round_robin_rounds(int32 players, int32 cycles);
extern void round_robin_pairing(int32 n, int32 round, int32 board, int32 *white, int32 *black);

/* double_elim.c: the reset a grand final may call for */
extern void double_elimination_plan_reset(const Tournament *t, int32 players, int64 session_id,
										  int64 winners_player, int64 losers_player,
										  PlanSink *sink);

/* groups.c */
extern int16 groups_pool_of_seed(int32 groups, int32 seed);
extern void groups_order_pool(PoolTable *pt, GroupTiebreak rule);
extern void groups_qualifier_order(const Tournament *t, PoolPlace *const *qualifiers,
								   int32 count, int32 *seeds);

/* campus.c: spreading each wave's sessions over campuses */
typedef struct CampusSpread
{
	int			ncampuses;
	const int64 *campus_ids;
	const int32 *capacities;	/* 0: unlimited */
	/* per wave, filled by campus_spread_wave() */
	int64		sessions;
	int64		full_cycles;
	int			start;
	int		   *extras;			/* campuses (indexes) that take one more */
	int			nextras;
} CampusSpread;

extern bool campus_spread_wave(CampusSpread *cs, int32 wave, int64 sessions);
extern int64 campus_for_session(const CampusSpread *cs, int64 index_in_wave);

#endif							/* TOURNEY_FORMAT_H */
