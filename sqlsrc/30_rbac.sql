/*==== section: RBAC engine (src/subject.c, src/authz.c, src/assign.c) ====*/

/*
 * Cache invalidation (src/subject.h states the rules): a row trigger on
 * every table the subject cache reads appends what the row names to the
 * change log members.subject_changes (a user; an organization, whose
 * members it reaches; a custom role of an organization, whose holders it
 * reaches) and registers a relcache invalidation of the log's TOAST table
 * (the signal: a relation no backend opens).  Every
 * backend, once the change commits (hot standbys on replay, logical
 * subscribers when the apply worker fires the ALWAYS triggers), reads only
 * the entries after its last position and drops only the subjects they
 * name.
 *
 * The log is not registered with pg_extension_config_dump: its rows are
 * positions of this server's backends, meaningless after a restore (a
 * restored server's backends start with empty caches).  Its replica
 * identity is FULL so that pruning still works when a publication FOR ALL
 * TABLES includes it; a subscriber writes its own entries (README,
 * Topologies) and its seq index is not unique, so received entries clash
 * with nothing.
 */
CREATE TABLE @extschema@.subject_changes (
	seq bigint GENERATED ALWAYS AS IDENTITY,
	xid xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
	kind "char" NOT NULL,
	user_id uuid,
	organization_id uuid,
	role_name text,
	logged_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	seen_at timestamptz,
	CONSTRAINT subject_changes_kind_valid CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['u', 'o', 'r']::"char"[]))
);
CREATE INDEX subject_changes_seq_idx ON @extschema@.subject_changes (seq);
CREATE INDEX subject_changes_xid_idx ON @extschema@.subject_changes (xid);
ALTER TABLE @extschema@.subject_changes REPLICA IDENTITY FULL;
COMMENT ON TABLE @extschema@.subject_changes IS
	'Change log of the subject cache: one row per change of a user (kind u), an organization (o) or a custom role (r); read by every backend from its last position, pruned by writers 10 minutes after first seen. Not dumped.';

CREATE FUNCTION @extschema@.log_subject_change() RETURNS trigger
	AS 'MODULE_PATHNAME', 'members_log_subject_change'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.log_subject_change() IS
	'Trigger: log a changed user, organization, membership or custom role in members.subject_changes, so that every backend drops exactly the cached subjects it affects once the change commits.';
CREATE TRIGGER log_subject_change
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.users
	FOR EACH ROW EXECUTE FUNCTION @extschema@.log_subject_change();
CREATE TRIGGER log_subject_change
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.organizations
	FOR EACH ROW EXECUTE FUNCTION @extschema@.log_subject_change();
CREATE TRIGGER log_subject_change
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.organization_members
	FOR EACH ROW EXECUTE FUNCTION @extschema@.log_subject_change();
CREATE TRIGGER log_subject_change
	AFTER INSERT OR UPDATE OR DELETE ON @extschema@.custom_roles
	FOR EACH ROW EXECUTE FUNCTION @extschema@.log_subject_change();
/* fired by logical replication apply workers too */
ALTER TABLE @extschema@.users ENABLE ALWAYS TRIGGER log_subject_change;
ALTER TABLE @extschema@.organizations ENABLE ALWAYS TRIGGER log_subject_change;
ALTER TABLE @extschema@.organization_members ENABLE ALWAYS TRIGGER log_subject_change;
ALTER TABLE @extschema@.custom_roles ENABLE ALWAYS TRIGGER log_subject_change;

CREATE FUNCTION @extschema@.subject_cache_info(
	OUT subjects bigint, OUT bytes bigint,
	OUT hits bigint, OUT misses bigint, OUT builds bigint, OUT build_ms double precision,
	OUT targeted_drops bigint, OUT full_invalidations bigint, OUT log_reads bigint,
	OUT log_position bigint)
	AS 'MODULE_PATHNAME', 'members_subject_cache_info'
	LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.subject_cache_info() IS
	'This backend''s permission cache: subjects held and the bytes its memory context holds (bounded by members.subject_cache_size and members.subject_cache_memory); since the backend started: lookups answered from the cache (hits) and not (misses), subjects built and the milliseconds spent building, subjects dropped by targeted invalidations, full invalidations, change log reads; its position in members.subject_changes (NULL: none, the cache is empty).';

