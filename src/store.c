/*
 * store.c: turning a plan into rows.  A PlanWriter is the PlanSink the
 * formats write to: sessions, participants and byes go into one bulk
 * statement per table and batch, and each round's sessions are spread
 * over the tournament's campuses.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"

void		(*generation_progress_hook) (int64 tournament_id, const char *phase,
										 int64 done, int64 total) = NULL;

const Oid	participant_columns[3] = {INT8OID, INT2OID, INT8OID};

static const Oid session_columns[9] = {INT8OID, TEXTOID, INT4OID, INT4OID, INT8OID,
INT8OID, INT2OID, INT8OID, INT2OID};

static const Oid bye_columns[2] = {INT4OID, INT8OID};

struct PlanWriter
{
	PlanSink	base;
	ArrayBatch	sessions;
	ArrayBatch	participants;
	ArrayBatch	byes;
	CampusSpread *campus;
	const RoundCounts *counts;
	int64		tournament_id;
	int64		reported;		/* sessions written at the last progress report */
	int32		round;			/* round of the last session written */
	int64		index_in_round;
};

static void
sink_session(PlanSink *base, const PlannedSession *s)
{
	PlanWriter *g = (PlanWriter *) base;
	Datum		values[9];
	bool		nulls[9] = {false};

	if (s->round != g->round)
	{
		g->round = s->round;
		g->index_in_round = 0;
		if (g->campus->ncampuses > 0 &&
			!campus_spread_round(g->campus, s->round, g->counts->sessions[s->round]))
			elog(ERROR, "campus spread of round %d changed after it was checked", s->round);
	}
	values[0] = Int64GetDatum(s->session_id);
	values[1] = CStringGetTextDatum(s->third_place ? "third_place" : "main");
	values[2] = Int32GetDatum(s->round);
	values[3] = Int32GetDatum(s->match_number);
	nulls[4] = g->campus->ncampuses == 0;
	if (!nulls[4])
		values[4] = Int64GetDatum(campus_for_session(g->campus, g->index_in_round));
	values[5] = Int64GetDatum(s->next_session_id);
	nulls[5] = s->next_session_id == 0;
	values[6] = Int16GetDatum(s->next_slot);
	nulls[6] = s->next_session_id == 0;
	values[7] = Int64GetDatum(s->loser_next_session_id);
	nulls[7] = s->loser_next_session_id == 0;
	values[8] = Int16GetDatum(s->loser_next_slot);
	nulls[8] = s->loser_next_session_id == 0;
	g->index_in_round++;
	array_batch_add(&g->sessions, values, nulls);
	if (generation_progress_hook != NULL && g->sessions.rows_written != g->reported)
	{
		g->reported = g->sessions.rows_written;
		generation_progress_hook(g->tournament_id, "writing", g->reported, g->counts->total);
	}
}

static void
sink_participant(PlanSink *base, const PlannedParticipant *p)
{
	PlanWriter *g = (PlanWriter *) base;
	Datum		values[3];

	values[0] = Int64GetDatum(p->session_id);
	values[1] = Int16GetDatum(p->slot);
	values[2] = Int64GetDatum(p->player_id);
	array_batch_add(&g->participants, values, NULL);
}

/* The INSERT that adds participants: at generation and when players advance. */
SPIPlanPtr
participants_insert_plan(void)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, INT8ARRAYOID, INT2ARRAYOID, INT8ARRAYOID};

	return tourney_plan(&plan,
						"INSERT INTO tourney.session_participants"
						" (tournament_id, session_id, slot, player_id)"
						" SELECT $1, * FROM unnest($2, $3, $4)",
						4, argtypes);
}

static SPIPlanPtr
sessions_insert_plan(void)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[10] = {INT8OID, INT8ARRAYOID, TEXTARRAYOID, INT4ARRAYOID,
		INT4ARRAYOID, INT8ARRAYOID, INT8ARRAYOID, INT2ARRAYOID, INT8ARRAYOID,
	INT2ARRAYOID};

	return tourney_plan(&plan,
						"INSERT INTO tourney.sessions (tournament_id, session_id, stage,"
						" round, match_number, campus_id, next_session_id, next_slot,"
						" loser_next_session_id, loser_next_slot)"
						" SELECT $1, * FROM unnest($2, $3, $4, $5, $6, $7, $8, $9, $10)",
						10, argtypes);
}

/* Capacities of the tournament's campuses, in campus_ids order; 0 = unlimited. */
static int32 *
campus_capacities(const Tournament *t)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[1] = {INT8ARRAYOID};
	Datum		args[1];
	int32	   *capacities = palloc0(sizeof(int32) * Max(t->ncampuses, 1));

	if (t->ncampuses == 0)
		return capacities;
	args[0] = tourney_int8_array_datum(t->campus_ids, t->ncampuses);
	tourney_plan(&plan,
				 "SELECT u.ord::int, coalesce(c.capacity, 0)"
				 " FROM unnest($1) WITH ORDINALITY u(id, ord)"
				 " JOIN tourney.campuses c ON c.campus_id = u.id",
				 1, argtypes);
	tourney_exec(plan, args, NULL, false, 0);
	if (SPI_processed != (uint64) t->ncampuses)
		elog(ERROR, "campuses of tournament " INT64_FORMAT " are missing", t->id);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		int32		ord = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));

		capacities[ord - 1] = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
	}
	return capacities;
}

static void
sink_bye(PlanSink *base, int32 round, int64 player_id)
{
	PlanWriter *g = (PlanWriter *) base;
	Datum		values[2];

	values[0] = Int32GetDatum(round);
	values[1] = Int64GetDatum(player_id);
	array_batch_add(&g->byes, values, NULL);
}

static SPIPlanPtr
byes_insert_plan(void)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, INT4ARRAYOID, INT8ARRAYOID};

	return tourney_plan(&plan,
						"INSERT INTO tourney.byes (tournament_id, round, player_id)"
						" SELECT $1, * FROM unnest($2, $3)",
						3, argtypes);
}

/* The campuses of a tournament, with their capacities, ready for spreading. */
void
campus_spread_load(const Tournament *t, CampusSpread *campus)
{
	memset(campus, 0, sizeof(*campus));
	campus->ncampuses = t->ncampuses;
	campus->campus_ids = t->campus_ids;
	campus->capacities = campus_capacities(t);
}

PlanWriter *
plan_writer_begin(const Tournament *t, const RoundCounts *counts, CampusSpread *campus)
{
	PlanWriter *w = palloc0(sizeof(PlanWriter));

	w->base.session = sink_session;
	w->base.participant = sink_participant;
	w->base.bye = sink_bye;
	w->campus = campus;
	w->counts = counts;
	w->tournament_id = t->id;
	array_batch_init(&w->sessions, sessions_insert_plan(), t->id, 9, session_columns);
	array_batch_init(&w->participants, participants_insert_plan(), t->id, 3,
					 participant_columns);
	array_batch_init(&w->byes, byes_insert_plan(), t->id, 2, bye_columns);
	return w;
}

PlanSink *
plan_writer_sink(PlanWriter *w)
{
	return &w->base;
}

/* Flush what is left; the sessions written and the time spent writing. */
void
plan_writer_end(PlanWriter *w, GenerationTimings *timings)
{
	array_batch_end(&w->sessions);
	array_batch_end(&w->participants);
	array_batch_end(&w->byes);
	timings->session_count = w->sessions.rows_written;
	timings->db_write_ms = w->sessions.write_ms + w->participants.write_ms + w->byes.write_ms;
}
