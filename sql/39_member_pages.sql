-- members.paginated_organization_members on both sides of its small-organization
-- path (src/endpoints_read.c: at most 200 memberships are read whole and the page
-- cut in C; more take the count and page queries): every page of a grid of limits
-- and offsets equals the same slice of members.organization_members, and count is
-- the number of visible (not deleted) members.
\set VERBOSITY default
SET client_min_messages = warning;
TRUNCATE members.organizations, members.users CASCADE;
RESET client_min_messages;

INSERT INTO members.organizations (id, name, display_name, is_default, created_at, updated_at) VALUES
	('0a000000-0000-4000-8000-000000000039', 'pages', 'Pages', true, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00');
INSERT INTO members.custom_roles (name, display_name, org_permissions, organization_id) VALUES
	('pager', 'Pager', '[]', '0a000000-0000-4000-8000-000000000039');
-- 230 users with mixed-case names; p013, p077 and p150 are deleted.
INSERT INTO members.users (id, username, email, rbac_roles, deleted, created_at, updated_at)
SELECT ('0b000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid,
       CASE WHEN i % 3 = 0 THEN 'P' ELSE 'p' END || lpad(i::text, 3, '0'),
       'p' || i || '@example.com',
       CASE WHEN i % 50 = 0 THEN '{auditor}'::text[] ELSE '{}' END,
       i IN (13, 77, 150),
       '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'
  FROM generate_series(1, 230) i;

-- members(n): make the first n users (by id) the organization's members.
CREATE FUNCTION pg_temp.members(n int) RETURNS void LANGUAGE sql AS $$
	DELETE FROM members.organization_members;
	INSERT INTO members.organization_members (organization_id, user_id, roles, created_at, updated_at)
	SELECT '0a000000-0000-4000-8000-000000000039', u.id,
	       CASE WHEN row_number() OVER (ORDER BY u.id) % 7 = 0 THEN '{pager,organization-auditor}'::text[] ELSE '{}' END,
	       '2024-01-02 00:00:00+00', '2024-01-02 00:00:00+00'
	  FROM members.users u ORDER BY u.id LIMIT n;
$$;

-- pages_agree(): every (limit, offset) of the grid against the full listing.
CREATE FUNCTION pg_temp.pages_agree() RETURNS TABLE (memberships bigint, visible bigint, pages int, all_agree boolean)
LANGUAGE sql AS $$
	WITH full_list AS (SELECT members.organization_members('pages') AS j),
	grid AS (SELECT l, o FROM unnest('{0,1,50,199,200,1000}'::int[]) l, unnest('{0,1,150,196,199,200,201,250}'::int[]) o)
	SELECT (SELECT count(*) FROM members.organization_members),
	       jsonb_array_length((SELECT j FROM full_list))::bigint,
	       count(*)::int,
	       bool_and(members.paginated_organization_members('pages', l, o) =
	                jsonb_build_object(
	                  'members', (SELECT coalesce(jsonb_agg(e ORDER BY i), '[]')
	                                FROM jsonb_array_elements((SELECT j FROM full_list)) WITH ORDINALITY a(e, i)
	                               WHERE i > o AND (l = 0 OR i <= o + l)),
	                  'count', jsonb_array_length((SELECT j FROM full_list))))
	  FROM grid;
$$;

-- 200 memberships, 197 visible: the small path.
SELECT pg_temp.members(200);
SELECT * FROM pg_temp.pages_agree();
-- 203 memberships, 200 visible: more memberships than the small path takes.
SELECT pg_temp.members(203);
SELECT * FROM pg_temp.pages_agree();
-- 230 memberships, 227 visible.
SELECT pg_temp.members(230);
SELECT * FROM pg_temp.pages_agree();
-- A page is cut from the ordered listing: names compare case-insensitively.
SELECT string_agg(e->>'username', ' ' ORDER BY i) AS page
  FROM jsonb_array_elements(members.paginated_organization_members('pages', 5, 10)->'members') WITH ORDINALITY a(e, i);
SELECT pg_temp.members(20);
SELECT string_agg(e->>'username', ' ' ORDER BY i) AS page,
       members.paginated_organization_members('pages', 5, 10)->'count' AS count
  FROM jsonb_array_elements(members.paginated_organization_members('pages', 5, 10)->'members') WITH ORDINALITY a(e, i);
-- Past the end: no members, the count.
SELECT members.paginated_organization_members('pages', 5, 25) AS past_end;

-- The two ways of reading the members (src/member_rows.c's index scans up to
-- 200 memberships, the query beyond) give the same answer for the same
-- visible members, to the byte: 200 memberships, then one more whose user is
-- deleted (201: the query), for both endpoints.
SELECT pg_temp.members(200);
CREATE TEMP TABLE small_answers AS
SELECT members.organization_members('pages') AS whole,
       members.paginated_organization_members('pages', 0, 0) AS paged,
       members.paginated_organization_members('pages', 7, 190) AS page;
UPDATE members.users SET deleted = true WHERE username = 'p230';
INSERT INTO members.organization_members (organization_id, user_id, roles, created_at, updated_at)
SELECT '0a000000-0000-4000-8000-000000000039', id, '{pager}', '2024-01-02 00:00:00+00', '2024-01-02 00:00:00+00'
  FROM members.users WHERE username = 'p230';
SELECT (SELECT count(*) FROM members.organization_members) AS memberships,
       jsonb_array_length(whole) AS visible,
       members.organization_members('pages')::text = whole::text AS whole_same,
       members.paginated_organization_members('pages', 0, 0)::text = paged::text AS paged_same,
       members.paginated_organization_members('pages', 7, 190)::text = page::text AS page_same,
       jsonb_array_length(page->'members') AS page_length
  FROM small_answers;
-- and the index scans' order is the query's: lower(username), then id
SELECT pg_temp.members(200);
SELECT jsonb_path_query_array(members.organization_members('pages'), '$[*].user_id') =
       (SELECT jsonb_agg(u.id ORDER BY lower(u.username), u.id)
          FROM members.organization_members m JOIN members.users u ON u.id = m.user_id
         WHERE NOT u.deleted) AS same_order;

-- members.http_paginated_members (the HTTP adapter's raw query values):
-- nothing or plain digits skip members.http_pagination's decoding, and give
-- what it gives for the same numbers written otherwise.
SELECT l, o,
       members.http_paginated_members('pages', l, o) =
       members.http_paginated_members('pages', '%2B' || coalesce(nullif(l, ''), '0'),
                                      '%3' || coalesce(nullif(o, ''), '0')) AS same,
       jsonb_array_length(members.http_paginated_members('pages', l, o)->'members') AS page_length
  FROM (VALUES (NULL, NULL), ('', ''), ('5', '7'), ('000000005', '0'), ('0', '9')) v(l, o);
SELECT members.http_paginated_members('pages', '000001000', '196')->'members'->0->>'username' AS last_one;
-- ten digits take the checked way: over the page limit
SELECT members.http_paginated_members('pages', '1000000000', '0') AS ten_digits;

-- Without the indexes the index scans read (or with a primary key led by
-- another column), the listings take their queries, with the same answers.
CREATE TEMP TABLE indexed_answers AS
SELECT members.organization_members('pages') AS whole,
       members.paginated_organization_members('pages', 7, 190) AS page;
BEGIN;
ALTER TABLE members.organization_members DROP CONSTRAINT organization_members_pkey;
DROP INDEX members.custom_roles_name_org_idx;
SELECT members.organization_members('pages') = whole AS whole_same,
       members.paginated_organization_members('pages', 7, 190) = page AS page_same
  FROM indexed_answers;
ALTER TABLE members.organization_members
	ADD CONSTRAINT organization_members_pkey PRIMARY KEY (user_id, organization_id);
SELECT members.organization_members('pages') = whole AS whole_same,
       members.paginated_organization_members('pages', 7, 190) = page AS page_same
  FROM indexed_answers;
ROLLBACK;

SET client_min_messages = warning;
TRUNCATE members.organizations, members.users CASCADE;
RESET client_min_messages;
