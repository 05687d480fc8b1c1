/*
 * rankings.c: calculate_rankings and standings.
 *
 * Knockout, individual ranking and round robin are tallied in memory
 * (tally.c, where their rules are).  Swiss ranks by points (1 per win or
 * bye, 1/2 per draw), then Buchholz (the sum of the opponents' points),
 * then Sonneborn-Berger, which need every opponent's points: one query
 * here does it.  Players still in the running rank by the same rules on
 * the results so far, which is what standings shows.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(tourney_calculate_rankings);
PG_FUNCTION_INFO_V1(tourney_standings);

/*
 * The Swiss ranking query, $1 the tournament.  Columns: player_id, rank,
 * points, wins, draws, losses, score_for, score_against, tiebreaks.
 */
static const char *const swiss_ranking =
	"WITH parts AS ("
	" SELECT p.player_id, p.score, p.placement,"
	"  count(*) OVER w AS n,"
	"  coalesce(lead(p.score) OVER ws, lag(p.score) OVER ws) AS opponent_score,"
	"  count(*) FILTER (WHERE p.placement = 1) OVER w AS firsts,"
	"  sum(p.player_id) OVER w - p.player_id AS opponent"
	" FROM tourney.sessions s JOIN tourney.session_participants p"
	"  ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id"
	" WHERE s.tournament_id = $1 AND s.result_submitted"
	" WINDOW w AS (PARTITION BY p.session_id),"
	"  ws AS (PARTITION BY p.session_id ORDER BY p.slot)),"
	" results AS (SELECT *, CASE WHEN n < 2 THEN NULL"
	"  WHEN placement = 1 AND firsts = 1 THEN 'w'"
	"  WHEN placement = 1 THEN 'd' ELSE 'l' END AS outcome FROM parts),"
	" per_player AS ("
	" SELECT e.player_id,"
	"  count(x.outcome) FILTER (WHERE x.outcome = 'w')::int AS wins,"
	"  count(x.outcome) FILTER (WHERE x.outcome = 'd')::int AS draws,"
	"  count(x.outcome) FILTER (WHERE x.outcome = 'l')::int AS losses,"
	"  coalesce(sum(x.score), 0) AS score_for,"
	"  coalesce(sum(x.opponent_score) FILTER (WHERE x.n > 1), 0) AS score_against"
	" FROM tourney.enrollments e LEFT JOIN results x ON x.player_id = e.player_id"
	" WHERE e.tournament_id = $1 GROUP BY e.player_id),"
	" scored AS (SELECT pp.*, wins + 0.5 * draws + (SELECT count(*) FROM tourney.byes b"
	"  WHERE b.tournament_id = $1 AND b.player_id = pp.player_id) AS points"
	"  FROM per_player pp),"
	" breaks AS (SELECT x.player_id, sum(o.points) AS buchholz,"
	"  sum(CASE x.outcome WHEN 'w' THEN o.points WHEN 'd' THEN o.points * 0.5"
	"   ELSE 0 END) AS sonneborn_berger"
	"  FROM results x JOIN scored o ON o.player_id = x.opponent"
	"  WHERE x.n = 2 GROUP BY x.player_id),"
	" ranked AS (SELECT s.*, coalesce(b.buchholz, 0) AS buchholz,"
	"  coalesce(b.sonneborn_berger, 0) AS sonneborn_berger"
	"  FROM scored s LEFT JOIN breaks b ON b.player_id = s.player_id)"
	" SELECT player_id, rank() OVER (ORDER BY points DESC, buchholz DESC,"
	"  sonneborn_berger DESC)::int AS rank, points,"
	" wins, draws, losses, score_for, score_against,"
	" ARRAY[buchholz, sonneborn_berger] AS tiebreaks FROM ranked";

/*
 * The ranking query joins derived tables (results per session, points per
 * player).  A generic plan estimates them at a row or two and would join
 * them by nested loop, which is quadratic in the players: hash and merge
 * joins only, for this query whatever the statistics say.
 */
