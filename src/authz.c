/*-------------------------------------------------------------------------
 *
 * authz.c
 *		The permission-check SQL functions, all built on members_decide
 *		(authz.h, the one copy of Coder's four-level rule): authorize,
 *		authorize_user, check_permissions, explain_authorize, and the
 *		resource/action registry.
 *
 * API-key scopes are always coder:all and ACLs are out of scope
 * (README.md, "Permission checks"), so the role decision is the decision.
 *
 * authorize() is the hot path of row-level-security policies: argument
 * names are parsed once per call site (cached in fn_extra), invalidations
 * are accepted once per statement, and a warm check touches no table.
 *
 * IDENTIFICATION
 *		src/authz.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/uuid.h"

#include "actor.h"
#include "authz.h"
#include "caps.h"
#include "endpoint.h"
#include "ids.h"
#include "jsonout.h"
#include "registry.h"
#include "subject.h"

PG_FUNCTION_INFO_V1(members_authorize);
PG_FUNCTION_INFO_V1(members_authorize_user);
PG_FUNCTION_INFO_V1(members_check_permissions);
PG_FUNCTION_INFO_V1(members_explain_authorize);
PG_FUNCTION_INFO_V1(members_rbac_resources);

/* Parsed action and resource names of one call site. */
typedef struct NameCache
{
	int			action;
	int			resource;
	int			alen;
	int			rlen;
	bool		fixed;			/* both names are constants of this call
								 * site: parsed once */
	char		aname[64];
	char		rname[64];

	/*
	 * authorize's last decision at this call site, for the subject memo_s
	 * while members_subject_stamp is memo_stamp (see subject.h): a listing
	 * reads rows grouped by organization, so consecutive calls mostly ask
	 * the same question.
	 */
	const MembersSubject *memo_s;	/* NULL: no decision kept */
	uint64		memo_stamp;
	LocalTransactionId memo_lxid;
	TimestampTz memo_stmt;		/* statement start of the kept decision */
	int			memo_action;
	int			memo_resource;
	MembersObject memo_obj;		/* org and owner point to the copies below */
	bool		memo_site;		/* settled at site level: for any object */
	int			memo_misses;	/* consecutive calls the memo did not answer */
	int			memo_off;		/* calls left without the memo */
	pg_uuid_t	memo_org;
	pg_uuid_t	memo_owner;
	bool		memo_allowed;
} NameCache;

/* See authz.h. */
bool
members_subject_allowed(const MembersSubject *s, int action, const MembersObject *obj)
{
	MembersDecision d;

	return members_decide(s, action, obj, false, &d);
}

/* See authz.h. */
bool
members_actor_allowed(const MembersActor *actor, int action, int resource,
					  const pg_uuid_t *org, const pg_uuid_t *owner)
{
	const MembersSubject *s;
	MembersObject obj;

	if (actor->is_system)
		return true;
	s = members_subject_get(&actor->user_id);
	if (!s->found || !s->active)
		return false;
	obj.resource = resource;
	obj.org = org;
	obj.owner = owner;
	obj.any_org = false;
	return members_subject_allowed(s, action, &obj);
}

/* Raise 22023 for an unusable action name. */
static void
bad_action(const char *name, int len)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid action \"%.*s\"", len, name),
			 errdetail("A check names one concrete action of the registry (see members.rbac_resources())."),
			 errhint("The wildcard \"*\" is for permissions, not for checks.")));
}

/* Raise 22023 for an unusable resource type name. */
static void
bad_resource(const char *name, int len)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid resource type \"%.*s\"", len, name),
			 errdetail("A check names one concrete resource type of the registry (see members.rbac_resources())."),
			 errhint("The wildcard \"*\" is for permissions, not for checks.")));
}

/* Action id for a name, or raise. */
static int
action_id(const char *name, int len)
{
	int			a = members_action_lookup(name, len);

	if (a < 0 || a == MEMBERS_ACT_WILDCARD)
		bad_action(name, len);
	return a;
}

