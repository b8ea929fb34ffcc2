/*-------------------------------------------------------------------------
 *
 * builtin_roles.h
 *		Coder's built-in roles (docs/coder-behaviour.md 4) and the static table
 *		of who may assign which role (docs/coder-behaviour.md 5.1).
 *
 * The permission lists are computed from the registry with Coder's
 * "all permissions except" rules, so a new resource type extends owner,
 * member, organization-admin and organization-member by itself.  Everything
 * is built once into TopMemoryContext.
 *
 * IDENTIFICATION
 *		src/builtin_roles.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_BUILTIN_ROLES_H
#define MEMBERS_BUILTIN_ROLES_H

#include "permission.h"

/* Role names that other modules test for. */
#define MEMBERS_ROLE_OWNER				"owner"
#define MEMBERS_ROLE_MEMBER				"member"
#define MEMBERS_ROLE_AUDITOR			"auditor"
#define MEMBERS_ROLE_TEMPLATE_ADMIN		"template-admin"
#define MEMBERS_ROLE_USER_ADMIN			"user-admin"
#define MEMBERS_ROLE_ORG_ADMIN			"organization-admin"
#define MEMBERS_ROLE_ORG_AUDITOR		"organization-auditor"
#define MEMBERS_ROLE_ORG_USER_ADMIN		"organization-user-admin"
#define MEMBERS_ROLE_ORG_TEMPLATE_ADMIN "organization-template-admin"
#define MEMBERS_ROLE_ORG_WORKSPACE_CREATION_BAN "organization-workspace-creation-ban"
#define MEMBERS_ROLE_ORG_MEMBER			"organization-member"
/*
 * Placeholders and subject names of the assignment table
 * (docs/coder-behaviour.md 5.1, 5.2).
 */
#define MEMBERS_ROLE_CUSTOM_SITE		"custom-site-role"
#define MEMBERS_ROLE_CUSTOM_ORG			"custom-organization-role"
#define MEMBERS_ROLE_SYSTEM				"system"
#define MEMBERS_ROLE_PREBUILDS_ORCHESTRATOR "prebuilds-orchestrator"

typedef enum MembersRoleScope
{
	MEMBERS_SCOPE_SITE,
	MEMBERS_SCOPE_ORG
} MembersRoleScope;

typedef struct MembersBuiltinRole
{
	const char *name;
	const char *display_name;	/* "" for organization-member */
	MembersRoleScope scope;
	/* in Coder's generation order (for the JSON listings) */
	MembersPermList site;
	MembersPermList user;
	MembersPermList org;
	MembersPermList member;
	/* the same, compiled for voting */
	MembersPermSet site_set;
	MembersPermSet user_set;
	MembersPermSet org_set;
	MembersPermSet member_set;
} MembersBuiltinRole;

/*
 * Build every built-in role once into TopMemoryContext; idempotent.  Call
 * from _PG_init (the accessors below also call it on first use).
 */
extern void members_builtin_roles_init(void);

/*
 * The built-in role of that name and scope (names compared ignoring case), or
 * NULL if there is none: a site name with MEMBERS_SCOPE_ORG or an org name
 * with MEMBERS_SCOPE_SITE is not a built-in (docs/coder-behaviour.md 4.1).
 * organization-member has two variants; sharing_disabled picks one (it is
 * ignored for every other role).
 */
extern const MembersBuiltinRole *members_builtin_role(const char *name,
													  MembersRoleScope scope,
													  bool sharing_disabled);

/*
 * Built-ins of a scope in listing order.  Site: owner, member, auditor,
 * template-admin, user-admin.  Org: organization-admin,
 * organization-auditor, organization-user-admin,
 * organization-template-admin, organization-workspace-creation-ban,
 * organization-member.  Listings skip "member" and display names "".
 */
extern int	members_builtin_role_count(MembersRoleScope scope);

/* The i-th built-in of a scope (0-based), NULL when out of range. */
extern const MembersBuiltinRole *members_builtin_role_at(MembersRoleScope scope,
														 int i,
														 bool sharing_disabled);

/*
 * Is name reserved against custom roles?  Every built-in site and
 * organization role (including "member" and "organization-member"), the
 * internal "system" and "prebuilds-orchestrator", and every holder of the
 * static assignment table (not the placeholders "custom-site-role" and
 * "custom-organization-role", which no one holds).  Ignores case.
 */
extern bool members_is_reserved_role_name(const char *name);

/*
 * The static assignment table (docs/coder-behaviour.md 5.1, baseline): may a
 * holder of role `holder` assign or unassign role `target`?  Custom roles are
 * asked about under their placeholder ("custom-organization-role",
 * "custom-site-role"); the internal subjects are "system" and
 * "prebuilds-orchestrator".  Names compared ignoring case.
 */
extern bool members_assign_table_allows(const char *holder, const char *target);

#endif							/* MEMBERS_BUILTIN_ROLES_H */
