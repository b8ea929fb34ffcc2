-- Every permission answer of every non-deleted user of fill.sql: each
-- resource type and action of the registry on the organizations of fill.sql
-- and none, owned by the user, by someone else and by nobody.  One line per
-- (user, resource type, action): a string of 0/1, one per object shape.
\pset format unaligned
\pset tuples_only on
\pset pager off
SELECT u.username || ' ' || r.resource_type || ' ' || a.action || ' ' ||
	   pg_catalog.string_agg(CASE WHEN members.authorize_user(u.id, a.action, r.resource_type, o.org, w.owner)
								  THEN '1' ELSE '0' END, '' ORDER BY o.n, w.n)
  FROM members.users u
 CROSS JOIN members.rbac_resources() r
 CROSS JOIN LATERAL pg_catalog.unnest(r.actions) AS a(action)
 CROSS JOIN (VALUES (1, NULL::uuid), (2, '00000000-0000-4000-8000-00000000000a'::uuid),
					(3, '00000000-0000-4000-8000-00000000000b'), (4, '00000000-0000-4000-8000-00000000000c'),
					(5, '00000000-0000-4000-8000-00000000000d')) AS o(n, org)
 CROSS JOIN LATERAL (VALUES (1, NULL::uuid), (2, u.id), (3, '00000000-0000-4000-8000-000000000009'::uuid)) AS w(n, owner)
 WHERE NOT u.deleted
 GROUP BY u.username, r.resource_type, a.action
 ORDER BY 1;