/* Resource id for a name, or raise. */
static int
resource_id(const char *name, int len)
{
	int			r = members_resource_lookup(name, len);

	if (r < 0 || r == MEMBERS_RES_WILDCARD)
		bad_resource(name, len);
	return r;
}

/*
 * Is argument argnum of this call site a Const?  (Not any Param: PL/pgSQL
 * keeps one expression state, and so fn_extra, across calls with different
 * variable values.)
 */
static bool
arg_is_const(FmgrInfo *flinfo, int argnum)
{
	List	   *args;

	if (flinfo->fn_expr == NULL || !IsA(flinfo->fn_expr, FuncExpr))
		return false;
	args = ((FuncExpr *) flinfo->fn_expr)->args;
	if (argnum < 0 || argnum >= list_length(args))
		return false;
	return IsA(list_nth(args, argnum), Const);
}

/*
 * Parse the action (argument aarg) and resource type (rarg) of a check,
 * remembering the last names of this call site in fn_extra.
 */
static void
parse_names(FunctionCallInfo fcinfo, int aarg, int rarg, int *action, int *resource)
{
	NameCache  *nc = (NameCache *) fcinfo->flinfo->fn_extra;
	text	   *a;
	text	   *r;
	int			alen;
	int			rlen;

	/* constant names were parsed by the first call of this call site */
	if (nc != NULL && nc->fixed)
	{
		*action = nc->action;
		*resource = nc->resource;
		return;
	}
	if (PG_ARGISNULL(aarg))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("action must not be null")));
	if (PG_ARGISNULL(rarg))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("resource type must not be null")));
	a = PG_GETARG_TEXT_PP(aarg);
	r = PG_GETARG_TEXT_PP(rarg);
	alen = VARSIZE_ANY_EXHDR(a);
	rlen = VARSIZE_ANY_EXHDR(r);

	if (nc == NULL)
	{
		nc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(NameCache));
		nc->alen = nc->rlen = -1;
		fcinfo->flinfo->fn_extra = nc;
	}
	if (alen != nc->alen || memcmp(VARDATA_ANY(a), nc->aname, alen) != 0)
	{
		nc->action = action_id(VARDATA_ANY(a), alen);
		nc->alen = alen;		/* known names are short */
		memcpy(nc->aname, VARDATA_ANY(a), alen);
	}
	if (rlen != nc->rlen || memcmp(VARDATA_ANY(r), nc->rname, rlen) != 0)
	{
		nc->resource = resource_id(VARDATA_ANY(r), rlen);
		nc->rlen = rlen;
		memcpy(nc->rname, VARDATA_ANY(r), rlen);
	}
	/* constants of this call site never change: skip the comparisons */
	nc->fixed = arg_is_const(fcinfo->flinfo, aarg) &&
		arg_is_const(fcinfo->flinfo, rarg);
	*action = nc->action;
	*resource = nc->resource;
}

/* A uuid argument, NULL for SQL NULL or the nil uuid (Coder's "no org"). */
static inline const pg_uuid_t *
uuid_arg(FunctionCallInfo fcinfo, int n)
{
	pg_uuid_t  *u;
	uint64		a;
	uint64		b;

	if (PG_ARGISNULL(n))
		return NULL;
	u = PG_GETARG_UUID_P(n);
	memcpy(&a, u->data, sizeof(a));
	memcpy(&b, u->data + sizeof(a), sizeof(b));
	return (a | b) == 0 ? NULL : u;
}

/*
 * Fill obj from the object arguments starting at argument first
 * (organization_id, owner_id, any_org).
 */
