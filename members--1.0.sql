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
	ON @extschema@.organization_members (user_id);
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
	 * queries (cache misses only) qualify every table, function and
	 * operator, and their plans keep the search_path they were prepared
	 * with, so the caller's search_path cannot change an answer.
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
/*==== end of section: read endpoints ====*/

/*==== section: write endpoints (src/endpoints_write.c, src/audit.c) ====*/
/*==== end of section: write endpoints ====*/

/*==== section: session tokens (src/apikey.c) ====*/
/*==== end of section: session tokens ====*/

/* Nothing is granted to PUBLIC: administrators grant EXECUTE to their roles. */
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;

/*==== section: HTTP schema members_api (PostgREST) ====*/
/*==== end of section: HTTP schema members_api ====*/
