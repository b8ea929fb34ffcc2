/*-------------------------------------------------------------------------
 *
 * builtin_roles.c
 *		Coder's built-in roles, computed from the registry, and the static
 *		role-assignment table.
 *
 * Each role restates coderd/rbac/roles.go at the baseline
 * (docs/coder-behaviour.md 4.2-4.4, 5.1), without the "chat" resource and the
 * "update_agent" action, which our registry does not have, and without the
 * NoOwnerWorkspaceExec option (owner always has every workspace action).
 *
 * Permission order follows Coder's generation: an "all permissions except"
 * block lists resources in registry (alphabetical) order; a block built by
 * Coder's Permissions() helper is sorted by resource name, keeping each
 * resource's actions in the order written; negative permissions Coder
 * appends afterwards come last.
 *
 * IDENTIFICATION
 *		src/builtin_roles.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"

#include "builtin_roles.h"
#include "permission.h"
#include "registry.h"

#define R(x)	MEMBERS_RES_##x
#define A(x)	MEMBERS_ACT_##x

/* Role slots: site built-ins, org built-ins, then the second org-member. */
#define SITE_FIRST			0
#define NUM_SITE_ROLES		5
#define ORG_FIRST			(SITE_FIRST + NUM_SITE_ROLES)
#define NUM_ORG_ROLES		6	/* organization-member (sharing enabled) last */
#define ORG_MEMBER_SHARING	(ORG_FIRST + NUM_ORG_ROLES - 1)
#define ORG_MEMBER_NO_SHARING (ORG_FIRST + NUM_ORG_ROLES)
#define NUM_ROLE_SLOTS		(ORG_MEMBER_NO_SHARING + 1)

static MemoryContext BuiltinRolesContext = NULL;
static MembersBuiltinRole *builtin_roles = NULL;	/* [NUM_ROLE_SLOTS] */
static bool builtin_roles_ready = false;

/* A growing permission list, allocated in BuiltinRolesContext. */
typedef struct PermBuilder
{
	MembersPermission *items;
	int			n;
	int			cap;
} PermBuilder;

/* Start an empty list. */
static void
pb_init(PermBuilder *b)
{
	b->cap = 16;
	b->n = 0;
	b->items = MemoryContextAlloc(BuiltinRolesContext,
								  sizeof(MembersPermission) * b->cap);
}

/* Append one permission. */
static void
pb_add(PermBuilder *b, bool negate, int resource, int action)
{
	if (b->n == b->cap)
	{
		b->cap *= 2;
		b->items = repalloc(b->items, sizeof(MembersPermission) * b->cap);
	}
	b->items[b->n].negate = negate;
	b->items[b->n].resource = (int16) resource;
	b->items[b->n].action = (int16) action;
	b->n++;
}

/* Append a positive permission on resource for each action, in order. */
static void
pb_add_actions(PermBuilder *b, int resource, const int16 *actions, int n)
{
	for (int i = 0; i < n; i++)
		pb_add(b, false, resource, actions[i]);
}

/*
 * Append a positive permission for every action of resource (Coder's
 * AvailableActions(), in declaration order) except those in omit.
 */
static void
pb_add_all_actions(PermBuilder *b, int resource, uint32 omit)
{
	int			n;
	const int8 *acts = members_resource_action_order(resource, &n);

	for (int i = 0; i < n; i++)
		if ((omit & MEMBERS_ACT_BIT(acts[i])) == 0)
			pb_add(b, false, resource, acts[i]);
}

/*
 * Coder's allPermsExcept: {resource, "*"} for every concrete resource in
 * registry order, except the listed ones.
 */
static void
pb_all_except(PermBuilder *b, const int16 *except, int nexcept)
{
	bool		skip[MEMBERS_NUM_RESOURCES] = {0};

	for (int i = 0; i < nexcept; i++)
		skip[except[i]] = true;
	for (int r = 0; r < MEMBERS_NUM_RESOURCES; r++)
		if (!skip[r])
			pb_add(b, false, r, MEMBERS_ACT_WILDCARD);
}

