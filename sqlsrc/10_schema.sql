/*==== section: data model (tables, ids, constraints; src/ids.c, src/permission.c) ====*/

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
	last_seen_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
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
COMMENT ON COLUMN @extschema@.users.last_seen_at IS
	'When the user last made an authenticated request, recorded at most hourly with the session token''s last_used (Coder''s UpdateUserLastSeenAt, coderd/httpmw/apikey.go); Go''s zero time 0001-01-01 00:00:00+00 until then.';

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

/*==== end of section: data model ====*/
