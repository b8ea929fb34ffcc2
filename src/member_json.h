/*-------------------------------------------------------------------------
 *
 * member_json.h
 *		Coder's JSON for organization members and their roles
 *		(codersdk.OrganizationMember, SlimRole).
 *
 * IDENTIFICATION
 *		src/member_json.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_MEMBER_JSON_H
#define MEMBERS_MEMBER_JSON_H

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/uuid.h"

/* Display names of one organization's custom roles (opaque). */
typedef struct MembersRoleNames MembersRoleNames;

/*
 * Load the display names of organization org_id's custom roles, once per
 * call of an endpoint (caller connected to SPI as the owner; read_only as
 * for SPI_execute).  Allocated in the current memory context.
 */
extern MembersRoleNames *members_role_names_load(const pg_uuid_t *org_id,
												 bool read_only);

/*
 * A JSON array of SlimRoles for organization role names: built-ins with
 * their display names, custom roles with theirs, unknown names with "";
 * each with "organization_id".
 */
extern void members_org_slim_roles_json(StringInfo buf,
										const MembersRoleNames *names,
										char **roles, int n,
										const pg_uuid_t *org_id);

/*
 * Append the members of an OrganizationMember object (no braces):
 * "user_id", "organization_id", "created_at", "updated_at", "roles", read
 * from an SPI row with columns of those names (roles a text[]).  *first as
 * for mj_key, so callers can add fields before or after (the
 * OrganizationMemberWithUserData shape flattens these).
 */
extern void members_org_member_fields(StringInfo buf, bool *first,
									  const MembersRoleNames *names,
									  HeapTuple row, TupleDesc desc);

/* The whole OrganizationMember object. */
extern void members_org_member_json(StringInfo buf, const MembersRoleNames *names,
									HeapTuple row, TupleDesc desc);

#endif							/* MEMBERS_MEMBER_JSON_H */
