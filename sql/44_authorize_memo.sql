-- authorize keeps its last decision per call site (src/authz.c) while the
-- subject cache, the actor, the transaction and the statement stay the same
-- and the transaction has not written the members tables.  Each case below
-- changes one of those within a single statement or transaction and checks
-- that the answer follows, against authorize_user's truth.
\set VERBOSITY sqlstate

INSERT INTO members.organizations (id, name, display_name) VALUES
	('44000000-0000-0000-0000-0000000000a1', 'memo-org-1', 'Memo 1'),
	('44000000-0000-0000-0000-0000000000a2', 'memo-org-2', 'Memo 2'),
	('44000000-0000-0000-0000-0000000000a3', 'memo-org-3', 'Memo 3');
INSERT INTO members.users (id, username, email, rbac_roles) VALUES
	('44000000-0000-0000-0000-0000000000b1', 'memo-ann', 'memo-ann@example.com', '{}'),
	('44000000-0000-0000-0000-0000000000b2', 'memo-ben', 'memo-ben@example.com', '{}'),
	('44000000-0000-0000-0000-0000000000b3', 'memo-own', 'memo-own@example.com', '{owner}');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('44000000-0000-0000-0000-0000000000a1', '44000000-0000-0000-0000-0000000000b1', '{organization-auditor}'),
	('44000000-0000-0000-0000-0000000000a3', '44000000-0000-0000-0000-0000000000b1', '{organization-auditor}'),
	('44000000-0000-0000-0000-0000000000a2', '44000000-0000-0000-0000-0000000000b2', '{organization-auditor}');

-- one call site, rows grouped by organization (repeated questions) and
-- alternating, as ann: equal to the truth on every row
CREATE TEMP TABLE objs AS
	SELECT n, o.id AS org FROM generate_series(1, 4) n,
	       members.organizations o WHERE o.name LIKE 'memo-org-%';
SET members.actor = '44000000-0000-0000-0000-0000000000b1';
SELECT count(*) AS rows,
       count(*) FILTER (WHERE members.authorize('read', 'audit_log', org) IS DISTINCT FROM
                        members.authorize_user('44000000-0000-0000-0000-0000000000b1', 'read', 'audit_log', org)) AS wrong,
       count(*) FILTER (WHERE members.authorize('read', 'audit_log', org)) AS allowed
  FROM (SELECT org FROM objs ORDER BY org, n) s;
SELECT count(*) FILTER (WHERE members.authorize('read', 'audit_log', org) IS DISTINCT FROM
                        members.authorize_user('44000000-0000-0000-0000-0000000000b1', 'read', 'audit_log', org)) AS wrong
  FROM (SELECT org FROM objs ORDER BY n, org) s;

-- a call site whose questions keep changing stops using the memo for a
-- while (src/authz.c, MEMO_MAX_MISSES), then uses it again: 10,000 rows,
-- alternating organizations first, then grouped, still the truth
SELECT count(*) AS rows,
       count(*) FILTER (WHERE members.authorize('read', 'audit_log', org) IS DISTINCT FROM
                        members.authorize_user('44000000-0000-0000-0000-0000000000b1', 'read', 'audit_log', org)) AS wrong
  FROM (SELECT org FROM (SELECT n, org FROM objs) o, generate_series(1, 834) k
        ORDER BY CASE WHEN k <= 100 THEN k ELSE 1000 END, CASE WHEN k <= 100 THEN n ELSE 0 END, org, k) s;

-- the actor changed in the middle of a statement (set_config before the
-- check on each row): each row is decided for its own actor
SELECT u.username,
       set_config('members.actor', u.id::text, true) IS NOT NULL AS set,
       members.authorize('read', 'audit_log', '44000000-0000-0000-0000-0000000000a2') AS org2
  FROM (SELECT * FROM members.users WHERE username IN ('memo-ann', 'memo-ben', 'memo-own')
        ORDER BY username DESC) u;
SET members.actor = '44000000-0000-0000-0000-0000000000b1';

\set VERBOSITY default
-- own writes: the next command of the same transaction (here the next
-- statement of one PL/pgSQL block, all inside one top-level statement)
-- sees them, and a rolled-back subtransaction's no more
DO $$
DECLARE
	org2 constant uuid := '44000000-0000-0000-0000-0000000000a2';
	ann constant uuid := '44000000-0000-0000-0000-0000000000b1';
BEGIN
	RAISE NOTICE 'before: %', members.authorize('read', 'audit_log', org2);
	INSERT INTO members.organization_members (organization_id, user_id, roles)
		VALUES (org2, ann, '{organization-auditor}');
	RAISE NOTICE 'member: %', members.authorize('read', 'audit_log', org2);
	BEGIN
		UPDATE members.organization_members SET roles = '{}' WHERE organization_id = org2 AND user_id = ann;
		RAISE NOTICE 'in subtransaction, no role: %', members.authorize('read', 'audit_log', org2);
		RAISE EXCEPTION 'undo';
	EXCEPTION WHEN raise_exception THEN
		NULL;
	END;
	RAISE NOTICE 'rolled back: %', members.authorize('read', 'audit_log', org2);
	DELETE FROM members.organization_members WHERE organization_id = org2 AND user_id = ann;
	RAISE NOTICE 'removed: %', members.authorize('read', 'audit_log', org2);
END
$$;
\set VERBOSITY sqlstate

-- a site-level decision holds for every object, but an object with both
-- any_org and an organization still raises
SET members.actor = '44000000-0000-0000-0000-0000000000b3';
SELECT count(*) FILTER (WHERE members.authorize('delete', 'template', org)) AS owner_allowed, count(*) AS rows
  FROM objs;
SELECT members.authorize('read', 'template', o, NULL, a)
  FROM (VALUES (1, NULL::uuid, true), (2, '44000000-0000-0000-0000-0000000000a1', false),
               (3, '44000000-0000-0000-0000-0000000000a1', true)) v(n, o, a)
 ORDER BY n;
RESET members.actor;

DELETE FROM members.organization_members WHERE user_id IN
	('44000000-0000-0000-0000-0000000000b1', '44000000-0000-0000-0000-0000000000b2');
DELETE FROM members.users WHERE username LIKE 'memo-%';
DELETE FROM members.organizations WHERE name LIKE 'memo-org-%';
