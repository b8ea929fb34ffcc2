/*-------------------------------------------------------------------------
 *
 * endpoint.h
 *		The opening and closing that every SQL endpoint shares.
 *
 * An endpoint (members.organization_members, members.create_user, ...) is
 * a thin SQL-callable function in the pattern of pg_cron's cron_schedule
 * wrappers around ScheduleCronJob:
 *
 *		MembersCall c;
 *
 *		(read and check the arguments)
 *		members_call_begin(&c, MEMBERS_CALL_SPI);
 *		(resolve, authorize, read or write through SPI, write c.json)
 *		PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
 *
 * members_call_begin accepts pending cache invalidations (the only caller
 * of members_subject_cache_sync outside the cache itself), resolves the
 * actor (28000), prepares the result buffer, and with MEMBERS_CALL_SPI
 * connects to SPI and switches to the extension owner (util.h).  The end
 * functions undo that in reverse order.  An endpoint writes its answer
 * either as JSON text into c.json (members_call_end_jsonb parses it) or,
 * for the listings, with the jsonb writer into c.jb (members_call_end_built
 * returns it; jsonout.h).  An error raised in between needs
 * no cleanup: transaction abort restores the user and SPI.
 *
 * IDENTIFICATION
 *		src/endpoint.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_ENDPOINT_H
#define MEMBERS_ENDPOINT_H

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

#include "actor.h"
#include "jsonout.h"
#include "util.h"

/* Connect to SPI and run as the extension owner until the end. */
#define MEMBERS_CALL_SPI	0x01
/* The answer is built in c.jb (members_jsonb_init_kept, jsonout.h). */
#define MEMBERS_CALL_JSONB	0x02

/* One running endpoint call. */
typedef struct MembersCall
{
	MembersActor actor;			/* who acts (resolved by begin) */
	StringInfoData json;		/* the result's JSON text, in the caller's
								 * memory context (it survives SPI_finish) */
	MembersJsonb jb;			/* or the result built as jsonb (listings),
								 * in the same context */
	int			flags;
	MembersUserSwitch sw;		/* the caller's identity, with
								 * MEMBERS_CALL_SPI */
} MembersCall;

/*
 * Open a call: accept invalidations, resolve the actor, start the result
 * buffer, and with MEMBERS_CALL_SPI connect to SPI as the owner.
 */
extern void members_call_begin(MembersCall *c, int flags);

/* Close a call opened by members_call_begin (void and non-JSON results). */
extern void members_call_end(MembersCall *c);

/* Close a call and return c->json parsed as jsonb. */
extern Jsonb *members_call_end_jsonb(MembersCall *c);

/* Close a call and return the value built in c->jb. */
extern Jsonb *members_call_end_built(MembersCall *c);

#endif							/* MEMBERS_ENDPOINT_H */
