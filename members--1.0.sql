/* members--1.0.sql: install script of the members extension */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION members" to load this file. \quit

/*
 * Identifiers.  Every id column defaults to a random version-4 uuid made in
 * C with libuuid.
 */
CREATE FUNCTION @extschema@.new_id() RETURNS uuid
	AS 'MODULE_PATHNAME', 'members_new_id'
	LANGUAGE C VOLATILE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.new_id() IS
	'A fresh random (version 4) uuid, generated with libuuid; the default of every id column.';

CREATE FUNCTION @extschema@.permissions_valid(permissions jsonb) RETURNS boolean
	AS 'MODULE_PATHNAME', 'members_permissions_valid'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.permissions_valid(jsonb) IS
	'True for a well-formed array of valid {negate, resource_type, action} permissions; raises 22023 otherwise. The CHECK of custom_roles.org_permissions.';

/*
 * Name rules (Coder's NameValid): 1 to 32 ASCII letters, digits and single
 * inner hyphens, not "new" or "create".  Enforced in C with Coder's messages
 * and again here as constraints.
 */

/*---- organizations ----*/
CREATE TABLE @extschema@.organizations (
	id uuid NOT NULL DEFAULT @extschema@.new_id(),
	name text NOT NULL,
	display_name text NOT NULL,
	description text NOT NULL DEFAULT '',
	icon text NOT NULL DEFAULT '',
	is_default boolean NOT NULL DEFAULT false,
	workspace_sharing_disabled boolean NOT NULL DEFAULT false,
	deleted boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT organizations_pkey PRIMARY KEY (id),
	CONSTRAINT organizations_name_valid CHECK (
		pg_catalog.octet_length(name) OPERATOR(pg_catalog.<=) 32
		AND name OPERATOR(pg_catalog.~) '^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$'
		AND name OPERATOR(pg_catalog.<>) ALL (ARRAY['new', 'create'])),
	CONSTRAINT organizations_id_not_nil CHECK (id OPERATOR(pg_catalog.<>) '00000000-0000-0000-0000-000000000000'::uuid)
);
CREATE UNIQUE INDEX organizations_name_lower_idx
	ON @extschema@.organizations (pg_catalog.lower(name)) WHERE NOT deleted;
CREATE UNIQUE INDEX organizations_single_default_idx
	ON @extschema@.organizations (is_default) WHERE is_default;
COMMENT ON TABLE @extschema@.organizations IS
	'Organizations (Coder''s organizations table): name unique case-insensitively, at most one default.';
COMMENT ON COLUMN @extschema@.organizations.workspace_sharing_disabled IS
	'When true, organization-member loses org-level read of members and groups and gets a negative workspace:share.';

/*---- users ----*/
CREATE TABLE @extschema@.users (
	id uuid NOT NULL DEFAULT @extschema@.new_id(),
	username text NOT NULL,
	email text NOT NULL,
	name text NOT NULL DEFAULT '',
	avatar_url text NOT NULL DEFAULT '',
	status text NOT NULL DEFAULT 'active',
	login_type text NOT NULL DEFAULT 'password',
	rbac_roles text[] NOT NULL DEFAULT '{}',
	deleted boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT users_pkey PRIMARY KEY (id),
	CONSTRAINT users_username_valid CHECK (
		pg_catalog.octet_length(username) OPERATOR(pg_catalog.<=) 32
		AND username OPERATOR(pg_catalog.~) '^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$'
		AND username OPERATOR(pg_catalog.<>) ALL (ARRAY['new', 'create'])),
	CONSTRAINT users_email_present CHECK (email OPERATOR(pg_catalog.<>) ''),
	CONSTRAINT users_status_valid CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'dormant', 'suspended'])),
	CONSTRAINT users_login_type_valid CHECK (login_type OPERATOR(pg_catalog.=) ANY (ARRAY['password', 'github', 'oidc', 'token', 'none'])),
	CONSTRAINT users_rbac_roles_clean CHECK (
		pg_catalog.array_position(rbac_roles, NULL) IS NULL
		AND rbac_roles::text OPERATOR(pg_catalog.=) pg_catalog.lower(rbac_roles::text)),
	CONSTRAINT users_id_not_nil CHECK (id OPERATOR(pg_catalog.<>) '00000000-0000-0000-0000-000000000000'::uuid)
);
CREATE UNIQUE INDEX users_username_lower_idx
	ON @extschema@.users (pg_catalog.lower(username)) WHERE NOT deleted;
CREATE UNIQUE INDEX users_email_lower_idx
	ON @extschema@.users (pg_catalog.lower(email)) WHERE NOT deleted;
COMMENT ON TABLE @extschema@.users IS
	'Users (Coder''s users table): username and email unique case-insensitively among non-deleted users; rbac_roles holds site role names without the implied member.';

/*---- organization_members ----*/
CREATE TABLE @extschema@.organization_members (
	organization_id uuid NOT NULL,
	user_id uuid NOT NULL,
	roles text[] NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT organization_members_pkey PRIMARY KEY (organization_id, user_id),
	CONSTRAINT organization_members_organization_id_fkey FOREIGN KEY (organization_id)
		REFERENCES @extschema@.organizations (id) ON DELETE CASCADE,
	CONSTRAINT organization_members_user_id_fkey FOREIGN KEY (user_id)
		REFERENCES @extschema@.users (id) ON DELETE CASCADE,
	CONSTRAINT organization_members_roles_clean CHECK (
		pg_catalog.array_position(roles, NULL) IS NULL
		AND roles::text OPERATOR(pg_catalog.=) pg_catalog.lower(roles::text))
);
CREATE INDEX organization_members_user_id_idx
	ON @extschema@.organization_members (user_id, organization_id);
