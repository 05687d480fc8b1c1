/*
 * registry.c: the formats tourney knows, and what they share.
 *
 * The registry lists every format's routine table in the order of the
 * labels of tourney.tournament_format; a tournament's format is looked up
 * once, by its label, when its row is read.  Pure: no SPI, no catalog
 * access.
 */
#include "tourney/format.h"

const char *const tourney_stage_names[TOURNEY_STAGE_COUNT + 1] = {
	"main", "third_place", "winners", "losers", "grand_final", "grand_final_reset", "group",
NULL};

/* In the order of the enum's labels (tourney--0.1.sql, then 0.1--0.2). */
static const FormatRoutine *const registry[] = {
	&knockout_format,
	&individual_format,
	&round_robin_format,
	&swiss_format,
	&double_elimination_format,
	&groups_knockout_format,
};

#define FORMAT_COUNT lengthof(registry)

/* The format of that label, or NULL. */
const FormatRoutine *
format_by_name(const char *name)
{
	for (int i = 0; i < FORMAT_COUNT; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

/* Every format's name, NULL-terminated, for messages. */
const char *const *
format_names(void)
{
	static const char *names[FORMAT_COUNT + 1];

	if (names[0] == NULL)
		for (int i = 0; i < FORMAT_COUNT; i++)
			names[i] = registry[i]->name;
	return names;
}

/*
 * What is written later comes after what it was written from: a paired
 * round after the round before it, the knockout after the group stage, a
 * reset after the grand final.
 */
bool
format_schedule_after(const FormatRoutine *f, TourneyStage stage, int32 round, uint32 *stages,
					  int32 *after_round)
{
	*after_round = 0;
	switch (f->later)
	{
		case LATER_NONE:
			return false;
		case LATER_PAIRED_ROUNDS:
			*stages = FORMAT_STAGE_BIT(stage);
			*after_round = round - 1;
			return round > 1;
		case LATER_KNOCKOUT_STAGE:
			*stages = FORMAT_STAGE_BIT(STAGE_GROUP);
			return stage != STAGE_GROUP;
		case LATER_RESET:
			*stages = FORMAT_STAGE_BIT(STAGE_GRAND_FINAL);
			return stage == STAGE_GRAND_FINAL_RESET;
	}
	return false;
}

static void
refuse_option(const FormatRoutine *format, const char *option, const char *applies)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s does not apply to a %s tournament", option, format->name),
			 errdetail("It applies to %s tournaments only.", applies)));
}

/*
 * Refuse the options of the other formats: grand_final (unless the format
 * has a grand final) and the group options (unless it has groups).
 */
void
format_refuse_other_options(const FormatOptions *given, const FormatRoutine *format)
{
	if (!format->has_grand_final && given->grand_final >= 0)
		refuse_option(format, "grand_final", "double_elimination");
	if (!format->has_pools && given->group_count_given)
		refuse_option(format, "group_count", "groups_knockout");
	if (!format->has_pools && given->advance_given)
		refuse_option(format, "advance_per_group", "groups_knockout");
	if (!format->has_pools && given->group_tiebreak >= 0)
		refuse_option(format, "group_tiebreak", "groups_knockout");
}

/* number_of_rounds counting rounds: 1 to TOURNEY_MAX_ROUNDS, else unset. */
int32
format_round_count(const FormatOptions *given, int32 unset)
{
	if (!given->rounds_given)
		return unset;
	if (given->rounds < 1 || given->rounds > TOURNEY_MAX_ROUNDS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number_of_rounds must be between 1 and %d, not %d",
						TOURNEY_MAX_ROUNDS, given->rounds)));
	return given->rounds;
}

/* number_of_rounds counting the cycles of a round robin (or of each group): 1 (default) or 2. */
int32
format_cycles(const FormatOptions *given, const char *what)
{
	if (given->rounds_given && given->rounds != 1 && given->rounds != 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number_of_rounds of %s must be 1 or 2, not %d", what, given->rounds),
				 errdetail("It counts the cycles: 2 asks for a double round robin.")));
	return given->rounds_given ? given->rounds : 1;
}

void
format_require_players(const Tournament *t, int32 players)
{
	if (players < t->format->min_players)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot generate sessions: tournament " INT64_FORMAT " has %d enrolled players",
						t->id, players),
				 errdetail("A %s tournament needs at least %d players.",
						   t->format->name, t->format->min_players)));
}

/* Every wave has the same number of sessions, and all are planned at once. */
void
format_count_even_waves(WaveCounts *counts, int32 waves, int64 per_wave)
{
	counts->waves = waves;
	counts->sessions = palloc0(sizeof(int64) * (waves + 1));
	for (int32 w = 1; w <= waves; w++)
		counts->sessions[w] = per_wave;
	counts->total = per_wave * waves;
	counts->planned_waves = waves;
}

Numeric
format_or_zero(const RankTable *rt, Numeric value)
{
	return value != NULL ? value : rt->zero;
}

Datum
format_no_tiebreaks(const RankedPlayer *p, const RankTable *rt)
{
	return PointerGetDatum(construct_empty_array(NUMERICOID));
}

/* rankings.tiebreaks of two values */
Datum
format_tiebreaks(Numeric first, Numeric second)
{
	Datum		items[2] = {NumericGetDatum(first), NumericGetDatum(second)};

	return PointerGetDatum(construct_array(items, 2, NUMERICOID, -1, false, TYPALIGN_INT));
}

Datum
format_wins_as_points(const RankedPlayer *p, const RankTable *rt)
{
	return NumericGetDatum(int64_to_numeric(p->wins));
}

/* Ranks set by rank_prepare (a ladder): ordered by them. */
int
format_rank_by_ladder(const RankedPlayer *a, const RankedPlayer *b, const RankTable *rt)
{
	return (a->rank > b->rank) - (a->rank < b->rank);
}

/* -x, for keys where more is better. */
Numeric
format_negate(Numeric x)
{
	return DatumGetNumeric(DirectFunctionCall1(numeric_uminus, NumericGetDatum(x)));
}

/* A rank key of n parts. */
Datum
format_rank_key(int n, const Numeric *parts)
{
	Datum		items[5];

	Assert(n <= lengthof(items));
	for (int i = 0; i < n; i++)
		items[i] = NumericGetDatum(parts[i]);
	return PointerGetDatum(construct_array(items, n, NUMERICOID, -1, false, TYPALIGN_INT));
}

/* A ladder's key: the rank rank_prepare set, which is also the rank shown. */
Datum
format_ladder_key(const RankedPlayer *p, const RankTable *rt, int32 *fixed_rank)
{
	Numeric		rank = int64_to_numeric(p->rank);

	*fixed_rank = p->rank;
	return format_rank_key(1, &rank);
}

/*
 * Whether participant i won a decided session: the better placement of two,
 * or placement 1 alone (a walkover against a side that never came).  A
 * session decided for nobody (its players withdrew) has placement 0 for
 * everyone: all lost it.
 */
bool
format_session_won(const RankSession *s, int i)
{
	if (s->placements[i] == 0)
		return false;
	return s->n == 2 ? s->placements[i] < s->placements[1 - i] : s->placements[i] == 1;
}
