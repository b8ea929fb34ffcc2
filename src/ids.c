/*-------------------------------------------------------------------------
 *
 * ids.c
 *		Random (version 4) identifiers, generated with libuuid, and the small
 *		uuid helpers every other module uses.
 *
 * IDENTIFICATION
 *		src/ids.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <uuid/uuid.h>

#include "fmgr.h"
#include "utils/uuid.h"

#include "ids.h"

PG_FUNCTION_INFO_V1(members_new_id);

StaticAssertDecl(sizeof(uuid_t) == UUID_LEN, "libuuid uuid_t must be 16 bytes");

/*
 * Fill *out with a random uuid.  libuuid sets the version (4) and variant
 * bits itself.
 */
void
members_new_uuid(pg_uuid_t *out)
{
	uuid_t		raw;

	uuid_generate_random(raw);
	memcpy(out->data, raw, UUID_LEN);
}

/*
 * Write the canonical text form (8-4-4-4-12, lower-case hex) into buf,
 * which must hold 37 bytes.
 */
void
members_uuid_to_cstring(const pg_uuid_t *u, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char	   *p = buf;

	for (int i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u->data[i] >> 4];
		*p++ = hex[u->data[i] & 0x0F];
	}
	*p = '\0';
}

/* Value of one hex digit, or -1. */
static inline int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse a uuid written as 32 hex digits with optional hyphens after groups of
 * four digits and optional braces, as uuid_in accepts; never raises.
 */
bool
members_parse_uuid(const char *s, pg_uuid_t *out)
{
	const char *p = s;
	bool		braces = false;

	if (s == NULL)
		return false;
	if (*p == '{')
	{
		braces = true;
		p++;
	}
	for (int i = 0; i < UUID_LEN; i++)
	{
		int			hi,
					lo;

		hi = hexval(p[0]);
		if (hi < 0)
			return false;
		lo = hexval(p[1]);
		if (lo < 0)
			return false;
		out->data[i] = (unsigned char) ((hi << 4) | lo);
		p += 2;
		if (*p == '-' && (i % 2) == 1 && i < UUID_LEN - 1)
			p++;
	}
	if (braces)
	{
		if (*p != '}')
			return false;
		p++;
	}
	return *p == '\0';
}

/* True when every byte of u is zero. */
bool
members_uuid_is_nil(const pg_uuid_t *u)
{
	for (int i = 0; i < UUID_LEN; i++)
		if (u->data[i] != 0)
			return false;
	return true;
}

/*
 * SQL: members.new_id() returns uuid.  A fresh random version-4 uuid; the
 * default of every id column.
 */
Datum
members_new_id(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *result = palloc(sizeof(pg_uuid_t));

	members_new_uuid(result);
	PG_RETURN_UUID_P(result);
}