COMMENT ON TABLE @extschema@.organization_members IS
	'Membership of users in organizations; roles holds bare organization role names (the implied organization-member is not stored).';

/*---- custom_roles ----*/
CREATE TABLE @extschema@.custom_roles (
	id uuid NOT NULL DEFAULT @extschema@.new_id(),
	name text NOT NULL,
	display_name text NOT NULL DEFAULT '',
	site_permissions jsonb NOT NULL DEFAULT '[]',
	org_permissions jsonb NOT NULL DEFAULT '[]',
	user_permissions jsonb NOT NULL DEFAULT '[]',
	member_permissions jsonb NOT NULL DEFAULT '[]',
	organization_id uuid NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT custom_roles_pkey PRIMARY KEY (id),
	CONSTRAINT custom_roles_organization_id_fkey FOREIGN KEY (organization_id)
		REFERENCES @extschema@.organizations (id) ON DELETE CASCADE,
	CONSTRAINT custom_roles_name_lower CHECK (name OPERATOR(pg_catalog.=) pg_catalog.lower(name)),
	CONSTRAINT custom_roles_name_valid CHECK (
		pg_catalog.octet_length(name) OPERATOR(pg_catalog.<=) 32
		AND name OPERATOR(pg_catalog.~) '^[a-z0-9]+(-[a-z0-9]+)*$'
		AND name OPERATOR(pg_catalog.<>) ALL (ARRAY['new', 'create'])),
	CONSTRAINT custom_roles_org_permissions_array CHECK (pg_catalog.jsonb_typeof(org_permissions) OPERATOR(pg_catalog.=) 'array'),
	CONSTRAINT custom_roles_org_permissions_valid CHECK (@extschema@.permissions_valid(org_permissions)),
	CONSTRAINT custom_roles_only_org_permissions CHECK (
		site_permissions OPERATOR(pg_catalog.=) '[]'::jsonb
		AND user_permissions OPERATOR(pg_catalog.=) '[]'::jsonb
		AND member_permissions OPERATOR(pg_catalog.=) '[]'::jsonb)
);
CREATE UNIQUE INDEX custom_roles_name_org_idx
	ON @extschema@.custom_roles (organization_id, name);
COMMENT ON TABLE @extschema@.custom_roles IS
	'Custom organization roles: lower-case name unique per organization; only organization permissions.';

/*
 * Deleting a custom role removes its name from every member of its
 * organization, in the same statement.
 */
CREATE FUNCTION @extschema@.custom_roles_remove_from_members() RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	UPDATE @extschema@.organization_members m
	   SET roles = pg_catalog.array_remove(m.roles, OLD.name),
	       updated_at = pg_catalog.now()
	 WHERE m.organization_id OPERATOR(pg_catalog.=) OLD.organization_id
	   AND OLD.name OPERATOR(pg_catalog.=) ANY (m.roles);
	RETURN OLD;
END
$$;
COMMENT ON FUNCTION @extschema@.custom_roles_remove_from_members() IS
	'Trigger: when a custom role is deleted, remove its name from the roles of every member of its organization.';
CREATE TRIGGER custom_roles_remove_from_members
	BEFORE DELETE ON @extschema@.custom_roles
	FOR EACH ROW EXECUTE FUNCTION @extschema@.custom_roles_remove_from_members();

/*---- api_keys ----*/
CREATE TABLE @extschema@.api_keys (
	id text NOT NULL,
	hashed_secret bytea NOT NULL,
	user_id uuid NOT NULL,
	login_type text NOT NULL DEFAULT 'token',
	scope text NOT NULL DEFAULT 'all',
	token_name text NOT NULL DEFAULT '',
	lifetime_seconds bigint NOT NULL,
	last_used timestamptz NOT NULL DEFAULT pg_catalog.now(),
	expires_at timestamptz NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT api_keys_pkey PRIMARY KEY (id),
	CONSTRAINT api_keys_user_id_fkey FOREIGN KEY (user_id)
		REFERENCES @extschema@.users (id) ON DELETE CASCADE,
	CONSTRAINT api_keys_id_format CHECK (id OPERATOR(pg_catalog.~) '^[a-zA-Z0-9]{10}$'),
	CONSTRAINT api_keys_hash_length CHECK (pg_catalog.length(hashed_secret) OPERATOR(pg_catalog.=) 32),
	CONSTRAINT api_keys_scope_all CHECK (scope OPERATOR(pg_catalog.=) 'all'),
	CONSTRAINT api_keys_lifetime_positive CHECK (lifetime_seconds OPERATOR(pg_catalog.>) 0)
);
CREATE INDEX api_keys_user_id_idx ON @extschema@.api_keys (user_id);
COMMENT ON TABLE @extschema@.api_keys IS
	'Session tokens in Coder''s format <id>-<secret>; only the SHA-256 of the secret is stored.';