/*
 * Sort items[start..] by resource name, keeping the order of equal
 * resources, as Coder's Permissions() helper orders its output.  Resource
 * ids are in name order.
 */
static void
pb_sort_from(PermBuilder *b, int start)
{
	for (int i = start + 1; i < b->n; i++)
	{
		MembersPermission p = b->items[i];
		int			j = i - 1;

		while (j >= start && b->items[j].resource > p.resource)
		{
			b->items[j + 1] = b->items[j];
			j--;
		}
		b->items[j + 1] = p;
	}
}

/* Move the built list into *out (exact size; NULL items when empty). */
static void
pb_finish(PermBuilder *b, MembersPermList *out)
{
	out->n = b->n;
	if (b->n == 0)
	{
		pfree(b->items);
		out->items = NULL;
	}
	else
		out->items = repalloc(b->items, sizeof(MembersPermission) * b->n);
	b->items = NULL;
}

/* Append positive permissions for one resource; actions listed inline. */
#define ADD(b, res, ...) \
	do { \
		static const int16 acts_[] = {__VA_ARGS__}; \
		pb_add_actions((b), R(res), acts_, lengthof(acts_)); \
	} while (0)

/* Append Coder's allPermsExcept(...) for the listed resources. */
#define ALL_EXCEPT(b, ...) \
	do { \
		static const int16 except_[] = {__VA_ARGS__}; \
		pb_all_except((b), except_, lengthof(except_)); \
	} while (0)

/* The actions Coder grants on dormant workspaces (minus update_agent). */
#define DORMANT_ACTIONS \
	A(READ), A(DELETE), A(CREATE), A(UPDATE), A(STOP), A(CREATE_AGENT), \
	A(DELETE_AGENT)

/* Initialise a role slot with its identity and empty lists. */
static MembersBuiltinRole *
role_slot(int slot, const char *name, const char *display_name,
		  MembersRoleScope scope)
{
	MembersBuiltinRole *role = &builtin_roles[slot];

	memset(role, 0, sizeof(MembersBuiltinRole));
	role->name = name;
	role->display_name = display_name;
	role->scope = scope;
	return role;
}

/*
 * owner: everything site-wide except a few resources (docs/coder-behaviour.md
 * 4.2, 4.3).
 */
static void
build_owner(void)
{
	MembersBuiltinRole *role = role_slot(SITE_FIRST + 0, MEMBERS_ROLE_OWNER,
										 "Owner", MEMBERS_SCOPE_SITE);
	PermBuilder b;
	int			start;

	pb_init(&b);
	ALL_EXCEPT(&b, R(WORKSPACE_DORMANT), R(PREBUILT_WORKSPACE), R(WORKSPACE),
			   R(USER_SECRET), R(USAGE_EVENT), R(BOUNDARY_USAGE));
	start = b.n;
	pb_add_all_actions(&b, R(WORKSPACE), 0);
	ADD(&b, WORKSPACE_DORMANT, DORMANT_ACTIONS);
	ADD(&b, PREBUILT_WORKSPACE, A(UPDATE), A(DELETE));
	pb_sort_from(&b, start);
	pb_finish(&b, &role->site);
}

/* member: the implied site role of every user. */
static void
build_member(void)
{
	MembersBuiltinRole *role = role_slot(SITE_FIRST + 1, MEMBERS_ROLE_MEMBER,
										 "Member", MEMBERS_SCOPE_SITE);
	PermBuilder b;
	int			start;

	pb_init(&b);
	ADD(&b, ASSIGN_ROLE, A(READ));
	ADD(&b, OAUTH2_APP, A(READ));
	ADD(&b, WORKSPACE_PROXY, A(READ));
	pb_sort_from(&b, 0);
	pb_finish(&b, &role->site);

	pb_init(&b);
	ALL_EXCEPT(&b, R(WORKSPACE_DORMANT), R(PREBUILT_WORKSPACE), R(WORKSPACE),
			   R(USER), R(ORGANIZATION_MEMBER), R(BOUNDARY_USAGE));
	start = b.n;
	ADD(&b, USER, A(READ), A(READ_PERSONAL), A(UPDATE_PERSONAL));
	ADD(&b, PROVISIONER_DAEMON, A(READ), A(CREATE), A(UPDATE));
	pb_sort_from(&b, start);
	pb_finish(&b, &role->user);
}

