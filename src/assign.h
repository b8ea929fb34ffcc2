/*-------------------------------------------------------------------------
 *
 * assign.h
 *		Who may assign which role (docs/coder-behaviour.md 5): Coder's
 *		CanAssignRole and canAssignRoles.
 *
 * IDENTIFICATION
 *		src/assign.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_ASSIGN_H
#define MEMBERS_ASSIGN_H

#include "actor.h"

/* Outcome of members_check_role_changes, in Coder's order of checks. */
typedef enum MembersAssignResult
{
	MEMBERS_ASSIGN_OK,
	MEMBERS_ASSIGN_UNSUPPORTED, /* "\"<role>\" is not a supported role" (400) */
	MEMBERS_ASSIGN_NO_PERMISSION,	/* RBAC assign/unassign missing (403 or
									 * 404, by endpoint) */
	MEMBERS_ASSIGN_NOT_IN_TABLE /* "not authorized to assign role
								 * \"<role>\"" (400) */
} MembersAssignResult;

/*
 * CanAssignRole (docs/coder-behaviour.md 5.2): does the actor hold a role
 * whose row of the static assignment table lists target_name?  Site roles
 * count in every organization; organization roles only in their own
 * (target_org NULL means a site role target).  Custom roles must be passed as
 * their placeholder ("custom-organization-role").  The system may assign all.
 */
extern bool members_can_assign_role(const MembersActor *actor,
									const char *target_name,
									const pg_uuid_t *target_org);

/*
 * canAssignRoles (docs/coder-behaviour.md 5.3) for adding and removing
 * lower-case role names in organization org (NULL: site roles).  Unknown names
 * are checked against the organization's custom roles, whose rows are locked
 * FOR SHARE so that a concurrent delete waits for this transaction (the caller
 * must be connected to SPI as the owner, in a read-write transaction).  On
 * failure *bad_role (palloc'd) names the role as Coder does: "name:org" for
 * organization roles, "name" for site roles; custom roles refused by the table
 * appear as "custom-organization-role:<org>".
 */
extern MembersAssignResult members_check_role_changes(const MembersActor *actor,
													  const pg_uuid_t *org,
													  char **added, int nadded,
													  char **removed, int nremoved,
													  char **bad_role);

/*
 * The HTTP-equivalent status of a members_check_role_changes result, as
 * recorded in the audit log: 200 for MEMBERS_ASSIGN_OK, 403 for
 * MEMBERS_ASSIGN_NO_PERMISSION, 400 for the others.
 */
extern int	members_assign_result_status(MembersAssignResult r);

/*
 * Raise Coder's error for a refused role change, bad_role being the name
 * members_check_role_changes gave: 22023 "\"<role>\" is not a supported
 * role" (UNSUPPORTED), 22023 "not authorized to assign role \"<role>\""
 * (NOT_IN_TABLE), members_forbidden() (NO_PERMISSION).  Returns only for
 * MEMBERS_ASSIGN_OK.  Endpoints that answer NO_PERMISSION differently test
 * for it first.
 */
extern void members_assign_result_raise(MembersAssignResult r, const char *bad_role);

/*
 * Does organization org have a custom role of that (lower-case) name?  Used
 * by listings; takes no lock.  Caller connected to SPI as the owner.
 */
extern bool members_custom_role_exists(const pg_uuid_t *org, const char *name);

#endif							/* MEMBERS_ASSIGN_H */
