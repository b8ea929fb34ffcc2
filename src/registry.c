/*-------------------------------------------------------------------------
 *
 * registry.c
 *		Names of resource types and actions, the actions each resource
 *		accepts, and the name-to-id lookups that every permission check runs.
 *
 * The valid-action lists restate Coder's RBACPermissions
 * (coderd/rbac/policy/policy.go; docs/coder-behaviour.md 3) without the
 * baseline's "chat" resource and "update_agent" action, which the seed's
 * enumerations do not have.  Each list is written once, in Coder's declaration
 * order; the bitmasks and the ordered lists are both generated from it.
 *
 * IDENTIFICATION
 *		src/registry.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "registry.h"

/*
 * Valid actions of each resource, in Coder's declaration order.  F is
 * applied to each action's upper-case name.
 */
#define ACTS_aibridge_interception(F)	F(READ) F(UPDATE) F(CREATE)
#define ACTS_api_key(F)					F(CREATE) F(READ) F(DELETE) F(UPDATE)
#define ACTS_assign_org_role(F) \
	F(ASSIGN) F(UNASSIGN) F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_assign_role(F)				F(ASSIGN) F(UNASSIGN) F(READ)
#define ACTS_audit_log(F)				F(READ) F(CREATE)
#define ACTS_boundary_usage(F)			F(READ) F(UPDATE) F(DELETE)
#define ACTS_connection_log(F)			F(READ) F(UPDATE)
#define ACTS_crypto_key(F)				F(READ) F(UPDATE) F(DELETE) F(CREATE)
#define ACTS_debug_info(F)				F(READ)
#define ACTS_deployment_config(F)		F(READ) F(UPDATE)
#define ACTS_deployment_stats(F)		F(READ)
#define ACTS_file(F)					F(CREATE) F(READ)
#define ACTS_group(F)					F(CREATE) F(READ) F(DELETE) F(UPDATE)
#define ACTS_group_member(F)			F(READ)
#define ACTS_idpsync_settings(F)		F(READ) F(UPDATE)
#define ACTS_inbox_notification(F)		F(CREATE) F(READ) F(UPDATE)
#define ACTS_license(F)					F(CREATE) F(READ) F(DELETE)
#define ACTS_notification_message(F)	F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_notification_preference(F) F(READ) F(UPDATE)
#define ACTS_notification_template(F)	F(READ) F(UPDATE)
#define ACTS_oauth2_app(F)				F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_oauth2_app_code_token(F)	F(CREATE) F(READ) F(DELETE)
#define ACTS_oauth2_app_secret(F)		F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_organization(F)			F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_organization_member(F)		F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_prebuilt_workspace(F)		F(UPDATE) F(DELETE)
#define ACTS_provisioner_daemon(F)		F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_provisioner_jobs(F)		F(READ) F(UPDATE) F(CREATE)
#define ACTS_replicas(F)				F(READ)
#define ACTS_system(F)					F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_tailnet_coordinator(F)		F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_task(F)					F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_template(F) \
	F(CREATE) F(USE) F(READ) F(UPDATE) F(DELETE) F(VIEW_INSIGHTS)
#define ACTS_usage_event(F)				F(CREATE) F(READ) F(UPDATE)
#define ACTS_user(F) \
	F(READ) F(CREATE) F(UPDATE) F(DELETE) F(READ_PERSONAL) F(UPDATE_PERSONAL)
#define ACTS_user_secret(F)				F(CREATE) F(READ) F(UPDATE) F(DELETE)
#define ACTS_webpush_subscription(F)	F(CREATE) F(READ) F(DELETE)
#define ACTS_workspace(F) \
	F(CREATE) F(READ) F(UPDATE) F(DELETE) F(START) F(STOP) F(SSH) \
	F(APPLICATION_CONNECT) F(CREATE_AGENT) F(DELETE_AGENT) F(SHARE)
#define ACTS_workspace_agent_devcontainers(F) F(CREATE)
#define ACTS_workspace_agent_resource_monitor(F) F(READ) F(CREATE) F(UPDATE)
#define ACTS_workspace_dormant(F)		ACTS_workspace(F)
#define ACTS_workspace_proxy(F)			F(CREATE) F(DELETE) F(UPDATE) F(READ)

/* Generators over the lists above. */
#define ACT_MASK_BIT_(a)		| MEMBERS_ACT_BIT(MEMBERS_ACT_##a)
#define ACT_LIST_ELEM_(a)		MEMBERS_ACT_##a,

#define RES_NAME_(up, low)		[MEMBERS_RES_##up] = #low,
#define RES_NAME_LEN_(up, low)	[MEMBERS_RES_##up] = sizeof(#low) - 1,
#define RES_MASK_(up, low)		[MEMBERS_RES_##up] = 0 ACTS_##low(ACT_MASK_BIT_),
#define RES_ORDER_ARRAY_(up, low) \
	static const int8 order_##low[] = {ACTS_##low(ACT_LIST_ELEM_)};
