/*-------------------------------------------------------------------------
 *
 * index_read.c
 *		Direct index reads of the members tables (see index_read.h).
 *
 * IDENTIFICATION
 *		src/index_read.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "access/tableam.h"
#include "executor/executor.h"
#include "utils/fmgroids.h"

#include "index_read.h"

/* See index_read.h. */
void
members_index_read_begin(MembersIndexRead *r, Relation heap, Relation index,
						 Snapshot snap, int nkeys)
{
	r->heap = heap;
	r->index = index;
	r->snap = snap;
	r->scan = index_beginscan(heap, index, snap, nkeys, 0);
	r->slot = table_slot_create(heap, NULL);
}

/* See index_read.h. */
bool
members_index_read_uuid(MembersIndexRead *r, const pg_uuid_t *id)
{
	ScanKeyData key;

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ, UUIDPGetDatum(id));
	index_rescan(r->scan, &key, 1, NULL, 0);
	return index_getnext_slot(r->scan, ForwardScanDirection, r->slot);
}

/* See index_read.h. */
bool
members_index_read_next(MembersIndexRead *r)
{
	return index_getnext_slot(r->scan, ForwardScanDirection, r->slot);
}

/* See index_read.h. */
void
members_index_read_end(MembersIndexRead *r)
{
	index_endscan(r->scan);
	ExecDropSingleTupleTableSlot(r->slot);
	r->scan = NULL;
	r->slot = NULL;
}

/* See index_read.h. */
AttrNumber
members_att_number(Relation rel, const char *name)
{
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(desc, i);

		if (!a->attisdropped && strcmp(NameStr(a->attname), name) == 0)
			return a->attnum;
	}
	elog(ERROR, "column %s of members.%s not found", name, RelationGetRelationName(rel));
	return InvalidAttrNumber;	/* keep compiler quiet */
}
