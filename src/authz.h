/*-------------------------------------------------------------------------
 *
 * authz.h
 *		Coder's decision (spec 2.2-2.3) for a subject or the current actor.
 *
 * IDENTIFICATION
 *		src/authz.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_AUTHZ_H
#define MEMBERS_AUTHZ_H

#include "actor.h"
#include "subject.h"

/* The object of a check (spec 1.1 Object, without ACLs). */
typedef struct MembersObject
{
	int			resource;		/* concrete resource id */
	const pg_uuid_t *org;		/* NULL: no organization */
	const pg_uuid_t *owner;		/* NULL: no owner */
	bool		any_org;		/* only with org == NULL */
} MembersObject;

/* Coder's allow for an expanded subject (scope coder:all, no ACLs). */
extern bool members_subject_allowed(const MembersSubject *s, int action,
									const MembersObject *obj);

/*
 * Allow for a resolved actor: the system may do anything; a user is
 * decided by members_subject_allowed over the cached subject.
 */
extern bool members_actor_allowed(const MembersActor *actor, int action,
								  int resource, const pg_uuid_t *org,
								  const pg_uuid_t *owner);

#endif							/* MEMBERS_AUTHZ_H */
