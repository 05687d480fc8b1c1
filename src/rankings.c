/*
 * rankings.c: calculate_rankings and standings, one ranking query for both.
 *
 * Knockout: 1 the final's winner, 2 its loser, 3 and 4 the third-place
 * match's winner and loser, then the losers of main round r share
 * 2^(R - r) + 1 (semi-final losers 3 without a third-place match).
 * Individual ranking: competition ranking of the summed scores in the
 * tournament's direction.  Round robin: points (3 per win, 1 per draw),
 * then score difference, then score for.  Swiss: points (1 per win or
 * bye, 1/2 per draw), then Buchholz, then Sonneborn-Berger.  Players still in the running rank by the same
 * rules on the results so far, which is what standings shows.
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
 * The ranking query, shared by calculate_rankings and standings: $1 the
 * tournament, $2 higher scores win, $3 the knockout's main rounds.
 * Columns: player_id, rank, points, wins, draws, losses, score_for,
 * score_against, tiebreaks.  Only the last step differs per format.
 */
#define RANKING_PARTS \
	"WITH parts AS (" \
	" SELECT p.player_id, p.score, p.placement, s.stage, s.round," \
	"  count(*) OVER w AS n, sum(p.score) OVER w AS session_total," \
	"  count(*) FILTER (WHERE p.placement = 1) OVER w AS firsts," \
	"  sum(p.player_id) OVER w - p.player_id AS opponent" \
	" FROM tourney.sessions s JOIN tourney.session_participants p" \
	"  ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id" \
	" WHERE s.tournament_id = $1 AND s.result_submitted" \
	" WINDOW w AS (PARTITION BY p.session_id))," \
	" results AS (SELECT *, CASE WHEN n < 2 THEN NULL" \
	"  WHEN placement = 1 AND firsts = 1 THEN 'w'" \
	"  WHEN placement = 1 THEN 'd' ELSE 'l' END AS outcome FROM parts)," \
	" per_player AS (" \
	" SELECT e.player_id," \
	"  count(x.outcome) FILTER (WHERE x.outcome = 'w')::int AS wins," \
	"  count(x.outcome) FILTER (WHERE x.outcome = 'd')::int AS draws," \
	"  count(x.outcome) FILTER (WHERE x.outcome = 'l')::int AS losses," \
	"  coalesce(sum(x.score), 0) AS score_for," \
	"  coalesce(sum(x.session_total - x.score) FILTER (WHERE x.n > 1), 0) AS score_against," \
	"  sum(x.score) AS total," \
	"  CASE WHEN bool_or(x.stage = 'third_place' AND x.placement > 1) THEN 4" \
	"   WHEN bool_or(x.stage = 'third_place' AND x.placement = 1) THEN 3" \
	"   ELSE coalesce((1 << ($3 - min(x.round) FILTER" \
	"    (WHERE x.stage = 'main' AND x.placement > 1))) + 1, 1) END AS ladder" \
	" FROM tourney.enrollments e LEFT JOIN results x ON x.player_id = e.player_id" \
	" WHERE e.tournament_id = $1 GROUP BY e.player_id)"

#define RANKING_COLUMNS \
	" wins, draws, losses, score_for, score_against"

static const char *const ranking_queries[] = {
	/* knockout */
	RANKING_PARTS
	" SELECT player_id, ladder AS rank, wins::numeric AS points," RANKING_COLUMNS ","
	" '{}'::numeric[] AS tiebreaks FROM per_player",
	/* individual ranking */
	RANKING_PARTS
	" SELECT player_id, rank() OVER (ORDER BY"
	"  CASE WHEN $2 THEN total END DESC NULLS LAST,"
	"  CASE WHEN NOT $2 THEN total END ASC NULLS LAST)::int AS rank,"
	" coalesce(total, 0) AS points," RANKING_COLUMNS ","
	" '{}'::numeric[] AS tiebreaks FROM per_player",
	/* round robin: points, then score difference, then score for */
	RANKING_PARTS ","
	" scored AS (SELECT *, (3 * wins + draws)::numeric AS points,"
	"  score_for - score_against AS difference FROM per_player)"
	" SELECT player_id, rank() OVER (ORDER BY points DESC, difference DESC,"
	"  score_for DESC)::int AS rank, points," RANKING_COLUMNS ","
	" ARRAY[difference, score_for] AS tiebreaks FROM scored",
	/* swiss: points, then Buchholz, then Sonneborn-Berger */
	RANKING_PARTS ","
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
	"  sonneborn_berger DESC)::int AS rank, points," RANKING_COLUMNS ","
	" ARRAY[buchholz, sonneborn_berger] AS tiebreaks FROM ranked"
};

