/*
 * double_elim.c: double elimination.  Pure: no SPI, no catalog access.
 *
 * The winners' bracket (stage winners) is the knockout bracket of the
 * padded size P = 2^k, standard seeding, byes to the top seeds.  Its
 * losers drop into the losers' bracket (stage losers) of 2k - 2 rounds:
 * round 1 pairs the losers of winners' round 1 in order (matches 2j - 1
 * and 2j meet in match j), odd rounds pair the survivors, and in round
 * 2(r - 1) the losers of winners' round r drop in, in slot 1, against the
 * survivors, in the order of the Challonge cycle (by r: 2 reverse, 3
 * reverse each half, 4 half shift, 5 natural, then again), which keeps
 * rematches as late as the bracket allows.  The winners' and losers'
 * champions meet in the grand final (winners' in slot 1); with
 * grand_final double, a win of the losers' champion calls for a reset
 * (stage grand_final_reset), which rounds.c writes when it happens.
 *
 * Byes are resolved here, once: they exist only in winners' round 1, so
 * only losers' rounds 1 and 2 have padded matches with fewer than two
 * players.  Such a match is no session: its one player goes straight on
 * to the next losers' round.  Hence exactly N - 1 winners' and N - 2
 * losers' sessions, none with one player.
 *
 * Session ids follow the waves (the sessions that can be played at once):
 * winners' round r is wave r, losers' round m is wave m + 1, the grand
 * final 2k, its reset 2k + 1; within a wave the winners' sessions come
 * first.  Every session thus comes after the sessions that feed it.
 *
 * Ranking: 1 and 2 the winner and loser of the deciding grand-final
 * session (grand_final none: the winners' and losers' champions); then the
 * losers of each losers' round share the next competition rank, later
 * rounds better; players still in the running rank 1.
 */
#include "tourney/format.h"

/* The bracket of N players with its byes resolved. */
typedef struct DoubleLayout
{
	KnockoutLayout wb;			/* winners' bracket (no third place) */
	int32		k;				/* winners' rounds */
	int64		bracket;		/* P = 2^k */
	int32		lb_rounds;		/* 2k - 2 */
	GrandFinal	grand_final;
	/* players a losers' round 1 padded match j gets: 0, 1 or 2 */
	int8	   *lb1_players;	/* [P/4] */
	/* index among its round's sessions of losers' padded match j; -1: none */
	int32	   *lb1_index;		/* [P/4] */
	int32	   *lb2_index;		/* [P/4] */
	int64		lb_sessions[2 * 24 - 1];	/* [m], m = 1..lb_rounds */
	/* first session ids, by round */
	int64		wb_first[24 + 1];
	int64		lb_first[2 * 24 - 1];
	int64		grand_final_id; /* 0: none */
} DoubleLayout;

StaticAssertDecl(TOURNEY_MAX_PLAYERS <= (1 << 24), "double elimination layout arrays too small");

/* Whether winners' round 1 padded match p (0-based) has two players. */
static bool
wb1_real(const DoubleLayout *d, int64 p)
{
	return knockout_standard_seed(d->bracket, 2 * p + 1) <= d->wb.players;
}

/* Padded matches of losers' round m: P / 2^(ceil(m / 2) + 1). */
static int64
lb_padded(const DoubleLayout *d, int32 m)
{
	return d->bracket >> ((m + 1) / 2 + 1);
}

static void
double_layout(DoubleLayout *d, int32 players, GrandFinal grand_final)
{
	int64		quarter;
	int32		lb1 = 0;
	int32		lb2 = 0;

	memset(d, 0, sizeof(*d));
	knockout_layout(&d->wb, players, false);
	d->k = d->wb.rounds;
	d->bracket = d->wb.bracket;
	d->lb_rounds = 2 * d->k - 2;
	d->grand_final = grand_final;
	quarter = d->bracket / 4;
	d->lb1_players = palloc(sizeof(int8) * quarter);
	d->lb1_index = palloc(sizeof(int32) * quarter);
	d->lb2_index = palloc(sizeof(int32) * quarter);
	for (int64 j = 0; j < quarter; j++)
	{
		CHECK_FOR_INTERRUPTS();
		d->lb1_players[j] = (int8) (wb1_real(d, 2 * j) + wb1_real(d, 2 * j + 1));
		d->lb1_index[j] = d->lb1_players[j] == 2 ? lb1++ : -1;
		d->lb2_index[j] = d->lb1_players[j] >= 1 ? lb2++ : -1;
	}
	d->lb_sessions[1] = lb1;
	d->lb_sessions[2] = lb2;
	for (int32 m = 3; m <= d->lb_rounds; m++)
		d->lb_sessions[m] = lb_padded(d, m);
}