CREATE FUNCTION @extschema@.subject_cache_clear() RETURNS void
	AS 'MODULE_PATHNAME', 'members_subject_cache_clear'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.subject_cache_clear() IS
	'Drop this backend''s permission cache (it refills on demand); for tests and benchmarks.';

/* Permission checks. */
CREATE FUNCTION @extschema@.authorize(
	action text,
	resource_type text,
	organization_id uuid DEFAULT NULL,
	owner_id uuid DEFAULT NULL,
	any_org boolean DEFAULT false) RETURNS boolean
	AS 'MODULE_PATHNAME', 'members_authorize'
	LANGUAGE C STABLE PARALLEL SAFE;
	/*
	 * Deliberately no SET search_path: a SET clause sends every call through
	 * fmgr_security_definer (a GUC save and restore, about 0.75 us, eight
	 * times the check itself), which RLS policies over millions of rows
	 * cannot afford.  The C code resolves no name at call time; its SPI
	 * queries (cache misses only) qualify every table, function, operator
	 * and collation, so whatever search_path they are planned or re-planned
	 * under, the caller's search_path cannot change an answer
	 * (sql/40_search_path.sql proves it).
	 */
COMMENT ON FUNCTION @extschema@.authorize(text, text, uuid, uuid, boolean) IS
	'May the current actor (members.actor) do action on an object of resource_type in organization_id owned by owner_id (any_org: in at least one organization)? Coder''s RBAC decision; for RLS policies. No SET search_path on purpose (hot path; every name inside is schema-qualified).';

CREATE FUNCTION @extschema@.authorize_user(
	user_id uuid,
	action text,
	resource_type text,
	organization_id uuid DEFAULT NULL,
	owner_id uuid DEFAULT NULL,
	any_org boolean DEFAULT false) RETURNS boolean
	AS 'MODULE_PATHNAME', 'members_authorize_user'
	LANGUAGE C STABLE PARALLEL SAFE;
	/* No SET search_path, for the same reason as authorize. */
COMMENT ON FUNCTION @extschema@.authorize_user(uuid, text, text, uuid, uuid, boolean) IS
	'The authorize decision for an explicit user (trusted callers only: superusers and members of members.service_role). Unknown or deleted user: P0002; an inactive user may do nothing. No SET search_path on purpose (hot path; every name inside is schema-qualified).';

CREATE FUNCTION @extschema@.check_permissions(checks jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_check_permissions'
	LANGUAGE C STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.check_permissions(jsonb) IS
	'Many checks for the current actor in Coder''s auth-check shape: {"key": {"object": {"resource_type", "organization_id", "owner_id", "any_org"}, "action"}} -> {"key": true|false}.';

CREATE FUNCTION @extschema@.explain_authorize(
	action text,
	resource_type text,
	organization_id uuid DEFAULT NULL,
	owner_id uuid DEFAULT NULL,
	any_org boolean DEFAULT false) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_explain_authorize'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.explain_authorize(text, text, uuid, uuid, boolean) IS
	'The authorize decision for the current actor with each level''s vote and the permissions (with their roles) that voted; for debugging a denial.';

CREATE FUNCTION @extschema@.rbac_resources(OUT resource_type text, OUT actions text[])
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'members_rbac_resources'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.rbac_resources() IS
	'The RBAC registry: every resource type with its valid actions (Coder''s RBACPermissions, restricted to the seed''s 42 resource types and 17 actions).';

CREATE FUNCTION @extschema@.can_assign_role(role_name text, organization_id uuid DEFAULT NULL)
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'members_can_assign_role_sql'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.can_assign_role(text, uuid) IS
	'Coder''s CanAssignRole for the current actor: does the static assignment table let a role the actor holds assign role_name (a site role when organization_id is NULL; custom roles as custom-organization-role)? The RBAC assign permission is checked separately by the endpoints.';

CREATE FUNCTION @extschema@.set_workspace_sharing(organization text, disabled boolean) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_set_workspace_sharing'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.set_workspace_sharing(text, boolean) IS
	'Switch an organization''s workspace sharing (what organization-member grants, see docs/coder-behaviour.md 4.4); needs update on the organization; returns the Organization object.';

/*==== end of section: RBAC engine ====*/
