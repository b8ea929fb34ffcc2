/*
 * members--1.0--1.1.sql: upgrade a 1.0 installation to 1.1.
 *
 * Every change to SQL objects between 1.0 and 1.1 is here, in the order it
 * was made; tests/suites/upgrade.sh checks that a 1.0 database updated with
 * this script has exactly the catalog of a fresh 1.1 install (functions,
 * tables, constraints, indexes, triggers, comments, ACLs, extconfig).
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION members UPDATE TO '1.1'" to load this file. \quit

-- Comments cite files of the repository (docs/coder-behaviour.md).
COMMENT ON FUNCTION @extschema@.set_workspace_sharing(text, boolean) IS
	'Switch an organization''s workspace sharing (what organization-member grants, see docs/coder-behaviour.md 4.4); needs update on the organization; returns the Organization object.';

-- One background worker per database fed through a queue
CREATE FUNCTION @extschema@.worker_stats() RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_worker_stats'
	LANGUAGE C VOLATILE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.worker_stats() IS
	'This database''s members background worker and queue since the server started: state (stopped, starting, running), records queued, pending, written, failed and refused (queue full), transactions and worker starts, and the last start or exit error.';
REVOKE ALL ON FUNCTION @extschema@.worker_stats() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.authenticate_api_key(text) IS
	'The user a session token acts for, checked as Coder''s API-key middleware does; 28000 with Coder''s reason in the detail for a missing, malformed, unknown, wrong or expired token or a deleted user, 28000 "user is not active" for an inactive one. Records last_used at most hourly (queued for the members background worker when the transaction is read-only).';
COMMENT ON FUNCTION @extschema@.create_api_key(text, interval) IS
	'A new session token <10-char id>-<22-char secret> for the user (uuid, username or me), shown once; only the SHA-256 of the secret is stored. Needs create on api_key owned by that user; the user must be active; lifetime from 1 second to 365 days; at most members.max_api_keys_per_user unexpired tokens per user (22023 otherwise).';

-- HTTP layer: Coder's statuses and bodies under PostgREST v12
-- and v13.  Bodies reach the adapters as text (one unnamed text parameter,
-- nginx sends text/plain) and every value from the URL as an X-Members-*
-- header, so the adapters' signatures change; duplicates answer 409 where
-- Coder does; the JWT "sub" counts only with members.http_trust_jwt on.
DROP FUNCTION members_api.organization_members(text);
DROP FUNCTION members_api.paginated_organization_members(text, text, text);
DROP FUNCTION members_api.organization_roles(text);
DROP FUNCTION members_api.insert_custom_role(jsonb);
DROP FUNCTION members_api.update_custom_role(jsonb);
DROP FUNCTION members_api.update_organization_member_roles(jsonb);
DROP FUNCTION members_api.update_user_site_roles(jsonb);
DROP FUNCTION members_api.create_organization(jsonb);
DROP FUNCTION members_api.create_user(jsonb);
DROP FUNCTION @extschema@.http_error(text, text, text, text, boolean);
-- functions whose signature stays but whose body changes: dropped and
-- created again below (extension scripts create plainly, never by
-- replacing in place); grants made on them are given again by
-- postgrest/roles.sql, as the README says
DROP FUNCTION @extschema@.http_pagination(text, text);
DROP FUNCTION members_api.authenticate();
DROP FUNCTION members_api.delete_custom_role();
DROP FUNCTION members_api.add_organization_member();
DROP FUNCTION members_api.remove_organization_member();
DROP FUNCTION members_api.site_roles();
DROP FUNCTION members_api.create_api_key();

-- changed and new functions, copied from sqlsrc/60_http.sql by make
-- @members_copy @extschema@.http_error@
-- @members_copy @extschema@.http_query_value@
-- @members_copy @extschema@.http_go_quote@
-- @members_copy @extschema@.http_pagination@
-- @members_copy @extschema@.http_body@
-- @members_copy @extschema@.http_paginated_members@
-- @members_copy @extschema@.http_create_organization@
-- @members_copy @extschema@.http_create_user@
-- @members_copy @extschema@.http_trusts_jwt@
-- @members_copy members_api.authenticate@

-- the adapters, generated from sqlsrc/http/endpoints.txt when make builds
-- build/members--1.0--1.1.sql
-- @members_http_adapters@
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA members_api FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;
NOTIFY pgrst, 'reload schema';

-- Users' last_seen_at (Coder's User object), recorded with the token's
-- last_used.
ALTER TABLE @extschema@.users
	ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00';
COMMENT ON COLUMN @extschema@.users.last_seen_at IS
	'When the user last made an authenticated request, recorded at most hourly with the session token''s last_used (Coder''s UpdateUserLastSeenAt, coderd/httpmw/apikey.go); Go''s zero time 0001-01-01 00:00:00+00 until then.';
-- (the subject cache's change log below ignores updates of it alone)

-- Authorized listings at index speed: authorized_organizations,
-- the planner support function of authorize (docs/rls-index.md)
CREATE FUNCTION @extschema@.authorized_organizations(action text, resource_type text)
	RETURNS uuid[]
	AS 'MODULE_PATHNAME', 'members_authorized_organizations'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.authorized_organizations(text, text) IS
	'The organizations where the current actor may do action on objects of resource_type (org-level +1, or member-level +1 on objects the actor owns), sorted. NULL when every object is allowed (the system, or a site-level permission): test IS NULL before using the array. ''{}'' when none is. Objects without an organization are not covered (only the site or user level can allow them).';
REVOKE ALL ON FUNCTION @extschema@.authorized_organizations(text, text) FROM PUBLIC;
CREATE FUNCTION @extschema@.authorize_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'members_authorize_support'
	LANGUAGE C STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.authorize_support(internal) IS
	'Planner support of members.authorize: selectivity and cost estimates, and the organization index condition of the MembersListing scan.';
REVOKE ALL ON FUNCTION @extschema@.authorize_support(internal) FROM PUBLIC;
ALTER FUNCTION @extschema@.authorize(text, text, uuid, uuid, boolean)
	SUPPORT @extschema@.authorize_support;

-- Error-message mapping read from the C table of src/messages.c
DROP FUNCTION @extschema@.http_coder_message(text);
CREATE FUNCTION @extschema@.http_coder_message(message text) RETURNS text
	AS 'MODULE_PATHNAME', 'members_http_coder_message'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.http_coder_message(text) IS
	'HTTP layer: Coder''s exact wording of an error message written in PostgreSQL style, from the table of src/messages.c (the initial capital and final period Coder uses for the known messages); other messages unchanged.';
REVOKE ALL ON FUNCTION @extschema@.http_coder_message(text) FROM PUBLIC;

-- Targeted subject cache invalidation: a change log written by
-- row triggers enabled ALWAYS replaces the statement triggers that dropped
-- every backend's whole cache; subject_cache_info gains counters.
DROP TRIGGER invalidate_subject_cache ON @extschema@.users;
DROP TRIGGER invalidate_subject_cache ON @extschema@.organizations;
DROP TRIGGER invalidate_subject_cache ON @extschema@.organization_members;
DROP TRIGGER invalidate_subject_cache ON @extschema@.custom_roles;
DROP FUNCTION @extschema@.invalidate_subject_cache();
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
REVOKE ALL ON FUNCTION @extschema@.log_subject_change() FROM PUBLIC;
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
ALTER TABLE @extschema@.users ENABLE ALWAYS TRIGGER log_subject_change;
ALTER TABLE @extschema@.organizations ENABLE ALWAYS TRIGGER log_subject_change;
ALTER TABLE @extschema@.organization_members ENABLE ALWAYS TRIGGER log_subject_change;
ALTER TABLE @extschema@.custom_roles ENABLE ALWAYS TRIGGER log_subject_change;
DROP FUNCTION @extschema@.subject_cache_info();
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
REVOKE ALL ON FUNCTION @extschema@.subject_cache_info() FROM PUBLIC;

-- The HTTP path's database cost: members.http_header, which every adapter
-- reads its path values with, in C (as a SQL function with a SET clause it
-- was planned again on every call); same signature, result and errors.
DROP FUNCTION @extschema@.http_header(text);
-- @members_copy @extschema@.http_header@
REVOKE ALL ON FUNCTION @extschema@.http_header(text) FROM PUBLIC;
