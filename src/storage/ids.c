/*
 * ids.c: ids tourney mints, unique across nodes by construction (SPEC
 * section 8), and elements of arrays found by id.
 */
#include "tourney/storage.h"

#include "commands/sequence.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"

/*
 * Reserve `count` consecutive values of a tourney sequence and return the
 * first, stamped with the node id.  The exclusive lock makes nextval and
 * setval one step; it is released at once, as sequences are not
 * transactional anyway.
 */
int64
id_mint(const char *sequence, int64 count)
{
	Oid			seqoid = query_relid(sequence);
	int64		first;

	Assert(count >= 1);

	LockRelationOid(seqoid, ExclusiveLock);
	first = nextval_internal(seqoid, false);
	if (count > 1)
		DirectFunctionCall2(setval_oid, ObjectIdGetDatum(seqoid),
							Int64GetDatum(first + count - 1));
	UnlockRelationOid(seqoid, ExclusiveLock);

	return ((int64) tourney_node_id << ID_NODE_SHIFT) | first;
}

/*
 * A random (version 8) UUID whose first two bytes hold the node id, so
 * ids minted on different nodes can never collide.
 */
void
id_mint_uuid(pg_uuid_t *uuid)
{
	if (!pg_strong_random(uuid->data, UUID_LEN))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));
	uuid->data[0] = (unsigned char) (tourney_node_id >> 8);
	uuid->data[1] = (unsigned char) tourney_node_id;
	uuid->data[6] = (uuid->data[6] & 0x0f) | 0x80;
	uuid->data[8] = (uuid->data[8] & 0x3f) | 0x80;
}

void
id_lookup_init(IdLookup *l, const void *base, int64 count, size_t size)
{
	l->base = base;
	l->size = size;
	l->count = count;
	l->first = count > 0 ? *(const int64 *) base : 0;
	l->dense = count > 0 &&
		*(const int64 *) (l->base + (count - 1) * size) - l->first == count - 1;
}

/* The element with this id, or NULL. */
void *
id_lookup(const IdLookup *l, int64 id)
{
	int64		lo = 0;
	int64		hi = l->count - 1;

	if (l->dense)
		return id >= l->first && id - l->first < l->count ?
			(void *) (l->base + (id - l->first) * l->size) : NULL;
	while (lo <= hi)
	{
		int64		mid = lo + (hi - lo) / 2;
		int64		at = *(const int64 *) (l->base + mid * l->size);

		if (at == id)
			return (void *) (l->base + mid * l->size);
		if (at < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}


static int
id_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

/*
 * Number a set of ids: sorts ids[0 .. count) and drops repeats, in place;
 * returns how many are left.  id_lookup(lookup, id) then finds an id, and
 * its offset from ids is its number.
 */
int64
id_number(int64 *ids, int64 count, IdLookup *lookup)
{
	int64		n = 0;

	qsort(ids, count, sizeof(int64), id_cmp);
	for (int64 i = 0; i < count; i++)
		if (n == 0 || ids[n - 1] != ids[i])
			ids[n++] = ids[i];
	id_lookup_init(lookup, ids, n, sizeof(int64));
	return n;
}