/*---- audit_log ----*/
CREATE TABLE @extschema@.audit_log (
	id uuid NOT NULL DEFAULT @extschema@.new_id(),
	"time" timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	user_id uuid,
	organization_id uuid,
	action text NOT NULL,
	resource_type text NOT NULL,
	resource_id uuid NOT NULL,
	resource_target text NOT NULL DEFAULT '',
	diff jsonb NOT NULL DEFAULT '{}',
	status_code integer NOT NULL,
	ip inet,
	user_agent text,
	request_id uuid,
	CONSTRAINT audit_log_pkey PRIMARY KEY (id),
	CONSTRAINT audit_log_action_valid CHECK (action OPERATOR(pg_catalog.=) ANY (ARRAY['create', 'write', 'delete'])),
	CONSTRAINT audit_log_status_valid CHECK (status_code OPERATOR(pg_catalog.>=) 100 AND status_code OPERATOR(pg_catalog.<) 600)
);
CREATE INDEX audit_log_time_idx ON @extschema@.audit_log ("time" DESC);
CREATE INDEX audit_log_organization_id_idx ON @extschema@.audit_log (organization_id);
COMMENT ON TABLE @extschema@.audit_log IS
	'One row per mutation attempt (Coder''s audit_logs): actor (NULL = system), organization, action, resource, target, diff and HTTP-equivalent status.';

