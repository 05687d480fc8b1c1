/*
 * registry.c: the formats tourney knows, and what they share.
 *
 * The registry lists every format's routine table in the order of the
 * labels of tourney.tournament_format; a tournament's format is looked up
 * once, by its label, when its row is read.  Pure: no SPI, no catalog
 * access.
 */
#include "tourney/format.h"

const char *const tourney_stage_names[TOURNEY_STAGE_COUNT + 1] = {"main", "third_place", NULL};

/* In the order of the enum's labels (see tourney--0.1.sql). */
static const FormatRoutine *const registry[] = {
	&knockout_format,
	&individual_format,
	&round_robin_format,
	&swiss_format,
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

/* number_of_rounds of a format that counts rounds: 1 to TOURNEY_MAX_ROUNDS. */
void
format_check_round_count(bool given, int32 rounds)
{
	if (given && (rounds < 1 || rounds > TOURNEY_MAX_ROUNDS))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number_of_rounds must be between 1 and %d, not %d",
						TOURNEY_MAX_ROUNDS, rounds)));
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

/* Every round has the same number of sessions, and all are planned at once. */
void
format_count_even_rounds(RoundCounts *counts, int32 rounds, int64 per_round)
{
	counts->rounds = rounds;
	counts->sessions = palloc0(sizeof(int64) * (rounds + 1));
	for (int32 r = 1; r <= rounds; r++)
		counts->sessions[r] = per_round;
	counts->total = per_round * rounds;
	counts->planned_rounds = rounds;
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