static void
object_args(FunctionCallInfo fcinfo, int first, int resource, MembersObject *obj)
{
	obj->resource = resource;
	obj->org = uuid_arg(fcinfo, first);
	obj->owner = uuid_arg(fcinfo, first + 1);
	obj->any_org = PG_ARGISNULL(first + 2) ? false : PG_GETARG_BOOL(first + 2);
	if (obj->any_org && obj->org != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("any_org cannot be combined with an organization"),
				 errdetail("any_org asks whether the action is allowed in at least one organization; pass organization_id NULL.")));
}

/*
 * authorize's memo: after MEMO_MAX_MISSES consecutive calls it did not
 * answer, a call site goes MEMO_OFF_CALLS calls without it.
 */
#define MEMO_MAX_MISSES 64
#define MEMO_OFF_CALLS 4096

/* Is the optional uuid a the same as b (both absent, or equal)? */
static inline bool
same_uuid(const pg_uuid_t *a, const pg_uuid_t *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return memcmp(a->data, b->data, UUID_LEN) == 0;
}

/* Does the call site's kept decision answer this question? */
static inline bool
same_question(const NameCache *nc, int action, const MembersObject *obj)
{
	return nc->memo_action == action && nc->memo_resource == obj->resource &&
		nc->memo_obj.any_org == obj->any_org &&
		same_uuid(nc->memo_obj.org, obj->org) &&
		same_uuid(nc->memo_obj.owner, obj->owner);
}

/*
 * Keep the decision allowed for subject s at this call site; site_settled:
 * the site level decided it (it holds for every object of the type).
 */
static inline void
remember_decision(NameCache *nc, const MembersSubject *s, int action,
				  const MembersObject *obj, bool allowed, bool site_settled)
{
	nc->memo_s = s;
	nc->memo_stamp = members_subject_stamp;
	nc->memo_lxid = members_subject_sync_lxid;	/* current: s was just looked up */
	nc->memo_stmt = members_subject_sync_stmt;
	nc->memo_action = action;
	nc->memo_resource = obj->resource;
	nc->memo_obj = *obj;
	if (obj->org != NULL)
	{
		nc->memo_org = *obj->org;
		nc->memo_obj.org = &nc->memo_org;
	}
	if (obj->owner != NULL)
	{
		nc->memo_owner = *obj->owner;
		nc->memo_obj.owner = &nc->memo_owner;
	}
	nc->memo_allowed = allowed;
	nc->memo_site = site_settled;
}

/*
 * SQL: members.authorize(action, resource_type, organization_id, owner_id,
 * any_org) returns boolean.  May the current actor do it?
 */
