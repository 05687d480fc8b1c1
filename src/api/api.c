/*
 * api.c: what every SQL-callable function shares: the prologue and the
 * checks of its arguments.
 */
#include "tourney/api.h"

#include "catalog/pg_collation.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/formatting.h"

/*
 * Open a call: SPI; with API_RECOVER, the probe for tasks whose worker is
 * gone (at most once a second per backend); with API_BULK, the planner
 * and memory settings of the bulk phases, undone when the function
 * returns (its SET search_path opened a GUC nest level).
 */
void
api_begin(int flags)
{
	SPI_connect();
	if (flags & API_RECOVER)
		dispatch_recover_if_needed();
	if (flags & API_BULK)
		query_bulk_settings();
}

void
api_end(void)
{
	SPI_finish();
}

void
api_require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
}

/*
 * Enum arguments arrive as text and are matched case-insensitively.
 */
int
api_parse_enum(text *value, const char *const *labels, const char *what)
{
	char	   *given = text_to_cstring(value);
	char	   *lower = str_tolower(given, strlen(given), DEFAULT_COLLATION_OID);
	StringInfoData valid;

	for (int i = 0; labels[i] != NULL; i++)
		if (strcmp(lower, labels[i]) == 0)
			return i;

	initStringInfo(&valid);
	for (int i = 0; labels[i] != NULL; i++)
		appendStringInfo(&valid, "%s%s", i > 0 ? ", " : "", labels[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s: \"%s\"", what, given),
			 errhint("Valid values are: %s.", valid.data)));
	pg_unreachable();
}

const FormatRoutine *
api_parse_format(text *value)
{
	const char *const *names = format_names();

	return format_by_name(names[api_parse_enum(value, names, "tournament format")]);
}

static int32
optional_int(FunctionCallInfo fcinfo, int argno, bool *given)
{
	*given = !PG_ARGISNULL(argno);
	return *given ? PG_GETARG_INT32(argno) : 0;
}

static int
optional_enum(FunctionCallInfo fcinfo, int argno, const char *const *labels, const char *what)
{
	return PG_ARGISNULL(argno) ? -1 : api_parse_enum(PG_GETARG_TEXT_PP(argno), labels, what);
}

/*
 * The settings of a tournament of this format from the arguments of
 * create_tournament or run_scenario: number_of_rounds and
 * third_place_playoff where those functions have them, and from argument
 * options on (-1: the 0.1 functions, which have none) grand_final,
 * group_count, advance_per_group and group_tiebreak; checked by the
 * format, which fills in its defaults.
 */
void
api_tournament_settings(FunctionCallInfo fcinfo, const FormatRoutine *format, int rounds,
						int third_place, int options, Tournament *t)
{
	FormatOptions given;

	memset(&given, 0, sizeof(given));
	given.rounds = optional_int(fcinfo, rounds, &given.rounds_given);
	given.third_place = PG_ARGISNULL(third_place) ? -1 : PG_GETARG_BOOL(third_place);
	given.grand_final = -1;
	given.group_tiebreak = -1;
	if (options >= 0)
	{
		given.grand_final = optional_enum(fcinfo, options, tourney_grand_final_names,
										  "grand final");
		given.group_count = optional_int(fcinfo, options + 1, &given.group_count_given);
		given.advance_per_group = optional_int(fcinfo, options + 2, &given.advance_given);
		given.group_tiebreak = optional_enum(fcinfo, options + 3, tourney_group_tiebreak_names,
											 "group tiebreak");
	}
	else if (format->has_grand_final || format->has_pools)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s format needs tourney 0.2", format->name),
				 errhint("Run ALTER EXTENSION tourney UPDATE.")));
	memset(t, 0, sizeof(*t));
	t->format = format;
	format->check_options(&given, t);
}
