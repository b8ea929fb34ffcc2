-- Subject cache: the change log members.subject_changes that drives
-- targeted invalidation (what each change logs, what it does not), the
-- trigger's refusals, the counters of members.subject_cache_info(), and
-- pruning.  Cross-session behaviour is in the isolation specs
-- (cache_targeted, cache_visibility, cache_statement_boundary) and the TAP
-- tests 003 (hot standby) and 004 (logical subscriber).
\set VERBOSITY sqlstate

INSERT INTO members.organizations (id, name, display_name) VALUES
	('42000000-0000-0000-0000-0000000000a1', 'cache-org', 'Cache Org');
INSERT INTO members.users (id, username, email) VALUES
	('42000000-0000-0000-0000-0000000000b1', 'cache-ann', 'cache-ann@example.com'),
	('42000000-0000-0000-0000-0000000000b2', 'cache-ben', 'cache-ben@example.com');
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('cache-role', 'Cache role', '42000000-0000-0000-0000-0000000000a1',
	 '[{"negate": false, "resource_type": "template", "action": "update"}]');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('42000000-0000-0000-0000-0000000000a1', '42000000-0000-0000-0000-0000000000b1', '{cache-role}'),
	('42000000-0000-0000-0000-0000000000a1', '42000000-0000-0000-0000-0000000000b2', '{}');

-- What a statement logs: the entries after the current last one.
CREATE TEMP TABLE mark AS SELECT max(seq) AS seq FROM members.subject_changes;
CREATE FUNCTION pg_temp.logged() RETURNS TABLE (kind "char", who text)
LANGUAGE sql AS $$
	SELECT c.kind, coalesce(u.username, o.name || coalesce('/' || c.role_name, ''))
	  FROM members.subject_changes c
	  LEFT JOIN members.users u ON u.id = c.user_id
	  LEFT JOIN members.organizations o ON o.id = c.organization_id
	 WHERE c.seq > (SELECT seq FROM mark)
	 ORDER BY c.seq;
$$;
CREATE FUNCTION pg_temp.next() RETURNS void LANGUAGE sql AS $$
	UPDATE mark SET seq = (SELECT max(seq) FROM members.subject_changes);
$$;

-- a membership row names its user
UPDATE members.organization_members SET roles = '{organization-auditor}'
 WHERE user_id = '42000000-0000-0000-0000-0000000000b2';
SELECT * FROM pg_temp.logged();
SELECT pg_temp.next();
-- a user row names the user; a change no subject reads logs nothing
UPDATE members.users SET name = 'Ann', avatar_url = 'https://example.com/a.png', updated_at = now()
 WHERE username = 'cache-ann';
SELECT count(*) AS nothing_logged FROM pg_temp.logged();
UPDATE members.users SET rbac_roles = '{auditor}' WHERE username = 'cache-ann';
UPDATE members.organization_members SET updated_at = now()
 WHERE user_id = '42000000-0000-0000-0000-0000000000b1';
SELECT * FROM pg_temp.logged();
SELECT pg_temp.next();
-- a custom role names the role of its organization; moving a row names both keys
UPDATE members.custom_roles SET display_name = 'Cache role 2' WHERE name = 'cache-role';
UPDATE members.custom_roles SET org_permissions = '[]' WHERE name = 'cache-role';
SELECT * FROM pg_temp.logged();
SELECT pg_temp.next();
-- an organization row names the organization, only if a subject reads the change
UPDATE members.organizations SET description = 'no subject reads this' WHERE name = 'cache-org';
UPDATE members.organizations SET workspace_sharing_disabled = true WHERE name = 'cache-org';
SELECT * FROM pg_temp.logged();
SELECT pg_temp.next();

-- Counters: the first check builds, the next ones hit; a committed change
-- of one user drops that subject only (targeted), the other stays warm.
SELECT members.subject_cache_clear();
CREATE TEMP TABLE c0 AS SELECT * FROM members.subject_cache_info();
SELECT members.authorize_user('42000000-0000-0000-0000-0000000000b1', 'read', 'audit_log') AS ann,
       members.authorize_user('42000000-0000-0000-0000-0000000000b2', 'read', 'audit_log',
                              '42000000-0000-0000-0000-0000000000a1') AS ben;
