/*
 * methods.c: the rating methods update_ratings knows, by name (its method
 * argument is matched case-insensitively against these).  Pure: no SPI,
 * no catalog access.
 */
#include "tourney/rating.h"

static const RatingMethod *const methods[] = {&glicko2_method, &elo_method};

const char *const rating_method_names[] = {"glicko2", "elo", NULL};

StaticAssertDecl(lengthof(methods) + 1 == lengthof(rating_method_names),
				 "a rating method without its name");

/* The method of rating_method_names[index]. */
const RatingMethod *
rating_method_at(int index)
{
	if (index < 0 || index >= lengthof(methods))
		elog(ERROR, "unknown rating method %d", index);
	return methods[index];
}
