/*
 * individual.c: individual ranking, one single-player session per player
 * and round.  Pure: no SPI, no catalog access.
 */
#include "tourney.h"

int64
individual_total_sessions(int32 players, int32 rounds)
{
	return (int64) players * rounds;
}

/* Sessions in (round, seed) order; match_number is the player's seed. */
void
individual_plan(int32 players, int32 rounds, int64 first_id,
				const SeededPlayer *seeded, PlanSink *sink)
{
	int64		id = first_id;

	for (int32 r = 1; r <= rounds; r++)
	{
		for (int32 i = 0; i < players; i++)
		{
			PlannedSession s = {0};
			PlannedParticipant part;

			CHECK_FOR_INTERRUPTS();
			s.session_id = id++;
			s.round = r;
			s.match_number = i + 1;
			sink->session(sink, &s);

			part.session_id = s.session_id;
			part.slot = 1;
			part.player_id = seeded[i].player_id;
			sink->participant(sink, &part);
		}
	}
}
