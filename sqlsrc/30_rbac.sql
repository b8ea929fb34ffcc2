/*==== section: RBAC engine (src/subject.c, src/authz.c, src/assign.c) ====*/

/*
 * Cache invalidation: a statement-level trigger on every table the subject
 * cache reads registers a relcache invalidation of that table, which every
 * backend acts on once the change commits (and hot standbys on replay).
 */
CREATE FUNCTION @extschema@.invalidate_subject_cache() RETURNS trigger
	AS 'MODULE_PATHNAME', 'members_invalidate_subject_cache'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.invalidate_subject_cache() IS
	'Trigger: invalidate every backend''s subject cache when the changing transaction commits.';
-- users: not for updates of last_seen_at and updated_at alone (the hourly
-- record of an authenticated request, which changes no permission)
CREATE TRIGGER invalidate_subject_cache
	AFTER INSERT OR UPDATE OF id, username, email, name, avatar_url, status, login_type, rbac_roles, deleted, created_at
		OR DELETE OR TRUNCATE ON @extschema@.users
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_subject_cache();
CREATE TRIGGER invalidate_subject_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.organizations
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_subject_cache();
CREATE TRIGGER invalidate_subject_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.organization_members
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_subject_cache();
CREATE TRIGGER invalidate_subject_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.custom_roles
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_subject_cache();

CREATE FUNCTION @extschema@.subject_cache_info(OUT subjects bigint, OUT bytes bigint)
	AS 'MODULE_PATHNAME', 'members_subject_cache_info'
	LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.subject_cache_info() IS
	'Number of subjects in this backend''s permission cache and the bytes its memory context holds (bounded by members.subject_cache_size and members.subject_cache_memory).';

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
