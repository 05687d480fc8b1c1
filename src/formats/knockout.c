/*
 * knockout.c: the single-elimination bracket, computed arithmetically.
 *
 * Pure: no SPI, no catalog access.  Session ids are a contiguous block in
 * (round, match) order, so every advancement target is a formula and the
 * plan streams out in id order without holding the bracket in memory.
 *
 * Bracket of B = 2^R positions; round 1 position p (0-based) pairs the
 * seeds at standard-order places 2p and 2p+1.  A pair whose lower seed is
 * above N is a bye: its upper seed enters round 2 directly and no round 1
 * session exists for it, so real round 1 matches are numbered 1..N-B/2 in
 * bracket order.
 *
 * Ranking is the ladder (knockout_ladder).  Double elimination and the
 * knockout after a group stage reuse the bracket's arithmetic.
 */
#include "tourney/format.h"

void
knockout_layout(KnockoutLayout *k, int32 players, bool third_place)
{
	Assert(players >= 2);
	k->players = players;
	k->rounds = 0;
	while (((int64) 1 << k->rounds) < players)
		k->rounds++;
	k->bracket = (int64) 1 << k->rounds;
	k->round1_sessions = (int32) (players - k->bracket / 2);
	k->third_place = third_place && players >= 4;
	k->total_sessions = players - 1 + (k->third_place ? 1 : 0);
}

/* Sessions of stage main in a round (1-based). */
int64
knockout_round_sessions(const KnockoutLayout *k, int32 round)
{
	if (round == 1)
		return k->round1_sessions;
	return k->bracket >> round;
}

/*
 * Seed (1-based) at 0-based place `position` of the standard order of a
 * bracket of size `bracket`: 1, B, B/2, B/2+1, ... (B = 8: 1 8 4 5 2 7 3 6).
 * The order of size 2L interleaves each seed x of the order of size L with
 * its opponent 2L + 1 - x.
 */
int32
knockout_standard_seed(int64 bracket, int64 position)
{
	if (bracket == 1)
		return 1;
	if (position & 1)
		return (int32) (bracket + 1 - knockout_standard_seed(bracket / 2, position >> 1));
	return knockout_standard_seed(bracket / 2, position >> 1);
}

/* First session id of a main round; the third-place session comes last. */
static int64
round_first_id(const KnockoutLayout *k, int64 first_id, int32 round)
{
	int64		id = first_id;

	for (int32 r = 1; r < round; r++)
		id += knockout_round_sessions(k, r);
	return id;
}

/* Slot taken in the next round by the winner of bracket match m (0-based). */
static inline int16
slot_of(int64 m)
{
	return (int16) ((m & 1) + 1);
}

static void
emit_round_one(const KnockoutLayout *k, int32 first_wave, int64 first_id,
			   const SeededPlayer *seeded, PlanSink *sink)
{
	int64		round2 = round_first_id(k, first_id, 2);
	int64		third_id = first_id + k->players - 1;
	int32		match = 0;

	for (int64 p = 0; p < k->bracket / 2; p++)
	{
		int32		upper = knockout_standard_seed(k->bracket, 2 * p);
		int32		lower = knockout_standard_seed(k->bracket, 2 * p + 1);
		PlannedSession s = {0};
		PlannedParticipant part;

		if (lower > k->players)
			continue;			/* bye */
		CHECK_FOR_INTERRUPTS();
		s.session_id = first_id + match;
		s.round = 1;
		s.wave = first_wave;
		s.match_number = ++match;
		if (k->rounds > 1)
		{
			s.next_session_id = round2 + p / 2;
			s.next_slot = slot_of(p);
		}
		if (k->rounds == 2 && k->third_place)
		{
			s.loser_next_session_id = third_id;
			s.loser_next_slot = slot_of(p);
		}
		sink->session(sink, &s);

		part.session_id = s.session_id;
		part.slot = 1;
		part.player_id = seeded[upper - 1].player_id;
		sink->participant(sink, &part);
		part.slot = 2;
		part.player_id = seeded[lower - 1].player_id;
		sink->participant(sink, &part);
	}
}

/* Round 2 sessions already hold the players whose round 1 pair was a bye. */
static void
emit_byes(const KnockoutLayout *k, int64 session_id, int64 m,
		  const SeededPlayer *seeded, PlanSink *sink)
{
	for (int64 p = 2 * m; p <= 2 * m + 1; p++)
	{
		int32		upper = knockout_standard_seed(k->bracket, 2 * p);
		int32		lower = knockout_standard_seed(k->bracket, 2 * p + 1);
		PlannedParticipant part;

		if (lower <= k->players)
			continue;
		part.session_id = session_id;
		part.slot = slot_of(p);
		part.player_id = seeded[upper - 1].player_id;
		sink->participant(sink, &part);
	}
}

/*
 * The bracket of k's players (seeded: best first), its rounds in waves
 * first_wave, first_wave + 1, ...: one block of ids from first_id in
 * (round, match) order, the third-place session last.
 */
