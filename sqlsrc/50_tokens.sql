/*==== section: session tokens (src/apikey.c) ====*/
CREATE FUNCTION @extschema@.create_api_key(
	"user" text,
	lifetime interval DEFAULT '7 days') RETURNS text
	AS 'MODULE_PATHNAME', 'members_create_api_key'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.create_api_key(text, interval) IS
	'A new session token <10-char id>-<22-char secret> for the user (uuid, username or me), shown once; only the SHA-256 of the secret is stored. Needs create on api_key owned by that user; the user must be active; lifetime from 1 second to 365 days; at most members.max_api_keys_per_user unexpired tokens per user (22023 otherwise).';

CREATE FUNCTION @extschema@.authenticate_api_key(token text) RETURNS uuid
	AS 'MODULE_PATHNAME', 'members_authenticate_api_key'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.authenticate_api_key(text) IS
	'The user a session token acts for, checked as Coder''s API-key middleware does; 28000 with Coder''s reason in the detail for a missing, malformed, unknown, wrong or expired token or a deleted user, 28000 "user is not active" for an inactive one. Records last_used at most hourly (queued for the members background worker when the transaction is read-only).';

/*
 * The background worker (src/worker.c) that writes the audit rows of
 * refused attempts and the last_used of tokens presented in read-only
 * transactions.  Statistics for administrators and tests; executable by
 * nobody but superusers unless granted.
 */
CREATE FUNCTION @extschema@.worker_stats() RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_worker_stats'
	LANGUAGE C VOLATILE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.worker_stats() IS
	'This database''s members background worker and queue since the server started: state (stopped, starting, running), records queued, pending, written, failed and refused (queue full), transactions and worker starts, and the last start or exit error.';
/*==== end of section: session tokens ====*/

/* Nothing is granted to PUBLIC: administrators grant EXECUTE to their roles. */
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;
