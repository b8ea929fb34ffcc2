/*-------------------------------------------------------------------------
 *
 * coder_json.h
 *		Coder's JSON shapes, in one place: Organization, User, SlimRole,
 *		OrganizationMember (with and without the user's data), Role and
 *		AssignableRoles, and the audit log entry.
 *
 * Field names, order and omitempty rules follow codersdk (codersdk/
 * organizations.go, codersdk/users.go, codersdk/roles.go,
 * codersdk/audit.go; docs/coder-behaviour.md 1.3).  The shapes the
 * listings return in bulk (SlimRole, Role, AssignableRoles, the members)
 * are written with the jsonb writer (jsonout.h, *_push); the others are
 * appended as JSON text to a StringInfo and turned into jsonb once by the
 * endpoint (endpoint.h), and the text forms of the jsonb-written shapes
 * (members_role_json, members_org_member_json) serve those endpoints.  Functions reading SPI rows expect the
 * caller to be connected to SPI as the extension owner.
 *
 * IDENTIFICATION
 *		src/coder_json.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_CODER_JSON_H
#define MEMBERS_CODER_JSON_H

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "jsonout.h"

#include "permission.h"

/*---- roles ----*/

/* Display names of one organization's custom roles (opaque). */
typedef struct MembersRoleNames MembersRoleNames;

/*
 * Load the display names of organization org_id's custom roles, once per
 * call of an endpoint (read_only as for SPI_execute: read-only calls read
 * them by index scan under the active snapshot, members_custom_role_names_read
 * in member_rows.h; others through SPI).  Allocated in the current memory
 * context.
 */
extern MembersRoleNames *members_role_names_load(const pg_uuid_t *org_id,
												 bool read_only);

/*
 * A JSON array of SlimRoles (name, display_name[, organization_id]) for
 * role names.  org_id NULL: site roles, with the site built-ins' display
 * names and no organization_id.  Otherwise organization roles: built-ins
 * with their display names, custom roles with theirs from names (may be
 * NULL), unknown names with "".
 */
extern void members_slim_roles_push(MembersJsonb *b, const MembersRoleNames *names,
									char **roles, int n, const pg_uuid_t *org_id);

/* A Role to write (codersdk.Role). */
typedef struct MembersRoleJson
{
	const char *name;
	const pg_uuid_t *org_id;	/* NULL omits organization_id (site roles) */
	const char *display_name;
	const MembersPermList *site;	/* NULL writes [] */
	const MembersPermList *user;
	const MembersPermList *org;
	const MembersPermList *member;
	bool		member_null;	/* organization_member_permissions is null
								 * (custom roles, db2sdk.Role) */
} MembersRoleJson;

/* Append the Role object. */
extern void members_role_json(StringInfo buf, const MembersRoleJson *r);

/*
 * Fill slot with the AssignableRoles object: the Role, "assignable",
 * "built_in" (with the tree writer, in b's context; name and display name
 * are copied, the permission lists only read).
 */
extern void members_assignable_role_tree(MembersJsonb *b, JsonbValue *slot,
										 const MembersRoleJson *r,
										 bool assignable, bool built_in);

/*---- organizations and users ----*/

/*
 * Append the Organization object (plus workspace_sharing_disabled) for a
 * members.organizations row.
 */
extern void members_organization_json(StringInfo buf, HeapTuple row, TupleDesc desc);

/*
 * Append the User object of the user with this id (read now; read_only
 * false makes rows written earlier in the same function visible).  Raises
 * P0002 if there is no such user.
 */
extern void members_user_json(StringInfo buf, const pg_uuid_t *user_id,
							  bool read_only);

/*---- organization members ----*/

/*
 * Column numbers of an SPI result holding organization members: user_id,
 * organization_id, created_at, updated_at, roles (text[]); with the user's
 * data also username, name, avatar_url, email, rbac_roles (else 0).  Looked
 * up once per result, not per row.
 */
typedef struct MembersMemberCols
{
	int			user_id;
	int			organization_id;
	int			created_at;
	int			updated_at;
	int			roles;
	int			username;
	int			name;
	int			avatar_url;
	int			email;
	int			rbac_roles;
} MembersMemberCols;

extern void members_member_cols(TupleDesc desc, bool with_user,
								MembersMemberCols *cols);

/* Append the OrganizationMember object of a row. */
extern void members_org_member_json(StringInfo buf, const MembersRoleNames *names,
									HeapTuple row, TupleDesc desc,
									const MembersMemberCols *cols);

/*
 * Append the OrganizationMemberWithUserData object of a row (cols looked up
 * with_user): the user's fields, "global_roles" (the stored site roles as
 * SlimRoles; the implied member is not added), then the OrganizationMember
 * fields flattened in.
 */
extern void members_org_member_with_user_push(MembersJsonb *b,
											  const MembersRoleNames *names,
											  HeapTuple row, TupleDesc desc,
											  const MembersMemberCols *cols);

/*
 * The values of one OrganizationMemberWithUserData: the user's columns and
 * the membership's (text NULL writes "").
 */
typedef struct MembersMemberValues
{
	text	   *username;
	text	   *name;
	text	   *avatar_url;
	text	   *email;
	Datum		rbac_roles;		/* text[], not null */
	pg_uuid_t	user_id;
	pg_uuid_t	organization_id;
	TimestampTz created_at;
	TimestampTz updated_at;
	Datum		roles;			/* text[], not null */
} MembersMemberValues;

/*
 * Append the OrganizationMemberWithUserData object of v, as
 * members_org_member_with_user_push writes it for a row.
 */
extern void members_member_values_push(MembersJsonb *b,
									   const MembersRoleNames *names,
									   const MembersMemberValues *v);

/*
 * The JSON array of the OrganizationMemberWithUserData objects of
 * rows[from, to), exactly as members_member_values_push writes each, built
 * with the tree writer (jsonout.h) in b's context.  The rows and names are
 * referenced, not copied: allocate them in b's context (b->cxt).
 */
extern MembersJtree *members_member_list_tree(MembersJsonb *b,
											  const MembersRoleNames *names,
											  const MembersMemberValues *rows,
											  int64 from, int64 to);

/*---- audit ----*/

/*
 * Append a JSON array of audit log entries, one per row of tab (rows of
 * members.audit_log with every column).
 */
extern void members_audit_entries_json(StringInfo buf, SPITupleTable *tab, uint64 n);

#endif							/* MEMBERS_CODER_JSON_H */
