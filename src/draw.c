/*
 * draw.c: swap_players, fixing a draw: two players change places between
 * two sessions of one round, where the format's rules still hold.
 */
#include "tourney/live.h"

/* The player in a slot, or 55000 if the slot has none yet. */
static int64
slot_player(const Tournament *t, int64 session_id, int32 slot)
{
	static SPIPlanPtr plan = NULL;
	static SPIPlanPtr plan_fed = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, INT2OID};
	Datum		args[3] = {Int64GetDatum(t->id), Int64GetDatum(session_id), Int16GetDatum(slot)};

	if (slot < 1 || slot > t->format->participants)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("slot %d does not exist in session " INT64_FORMAT, slot, session_id),
				 errdetail("A %s session has %d.", t->format->name, t->format->participants)));
	query_prepare(&plan_fed,
				  "(SELECT session_id FROM tourney.sessions"
				  "  WHERE next_session_id = $2 AND next_slot = $3 AND tournament_id = $1)"
				  " UNION ALL"
				  " (SELECT session_id FROM tourney.sessions"
				  "  WHERE loser_next_session_id = $2 AND loser_next_slot = $3 AND tournament_id = $1)"
				  " LIMIT 1",
				  3, argtypes);
	query_exec_fresh(plan_fed, args, NULL, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("slot %d of session " INT64_FORMAT " is filled from session " INT64_FORMAT,
						slot, session_id,
						query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
				 errdetail("Only the players a draw placed can be swapped.")));
	query_prepare(&plan,
				  "SELECT player_id FROM tourney.session_participants"
				  " WHERE tournament_id = $1 AND session_id = $2 AND slot = $3",
				  3, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("slot %d of session " INT64_FORMAT " has no player yet", slot, session_id)));
	return query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* The other player of a two-player session, or 0. */
static int64
opponent_of(const Tournament *t, int64 session_id, int32 slot)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT8OID, INT2OID};
	Datum		args[3] = {Int64GetDatum(t->id), Int64GetDatum(session_id), Int16GetDatum(slot)};

	query_prepare(&plan,
				  "SELECT player_id FROM tourney.session_participants"
				  " WHERE tournament_id = $1 AND session_id = $2 AND slot <> $3",
				  3, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	return SPI_processed == 0 ? 0 : query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* A paired format pairs no two players twice: the new pairs must be new. */
static void
require_new_pair(const Tournament *t, int64 player, int64 opponent, const int64 *sessions)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, INT8OID, INT8OID, INT8ARRAYOID};
	Datum		args[4] = {Int64GetDatum(t->id), Int64GetDatum(player), Int64GetDatum(opponent),
	query_int8_array(sessions, 2)};

	if (t->format->later != LATER_PAIRED_ROUNDS || player == 0 || opponent == 0)
		return;
	query_prepare(&plan,
				  "SELECT a.session_id FROM tourney.session_participants a"
				  " JOIN tourney.session_participants b ON b.tournament_id = a.tournament_id"
				  "  AND b.session_id = a.session_id AND b.player_id = $3"
				  " WHERE a.tournament_id = $1 AND a.player_id = $2 AND a.session_id <> ALL ($4)"
				  " LIMIT 1",
				  4, argtypes);
	query_exec_fresh(plan, args, NULL, 1);
	if (SPI_processed > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("players " INT64_FORMAT " and " INT64_FORMAT " met in session " INT64_FORMAT
						" already", player, opponent,
						query_int8(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1)),
				 errdetail("A %s pairs no two players twice.", t->format->name)));
}

/* The rules a swap of players must keep, before anything is written. */
static void
require_swappable(const Tournament *t, const LiveSession *s)
{
	if (t->format->round_robin_stages & FORMAT_STAGE_BIT(s[0].stage))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("players of the %s stage of a %s cannot be swapped",
						tourney_stage_names[s[0].stage], t->format->name),
				 errdetail("Everyone meets everyone there: a swap would pair two players twice.")));
	if (s[0].tournament_id != s[1].tournament_id || s[0].stage != s[1].stage ||
		s[0].round != s[1].round)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sessions " INT64_FORMAT " and " INT64_FORMAT
						" are not of the same stage and round", s[0].session_id,
						s[1].session_id)));
	for (int i = 0; i < 2; i++)
		if (s[i].has_result)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("session " INT64_FORMAT " has a result", s[i].session_id)));
}

void
live_swap_players(int64 session_a, int32 slot_a, int64 session_b, int32 slot_b,
				  const pg_uuid_t *request_id)
{
	static SPIPlanPtr plan = NULL;
	int64		ids[2] = {Min(session_a, session_b), Max(session_a, session_b)};
	LiveRequest r = live_request(session_tournament(session_a, NULL), request_id, "swap_players",
		psprintf(INT64_FORMAT ", %d, " INT64_FORMAT ", %d", session_a, slot_a, session_b,
				 slot_b));
	Tournament *t = live_begin(&r, "swap players", false);
	Oid			argtypes[5] = {INT8OID, INT8OID, INT2OID, INT8OID, INT2OID};
	LiveSession s[2];
	int64		player_a;
	int64		player_b;
	Datum		args[5];

	if (t == NULL)
		return;
	if (session_a == session_b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot swap players within session " INT64_FORMAT, session_a),
				 errdetail("swap_players exchanges players between two sessions.")));
	live_lock_sessions(ids, 2, s);
	require_swappable(t, s);
	player_a = slot_player(t, session_a, slot_a);
	player_b = slot_player(t, session_b, slot_b);
	require_new_pair(t, player_b, opponent_of(t, session_a, slot_a), ids);
	require_new_pair(t, player_a, opponent_of(t, session_b, slot_b), ids);
	args[0] = Int64GetDatum(t->id);
	args[1] = Int64GetDatum(session_a);
	args[2] = Int16GetDatum(slot_a);
	args[3] = Int64GetDatum(session_b);
	args[4] = Int16GetDatum(slot_b);
	query_prepare(&plan,
				  "UPDATE tourney.session_participants p"
				  " SET player_id = CASE WHEN p.session_id = $2 THEN o.player_id ELSE o2.player_id END"
				  " FROM tourney.session_participants o, tourney.session_participants o2"
				  " WHERE p.tournament_id = $1"
				  " AND ((p.session_id = $2 AND p.slot = $3) OR (p.session_id = $4 AND p.slot = $5))"
				  " AND o.tournament_id = $1 AND o.session_id = $4 AND o.slot = $5"
				  " AND o2.tournament_id = $1 AND o2.session_id = $2 AND o2.slot = $3",
				  5, argtypes);
	query_exec(plan, args, NULL, false, 0);
	if (SPI_processed != 2)
		elog(ERROR, "swap of players in sessions " INT64_FORMAT " and " INT64_FORMAT
			 " wrote %d rows", session_a, session_b, (int) SPI_processed);
	live_check(t, ids, 2, Min(s[0].start, s[1].start));
	live_end(&r, "null");
}