/* Assign the ids in wave order, from first_id. */
static void
double_layout_ids(DoubleLayout *d, int64 first_id)
{
	int64		id = first_id;

	d->wb_first[1] = id;
	id += knockout_round_sessions(&d->wb, 1);
	for (int32 w = 2; w <= 2 * d->k - 1; w++)
	{
		if (w <= d->k)
		{
			d->wb_first[w] = id;
			id += knockout_round_sessions(&d->wb, w);
		}
		d->lb_first[w - 1] = id;
		id += d->lb_sessions[w - 1];
	}
	d->grand_final_id = d->grand_final != GRAND_FINAL_NONE ? id : 0;
}

/* The session of losers' round m, padded match j. */
static int64
lb_session(const DoubleLayout *d, int32 m, int64 j)
{
	if (m == 1)
		return d->lb_first[1] + d->lb1_index[j];
	if (m == 2)
		return d->lb_first[2] + d->lb2_index[j];
	return d->lb_first[m] + j;
}

static inline int16
slot_of(int64 m)
{
	return (int16) ((m & 1) + 1);
}

/*
 * The losers' match (0-based, of n) the loser of winners' round r match m
 * drops into.  Each order of the Challonge cycle is its own inverse.
 */
static int64
drop_match(int32 r, int64 n, int64 m)
{
	int64		half = n / 2;

	switch ((r - 2) % 4)
	{
		case 0:					/* reverse */
			return n - 1 - m;
		case 1:					/* reverse each half */
			return m < half ? half - 1 - m : n - 1 - (m - half);
		case 2:					/* half shift */
			return m < half ? m + half : m - half;
		default:				/* natural */
			return m;
	}
}

/* Where the loser of winners' round r, padded match m goes. */
static void
wb_loser_target(const DoubleLayout *d, int32 r, int64 m, PlannedSession *s)
{
	int64		j;

	if (r == 1)
	{
		j = m / 2;
		if (d->lb1_players[j] == 2)
		{
			s->loser_next_session_id = lb_session(d, 1, j);
			s->loser_next_slot = slot_of(m);
		}
		else
		{
			/* its losers' round 1 opponent would be a bye */
			s->loser_next_session_id = lb_session(d, 2, j);
			s->loser_next_slot = 2;
		}
		return;
	}
	j = drop_match(r, d->bracket >> r, m);
	if (r == 2 && d->lb1_players[j] == 0)
	{
		/* nobody comes from losers' round 1: on to round 3 */
		s->loser_next_session_id = lb_session(d, 3, j / 2);
		s->loser_next_slot = slot_of(j);
		return;
	}
	s->loser_next_session_id = lb_session(d, 2 * r - 2, j);
	s->loser_next_slot = 1;
}

static void
emit_participant(PlanSink *sink, int64 session_id, int16 slot, int64 player_id)
{
	PlannedParticipant part;

	part.session_id = session_id;
	part.slot = slot;
	part.player_id = player_id;
	sink->participant(sink, &part);
}

static void
emit_winners_round(const DoubleLayout *d, int32 r, const SeededPlayer *seeded,
				   PlanSink *sink)
{
	int64		padded = d->bracket >> r;
	int32		match = 0;

	for (int64 m = 0; m < padded; m++)
	{
		PlannedSession s = {0};
		int32		upper = knockout_standard_seed(d->bracket, 2 * m);
		int32		lower = knockout_standard_seed(d->bracket, 2 * m + 1);

		if (r == 1 && lower > d->wb.players)
			continue;			/* a bye */
		CHECK_FOR_INTERRUPTS();
		s.session_id = d->wb_first[r] + match;
		s.stage = STAGE_WINNERS;
		s.round = r;
		s.wave = r;
		s.match_number = ++match;
		if (r < d->k)
		{
			s.next_session_id = d->wb_first[r + 1] + m / 2;
			s.next_slot = slot_of(m);
		}
		else if (d->grand_final_id != 0)
		{
			s.next_session_id = d->grand_final_id;
			s.next_slot = 1;
		}
		wb_loser_target(d, r, m, &s);
		sink->session(sink, &s);
		if (r == 1)
		{
			emit_participant(sink, s.session_id, 1, seeded[upper - 1].player_id);
			emit_participant(sink, s.session_id, 2, seeded[lower - 1].player_id);
		}
		else if (r == 2)
		{
			/* the players whose round 1 pair was a bye */
			for (int64 p = 2 * m; p <= 2 * m + 1; p++)
				if (!wb1_real(d, p))
					emit_participant(sink, s.session_id, slot_of(p),
									 seeded[knockout_standard_seed(d->bracket, 2 * p) - 1].player_id);
		}
	}
}