/* auditor: reads what audit logs refer to. */
static void
build_auditor(void)
{
	MembersBuiltinRole *role = role_slot(SITE_FIRST + 2, MEMBERS_ROLE_AUDITOR,
										 "Auditor", MEMBERS_SCOPE_SITE);
	PermBuilder b;

	pb_init(&b);
	ADD(&b, ASSIGN_ORG_ROLE, A(READ));
	ADD(&b, AUDIT_LOG, A(READ));
	ADD(&b, CONNECTION_LOG, A(READ));
	ADD(&b, TEMPLATE, A(READ), A(VIEW_INSIGHTS));
	ADD(&b, USER, A(READ));
	ADD(&b, GROUP, A(READ));
	ADD(&b, GROUP_MEMBER, A(READ));
	ADD(&b, ORGANIZATION, A(READ));
	ADD(&b, ORGANIZATION_MEMBER, A(READ));
	ADD(&b, DEPLOYMENT_STATS, A(READ));
	ADD(&b, DEPLOYMENT_CONFIG, A(READ));
	ADD(&b, AIBRIDGE_INTERCEPTION, A(READ));
	pb_sort_from(&b, 0);
	pb_finish(&b, &role->site);
}

/* template-admin: templates, files, provisioners everywhere. */
static void
build_template_admin(void)
{
	MembersBuiltinRole *role = role_slot(SITE_FIRST + 3,
										 MEMBERS_ROLE_TEMPLATE_ADMIN,
										 "Template Admin", MEMBERS_SCOPE_SITE);
	PermBuilder b;

	pb_init(&b);
	ADD(&b, ASSIGN_ORG_ROLE, A(READ));
	pb_add_all_actions(&b, R(TEMPLATE), 0);
	ADD(&b, FILE, A(CREATE), A(READ));
	ADD(&b, WORKSPACE, A(READ));
	ADD(&b, PREBUILT_WORKSPACE, A(UPDATE), A(DELETE));
	ADD(&b, PROVISIONER_DAEMON, A(CREATE), A(READ), A(UPDATE), A(DELETE));
	ADD(&b, USER, A(READ));
	ADD(&b, GROUP, A(READ));
	ADD(&b, GROUP_MEMBER, A(READ));
	ADD(&b, ORGANIZATION, A(READ));
	ADD(&b, ORGANIZATION_MEMBER, A(READ));
	pb_sort_from(&b, 0);
	pb_finish(&b, &role->site);
}

/* user-admin: users, groups, memberships and role assignment. */
static void
build_user_admin(void)
{
	MembersBuiltinRole *role = role_slot(SITE_FIRST + 4,
										 MEMBERS_ROLE_USER_ADMIN,
										 "User Admin", MEMBERS_SCOPE_SITE);
	PermBuilder b;

	pb_init(&b);
	ADD(&b, ASSIGN_ROLE, A(ASSIGN), A(UNASSIGN), A(READ));
	ADD(&b, ASSIGN_ORG_ROLE, A(ASSIGN), A(UNASSIGN), A(READ));
	ADD(&b, USER, A(CREATE), A(READ), A(UPDATE), A(DELETE),
		A(UPDATE_PERSONAL), A(READ_PERSONAL));
	ADD(&b, GROUP, A(CREATE), A(READ), A(UPDATE), A(DELETE));
	ADD(&b, GROUP_MEMBER, A(READ));
	ADD(&b, ORGANIZATION, A(READ));
	ADD(&b, ORGANIZATION_MEMBER, A(CREATE), A(READ), A(UPDATE), A(DELETE));
	ADD(&b, IDPSYNC_SETTINGS, A(READ), A(UPDATE));
	pb_sort_from(&b, 0);
	pb_finish(&b, &role->site);
}