Datum
members_authorize(PG_FUNCTION_ARGS)
{
	int			action;
	int			resource;
	MembersObject obj;
	MembersActor actor;
	pg_uuid_t	actor_id;
	const MembersSubject *s;

	/*
	 * The hottest path: the same question as this call site's last one, for
	 * the same subject and actor, within the same statement (see
	 * members_subject_stamp), in a transaction that has not written the
	 * members tables.
	 */
	{
		NameCache  *nc = (NameCache *) fcinfo->flinfo->fn_extra;

		if (nc != NULL && nc->memo_off > 0)
			nc->memo_off--;
		else if (nc != NULL && nc->fixed && nc->memo_s != NULL &&
				 nc->memo_stamp == members_subject_stamp)
		{
			const pg_uuid_t *org = uuid_arg(fcinfo, 2);
			bool		any_org = PG_ARGISNULL(4) ? false : PG_GETARG_BOOL(4);

			/*
			 * A site-level vote settles every object alike (members_decide's
			 * first step); an object with both any_org and an organization
			 * still goes the long way, to its error.  The object first: it
			 * is what differs when a scan asks about another row.
			 */
			if ((nc->memo_site ? !(any_org && org != NULL) :
				 (same_uuid(nc->memo_obj.org, org) &&
				  same_uuid(nc->memo_obj.owner, uuid_arg(fcinfo, 3)) &&
				  nc->memo_obj.any_org == any_org)) &&
				nc->memo_lxid == MyProc->lxid &&
				members_subject_wrote_lxid != MyProc->lxid &&
				nc->memo_stmt == GetCurrentStatementStartTimestamp())
			{
				nc->memo_misses = 0;
				PG_RETURN_BOOL(nc->memo_allowed);
			}
		}
	}

	parse_names(fcinfo, 0, 1, &action, &resource);
	object_args(fcinfo, 2, resource, &obj);

	/*
	 * The hot path resolves the actor itself (members_subject_get accepts
	 * invalidations); members_current_actor decides and raises everything
	 * else: the system, no actor, an unusable user.
	 */
	if (members_actor_setting(&actor_id))
	{
		s = members_subject_get(&actor_id);
		if (likely(s->found && s->active))
		{
			NameCache  *nc = (NameCache *) fcinfo->flinfo->fn_extra;
			MembersDecision d;
			bool		allowed;

			if (nc->memo_off == 0 && nc->memo_s == s &&
				nc->memo_stamp == members_subject_stamp &&
				same_question(nc, action, &obj))
				PG_RETURN_BOOL(nc->memo_allowed);
			/* inlined: the warm path makes no call after the cache lookup */
			allowed = members_decide(s, action, &obj, false, &d);
			if (nc->memo_off == 0)
			{
				/*
				 * A call site whose questions keep changing (a scan in no
				 * useful order) stops paying for the memo for a while.
				 */
				if (++nc->memo_misses >= MEMO_MAX_MISSES)
				{
					nc->memo_misses = 0;
					nc->memo_off = MEMO_OFF_CALLS;
					nc->memo_s = NULL;
				}
				else
					remember_decision(nc, s, action, &obj, allowed,
									  d.vote[MEMBERS_LEVEL_SITE] != 0);
			}
			PG_RETURN_BOOL(allowed);
		}
	}
	members_current_actor(&actor);
	if (actor.is_system)
		PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(members_subject_allowed(members_subject_get(&actor.user_id),
										   action, &obj));
}

/*
 * The subject for authorize_user / explain of an explicit user: P0002 if none.
 */
static const MembersSubject *
explicit_subject(const pg_uuid_t *user_id)
{
	const MembersSubject *s = members_subject_get(user_id);

	if (!s->found)
	{
		char		txt[37];

		members_uuid_to_cstring(user_id, txt);
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("user %s does not exist", txt)));
	}
	return s;
}

/* Raise 42501 unless the caller is trusted (superuser or service role). */
static void
require_trusted(const char *what)
{
	if (!members_caller_is_trusted())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for %s", what),
				 errdetail("Only superusers and members of the role named by members.service_role may check permissions of another user.")));
}

/*
 * SQL: members.authorize_user(user_id, action, resource_type,
 * organization_id, owner_id, any_org) returns boolean.  The same for an
 * explicit subject; trusted callers only.  An unknown or deleted user
 * raises P0002; a user who is not active may do nothing.
 */
Datum
members_authorize_user(PG_FUNCTION_ARGS)
{
	int			action;
	int			resource;
	MembersObject obj;
	const MembersSubject *s;

	require_trusted("members.authorize_user");
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("user_id must not be null")));
	parse_names(fcinfo, 1, 2, &action, &resource);
	object_args(fcinfo, 3, resource, &obj);
	s = explicit_subject(PG_GETARG_UUID_P(0));
	if (!s->active)
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(members_subject_allowed(s, action, &obj));
}

/* The string value of key in an object container, or NULL if absent/null. */
static char *
json_get_string(JsonbContainer *c, const char *key, const char *where)
{
	JsonbValue *v = getKeyJsonValueFromContainer(c, key, strlen(key), NULL);

	if (v == NULL || v->type == jbvNull)
		return NULL;
	if (v->type != jbvString)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid check \"%s\"", where),
				 errdetail("Field \"%s\" must be a string.", key)));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * A uuid field: NULL when absent, null, "" or the nil uuid; 22P02 if
 * malformed.
 */
