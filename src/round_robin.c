/*
 * round_robin.c: the FIDE Berger tables (Handbook C.05, Annex 1).
 * Pure: no SPI, no catalog access.
 *
 * With n players (n even; odd N uses n = N + 1 and the player meeting n
 * rests), player n is fixed and the others rotate.  In round r player n
 * meets x = ((r - 1) * n/2 mod (n - 1)) + 1, as black in odd rounds and
 * white in even ones; board k > 1 pairs x + (k - 1) (white) with
 * x - (k - 1) (black), both taken modulo n - 1 within 1..n-1.
 * A second cycle repeats the pairings with colours (slots) swapped.
 */
#include "tourney.h"

static int32
wrap(int32 value, int32 modulus)
{
	return ((value - 1) % modulus + modulus) % modulus + 1;
}

int32
round_robin_table_size(int32 players)
{
	return players + (players & 1);
}

int64
round_robin_round_sessions(int32 players)
{
	return players / 2;			/* odd N: (N - 1) / 2, one player rests */
}

int32
round_robin_rounds(int32 players, int32 cycles)
{
	return (round_robin_table_size(players) - 1) * cycles;
}

/* White and black seed (1-based) of board k (1-based) in round r of the table. */
void
round_robin_pairing(int32 n, int32 round, int32 board, int32 *white, int32 *black)
{
	int32		x = wrap((round - 1) * (n / 2) + 1, n - 1);

	if (board == 1)
	{
		*white = (round & 1) ? x : n;
		*black = (round & 1) ? n : x;
		return;
	}
	*white = wrap(x + board - 1, n - 1);
	*black = wrap(x - (board - 1), n - 1);
}

void
round_robin_plan(int32 players, int32 cycles, int64 first_id,
				 const SeededPlayer *seeded, PlanSink *sink)
{
	int32		n = round_robin_table_size(players);
	int64		id = first_id;

	for (int32 cycle = 0; cycle < cycles; cycle++)
	{
		for (int32 r = 1; r <= n - 1; r++)
		{
			int32		match = 0;

			for (int32 board = 1; board <= n / 2; board++)
			{
				PlannedSession s = {0};
				PlannedParticipant part;
				int32		white;
				int32		black;

				CHECK_FOR_INTERRUPTS();
				round_robin_pairing(n, r, board, &white, &black);
				if (white > players || black > players)
					continue;	/* the table's extra player: a rest */
				s.session_id = id++;
				s.round = cycle * (n - 1) + r;
				s.match_number = ++match;
				sink->session(sink, &s);

				part.session_id = s.session_id;
				part.slot = 1;
				part.player_id = seeded[(cycle == 0 ? white : black) - 1].player_id;
				sink->participant(sink, &part);
				part.slot = 2;
				part.player_id = seeded[(cycle == 0 ? black : white) - 1].player_id;
				sink->participant(sink, &part);
			}
		}
	}
}
