/*-------------------------------------------------------------------------
 *
 * subject.h
 *		The per-backend cache of expanded subjects: for each user, the
 *		pooled permission sets of every level (site, user, and per
 *		organization: org and member) and the roles held.
 *
 * Invalidation rules (src/subject.c carries the reasoning):
 *
 * 1. What drops what.  A row trigger (members.log_subject_change, enabled
 *    ALWAYS) on users, organization_members, organizations and
 *    custom_roles appends to members.subject_changes:
 *      - a users or organization_members row: that user (kind u);
 *      - an organizations row: the organization (o), i.e. its members;
 *      - a custom_roles row: the role (r), i.e. the members of its
 *        organization whose stored roles name it.
 *    UPDATEs that leave every column a subject reads unchanged log nothing.
 *    Organizations and roles are resolved to users when the log is read,
 *    with the latest snapshot.  Nothing else leaves the other subjects.
 * 2. When.  The trigger registers a relcache invalidation of the log's
 *    TOAST table (the signal: no backend opens it, and the plans on the log
 *    stay valid); each
 *    backend accepts invalidations once per top-level statement (a counter
 *    advanced by planner, executor-start and utility hooks at nesting
 *    level 0, so statements of one client message are told apart) and
 *    then reads the entries after its position.  Committed changes count
 *    from the next statement; uncommitted ones never; this transaction's
 *    own from its next command; a rolled-back subtransaction's at once no
 *    more (subjects built while this transaction had written are dropped
 *    again at every such boundary and when it ends).
 * 3. Position.  A backend's position is the last seq it read plus the
 *    transactions running at that read (their entries may commit later
 *    with a lower seq, since seq order is not commit order); the next read
 *    takes seq > position or xid among those.  An empty cache takes a new
 *    position before its first build.
 * 4. Pruning.  Writers (every 1,000th entry, one at a time) mark entries
 *    seen and delete entries seen 10 minutes ago; a backend that has not
 *    read for 5 minutes drops its whole cache instead of reading.
 * 5. Full invalidation.  A relcache invalidation of a watched table itself
 *    (TRUNCATE, DDL, statistics), a lost invalidation queue, a read naming
 *    more than 10,000 subjects, or a 1.0 schema without the log.
 * 6. Replicas.  Hot standbys replay the log rows and the invalidations;
 *    logical subscribers fire the ALWAYS triggers and write their own log.
 * No shared memory and no shared_preload_libraries.
 *
 * IDENTIFICATION
 *		src/subject.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_SUBJECT_H
#define MEMBERS_SUBJECT_H

#include "datatype/timestamp.h"
#include "utils/uuid.h"

#include "builtin_roles.h"
#include "permission.h"

/* A role a subject holds, with where its permissions come from. */
typedef struct MembersHeldRole
{
	const char *name;			/* lower-case name as stored (or implied) */
	const MembersBuiltinRole *builtin;	/* NULL for a custom role */
	const MembersPermList *custom_org;	/* custom role's org permissions */
	const char *display_name;	/* built-in or custom display name */
} MembersHeldRole;

/* The subject's standing in one organization. */
typedef struct MembersSubjectOrg
{
	pg_uuid_t	org_id;
	bool		sharing_disabled;
	const MembersPermSet *org;	/* pooled org-level permissions */
	const MembersPermSet *member;	/* pooled member-level permissions */
	int			nroles;
	MembersHeldRole *roles;		/* stored roles (unknown names dropped) and
								 * the implied organization-member last */
} MembersSubjectOrg;

/* An expanded subject (spec 2.1). */
typedef struct MembersSubject
{
	pg_uuid_t	user_id;
	bool		found;			/* user exists and is not deleted */
	bool		active;			/* status = active */
	char		status[16];
	MembersPermSet site;
	MembersPermSet user;
	int			nsite_roles;
	MembersHeldRole *site_roles;	/* stored site roles (unknown dropped) and
									 * the implied member last */
	int			norgs;
	MembersSubjectOrg *orgs;	/* sorted by org_id, non-deleted orgs only */
	uint32		org_mask;		/* size of org_index - 1 */
	int32	   *org_index;		/* open addressing by org id hash: index into
								 * orgs, -1 for an empty slot; NULL if no orgs */
	int8	   *anyorg;			/* lazily: [2][SLOTS][ACTIONS] max votes */
} MembersSubject;

