-- Hostile callers, part 2: privileges.  The inventory of every function's
-- EXECUTE grants and every relation's grants (nothing for PUBLIC), then
-- postgrest/roles.sql: the web role may execute the members_api functions
-- and nothing else, reads no table, cannot set the acting user and cannot
-- make the SECURITY DEFINER adapters act for anyone without a token; a
-- plain role cannot set the acting user nor check another user's
-- permissions even with EXECUTE.
\set VERBOSITY default

-- Roles this suite may create (dropped at the end only if created here).
CREATE TEMP TABLE roles_before AS
	SELECT rolname FROM pg_roles
	 WHERE rolname IN ('members_web', 'members_authenticator', 'members_priv_nobody');

---------------------------------------------------------------------------
-- postgrest/roles.sql (psql runs in the repository root under pg_regress)
---------------------------------------------------------------------------
\set ECHO none
\i postgrest/roles.sql
\set ECHO all
\set ON_ERROR_STOP off
RESET client_min_messages;
SELECT rolname, rolcanlogin, rolinherit, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls
  FROM pg_roles WHERE rolname IN ('members_web', 'members_authenticator') ORDER BY 1;
SELECT r.rolname AS role, m.rolname AS member_of
  FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.member JOIN pg_roles m ON m.oid = a.roleid
 WHERE r.rolname IN ('members_web', 'members_authenticator') ORDER BY 1, 2;
-- Running it again changes nothing (idempotent).
\set ECHO none
\i postgrest/roles.sql
\set ECHO all
\set ON_ERROR_STOP off
RESET client_min_messages;

---------------------------------------------------------------------------
-- The web role before the library is loaded in its session: SET stores a
-- placeholder, which the library refuses when it loads (WARNING) and never
-- uses (docs/decisions.md: the rule holds whether or not the library was loaded).
-- Nothing in this session has loaded it yet.
---------------------------------------------------------------------------
SET ROLE members_web;
SET members.actor = '00000000-0000-0000-0000-000000000001';
BEGIN;
SELECT members_api.site_roles()->>'message' AS message, current_setting('response.status', true) AS status;
ROLLBACK;
SHOW members.actor;
RESET ROLE;

-- The extension's functions: every function in schemas members and
-- members_api, and every function that belongs to the extension.
CREATE TEMP VIEW ext_functions AS
	SELECT p.oid, p.oid::regprocedure AS fn, p.pronamespace::regnamespace AS nsp,
	       p.prosecdef, p.proconfig, p.proowner, p.proacl,
	       EXISTS (SELECT FROM pg_depend d
	                WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	                  AND d.refclassid = 'pg_extension'::regclass
	                  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'members')) AS in_extension
	  FROM pg_proc p
	 WHERE p.pronamespace IN ('members'::regnamespace, 'members_api'::regnamespace)
	    OR EXISTS (SELECT FROM pg_depend d
	                WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	                  AND d.refclassid = 'pg_extension'::regclass
	                  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'members'));
-- Grantees of an ACL other than the owner ("PUBLIC" for 0); a NULL ACL is
-- the default one (for functions: EXECUTE to PUBLIC).
CREATE FUNCTION pg_temp.grantees(acl aclitem[], owner oid, kind "char") RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT coalesce(string_agg(CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END
	                           || ':' || a.privilege_type, ', '
	                           ORDER BY a.grantee = 0 DESC, a.grantee::regrole::text, a.privilege_type), '')
	  FROM aclexplode(coalesce(acl, acldefault(kind, owner))) a
	 WHERE a.grantee <> owner
$$;

---------------------------------------------------------------------------
-- Function inventory
---------------------------------------------------------------------------

-- Every function with its grantees (00_setup granted EXECUTE on schema
-- members to members_service and members_plain; roles.sql granted EXECUTE
-- on members_api to members_web).
SELECT fn, in_extension, prosecdef AS definer, pg_temp.grantees(proacl, proowner, 'f') AS grantees
  FROM ext_functions ORDER BY nsp::text, fn::text;

-- Nothing is executable by PUBLIC (a NULL ACL would mean it is).
SELECT fn FROM ext_functions f
 WHERE f.proacl IS NULL
    OR EXISTS (SELECT FROM aclexplode(f.proacl) a WHERE a.grantee = 0);
-- Everything in these schemas belongs to the extension, and the extension
-- has functions nowhere else.
SELECT fn, nsp, in_extension FROM ext_functions
 WHERE NOT in_extension OR nsp::text NOT IN ('members', 'members_api');
-- Every function pins search_path, except the two hot-path checks (see the
-- install script); every SECURITY DEFINER function pins it to pg_catalog,
-- pg_temp.
SELECT fn, proconfig FROM ext_functions
 WHERE proconfig IS NULL OR NOT proconfig @> '{"search_path=pg_catalog, pg_temp"}'
 ORDER BY fn::text;
