-- Subject builds read the tables directly (src/subject.c, subject_build):
-- organizations and custom roles are fetched at the positions remembered
-- from earlier builds when the row there is still the one wanted, and
-- searched through their indexes otherwise.  Each step below makes the
-- remembered positions stale in another way (an UPDATE's new version, a
-- deletion and re-creation, a table rewritten shorter, a truncated table,
-- a freed slot reused by another row) and checks that the next build reads
-- the current rows.  The counters show that each check did build.
\set VERBOSITY sqlstate

INSERT INTO members.organizations (id, name, display_name)
	SELECT ('43000000-0000-0000-0001-' || lpad(to_hex(n), 12, '0'))::uuid, 'filler-' || n, 'Filler'
	  FROM generate_series(1, 300) n;
INSERT INTO members.organizations (id, name, display_name) VALUES
	('43000000-0000-0000-0000-0000000000a1', 'build-org', 'Build Org'),
	('43000000-0000-0000-0000-0000000000a2', 'build-org-2', 'Build Org 2');
INSERT INTO members.users (id, username, email) VALUES
	('43000000-0000-0000-0000-0000000000b1', 'build-ann', 'build-ann@example.com');
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('build-role', 'Build role', '43000000-0000-0000-0000-0000000000a1',
	 '[{"negate": false, "resource_type": "template", "action": "update"}]');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('43000000-0000-0000-0000-0000000000a1', '43000000-0000-0000-0000-0000000000b1', '{build-role}'),
	('43000000-0000-0000-0000-0000000000a2', '43000000-0000-0000-0000-0000000000b1', '{organization-auditor}');

-- What ann may do in each organization, and whether this check built her.
CREATE TEMP TABLE builds AS SELECT builds FROM members.subject_cache_info();
CREATE FUNCTION pg_temp.ann() RETURNS TABLE (
	org text, update_template boolean, delete_template boolean, read_audit boolean, built boolean)
LANGUAGE sql AS $$
	SELECT o.name,
	       members.authorize_user('43000000-0000-0000-0000-0000000000b1', 'update', 'template', o.id),
	       members.authorize_user('43000000-0000-0000-0000-0000000000b1', 'delete', 'template', o.id),
	       members.authorize_user('43000000-0000-0000-0000-0000000000b1', 'read', 'audit_log', o.id),
	       (SELECT i.builds > b.builds FROM members.subject_cache_info() i, builds b)
	  FROM members.organizations o
	 WHERE o.id IN ('43000000-0000-0000-0000-0000000000a1', '43000000-0000-0000-0000-0000000000a2')
	 ORDER BY o.name;
$$;
CREATE FUNCTION pg_temp.mark() RETURNS void LANGUAGE sql AS $$
	UPDATE builds SET builds = (SELECT builds FROM members.subject_cache_info());
$$;

-- first build: positions remembered
SELECT * FROM pg_temp.ann();
SELECT pg_temp.mark();
-- an UPDATE moves the organization and the role to new versions
UPDATE members.custom_roles SET org_permissions =
	'[{"negate": false, "resource_type": "template", "action": "delete"}]'
 WHERE name = 'build-role';
UPDATE members.organizations SET deleted = true WHERE name = 'build-org-2';
SELECT * FROM pg_temp.ann();
SELECT pg_temp.mark();
UPDATE members.organizations SET deleted = false WHERE name = 'build-org-2';
SELECT * FROM pg_temp.ann();
SELECT pg_temp.mark();

-- the role deleted (which takes it from its holders) and created again
-- with the same name, after another role took the freed slot, and given
-- back to ann
DELETE FROM members.custom_roles WHERE name = 'build-role';
SELECT roles FROM members.organization_members
 WHERE user_id = '43000000-0000-0000-0000-0000000000b1' ORDER BY organization_id;
SELECT * FROM pg_temp.ann();
SELECT pg_temp.mark();
VACUUM members.custom_roles;
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('build-other', 'Other', '43000000-0000-0000-0000-0000000000a1',
	 '[{"negate": false, "resource_type": "audit_log", "action": "read"}]');
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('build-role', 'Build role again', '43000000-0000-0000-0000-0000000000a1',
	 '[{"negate": false, "resource_type": "template", "action": "update"},
	   {"negate": false, "resource_type": "template", "action": "delete"}]');
UPDATE members.organization_members SET roles = '{build-role}'
 WHERE user_id = '43000000-0000-0000-0000-0000000000b1'
   AND organization_id = '43000000-0000-0000-0000-0000000000a1';
SELECT * FROM pg_temp.ann();
SELECT pg_temp.mark();

-- the organizations table rewritten shorter: the remembered positions
-- point past its end
DELETE FROM members.organizations WHERE name LIKE 'filler-%';
VACUUM FULL members.organizations;
SELECT * FROM pg_temp.ann();
SELECT pg_temp.mark();

-- the custom roles truncated (the earlier files' roles go too; TRUNCATE
-- fires no row trigger, so ann still names the role), then
-- the role created once more
TRUNCATE members.custom_roles;
SELECT * FROM pg_temp.ann();
SELECT pg_temp.mark();
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('build-role', 'Build role, third', '43000000-0000-0000-0000-0000000000a1',
	 '[{"negate": true, "resource_type": "template", "action": "update"}]');
SELECT * FROM pg_temp.ann();
SELECT pg_temp.mark();

-- within a transaction: its own changes count from its next command, and
-- a rolled-back subtransaction's no more
BEGIN;
UPDATE members.organizations SET deleted = true WHERE name = 'build-org-2';
SELECT org, read_audit FROM pg_temp.ann();
SAVEPOINT s;
UPDATE members.organizations SET deleted = false WHERE name = 'build-org-2';
SELECT org, read_audit FROM pg_temp.ann();
ROLLBACK TO s;
SELECT org, read_audit FROM pg_temp.ann();
ROLLBACK;
SELECT org, update_template, read_audit FROM pg_temp.ann();

DELETE FROM members.organization_members WHERE user_id = '43000000-0000-0000-0000-0000000000b1';
DELETE FROM members.custom_roles WHERE organization_id = '43000000-0000-0000-0000-0000000000a1';
DELETE FROM members.users WHERE id = '43000000-0000-0000-0000-0000000000b1';
DELETE FROM members.organizations WHERE id IN ('43000000-0000-0000-0000-0000000000a1', '43000000-0000-0000-0000-0000000000a2');
