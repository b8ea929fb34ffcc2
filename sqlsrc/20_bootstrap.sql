/*==== section: bootstrap and identity (src/actor.c, src/orgs_users.c) ====*/

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
/*==== end of section: bootstrap and identity ====*/
