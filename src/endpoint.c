/*-------------------------------------------------------------------------
 *
 * endpoint.c
 *		The opening and closing that every SQL endpoint shares; see
 *		endpoint.h.
 *
 * IDENTIFICATION
 *		src/endpoint.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"

#include "endpoint.h"
#include "jsonout.h"
#include "subject.h"

/* See endpoint.h. */
void
members_call_begin(MembersCall *c, int flags)
{
	c->flags = flags;
	members_subject_cache_sync();
	members_current_actor(&c->actor);
	/* before SPI_connect: the buffer must outlive SPI's memory */
	initStringInfo(&c->json);
	if (flags & MEMBERS_CALL_JSONB)
		members_jsonb_init_kept(&c->jb);
	else
		members_jsonb_init(&c->jb);
	if (flags & MEMBERS_CALL_SPI)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		members_become_owner(&c->sw);
	}
}

/* See endpoint.h. */
void
members_call_end(MembersCall *c)
{
	if (c->flags & MEMBERS_CALL_SPI)
	{
		members_restore_user(&c->sw);
		if (SPI_finish() != SPI_OK_FINISH)
			elog(ERROR, "SPI_finish failed");
	}
}

/* See endpoint.h. */
Jsonb *
members_call_end_jsonb(MembersCall *c)
{
	members_call_end(c);
	return members_jsonb_finish(&c->json);
}

/* See endpoint.h. */
Jsonb *
members_call_end_built(MembersCall *c)
{
	members_call_end(c);
	return members_jsonb_result(&c->jb);
}