#define RES_ORDER_ENTRY_(up, low) \
	[MEMBERS_RES_##up] = {order_##low, lengthof(order_##low)},
#define ACT_NAME_(up, low)		[MEMBERS_ACT_##up] = #low,
#define ACT_NAME_LEN_(up, low)	[MEMBERS_ACT_##up] = sizeof(#low) - 1,

const char *const members_resource_names[MEMBERS_NUM_RES_SLOTS] = {
	MEMBERS_RESOURCES(RES_NAME_)
	[MEMBERS_RES_WILDCARD] = "*"
};

const char *const members_action_names[MEMBERS_NUM_ACTIONS + 1] = {
	MEMBERS_ACTIONS(ACT_NAME_)
	[MEMBERS_ACT_WILDCARD] = "*"
};

const uint32 members_resource_actions[MEMBERS_NUM_RES_SLOTS] = {
	MEMBERS_RESOURCES(RES_MASK_)
	[MEMBERS_RES_WILDCARD] = 0
};

/* Name lengths, so that lookups never call strlen on the tables. */
static const uint8 resource_name_len[MEMBERS_NUM_RESOURCES] = {
	MEMBERS_RESOURCES(RES_NAME_LEN_)
};

static const uint8 action_name_len[MEMBERS_NUM_ACTIONS] = {
	MEMBERS_ACTIONS(ACT_NAME_LEN_)
};

MEMBERS_RESOURCES(RES_ORDER_ARRAY_)

typedef struct ActionOrder
{
	const int8 *actions;
	int			n;
} ActionOrder;

static const ActionOrder resource_action_order[MEMBERS_NUM_RESOURCES] = {
	MEMBERS_RESOURCES(RES_ORDER_ENTRY_)
};

/*
 * Compare the len bytes at a with the NUL-free name b of length blen, in
 * strcmp order (bytes compared as unsigned, a proper prefix sorts first).
 */
static inline int
name_cmp(const char *a, int alen, const char *b, int blen)
{
	int			c = memcmp(a, b, Min(alen, blen));

	if (c != 0)
		return c;
	return alen - blen;
}

/*
 * Binary search for the len bytes at name among n names sorted in strcmp
 * order; the index or -1.
 */
static inline int
sorted_lookup(const char *name, int len,
			  const char *const *names, const uint8 *lens, int n)
{
	int			lo = 0;
	int			hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = name_cmp(name, len, names[mid], lens[mid]);

		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/*
 * Resource id for a name of len bytes (not necessarily NUL-terminated),
 * MEMBERS_RES_WILDCARD for "*", or -1.
 */
int
members_resource_lookup(const char *name, int len)
{
	if (name == NULL || len <= 0)
		return -1;
	if (len == 1 && name[0] == '*')
		return MEMBERS_RES_WILDCARD;
	return sorted_lookup(name, len, members_resource_names,
						 resource_name_len, MEMBERS_NUM_RESOURCES);
}

/*
 * Action id for a name of len bytes (not necessarily NUL-terminated),
 * MEMBERS_ACT_WILDCARD for "*", or -1.
 */
int
members_action_lookup(const char *name, int len)
{
	if (name == NULL || len <= 0)
		return -1;
	if (len == 1 && name[0] == '*')
		return MEMBERS_ACT_WILDCARD;
	return sorted_lookup(name, len, members_action_names,
						 action_name_len, MEMBERS_NUM_ACTIONS);
}

/*
 * Valid actions of a resource in Coder's declaration order; the wildcard
 * resource (or an out-of-range id) has none.
 */
const int8 *
members_resource_action_order(int resource, int *n)
{
	if (resource < 0 || resource >= MEMBERS_NUM_RESOURCES)
	{
		*n = 0;
		return NULL;
	}
	*n = resource_action_order[resource].n;
	return resource_action_order[resource].actions;
}

/*
 * Check the invariants the lookups rely on: names strictly sorted, the
 * ordered action lists agreeing with the masks.  Raises on a broken table
 * (a programming error, hence elog).
 */
void
members_registry_selfcheck(void)
{
	for (int i = 1; i < MEMBERS_NUM_RESOURCES; i++)
		if (strcmp(members_resource_names[i - 1], members_resource_names[i]) >= 0)
			elog(ERROR, "resource names out of order at \"%s\"",
				 members_resource_names[i]);
	for (int i = 1; i < MEMBERS_NUM_ACTIONS; i++)
		if (strcmp(members_action_names[i - 1], members_action_names[i]) >= 0)
			elog(ERROR, "action names out of order at \"%s\"",
				 members_action_names[i]);
	for (int r = 0; r < MEMBERS_NUM_RESOURCES; r++)
	{
		uint32		mask = 0;
		int			distinct = 0;

		for (int i = 0; i < resource_action_order[r].n; i++)
		{
			uint32		bit = MEMBERS_ACT_BIT(resource_action_order[r].actions[i]);

			if ((mask & bit) == 0)
				distinct++;
			mask |= bit;
		}
		if (mask != members_resource_actions[r] ||
			distinct != resource_action_order[r].n)
			elog(ERROR, "action list of resource \"%s\" is inconsistent",
				 members_resource_names[r]);
	}
}
