-- A normalised description of everything the members extension owns, one
-- line per fact, sorted; tests/suites/upgrade.sh compares it between a 1.0
-- database updated to the current version and a fresh install.  Only names,
-- never OIDs, appear, so two databases compare line by line.
\pset format unaligned
\pset tuples_only on
\pset pager off
WITH ext AS (
	SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'members'
), members AS (
	-- every object that belongs to the extension
	SELECT d.classid, d.objid, d.objsubid
	  FROM pg_catalog.pg_depend d, ext
	 WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass
	   AND d.refobjid = ext.oid AND d.deptype = 'e'
), facts AS (
	SELECT 'member ' || pg_catalog.pg_describe_object(classid, objid, objsubid) AS fact
	  FROM members
	UNION ALL
	-- comments on members and on their sub-objects (columns)
	SELECT 'comment ' || pg_catalog.pg_describe_object(ds.classoid, ds.objoid, ds.objsubid)
		   || ' = ' || ds.description
	  FROM pg_catalog.pg_description ds
	  JOIN members m ON m.classid = ds.classoid AND m.objid = ds.objoid
	UNION ALL
	-- functions: signature, defaults, result, kind, language, flags, settings, ACL, body
	SELECT 'function ' || p.oid::regprocedure::text
		   || ' args=(' || pg_catalog.pg_get_function_arguments(p.oid) || ')'
		   || ' returns=' || pg_catalog.pg_get_function_result(p.oid)
		   || ' kind=' || p.prokind::text || ' lang=' || l.lanname
		   || ' volatile=' || p.provolatile::text || ' strict=' || p.proisstrict
		   || ' parallel=' || p.proparallel::text || ' secdef=' || p.prosecdef
		   || ' leakproof=' || p.proleakproof || ' cost=' || p.procost || ' rows=' || p.prorows
		   || ' support=' || p.prosupport::text
		   || ' config=' || coalesce(p.proconfig::text, '-')
		   || ' acl=' || coalesce(p.proacl::text, '-')
		   || ' owner=' || pg_catalog.pg_get_userbyid(p.proowner)
		   || ' bin=' || coalesce(p.probin, '-')
		   || ' src=' || pg_catalog.md5(p.prosrc)
	  FROM members m
	  JOIN pg_catalog.pg_proc p ON m.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = m.objid
	  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
	UNION ALL
	-- relations: kind, options, row security, ACL, owner
	SELECT 'relation ' || c.oid::regclass::text || ' kind=' || c.relkind::text
		   || ' persistence=' || c.relpersistence::text
		   || ' options=' || coalesce(c.reloptions::text, '-')
		   || ' rls=' || c.relrowsecurity || '/' || c.relforcerowsecurity
		   || ' acl=' || coalesce(c.relacl::text, '-')
		   || ' owner=' || pg_catalog.pg_get_userbyid(c.relowner)
		   || ' replident=' || c.relreplident::text
	  FROM members m
	  JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid
	UNION ALL
	-- columns in order (position among the live columns: an upgrade may
	-- leave dropped ones behind), with type, default, nullability, collation
	SELECT 'column ' || c.oid::regclass::text || ' #'
		   || pg_catalog.row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)
		   || ' ' || pg_catalog.quote_ident(a.attname)
		   || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
		   || ' notnull=' || a.attnotnull
		   || ' default=' || coalesce(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '-')
		   || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text
		   || ' collation=' || coalesce((SELECT co.collname FROM pg_catalog.pg_collation co
										  WHERE co.oid = a.attcollation AND a.attcollation <> 0), '-')
		   || ' acl=' || coalesce(a.attacl::text, '-')
	  FROM members m
	  JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid
	  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	 WHERE c.relkind::text IN ('r', 'p', 'v', 'm', 'f')
	UNION ALL
	-- constraints of member tables
	SELECT 'constraint ' || c.oid::regclass::text || ' ' || co.conname || ' '
		   || pg_catalog.pg_get_constraintdef(co.oid)
		   || ' deferrable=' || co.condeferrable || '/' || co.condeferred
		   || ' valid=' || co.convalidated
	  FROM members m
	  JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid
	  JOIN pg_catalog.pg_constraint co ON co.conrelid = c.oid
	UNION ALL
	-- indexes of member tables (named, with their definitions)
	SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid)
	  FROM members m
	  JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid
	  JOIN pg_catalog.pg_index i ON i.indrelid = c.oid
	UNION ALL
	-- triggers of member tables, with their firing state (ENABLE ALWAYS ...)
	SELECT 'trigger ' || pg_catalog.pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
	  FROM members m
	  JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid
	  JOIN pg_catalog.pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
	UNION ALL
	-- row-level security policies of member tables
	SELECT 'policy ' || c.oid::regclass::text || ' ' || po.polname || ' cmd=' || po.polcmd::text
		   || ' permissive=' || po.polpermissive
		   || ' using=' || coalesce(pg_catalog.pg_get_expr(po.polqual, po.polrelid), '-')
		   || ' check=' || coalesce(pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid), '-')
	  FROM members m
	  JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::regclass AND c.oid = m.objid
	  JOIN pg_catalog.pg_policy po ON po.polrelid = c.oid
	UNION ALL
	-- schemas: ACL and owner
	SELECT 'schema ' || n.nspname || ' acl=' || coalesce(n.nspacl::text, '-')
		   || ' owner=' || pg_catalog.pg_get_userbyid(n.nspowner)
	  FROM members m
	  JOIN pg_catalog.pg_namespace n ON m.classid = 'pg_catalog.pg_namespace'::regclass AND n.oid = m.objid
	UNION ALL
	SELECT 'schema ' || n.nspname || ' acl=' || coalesce(n.nspacl::text, '-')
		   || ' owner=' || pg_catalog.pg_get_userbyid(n.nspowner)
	  FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
	 WHERE e.extname = 'members'
	UNION ALL
	-- types and domains (not row types of tables)
	SELECT 'type ' || t.oid::regtype::text || ' kind=' || t.typtype::text
		   || ' def=' || coalesce(pg_catalog.format_type(t.typbasetype, t.typtypmod), '-')
		   || ' notnull=' || t.typnotnull || ' acl=' || coalesce(t.typacl::text, '-')
	  FROM members m
	  JOIN pg_catalog.pg_type t ON m.classid = 'pg_catalog.pg_type'::regclass AND t.oid = m.objid
	UNION ALL
	-- sequences: parameters
	SELECT 'sequence ' || s.seqrelid::regclass::text || ' type=' || s.seqtypid::regtype::text
		   || ' start=' || s.seqstart || ' inc=' || s.seqincrement || ' min=' || s.seqmin
		   || ' max=' || s.seqmax || ' cache=' || s.seqcache || ' cycle=' || s.seqcycle
	  FROM members m
	  JOIN pg_catalog.pg_sequence s ON m.classid = 'pg_catalog.pg_class'::regclass AND s.seqrelid = m.objid
	UNION ALL
	-- pg_dump registration (extconfig / extcondition), by name
	SELECT 'extconfig ' || cfg.rel::regclass::text || ' condition=' || coalesce(cfg.cond, '-')
	  FROM pg_catalog.pg_extension e,
		   LATERAL ROWS FROM (pg_catalog.unnest(e.extconfig), pg_catalog.unnest(e.extcondition)) AS cfg(rel, cond)
	 WHERE e.extname = 'members'
	UNION ALL
	SELECT 'extension version=' || e.extversion || ' relocatable=' || e.extrelocatable
		   || ' schema=' || e.extnamespace::regnamespace::text
	  FROM pg_catalog.pg_extension e WHERE e.extname = 'members'
)
SELECT fact FROM facts ORDER BY fact COLLATE "C";