/*
 * Advanced whenever a subject enters or leaves this backend's cache (and
 * when the cache is emptied), at the start of every top-level statement,
 * and whenever members.actor changes.  While it stays the same, within one
 * transaction and client message, and while the transaction has not
 * written a watched table (members_subject_wrote_lxid), a lookup would
 * accept no invalidation and return the same, unchanged subject (subjects
 * are never modified once built) for the same actor: so a caller may keep
 * a decision it derived (authorize's per-call-site memo).
 */
extern uint64 members_subject_stamp;

/* The last transaction of this backend that wrote a watched table. */
extern LocalTransactionId members_subject_wrote_lxid;

/*
 * The transaction and statement start (GetCurrentStatementStartTimestamp)
 * at which invalidations were last accepted: right after
 * members_subject_get, the current ones.
 */
extern LocalTransactionId members_subject_sync_lxid;
extern TimestampTz members_subject_sync_stmt;

/*
 * Is relid the change log or its signal relation (as last learned)?  For
 * other relcache callbacks, which need not act on the signal.  No catalog
 * access.
 */
extern bool members_subject_is_log_relation(Oid relid);

/* Register the invalidation callbacks; called from _PG_init. */
extern void members_subject_cache_init(void);

/*
 * Accept pending invalidation messages once per statement, so that a
 * change committed by another session is seen by the next statement but
 * never in the middle of one; invalidations that arrive within a statement
 * take effect at the next statement, or, in a transaction that changed the
 * watched tables itself, at its next command or subtransaction boundary (so
 * it sees its own changes from its next command on).  Called by
 * members_subject_get; cheap when nothing changed.
 */
extern void members_subject_cache_sync(void);

/*
 * The expanded subject for user_id, from the cache or built now (reading
 * the tables as the extension owner with the latest snapshot, or the
 * transaction's in parallel mode).  Never NULL: an unknown or deleted user
 * gives found = false.  The result stays valid until the next call into
 * this module or the next invalidation; do not keep it across statements.
 */
extern const MembersSubject *members_subject_get(const pg_uuid_t *user_id);

/* Hash of an organization id for MembersSubject.org_index. */
static inline uint32
members_org_hash(const pg_uuid_t *u)
{
	uint64		a;
	uint64		b;
	uint64		h;

	memcpy(&a, u->data, sizeof(a));
	memcpy(&b, u->data + sizeof(a), sizeof(b));
	h = a ^ (b * UINT64CONST(0x9E3779B97F4A7C15));
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (uint32) h;
}

/*
 * The subject's entry for an organization, or NULL if not a member: one
 * hash probe (a check's cost does not grow with the number of
 * organizations).
 */
static inline const MembersSubjectOrg *
members_subject_org(const MembersSubject *s, const pg_uuid_t *org_id)
{
	uint32		h;

	if (s->org_index == NULL)
		return NULL;
	for (h = members_org_hash(org_id) & s->org_mask;; h = (h + 1) & s->org_mask)
	{
		int32		i = s->org_index[h];

		if (i < 0)
			return NULL;
		if (memcmp(s->orgs[i].org_id.data, org_id->data, UUID_LEN) == 0)
			return &s->orgs[i];
	}
}

/*
 * Max over the subject's organizations of the org-level (level 0) or
 * member-level (level 1) vote: the any_org rule of spec 2.3.
 */
extern int	members_subject_anyorg_vote(const MembersSubject *s, int level,
										int resource, int action);

/* Drop every cached subject now (tests, memory bound). */
extern void members_subject_cache_reset(void);

/* Number of cached subjects and the bytes their memory context holds. */
extern void members_subject_cache_stats(int64 *subjects, int64 *bytes);

#endif							/* MEMBERS_SUBJECT_H */