static void
emit_losers_round(const DoubleLayout *d, int32 m, PlanSink *sink)
{
	int64		padded = lb_padded(d, m);

	for (int64 j = 0; j < padded; j++)
	{
		PlannedSession s = {0};

		if ((m == 1 && d->lb1_index[j] < 0) || (m == 2 && d->lb2_index[j] < 0))
			continue;			/* fewer than two players: no session */
		CHECK_FOR_INTERRUPTS();
		s.session_id = lb_session(d, m, j);
		s.stage = STAGE_LOSERS;
		s.round = m;
		s.wave = m + 1;
		s.match_number = (int32) (s.session_id - d->lb_first[m] + 1);
		if (m % 2 == 1)
		{
			s.next_session_id = lb_session(d, m + 1, j);
			s.next_slot = 2;
		}
		else if (m < d->lb_rounds)
		{
			s.next_session_id = lb_session(d, m + 1, j / 2);
			s.next_slot = slot_of(j);
		}
		else if (d->grand_final_id != 0)
		{
			s.next_session_id = d->grand_final_id;
			s.next_slot = 2;
		}
		sink->session(sink, &s);
	}
}

static void
double_plan(const Tournament *t, int32 players, int64 first_id,
			const SeededPlayer *seeded, PlanSink *sink)
{
	DoubleLayout d;

	double_layout(&d, players, t->grand_final);
	double_layout_ids(&d, first_id);
	emit_winners_round(&d, 1, seeded, sink);
	for (int32 w = 2; w <= 2 * d.k - 1; w++)
	{
		if (w <= d.k)
			emit_winners_round(&d, w, seeded, sink);
		emit_losers_round(&d, w - 1, sink);
	}
	if (d.grand_final_id != 0)
	{
		PlannedSession s = {0};

		s.session_id = d.grand_final_id;
		s.stage = STAGE_GRAND_FINAL;
		s.round = 1;
		s.wave = 2 * d.k;
		s.match_number = 1;
		sink->session(sink, &s);
	}
}

/* The reset of a grand final the losers' champion won: both play again. */
void
double_elimination_plan_reset(const Tournament *t, int32 players, int64 session_id,
							  int64 winners_player, int64 losers_player, PlanSink *sink)
{
	KnockoutLayout k;
	PlannedSession s = {0};

	knockout_layout(&k, players, false);
	s.session_id = session_id;
	s.stage = STAGE_GRAND_FINAL_RESET;
	s.round = 1;
	s.wave = 2 * k.rounds + 1;
	s.match_number = 1;
	sink->session(sink, &s);
	emit_participant(sink, session_id, 1, winners_player);
	emit_participant(sink, session_id, 2, losers_player);
}

static void
double_check_options(const FormatOptions *given, Tournament *t)
{
	format_refuse_other_options(given, t->format);
	if (given->rounds_given)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number_of_rounds must be null for a double_elimination tournament"),
				 errdetail("The brackets' rounds follow from the number of players.")));
	if (given->third_place == 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a double_elimination tournament has no third-place match"),
				 errdetail("The loser of the losers' final is third.")));
	t->number_of_rounds = 0;
	t->third_place = false;
	t->grand_final = given->grand_final >= 0 ? (GrandFinal) given->grand_final : GRAND_FINAL_DOUBLE;
}

static void
double_count_waves(const Tournament *t, int32 players, WaveCounts *counts)
{
	DoubleLayout d;

	format_require_players(t, players);
	double_layout(&d, players, t->grand_final);
	counts->waves = 2 * d.k - (d.grand_final == GRAND_FINAL_NONE ? 1 : 0);
	counts->sessions = palloc0(sizeof(int64) * (counts->waves + 1));
	for (int32 r = 1; r <= d.k; r++)
		counts->sessions[r] += knockout_round_sessions(&d.wb, r);
	for (int32 m = 1; m <= d.lb_rounds; m++)
		counts->sessions[m + 1] += d.lb_sessions[m];
	if (d.grand_final != GRAND_FINAL_NONE)
		counts->sessions[2 * d.k] = 1;
	for (int32 w = 1; w <= counts->waves; w++)
		counts->total += counts->sessions[w];
	counts->planned_waves = counts->waves;
	counts->number_of_rounds = 0;
}

