/*-------------------------------------------------------------------------
 *
 * permission.h
 *		Permissions, permission lists and compiled permission sets, Coder's
 *		vote function and role_allow rule (docs/coder-behaviour.md 2.2 and
 *		2.3), and the jsonb form of a permission list.
 *
 * A permission list keeps the order and duplicates of its source (for JSON
 * output and for checks that walk it).  A permission set is the same
 * information pooled for voting: per resource slot, one bitmask of the
 * positive and one of the negative actions, bit MEMBERS_ACT_WILDCARD
 * standing for "*".  Pooling several roles' lists at one level is OR.
 *
 * IDENTIFICATION
 *		src/permission.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_PERMISSION_H
#define MEMBERS_PERMISSION_H

#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"

#include "registry.h"

/*
 * One permission.  resource may be MEMBERS_RES_WILDCARD, action may be
 * MEMBERS_ACT_WILDCARD; both are always known ids.
 */
typedef struct MembersPermission
{
	bool		negate;
	int16		resource;
	int16		action;
} MembersPermission;

/* An ordered list of permissions; items palloc'd in the caller's context. */
typedef struct MembersPermList
{
	int			n;
	MembersPermission *items;	/* NULL when n == 0 */
} MembersPermList;

/* Permissions pooled for voting: bit a (or MEMBERS_ACT_WILDCARD) per slot. */
typedef struct MembersPermSet
{
	uint32		pos[MEMBERS_NUM_RES_SLOTS];
	uint32		neg[MEMBERS_NUM_RES_SLOTS];
} MembersPermSet;

/* Empty the set. */
extern void members_permset_clear(MembersPermSet *s);

/* Pool every permission of l into s. */
extern void members_permset_add_list(MembersPermSet *s, const MembersPermList *l);

/* Pool every permission of src into dst. */
extern void members_permset_union(MembersPermSet *dst, const MembersPermSet *src);

/* True when s holds no permission at all. */
extern bool members_permset_is_empty(const MembersPermSet *s);

/*
 * Coder's vote (docs/coder-behaviour.md 2.2) over the pooled permissions of
 * one level, for an object of type resource and the given action: -1 if some
 * matching permission is negative, +1 if some matching one is positive, else
 * 0.  A permission matches when its action is action or "*" and its resource
 * is resource or "*".  (An action of MEMBERS_ACT_WILDCARD is matched only by
 * "*" permissions, as in Coder.)
 */
static inline int
members_vote(const MembersPermSet *s, int resource, int action)
{
	uint32		m = MEMBERS_ACT_BIT(action) | MEMBERS_ACT_BIT(MEMBERS_ACT_WILDCARD);

	if (((s->neg[resource] | s->neg[MEMBERS_RES_WILDCARD]) & m) != 0)
		return -1;
	if (((s->pos[resource] | s->pos[MEMBERS_RES_WILDCARD]) & m) != 0)
		return 1;
	return 0;
}

/*
 * Coder's role_allow (docs/coder-behaviour.md 2.3) from the four level votes:
 * a site positive wins; a site negative blocks everything; an org negative
 * also blocks the member level.
 */
static inline bool
members_role_allow(int site, int user, int org, int member)
{
	if (site == 1)
		return true;
	if (site == -1)
		return false;
	return user == 1 || org == 1 || (org != -1 && member == 1);
}

/* Does permission p match an object of type resource and the action? */
static inline bool
members_permission_matches(const MembersPermission *p, int resource, int action)
{
	return (p->action == action || p->action == MEMBERS_ACT_WILDCARD) &&
		(p->resource == resource || p->resource == MEMBERS_RES_WILDCARD);
}

/* Does p use "*" for its resource or its action? */
static inline bool
members_permission_has_wildcard(const MembersPermission *p)
{
	return p->resource == MEMBERS_RES_WILDCARD ||
		p->action == MEMBERS_ACT_WILDCARD;
}

/* Index of the first negative permission of l, or -1. */
extern int	members_permlist_first_negative(const MembersPermList *l);

/* Index of the first permission of l that uses "*", or -1. */
extern int	members_permlist_first_wildcard(const MembersPermList *l);

/* A copy of l (list and items) allocated in cxt. */
extern MembersPermList *members_permlist_copy(MemoryContext cxt,
											  const MembersPermList *l);

/*
 * Parse a jsonb array of {"negate": bool, "resource_type": str, "action": str}
 * (docs/coder-behaviour.md 1.3 Permission) into a list in array order,
 * palloc'd in the current context.  arr must be detoasted (DatumGetJsonbP).
 *
 * NULL, or the JSON null, is the empty list.  Shape errors raise 22023 with
 * a message naming field_name and the element ("site_permissions[2]"): not
 * an array, an element that is not an object, a missing, null or wrongly
 * typed field.  Keys match as Go's decoder does: an exact key first, else a
 * key equal ignoring ASCII case; other keys are ignored.
 *
 * With validate, an unknown resource raises 22023 `invalid resource type
 * "<x>"`, an action the resource does not accept (or an unknown action,
 * even on "*", which we cannot represent) raises 22023 `invalid action
 * "<a>" for resource "<r>"` (Coder's wording, strings quoted as Go's %q).
 * Without validate such entries are dropped silently (Coder's PUT
 * filterInvalidPermissions).  The whole array is shape-checked before any
 * entry is validated, as Go decodes the body before validating it.
 */
extern MembersPermList *members_parse_permissions(Jsonb *arr,
												  const char *field_name,
												  bool validate);

/*
 * As members_parse_permissions, but never raises for an invalid entry:
 * each one is dropped and its message, in the Coder wording above, is
 * appended to *invalid (a List of palloc'd C strings, in element order), so
 * that the caller can word the error as Coder's customRoleCheck does
 * (docs/coder-behaviour.md 6.1, step 13d).  Shape errors still raise.
 */
extern MembersPermList *members_parse_permissions_collect(Jsonb *arr,
														  const char *field_name,
														  List **invalid);

/*
 * Append l as JSON array text, in list order:
 * [{"negate": false, "resource_type": "x", "action": "y"}, ...]
 * (Go's field order; "[]" for an empty or NULL list).
 */
extern void members_permlist_to_json(StringInfo buf, const MembersPermList *l);

/* The same array added to a jsonb writer (jsonout.h). */
struct MembersJsonb;
extern void members_permlist_push(struct MembersJsonb *b, const MembersPermList *l);

#endif							/* MEMBERS_PERMISSION_H */