static pg_uuid_t *
json_get_uuid(JsonbContainer *c, const char *key, const char *where)
{
	char	   *s = json_get_string(c, key, where);
	pg_uuid_t  *u;

	if (s == NULL || s[0] == '\0')
		return NULL;
	u = palloc(sizeof(pg_uuid_t));
	if (!members_parse_uuid(s, u))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type uuid: \"%s\"", s),
				 errdetail("In field \"%s\" of check \"%s\".", key, where)));
	return members_uuid_is_nil(u) ? NULL : u;
}

/*
 * SQL: members.check_permissions(checks jsonb) returns jsonb.  Coder's
 * auth-check: {"key": {"object": {"resource_type", "organization_id",
 * "owner_id", "any_org"}, "action"}} -> {"key": bool}, for the current
 * actor.
 */
Datum
members_check_permissions(PG_FUNCTION_ARGS)
{
	Jsonb	   *checks = PG_GETARG_JSONB_P(0);
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	MembersCall c;
	StringInfo	buf = &c.json;
	bool		first;
	char	   *key = NULL;

	if (!JB_ROOT_IS_OBJECT(checks) || JB_ROOT_IS_SCALAR(checks))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("checks must be a JSON object"),
				 errdetail("Expected {\"<key>\": {\"object\": {\"resource_type\": ...}, \"action\": ...}, ...}.")));
	if (JB_ROOT_COUNT(checks) > MEMBERS_MAX_CHECKS_PER_REQUEST)
		members_cap_count_exceeded("checks", (long) JB_ROOT_COUNT(checks),
								   MEMBERS_MAX_CHECKS_PER_REQUEST);
	members_call_begin(&c, 0);

	members_json_open(buf, '{', &first);
	it = JsonbIteratorInit(&checks->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CHECK_FOR_INTERRUPTS();
		if (tok == WJB_KEY)
		{
			members_cap_name("check key", v.val.string.len);
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE)
			continue;
		{
			JsonbValue *objv;
			char	   *action_name;
			char	   *resource_name;
			MembersObject obj;
			JsonbValue *anyv;
			int			action;
			bool		allowed;

			if (v.type != jbvBinary || !JsonContainerIsObject(v.val.binary.data))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid check \"%s\"", key),
						 errdetail("Each check must be an object with \"object\" and \"action\".")));
			objv = getKeyJsonValueFromContainer(v.val.binary.data, "object", 6, NULL);
			if (objv == NULL || objv->type != jbvBinary ||
				!JsonContainerIsObject(objv->val.binary.data))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid check \"%s\"", key),
						 errdetail("Field \"object\" must be an object.")));
			action_name = json_get_string(v.val.binary.data, "action", key);
			resource_name = json_get_string(objv->val.binary.data, "resource_type", key);
			if (action_name == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid check \"%s\"", key),
						 errdetail("Field \"action\" is required.")));
			if (resource_name == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid check \"%s\"", key),
						 errdetail("Field \"object.resource_type\" is required.")));
			action = action_id(action_name, strlen(action_name));
			obj.resource = resource_id(resource_name, strlen(resource_name));
			obj.org = json_get_uuid(objv->val.binary.data, "organization_id", key);
			obj.owner = json_get_uuid(objv->val.binary.data, "owner_id", key);
			anyv = getKeyJsonValueFromContainer(objv->val.binary.data, "any_org", 7, NULL);
			obj.any_org = false;
			if (anyv != NULL && anyv->type != jbvNull)
			{
				if (anyv->type != jbvBool)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("invalid check \"%s\"", key),
							 errdetail("Field \"object.any_org\" must be a boolean.")));
				obj.any_org = anyv->val.boolean;
			}
			if (obj.any_org && obj.org != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid check \"%s\"", key),
						 errdetail("any_org cannot be combined with an organization.")));

			if (c.actor.is_system)
				allowed = true;
			else
				allowed = members_subject_allowed(members_subject_get(&c.actor.user_id),
												  action, &obj);
			members_json_kv_bool(buf, &first, key, allowed);
		}
	}
	members_json_close(buf, '}');
	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}

