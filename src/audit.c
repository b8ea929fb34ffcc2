/*-------------------------------------------------------------------------
 *
 * audit.c
 *		The audit log (docs/coder-behaviour.md 9): writing members.audit_log
 *		rows, in the caller's transaction or autonomously, and reading them
 *		back.
 *
 * A successful mutation writes its row with members_audit_write, in the
 * same transaction as the change, so the row exists exactly when the change
 * does.
 *
 * A refused attempt (Coder audits refused deletes and role changes whose
 * target was resolved) is followed by an ERROR that aborts the caller's
 * transaction, and with it anything written there.  Such rows are written
 * by members_audit_write_autonomous through the extension's one background
 * worker (src/worker.c): the row is queued in dynamic shared memory, the
 * worker inserts it (together with whatever else is queued) in a
 * transaction of its own, and the caller waits until that transaction has
 * committed before raising its own error, so the row exists before the
 * client sees the refusal.  No process is started per refusal: the worker
 * is started on demand, once, and serves every request of the database
 * until it has been idle for members.worker_idle_timeout.  A burst of
 * refusals is written in a few transactions (measured in bench/workers.sh).
 *
 * Refused attempts are never failed because of auditing:
 *	- in recovery, or when this transaction holds a lock on
 *	  members.audit_log that would block the worker, or when the worker
 *	  fails on the row, a WARNING says that the attempt could not be audited;
 *	- when the worker cannot be started (no free max_worker_processes slot)
 *	  within about two seconds, the row stays queued and a WARNING says so;
 *	  the next request that queues anything starts the worker, which writes
 *	  every queued row.  Only a server restart before then loses it.
 * The caller raises its own error as usual afterwards.
 *
 * IDENTIFICATION
 *		src/audit.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "port/atomics.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/lock.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "audit.h"
#include "authz.h"
#include "caps.h"
#include "coder_json.h"
#include "endpoint.h"
#include "ids.h"
#include "jsonout.h"
#include "registry.h"
#include "resolve.h"
#include "subject.h"
#include "util.h"
#include "worker.h"

PG_FUNCTION_INFO_V1(members_audit_log_entries);

static SPIPlanPtr plan_insert_audit = NULL;
static SPIPlanPtr plan_read_audit = NULL;

#define AUDIT_INSERT_SQL \
	"INSERT INTO members.audit_log " \
	"(\"time\", user_id, organization_id, action, resource_type, resource_id, " \
	" resource_target, diff, status_code) " \
	"VALUES (COALESCE($1, pg_catalog.clock_timestamp()), $2, $3, $4, $5, $6, $7, $8, $9)"
#define AUDIT_INSERT_NARGS 9
static const Oid audit_insert_types[AUDIT_INSERT_NARGS] = {
	TIMESTAMPTZOID, UUIDOID, UUIDOID, TEXTOID, TEXTOID, UUIDOID, TEXTOID, JSONBOID, INT4OID
};

/* Parse JSON text as a jsonb datum. */
static Datum
json_datum(const char *json)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(json));
}

/*
 * Fill the insert arguments.  time_or_null is NULL for "now"
 * (clock_timestamp at insert).
 */
static void
audit_insert_args(Datum *values, char *nulls, const TimestampTz *time_or_null,
				  const pg_uuid_t *user_id, const pg_uuid_t *org_id,
				  const char *action, const char *resource_type,
				  const pg_uuid_t *resource_id, const char *target,
				  const char *diff, int status_code)
{
	memset(nulls, ' ', AUDIT_INSERT_NARGS);
	if (time_or_null)
		values[0] = TimestampTzGetDatum(*time_or_null);
	else
		nulls[0] = 'n';
	if (user_id)
		values[1] = UUIDPGetDatum(user_id);
	else
		nulls[1] = 'n';
	if (org_id)
		values[2] = UUIDPGetDatum(org_id);
	else
		nulls[2] = 'n';
	values[3] = CStringGetTextDatum(action);
	values[4] = CStringGetTextDatum(resource_type);
	values[5] = UUIDPGetDatum(resource_id);
	values[6] = CStringGetTextDatum(target ? target : "");
	values[7] = json_datum(diff ? diff : "{}");
	values[8] = Int32GetDatum(status_code);
}

