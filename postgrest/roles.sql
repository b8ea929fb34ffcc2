-- postgrest/roles.sql: the roles and grants for serving the members extension
-- through PostgREST (postgrest/members.conf).
--
-- Run as a superuser in the database where CREATE EXTENSION members ran:
--
--     psql -v ON_ERROR_STOP=1 -d <database> -f postgrest/roles.sql
--
-- Idempotent: run it again after ALTER EXTENSION members UPDATE so that new
-- members_api functions are granted.  CREATE EXTENSION creates no roles;
-- this script is the administrator's step.  Roles are cluster-wide, grants
-- are per database: run it in every database PostgREST serves.
--
-- Roles:
--   members_authenticator  LOGIN NOINHERIT.  PostgREST's db-uri logs in as it.
--                          Give it a password or a pg_hba rule of your own.
--                          request.jwt.claims, which this login can set
--                          itself, names no user unless a superuser turned
--                          members.http_trust_jwt on (postgrest/members.conf:
--                          only together with PostgREST's jwt-secret).
--   members_web            NOLOGIN.  db-anon-role: every request runs as it
--                          (a JWT may name it in its "role" claim).  It may
--                          use schema members_api and execute its functions,
--                          nothing else of the extension.  The functions are
--                          SECURITY DEFINER; members_api.authenticate() sets
--                          the acting user from the request's token.
--   members_service        NOLOGIN.  The role named by members.service_role:
--                          its members may set members.actor and act as the
--                          system.  Created here if missing because the design
--                          expects it; it is deliberately granted to NEITHER
--                          role above (a web role holding it could name any
--                          acting user itself).
\set ON_ERROR_STOP on
SET client_min_messages = warning;

DO $roles$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'members_authenticator') THEN
		CREATE ROLE members_authenticator LOGIN NOINHERIT;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'members_web') THEN
		CREATE ROLE members_web NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'members_service') THEN
		CREATE ROLE members_service NOLOGIN;
	END IF;
END
$roles$;

-- Attributes, enforced on every run (a role made earlier by hand included).
ALTER ROLE members_authenticator LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE members_web NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

-- PostgREST switches from the authenticator to the web role per request.
GRANT members_web TO members_authenticator;

-- Neither may hold the service role (it could then set members.actor).
DO $memberships$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['members_web', 'members_authenticator'] LOOP
		IF EXISTS (SELECT FROM pg_catalog.pg_auth_members m
					WHERE m.roleid = 'members_service'::regrole
					  AND m.member = r::regrole) THEN
			EXECUTE format('REVOKE members_service FROM %I', r);
		END IF;
	END LOOP;
END
$memberships$;

-- Nothing of schema members: the API functions are SECURITY DEFINER.
REVOKE ALL ON SCHEMA members FROM members_web, members_authenticator;
REVOKE ALL ON ALL TABLES IN SCHEMA members FROM members_web, members_authenticator;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA members FROM members_web, members_authenticator;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA members FROM members_web, members_authenticator;

-- Exactly the API: usage of members_api and EXECUTE on its functions.
REVOKE ALL ON SCHEMA members_api FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA members_api FROM PUBLIC;
GRANT USAGE ON SCHEMA members_api TO members_web;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA members_api TO members_web;

-- A running PostgREST reloads its schema cache.
NOTIFY pgrst, 'reload schema';