/* Append the permissions of list l matching (resource, action) under role. */
static void
explain_matches(StringInfo buf, bool *first, const char *role,
				const pg_uuid_t *org, const MembersPermList *l,
				int resource, int action)
{
	if (l == NULL)
		return;
	for (int i = 0; i < l->n; i++)
	{
		const MembersPermission *p = &l->items[i];
		bool		ofirst;

		if (!members_permission_matches(p, resource, action))
			continue;
		members_json_elem(buf, first);
		members_json_open(buf, '{', &ofirst);
		members_json_kv_string(buf, &ofirst, "role", role);
		if (org)
			members_json_kv_uuid(buf, &ofirst, "organization_id", org);
		members_json_kv_bool(buf, &ofirst, "negate", p->negate);
		members_json_kv_string(buf, &ofirst, "resource_type", members_resource_names[p->resource]);
		members_json_kv_string(buf, &ofirst, "action", members_action_names[p->action]);
		members_json_close(buf, '}');
	}
}

/* Permissions of a held role at one level (a MembersLevel). */
static const MembersPermList *
held_level(const MembersHeldRole *h, int level)
{
	if (h->builtin == NULL)
		return level == MEMBERS_LEVEL_ORG ? h->custom_org : NULL;
	switch (level)
	{
		case MEMBERS_LEVEL_SITE:
			return &h->builtin->site;
		case MEMBERS_LEVEL_USER:
			return &h->builtin->user;
		case MEMBERS_LEVEL_ORG:
			return &h->builtin->org;
		default:
			return &h->builtin->member;
	}
}

/* The keys of explain_authorize's "levels", by MembersLevel. */
static const char *const level_names[MEMBERS_NUM_LEVELS] = {"site", "user", "org", "member"};

/*
 * One level of the explanation: {"vote": v, "applies": b, "permissions":
 * [...]}, from the decision d.
 */
static void
explain_level(StringInfo buf, bool *first, const char *name, const MembersDecision *d,
			  const MembersSubject *s, int level, const MembersObject *obj, int action)
{
	bool		lfirst;
	bool		pfirst;

	members_json_key(buf, first, name);
	members_json_open(buf, '{', &lfirst);
	members_json_key(buf, &lfirst, "vote");
	members_json_int64(buf, d->vote[level]);
	members_json_kv_bool(buf, &lfirst, "applies", d->applies[level]);
	members_json_key(buf, &lfirst, "permissions");
	members_json_open(buf, '[', &pfirst);
	if (d->applies[level])
	{
		/* site and user permissions come from every held role */
		if (level <= MEMBERS_LEVEL_USER)
		{
			for (int i = 0; i < s->nsite_roles; i++)
				explain_matches(buf, &pfirst, s->site_roles[i].name, NULL,
								held_level(&s->site_roles[i], level), obj->resource, action);
			for (int o = 0; o < s->norgs; o++)
				for (int i = 0; i < s->orgs[o].nroles; i++)
					explain_matches(buf, &pfirst, s->orgs[o].roles[i].name, &s->orgs[o].org_id,
									held_level(&s->orgs[o].roles[i], level), obj->resource, action);
		}
		else
		{
			for (int o = 0; o < s->norgs; o++)
			{
				if (!obj->any_org &&
					(obj->org == NULL || memcmp(obj->org->data, s->orgs[o].org_id.data, UUID_LEN) != 0))
					continue;
				for (int i = 0; i < s->orgs[o].nroles; i++)
					explain_matches(buf, &pfirst, s->orgs[o].roles[i].name, &s->orgs[o].org_id,
									held_level(&s->orgs[o].roles[i], level), obj->resource, action);
			}
		}
	}
	members_json_close(buf, ']');
	members_json_close(buf, '}');
}