/* Site-level user:read, which the org admin roles need to find users. */
static void
build_site_user_read(MembersBuiltinRole *role)
{
	PermBuilder b;

	pb_init(&b);
	ADD(&b, USER, A(READ));
	pb_finish(&b, &role->site);
}

/* organization-admin: everything in the org except workspace exec. */
static void
build_org_admin(void)
{
	MembersBuiltinRole *role = role_slot(ORG_FIRST + 0, MEMBERS_ROLE_ORG_ADMIN,
										 "Organization Admin",
										 MEMBERS_SCOPE_ORG);
	PermBuilder b;
	int			start;

	build_site_user_read(role);

	pb_init(&b);
	ALL_EXCEPT(&b, R(WORKSPACE), R(WORKSPACE_DORMANT), R(PREBUILT_WORKSPACE),
			   R(ASSIGN_ROLE), R(USER_SECRET), R(BOUNDARY_USAGE));
	start = b.n;
	pb_add_all_actions(&b, R(WORKSPACE),
					   MEMBERS_ACT_BIT(A(APPLICATION_CONNECT)) |
					   MEMBERS_ACT_BIT(A(SSH)));
	ADD(&b, WORKSPACE_DORMANT, DORMANT_ACTIONS);
	ADD(&b, PREBUILT_WORKSPACE, A(UPDATE), A(DELETE));
	pb_sort_from(&b, start);
	pb_finish(&b, &role->org);
}

/* organization-auditor: the auditor's reads, in one org. */
static void
build_org_auditor(void)
{
	MembersBuiltinRole *role = role_slot(ORG_FIRST + 1,
										 MEMBERS_ROLE_ORG_AUDITOR,
										 "Organization Auditor",
										 MEMBERS_SCOPE_ORG);
	PermBuilder b;

	pb_init(&b);
	ADD(&b, AUDIT_LOG, A(READ));
	ADD(&b, CONNECTION_LOG, A(READ));
	ADD(&b, TEMPLATE, A(READ), A(VIEW_INSIGHTS));
	ADD(&b, GROUP, A(READ));
	ADD(&b, GROUP_MEMBER, A(READ));
	ADD(&b, ORGANIZATION, A(READ));
	ADD(&b, ORGANIZATION_MEMBER, A(READ));
	pb_sort_from(&b, 0);
	pb_finish(&b, &role->org);
}

/* organization-user-admin: members, groups and role assignment in one org. */
static void
build_org_user_admin(void)
{
	MembersBuiltinRole *role = role_slot(ORG_FIRST + 2,
										 MEMBERS_ROLE_ORG_USER_ADMIN,
										 "Organization User Admin",
										 MEMBERS_SCOPE_ORG);
	PermBuilder b;

	build_site_user_read(role);

	pb_init(&b);
	ADD(&b, ASSIGN_ORG_ROLE, A(ASSIGN), A(UNASSIGN), A(READ));
	ADD(&b, ORGANIZATION, A(READ));
	ADD(&b, ORGANIZATION_MEMBER, A(CREATE), A(READ), A(UPDATE), A(DELETE));
	pb_add_all_actions(&b, R(GROUP), 0);
	pb_add_all_actions(&b, R(GROUP_MEMBER), 0);
	ADD(&b, IDPSYNC_SETTINGS, A(READ), A(UPDATE));
	pb_sort_from(&b, 0);
	pb_finish(&b, &role->org);
}

