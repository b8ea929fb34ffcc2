/*-------------------------------------------------------------------------
 *
 * registry.h
 *		The RBAC vocabulary: every resource type and every action the engine
 *		knows, with the actions each resource accepts.
 *
 * Resources and actions are small integers, assigned in alphabetical
 * (strcmp) order of their names, so that a permission costs a few bytes
 * and a permission set is a bitmask per resource.  The lists are exactly
 * the seed's enumerations (42 resource types plus "*", 17 actions plus
 * "*"); see docs/coder-behaviour.md 3 and README.md (members.rbac_resources).
 *
 * To add a resource: add it to MEMBERS_RESOURCES in its alphabetical place,
 * give it an ACTS_ line in registry.c and raise MEMBERS_NUM_RESOURCES (and
 * the wildcard ids below).  The built-in roles that use "all permissions
 * except" rules pick it up by themselves.
 *
 * IDENTIFICATION
 *		src/registry.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_REGISTRY_H
#define MEMBERS_REGISTRY_H

#define MEMBERS_NUM_RESOURCES	42	/* concrete resource types, ids 0..41 */
#define MEMBERS_RES_WILDCARD	42	/* id of "*" */
#define MEMBERS_NUM_RES_SLOTS	43	/* concrete types plus "*" */
#define MEMBERS_NUM_ACTIONS		17	/* ids 0..16 */
#define MEMBERS_ACT_WILDCARD	17	/* id of "*" */
#define MEMBERS_ACT_BIT(a)		((uint32) 1 << (a))

/* Every concrete action: bits 0..16. */
#define MEMBERS_ALL_ACTIONS_MASK (MEMBERS_ACT_BIT(MEMBERS_NUM_ACTIONS) - 1)

/*
 * X-macro lists, in strcmp order of the names: X(UPPER, lower).  The id
 * constant is MEMBERS_RES_<UPPER> or MEMBERS_ACT_<UPPER>; the name is the
 * lower-case token as a string.
 */
#define MEMBERS_RESOURCES(X) \
	X(AIBRIDGE_INTERCEPTION, aibridge_interception) \
	X(API_KEY, api_key) \
	X(ASSIGN_ORG_ROLE, assign_org_role) \
	X(ASSIGN_ROLE, assign_role) \
	X(AUDIT_LOG, audit_log) \
	X(BOUNDARY_USAGE, boundary_usage) \
	X(CONNECTION_LOG, connection_log) \
	X(CRYPTO_KEY, crypto_key) \
	X(DEBUG_INFO, debug_info) \
	X(DEPLOYMENT_CONFIG, deployment_config) \
	X(DEPLOYMENT_STATS, deployment_stats) \
	X(FILE, file) \
	X(GROUP, group) \
	X(GROUP_MEMBER, group_member) \
	X(IDPSYNC_SETTINGS, idpsync_settings) \
	X(INBOX_NOTIFICATION, inbox_notification) \
	X(LICENSE, license) \
	X(NOTIFICATION_MESSAGE, notification_message) \
	X(NOTIFICATION_PREFERENCE, notification_preference) \
	X(NOTIFICATION_TEMPLATE, notification_template) \
	X(OAUTH2_APP, oauth2_app) \
	X(OAUTH2_APP_CODE_TOKEN, oauth2_app_code_token) \
	X(OAUTH2_APP_SECRET, oauth2_app_secret) \
	X(ORGANIZATION, organization) \
	X(ORGANIZATION_MEMBER, organization_member) \
	X(PREBUILT_WORKSPACE, prebuilt_workspace) \
	X(PROVISIONER_DAEMON, provisioner_daemon) \
	X(PROVISIONER_JOBS, provisioner_jobs) \
	X(REPLICAS, replicas) \
	X(SYSTEM, system) \
	X(TAILNET_COORDINATOR, tailnet_coordinator) \
	X(TASK, task) \
	X(TEMPLATE, template) \
	X(USAGE_EVENT, usage_event) \
	X(USER, user) \
	X(USER_SECRET, user_secret) \
	X(WEBPUSH_SUBSCRIPTION, webpush_subscription) \
	X(WORKSPACE, workspace) \
	X(WORKSPACE_AGENT_DEVCONTAINERS, workspace_agent_devcontainers) \
	X(WORKSPACE_AGENT_RESOURCE_MONITOR, workspace_agent_resource_monitor) \
	X(WORKSPACE_DORMANT, workspace_dormant) \
	X(WORKSPACE_PROXY, workspace_proxy)