static void
ranking_settings(void)
{
	tourney_bulk_settings();
	(void) set_config_option("enable_nestloop", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/* A knockout's main rounds (its ladder needs them); 0 for other formats. */
static int32
main_rounds(const Tournament *t, bool read_only)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		key[1] = {Int64GetDatum(t->id)};
	bool		isnull;
	Datum		rounds;

	if (t->format != FORMAT_KNOCKOUT)
		return 0;
	tourney_plan(&plan,
				 "SELECT max(round) FROM tourney.sessions"
				 " WHERE tournament_id = $1 AND stage = 'main'",
				 1, argtypes);
	tourney_exec(plan, key, NULL, read_only, 1);
	rounds = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetInt32(rounds);
}

static void
require_all_results(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(t->id)};
	bool		isnull;
	int64		open;

	tourney_plan(&plan,
				 "SELECT count(*) FROM tourney.sessions"
				 " WHERE tournament_id = $1 AND NOT result_submitted",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 1);
	open = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (open > 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot calculate rankings: tournament " INT64_FORMAT " has " INT64_FORMAT " sessions without a result",
						t->id, open),
				 errhint("Submit every result first; tourney.standings shows provisional standings.")));
}

int64
rankings_calculate(int64 tournament_id)
{
	static SPIPlanPtr plan_delete = NULL;
	static SPIPlanPtr plan_swiss = NULL;
	static SPIPlanPtr plan_stamp = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		key[1] = {Int64GetDatum(tournament_id)};
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	int32		rounds;
	int64		written;

	ranking_settings();
	tournament_require_state(t, STATUS_IN_PROGRESS, "calculate rankings");
	require_all_results(t);
	/* before the DELETE: in that order make test-soak finds the heap flat */
	rounds = main_rounds(t, false);

	tourney_plan(&plan_delete, "DELETE FROM tourney.rankings WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan_delete, key, NULL, false, 0);
	if (t->format != FORMAT_SWISS)
		written = tally_calculate(t, rounds);
	else
	{
		tourney_plan(&plan_swiss,
					 psprintf("INSERT INTO tourney.rankings (tournament_id, player_id, rank,"
							  " points, wins, draws, losses, score_for, score_against,"
							  " tiebreaks) SELECT $1, r.* FROM (%s) r", swiss_ranking),
					 1, argtypes);
		tourney_exec(plan_swiss, key, NULL, false, 0);
		written = (int64) SPI_processed;
	}
	tourney_plan(&plan_stamp,
				 "UPDATE tourney.tournaments SET rankings_calculated_at = now()"
				 " WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan_stamp, key, NULL, false, 0);
	return written;
}

Datum
tourney_calculate_rankings(PG_FUNCTION_ARGS)
{
	int64		written;

	tourney_require_arg(fcinfo, 0, "tournament_id");
	SPI_connect();
	tasks_recover_if_needed();
	written = rankings_calculate(PG_GETARG_INT64(0));
	SPI_finish();
	PG_RETURN_INT32((int32) written);
}

static void
put_standing(HeapTuple row, TupleDesc desc, void *arg)
{
	ReturnSetInfo *rsinfo = arg;
	Datum		values[9];
	bool		nulls[9];

	heap_deform_tuple(row, desc, values, nulls);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * Provisional standings, in rank order.  Reads only, in one snapshot:
 * result entry is never blocked.
 */
Datum
tourney_standings(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan_swiss = NULL;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			argtypes[1] = {INT8OID};
	Datum		key[1];
	Tournament *t;

	tourney_require_arg(fcinfo, 0, "tournament_id");
	InitMaterializedSRF(fcinfo, 0);

	SPI_connect();
	ranking_settings();
	t = tournament_lock(PG_GETARG_INT64(0), TOURNAMENT_SNAPSHOT);
	if (t->format != FORMAT_SWISS)
		tally_standings(t, main_rounds(t, true), rsinfo);
	else
	{
		key[0] = Int64GetDatum(t->id);
		tourney_plan(&plan_swiss,
					 psprintf("SELECT r.rank, r.player_id,"
							  " (SELECT pl.name FROM tourney.players pl WHERE pl.player_id = r.player_id),"
							  " r.points, r.wins, r.draws, r.losses, r.score_for, r.score_against"
							  " FROM (%s) r ORDER BY r.rank, r.player_id", swiss_ranking),
					 1, argtypes);
		tourney_scan(plan_swiss, key, true, put_standing, NULL, rsinfo);
	}
	SPI_finish();
	return (Datum) 0;
}