SELECT count(*) AS definer_functions,
       count(*) FILTER (WHERE proconfig @> '{"search_path=pg_catalog, pg_temp"}') AS pinned
  FROM ext_functions WHERE prosecdef;

---------------------------------------------------------------------------
-- Relation and schema inventory
---------------------------------------------------------------------------

-- Every relation of the extension's schemas with its grantees: none.
SELECT c.oid::regclass AS relation, c.relkind, pg_temp.grantees(c.relacl, c.relowner, 'r') AS grantees
  FROM pg_class c
 WHERE c.relnamespace IN ('members'::regnamespace, 'members_api'::regnamespace)
   AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
 ORDER BY c.oid::regclass::text;
-- Schemas: no privilege for PUBLIC (members: USAGE for the test roles of
-- 00_setup; members_api: USAGE for the web role).
SELECT n.nspname, pg_temp.grantees(n.nspacl, n.nspowner, 'n') AS grantees
  FROM pg_namespace n WHERE n.nspname IN ('members', 'members_api') ORDER BY 1;

-- Still nothing for PUBLIC, now that roles.sql has granted.
SELECT fn FROM ext_functions f
 WHERE f.proacl IS NULL
    OR EXISTS (SELECT FROM aclexplode(f.proacl) a WHERE a.grantee = 0);

-- Every function the web role may execute, outside the system schemas
-- (and this session's temporary ones): exactly the members_api functions,
-- all of them.
SELECT p.oid::regprocedure AS executable_by_web
  FROM pg_proc p
 WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace,
                              pg_my_temp_schema())
   AND has_function_privilege('members_web', p.oid, 'EXECUTE')
 ORDER BY p.oid::regprocedure::text;
SELECT count(*) FILTER (WHERE nsp::text = 'members_api') AS api_functions,
       count(*) FILTER (WHERE nsp::text = 'members_api' AND has_function_privilege('members_web', oid, 'EXECUTE')) AS web_executes,
       count(*) FILTER (WHERE nsp::text = 'members' AND has_function_privilege('members_web', oid, 'EXECUTE')) AS web_executes_members
  FROM ext_functions;
-- The authenticator (NOINHERIT) executes nothing until it switches role.
SELECT count(*) AS executable_by_authenticator
  FROM pg_proc p
 WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace,
                              pg_my_temp_schema())
   AND has_function_privilege('members_authenticator', p.oid, 'EXECUTE');

-- Schemas and relations: the web role uses members_api only and has no
-- privilege of any kind on any relation of the extension.
SELECT r.rolname, n.nspname, has_schema_privilege(r.rolname, n.nspname, 'USAGE') AS usage,
       has_schema_privilege(r.rolname, n.nspname, 'CREATE') AS "create"
  FROM (VALUES ('members_web'), ('members_authenticator')) r(rolname),
       (VALUES ('members'), ('members_api')) n(nspname)
 ORDER BY 1, 2;
SELECT c.oid::regclass AS relation, p.priv
  FROM pg_class c,
       unnest(CASE WHEN c.relkind = 'S' THEN '{USAGE,SELECT,UPDATE}'::text[]
                   ELSE '{SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER}'::text[] END) p(priv)
 WHERE c.relnamespace IN ('members'::regnamespace, 'members_api'::regnamespace)
   AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
   AND (CASE WHEN c.relkind = 'S' THEN has_sequence_privilege('members_web', c.oid, p.priv)
             ELSE has_table_privilege('members_web', c.oid, p.priv) END
        OR CASE WHEN c.relkind = 'S' THEN has_sequence_privilege('members_authenticator', c.oid, p.priv)
             ELSE has_table_privilege('members_authenticator', c.oid, p.priv) END);
SELECT count(*) AS tables_checked,
       bool_or(has_table_privilege('members_web', c.oid, 'SELECT')) AS web_reads_any
  FROM pg_class c WHERE c.relnamespace = 'members'::regnamespace AND c.relkind = 'r';
-- Column privileges would not show in has_table_privilege: none either.
SELECT a.attrelid::regclass, a.attname
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'members'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
   AND has_column_privilege('members_web', a.attrelid, a.attnum, 'SELECT,INSERT,UPDATE,REFERENCES');

