-- Authorized listings (docs/rls-index.md): members.authorized_organizations,
-- the planner support of members.authorize and the MembersListing scan.
--
-- Every listing below is compared with the row-by-row ground truth of
-- members.authorize_user, for many actors, over tables with NOT NULL and
-- nullable organization columns, with and without an owner column, an
-- expression index and a multi-column index, under the default plan, with
-- sequential scans off, with index and bitmap scans off, with the listing
-- scan off, through one PL/pgSQL plan reused for every actor (generic
-- plans forced) and through a prepared statement.  The expected output of
-- each comparison is "no difference".
--
-- tests/suites/listing.sh runs this file again with random data: psql
-- variables seed (a number for setseed) and nrows override the defaults.
\set VERBOSITY sqlstate
\if :{?seed}
\else
\set seed 0.37
\endif
\if :{?nrows}
\else
\set nrows 2000
\endif
SELECT setseed(:seed);
-- disabled plan types cost 1e10, which would make every query JIT-compiled
SET jit = off;

-- Organizations L1..L6 (L4 with workspace sharing disabled), users.
INSERT INTO members.organizations (id, name, display_name, workspace_sharing_disabled) VALUES
	('37000000-0000-0000-0000-000000000001', 'list-1', 'L1', false),
	('37000000-0000-0000-0000-000000000002', 'list-2', 'L2', false),
	('37000000-0000-0000-0000-000000000003', 'list-3', 'L3', false),
	('37000000-0000-0000-0000-000000000004', 'list-4', 'L4', true),
	('37000000-0000-0000-0000-000000000005', 'list-5', 'L5', false),
	('37000000-0000-0000-0000-000000000006', 'list-6', 'L6', false);
-- Custom roles of L2: org-level workspace read; of L3: deny workspace read
-- and delete at org level (negative permissions, stored directly).
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('ws-reader', 'Workspace reader', '37000000-0000-0000-0000-000000000002',
	 '[{"negate": false, "resource_type": "workspace", "action": "read"},
	   {"negate": false, "resource_type": "template", "action": "read"}]'),
	('ws-deny', 'No workspaces', '37000000-0000-0000-0000-000000000003',
	 '[{"negate": true, "resource_type": "workspace", "action": "*"}]');
INSERT INTO members.users (id, username, email, rbac_roles, status) VALUES
	('e7000000-0000-0000-0000-000000000001', 'l-owner', 'l-owner@example.com', '{owner}', 'active'),
	('e7000000-0000-0000-0000-000000000002', 'l-auditor', 'l-auditor@example.com', '{auditor}', 'active'),
	('e7000000-0000-0000-0000-000000000003', 'l-org-admin', 'l-org-admin@example.com', '{}', 'active'),
	('e7000000-0000-0000-0000-000000000004', 'l-member', 'l-member@example.com', '{}', 'active'),
	('e7000000-0000-0000-0000-000000000005', 'l-custom', 'l-custom@example.com', '{}', 'active'),
	('e7000000-0000-0000-0000-000000000006', 'l-unshared', 'l-unshared@example.com', '{}', 'active'),
	('e7000000-0000-0000-0000-000000000007', 'l-nobody', 'l-nobody@example.com', '{}', 'active'),
	('e7000000-0000-0000-0000-000000000008', 'l-suspended', 'l-suspended@example.com', '{owner}', 'suspended'),
	('e7000000-0000-0000-0000-000000000009', 'l-banned', 'l-banned@example.com', '{}', 'active'),
	('e7000000-0000-0000-0000-00000000000a', 'l-denied', 'l-denied@example.com', '{}', 'active'),
	('e7000000-0000-0000-0000-00000000000b', 'l-tadmin', 'l-tadmin@example.com', '{template-admin}', 'active');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('37000000-0000-0000-0000-000000000001', 'e7000000-0000-0000-0000-000000000003', '{organization-admin}'),
	('37000000-0000-0000-0000-000000000002', 'e7000000-0000-0000-0000-000000000003', '{}'),
	('37000000-0000-0000-0000-000000000001', 'e7000000-0000-0000-0000-000000000004', '{}'),
	('37000000-0000-0000-0000-000000000002', 'e7000000-0000-0000-0000-000000000004', '{}'),
	('37000000-0000-0000-0000-000000000003', 'e7000000-0000-0000-0000-000000000004', '{}'),
	('37000000-0000-0000-0000-000000000002', 'e7000000-0000-0000-0000-000000000005', '{ws-reader}'),
	('37000000-0000-0000-0000-000000000004', 'e7000000-0000-0000-0000-000000000006', '{}'),
	('37000000-0000-0000-0000-000000000001', 'e7000000-0000-0000-0000-000000000008', '{}'),
	('37000000-0000-0000-0000-000000000001', 'e7000000-0000-0000-0000-000000000009', '{organization-workspace-creation-ban}'),
	('37000000-0000-0000-0000-000000000005', 'e7000000-0000-0000-0000-000000000009', '{organization-admin,organization-workspace-creation-ban}'),
	('37000000-0000-0000-0000-000000000003', 'e7000000-0000-0000-0000-00000000000a', '{organization-admin,ws-deny}'),
	('37000000-0000-0000-0000-000000000006', 'e7000000-0000-0000-0000-00000000000a', '{organization-admin}');

