/*-------------------------------------------------------------------------
 *
 * authz.h
 *		Coder's decision (docs/coder-behaviour.md 2.2-2.3, Coder's
 *		coderd/rbac/policy.rego) for a subject or the current actor.
 *
 * IDENTIFICATION
 *		src/authz.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_AUTHZ_H
#define MEMBERS_AUTHZ_H

#include "actor.h"
#include "subject.h"

/* The object of a check (Coder's rbac.Object, coderd/rbac/object.go, without ACLs). */
typedef struct MembersObject
{
	int			resource;		/* concrete resource id */
	const pg_uuid_t *org;		/* NULL: no organization */
	const pg_uuid_t *owner;		/* NULL: no owner */
	bool		any_org;		/* only with org == NULL */
} MembersObject;

/* The four levels of Coder's role decision, in the order they are read. */
typedef enum MembersLevel
{
	MEMBERS_LEVEL_SITE,
	MEMBERS_LEVEL_USER,
	MEMBERS_LEVEL_ORG,
	MEMBERS_LEVEL_MEMBER,
	MEMBERS_NUM_LEVELS
} MembersLevel;

/* The outcome of members_decide. */
typedef struct MembersDecision
{
	bool		allowed;
	bool		applies[MEMBERS_NUM_LEVELS];	/* the level was consulted */
	int8		vote[MEMBERS_NUM_LEVELS];	/* -1, 0 or 1; 0 where not applied */
} MembersDecision;

/*
 * Coder's decision for an expanded subject (scope coder:all, no ACLs): the
 * one place the four-level rule is written (coderd/rbac/policy.rego; see
 * docs/coder-behaviour.md 2.3).  For an object (type, org, owner, any_org):
 *
 *   site   = vote(site set), always
 *   user   = vote(user set), when owner = subject, no org, not any_org
 *   org    = vote(org set of org), when the subject is a member of org;
 *            for any_org the maximum over the subject's organizations
 *   member = the same at member level, when the org level applies and
 *            owner = subject
 *   allow  = site = 1 or (site <> -1 and (user = 1 or org = 1 or
 *            (org <> -1 and member = 1)))
 *
 * With every_level false it stops at the first level that settles the
 * answer (the hot path); the levels after it are then left out (applies
 * false, vote 0).  With every_level true each level is evaluated, for
 * explanations.  Inline so that authorize pays for no call and no unused
 * store.
 */
static inline bool
members_decide(const MembersSubject *s, int action, const MembersObject *obj,
			   bool every_level, MembersDecision *d)
{
	bool		owned = obj->owner != NULL &&
		memcmp(obj->owner->data, s->user_id.data, UUID_LEN) == 0;
	const MembersSubjectOrg *o = NULL;
	int			site;
	int			user = 0;
	int			org = 0;
	int			member = 0;

	memset(d, 0, sizeof(*d));
	d->applies[MEMBERS_LEVEL_SITE] = true;
	d->vote[MEMBERS_LEVEL_SITE] = site = members_vote(&s->site, obj->resource, action);
	if (site != 0 && !every_level)
		return d->allowed = (site == 1);

	d->applies[MEMBERS_LEVEL_USER] = owned && obj->org == NULL && !obj->any_org;
	if (d->applies[MEMBERS_LEVEL_USER])
		d->vote[MEMBERS_LEVEL_USER] = user = members_vote(&s->user, obj->resource, action);
	if (user == 1 && !every_level)
		return d->allowed = members_role_allow(site, user, org, member);

	if (obj->any_org)
		d->applies[MEMBERS_LEVEL_ORG] = s->norgs > 0;
	else if (obj->org != NULL)
	{
		o = members_subject_org(s, obj->org);
		d->applies[MEMBERS_LEVEL_ORG] = o != NULL;
	}
	d->applies[MEMBERS_LEVEL_MEMBER] = d->applies[MEMBERS_LEVEL_ORG] && owned;
	if (obj->any_org)
	{
		org = members_subject_anyorg_vote(s, 0, obj->resource, action);
		if (d->applies[MEMBERS_LEVEL_MEMBER])
			member = members_subject_anyorg_vote(s, 1, obj->resource, action);
	}
	else if (o != NULL)
	{
		org = members_vote(o->org, obj->resource, action);
		if (d->applies[MEMBERS_LEVEL_MEMBER])
			member = members_vote(o->member, obj->resource, action);
	}
	d->vote[MEMBERS_LEVEL_ORG] = org;
	d->vote[MEMBERS_LEVEL_MEMBER] = member;
	return d->allowed = members_role_allow(site, user, org, member);
}

/* members_decide's answer alone, stopping at the first settling level. */
extern bool members_subject_allowed(const MembersSubject *s, int action,
									const MembersObject *obj);

/*
 * Allow for a resolved actor: the system may do anything; a user is
 * decided by members_subject_allowed over the cached subject.
 */
extern bool members_actor_allowed(const MembersActor *actor, int action,
								  int resource, const pg_uuid_t *org,
								  const pg_uuid_t *owner);

#endif							/* MEMBERS_AUTHZ_H */