SELECT members.authorize_user('42000000-0000-0000-0000-0000000000b1', 'read', 'audit_log') AS ann,
       members.authorize_user('42000000-0000-0000-0000-0000000000b2', 'read', 'audit_log',
                              '42000000-0000-0000-0000-0000000000a1') AS ben;
SELECT i.subjects, i.misses - c0.misses AS misses, i.builds - c0.builds AS builds,
       i.hits - c0.hits >= 2 AS hit, i.build_ms >= c0.build_ms AS build_time_counted,
       i.log_position IS NOT NULL AS positioned
  FROM members.subject_cache_info() i, c0;
UPDATE members.users SET rbac_roles = '{}' WHERE username = 'cache-ann';
SELECT members.authorize_user('42000000-0000-0000-0000-0000000000b1', 'read', 'audit_log') AS ann,
       members.authorize_user('42000000-0000-0000-0000-0000000000b2', 'read', 'audit_log',
                              '42000000-0000-0000-0000-0000000000a1') AS ben;
SELECT i.subjects, i.misses - c0.misses AS misses, i.targeted_drops - c0.targeted_drops AS dropped,
       i.full_invalidations - c0.full_invalidations AS full, i.log_reads > c0.log_reads AS log_read
  FROM members.subject_cache_info() i, c0;
-- a cleared cache has no position until its next build
SELECT members.subject_cache_clear();
SELECT subjects, log_position FROM members.subject_cache_info();

-- The trigger refuses to be misused: on another table, per statement,
-- called directly.
CREATE TABLE pg_temp.other (id int);
CREATE TRIGGER t AFTER INSERT ON pg_temp.other FOR EACH ROW EXECUTE FUNCTION members.log_subject_change();
INSERT INTO pg_temp.other VALUES (1);
DROP TRIGGER t ON pg_temp.other;
CREATE TRIGGER t AFTER INSERT ON pg_temp.other FOR EACH STATEMENT EXECUTE FUNCTION members.log_subject_change();
INSERT INTO pg_temp.other VALUES (1);
SELECT members.log_subject_change();
-- the change log is the extension owner's: no other role reads or writes it
SET ROLE members_plain;
SELECT count(*) FROM members.subject_changes;
INSERT INTO members.subject_changes (kind) VALUES ('u');
RESET ROLE;

-- Pruning: every 1,000th entry, entries of finished transactions are
-- marked seen (and those seen 10 minutes ago deleted).
UPDATE members.subject_changes SET seen_at = NULL;
DO $$
BEGIN
	FOR i IN 1..1000 LOOP
		UPDATE members.organization_members SET roles = CASE WHEN i % 2 = 0 THEN '{}'::text[] ELSE '{organization-auditor}' END
		 WHERE user_id = '42000000-0000-0000-0000-0000000000b2';
	END LOOP;
END
$$;
-- (the loop's own 999 entries, its first UPDATE changing nothing, were not
-- finished when it pruned: unmarked)
SELECT count(*) FILTER (WHERE seen_at IS NOT NULL) > 0 AS older_marked,
       count(*) FILTER (WHERE seen_at IS NULL) AS own_unmarked
  FROM members.subject_changes;
-- an entry seen long ago goes at the next pruning
UPDATE members.subject_changes SET seen_at = now() - interval '1 hour'
 WHERE seq = (SELECT min(seq) FROM members.subject_changes);
CREATE TEMP TABLE oldest AS SELECT min(seq) AS seq FROM members.subject_changes;
DO $$
BEGIN
	FOR i IN 1..1000 LOOP
		UPDATE members.organization_members SET roles = CASE WHEN i % 2 = 0 THEN '{}'::text[] ELSE '{organization-auditor}' END
		 WHERE user_id = '42000000-0000-0000-0000-0000000000b2';
	END LOOP;
END
$$;
SELECT count(*) AS oldest_left FROM members.subject_changes WHERE seq = (SELECT seq FROM oldest);

DELETE FROM members.organization_members WHERE organization_id = '42000000-0000-0000-0000-0000000000a1';
DELETE FROM members.custom_roles WHERE organization_id = '42000000-0000-0000-0000-0000000000a1';
DELETE FROM members.users WHERE id IN ('42000000-0000-0000-0000-0000000000b1', '42000000-0000-0000-0000-0000000000b2');
DELETE FROM members.organizations WHERE id = '42000000-0000-0000-0000-0000000000a1';