-- tests/suites/listing.sh: random extra memberships (psql variable shuffle).
\if :{?shuffle}
INSERT INTO members.organization_members (organization_id, user_id, roles)
	SELECT o.id, u.id,
		   (SELECT coalesce(array_agg(r), '{}') FROM unnest(ARRAY['organization-admin', 'organization-auditor',
				'organization-template-admin', 'organization-user-admin', 'organization-workspace-creation-ban',
				'ws-reader', 'ws-deny']) r WHERE random() < 0.2 + 0 * length(o.name || u.username)
				AND (r NOT IN ('ws-reader', 'ws-deny') OR
					 EXISTS (SELECT 1 FROM members.custom_roles c WHERE c.name = r AND c.organization_id = o.id)))
	  FROM members.organizations o, members.users u
	 WHERE o.id::text LIKE '37000000-%' AND u.id::text LIKE 'e7000000-%' AND random() < 0.3
	ON CONFLICT DO NOTHING;
\endif

-- The actors; NULL id = the system (no actor, trusted caller).
CREATE TABLE public.listing_actors (name text PRIMARY KEY, id uuid);
INSERT INTO public.listing_actors
	SELECT username, id FROM members.users
	 WHERE id::text LIKE 'e7000000-%' AND status = 'active';
INSERT INTO public.listing_actors VALUES ('system', NULL);

-- Application tables.  Organizations: L1..L6, one that does not exist,
-- the nil uuid and (nullable columns) NULL; owners: the actors and others.
CREATE SCHEMA listing_app;
CREATE FUNCTION listing_app.any_org(nullable boolean) RETURNS uuid LANGUAGE sql VOLATILE AS $$
	SELECT CASE width_bucket(random(), 0, 1, 9)
		WHEN 7 THEN '37000000-0000-0000-0000-0000000000ff'::uuid
		WHEN 8 THEN '00000000-0000-0000-0000-000000000000'::uuid
		WHEN 9 THEN CASE WHEN nullable THEN NULL ELSE '37000000-0000-0000-0000-000000000001'::uuid END
		ELSE ('37000000-0000-0000-0000-00000000000' || width_bucket(random(), 0, 1, 6))::uuid END
$$;
CREATE FUNCTION listing_app.any_owner() RETURNS uuid LANGUAGE sql VOLATILE AS $$
	SELECT CASE WHEN random() < 0.6
		THEN ('e7000000-0000-0000-0000-00000000000' || to_hex(width_bucket(random(), 0, 1, 11)))::uuid
		ELSE gen_random_uuid() END
$$;
CREATE TABLE listing_app.ws_nn (id int PRIMARY KEY, organization_id uuid NOT NULL, owner_id uuid, created int);
CREATE TABLE listing_app.ws_null (id int PRIMARY KEY, organization_id uuid, owner_id uuid);
CREATE TABLE listing_app.tpl_nn (id int PRIMARY KEY, organization_id uuid NOT NULL);
CREATE TABLE listing_app.tpl_null (id int PRIMARY KEY, organization_id uuid);
CREATE TABLE listing_app.tpl_owned (id int PRIMARY KEY, organization_id uuid, owner_id uuid);
CREATE TABLE listing_app.docs (id int PRIMARY KEY, data jsonb NOT NULL);
INSERT INTO listing_app.ws_nn SELECT i, listing_app.any_org(false), listing_app.any_owner(), i % 97 FROM generate_series(1, :nrows) i;
INSERT INTO listing_app.ws_null SELECT i, listing_app.any_org(true), listing_app.any_owner() FROM generate_series(1, :nrows) i;
INSERT INTO listing_app.tpl_nn SELECT i, listing_app.any_org(false) FROM generate_series(1, :nrows) i;
INSERT INTO listing_app.tpl_null SELECT i, listing_app.any_org(true) FROM generate_series(1, :nrows) i;
INSERT INTO listing_app.tpl_owned SELECT i, listing_app.any_org(true), listing_app.any_owner() FROM generate_series(1, :nrows) i;
INSERT INTO listing_app.docs SELECT i, jsonb_build_object('org', listing_app.any_org(false)) FROM generate_series(1, :nrows) i;
CREATE INDEX ON listing_app.ws_nn (organization_id, created);
CREATE INDEX ON listing_app.ws_null (organization_id);
CREATE INDEX ON listing_app.tpl_nn (organization_id);
CREATE INDEX ON listing_app.tpl_null (organization_id);
CREATE INDEX ON listing_app.tpl_owned (organization_id);
CREATE INDEX docs_org ON listing_app.docs (((data->>'org')::uuid));