/*
 * A session decided for nobody (its players, one or two, withdrew): they
 * are out where its loser would have gone down (or here, in the losers'
 * bracket); in a grand final both lost it.
 */
static void
double_rank_nobody(RankTable *rt, const RankSession *s)
{
	int32		round = s->stage == STAGE_WINNERS ? Max(1, 2 * s->round - 2) : s->round;

	for (int i = 0; i < s->n; i++)
	{
		RankedPlayer *p = &rt->players[s->players[i]];

		if (s->stage == STAGE_WINNERS || s->stage == STAGE_LOSERS)
			p->lost_round = round;
		else if (s->stage == STAGE_GRAND_FINAL || s->stage == STAGE_GRAND_FINAL_RESET)
			p->mark = 2;
	}
}

/*
 * Marks: the losers' round of the second loss; who won what decides.  A
 * one-player session (the other side never came) was won by its player.
 */
static void
double_rank_session(RankTable *rt, const RankSession *s)
{
	GrandFinal gf = rt->t->grand_final;
	KnockoutLayout k;
	bool		decides;
	int			winner = -1;
	int			loser;

	for (int i = 0; i < s->n; i++)
		if (format_session_won(s, i))
			winner = i;
	if (s->n > 0 && winner < 0 && s->placements[0] == 0)
	{
		double_rank_nobody(rt, s);
		return;
	}
	if (winner < 0)
		return;
	loser = s->n == 2 ? 1 - winner : -1;
	knockout_layout(&k, (int32) rt->field, false);
	switch (s->stage)
	{
		case STAGE_LOSERS:
			if (loser >= 0)
				rt->players[s->players[loser]].lost_round = s->round;
			decides = gf == GRAND_FINAL_NONE && s->round == 2 * k.rounds - 2;
			if (decides)
				rt->players[s->players[winner]].mark = 2;
			return;
		case STAGE_WINNERS:
			decides = gf == GRAND_FINAL_NONE && s->round == k.rounds;
			if (decides)
				rt->players[s->players[winner]].mark = 1;
			return;
		case STAGE_GRAND_FINAL:
			/* with a reset to come the final decides only if slot 1 won (or alone) */
			decides = gf == GRAND_FINAL_SIMPLE || winner == 0 || s->n == 1;
			break;
		case STAGE_GRAND_FINAL_RESET:
			decides = true;
			break;
		default:
			return;
	}
	if (decides)
	{
		rt->players[s->players[winner]].mark = 1;
		if (loser >= 0)
			rt->players[s->players[loser]].mark = 2;
	}
}

/*
 * The losers of losers' round m rank 3 + the players eliminated after
 * them (each losers' session eliminates one).
 */
static void
double_rank_prepare(RankTable *rt)
{
	DoubleLayout d;
	int32		rank_of[2 * 24 - 1] = {0};
	int32		later = 0;

	if (rt->field >= 3)
	{
		double_layout(&d, (int32) rt->field, rt->t->grand_final);
		for (int32 m = d.lb_rounds; m >= 1; m--)
		{
			rank_of[m] = 3 + later;
			later += (int32) d.lb_sessions[m];
		}
	}
	for (int64 i = 0; i < rt->count; i++)
	{
		RankedPlayer *p = &rt->players[i];

		if (p->mark != 0)
			p->rank = p->mark;
		else if (p->lost_round > 0 && rt->field >= 3)
			p->rank = rank_of[p->lost_round];
		else
			p->rank = 1;
	}
}

const FormatRoutine double_elimination_format = {
	.name = "double_elimination",
	.min_players = 3,
	.participants = 2,
	.draw_stages = 0,
	.has_grand_final = true,
	.advances = true,
	.later = LATER_RESET,
	.check_options = double_check_options,
	.count_waves = double_count_waves,
	.plan = double_plan,
	.rank_session = double_rank_session,
	.rank_prepare = double_rank_prepare,
	.ranks_from_prepare = true,
	.rank_compare = format_rank_by_ladder,
	.rank_points = format_wins_as_points,
	.rank_tiebreaks = format_no_tiebreaks,
	.rank_key = format_ladder_key,
};