/* organization-template-admin: templates and provisioners in one org. */
static void
build_org_template_admin(void)
{
	MembersBuiltinRole *role = role_slot(ORG_FIRST + 3,
										 MEMBERS_ROLE_ORG_TEMPLATE_ADMIN,
										 "Organization Template Admin",
										 MEMBERS_SCOPE_ORG);
	PermBuilder b;

	pb_init(&b);
	pb_add_all_actions(&b, R(TEMPLATE), 0);
	ADD(&b, FILE, A(CREATE), A(READ));
	ADD(&b, WORKSPACE, A(READ));
	ADD(&b, PREBUILT_WORKSPACE, A(UPDATE), A(DELETE));
	ADD(&b, ORGANIZATION, A(READ));
	ADD(&b, ORGANIZATION_MEMBER, A(READ));
	ADD(&b, GROUP, A(READ));
	ADD(&b, GROUP_MEMBER, A(READ));
	ADD(&b, PROVISIONER_DAEMON, A(CREATE), A(READ), A(UPDATE), A(DELETE));
	ADD(&b, PROVISIONER_JOBS, A(READ), A(UPDATE), A(CREATE));
	pb_sort_from(&b, 0);
	pb_finish(&b, &role->org);
}

/* organization-workspace-creation-ban: org-level negatives on workspaces. */
static void
build_org_workspace_creation_ban(void)
{
	MembersBuiltinRole *role = role_slot(ORG_FIRST + 4,
										 MEMBERS_ROLE_ORG_WORKSPACE_CREATION_BAN,
										 "Organization Workspace Creation Ban",
										 MEMBERS_SCOPE_ORG);
	PermBuilder b;

	pb_init(&b);
	pb_add(&b, true, R(WORKSPACE), A(CREATE));
	pb_add(&b, true, R(WORKSPACE), A(DELETE));
	pb_add(&b, true, R(WORKSPACE), A(CREATE_AGENT));
	pb_add(&b, true, R(WORKSPACE), A(DELETE_AGENT));
	pb_finish(&b, &role->org);
}

/*
 * organization-member, the implied org role (docs/coder-behaviour.md 4.4): the
 * org level depends on the organization's workspace-sharing switch, the member
 * level does not.
 */
static void
build_org_member(int slot, bool sharing_disabled)
{
	MembersBuiltinRole *role = role_slot(slot, MEMBERS_ROLE_ORG_MEMBER, "",
										 MEMBERS_SCOPE_ORG);
	PermBuilder b;
	int			start;

	pb_init(&b);
	ADD(&b, PROVISIONER_DAEMON, A(READ));
	ADD(&b, ORGANIZATION, A(READ));
	ADD(&b, ASSIGN_ORG_ROLE, A(READ));
	if (!sharing_disabled)
	{
		ADD(&b, ORGANIZATION_MEMBER, A(READ));
		ADD(&b, GROUP, A(READ));
	}
	pb_sort_from(&b, 0);
	if (sharing_disabled)
		pb_add(&b, true, R(WORKSPACE), A(SHARE));
	pb_finish(&b, &role->org);

	pb_init(&b);
	ALL_EXCEPT(&b, R(WORKSPACE_DORMANT), R(PREBUILT_WORKSPACE), R(USER),
			   R(ORGANIZATION_MEMBER));
	start = b.n;
	ADD(&b, WORKSPACE_DORMANT, DORMANT_ACTIONS);
	ADD(&b, ORGANIZATION_MEMBER, A(READ));
	ADD(&b, PROVISIONER_DAEMON, A(READ), A(CREATE), A(UPDATE));
	pb_sort_from(&b, start);
	pb_finish(&b, &role->member);
}

/* Check that a built list holds only valid permissions (can't-happen). */
static void
check_list(const MembersBuiltinRole *role, const char *level,
		   const MembersPermList *l)
{
	for (int i = 0; i < l->n; i++)
		if (!members_action_valid_for(l->items[i].resource, l->items[i].action))
			elog(ERROR, "built-in role \"%s\" has an invalid %s permission %s:%s",
				 role->name, level,
				 members_resource_names[l->items[i].resource],
				 members_action_names[l->items[i].action]);
}

