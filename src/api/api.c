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
