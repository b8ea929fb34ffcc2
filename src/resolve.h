/*-------------------------------------------------------------------------
 *
 * resolve.h
 *		Path values of Coder's API (docs/coder-behaviour.md 7.1):
 *		{organization} and {user}.
 *
 * Both need the caller to be connected to SPI as the extension owner.
 * Failures raise P0002 with Coder's generic message "resource not found or
 * you do not have access to this resource" (404), or 22023 for an empty
 * value (400).
 *
 * IDENTIFICATION
 *		src/resolve.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_RESOLVE_H
#define MEMBERS_RESOLVE_H

#include "actor.h"

/* A resolved organization. */
typedef struct MembersOrgRef
{
	pg_uuid_t	id;
	char	   *name;
	char	   *display_name;
	bool		sharing_disabled;
} MembersOrgRef;

/* A resolved user. */
typedef struct MembersUserRef
{
	pg_uuid_t	id;
	char	   *username;
	char	   *login_type;
	bool		deleted;		/* always false: deleted users are not found */
} MembersUserRef;

/*
 * {organization}: "default" or the nil uuid = the default organization; a
 * uuid = by id (deleted ones too, as Coder); else by name ignoring case,
 * non-deleted.  The actor must be allowed read on the organization (org
 * owner = itself), else P0002.  No row is locked.
 */
extern void members_resolve_organization(const MembersActor *actor,
										 const char *value,
										 MembersOrgRef *out);

/*
 * {user} as the "user param" (docs/coder-behaviour.md 7.1): "me" = the actor;
 * a uuid = by id; else by username ignoring case.  A deleted user is not found
 * (P0002) however named, so no endpoint can add one to an organization, give
 * it roles or tokens (Coder's user param, coderd/httpmw/userparam.go, also
 * refuses deleted users).  When check_read, the actor must be allowed read on
 * the user (owner = the user, no organization), else P0002; without check_read
 * the lookup runs as the system (the "member param" variant).  The system
 * actor cannot use "me" (22023).
 */
extern void members_resolve_user(const MembersActor *actor, const char *value,
								 bool check_read, MembersUserRef *out);

/* Raise P0002 with Coder's generic not-found message. */
extern void members_not_found(void) pg_attribute_noreturn();

/* Raise 42501 with Coder's generic forbidden message. */
extern void members_forbidden(void) pg_attribute_noreturn();

#endif							/* MEMBERS_RESOLVE_H */