/* Compile a role's lists into its permission sets. */
static void
compile_role(MembersBuiltinRole *role)
{
	check_list(role, "site", &role->site);
	check_list(role, "user", &role->user);
	check_list(role, "org", &role->org);
	check_list(role, "member", &role->member);

	members_permset_clear(&role->site_set);
	members_permset_clear(&role->user_set);
	members_permset_clear(&role->org_set);
	members_permset_clear(&role->member_set);
	members_permset_add_list(&role->site_set, &role->site);
	members_permset_add_list(&role->user_set, &role->user);
	members_permset_add_list(&role->org_set, &role->org);
	members_permset_add_list(&role->member_set, &role->member);
}

/*
 * Build every built-in role once, in a context under TopMemoryContext.  A
 * failure leaves nothing published, so the next call starts over.
 */
void
members_builtin_roles_init(void)
{
	MemoryContext oldcxt;

	if (builtin_roles_ready)
		return;

	members_registry_selfcheck();

	if (BuiltinRolesContext != NULL)
		MemoryContextReset(BuiltinRolesContext);
	else
		BuiltinRolesContext = AllocSetContextCreate(TopMemoryContext,
													"members built-in roles",
													ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(BuiltinRolesContext);

	builtin_roles = palloc0(sizeof(MembersBuiltinRole) * NUM_ROLE_SLOTS);

	build_owner();
	build_member();
	build_auditor();
	build_template_admin();
	build_user_admin();
	build_org_admin();
	build_org_auditor();
	build_org_user_admin();
	build_org_template_admin();
	build_org_workspace_creation_ban();
	build_org_member(ORG_MEMBER_SHARING, false);
	build_org_member(ORG_MEMBER_NO_SHARING, true);

	for (int i = 0; i < NUM_ROLE_SLOTS; i++)
		compile_role(&builtin_roles[i]);

	MemoryContextSwitchTo(oldcxt);
	builtin_roles_ready = true;
}

/* Slot of the i-th role of a scope, honouring the org-member variant. */
static int
scope_slot(MembersRoleScope scope, int i, bool sharing_disabled)
{
	if (scope == MEMBERS_SCOPE_SITE)
		return (i >= 0 && i < NUM_SITE_ROLES) ? SITE_FIRST + i : -1;
	if (i < 0 || i >= NUM_ORG_ROLES)
		return -1;
	if (ORG_FIRST + i == ORG_MEMBER_SHARING && sharing_disabled)
		return ORG_MEMBER_NO_SHARING;
	return ORG_FIRST + i;
}

/* The built-in of that name and scope, or NULL; see builtin_roles.h. */
const MembersBuiltinRole *
members_builtin_role(const char *name, MembersRoleScope scope,
					 bool sharing_disabled)
{
	int			count = members_builtin_role_count(scope);

	char		first;

	if (name == NULL)
		return NULL;
	/* built-in names are lower case: the first letter rules most out */
	first = pg_tolower((unsigned char) name[0]);
	for (int i = 0; i < count; i++)
	{
		int			slot = scope_slot(scope, i, sharing_disabled);

		if (builtin_roles[slot].name[0] == first &&
			pg_strcasecmp(builtin_roles[slot].name, name) == 0)
			return &builtin_roles[slot];
	}
	return NULL;
}

/* Number of built-ins of a scope. */
int
members_builtin_role_count(MembersRoleScope scope)
{
	members_builtin_roles_init();
	return scope == MEMBERS_SCOPE_SITE ? NUM_SITE_ROLES : NUM_ORG_ROLES;
}

/* The i-th built-in of a scope in listing order, or NULL. */
const MembersBuiltinRole *
members_builtin_role_at(MembersRoleScope scope, int i, bool sharing_disabled)
{
	int			slot;

	members_builtin_roles_init();
	slot = scope_slot(scope, i, sharing_disabled);
	return slot < 0 ? NULL : &builtin_roles[slot];
}



/* Everything owner and system may assign. */
static const char *const assign_by_owner[] = {
	MEMBERS_ROLE_OWNER,
	MEMBERS_ROLE_AUDITOR,
	MEMBERS_ROLE_MEMBER,
	MEMBERS_ROLE_TEMPLATE_ADMIN,
	MEMBERS_ROLE_USER_ADMIN,
	MEMBERS_ROLE_CUSTOM_SITE,
	MEMBERS_ROLE_ORG_ADMIN,
	MEMBERS_ROLE_ORG_MEMBER,
	MEMBERS_ROLE_ORG_AUDITOR,
	MEMBERS_ROLE_ORG_USER_ADMIN,
	MEMBERS_ROLE_ORG_TEMPLATE_ADMIN,
	MEMBERS_ROLE_ORG_WORKSPACE_CREATION_BAN,
	MEMBERS_ROLE_CUSTOM_ORG,
	NULL
};

static const char *const assign_by_user_admin[] = {
	MEMBERS_ROLE_MEMBER,
	MEMBERS_ROLE_ORG_MEMBER,
	NULL
};

static const char *const assign_by_org_admin[] = {
	MEMBERS_ROLE_ORG_ADMIN,
	MEMBERS_ROLE_ORG_MEMBER,
	MEMBERS_ROLE_ORG_AUDITOR,
	MEMBERS_ROLE_ORG_USER_ADMIN,
	MEMBERS_ROLE_ORG_TEMPLATE_ADMIN,
	MEMBERS_ROLE_ORG_WORKSPACE_CREATION_BAN,
	MEMBERS_ROLE_CUSTOM_ORG,
	NULL
};

static const char *const assign_org_member_only[] = {
	MEMBERS_ROLE_ORG_MEMBER,
	NULL
};

/* docs/coder-behaviour.md 5.1: holder role name -> role names it may assign. */
static const struct
{
	const char *holder;
	const char *const *targets;
}			assign_table[] = {
	{MEMBERS_ROLE_SYSTEM, assign_by_owner},
	{MEMBERS_ROLE_OWNER, assign_by_owner},
	{MEMBERS_ROLE_USER_ADMIN, assign_by_user_admin},
	{MEMBERS_ROLE_ORG_ADMIN, assign_by_org_admin},
	{MEMBERS_ROLE_ORG_USER_ADMIN, assign_org_member_only},
	{MEMBERS_ROLE_PREBUILDS_ORCHESTRATOR, assign_org_member_only},
};

/*
 * Names reserved besides the built-ins of the registry: the roles Coder
 * uses internally (coderd/rbac/roles.go: the system subject's role and the
 * prebuilds orchestrator).  The placeholders of the assignment table
 * ("custom-organization-role") are not reserved: no one holds them.
 */
static const char *const reserved_extra[] = {
	MEMBERS_ROLE_SYSTEM,
	MEMBERS_ROLE_PREBUILDS_ORCHESTRATOR,
};

/* See builtin_roles.h. */
bool
members_is_reserved_role_name(const char *name)
{
	members_builtin_roles_init();
	if (name == NULL)
		return false;
	for (int i = 0; i < NUM_ROLE_SLOTS; i++)
		if (pg_strcasecmp(builtin_roles[i].name, name) == 0)
			return true;
	for (int i = 0; i < (int) lengthof(reserved_extra); i++)
		if (pg_strcasecmp(reserved_extra[i], name) == 0)
			return true;
	for (int i = 0; i < (int) lengthof(assign_table); i++)
		if (pg_strcasecmp(assign_table[i].holder, name) == 0)
			return true;
	return false;
}

/*
 * May a holder of role `holder` assign role `target` (docs/coder-behaviour.md
 * 5.1)?
 */
bool
members_assign_table_allows(const char *holder, const char *target)
{
	if (holder == NULL || target == NULL)
		return false;
	for (int i = 0; i < (int) lengthof(assign_table); i++)
	{
		if (pg_strcasecmp(assign_table[i].holder, holder) != 0)
			continue;
		for (const char *const *t = assign_table[i].targets; *t != NULL; t++)
			if (pg_strcasecmp(*t, target) == 0)
				return true;
		return false;
	}
	return false;
}
