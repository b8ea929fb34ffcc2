/*-------------------------------------------------------------------------
 *
 * actor.h
 *		Who is acting: the members.actor setting and its resolution.
 *
 * IDENTIFICATION
 *		src/actor.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_ACTOR_H
#define MEMBERS_ACTOR_H

#include "utils/uuid.h"

/* The resolved acting subject. */
typedef struct MembersActor
{
	bool		is_system;		/* Coder's AsSystem: may do anything */
	pg_uuid_t	user_id;		/* valid when !is_system */
} MembersActor;

/* Define members.actor and members.service_role; called from _PG_init. */
extern void members_actor_init(void);

/* The value of members.actor as a uuid; false when it is unset (empty). */
extern bool members_actor_setting(pg_uuid_t *out);

/*
 * True when the current user is a superuser or has the privileges of the
 * role named by members.service_role.
 */
extern bool members_caller_is_trusted(void);

/*
 * Resolve the acting subject or raise 28000.  Unset actor: system for a
 * trusted caller, else 28000.  Set actor: the user must exist, not be
 * deleted and be active, else 28000.
 */
extern void members_current_actor(MembersActor *out);

#endif							/* MEMBERS_ACTOR_H */