-- One policy per table.
CREATE TABLE public.listing_tables (tbl text PRIMARY KEY, action text, rtype text, org_expr text, owner_expr text);
INSERT INTO public.listing_tables VALUES
	('listing_app.ws_nn', 'read', 'workspace', 'organization_id', 'owner_id'),
	('listing_app.ws_null', 'read', 'workspace', 'organization_id', 'owner_id'),
	('listing_app.tpl_nn', 'read', 'template', 'organization_id', NULL),
	('listing_app.tpl_null', 'read', 'template', 'organization_id', NULL),
	('listing_app.tpl_owned', 'read', 'template', 'organization_id', 'owner_id'),
	('listing_app.docs', 'read', 'template', '(data->>''org'')::uuid', NULL);
SELECT format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl),
	   format('CREATE POLICY p ON %s FOR SELECT USING (members.authorize(%L, %L, %s%s))',
			  tbl, action, rtype, org_expr, coalesce(', ' || owner_expr, '')),
	   format('ANALYZE %s', tbl),
	   format('GRANT SELECT ON %s TO members_app', tbl)
  FROM public.listing_tables ORDER BY tbl \gexec
-- Delete on workspaces (organization-workspace-creation-ban denies it at
-- org level): a table with the rows of ws_nn.
CREATE TABLE listing_app.ws_delete (LIKE listing_app.ws_nn INCLUDING INDEXES);
INSERT INTO listing_app.ws_delete SELECT * FROM listing_app.ws_nn;
ALTER TABLE listing_app.ws_delete ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON listing_app.ws_delete FOR SELECT
	USING (members.authorize('delete', 'workspace', organization_id, owner_id));
ANALYZE listing_app.ws_delete;
GRANT SELECT ON listing_app.ws_delete TO members_app;
INSERT INTO public.listing_tables VALUES
	('listing_app.ws_delete', 'delete', 'workspace', 'organization_id', 'owner_id');
GRANT USAGE ON SCHEMA listing_app TO members_app;

-- Ground truth, row by row (as the table owner: no policy applies), of
-- the rows the listings below select (id % 7 <> 3).
CREATE TABLE public.listing_truth (tbl text, actor text, id int);
CREATE TABLE public.listing_seen (mode text, tbl text, actor text, id int);
GRANT INSERT, SELECT ON public.listing_seen TO members_app;
GRANT SELECT ON public.listing_actors, public.listing_tables, public.listing_truth TO members_app;
CREATE FUNCTION public.listing_fill_truth() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t record;
BEGIN
	DELETE FROM public.listing_truth;
	FOR t IN SELECT * FROM public.listing_tables LOOP
		EXECUTE format(
			'INSERT INTO public.listing_truth SELECT %L, a.name, t.id FROM public.listing_actors a, %s t
			  WHERE t.id %% 7 <> 3 AND CASE WHEN a.id IS NULL THEN true
					ELSE members.authorize_user(a.id, %L, %L, %s, %s) END',
			t.tbl, t.tbl, t.action, t.rtype,
			replace(t.org_expr, 'data', 't.data'), coalesce('t.' || t.owner_expr, 'NULL'));
	END LOOP;
END $$;
SELECT public.listing_fill_truth();

