/*
 * locks.c: the heavyweight locks tourney takes besides row locks, each in
 * an advisory lock class of its own (field 4 of the tag), so that they
 * meet nothing an application takes with pg_advisory_lock.
 *
 * The order every path takes them in is in tourney/lifecycle.h.
 */
#include "tourney/lifecycle.h"

#include "storage/lock.h"

/* Lock on (key, sub): a 64-bit id and, for courts, a court number. */
static void
set_tag(LOCKTAG *tag, TourneyLock lock, uint64 key, uint32 sub)
{
	/* a court's campus id above 2^32 shares bits with its court: more waiting, never less */
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) (key >> 32) ^ sub, (uint32) key,
						 (uint16) lock);
}

/*
 * Take a lock, to the end of the transaction.  With nowait, a lock that
 * another transaction holds is refused at once: 55P03, naming what.
 */
void
locks_take(TourneyLock lock, uint64 key, uint32 sub, bool exclusive, bool nowait,
		   const char *what)
{
	LOCKTAG		tag;

	set_tag(&tag, lock, key, sub);
	if (LockAcquire(&tag, exclusive ? ExclusiveLock : ShareLock, false, nowait) ==
		LOCKACQUIRE_NOT_AVAIL)
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("%s is being changed by another transaction", what),
				 errdetail("The first change to commit wins; this one changed nothing."),
				 errhint("Try again once the other change has committed.")));
}

/* Take a lock if no other transaction holds it (to the end of the transaction, or released). */
bool
locks_try(TourneyLock lock, uint64 key, uint32 sub, bool exclusive)
{
	LOCKTAG		tag;

	set_tag(&tag, lock, key, sub);
	return LockAcquire(&tag, exclusive ? ExclusiveLock : ShareLock, false, true) !=
		LOCKACQUIRE_NOT_AVAIL;
}

void
locks_release(TourneyLock lock, uint64 key, uint32 sub, bool exclusive)
{
	LOCKTAG		tag;

	set_tag(&tag, lock, key, sub);
	LockRelease(&tag, exclusive ? ExclusiveLock : ShareLock, false);
}

/* The campuses' locks, in campus_id order (the lock order), each once. */
void
locks_take_campuses(const int64 *campus_ids, int n, bool exclusive, bool nowait)
{
	int			distinct;
	int64	   *sorted = tourney_sorted_ids(campus_ids, n, &distinct);

	for (int i = 0; i < distinct; i++)
		locks_take(LOCK_CAMPUS, (uint64) sorted[i], 0, exclusive, nowait,
				   psprintf("the schedule of campus " INT64_FORMAT, sorted[i]));
	pfree(sorted);
}