#define MEMBERS_ACTIONS(X) \
	X(APPLICATION_CONNECT, application_connect) \
	X(ASSIGN, assign) \
	X(CREATE, create) \
	X(CREATE_AGENT, create_agent) \
	X(DELETE, delete) \
	X(DELETE_AGENT, delete_agent) \
	X(READ, read) \
	X(READ_PERSONAL, read_personal) \
	X(SHARE, share) \
	X(SSH, ssh) \
	X(START, start) \
	X(STOP, stop) \
	X(UNASSIGN, unassign) \
	X(UPDATE, update) \
	X(UPDATE_PERSONAL, update_personal) \
	X(USE, use) \
	X(VIEW_INSIGHTS, view_insights)

#define MEMBERS_RES_ENUM_ENTRY_(up, low) MEMBERS_RES_##up,
#define MEMBERS_ACT_ENUM_ENTRY_(up, low) MEMBERS_ACT_##up,

/* Resource ids: MEMBERS_RES_AIBRIDGE_INTERCEPTION = 0, ... */
typedef enum MembersResourceId
{
	MEMBERS_RESOURCES(MEMBERS_RES_ENUM_ENTRY_)
	MEMBERS_RES_COUNT_
} MembersResourceId;

/* Action ids: MEMBERS_ACT_APPLICATION_CONNECT = 0, ... */
typedef enum MembersActionId
{
	MEMBERS_ACTIONS(MEMBERS_ACT_ENUM_ENTRY_)
	MEMBERS_ACT_COUNT_
} MembersActionId;

StaticAssertDecl(MEMBERS_RES_COUNT_ == MEMBERS_NUM_RESOURCES,
				 "MEMBERS_NUM_RESOURCES must match MEMBERS_RESOURCES");
StaticAssertDecl(MEMBERS_RES_WILDCARD == MEMBERS_NUM_RESOURCES &&
				 MEMBERS_NUM_RES_SLOTS == MEMBERS_NUM_RESOURCES + 1,
				 "the wildcard resource follows the concrete ones");
StaticAssertDecl(MEMBERS_ACT_COUNT_ == MEMBERS_NUM_ACTIONS,
				 "MEMBERS_NUM_ACTIONS must match MEMBERS_ACTIONS");
StaticAssertDecl(MEMBERS_ACT_WILDCARD == MEMBERS_NUM_ACTIONS &&
				 MEMBERS_ACT_WILDCARD < 32,
				 "the wildcard action follows the concrete ones and fits a uint32");

/* Resource names by id; [MEMBERS_RES_WILDCARD] is "*". */
extern const char *const members_resource_names[MEMBERS_NUM_RES_SLOTS];

/* Action names by id; [MEMBERS_ACT_WILDCARD] is "*". */
extern const char *const members_action_names[MEMBERS_NUM_ACTIONS + 1];

/*
 * Valid actions per resource (Coder's RBACPermissions), as a bitmask of
 * MEMBERS_ACT_BIT(action).  [MEMBERS_RES_WILDCARD] is 0: "*" has no actions
 * of its own.
 */
extern const uint32 members_resource_actions[MEMBERS_NUM_RES_SLOTS];

/*
 * Id of the resource type whose name is the len bytes at name (no NUL
 * terminator needed): MEMBERS_RES_WILDCARD for "*", -1 if unknown.  Exact,
 * case-sensitive match.
 */
extern int	members_resource_lookup(const char *name, int len);

/* Same for actions: MEMBERS_ACT_WILDCARD for "*", -1 if unknown. */
extern int	members_action_lookup(const char *name, int len);

/*
 * The valid actions of a concrete resource in Coder's declaration order
 * (policy.go), which is the order Coder lists "every action of X" in; sets
 * *n.  For MEMBERS_RES_WILDCARD returns an empty list.
 */
extern const int8 *members_resource_action_order(int resource, int *n);

/*
 * Verify the tables (sorted names, consistent action lists); elog(ERROR) if
 * they are broken.  Called once at load.
 */
extern void members_registry_selfcheck(void);

/* Lookup of a NUL-terminated resource name. */
static inline int
members_resource_lookup_cstr(const char *name)
{
	return members_resource_lookup(name, (int) strlen(name));
}

/* Lookup of a NUL-terminated action name. */
static inline int
members_action_lookup_cstr(const char *name)
{
	return members_action_lookup(name, (int) strlen(name));
}

/*
 * Is a permission (resource, action) valid in Coder's sense
 * (docs/coder-behaviour.md 2.4)?  Resource "*" accepts every action, action
 * "*" is valid on every resource, otherwise the action must be one the
 * resource lists.  Both ids must be known ones.
 */
static inline bool
members_action_valid_for(int resource, int action)
{
	if (resource == MEMBERS_RES_WILDCARD || action == MEMBERS_ACT_WILDCARD)
		return true;
	return (members_resource_actions[resource] & MEMBERS_ACT_BIT(action)) != 0;
}

#endif							/* MEMBERS_REGISTRY_H */
