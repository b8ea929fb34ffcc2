/*-------------------------------------------------------------------------
 *
 * index_read.h
 *		Reading the members tables directly through one of their indexes,
 *		without SPI: the scan, its slot and the restart on a uuid key that
 *		the subject builds (src/subject.c) and the small-organization
 *		listings (src/member_rows.c) share.
 *
 * The caller opens and locks the table and the index, and closes them; the
 * scan reads under the snapshot it is given.
 *
 * IDENTIFICATION
 *		src/index_read.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_INDEX_READ_H
#define MEMBERS_INDEX_READ_H

#include "access/genam.h"
#include "executor/tuptable.h"
#include "utils/rel.h"
#include "utils/snapshot.h"
#include "utils/uuid.h"

/* An index scan of a table and the slot its rows are read into. */
typedef struct MembersIndexRead
{
	Relation	heap;
	Relation	index;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	Snapshot	snap;
} MembersIndexRead;

/* Begin a scan of heap through index under snap, for nkeys keys. */
extern void members_index_read_begin(MembersIndexRead *r, Relation heap,
									 Relation index, Snapshot snap, int nkeys);

/*
 * Restart the scan on the index's first column equal to the uuid id and
 * read the first row into r->slot; false when there is none.
 */
extern bool members_index_read_uuid(MembersIndexRead *r, const pg_uuid_t *id);

/* Read the next row into r->slot; false at the end. */
extern bool members_index_read_next(MembersIndexRead *r);

/* End the scan and drop its slot (the relations stay open). */
extern void members_index_read_end(MembersIndexRead *r);

/* Attribute number of column name of rel (error when it is missing). */
extern AttrNumber members_att_number(Relation rel, const char *name);

#endif							/* MEMBERS_INDEX_READ_H */