void
knockout_plan_bracket(const KnockoutLayout *k, int32 first_wave, int64 first_id,
					  const SeededPlayer *seeded, PlanSink *sink)
{
	int64		third_id = first_id + k->players - 1;

	emit_round_one(k, first_wave, first_id, seeded, sink);

	for (int32 r = 2; r <= k->rounds; r++)
	{
		int64		base = round_first_id(k, first_id, r);
		int64		next_base = round_first_id(k, first_id, r + 1);
		int64		n = knockout_round_sessions(k, r);

		for (int64 m = 0; m < n; m++)
		{
			PlannedSession s = {0};

			CHECK_FOR_INTERRUPTS();
			s.session_id = base + m;
			s.round = r;
			s.wave = first_wave + r - 1;
			s.match_number = (int32) (m + 1);
			if (r < k->rounds)
			{
				s.next_session_id = next_base + m / 2;
				s.next_slot = slot_of(m);
			}
			if (r == k->rounds - 1 && k->third_place)
			{
				s.loser_next_session_id = third_id;
				s.loser_next_slot = slot_of(m);
			}
			sink->session(sink, &s);
			if (r == 2)
				emit_byes(k, s.session_id, m, seeded, sink);
		}
	}

	if (k->third_place)
	{
		PlannedSession s = {0};

		s.session_id = third_id;
		s.stage = STAGE_THIRD_PLACE;
		s.round = k->rounds;
		s.wave = first_wave + k->rounds - 1;
		s.match_number = 1;
		sink->session(sink, &s);
	}
}

static void
knockout_plan(const Tournament *t, int32 players, int64 first_id,
			  const SeededPlayer *seeded, PlanSink *sink)
{
	KnockoutLayout k;

	knockout_layout(&k, players, t->third_place);
	knockout_plan_bracket(&k, 1, first_id, seeded, sink);
}

static void
knockout_check_options(const FormatOptions *given, Tournament *t)
{
	format_refuse_other_options(given, t->format);
	if (given->rounds_given)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number_of_rounds must be null for a knockout tournament"),
				 errdetail("A knockout has ceil(log2(players)) rounds.")));
	t->number_of_rounds = 0;
	t->third_place = given->third_place != 0;
}

/* The bracket's sessions in waves first_wave, ... (the waves before are empty). */
void
knockout_count(const KnockoutLayout *k, int32 first_wave, WaveCounts *counts)
{
	counts->waves = first_wave + k->rounds - 1;
	counts->sessions = palloc0(sizeof(int64) * (counts->waves + 1));
	for (int32 r = 1; r <= k->rounds; r++)
		counts->sessions[first_wave + r - 1] = knockout_round_sessions(k, r);
	if (k->third_place)
		counts->sessions[counts->waves]++;
	counts->total = k->total_sessions;
	counts->planned_waves = counts->waves;
}

static void
knockout_count_waves(const Tournament *t, int32 players, WaveCounts *counts)
{
	KnockoutLayout k;

	format_require_players(t, players);
	knockout_layout(&k, players, t->third_place);
	knockout_count(&k, 1, counts);
	counts->number_of_rounds = 0;
}

/*
 * A bracket's marks: the first main-stage loss, the third-place match.  A
 * player left alone in a session decided for nobody lost it: in the final,
 * nobody is first.
 */
void
knockout_rank_session(RankTable *rt, const RankSession *s)
{
	if (s->stage != STAGE_MAIN && s->stage != STAGE_THIRD_PLACE)
		return;
	for (int i = 0; i < s->n; i++)
	{
		RankedPlayer *p = &rt->players[s->players[i]];
		bool		won = format_session_won(s, i);

		if (s->stage == STAGE_THIRD_PLACE)
			p->mark = won ? 1 : 2;
		else if (!won && (p->lost_round == 0 || s->round < p->lost_round))
			p->lost_round = s->round;
	}
}

/*
 * The ladder rank of a player of a bracket of `rounds` main rounds: 1 the
 * final's winner (or still in the running), 2 its loser, 3 and 4 the
 * third-place match's winner and loser, then the losers of main round r
 * share 2^(rounds - r) + 1.
 */
void
knockout_ladder(RankedPlayer *p, int32 rounds)
{
	if (p->mark != 0)
		p->rank = p->mark == 1 ? 3 : 4;
	else if (p->lost_round == 0)
		p->rank = 1;
	else
		p->rank = (1 << (rounds - p->lost_round)) + 1;
}

static void
knockout_rank_prepare(RankTable *rt)
{
	KnockoutLayout k;
	int32		rounds = 0;

	if (rt->field >= 2)
	{
		knockout_layout(&k, (int32) rt->field, false);
		rounds = k.rounds;
	}
	for (int64 i = 0; i < rt->count; i++)
		knockout_ladder(&rt->players[i], rounds);
}

const FormatRoutine knockout_format = {
	.name = "knockout",
	.min_players = 2,
	.participants = 2,
	.draw_stages = 0,
	.advances = true,
	.later = LATER_NONE,
	.check_options = knockout_check_options,
	.count_waves = knockout_count_waves,
	.plan = knockout_plan,
	.rank_session = knockout_rank_session,
	.rank_prepare = knockout_rank_prepare,
	.ranks_from_prepare = true,
	.rank_compare = format_rank_by_ladder,
	.rank_points = format_wins_as_points,
	.rank_tiebreaks = format_no_tiebreaks,
	.rank_key = format_ladder_key,
};