-- Listing through the policies (with one more condition of the query's
-- own, which the listing scan must keep): one dynamic statement per table and actor
-- (planned for that actor), or one static statement per table whose plan
-- PL/pgSQL keeps and reuses for every actor.
-- (A SELECT each time: the listing scan is for read-only queries.)
CREATE FUNCTION public.listing_collect(mode text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t record;
	a record;
	ids int[];
BEGIN
	FOR t IN SELECT * FROM public.listing_tables ORDER BY tbl LOOP
		FOR a IN SELECT * FROM public.listing_actors ORDER BY name LOOP
			PERFORM set_config('members.actor', coalesce(a.id::text, ''), true);
			EXECUTE format('SELECT array_agg(id) FROM %s WHERE id %% 7 <> 3', t.tbl) INTO ids;
			INSERT INTO public.listing_seen SELECT mode, t.tbl, a.name, unnest(ids);
		END LOOP;
	END LOOP;
END $$;
SELECT format($f$
CREATE FUNCTION public.listing_collect_static_%s(mode text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	a record;
	ids int[];
BEGIN
	FOR a IN SELECT * FROM public.listing_actors ORDER BY name LOOP
		PERFORM set_config('members.actor', coalesce(a.id::text, ''), true);
		SELECT array_agg(id) INTO ids FROM %s WHERE id %% 7 <> 3;
		INSERT INTO public.listing_seen SELECT mode, %L, a.name, unnest(ids);
	END LOOP;
END $$
$f$, replace(tbl, 'listing_app.', ''), tbl, tbl) FROM public.listing_tables ORDER BY tbl \gexec
-- Rescans: the listing scan as the inner side of a nested loop, scanned
-- again with another outer value for each outer row (it chooses again and
-- goes back through its own executor function): the ids, and the counts
-- (no column returned), per outer row.
CREATE FUNCTION public.listing_collect_rescan(mode text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	t record;
	a record;
	ids int[];
	counts bigint[];
BEGIN
	FOR t IN SELECT * FROM public.listing_tables ORDER BY tbl LOOP
		FOR a IN SELECT * FROM public.listing_actors ORDER BY name LOOP
			PERFORM set_config('members.actor', coalesce(a.id::text, ''), true);
			EXECUTE format('SELECT array_agg(x.id) FROM (VALUES (0), (1), (2)) k(k)
							CROSS JOIN LATERAL (SELECT id FROM %s WHERE id %% 7 <> 3 AND id %% 3 = k.k OFFSET 0) x',
						   t.tbl) INTO ids;
			INSERT INTO public.listing_seen SELECT mode, t.tbl, a.name, unnest(ids);
			EXECUTE format('SELECT array_agg(x.c ORDER BY k.k) FROM (VALUES (0), (1), (2)) k(k)
							CROSS JOIN LATERAL (SELECT count(*) AS c FROM %s WHERE id %% 7 <> 3 AND id %% 3 = k.k) x',
						   t.tbl) INTO counts;
			INSERT INTO public.listing_rescan_counts VALUES (mode, t.tbl, a.name, counts);
		END LOOP;
	END LOOP;
END $$;
CREATE TABLE public.listing_rescan_counts (mode text, tbl text, actor text, counts bigint[]);
GRANT INSERT, SELECT ON public.listing_rescan_counts TO members_app;
CREATE FUNCTION public.listing_collect_static(mode text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM public.listing_collect_static_ws_nn(mode);
	PERFORM public.listing_collect_static_ws_null(mode);
	PERFORM public.listing_collect_static_ws_delete(mode);
	PERFORM public.listing_collect_static_tpl_nn(mode);
	PERFORM public.listing_collect_static_tpl_null(mode);
	PERFORM public.listing_collect_static_tpl_owned(mode);
	PERFORM public.listing_collect_static_docs(mode);
END $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO members_app;

-- The differences of every mode from the truth: expected none.
CREATE VIEW public.listing_diff AS
	WITH modes AS (SELECT DISTINCT mode FROM public.listing_seen),
	expect AS (SELECT m.mode, t.tbl, t.actor, t.id FROM modes m, public.listing_truth t)
	SELECT coalesce(e.mode, s.mode) AS mode, coalesce(e.tbl, s.tbl) AS tbl,
		   coalesce(e.actor, s.actor) AS actor,
		   count(*) FILTER (WHERE s.id IS NULL) AS missing,
		   count(*) FILTER (WHERE e.id IS NULL) AS extra
	  FROM expect e FULL JOIN public.listing_seen s USING (mode, tbl, actor, id)
	 GROUP BY 1, 2, 3 HAVING count(*) FILTER (WHERE s.id IS NULL OR e.id IS NULL) > 0;

-- authorized_organizations: NULL for a site-level reader and the system,
-- the organizations otherwise ('{}' when none).
SET ROLE members_app;
SELECT a.name,
	   (SELECT members.authorized_organizations('read', 'workspace')
		  FROM (SELECT set_config('members.actor', coalesce(a.id::text, ''), true)) s) AS read_workspace,
	   (SELECT members.authorized_organizations('delete', 'workspace')
		  FROM (SELECT set_config('members.actor', coalesce(a.id::text, ''), true)) s) AS delete_workspace
  FROM public.listing_actors a ORDER BY a.name;
RESET members.actor;
SELECT members.authorized_organizations('read', 'template') IS NULL AS system_sees_all;
-- errors: NULL or unknown names, wildcards, an unusable actor
SELECT members.authorized_organizations(NULL, 'template');
SELECT members.authorized_organizations('read', NULL);
SELECT members.authorized_organizations('*', 'template');
SELECT members.authorized_organizations('read', 'nope');
BEGIN;
SET LOCAL members.actor = 'e7000000-0000-0000-0000-000000000008';
SELECT members.authorized_organizations('read', 'template');
ROLLBACK;
RESET ROLE;
SET ROLE members_plain;
SELECT members.authorized_organizations('read', 'template');
RESET ROLE;

-- The plans.  With sequential scans off the listing scan is taken; both
-- children are shown, the index one with the derived condition.
SET ROLE members_app;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM listing_app.ws_nn;
EXPLAIN (COSTS OFF) SELECT id FROM listing_app.docs WHERE id > 10;
-- EXPLAIN ANALYZE says which child ran and why.  These tables have few
-- organizations: a member of 3 of them reads the table in order unless
-- members.listing_index_fraction allows more.
BEGIN;
SET LOCAL members.actor = 'e7000000-0000-0000-0000-000000000004';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM listing_app.ws_nn;
SET LOCAL members.listing_index_fraction = 1;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM listing_app.ws_nn;
SET LOCAL members.actor = 'e7000000-0000-0000-0000-000000000001';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM listing_app.ws_nn;
-- template read: every user has it at user level (member); tpl_owned has a
-- nullable organization and an owner, so rows without one may be theirs:
-- the third child also reads the rows without an organization (through the
-- same index, IS NULL), the filter keeps the actor's
SET LOCAL members.actor = 'e7000000-0000-0000-0000-000000000004';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM listing_app.tpl_owned;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM listing_app.tpl_null;
-- more rows without an organization (about a tenth here) than
-- members.listing_index_fraction of the table: the fallback
SET LOCAL members.listing_index_fraction = 0.05;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM listing_app.tpl_owned;
ROLLBACK;
RESET enable_seqscan;
RESET ROLE;
-- Where it cannot help, nothing changes (the same clauses, as the table
-- owner): row locks and UPDATE (no listing scan there), no index on the
-- organization, any_org, an expression no index matches.
CREATE TABLE listing_app.plain (id int PRIMARY KEY, organization_id uuid NOT NULL, owner_id uuid);
CREATE INDEX ON listing_app.plain (owner_id);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM listing_app.ws_nn
	WHERE members.authorize('read', 'workspace', organization_id, owner_id) FOR UPDATE;
EXPLAIN (COSTS OFF) UPDATE listing_app.ws_nn SET created = 0
	WHERE members.authorize('update', 'workspace', organization_id, owner_id);
EXPLAIN (COSTS OFF) SELECT id FROM listing_app.plain
	WHERE members.authorize('read', 'workspace', organization_id, owner_id);
EXPLAIN (COSTS OFF) SELECT id FROM listing_app.tpl_nn
	WHERE members.authorize('read', 'workspace', NULL, NULL, true);
EXPLAIN (COSTS OFF) SELECT id FROM listing_app.tpl_nn
	WHERE members.authorize('read', 'workspace', organization_id::text::uuid);
RESET enable_seqscan;

-- Correctness: every mode against the truth.
SET ROLE members_app;
BEGIN;
SELECT public.listing_collect('default');
SET LOCAL enable_seqscan = off;
SELECT public.listing_collect('seqscan off');
SET LOCAL enable_seqscan = on;
SET LOCAL enable_indexscan = off;
SET LOCAL enable_bitmapscan = off;
SET LOCAL enable_indexonlyscan = off;
SELECT public.listing_collect('index and bitmap off');
SET LOCAL enable_indexscan = on;
SET LOCAL enable_bitmapscan = on;
SET LOCAL enable_indexonlyscan = on;
SET LOCAL members.enable_listing_scan = off;
SELECT public.listing_collect('listing scan off');
SET LOCAL members.enable_listing_scan = on;
SET LOCAL enable_seqscan = off;
SET LOCAL members.listing_index_fraction = 1;
SELECT public.listing_collect('seqscan off, index whenever possible');
-- the smallest work_mem (bitmaps become lossy only for much larger tables)
SET LOCAL work_mem = '64kB';
SELECT public.listing_collect('seqscan off, index whenever possible, work_mem 64kB');
RESET work_mem;
SET LOCAL enable_seqscan = on;
SET LOCAL plan_cache_mode = force_generic_plan;
SELECT public.listing_collect_static('generic plan reused');
SET LOCAL enable_seqscan = off;
SELECT public.listing_collect_static('generic plan reused, seqscan off');
SET LOCAL members.listing_index_fraction = 0.3;
SELECT public.listing_collect_static('generic plan reused, seqscan off, fraction 0.3');
SET LOCAL plan_cache_mode = force_custom_plan;
SELECT public.listing_collect_static('custom plans');
SET LOCAL plan_cache_mode = auto;
SET LOCAL enable_seqscan = on;
SET LOCAL members.listing_index_fraction = 0.3;
SELECT public.listing_collect_rescan('rescans');
SET LOCAL enable_seqscan = off;
SET LOCAL enable_hashjoin = off;
SET LOCAL enable_mergejoin = off;
SET LOCAL members.listing_index_fraction = 1;
SELECT public.listing_collect_rescan('rescans, seqscan off, index whenever possible');
COMMIT;
RESET ROLE;
-- The original call stays as the filter of whichever child runs, for every
-- actor, so a wrong choice or a wrong key list can only hide rows.  Counted
-- with track_functions = all: pg_stat_xact_user_functions, read before and
-- after each listing inside one transaction (the counts are flushed, and
-- the view emptied, only between transactions).  The site owner and the
-- system (fallback) call authorize on every row; an organization admin
-- reading tables whose policy passes no owner (every key allowed at
-- organization level, so the filter removes nothing) on every row the
-- index returns; a member of 3 organizations reading workspaces (member
-- level: own rows only) on more rows than it sees: the filter removes the
-- rows of others that the index returns.  The visible rows still equal the
-- truth (which leaves out id % 7 = 3).
CREATE FUNCTION public.listing_authorize_calls() RETURNS bigint
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
	SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_xact_user_functions
	 WHERE funcid = 'members.authorize(text,text,uuid,uuid,boolean)'::regprocedure
$$;
GRANT EXECUTE ON FUNCTION public.listing_authorize_calls() TO members_app;
SELECT count(*) AS ws_nn_rows FROM listing_app.ws_nn \gset
SET track_functions = 'all';
SET ROLE members_app;
BEGIN;
SET LOCAL members.actor = 'e7000000-0000-0000-0000-000000000001';
SELECT public.listing_authorize_calls() AS c0 \gset
SELECT count(*) AS seen FROM listing_app.ws_nn \gset
SELECT :seen = :ws_nn_rows AS owner_sees_all,
	   public.listing_authorize_calls() - :c0 = :ws_nn_rows AS owner_checks_every_row;
COMMIT;
BEGIN;
SELECT public.listing_authorize_calls() AS c0 \gset
SELECT count(*) AS seen FROM listing_app.ws_nn \gset
SELECT :seen = :ws_nn_rows AS system_sees_all,
	   public.listing_authorize_calls() - :c0 = :ws_nn_rows AS system_checks_every_row;
COMMIT;
SET enable_seqscan = off;
SET members.listing_index_fraction = 1;
SET members.actor = 'e7000000-0000-0000-0000-000000000003';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM listing_app.tpl_nn;
BEGIN;
SELECT public.listing_authorize_calls() AS c0 \gset
SELECT count(*) AS seen FROM listing_app.tpl_nn \gset
SELECT :seen > 0 AS admin_sees_rows,
	   public.listing_authorize_calls() - :c0 = :seen AS admin_checks_every_row_read;
SELECT public.listing_authorize_calls() AS c0 \gset
SELECT count(*) AS seen FROM listing_app.docs \gset
SELECT :seen > 0 AS admin_sees_docs,
	   public.listing_authorize_calls() - :c0 = :seen AS admin_checks_every_doc_read;
COMMIT;
SELECT (SELECT count(*) FROM listing_app.tpl_nn WHERE id % 7 <> 3) =
	   (SELECT count(*) FROM public.listing_truth
		 WHERE tbl = 'listing_app.tpl_nn' AND actor = 'l-org-admin') AS admin_equals_truth;
SET members.actor = 'e7000000-0000-0000-0000-000000000004';
BEGIN;
SELECT public.listing_authorize_calls() AS c0 \gset
SELECT count(*) AS seen FROM listing_app.ws_nn \gset
SELECT public.listing_authorize_calls() - :c0 > :seen AS member_filter_removes_rows;
COMMIT;
SELECT (SELECT count(*) FROM listing_app.ws_nn WHERE id % 7 <> 3) =
	   (SELECT count(*) FROM public.listing_truth
		 WHERE tbl = 'listing_app.ws_nn' AND actor = 'l-member') AS member_equals_truth;
RESET members.actor;
RESET members.listing_index_fraction;
RESET enable_seqscan;
RESET ROLE;
RESET track_functions;
SELECT mode, count(*) AS listings, sum(n) AS rows_seen
  FROM (SELECT mode, tbl, actor, count(*) AS n FROM public.listing_seen GROUP BY 1, 2, 3) x
 GROUP BY mode ORDER BY mode;
SELECT (SELECT count(DISTINCT (tbl, actor)) FROM public.listing_truth) AS listings_with_rows,
	   (SELECT count(*) > 0 FROM public.listing_truth) AS truth_not_empty;
SELECT * FROM public.listing_diff ORDER BY 1, 2, 3;
-- the counts per outer row of the rescans, against the truth: expected none
SELECT r.mode, r.tbl, r.actor, r.counts
  FROM public.listing_rescan_counts r
 WHERE r.counts IS DISTINCT FROM
	   (SELECT array_agg((SELECT count(*) FROM public.listing_truth t
						   WHERE t.tbl = r.tbl AND t.actor = r.actor AND t.id % 3 = k) ORDER BY k)
		  FROM generate_series(0, 2) k)
 ORDER BY 1, 2, 3;
SELECT count(*) AS rescan_count_checks FROM public.listing_rescan_counts;
-- a rescanned listing scan, as the plans above run it
SET ROLE members_app;
SET enable_seqscan = off;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT count(x.c) FROM (VALUES (0), (1), (2)) k(k)
	CROSS JOIN LATERAL (SELECT count(*) AS c FROM listing_app.tpl_nn WHERE id % 7 <> 3 AND id % 3 = k.k) x;
RESET enable_seqscan;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET ROLE;
-- What the listing scan chose for each table and actor (sequential scans
-- off, index whenever possible): the index child ran for most of them.
CREATE FUNCTION public.listing_choices() RETURNS TABLE (tbl text, choice text, actors bigint)
LANGUAGE plpgsql AS $$
DECLARE
	t record;
	a record;
	plan json;
BEGIN
	CREATE TEMP TABLE IF NOT EXISTS choices (tbl text, actor text, choice text);
	FOR t IN SELECT * FROM public.listing_tables LOOP
		FOR a IN SELECT * FROM public.listing_actors LOOP
			PERFORM set_config('members.actor', coalesce(a.id::text, ''), true);
			EXECUTE format('EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM %s', t.tbl) INTO plan;
			INSERT INTO choices VALUES (t.tbl, a.name,
				coalesce(plan->0->'Plan'->>'Chosen', plan->0->'Plan'->>'Node Type'));
		END LOOP;
	END LOOP;
	RETURN QUERY SELECT c.tbl, regexp_replace(c.choice, '\d+ organizations', 'n organizations'), count(*)
		FROM choices c GROUP BY 1, 2 ORDER BY 1, 2;
END $$;
GRANT EXECUTE ON FUNCTION public.listing_choices() TO members_app;
SET ROLE members_app;
BEGIN;
SET LOCAL enable_seqscan = off;
SET LOCAL members.listing_index_fraction = 1;
SELECT * FROM public.listing_choices();
ROLLBACK;
RESET ROLE;

-- A prepared statement executed for several actors in turn, with a role
-- change between two executions (generic plan forced); each count is
-- compared with the truth.
SET plan_cache_mode = force_generic_plan;
SET enable_seqscan = off;
SET members.listing_index_fraction = 1;
SET ROLE members_app;
PREPARE listing_q AS SELECT count(*) FROM listing_app.ws_nn WHERE id % 7 <> 3;
SET members.actor = 'e7000000-0000-0000-0000-000000000004';
EXECUTE listing_q \gset
SELECT :count = (SELECT count(*) FROM public.listing_truth
				  WHERE tbl = 'listing_app.ws_nn' AND actor = 'l-member') AS prepared_equals_truth;
SET members.actor = 'e7000000-0000-0000-0000-000000000001';
EXECUTE listing_q \gset
SELECT :count = (SELECT count(*) FROM public.listing_truth
				  WHERE tbl = 'listing_app.ws_nn' AND actor = 'l-owner') AS prepared_equals_truth;
SET members.actor = 'e7000000-0000-0000-0000-000000000007';
EXECUTE listing_q \gset
SELECT :count = (SELECT count(*) FROM public.listing_truth
				  WHERE tbl = 'listing_app.ws_nn' AND actor = 'l-nobody') AS prepared_equals_truth;
RESET members.actor;
EXECUTE listing_q \gset
SELECT :count = (SELECT count(*) FROM public.listing_truth
				  WHERE tbl = 'listing_app.ws_nn' AND actor = 'system') AS prepared_equals_truth;
RESET ROLE;
-- l-nobody becomes organization-admin of L2 and L5 (in L5 also banned from
-- creating workspaces)
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('37000000-0000-0000-0000-000000000002', 'e7000000-0000-0000-0000-000000000007', '{organization-admin}'),
	('37000000-0000-0000-0000-000000000005', 'e7000000-0000-0000-0000-000000000007',
	 '{organization-admin,organization-workspace-creation-ban}')
	ON CONFLICT (organization_id, user_id) DO UPDATE SET roles = excluded.roles;
SELECT public.listing_fill_truth();
SET ROLE members_app;
SET members.actor = 'e7000000-0000-0000-0000-000000000007';
EXECUTE listing_q \gset
SELECT :count = (SELECT count(*) FROM public.listing_truth
				  WHERE tbl = 'listing_app.ws_nn' AND actor = 'l-nobody') AS prepared_equals_truth,
	   :count > 0 AS sees_rows_now;
RESET ROLE;
-- and loses them again: the same plan, the next execution
DELETE FROM members.organization_members WHERE user_id = 'e7000000-0000-0000-0000-000000000007';
SELECT public.listing_fill_truth();
SET ROLE members_app;
SET members.actor = 'e7000000-0000-0000-0000-000000000007';
EXECUTE listing_q \gset
SELECT :count = (SELECT count(*) FROM public.listing_truth
				  WHERE tbl = 'listing_app.ws_nn' AND actor = 'l-nobody') AS prepared_equals_truth;
EXPLAIN (COSTS OFF) EXECUTE listing_q;
-- a suspended actor: the same error with and without the listing scan
SET members.actor = 'e7000000-0000-0000-0000-000000000008';
EXECUTE listing_q;
SET members.enable_listing_scan = off;
SELECT count(*) FROM listing_app.ws_nn;
RESET members.enable_listing_scan;
RESET members.actor;
DEALLOCATE listing_q;
RESET members.listing_index_fraction;
RESET enable_seqscan;
RESET plan_cache_mode;
RESET ROLE;

-- Clean up (other suites count users and organizations).
DROP SCHEMA listing_app CASCADE;
DROP VIEW public.listing_diff;
DROP TABLE public.listing_truth, public.listing_seen, public.listing_actors, public.listing_tables,
	public.listing_rescan_counts;
DROP FUNCTION public.listing_fill_truth(), public.listing_choices(), public.listing_authorize_calls(), public.listing_collect(text), public.listing_collect_static(text),
	public.listing_collect_rescan(text),
	public.listing_collect_static_ws_nn(text), public.listing_collect_static_ws_null(text),
	public.listing_collect_static_ws_delete(text), public.listing_collect_static_tpl_nn(text),
	public.listing_collect_static_tpl_null(text), public.listing_collect_static_tpl_owned(text),
	public.listing_collect_static_docs(text);
DELETE FROM members.organization_members WHERE organization_id::text LIKE '37000000-%';
DELETE FROM members.custom_roles WHERE organization_id::text LIKE '37000000-%';
DELETE FROM members.users WHERE id::text LIKE 'e7000000-%';
DELETE FROM members.organizations WHERE id::text LIKE '37000000-%';
