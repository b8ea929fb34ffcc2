/*-------------------------------------------------------------------------
 *
 * caps.h
 *		Bounds on client input: every list, name and nesting a request may
 *		send is capped, so that the work done for one request (before and
 *		after authorization) is bounded and linear.  Past a cap the request
 *		fails with 22023 and a message naming the limit.
 *
 * IDENTIFICATION
 *		src/caps.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_CAPS_H
#define MEMBERS_CAPS_H

/* Role names in one role change (PUT .../members/{user}/roles, PUT /users/{user}/roles). */
#define MEMBERS_MAX_ROLES_PER_REQUEST	100
/* Permissions in one custom role request, all lists together. */
#define MEMBERS_MAX_PERMISSIONS_PER_ROLE 1000
/* Nesting of a JSON request body (a custom role body is 3 deep). */
#define MEMBERS_MAX_JSON_DEPTH			16
/* Bytes of one name in a request: role names, path values, display names. */
#define MEMBERS_MAX_NAME_BYTES			256
/* Checks in one members.check_permissions call (Coder's auth-check body). */
#define MEMBERS_MAX_CHECKS_PER_REQUEST	1000
/* The largest explicit page of a listing ("limit"). */
#define MEMBERS_MAX_PAGE_LIMIT			1000

/* Raise 22023: a list of what has n elements, more than max. */
static inline void
members_cap_count_exceeded(const char *what, long n, int max)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("too many %s", what),
			 errdetail("A request may give at most %d %s; this one gives %ld.", max, what, n)));
}

/* Raise 22023 unless a name (what) of len bytes is within MEMBERS_MAX_NAME_BYTES. */
static inline void
members_cap_name(const char *what, size_t len)
{
	if (len > MEMBERS_MAX_NAME_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is too long", what),
				 errdetail("A name in a request may have at most %d bytes; this one has %zu.",
						   MEMBERS_MAX_NAME_BYTES, len)));
}

#endif							/* MEMBERS_CAPS_H */
