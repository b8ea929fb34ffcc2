/*-------------------------------------------------------------------------
 *
 * rls_support.h
 *		Authorized listings at index speed: the organizations a subject may
 *		see objects of one type in, the planner support function of
 *		members.authorize and the custom scan that picks index or
 *		sequential access once the actor is known (docs/rls-index.md).
 *
 * IDENTIFICATION
 *		src/rls_support.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_RLS_SUPPORT_H
#define MEMBERS_RLS_SUPPORT_H

#include "utils/uuid.h"

#include "subject.h"

/*
 * What a listing of objects of one type may show a subject, for one action
 * (the rule of Coder's coderd/rbac/policy.rego read backwards, see
 * docs/rls-index.md):
 *   site = +1: every object; site = -1: none;
 *   otherwise an object with an organization only if that organization is
 *   in orgs (A: org-level vote +1, or B: org-level vote not -1 and
 *   member-level vote +1), and an object without one only if user = +1
 *   (and the subject owns it).
 */
typedef struct MembersListing
{
	int			site;			/* site-level vote */
	int			user;			/* user-level vote */
	int			norgs;
	pg_uuid_t  *orgs;			/* A ∪ B, sorted, palloc'd; NULL if none */
} MembersListing;

/* Fill out for subject s; orgs is allocated in the current context. */
extern void members_subject_listing(const MembersSubject *s, int action,
									int resource, MembersListing *out);

/* Define members.enable_listing_scan and register the planner hook. */
extern void members_rls_support_init(void);

#endif							/* MEMBERS_RLS_SUPPORT_H */
