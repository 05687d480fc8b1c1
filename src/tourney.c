/*
 * tourney.c: what every layer shares (tourney/tourney.h): the values of
 * the configuration parameters (module.c defines them as GUCs), the
 * labels of the enums, and a few helpers.
 */
#include "tourney/tourney.h"

int			tourney_async_threshold = 128;
int			tourney_max_workers = 4;
int			tourney_task_retries = 2;
int			tourney_node_id = 0;
int			tourney_worker_idle_timeout = 10000;

/*
 * Labels of the SQL enums, in declaration order (see tourney--0.1.sql);
 * the formats' are in their registry (formats/registry.c).
 */
const char *const tourney_status_names[] =
{"draft", "in_progress", "completed", "cancelled", NULL};
const char *const tourney_scoring_names[] =
{"score_based", "time_based", "distance_based", "placement", "win_loss", NULL};

/* The values of the text columns tournaments.grand_final and group_tiebreak. */
const char *const tourney_grand_final_names[] = {"none", "simple", "double", NULL};
const char *const tourney_group_tiebreak_names[] = {"overall", "head_to_head", NULL};

/* The position of a label read from the catalog in its list. */
int
tourney_label_index(const char *const *labels, const char *value)
{
	for (int i = 0; labels[i] != NULL; i++)
		if (strcmp(labels[i], value) == 0)
			return i;
	elog(ERROR, "unexpected enum label \"%s\"", value);
	pg_unreachable();
}

/*
 * Room for one more element in a palloc'd array of *allocated elements
 * holding count: doubled when full (huge allocations allowed).
 */
void *
tourney_grow(void *items, int64 count, int64 *allocated, size_t size)
{
	if (items == NULL)
	{
		*allocated = Max(*allocated, 1024);
		return palloc_extended(size * *allocated, MCXT_ALLOC_HUGE);
	}
	if (count < *allocated)
		return items;
	*allocated *= 2;
	return repalloc_huge(items, size * *allocated);
}

/* qsort's order of bigint ids. */
int
tourney_int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/* A palloc'd copy of ids in ascending order, each once; its length in *distinct. */
int64 *
tourney_sorted_ids(const int64 *ids, int n, int *distinct)
{
	int64	   *sorted = palloc(sizeof(int64) * Max(n, 1));
	int			kept = 0;

	memcpy(sorted, ids, sizeof(int64) * n);
	qsort(sorted, n, sizeof(int64), tourney_int64_cmp);
	for (int i = 0; i < n; i++)
		if (kept == 0 || sorted[i] != sorted[kept - 1])
			sorted[kept++] = sorted[i];
	*distinct = kept;
	return sorted;
}

double
tourney_elapsed_ms(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_MILLISEC(now);
}

