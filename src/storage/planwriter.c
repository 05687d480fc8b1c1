/*
 * planwriter.c: a plan's rows into the tables.  A PlanWriter is the
 * PlanSink the formats' plans end in: sessions, participants and byes go
 * into their tables through BulkInsert, a batch at a time.
 */
#include "tourney/storage.h"

#include "utils/builtins.h"

struct PlanWriter
{
	PlanSink	base;
	BulkInsert *sessions;
	BulkInsert *participants;
	BulkInsert *byes;
	int64		tournament_id;
	Datum		stages[TOURNEY_STAGE_COUNT];	/* the values of sessions.stage */
};

/* sessions.pool and walkover came with 0.2: a 0.1 schema has no groups or walkovers */
static const char *const session_columns[13] = {"tournament_id", "session_id",
	"stage", "round", "match_number", "campus_id", "next_session_id", "next_slot",
"loser_next_session_id", "loser_next_slot", "result_submitted", "?pool", "?walkover"};

static const char *const bye_columns[3] = {"tournament_id", "round", "player_id"};

static void
sink_session(PlanSink *base, const PlannedSession *s)
{
	PlanWriter *w = (PlanWriter *) base;
	Datum		values[13];
	bool		nulls[13] = {false};

	values[0] = Int64GetDatum(w->tournament_id);
	values[1] = Int64GetDatum(s->session_id);
	values[2] = w->stages[s->stage];
	values[3] = Int32GetDatum(s->round);
	values[4] = Int32GetDatum(s->match_number);
	values[5] = Int64GetDatum(s->campus_id);
	nulls[5] = s->campus_id == 0;
	values[6] = Int64GetDatum(s->next_session_id);
	nulls[6] = s->next_session_id == 0;
	values[7] = Int16GetDatum(s->next_slot);
	nulls[7] = s->next_session_id == 0;
	values[8] = Int64GetDatum(s->loser_next_session_id);
	nulls[8] = s->loser_next_session_id == 0;
	values[9] = Int16GetDatum(s->loser_next_slot);
	nulls[9] = s->loser_next_session_id == 0;
	values[10] = BoolGetDatum(false);
	values[11] = Int16GetDatum(s->pool);
	values[12] = BoolGetDatum(false);
	bulk_insert_add(w->sessions, values, nulls);
}

static void
sink_participant(PlanSink *base, const PlannedParticipant *p)
{
	PlanWriter *w = (PlanWriter *) base;

	plan_writer_participant_add(w->participants, w->tournament_id, p->session_id,
								p->slot, p->player_id);
}

static void
sink_bye(PlanSink *base, int32 round, int64 player_id)
{
	PlanWriter *w = (PlanWriter *) base;
	Datum		values[3];

	values[0] = Int64GetDatum(w->tournament_id);
	values[1] = Int32GetDatum(round);
	values[2] = Int64GetDatum(player_id);
	bulk_insert_add(w->byes, values, NULL);
}

/* Participants are written at generation and when players advance. */
BulkInsert *
plan_writer_participants_begin(void)
{
	static const char *const columns[4] = {"tournament_id", "session_id", "slot",
	"player_id"};

	return bulk_insert_begin("session_participants", 4, columns);
}

void
plan_writer_participant_add(BulkInsert *b, int64 tournament_id, int64 session_id,
							int16 slot, int64 player_id)
{
	Datum		values[4];

	values[0] = Int64GetDatum(tournament_id);
	values[1] = Int64GetDatum(session_id);
	values[2] = Int16GetDatum(slot);
	values[3] = Int64GetDatum(player_id);
	bulk_insert_add(b, values, NULL);
}

PlanWriter *
plan_writer_begin(int64 tournament_id)
{
	PlanWriter *w = palloc0(sizeof(PlanWriter));

	w->base.session = sink_session;
	w->base.participant = sink_participant;
	w->base.bye = sink_bye;
	w->tournament_id = tournament_id;
	for (int i = 0; i < TOURNEY_STAGE_COUNT; i++)
		w->stages[i] = CStringGetTextDatum(tourney_stage_names[i]);
	w->sessions = bulk_insert_begin("sessions", 13, session_columns);
	w->participants = plan_writer_participants_begin();
	w->byes = bulk_insert_begin("byes", 3, bye_columns);
	return w;
}

PlanSink *
plan_writer_sink(PlanWriter *w)
{
	return &w->base;
}

/* Sessions in the table so far (rows are written a batch at a time). */
int64
plan_writer_sessions_written(const PlanWriter *w)
{
	return bulk_insert_rows_written(w->sessions);
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
