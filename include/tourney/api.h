/*
 * tourney/api.h: the SQL-callable functions (src/api/).  Each checks its
 * arguments, opens the common prologue (api_begin: SPI, the recovery probe
 * of the async layer, the planner settings of bulk phases), makes the
 * sync/async choice where there is one, and calls the lifecycle.
 */
#ifndef TOURNEY_API_H
#define TOURNEY_API_H

#include "tourney/async.h"

/* api_begin flags */
#define API_RECOVER	0x01		/* look for tasks to recover first */
#define API_BULK	0x02		/* the planner settings of bulk phases */

/* api.c */
extern void api_begin(int flags);
extern void api_end(void);
extern void api_require_arg(FunctionCallInfo fcinfo, int argno, const char *name);
extern int	api_parse_enum(text *value, const char *const *labels, const char *what);
extern const FormatRoutine *api_parse_format(text *value);
extern void api_tournament_settings(FunctionCallInfo fcinfo, const FormatRoutine *format,
									int rounds, int third_place, int options, Tournament *t);

/* tournaments.c: shared with run_scenario */
extern int32 api_enroll(int64 tournament_id, const int64 *player_ids, const int32 *seeds,
						const bool *seed_nulls, int n);
extern pg_uuid_t *api_generate(int64 tournament_id, int async, GenerationTimings *timings,
							   bool *queued);

#endif							/* TOURNEY_API_H */