/* pg_dump keeps the rows of every user table. */
SELECT pg_catalog.pg_extension_config_dump('@extschema@.organizations', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.users', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.organization_members', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.custom_roles', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.api_keys', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.audit_log', '');

/*---- acting user ----*/
CREATE FUNCTION @extschema@.current_actor() RETURNS uuid
	AS 'MODULE_PATHNAME', 'members_current_actor_sql'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.current_actor() IS
	'The acting user''s id from members.actor, NULL when a trusted caller acts as the system; raises 28000 when nobody may act (no actor for an untrusted caller, unknown, deleted or inactive user).';

/*---- bootstrap ----*/
CREATE FUNCTION @extschema@.create_organization(
	name text,
	display_name text DEFAULT NULL,
	description text DEFAULT '',
	icon text DEFAULT '',
	is_default boolean DEFAULT false) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_create_organization'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.create_organization(text, text, text, text, boolean) IS
	'Create an organization (needs create on organization); returns Coder''s Organization object plus workspace_sharing_disabled. A user actor becomes a member with no roles, as in Coder.';

CREATE FUNCTION @extschema@.create_user(
	username text,
	email text,
	name text DEFAULT '',
	avatar_url text DEFAULT '',
	site_roles text[] DEFAULT '{}',
	status text DEFAULT 'active') RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_create_user'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.create_user(text, text, text, text, text[], text) IS
	'Create a user (needs create on user, and the right to assign each site role given); returns Coder''s User object.';

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
CREATE TRIGGER invalidate_subject_cache
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.users
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
	'Switch an organization''s workspace sharing (what organization-member grants, spec 4.4); needs update on the organization; returns the Organization object.';

/*==== end of section: RBAC engine ====*/

/*==== section: read endpoints (src/endpoints_read.c) ====*/

/*
 * GET endpoints of Coder's members API.  STABLE (they only read, and each
 * sees one snapshot), not STRICT (a NULL organization is "must be
 * provided", NULL limit/offset are 0).  They run their queries as the
 * extension owner after checking the actor, so callers need only EXECUTE.
 */
CREATE FUNCTION @extschema@.organization_members(organization text) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_organization_members'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.organization_members(text) IS
	'GET /organizations/{organization}/members: JSON array of OrganizationMemberWithUserData ordered by lower(username); deleted users hidden, members the actor may not read silently left out.';

CREATE FUNCTION @extschema@.paginated_organization_members(
	organization text,
	"limit" integer DEFAULT 0,
	"offset" integer DEFAULT 0) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_paginated_organization_members'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.paginated_organization_members(text, integer, integer) IS
	'GET /organizations/{organization}/paginated-members: {"members": [...], "count": total} ordered by lower(username); limit 0 = all; needs read on every member of the organization (else P0002); negative limit or offset: 22023.';

CREATE FUNCTION @extschema@.organization_roles(organization text) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_organization_roles'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.organization_roles(text) IS
	'GET /organizations/{organization}/members/roles: the organization''s built-in roles by name, then its custom roles by name, as AssignableRoles (Role fields plus assignable and built_in); needs read on assign_org_role in the organization (else P0002).';

CREATE FUNCTION @extschema@.site_roles() RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_site_roles'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.site_roles() IS
	'GET /users/roles: the site built-in roles auditor, owner, template-admin and user-admin (by name), as AssignableRoles; needs read on assign_role (else 42501).';

/*==== end of section: read endpoints ====*/

/*==== section: write endpoints (src/endpoints_write.c, src/audit.c) ====*/
/*
 * Members (src/endpoints_write.c): Coder's POST, DELETE
 * /organizations/{organization}/members/{user}, PUT .../{user}/roles and
 * PUT /users/{user}/roles.  Not STRICT: a NULL path value is an empty one
 * (22023), NULL roles are an invalid body (22023).  Each writes one
 * members.audit_log row (src/audit.c).
 */
CREATE FUNCTION @extschema@.add_organization_member(organization text, "user" text) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_add_organization_member'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.add_organization_member(text, text) IS
	'POST /organizations/{organization}/members/{user}: add the user (uuid, username or me; the actor must be able to read it) as a member with no roles; returns the OrganizationMember object. Needs assign on assign_org_role and create on organization_member in the organization (else P0002); already a member: 23505. Audited (create) on success only.';

CREATE FUNCTION @extschema@.remove_organization_member(organization text, "user" text) RETURNS void
	AS 'MODULE_PATHNAME', 'members_remove_organization_member'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.remove_organization_member(text, text) IS
	'DELETE /organizations/{organization}/members/{user}: remove a member (204). Not a member or not readable: P0002; removing yourself: 22023; needs delete on the member (else P0002). Audited (delete), refusals included.';

CREATE FUNCTION @extschema@.update_organization_member_roles(organization text, "user" text, roles text[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_update_organization_member_roles'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.update_organization_member_roles(text, text, text[]) IS
	'PUT /organizations/{organization}/members/{user}/roles: replace a member''s organization roles (bare names, lower-cased, de-duplicated); returns the OrganizationMember object. Yourself, unknown role, name:org suffix, role the static table refuses: 22023; missing assign/unassign: 42501; not a member: P0002. Audited (write), refusals included.';

CREATE FUNCTION @extschema@.update_user_site_roles("user" text, roles text[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_update_user_site_roles'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.update_user_site_roles(text, text[]) IS
	'PUT /users/{user}/roles: replace a user''s site roles (lower-cased, de-duplicated; member is implied); returns the User object. User not readable: P0002; yourself, unknown role, role the static table refuses: 22023; missing assign/unassign on assign_role: 42501. Audited (write), refusals included.';

CREATE FUNCTION @extschema@.audit_log_entries(organization text DEFAULT NULL, "limit" integer DEFAULT 100) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_audit_log_entries'
	LANGUAGE C STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.audit_log_entries(text, integer) IS
	'Audit rows, newest first (time, then id, descending), as a JSON array; "limit" 0 = all. Without an organization needs site-wide read on audit_log (owner, auditor); with one, read on audit_log in it (also organization-admin, organization-auditor); else 42501.';

/*
 * Custom organization roles (src/custom_roles.c): Coder's POST, PUT and
 * DELETE /organizations/{organization}/members/roles.  Not STRICT: a NULL
 * body is an empty body (400), a NULL role name an empty one.
 */
CREATE FUNCTION @extschema@.insert_custom_role(organization text, role jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_insert_custom_role'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.insert_custom_role(text, jsonb) IS
	'POST /organizations/{organization}/members/roles: create a custom role from a CustomRoleRequest body (name lower-cased; organization_permissions only, each one the actor itself holds in the organization, no negatives or wildcards); returns the Role object. Needs create on assign_org_role in the organization (else P0002); invalid input 22023, name taken 23505.';

CREATE FUNCTION @extschema@.update_custom_role(organization text, role jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_update_custom_role'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.update_custom_role(text, jsonb) IS
	'PUT /organizations/{organization}/members/roles: replace the display name and permissions of the existing custom role named in the body (no upsert; omitted lists become empty), with the same rules as insert_custom_role; returns the Role object. Needs update on assign_org_role in the organization; unknown role or refused: P0002.';

CREATE FUNCTION @extschema@.delete_custom_role(organization text, role_name text) RETURNS void
	AS 'MODULE_PATHNAME', 'members_delete_custom_role'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.delete_custom_role(text, text) IS
	'DELETE /organizations/{organization}/members/roles/{roleName}: delete a custom role (name case-insensitive) and remove it from every member of the organization in the same statement. Unknown role: P0002; needs delete on assign_org_role in the organization (else 42501); reserved or invalid name: 22023.';

/*==== end of section: write endpoints ====*/

/*==== section: session tokens (src/apikey.c) ====*/
CREATE FUNCTION @extschema@.create_api_key(
	"user" text,
	lifetime interval DEFAULT '7 days') RETURNS text
	AS 'MODULE_PATHNAME', 'members_create_api_key'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.create_api_key(text, interval) IS
	'A new session token <10-char id>-<22-char secret> for the user (uuid, username or me), shown once; only the SHA-256 of the secret is stored. Needs create on api_key owned by that user; the user must be active; lifetime from 1 second to 365 days (22023 otherwise).';

CREATE FUNCTION @extschema@.authenticate_api_key(token text) RETURNS uuid
	AS 'MODULE_PATHNAME', 'members_authenticate_api_key'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.authenticate_api_key(text) IS
	'The user a session token acts for, checked as Coder''s API-key middleware does; 28000 with Coder''s reason in the detail for a missing, malformed, unknown, wrong or expired token or a deleted user, 28000 "user is not active" for an inactive one. Records last_used at most hourly (from a short background worker when the transaction is read-only).';
/*==== end of section: session tokens ====*/

/* Nothing is granted to PUBLIC: administrators grant EXECUTE to their roles. */
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;

/*==== section: HTTP schema members_api (PostgREST) ====*/
/*
 * What PostgREST exposes (db-schemas = "members_api"): one RPC function per
 * Coder endpoint, thin adapters over members.*, and the pre-request
 * members_api.authenticate().  postgrest/roles.sql creates the roles and
 * grants EXECUTE on this schema's functions to the web role; nothing here is
 * executable by PUBLIC.
 *
 * Every adapter is SECURITY DEFINER (owned by the extension owner), so the
 * web role needs EXECUTE on members_api only and no privilege on members.
 * Because the owner is trusted (it could act as the system), each adapter
 * first requires the acting user that authenticate() established in this
 * transaction (members.http_require_actor, in C: not merely a members.actor
 * value, which could have been set before the library loaded) and fails
 * closed (401) without one.
 *
 * Path values: GET endpoints take them as function arguments (nginx puts
 * them in the query string); write endpoints read them from the request
 * headers X-Members-Organization, X-Members-User and X-Members-Role that
 * nginx sets (a request body would be the client's).  Bodies that Coder
 * reads are passed whole as one unnamed jsonb parameter.
 *
 * Errors: each adapter catches the error of its members.* call and hands it
 * to members.http_error, the one place that maps design's error classes to
 * HTTP: 22xxx/23xxx 400, P0002 404, 42501 403, 28xxx 401.  Adapters that
 * return JSON set response.status and return Coder's body
 * ({"message", "detail"} or Coder's generic 403/404 bodies); the savepoint
 * of the EXCEPTION block has undone the failed call's writes.  Adapters that
 * return void (Coder's 204) and the pre-request cannot return a body, so
 * they raise SQLSTATE PGRST with the same status and message (PostgREST's
 * body then carries the detail under "details").  Other SQLSTATEs are
 * raised again unchanged, for PostgREST's own handling (40001 retries).
 */

/*---- shared helpers (schema members: not exposed) ----*/

/*
 * SQL errors follow PostgreSQL's message style (lower case, no period);
 * HTTP bodies carry Coder's exact wording.  The known messages whose
 * Coder form differs only in an initial capital and/or a final period are
 * restored here, in one place; everything else passes unchanged.
 */
CREATE FUNCTION @extschema@.http_coder_message(message text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
	SELECT CASE
		WHEN message OPERATOR(pg_catalog.=) ANY (ARRAY[
				'request body must be valid JSON',
				'validation failed',
				'query parameters have invalid values',
				'invalid request, not allowed to assign site wide permissions for an organization role',
				'invalid request, not allowed to assign user permissions for an organization role',
				'invalid request, not allowed to assign organization member permissions for an organization role',
				'you cannot change your own organization roles',
				'you cannot change your own roles',
				'organization already exists with that name',
				'user already exists'])
			THEN pg_catalog.upper(pg_catalog.left(message, 1)) OPERATOR(pg_catalog.||) pg_catalog.substr(message, 2) OPERATOR(pg_catalog.||) '.'
		WHEN message OPERATOR(pg_catalog.=) ANY (ARRAY[
				'reserved role name',
				'invalid role name',
				'failed to update role permissions',
				'user is already an organization member'])
			OR message OPERATOR(pg_catalog.~) '^no custom role with the name .* found$'
			THEN pg_catalog.upper(pg_catalog.left(message, 1)) OPERATOR(pg_catalog.||) pg_catalog.substr(message, 2)
		WHEN message OPERATOR(pg_catalog.~) '^"(organization|user)" must be provided$'
			THEN message OPERATOR(pg_catalog.||) '.'
		ELSE message
	END
$$;
COMMENT ON FUNCTION @extschema@.http_coder_message(text) IS
	'HTTP layer: Coder''s exact wording of an error message written in PostgreSQL style (restores the initial capital and final period Coder uses for the known messages).';

CREATE FUNCTION @extschema@.http_error(
	sqlstate text,
	message text,
	detail text DEFAULT NULL,
	hint text DEFAULT NULL,
	as_body boolean DEFAULT true) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	status integer;
	body jsonb;
	d text := nullif(detail, '');
BEGIN
	IF sqlstate IS NULL THEN
		RAISE EXCEPTION 'http_error needs a SQLSTATE' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF sqlstate = '22M01' THEN
		-- query parameter validation (members.http_pagination): detail is
		-- the JSON array of Coder's validations
		status := 400;
		body := jsonb_build_object('message', @extschema@.http_coder_message(message), 'validations', d::jsonb);
	ELSIF left(sqlstate, 2) IN ('22', '23') THEN
		status := 400;
		body := jsonb_build_object('message', @extschema@.http_coder_message(message));
		IF d IS NOT NULL THEN
			body := body || jsonb_build_object('detail', d);
		END IF;
	ELSIF sqlstate = 'P0002' THEN
		status := 404;
		body := jsonb_build_object('message',
			'Resource not found or you do not have access to this resource');
	ELSIF sqlstate = '42501' THEN
		status := 403;
		body := jsonb_build_object('message', 'Forbidden.',
			'detail', 'You don''t have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.');
	ELSIF left(sqlstate, 2) = '28' THEN
		status := 401;
		IF message LIKE 'user is not active (status = %)' THEN
			-- Coder: "User is not active (status = \"suspended\"). Contact an admin ..."
			body := jsonb_build_object('message',
				'U' || substr(message, 2) || '.' || coalesce(' ' || d, ''));
		ELSE
			body := jsonb_build_object('message',
				'You are signed out or your session has expired. Please sign in again to continue.',
				'detail', coalesce(d, message));
		END IF;
	ELSE
		-- not one of design's classes: raise it again unchanged
		IF d IS NULL AND nullif(hint, '') IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message;
		ELSIF nullif(hint, '') IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, DETAIL = d;
		ELSIF d IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, HINT = hint;
		ELSE
			RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, DETAIL = d, HINT = hint;
		END IF;
	END IF;

	IF as_body THEN
		PERFORM set_config('response.status', status::text, true);
		RETURN body;
	END IF;
	RAISE SQLSTATE 'PGRST' USING
		MESSAGE = jsonb_build_object(
			'code', sqlstate,
			'message', body->>'message',
			'details', coalesce(body->>'detail', body#>>'{validations,0,detail}'),
			'hint', NULL)::text,
		DETAIL = jsonb_build_object('status', status, 'headers', '{}'::jsonb)::text;
END
$$;
COMMENT ON FUNCTION @extschema@.http_error(text, text, text, text, boolean) IS
	'HTTP layer: the one mapping of an error (SQLSTATE, message, detail) to Coder''s status and body: 22xxx/23xxx 400 {message, detail}, P0002 404 and 42501 403 with Coder''s generic bodies, 28xxx 401. as_body: set response.status and return the body; else raise SQLSTATE PGRST with that status. Other SQLSTATEs are raised again unchanged.';

CREATE FUNCTION @extschema@.http_establish_actor(user_id uuid) RETURNS void
	AS 'MODULE_PATHNAME', 'members_http_establish_actor'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.http_establish_actor(uuid) IS
	'HTTP layer: set members.actor for the transaction (with the caller''s privileges: only trusted callers may) and remember that the pre-request established it; used by members_api.authenticate().';

CREATE FUNCTION @extschema@.http_require_actor() RETURNS void
	AS 'MODULE_PATHNAME', 'members_http_require_actor'
	LANGUAGE C STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.http_require_actor() IS
	'HTTP layer: raise 28000 unless members.actor holds the user members_api.authenticate() established in this transaction. The adapters run as the extension owner and must never act as the system nor trust a members.actor set some other way.';

CREATE FUNCTION @extschema@.http_header(name text) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
SELECT coalesce(nullif(current_setting('request.headers', true), '')::json ->> lower(name), '')
$$;
COMMENT ON FUNCTION @extschema@.http_header(text) IS
	'HTTP layer: the value of a request header as PostgREST passed it in request.headers (names lower case), '''' when absent.';

CREATE FUNCTION @extschema@.http_pagination(page_limit text, page_offset text) RETURNS integer[]
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	names text[] := ARRAY['limit', 'offset'];
	vals text[] := ARRAY[page_limit, page_offset];
	result integer[] := ARRAY[0, 0];
	problems jsonb := '[]';
	v text;
	reason text;
BEGIN
	-- Coder's PositiveInt32 (coderd/httpapi/queryparams.go); absent or empty is 0
	FOR i IN 1..2 LOOP
		v := vals[i];
		reason := NULL;
		IF v IS NULL OR v = '' THEN
			CONTINUE;
		ELSIF v !~ '^[+-]?[0-9]+$' THEN
			reason := 'strconv.ParseInt: parsing ' || to_json(v)::text || ': invalid syntax';
		ELSIF v::numeric > 2147483647 OR v::numeric < -2147483648 THEN
			reason := 'strconv.ParseInt: parsing ' || to_json(v)::text || ': value out of range';
		ELSIF v::numeric < 0 THEN
			reason := 'value is negative';
		ELSE
			result[i] := v::integer;
		END IF;
		IF reason IS NOT NULL THEN
			problems := problems || jsonb_build_array(jsonb_build_object(
				'field', names[i],
				'detail', format('Query param "%s" must be a valid 32-bit positive integer: %s',
								 names[i], reason)));
		END IF;
	END LOOP;
	IF jsonb_array_length(problems) > 0 THEN
		RAISE EXCEPTION 'Query parameters have invalid values.'
			USING ERRCODE = '22M01', DETAIL = problems::text;
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION @extschema@.http_pagination(text, text) IS
	'HTTP layer: Coder''s limit and offset query parameters (empty = 0) as {limit, offset}; invalid values raise 22M01 whose detail is Coder''s validations array (members.http_error answers 400).';

CREATE FUNCTION @extschema@.http_body_roles(body jsonb) RETURNS text[]
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- codersdk.UpdateRoles: {"roles": ["name", ...]}; absent or null = none
	IF body IS NULL OR jsonb_typeof(body) <> 'object' OR
	   (body ? 'roles' AND jsonb_typeof(body->'roles') NOT IN ('array', 'null')) OR
	   EXISTS (SELECT FROM jsonb_array_elements(CASE WHEN jsonb_typeof(body->'roles') = 'array'
													THEN body->'roles' ELSE '[]' END) e
			   WHERE jsonb_typeof(e) <> 'string') THEN
		RAISE EXCEPTION 'request body must be valid JSON'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The body must be an object whose "roles" is an array of role names.';
	END IF;
	RETURN ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(body->'roles') = 'array'
													  THEN body->'roles' ELSE '[]' END));
END
$$;
COMMENT ON FUNCTION @extschema@.http_body_roles(jsonb) IS
	'HTTP layer: the roles of a codersdk.UpdateRoles body as text[] (absent or null: none); anything else raises 22023 "request body must be valid JSON" (400).';

/*---- the exposed schema ----*/

CREATE SCHEMA members_api;
COMMENT ON SCHEMA members_api IS
	'What PostgREST exposes of the members extension: one RPC function per Coder endpoint and the pre-request authenticate(). See postgrest/.';

CREATE FUNCTION members_api.authenticate() RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	cookies jsonb := nullif(current_setting('request.cookies', true), '')::jsonb;
	headers jsonb := nullif(current_setting('request.headers', true), '')::jsonb;
	claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
	token text;
	subject text;
	uid uuid;
	u record;
	st text;
	msg text;
	det text;
	hnt text;
BEGIN
	-- Coder's order: cookie, then the header (nginx puts the query parameter
	-- and a Coder-format bearer value there)
	token := coalesce(nullif(cookies->>'coder_session_token', ''),
					  nullif(headers->>'coder-session-token', ''));
	-- a JWT that PostgREST validated (jwt-secret) names the user in "sub"
	subject := CASE WHEN jsonb_typeof(claims->'sub') = 'string' THEN nullif(claims->>'sub', '') END;
	BEGIN
		IF token IS NOT NULL OR subject IS NULL THEN
			uid := @extschema@.authenticate_api_key(token);
		ELSE
			IF subject !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
				RAISE EXCEPTION 'invalid JWT subject'
					USING ERRCODE = 'invalid_authorization_specification',
						  DETAIL = 'The JWT "sub" claim must be a user id.';
			END IF;
			SELECT us.id, us.status, us.deleted INTO u
			  FROM @extschema@.users us WHERE us.id OPERATOR(pg_catalog.=) subject::uuid;
			IF NOT FOUND OR u.deleted THEN
				RAISE EXCEPTION 'unknown JWT subject'
					USING ERRCODE = 'invalid_authorization_specification',
						  DETAIL = 'The JWT "sub" claim does not name an existing user.';
			END IF;
			IF u.status OPERATOR(pg_catalog.<>) 'active' THEN
				RAISE EXCEPTION 'user is not active (status = "%")', u.status
					USING ERRCODE = 'invalid_authorization_specification',
						  DETAIL = 'Contact an admin to reactivate your account.';
			END IF;
			uid := u.id;
		END IF;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
								det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
		PERFORM @extschema@.http_error(st, msg, det, hnt, false);
	END;
	-- sets members.actor (allowed: this runs as the extension owner) and
	-- records it for members.http_require_actor()
	PERFORM @extschema@.http_establish_actor(uid);
END
$$;
COMMENT ON FUNCTION members_api.authenticate() IS
	'PostgREST db-pre-request: the acting user from the coder_session_token cookie or the Coder-Session-Token header (Coder''s token, checked by members.authenticate_api_key), else from the "sub" of a JWT PostgREST validated; sets members.actor for the transaction. Anything else: 401 with Coder''s message.';

/* GET /api/v2/organizations/{organization}/members */
CREATE FUNCTION members_api.organization_members(organization text) RETURNS jsonb
	LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	RETURN @extschema@.organization_members(organization);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.organization_members(text) IS
	'GET /api/v2/organizations/{organization}/members (nginx: GET /rpc/organization_members?organization=): members.organization_members.';

/* GET /api/v2/organizations/{organization}/paginated-members?limit=&offset= */
CREATE FUNCTION members_api.paginated_organization_members(
	organization text,
	page_limit text DEFAULT NULL,
	page_offset text DEFAULT NULL) RETURNS jsonb
	LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	page integer[];
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	page := @extschema@.http_pagination(page_limit, page_offset);
	RETURN @extschema@.paginated_organization_members(organization, page[1], page[2]);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.paginated_organization_members(text, text, text) IS
	'GET /api/v2/organizations/{organization}/paginated-members (nginx: GET /rpc/paginated_organization_members?organization=&page_limit=&page_offset=; limit and offset are reserved by PostgREST): members.paginated_organization_members.';

/* GET /api/v2/organizations/{organization}/members/roles */
CREATE FUNCTION members_api.organization_roles(organization text) RETURNS jsonb
	LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	RETURN @extschema@.organization_roles(organization);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.organization_roles(text) IS
	'GET /api/v2/organizations/{organization}/members/roles (nginx: GET /rpc/organization_roles?organization=): members.organization_roles.';

/* POST /api/v2/organizations/{organization}/members/roles */
CREATE FUNCTION members_api.insert_custom_role(jsonb) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	RETURN @extschema@.insert_custom_role(
		@extschema@.http_header('x-members-organization'), $1);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.insert_custom_role(jsonb) IS
	'POST /api/v2/organizations/{organization}/members/roles (nginx: POST /rpc/insert_custom_role, organization in X-Members-Organization, the CustomRoleRequest body as is): members.insert_custom_role.';

/* PUT /api/v2/organizations/{organization}/members/roles */
CREATE FUNCTION members_api.update_custom_role(jsonb) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	RETURN @extschema@.update_custom_role(
		@extschema@.http_header('x-members-organization'), $1);
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.update_custom_role(jsonb) IS
	'PUT /api/v2/organizations/{organization}/members/roles (nginx: POST /rpc/update_custom_role, organization in X-Members-Organization, the CustomRoleRequest body as is): members.update_custom_role.';

/* DELETE /api/v2/organizations/{organization}/members/roles/{roleName} */
CREATE FUNCTION members_api.delete_custom_role() RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	PERFORM @extschema@.delete_custom_role(
		@extschema@.http_header('x-members-organization'),
		@extschema@.http_header('x-members-role'));
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	PERFORM @extschema@.http_error(st, msg, det, hnt, false);
END
$$;
COMMENT ON FUNCTION members_api.delete_custom_role() IS
	'DELETE /api/v2/organizations/{organization}/members/roles/{roleName} (nginx: POST /rpc/delete_custom_role, X-Members-Organization and X-Members-Role): members.delete_custom_role; 204.';

/* POST /api/v2/organizations/{organization}/members/{user} */
CREATE FUNCTION members_api.add_organization_member() RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	RETURN @extschema@.add_organization_member(
		@extschema@.http_header('x-members-organization'),
		@extschema@.http_header('x-members-user'));
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.add_organization_member() IS
	'POST /api/v2/organizations/{organization}/members/{user} (nginx: POST /rpc/add_organization_member, X-Members-Organization and X-Members-User, body {}): members.add_organization_member.';

/* DELETE /api/v2/organizations/{organization}/members/{user} */
CREATE FUNCTION members_api.remove_organization_member() RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	PERFORM @extschema@.remove_organization_member(
		@extschema@.http_header('x-members-organization'),
		@extschema@.http_header('x-members-user'));
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	PERFORM @extschema@.http_error(st, msg, det, hnt, false);
END
$$;
COMMENT ON FUNCTION members_api.remove_organization_member() IS
	'DELETE /api/v2/organizations/{organization}/members/{user} (nginx: POST /rpc/remove_organization_member, X-Members-Organization and X-Members-User, body {}): members.remove_organization_member; 204.';

/* PUT /api/v2/organizations/{organization}/members/{user}/roles */
CREATE FUNCTION members_api.update_organization_member_roles(jsonb) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	RETURN @extschema@.update_organization_member_roles(
		@extschema@.http_header('x-members-organization'),
		@extschema@.http_header('x-members-user'),
		@extschema@.http_body_roles($1));
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.update_organization_member_roles(jsonb) IS
	'PUT /api/v2/organizations/{organization}/members/{user}/roles (nginx: POST /rpc/update_organization_member_roles, X-Members-Organization and X-Members-User, the UpdateRoles body as is): members.update_organization_member_roles.';

/* GET /api/v2/users/roles */
CREATE FUNCTION members_api.site_roles() RETURNS jsonb
	LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	RETURN @extschema@.site_roles();
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.site_roles() IS
	'GET /api/v2/users/roles (nginx: GET /rpc/site_roles): members.site_roles.';

/* PUT /api/v2/users/{user}/roles */
CREATE FUNCTION members_api.update_user_site_roles(jsonb) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	RETURN @extschema@.update_user_site_roles(
		@extschema@.http_header('x-members-user'),
		@extschema@.http_body_roles($1));
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.update_user_site_roles(jsonb) IS
	'PUT /api/v2/users/{user}/roles (nginx: POST /rpc/update_user_site_roles, X-Members-User, the UpdateRoles body as is): members.update_user_site_roles.';

/* POST /api/v2/users/{user}/keys (Coder: 201 {"key": "<token>"}) */
CREATE FUNCTION members_api.create_api_key() RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	result jsonb;
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	result := jsonb_build_object('key',
		@extschema@.create_api_key(@extschema@.http_header('x-members-user')));
	PERFORM set_config('response.status', '201', true);
	RETURN result;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.create_api_key() IS
	'POST /api/v2/users/{user}/keys (nginx: POST /rpc/create_api_key, X-Members-User, body {}): members.create_api_key with the default lifetime; 201 {"key": token}.';

/* POST /api/v2/organizations (Coder: 201 Organization) */
CREATE FUNCTION members_api.create_organization(jsonb) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	result jsonb;
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	IF jsonb_typeof($1) IS DISTINCT FROM 'object' THEN
		RAISE EXCEPTION 'request body must be valid JSON'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The body must be a CreateOrganizationRequest object.';
	END IF;
	-- codersdk.CreateOrganizationRequest: name, display_name, description, icon
	result := @extschema@.create_organization(
		$1->>'name',
		nullif($1->>'display_name', ''),
		coalesce($1->>'description', ''),
		coalesce($1->>'icon', ''));
	PERFORM set_config('response.status', '201', true);
	RETURN result;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.create_organization(jsonb) IS
	'POST /api/v2/organizations (nginx: POST /rpc/create_organization, the CreateOrganizationRequest body as is): members.create_organization (never the default organization); 201.';

/* POST /api/v2/users (Coder: 201 User) */
CREATE FUNCTION members_api.create_user(jsonb) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	result jsonb;
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM @extschema@.http_require_actor();
	IF jsonb_typeof($1) IS DISTINCT FROM 'object' THEN
		RAISE EXCEPTION 'request body must be valid JSON'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The body must be a CreateUserRequest object.';
	END IF;
	-- codersdk.CreateUserRequestWithOrgs: username, email, name, user_status
	-- (password, login_type and organization_ids are not modelled)
	result := @extschema@.create_user(
		$1->>'username',
		$1->>'email',
		coalesce($1->>'name', ''),
		'',
		'{}'::text[],
		coalesce(nullif($1->>'user_status', ''), 'active'));
	PERFORM set_config('response.status', '201', true);
	RETURN result;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
							det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN @extschema@.http_error(st, msg, det, hnt, true);
END
$$;
COMMENT ON FUNCTION members_api.create_user(jsonb) IS
	'POST /api/v2/users (nginx: POST /rpc/create_user, the CreateUserRequest body as is): members.create_user with username, email, name and user_status; 201.';

/* Nothing here is executable by PUBLIC (also the helpers above, in members). */
REVOKE ALL ON SCHEMA members_api FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA members_api FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;

/* A running PostgREST reloads its schema cache. */
NOTIFY pgrst, 'reload schema';
/*==== end of section: HTTP schema members_api ====*/
