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

-- One background worker per database fed through a queue (issue 11)
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
