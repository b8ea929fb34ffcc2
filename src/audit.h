/*-------------------------------------------------------------------------
 *
 * audit.h
 *		The audit log (docs/coder-behaviour.md 9): one members.audit_log row
 *		per mutation, including refused attempts whose target was resolved.
 *
 * IDENTIFICATION
 *		src/audit.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_AUDIT_H
#define MEMBERS_AUDIT_H

#include "lib/stringinfo.h"
#include "utils/uuid.h"

#include "actor.h"

/* One audit row. */
typedef struct MembersAuditEntry
{
	const MembersActor *actor;	/* user id, or NULL user_id for the system */
	const pg_uuid_t *organization_id;	/* NULL when none */
	const char *action;			/* "create", "write" or "delete" */
	const char *resource_type;	/* "organization_member", "custom_role",
								 * "user" */
	pg_uuid_t	resource_id;
	const char *resource_target;	/* username or role name */
	const char *diff;			/* JSON object text; "{}" for failures */
	int			status_code;	/* the HTTP-equivalent status */
} MembersAuditEntry;

/*
 * Write the row in the current transaction (successful mutations: atomic
 * with the change).  The caller is connected to SPI as the owner.
 */
extern void members_audit_write(const MembersAuditEntry *e);

/*
 * Write the row so that it survives the caller's transaction aborting
 * (refused attempts, written just before the error is raised); returns
 * once the row is committed by the extension's background worker.  Never
 * raises because of auditing: when the row cannot be written (recovery, a
 * lock on audit_log held by this transaction, the worker failing on it) or
 * not yet (the worker cannot start: the row stays queued) it emits a
 * WARNING and returns.  See audit.c for how.
 */
extern void members_audit_write_autonomous(const MembersAuditEntry *e);

/*
 * Start an entry for a resolved target: the actor, organization (NULL for
 * none), action, resource type, id and target name; diff "{}", status 0.
 */
extern void members_audit_entry_init(MembersAuditEntry *e, const MembersActor *actor,
									 const pg_uuid_t *org, const char *action,
									 const char *resource_type,
									 const pg_uuid_t *resource_id,
									 const char *target);

/*
 * Write the entry with this status and diff (NULL: "{}"): a success
 * (status below 400) in the current transaction, atomically with the change
 * (the caller is connected to SPI as the owner); a refusal (400 and up)
 * committed on its own before this returns, for the caller to raise its
 * error next.  The one entry point the endpoints use.
 */
extern void members_audit_record(MembersAuditEntry *e, int status, const char *diff);

/*
 * Insert one row queued by members_audit_write_autonomous (in the worker's
 * transaction, as the owner, connected to SPI); raises on failure.
 */
extern void members_audit_apply_queued(const char *payload, Size len);

/*
 * Append a Coder-style diff {"field": {"old": o, "new": n, "secret": false}}
 * entry for one field whose old and new values are JSON texts (NULL = absent,
 * written as JSON null); values equal as jsonb are skipped.  *first as for
 * members_json_key; the caller opens and closes the object.  (Coder shows an
 * absent side as Go's zero value of the field: "" for strings, the nil uuid,
 * the zero time "0001-01-01T00:00:00Z", null for lists; callers that want that
 * pass it.)
 */
extern void members_audit_diff_field(StringInfo buf, bool *first,
									 const char *field,
									 const char *old_json,
									 const char *new_json);

#endif							/* MEMBERS_AUDIT_H */
