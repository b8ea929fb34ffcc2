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