static const Oid ranking_argtypes[3] = {INT8OID, BOOLOID, INT4OID};

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

static void
ranking_args(const Tournament *t, Datum *args, bool read_only)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		key[1] = {Int64GetDatum(t->id)};
	bool		isnull;
	Datum		rounds;

	tourney_plan(&plan,
				 "SELECT max(round) FROM tourney.sessions"
				 " WHERE tournament_id = $1 AND stage = 'main'",
				 1, argtypes);
	tourney_exec(plan, key, NULL, read_only, 1);
	rounds = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	args[0] = Int64GetDatum(t->id);
	args[1] = BoolGetDatum(t->higher_wins);
	args[2] = isnull ? Int32GetDatum(0) : rounds;
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
	static SPIPlanPtr plan_insert[lengthof(ranking_queries)];
	static SPIPlanPtr plan_stamp = NULL;
	Oid			argtypes[1] = {INT8OID};
	Datum		key[1] = {Int64GetDatum(tournament_id)};
	Datum		args[3];
	Tournament *t = tournament_lock(tournament_id, TOURNAMENT_LOCK);
	int64		written;

	ranking_settings();
	tournament_require_state(t, STATUS_IN_PROGRESS, "calculate rankings");
	require_all_results(t);
	ranking_args(t, args, false);

	tourney_plan(&plan_delete, "DELETE FROM tourney.rankings WHERE tournament_id = $1",
				 1, argtypes);
	tourney_exec(plan_delete, key, NULL, false, 0);
	if (t->format == FORMAT_KNOCKOUT)
		written = ladder_calculate(t->id, DatumGetInt32(args[2]));
	else
	{
		tourney_plan(&plan_insert[t->format],
					 psprintf("INSERT INTO tourney.rankings (tournament_id, player_id, rank,"
							  " points, wins, draws, losses, score_for, score_against,"
							  " tiebreaks) SELECT $1, r.* FROM (%s) r",
							  ranking_queries[t->format]),
					 3, ranking_argtypes);
		tourney_exec(plan_insert[t->format], args, NULL, false, 0);
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
 * Provisional standings, streamed from a cursor into the result tuplestore.
 * Reads only: result entry is never blocked.
 */
Datum
tourney_standings(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plans[lengthof(ranking_queries)];
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Tournament *t;
	Datum		args[3];

	tourney_require_arg(fcinfo, 0, "tournament_id");
	InitMaterializedSRF(fcinfo, 0);

	SPI_connect();
	ranking_settings();
	t = tournament_lock(PG_GETARG_INT64(0), TOURNAMENT_SNAPSHOT);
	ranking_args(t, args, true);
	tourney_plan(&plans[t->format],
				 psprintf("SELECT r.rank, r.player_id,"
						  " (SELECT pl.name FROM tourney.players pl WHERE pl.player_id = r.player_id),"
						  " r.points, r.wins, r.draws, r.losses, r.score_for, r.score_against"
						  " FROM (%s) r ORDER BY r.rank, r.player_id", ranking_queries[t->format]),
				 3, ranking_argtypes);
	tourney_scan(plans[t->format], args, true, put_standing, NULL, rsinfo);
	SPI_finish();
	return (Datum) 0;
}
