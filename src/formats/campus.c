/*
 * campus.c: spreading each wave's sessions over the tournament's campuses
 * (a wave: the sessions that can be played at once, a round in most
 * formats).  Pure: no SPI, no catalog access.
 *
 * A wave of n sessions over C campuses gives every campus floor(n / C)
 * sessions, dealt in rotation, and one more to n mod C campuses that have
 * room for it; the rotation starts one campus further each wave so that
 * the extra sessions move around.  Loads within a wave therefore differ by
 * at most one, and capacities are honoured whenever that is possible at all.
 */
#include "tourney/format.h"

/*
 * Prepare the spread of one wave; false when the campuses cannot hold it.
 */
bool
campus_spread_wave(CampusSpread *cs, int32 wave, int64 sessions)
{
	int			c = cs->ncampuses;
	int64		remainder;

	Assert(c > 0);
	if (cs->extras == NULL)
		cs->extras = palloc(sizeof(int) * c);
	cs->sessions = sessions;
	cs->full_cycles = sessions / c;
	cs->start = (wave - 1) % c;
	cs->nextras = 0;
	remainder = sessions % c;

	for (int i = 0; i < c; i++)
		if (cs->capacities[i] > 0 && cs->capacities[i] < cs->full_cycles)
			return false;

	for (int i = 0; i < c && cs->nextras < remainder; i++)
	{
		int			campus = (cs->start + i) % c;

		if (cs->capacities[campus] == 0 ||
			cs->capacities[campus] > cs->full_cycles)
			cs->extras[cs->nextras++] = campus;
	}
	return cs->nextras == remainder;
}

/* Campus of the index_in_wave-th session (0-based) of the prepared wave. */
int64
campus_for_session(const CampusSpread *cs, int64 index_in_wave)
{
	int64		dealt = cs->full_cycles * cs->ncampuses;

	Assert(index_in_wave < cs->sessions);
	if (index_in_wave < dealt)
		return cs->campus_ids[(cs->start + index_in_wave) % cs->ncampuses];
	return cs->campus_ids[cs->extras[index_in_wave - dealt]];
}
