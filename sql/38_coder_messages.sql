-- members.http_coder_message: Coder's wording of our error messages, read
-- from the one table in C (src/messages.c) that the raising code uses too.
\set VERBOSITY default

\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all

-- every message of the table, and messages it does not list (unchanged)
SELECT m AS message, members.http_coder_message(m) AS coder
FROM unnest(ARRAY[
	'request body must be valid JSON',
	'validation failed',
	'query parameters have invalid values',
	'invalid request, not allowed to assign site wide permissions for an organization role',
	'invalid request, not allowed to assign user permissions for an organization role',
	'invalid request, not allowed to assign organization member permissions for an organization role',
	'you cannot change your own organization roles',
	'you cannot change your own roles',
	'organization already exists with that name',
	'user already exists',
	'reserved role name',
	'invalid role name',
	'failed to update role permissions',
	'user is already an organization member',
	'no custom role with the name auditor-2 found',
	'"organization" must be provided',
	'"user" must be provided',
	-- not listed: passed unchanged
	'cannot remove self from an organization',
	'"org" must be provided',
	'Validation failed',
	'validation failed.',
	''
]) WITH ORDINALITY AS t(m, n)
ORDER BY n;

-- a message with a %s: any text fills it, empty too; the fixed parts must match
SELECT m AS message, members.http_coder_message(m) AS coder
FROM unnest(ARRAY[
	'no custom role with the name  found',
	'no custom role with the name a b %s found',
	'no custom role with the name found',
	'no custom role with the name x found.',
	'xno custom role with the name x found'
]) WITH ORDINALITY AS t(m, n)
ORDER BY n;

-- strict: NULL in, NULL out
SELECT members.http_coder_message(NULL) IS NULL AS null_is_null;

-- the message raised by the C code is the one the table maps
INSERT INTO members.organizations (id, name, display_name) VALUES
	('0f370000-0000-4000-8000-000000000001', 'msg-org', 'Messages');
SELECT (pg_temp.try_call($$members.delete_custom_role('msg-org', 'no-such-role')$$)).message AS raised,
	members.http_coder_message((pg_temp.try_call($$members.delete_custom_role('msg-org', 'no-such-role')$$)).message) AS coder;
SELECT members.http_coder_message((pg_temp.try_call($$members.organization_roles('')$$)).message) AS coder;
DELETE FROM members.organizations WHERE id = '0f370000-0000-4000-8000-000000000001';
