-- Limits and refusals from a hostile review: active session tokens per
-- user (members.max_api_keys_per_user).
\set VERBOSITY default

\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all

INSERT INTO members.users (id, username, email) VALUES
	('0f400000-0000-4000-8000-000000000001', 'h-tokens', 'h-tokens@example.com');

-- The default is generous; a superuser may lower it.
SHOW members.max_api_keys_per_user;
SET members.max_api_keys_per_user = 2;
SELECT length(members.create_api_key('h-tokens')) AS token_length;
SELECT length(members.create_api_key('h-tokens')) AS token_length;
-- one more: a clear 22023 naming the limit
SELECT pg_temp.try($$SELECT members.create_api_key('h-tokens')$$);
-- expired tokens do not count
UPDATE members.api_keys SET expires_at = now() - interval '1 second'
 WHERE id = (SELECT min(id) FROM members.api_keys
              WHERE user_id = '0f400000-0000-4000-8000-000000000001');
SELECT length(members.create_api_key('h-tokens')) AS token_length;
SELECT pg_temp.try($$SELECT members.create_api_key('h-tokens')$$);
SELECT count(*) FILTER (WHERE expires_at > now()) AS active, count(*) AS total
  FROM members.api_keys WHERE user_id = '0f400000-0000-4000-8000-000000000001';
RESET members.max_api_keys_per_user;
-- only superusers set it
SET ROLE members_plain;
SELECT pg_temp.try($$SET members.max_api_keys_per_user = 100000$$);
RESET ROLE;

-- leave no fixture behind for the suites that follow
DELETE FROM members.api_keys WHERE user_id = '0f400000-0000-4000-8000-000000000001';
DELETE FROM members.users WHERE id = '0f400000-0000-4000-8000-000000000001';