/* See audit.h. */
void
members_audit_write(const MembersAuditEntry *e)
{
	Datum		values[AUDIT_INSERT_NARGS];
	char		nulls[AUDIT_INSERT_NARGS];
	SPIPlanPtr	plan;

	plan = members_plan(&plan_insert_audit, AUDIT_INSERT_SQL,
						AUDIT_INSERT_NARGS, audit_insert_types);
	audit_insert_args(values, nulls, NULL,
					  e->actor->is_system ? NULL : &e->actor->user_id,
					  e->organization_id, e->action, e->resource_type,
					  &e->resource_id, e->resource_target, e->diff, e->status_code);
	if (SPI_execute_plan(plan, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write the audit row");
}

/* See audit.h. */
void
members_audit_entry_init(MembersAuditEntry *e, const MembersActor *actor,
						 const pg_uuid_t *org, const char *action,
						 const char *resource_type, const pg_uuid_t *resource_id,
						 const char *target)
{
	memset(e, 0, sizeof(*e));
	e->actor = actor;
	e->organization_id = org;
	e->action = action;
	e->resource_type = resource_type;
	e->resource_id = *resource_id;
	e->resource_target = target;
	e->diff = "{}";
}

/* See audit.h. */
void
members_audit_record(MembersAuditEntry *e, int status, const char *diff)
{
	e->status_code = status;
	e->diff = diff ? diff : "{}";
	if (status < 400)
		members_audit_write(e);
	else
		members_audit_write_autonomous(e);
}

/* WARNING that a refused attempt goes unaudited, with the reason. */
static void
audit_not_written(const MembersAuditEntry *e, const char *reason)
{
	ereport(WARNING,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("refused attempt could not be audited"),
			 errdetail("The %s of %s \"%s\" (status %d) was not written to members.audit_log: %s.",
					   e->action, e->resource_type,
					   e->resource_target ? e->resource_target : "", e->status_code,
					   reason)));
}

/*
 * Does this transaction hold a lock on members.audit_log that conflicts
 * with the worker's RowExclusiveLock (SHARE or stronger)?  The worker would
 * then wait for us while we wait for it.
 */
static bool
audit_table_blocked_by_me(void)
{
	Oid			nsp = get_namespace_oid("members", true);
	Oid			relid;
	LOCKTAG		tag;

	if (!OidIsValid(nsp))
		return false;
	relid = get_relname_relid("audit_log", nsp);
	if (!OidIsValid(relid))
		return false;
	SET_LOCKTAG_RELATION(tag, MyDatabaseId, relid);
	for (LOCKMODE m = ShareLock; m <= AccessExclusiveLock; m++)
		if (LockHeldByMe(&tag, m))
			return true;
	return false;
}

/*
 * A row as queued for the worker: fixed fields, then action, resource
 * type, target and diff as NUL-terminated strings.
 */
typedef struct AuditQueued
{
	bool		has_user;
	bool		has_org;
	pg_uuid_t	user_id;
	pg_uuid_t	organization_id;
	pg_uuid_t	resource_id;
	TimestampTz time;
	int32		status_code;
	char		strings[FLEXIBLE_ARRAY_MEMBER];
} AuditQueued;

/* Append s and its NUL at *off of buf (size cap); false if it does not fit. */
static bool
put_string(char *buf, Size cap, Size *off, const char *s)
{
	Size		len = strlen(s) + 1;

	if (*off + len > cap)
		return false;
	memcpy(buf + *off, s, len);
	*off += len;
	return true;
}

/* The next NUL-terminated string at *p within end, or NULL. */
static const char *
get_string(const char **p, const char *end)
{
	const char *s = *p;
	const char *nul = memchr(s, '\0', end - s);

	if (nul == NULL)
		return NULL;
	*p = nul + 1;
	return s;
}

/* See audit.h and the file header. */
void
members_audit_write_autonomous(const MembersAuditEntry *e)
{
	union
	{
		AuditQueued q;
		char		bytes[MEMBERS_WORK_PAYLOAD_MAX];
	}			buf;
	Size		off = offsetof(AuditQueued, strings);
	char		why[MEMBERS_WORK_WHY_LEN];

	if (RecoveryInProgress())
	{
		audit_not_written(e, "the server is in recovery");
		return;
	}
	if (audit_table_blocked_by_me())
	{
		audit_not_written(e, "this transaction holds a lock on members.audit_log that would block the audit worker");
		return;
	}

	memset(&buf, 0, offsetof(AuditQueued, strings));
	buf.q.has_user = !e->actor->is_system;
	if (buf.q.has_user)
		buf.q.user_id = e->actor->user_id;
	buf.q.has_org = e->organization_id != NULL;
	if (buf.q.has_org)
		buf.q.organization_id = *e->organization_id;
	buf.q.resource_id = e->resource_id;
	buf.q.time = GetCurrentTimestamp();
	buf.q.status_code = e->status_code;
	if (!put_string(buf.bytes, sizeof(buf), &off, e->action) ||
		!put_string(buf.bytes, sizeof(buf), &off, e->resource_type) ||
		!put_string(buf.bytes, sizeof(buf), &off, e->resource_target ? e->resource_target : "") ||
		!put_string(buf.bytes, sizeof(buf), &off, e->diff ? e->diff : "{}"))
	{
		audit_not_written(e, "the entry is too large for the worker's queue");
		return;
	}

	switch (members_worker_submit(MEMBERS_WORK_AUDIT, buf.bytes, off, true, why))
	{
		case MEMBERS_WORK_DONE:
			break;
		case MEMBERS_WORK_QUEUED:
			ereport(WARNING,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("refused attempt not yet audited"),
					 errdetail("The %s of %s \"%s\" (status %d) is queued for members.audit_log: %s.",
							   e->action, e->resource_type,
							   e->resource_target ? e->resource_target : "",
							   e->status_code, why)));
			break;
		case MEMBERS_WORK_FAILED:
			{
				char		reason[MEMBERS_WORK_WHY_LEN + 32];

				snprintf(reason, sizeof(reason), "the audit worker failed: %s", why);
				audit_not_written(e, reason);
				break;
			}
		case MEMBERS_WORK_NOT_QUEUED:
			audit_not_written(e, why);
			break;
	}
}