/*
 * SQL: members.explain_authorize(action, resource_type, organization_id,
 * owner_id, any_org) returns jsonb.  The decision for the current actor with
 * each level's vote and the permissions (with their roles) that voted.
 */
Datum
members_explain_authorize(PG_FUNCTION_ARGS)
{
	int			action;
	int			resource;
	MembersObject obj;
	MembersCall c;
	StringInfo	buf = &c.json;
	bool		first;
	bool		ofirst;

	parse_names(fcinfo, 0, 1, &action, &resource);
	object_args(fcinfo, 2, resource, &obj);
	members_call_begin(&c, 0);

	members_json_open(buf, '{', &first);
	members_json_key(buf, &first, "object");
	members_json_open(buf, '{', &ofirst);
	members_json_kv_string(buf, &ofirst, "action", members_action_names[action]);
	members_json_kv_string(buf, &ofirst, "resource_type", members_resource_names[resource]);
	if (obj.org)
		members_json_kv_uuid(buf, &ofirst, "organization_id", obj.org);
	if (obj.owner)
		members_json_kv_uuid(buf, &ofirst, "owner_id", obj.owner);
	members_json_kv_bool(buf, &ofirst, "any_org", obj.any_org);
	members_json_close(buf, '}');

	if (c.actor.is_system)
	{
		members_json_key(buf, &first, "actor");
		appendStringInfoString(buf, "\"system\"");
		members_json_kv_bool(buf, &first, "allowed", true);
		members_json_kv_string(buf, &first, "reason", "the system may do anything");
	}
	else
	{
		const MembersSubject *s = members_subject_get(&c.actor.user_id);
		MembersDecision d;
		const char *reason;
		bool		lfirst;

		members_decide(s, action, &obj, true, &d);
		if (d.vote[MEMBERS_LEVEL_SITE] == 1)
			reason = "allowed at site level";
		else if (d.vote[MEMBERS_LEVEL_SITE] == -1)
			reason = "denied at site level (a negative permission blocks every level)";
		else if (d.vote[MEMBERS_LEVEL_USER] == 1)
			reason = "allowed at user level (the subject owns an object outside any organization)";
		else if (d.vote[MEMBERS_LEVEL_ORG] == 1)
			reason = "allowed at organization level";
		else if (d.vote[MEMBERS_LEVEL_ORG] == -1)
			reason = "denied at organization level (a negative permission blocks the member level)";
		else if (d.vote[MEMBERS_LEVEL_MEMBER] == 1)
			reason = "allowed at member level (the subject owns the object in the organization)";
		else
			reason = "no permission matches";

		members_json_kv_uuid(buf, &first, "actor", &s->user_id);
		members_json_kv_bool(buf, &first, "allowed", d.allowed);
		members_json_kv_string(buf, &first, "reason", reason);
		members_json_key(buf, &first, "levels");
		members_json_open(buf, '{', &lfirst);
		for (int level = 0; level < MEMBERS_NUM_LEVELS; level++)
			explain_level(buf, &lfirst, level_names[level], &d, s, level, &obj, action);
		members_json_close(buf, '}');
	}
	members_json_close(buf, '}');
	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}

/*
 * SQL: members.rbac_resources() returns table (resource_type text, actions
 * text[]).  The registry: every resource type and its valid actions, in
 * Coder's declaration order.
 */
Datum
members_rbac_resources(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int r = 0; r < MEMBERS_NUM_RESOURCES; r++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};
		int			n;
		const int8 *order = members_resource_action_order(r, &n);
		Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

		for (int i = 0; i < n; i++)
			elems[i] = CStringGetTextDatum(members_action_names[order[i]]);
		values[0] = CStringGetTextDatum(members_resource_names[r]);
		values[1] = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
