-- Bootstrap: create_organization and create_user, their JSON and validation.
\set VERBOSITY default

-- As the system (superuser, no actor).  Ids and timestamps are random, so
-- they are checked for shape and removed from the shown JSON.
CREATE FUNCTION pg_temp.shape(j jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT j - 'id' - 'created_at' - 'updated_at'
	       || jsonb_build_object(
	            'id_is_uuid', (j->>'id') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$',
	            'created_at_rfc3339', (j->>'created_at') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$',
	            'updated_at_rfc3339', (j->>'updated_at') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$')
$$;

SELECT pg_temp.shape(members.create_organization('acme', 'Acme Inc.', 'The default org', '/icon/acme.svg', true));
SELECT pg_temp.shape(members.create_organization('Globex'));
SELECT pg_temp.shape(members.create_user('alice', 'alice@example.com', 'Alice Liddell', 'https://example.com/a.png', '{owner}'));
SELECT pg_temp.shape(members.create_user('Bob', 'bob@example.com'));
SELECT pg_temp.shape(members.create_user('uadmin', 'uadmin@example.com', site_roles => '{User-Admin,user-admin,member}'));
SELECT pg_temp.shape(members.create_user('sleepy', 'sleepy@example.com', status => 'dormant'));

-- Timestamps are RFC 3339 UTC with a Z, whatever the session time zone.
SET timezone = 'America/New_York';
SELECT (members.create_user('tz', 'tz@example.com')->>'created_at') LIKE '%Z' AS utc;
RESET timezone;

-- Organization validation (22023), duplicates and defaults (23505).
SELECT members.create_organization('');
SELECT members.create_organization(repeat('x', 33));
SELECT members.create_organization('new');
SELECT members.create_organization('create');
SELECT members.create_organization('bad_name');
SELECT members.create_organization('trailing-');
SELECT members.create_organization('ünïcode');
SELECT members.create_organization('ok', ' padded');
SELECT members.create_organization('ok', repeat('d', 65));
SELECT members.create_organization(NULL);
SELECT members.create_organization('ACME');
SELECT members.create_organization('initech', is_default => true);
SELECT count(*) AS organizations FROM members.organizations;

-- User validation (22023) and duplicates (23505).
SELECT members.create_user('bad name', 'x@example.com');
SELECT members.create_user('x', 'not-an-email');
SELECT members.create_user('x', 'two@@example.com');
SELECT members.create_user('x', 'x@example.com', name => ' Leading');
SELECT members.create_user('x', 'x@example.com', status => 'deleted');
SELECT members.create_user('x', 'x@example.com', site_roles => '{organization-admin}');
SELECT members.create_user('x', 'x@example.com', site_roles => '{owner,NULL}');
SELECT members.create_user('x', NULL);
SELECT members.create_user('ALICE', 'alice2@example.com');
SELECT members.create_user('alice2', 'Alice@Example.com');
SELECT count(*) AS users FROM members.users;

-- Stored roles are lower-cased and de-duplicated.
SELECT username, rbac_roles, status FROM members.users ORDER BY username;

-- As a user: an owner may create organizations (and becomes a plain
-- member, as in Coder) and users with any site role.
BEGIN;
SELECT set_config('members.actor', id::text, true) IS NOT NULL FROM members.users WHERE username = 'alice';
SELECT pg_temp.shape(members.create_organization('initech', 'Initech'));
SELECT o.name, u.username, m.roles
  FROM members.organization_members m
  JOIN members.organizations o ON o.id = m.organization_id
  JOIN members.users u ON u.id = m.user_id ORDER BY 1, 2;
SELECT members.create_user('carol', 'carol@example.com', site_roles => '{auditor}')->'roles';
COMMIT;

-- A user admin may create users, but assign no site role beyond member.
BEGIN;
SELECT set_config('members.actor', id::text, true) IS NOT NULL FROM members.users WHERE username = 'uadmin';
SELECT members.create_user('dave', 'dave@example.com')->>'username';
SELECT members.create_user('erin', 'erin@example.com', site_roles => '{member}')->'roles';
SELECT members.create_user('frank', 'frank@example.com', site_roles => '{auditor}');
ROLLBACK;
BEGIN;
SELECT set_config('members.actor', id::text, true) IS NOT NULL FROM members.users WHERE username = 'uadmin';
SELECT members.create_organization('umbrella');
ROLLBACK;

-- A plain member may create neither (42501).
BEGIN;
SELECT set_config('members.actor', id::text, true) IS NOT NULL FROM members.users WHERE lower(username) = 'bob';
SELECT members.create_organization('umbrella');
ROLLBACK;
BEGIN;
SELECT set_config('members.actor', id::text, true) IS NOT NULL FROM members.users WHERE lower(username) = 'bob';
SELECT members.create_user('frank', 'frank@example.com');
ROLLBACK;

-- A dormant user cannot act at all (28000).
BEGIN;
SELECT set_config('members.actor', id::text, true) IS NOT NULL FROM members.users WHERE username = 'sleepy';
SELECT members.create_user('frank', 'frank@example.com');
ROLLBACK;

-- A plain database role with EXECUTE but no actor cannot act (28000).
SET ROLE members_plain;
SELECT members.create_organization('umbrella');
RESET ROLE;

TRUNCATE members.organizations, members.users CASCADE;