---------------------------------------------------------------------------
-- The web role at work
---------------------------------------------------------------------------
-- Now that the library is loaded: refused at SET time (42501), with SET
-- or set_config.
SET ROLE members_web;
\set VERBOSITY sqlstate
SET members.actor = '00000000-0000-0000-0000-000000000001';
SELECT set_config('members.actor', '00000000-0000-0000-0000-000000000001', true);
-- It can neither read a table nor call members.* directly.
SELECT count(*) FROM members.users;
SELECT count(*) FROM members.audit_log;
SELECT members.site_roles();
SELECT members.authorize('read', 'user');
SELECT members.authorize_user('00000000-0000-0000-0000-000000000001', 'read', 'user');
\set VERBOSITY default
-- Without the pre-request (no token), every SECURITY DEFINER adapter
-- answers 401 instead of acting as its owner (the system): the ones
-- returning JSON set response.status, the 204 ones raise PGRST.
BEGIN;
SELECT f, body->>'message' AS message, current_setting('response.status', true) AS status
  FROM (VALUES
	('organization_members', members_api.organization_members()),
	('paginated_organization_members', members_api.paginated_organization_members()),
	('organization_roles', members_api.organization_roles()),
	('insert_custom_role', members_api.insert_custom_role('{"name": "x"}')),
	('update_custom_role', members_api.update_custom_role('{"name": "x"}')),
	('add_organization_member', members_api.add_organization_member()),
	('update_organization_member_roles', members_api.update_organization_member_roles('{"roles": []}')),
	('site_roles', members_api.site_roles()),
	('update_user_site_roles', members_api.update_user_site_roles('{"roles": ["owner"]}')),
	('create_api_key', members_api.create_api_key()),
	('create_organization', members_api.create_organization('{"name": "evil"}')),
	('create_user', members_api.create_user('{"username": "evil", "email": "e@x"}'))
  ) v(f, body);
ROLLBACK;
SELECT members_api.delete_custom_role();
SELECT members_api.remove_organization_member();
-- The pre-request without a token: 401 too, and no acting user.
SELECT members_api.authenticate();
SHOW members.actor;
RESET ROLE;
-- Nothing was created through the adapters.
SELECT count(*) AS organizations FROM members.organizations WHERE name = 'evil';
SELECT count(*) AS users FROM members.users WHERE username = 'evil';

-- The authenticator itself (before switching to the web role).
SET ROLE members_authenticator;
\set VERBOSITY sqlstate
SET members.actor = '00000000-0000-0000-0000-000000000001';
SELECT members_api.site_roles();
\set VERBOSITY default
RESET ROLE;

---------------------------------------------------------------------------
-- A plain role with EXECUTE on every members function (00_setup)
---------------------------------------------------------------------------
SELECT has_function_privilege('members_plain', 'members.authorize_user(uuid, text, text, uuid, uuid, boolean)', 'EXECUTE') AS plain_may_execute,
       has_function_privilege('members_plain', 'members.http_establish_actor(uuid)', 'EXECUTE') AS plain_may_execute_establish;
SET ROLE members_plain;
\set VERBOSITY sqlstate
SET members.actor = '00000000-0000-0000-0000-000000000001';
SELECT set_config('members.actor', '00000000-0000-0000-0000-000000000001', false);
SELECT members.authorize_user('00000000-0000-0000-0000-000000000001', 'read', 'user');
SELECT members.authorize_user('00000000-0000-0000-0000-000000000001', 'read', 'user', NULL, NULL, true);
-- establishing an acting user goes through the same rule as SET
SELECT members.http_establish_actor('00000000-0000-0000-0000-000000000001');
-- and without an actor it cannot act as the system (28000)
SELECT members.authorize('read', 'user');
SELECT members.site_roles();
\set VERBOSITY default
SHOW members.actor;
RESET ROLE;

-- A role with no grant at all: nothing of the extension is callable.
SET client_min_messages = warning;
DROP ROLE IF EXISTS members_priv_nobody;
RESET client_min_messages;
CREATE ROLE members_priv_nobody NOLOGIN;
SELECT count(*) AS executable_by_nobody
  FROM ext_functions WHERE has_function_privilege('members_priv_nobody', oid, 'EXECUTE');
SET ROLE members_priv_nobody;
\set VERBOSITY sqlstate
SELECT members.authorize('read', 'user');
SELECT members_api.site_roles();
SET members.actor = '00000000-0000-0000-0000-000000000001';
\set VERBOSITY default
RESET ROLE;

---------------------------------------------------------------------------
-- Cleanup: the roles created here (roles are cluster-wide)
---------------------------------------------------------------------------
SET client_min_messages = warning;
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['members_priv_nobody', 'members_web', 'members_authenticator'] LOOP
		IF NOT EXISTS (SELECT FROM roles_before b WHERE b.rolname = r) THEN
			EXECUTE format('DROP OWNED BY %I', r);
			EXECUTE format('DROP ROLE %I', r);
		END IF;
	END LOOP;
END
$$;
RESET client_min_messages;
SELECT count(*) AS left_over_roles FROM pg_roles
 WHERE rolname IN ('members_web', 'members_authenticator', 'members_priv_nobody')
   AND rolname NOT IN (SELECT rolname FROM roles_before);