/* See audit.h. */
void
members_audit_apply_queued(const char *payload, Size len)
{
	AuditQueued q;
	const char *p = payload + offsetof(AuditQueued, strings);
	const char *end = payload + len;
	const char *action;
	const char *resource_type;
	const char *target;
	const char *diff;
	Datum		values[AUDIT_INSERT_NARGS];
	char		nulls[AUDIT_INSERT_NARGS];
	SPIPlanPtr	plan;

	if (len < offsetof(AuditQueued, strings))
		elog(ERROR, "malformed queued audit row");
	memcpy(&q, payload, offsetof(AuditQueued, strings));
	action = get_string(&p, end);
	resource_type = action ? get_string(&p, end) : NULL;
	target = resource_type ? get_string(&p, end) : NULL;
	diff = target ? get_string(&p, end) : NULL;
	if (diff == NULL)
		elog(ERROR, "malformed queued audit row");

	plan = members_plan(&plan_insert_audit, AUDIT_INSERT_SQL,
						AUDIT_INSERT_NARGS, audit_insert_types);
	audit_insert_args(values, nulls, &q.time,
					  q.has_user ? &q.user_id : NULL,
					  q.has_org ? &q.organization_id : NULL,
					  action, resource_type, &q.resource_id, target, diff,
					  q.status_code);
	if (SPI_execute_plan(plan, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write the audit row");
}

/* Is this JSON text (NULL = absent, read as null) equal to that one? */
static bool
json_texts_equal(const char *a, const char *b)
{
	return DatumGetBool(DirectFunctionCall2(jsonb_eq,
											json_datum(a ? a : "null"),
											json_datum(b ? b : "null")));
}

/* See audit.h. */
void
members_audit_diff_field(StringInfo buf, bool *first, const char *field,
						 const char *old_json, const char *new_json)
{
	if (json_texts_equal(old_json, new_json))
		return;
	members_json_key(buf, first, field);
	appendStringInfoString(buf, "{\"old\": ");
	appendStringInfoString(buf, old_json ? old_json : "null");
	appendStringInfoString(buf, ", \"new\": ");
	appendStringInfoString(buf, new_json ? new_json : "null");
	appendStringInfoString(buf, ", \"secret\": false}");
}

/*
 * SQL: members.audit_log_entries(organization text DEFAULT NULL, "limit"
 * integer DEFAULT 100) returns jsonb.  Newest first (time, then id, both
 * descending).  Without an organization the actor needs site-wide read on
 * audit_log (owner, auditor); with one, read on audit_log in that
 * organization (also organization-admin and organization-auditor).
 * "limit" 0 means no limit.
 */
Datum
members_audit_log_entries(PG_FUNCTION_ARGS)
{
	MembersCall c;
	MembersOrgRef org;
	bool		have_org = !PG_ARGISNULL(0);
	int32		limit = PG_ARGISNULL(1) ? 100 : PG_GETARG_INT32(1);
	StringInfoData *buf = &c.json;
	Oid			argtypes[2] = {UUIDOID, INT8OID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	SPIPlanPtr	plan;

	members_call_begin(&c, MEMBERS_CALL_SPI);
	if (limit < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("limit must not be negative"),
				 errdetail("Use 0 for every entry.")));
	if (limit > MEMBERS_MAX_PAGE_LIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("limit is too large"),
				 errdetail("A page may hold at most %d entries; this request asks for %d.",
						   MEMBERS_MAX_PAGE_LIMIT, limit),
				 errhint("Use 0 for every entry.")));

	if (have_org)
	{
		members_resolve_organization(&c.actor, text_to_cstring(PG_GETARG_TEXT_PP(0)), &org);
		if (!members_actor_allowed(&c.actor, MEMBERS_ACT_READ, MEMBERS_RES_AUDIT_LOG, &org.id, NULL))
			members_forbidden();
		values[0] = UUIDPGetDatum(&org.id);
	}
	else
	{
		if (!members_actor_allowed(&c.actor, MEMBERS_ACT_READ, MEMBERS_RES_AUDIT_LOG, NULL, NULL))
			members_forbidden();
		nulls[0] = 'n';
	}
	if (limit == 0)
		nulls[1] = 'n';
	else
		values[1] = Int64GetDatum((int64) limit);

	plan = members_plan(&plan_read_audit,
						"SELECT a.id, a.\"time\", a.user_id, a.organization_id, a.action, "
						"a.resource_type, a.resource_id, a.resource_target, a.diff, "
						"a.status_code, a.ip, a.user_agent, a.request_id "
						"FROM members.audit_log a "
						"WHERE $1 IS NULL OR a.organization_id OPERATOR(pg_catalog.=) $1 "
						"ORDER BY a.\"time\" DESC, a.id DESC LIMIT $2",
						2, argtypes);
	if (SPI_execute_plan(plan, values, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the audit log");

	members_audit_entries_json(buf, SPI_tuptable, SPI_processed);

	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}
