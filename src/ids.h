/*-------------------------------------------------------------------------
 *
 * ids.h
 *		Random (version 4) identifiers, generated with libuuid.
 *
 * IDENTIFICATION
 *		src/ids.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_IDS_H
#define MEMBERS_IDS_H

#include "utils/uuid.h"

/* Fill *out with a fresh random version-4 uuid. */
extern void members_new_uuid(pg_uuid_t *out);

/* Format u as the canonical 36-character lower-case text into buf[37]. */
extern void members_uuid_to_cstring(const pg_uuid_t *u, char *buf);

/*
 * Parse s as a uuid (any form uuid_in accepts); returns false instead of
 * raising when s is not a uuid.
 */
extern bool members_parse_uuid(const char *s, pg_uuid_t *out);

/* True when a and b are the same uuid. */
static inline bool
members_uuid_equal(const pg_uuid_t *a, const pg_uuid_t *b)
{
	return memcmp(a->data, b->data, UUID_LEN) == 0;
}

/* True when u is the all-zero uuid. */
extern bool members_uuid_is_nil(const pg_uuid_t *u);

#endif							/* MEMBERS_IDS_H */
