/*
 * store.c: turning a plan into rows.  A PlanWriter is the PlanSink the
 * formats write to: sessions, participants and byes go into their tables
 * through BulkInsert, and each round's sessions are spread
 * over the tournament's campuses.
 */
#include "tourney.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"

void		(*generation_progress_hook) (int64 tournament_id, const char *phase,
										 int64 done, int64 total) = NULL;

struct PlanWriter
{
	PlanSink	base;
	BulkInsert *sessions;
	BulkInsert *participants;
	BulkInsert *byes;
	CampusSpread *campus;
	const RoundCounts *counts;
	int64		tournament_id;
	int64		reported;		/* sessions written at the last progress report */
	int32		round;			/* round of the last session written */
	int64		index_in_round;
	Datum		main_stage;		/* the two values of sessions.stage */
	Datum		third_place_stage;
};

static const char *const session_columns[11] = {"tournament_id", "session_id",
	"stage", "round", "match_number", "campus_id", "next_session_id", "next_slot",
"loser_next_session_id", "loser_next_slot", "result_submitted"};

static const char *const bye_columns[3] = {"tournament_id", "round", "player_id"};

static void
sink_session(PlanSink *base, const PlannedSession *s)
{
	PlanWriter *g = (PlanWriter *) base;
	Datum		values[11];
	bool		nulls[11] = {false};
	int64		written;

	if (s->round != g->round)
	{
		g->round = s->round;
		g->index_in_round = 0;
		if (g->campus->ncampuses > 0 &&
			!campus_spread_round(g->campus, s->round, g->counts->sessions[s->round]))
			elog(ERROR, "campus spread of round %d changed after it was checked", s->round);
	}
	values[0] = Int64GetDatum(g->tournament_id);
	values[1] = Int64GetDatum(s->session_id);
	values[2] = s->third_place ? g->third_place_stage : g->main_stage;
	values[3] = Int32GetDatum(s->round);
	values[4] = Int32GetDatum(s->match_number);
	nulls[5] = g->campus->ncampuses == 0;
	if (!nulls[5])
		values[5] = Int64GetDatum(campus_for_session(g->campus, g->index_in_round));
	values[6] = Int64GetDatum(s->next_session_id);
	nulls[6] = s->next_session_id == 0;
	values[7] = Int16GetDatum(s->next_slot);
	nulls[7] = s->next_session_id == 0;
	values[8] = Int64GetDatum(s->loser_next_session_id);
	nulls[8] = s->loser_next_session_id == 0;
	values[9] = Int16GetDatum(s->loser_next_slot);
	nulls[9] = s->loser_next_session_id == 0;
	values[10] = BoolGetDatum(false);
	g->index_in_round++;
	bulk_insert_add(g->sessions, values, nulls);
	written = bulk_insert_rows_written(g->sessions);
	if (generation_progress_hook != NULL && written != g->reported)
	{
		g->reported = written;
		generation_progress_hook(g->tournament_id, "writing", g->reported, g->counts->total);
	}
}

static void
sink_participant(PlanSink *base, const PlannedParticipant *p)
{
	PlanWriter *g = (PlanWriter *) base;

	participant_insert(g->participants, g->tournament_id, p->session_id, p->slot,
					   p->player_id);
}

/* Participants are added at generation and when players advance. */
BulkInsert *
participants_insert_begin(void)
{
	static const char *const columns[4] = {"tournament_id", "session_id", "slot",
	"player_id"};

	return bulk_insert_begin("session_participants", 4, columns);
}

void
participant_insert(BulkInsert *b, int64 tournament_id, int64 session_id, int16 slot,
				   int64 player_id)
{
	Datum		values[4];

	values[0] = Int64GetDatum(tournament_id);
	values[1] = Int64GetDatum(session_id);
	values[2] = Int16GetDatum(slot);
	values[3] = Int64GetDatum(player_id);
	bulk_insert_add(b, values, NULL);
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
	Datum		values[3];

	values[0] = Int64GetDatum(g->tournament_id);
	values[1] = Int32GetDatum(round);
	values[2] = Int64GetDatum(player_id);
	bulk_insert_add(g->byes, values, NULL);
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
	w->main_stage = CStringGetTextDatum("main");
	w->third_place_stage = CStringGetTextDatum("third_place");
	w->sessions = bulk_insert_begin("sessions", 11, session_columns);
	w->participants = participants_insert_begin();
	w->byes = bulk_insert_begin("byes", 3, bye_columns);
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
	bulk_insert_end(w->sessions);
	bulk_insert_end(w->participants);
	bulk_insert_end(w->byes);
	timings->session_count = bulk_insert_rows_written(w->sessions);
	timings->db_write_ms = bulk_insert_write_ms(w->sessions) +
		bulk_insert_write_ms(w->participants) + bulk_insert_write_ms(w->byes);
}
